//! Proves the contract: one request to every operation in the OpenAPI subset, each answered
//! with a documented status and a body that validates against the subset's schema.

use crate::common::call;
use base64::Engine;
use crypto_box::aead::OsRng;
use fakehub::{Config, FakeHub, World};
use serde_json::json;
use std::collections::BTreeSet;

fn demo_hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn every_operation_answers_and_validates_against_the_subset() {
    let hub = demo_hub();
    let base = hub.url();
    let b = base.as_str();
    let expect = |method: &str, path: &str, body: Option<serde_json::Value>, status: u16| {
        let reply = call(b, method, path, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text);
        reply
    };

    expect("GET", "/user", None, 200);
    expect("GET", "/rate_limit", None, 200);
    expect("GET", "/repos/octo/demo", None, 200);
    expect("GET", "/repos/octo/demo/stargazers", None, 200);

    let gist = expect(
        "POST",
        "/gists",
        Some(json!({"description": "d", "public": false, "files": {"s.json": {"content": "{}"}}})),
        201,
    )
    .json();
    let id = gist["id"].as_str().unwrap().to_string();
    expect("GET", "/gists", None, 200);
    expect("GET", &format!("/gists/{id}"), None, 200);
    expect(
        "PATCH",
        &format!("/gists/{id}"),
        Some(json!({"files": {"b.svg": {"content": "<svg/>"}}})),
        200,
    );
    let commits = expect("GET", &format!("/gists/{id}/commits"), None, 200).json();
    assert_eq!(commits.as_array().unwrap().len(), 2, "create + update");
    let first = commits[1]["version"].as_str().unwrap();
    expect("GET", &format!("/gists/{id}/{first}"), None, 200);
    expect("DELETE", &format!("/gists/{id}"), None, 204);
    expect("GET", "/repos/octo/demo/forks?sort=oldest", None, 200);

    for path in ["clones", "views", "popular/referrers", "popular/paths"] {
        expect(
            "GET",
            &format!("/repos/octo/demo/traffic/{path}"),
            None,
            200,
        );
    }
    expect("GET", "/repos/octo/demo/releases", None, 200);

    let runs = expect(
        "GET",
        "/repos/octo/demo/actions/runs?created=2026-03-09",
        None,
        200,
    )
    .json();
    let run_id = runs["workflow_runs"][0]["id"].as_u64().unwrap();
    expect(
        "GET",
        &format!("/repos/octo/demo/actions/runs/{run_id}/jobs"),
        None,
        200,
    );
    let workflows = expect("GET", "/repos/octo/demo/actions/workflows", None, 200).json();
    let workflow_id = workflows["workflows"][0]["id"].as_u64().unwrap();
    expect(
        "GET",
        &format!("/repos/octo/demo/actions/workflows/{workflow_id}"),
        None,
        200,
    );
    expect(
        "GET",
        &format!("/repos/octo/demo/actions/workflows/{workflow_id}/runs"),
        None,
        200,
    );
    expect(
        "POST",
        "/repos/octo/demo/actions/workflows/ci.yml/dispatches",
        Some(json!({"ref": "main"})),
        204,
    );
    expect(
        "PUT",
        &format!("/repos/octo/demo/actions/workflows/{workflow_id}/disable"),
        None,
        204,
    );
    expect(
        "PUT",
        "/repos/octo/demo/actions/workflows/ci.yml/enable",
        None,
        204,
    );

    expect("GET", "/repos/octo/demo/actions/variables", None, 200);
    expect(
        "POST",
        "/repos/octo/demo/actions/variables",
        Some(json!({"name": "GIST_ID", "value": "x"})),
        201,
    );
    expect(
        "GET",
        "/repos/octo/demo/actions/variables/GIST_ID",
        None,
        200,
    );
    expect(
        "PATCH",
        "/repos/octo/demo/actions/variables/GIST_ID",
        Some(json!({"value": "y"})),
        204,
    );
    // Operations ghtraf never calls are not served (see README, "Endpoints").
    expect(
        "DELETE",
        "/repos/octo/demo/actions/variables/GIST_ID",
        None,
        404,
    );

    let key = expect(
        "GET",
        "/repos/octo/demo/actions/secrets/public-key",
        None,
        200,
    )
    .json();
    let public = base64::engine::general_purpose::STANDARD
        .decode(key["key"].as_str().unwrap())
        .unwrap();
    let public = crypto_box::PublicKey::from_slice(&public).unwrap();
    let sealed = public.seal(&mut OsRng, b"s3cret").unwrap();
    let encrypted = base64::engine::general_purpose::STANDARD.encode(sealed);
    expect(
        "PUT",
        "/repos/octo/demo/actions/secrets/TOKEN",
        Some(json!({"encrypted_value": encrypted, "key_id": key["key_id"]})),
        201,
    );
    expect("GET", "/repos/octo/demo/actions/secrets/TOKEN", None, 200);

    expect("GET", "/repos/octo/demo/pages", None, 404);
    expect(
        "POST",
        "/repos/octo/demo/pages",
        Some(json!({"source": {"branch": "main", "path": "/docs"}})),
        201,
    );
    expect(
        "PUT",
        "/repos/octo/demo/pages",
        Some(json!({"source": {"branch": "main", "path": "/"}})),
        204,
    );
    expect("GET", "/repos/octo/demo/pages", None, 200);

    expect("GET", "/repos/octo/demo/contents/README.md", None, 200);
    expect("GET", "/repos/octo/demo/contents/.github", None, 200);
    let content = base64::engine::general_purpose::STANDARD.encode("name: Traffic\n");
    expect(
        "PUT",
        "/repos/octo/demo/contents/.github/workflows/traffic.yml",
        Some(json!({"message": "add", "content": content})),
        201,
    );

    let served: BTreeSet<String> = hub
        .requests()
        .into_iter()
        .filter_map(|r| r.operation_id)
        .collect();
    let all: BTreeSet<String> = fakehub::operations()
        .into_iter()
        .map(|(_, _, id)| id)
        .collect();
    let missing: Vec<&String> = all.difference(&served).collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    assert_eq!(hub.contract_violations(), Vec::<String>::new());
}

#[test]
fn list_variants_validate_too() {
    let hub = demo_hub();
    let b = hub.url();
    let starred = crate::common::send(
        &crate::common::agent(),
        "GET",
        &format!("{b}/repos/octo/demo/stargazers"),
        None,
        None,
    )
    .unwrap();
    assert_eq!(starred.status, 200);
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/traffic/views?per=week", None).status,
        200
    );
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/contents/nope.txt", None).status,
        404
    );
    assert_eq!(
        call(&b, "GET", "/gists/0123456789abcdef0123456789abcdef", None).status,
        404
    );
    assert_eq!(hub.contract_violations(), Vec::<String>::new());
}
