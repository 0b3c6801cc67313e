//! Tokens as GitHub treats them: classic tokens carry `X-OAuth-Scopes` and are refused per
//! scope (a gist write without `gist` is a 404, a private repository is invisible without
//! `repo`), fine-grained tokens carry no scopes header and are refused per permission with
//! `X-Accepted-GitHub-Permissions`, unknown tokens get 401 "Bad credentials". ghtraf checks
//! the workflow token against exactly these answers before storing it.

use crate::common::{agent, send, Reply};
use fakehub::{Config, FakeHub, TokenGrant, World};
use serde_json::{json, Value};

const CLASSIC_GIST: &str = "ghp_gist_only";
const CLASSIC_FULL: &str = "ghp_gist_and_public_repo";
const FINE_COLLECT: &str = "github_pat_collect";
const FINE_BARE: &str = "github_pat_metadata_only";

fn world() -> World {
    let mut world = World::demo_on("2026-03-10").unwrap();
    world.reject_unknown_tokens = true;
    world
        .tokens
        .insert(CLASSIC_GIST.into(), TokenGrant::classic(&["gist"]));
    world.tokens.insert(
        CLASSIC_FULL.into(),
        TokenGrant::classic(&["gist", "public_repo"]),
    );
    world.tokens.insert(
        FINE_COLLECT.into(),
        TokenGrant::fine_grained(&[
            ("gists", "write"),
            ("administration", "read"),
            ("actions", "read"),
        ]),
    );
    world
        .tokens
        .insert(FINE_BARE.into(), TokenGrant::fine_grained(&[]));
    world
}

fn as_token(
    hub: &FakeHub,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Reply {
    send(
        &agent(),
        method,
        &format!("{}{path}", hub.url()),
        token,
        body.as_ref(),
    )
    .unwrap()
}

fn gist_body() -> Value {
    json!({"files": {"a.json": {"content": "{}"}}, "public": false})
}

#[test]
fn classic_tokens_carry_their_scopes_and_are_refused_per_scope() {
    let hub = FakeHub::start(Config {
        world: world(),
        ..Config::default()
    })
    .unwrap();
    let user = as_token(&hub, Some(CLASSIC_GIST), "GET", "/user", None);
    assert_eq!(user.status, 200);
    assert_eq!(user.header("x-oauth-scopes"), Some("gist"));
    let traffic = as_token(
        &hub,
        Some(CLASSIC_GIST),
        "GET",
        "/repos/octo/demo/traffic/clones",
        None,
    );
    assert_eq!(traffic.status, 403, "{}", traffic.text);
    assert_eq!(
        traffic.json()["message"],
        "Resource not accessible by personal access token"
    );
    assert_eq!(
        traffic.header("x-accepted-oauth-scopes"),
        Some("repo, public_repo")
    );
    // Public runs need no scope; variables do.
    let runs = as_token(
        &hub,
        Some(CLASSIC_GIST),
        "GET",
        "/repos/octo/demo/actions/runs",
        None,
    );
    assert_eq!(runs.status, 200);
    let variables = as_token(
        &hub,
        Some(CLASSIC_GIST),
        "GET",
        "/repos/octo/demo/actions/variables",
        None,
    );
    assert_eq!(variables.status, 403);

    let full = as_token(
        &hub,
        Some(CLASSIC_FULL),
        "GET",
        "/repos/octo/demo/traffic/clones",
        None,
    );
    assert_eq!(full.status, 200);
    assert_eq!(full.header("x-oauth-scopes"), Some("gist, public_repo"));
    let created = as_token(
        &hub,
        Some(CLASSIC_FULL),
        "POST",
        "/gists",
        Some(gist_body()),
    );
    assert_eq!(created.status, 201);
    // Without `gist`, a gist write is a 404, exactly as GitHub answers it.
    hub.patch_world(
        json!({"tokens": {CLASSIC_FULL: {"kind": "classic", "scopes": ["public_repo"]}}}),
    )
    .unwrap();
    let refused = as_token(
        &hub,
        Some(CLASSIC_FULL),
        "POST",
        "/gists",
        Some(gist_body()),
    );
    assert_eq!(refused.status, 404);
    // A private repository is invisible to a classic token without `repo`.
    hub.patch_world(json!({"repos": {"octo/demo": {"private": true}}}))
        .unwrap();
    assert_eq!(
        as_token(&hub, Some(CLASSIC_FULL), "GET", "/repos/octo/demo", None).status,
        404
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn fine_grained_tokens_have_no_scopes_header_and_are_refused_per_permission() {
    let hub = FakeHub::start(Config {
        world: world(),
        ..Config::default()
    })
    .unwrap();
    let user = as_token(&hub, Some(FINE_COLLECT), "GET", "/user", None);
    assert_eq!(user.status, 200);
    assert_eq!(user.header("x-oauth-scopes"), None);
    for path in [
        "/repos/octo/demo/traffic/clones",
        "/repos/octo/demo/traffic/views",
        "/repos/octo/demo/actions/runs",
        "/gists",
    ] {
        let reply = as_token(&hub, Some(FINE_COLLECT), "GET", path, None);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    }
    assert_eq!(
        as_token(
            &hub,
            Some(FINE_COLLECT),
            "POST",
            "/gists",
            Some(gist_body())
        )
        .status,
        201
    );
    let variables = as_token(
        &hub,
        Some(FINE_COLLECT),
        "GET",
        "/repos/octo/demo/actions/variables",
        None,
    );
    assert_eq!(variables.status, 403);
    assert_eq!(
        variables.header("x-accepted-github-permissions"),
        Some("variables=read")
    );

    let traffic = as_token(
        &hub,
        Some(FINE_BARE),
        "GET",
        "/repos/octo/demo/traffic/clones",
        None,
    );
    assert_eq!(traffic.status, 403);
    assert_eq!(
        traffic.header("x-accepted-github-permissions"),
        Some("administration=read")
    );
    let runs = as_token(
        &hub,
        Some(FINE_BARE),
        "GET",
        "/repos/octo/demo/actions/runs",
        None,
    );
    assert_eq!(
        runs.header("x-accepted-github-permissions"),
        Some("actions=read")
    );
    let gist = as_token(&hub, Some(FINE_BARE), "POST", "/gists", Some(gist_body()));
    assert_eq!(gist.status, 403);
    assert_eq!(
        gist.header("x-accepted-github-permissions"),
        Some("gists=write")
    );
    // Metadata is always readable.
    assert_eq!(
        as_token(&hub, Some(FINE_BARE), "GET", "/repos/octo/demo", None).status,
        200
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn unknown_tokens_get_bad_credentials_and_the_default_token_keeps_every_scope() {
    let hub = FakeHub::start(Config {
        world: world(),
        ..Config::default()
    })
    .unwrap();
    let unknown = as_token(&hub, Some("ghp_revoked"), "GET", "/user", None);
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.json()["message"], "Bad credentials");
    assert_eq!(as_token(&hub, None, "GET", "/user", None).status, 401);

    // Without reject_unknown_tokens any other token is the all-powerful default token.
    let open = FakeHub::start(Config {
        world: World {
            reject_unknown_tokens: false,
            ..world()
        },
        ..Config::default()
    })
    .unwrap();
    let default = as_token(
        &open,
        Some("anything"),
        "GET",
        "/repos/octo/demo/traffic/clones",
        None,
    );
    assert_eq!(default.status, 200);
    assert_eq!(default.header("x-oauth-scopes"), None);
    // Listed tokens keep their own grant next to it.
    assert_eq!(
        as_token(
            &open,
            Some(CLASSIC_GIST),
            "GET",
            "/repos/octo/demo/traffic/clones",
            None
        )
        .status,
        403
    );
}
