//! Gist revisions as GitHub keeps them: every change of a gist's files is a revision
//! (`history` in the gist, `GET /gists/{id}/commits` paginated, `GET /gists/{id}/{sha}` the gist
//! as it was), which `collect`/`upgrade` use as a write precondition and `backfill` reads.

use crate::common::call;
use fakehub::{Config, FakeHub, World};
use serde_json::json;

fn hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn every_change_is_a_revision_readable_as_it_was() {
    let hub = hub();
    let b = hub.url();
    let id = hub.add_gist(
        "octo",
        "[GTT] octo/demo · badges",
        true,
        &[("state.json", "v1\n")],
    );
    let patch = |body: serde_json::Value| call(&b, "PATCH", &format!("/gists/{id}"), Some(body));
    assert_eq!(
        patch(json!({"files": {"state.json": {"content": "v1\nv2\n"}}})).status,
        200
    );
    // A description-only change and an unchanged file make no revision, as on GitHub.
    assert_eq!(
        patch(json!({"description": "[GTT] octo/demo · badges (renamed)"})).status,
        200
    );
    let same = patch(json!({"files": {"state.json": {"content": "v1\nv2\n"}}})).json();
    let history = same["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0]["change_status"],
        json!({"total": 1, "additions": 1, "deletions": 0})
    );
    let newest = history[0]["version"].as_str().unwrap().to_string();
    let oldest = history[1]["version"].as_str().unwrap().to_string();
    assert_ne!(newest, oldest);
    assert_eq!(newest.len(), 40);

    let old = call(&b, "GET", &format!("/gists/{id}/{oldest}"), None).json();
    assert_eq!(old["files"]["state.json"]["content"], "v1\n");
    let raw = old["files"]["state.json"]["raw_url"].as_str().unwrap();
    assert!(raw.contains(&format!("/raw/{oldest}/")), "{raw}");
    let text = crate::common::agent()
        .get(raw)
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert_eq!(text, "v1\n");
    assert_eq!(
        call(&b, "GET", &format!("/gists/{id}/{}", "0".repeat(40)), None).status,
        404
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn commits_are_paginated_newest_first() {
    let hub = hub();
    let b = hub.url();
    let id = hub.add_gist("octo", "g", false, &[("a.txt", "0")]);
    for n in 1..=4 {
        let body = json!({"files": {"a.txt": {"content": n.to_string()}}});
        assert_eq!(
            call(&b, "PATCH", &format!("/gists/{id}"), Some(body)).status,
            200
        );
    }
    let page = call(&b, "GET", &format!("/gists/{id}/commits?per_page=2"), None);
    let link = page.header("link").unwrap().to_string();
    assert!(link.contains("page=3>; rel=\"last\""), "{link}");
    let versions: Vec<String> = (1..=3)
        .flat_map(|n| {
            call(
                &b,
                "GET",
                &format!("/gists/{id}/commits?per_page=2&page={n}"),
                None,
            )
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["version"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(versions.len(), 5);
    let first = call(&b, "GET", &format!("/gists/{id}/{}", versions[0]), None).json();
    assert_eq!(first["files"]["a.txt"]["content"], "4");
    let last = call(&b, "GET", &format!("/gists/{id}/{}", versions[4]), None).json();
    assert_eq!(last["files"]["a.txt"]["content"], "0");
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn a_gist_seeded_without_history_has_one_stable_revision_and_keeps_it() {
    let mut world = World::demo_on("2026-03-10").unwrap();
    let ids = world.add_legacy_gists("octo/demo", "{\"count\":3}", true);
    assert_eq!(ids.len(), 2);
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let b = hub.url();
    let gist = call(&b, "GET", &format!("/gists/{}", ids[0]), None).json();
    assert_eq!(gist["description"], "octo/demo traffic badges");
    let seeded = gist["history"][0]["version"].as_str().unwrap().to_string();
    let again = call(&b, "GET", &format!("/gists/{}/commits", ids[0]), None).json();
    assert_eq!(again[0]["version"], seeded.as_str());
    let body = json!({"files": {"state.json": {"content": "{\"count\":4}"}}});
    let changed = call(&b, "PATCH", &format!("/gists/{}", ids[0]), Some(body)).json();
    assert_eq!(changed["history"][1]["version"], seeded.as_str());
    let at_seed = call(&b, "GET", &format!("/gists/{}/{seeded}", ids[0]), None).json();
    assert_eq!(at_seed["files"]["state.json"]["content"], "{\"count\":3}");
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}
