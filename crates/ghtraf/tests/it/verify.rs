//! `ghtraf verify` against fakehub: clean after setup and push; each kind of
//! drift (workflow not pushed, a variable changed, an edited template, a state
//! whose totals do not add up, a stale collection) is named and exits 3.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use ghtraf_github::{Client, ClientConfig, GitHubWrite, RepoRef, Token};

fn hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap()
}

/// Set up, collect once, and push the workflow to the default branch.
fn deployed(hub: &FakeHub) -> tempfile::TempDir {
    let dir = checkout();
    assert_eq!(
        on(hub)
            .now(NOW)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["create", "-n", "--repo", "octo/demo"])
            .code,
        0
    );
    assert_eq!(
        on(hub)
            .now(NOW)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["collect", "-n"])
            .code,
        0
    );
    let client = Client::new(ClientConfig::new(
        hub.url(),
        Token::new("api"),
        "ghtraf-test",
    ))
    .unwrap();
    let wf = std::fs::read(dir.path().join(".github/workflows/traffic-badges.yml")).unwrap();
    client
        .put_content(
            &RepoRef::parse("octo/demo").unwrap(),
            ".github/workflows/traffic-badges.yml",
            "Track traffic",
            &wf,
            None,
        )
        .unwrap();
    dir
}

fn deviations(out: &Output) -> Vec<(String, String)> {
    json(out)["verification"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "deviation")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_healthy_deployment_verifies_clean_and_mutates_nothing() {
    let hub = hub();
    let dir = deployed(&hub);
    hub.clear_log();
    let out = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(deviations(&out).is_empty(), "{}", out.stdout);
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    let text = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify"]);
    assert!(text.stdout.contains("state:identity"), "{}", text.stdout);
    assert!(text.stdout.contains("no deviation"), "{}", text.stdout);
}

#[test]
fn drift_is_named_and_exits_3() {
    let hub = hub();
    let dir = deployed(&hub);
    hub.set_variable(
        "octo",
        "demo",
        "TRAFFIC_GIST_ID",
        "0123456789abcdef0123456789abcdef",
    );
    std::fs::write(dir.path().join("docs/stats/style.css"), "/* edited */").unwrap();
    let out = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(out.code, 3, "{out:?}");
    let found = deviations(&out);
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert!(ids.contains(&"variable:set:TRAFFIC_GIST_ID"), "{found:?}");
    assert!(ids.contains(&"file:skip:docs/stats/style.css"), "{found:?}");
}

#[test]
fn an_unpushed_workflow_and_a_stale_collection_are_drift() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(
        on(&hub)
            .now(NOW)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["create", "-n", "--repo", "octo/demo"])
            .code,
        0
    );
    let later = "2026-03-02T03:00:00Z";
    let out = on(&hub)
        .now(later)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(out.code, 3, "{out:?}");
    let found = deviations(&out);
    assert!(
        found
            .iter()
            .any(|(id, m)| id == "workflow:pushed" && m.contains("push")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(id, m)| id == "state:freshness" && m.contains("workflow running")),
        "{found:?}"
    );
}

#[test]
fn totals_that_do_not_add_up_are_drift() {
    let hub = hub();
    let dir = deployed(&hub);
    let state = hub.state();
    let (id, gist) = state["gists"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, g)| g["description"] == "[GTT] octo/demo · badges")
        .map(|(id, g)| (id.clone(), g.clone()))
        .unwrap();
    let mut s: serde_json::Value =
        serde_json::from_str(gist["files"]["state.json"].as_str().unwrap()).unwrap();
    s["totals"]["clones"] = serde_json::json!(s["totals"]["clones"].as_u64().unwrap() + 1000);
    hub.patch_world(serde_json::json!({"gists": {id: {"files": {"state.json": s.to_string()}}}}))
        .unwrap();
    let out = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        deviations(&out)
            .iter()
            .any(|(id, _)| id == "state:identity"),
        "{}",
        out.stdout
    );
}
