//! `ghtraf status` and `ghtraf list` against fakehub: read-only summaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::{Config, FakeHub, World};

#[test]
fn status_and_list_summarise_without_mutating() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    assert_eq!(
        on(&hub)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["create", "-n", "--repo", "octo/demo"])
            .code,
        0
    );
    assert_eq!(
        on(&hub)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["collect", "-n"])
            .code,
        0
    );
    hub.add_gist(
        "octo",
        "[GTT] octo/other · badges",
        true,
        &[("state.json", "{oops")],
    );
    hub.add_gist("octo", "unrelated notes", true, &[("a.txt", "x")]);
    hub.clear_log();

    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["status", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let st = json(&out);
    assert_eq!(st["repository"], "octo/demo");
    assert!(st["secret"].is_string(), "{st}");
    assert_eq!(st["workflow_in_checkout"], true);
    assert_eq!(st["workflow_on_default_branch"], false);
    let export = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["export", "--format", "json"])
        .json();
    let export = export["days"].as_array().unwrap();
    let clones: u64 = export.iter().map(|r| r["clones"].as_u64().unwrap()).sum();
    assert_eq!(
        st["summary"]["clones"], clones,
        "status totals agree with the history"
    );
    let text = on(&hub).gist_token(GIST_TOKEN).run(dir.path(), &["status"]);
    assert!(text.stdout.contains("installs"), "{}", text.stdout);

    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["list", "--format", "json"]);
    assert_eq!(out.code, 1, "an unreadable state is reported: {out:?}");
    let rows = json(&out);
    let rows = rows["repositories"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        2,
        "found by the naming convention only: {rows:?}"
    );
    assert_eq!(rows[0]["repository"], "octo/demo");
    assert_eq!(rows[0]["summary"]["clones"], clones);
    assert!(rows[1]["problem"].as_str().unwrap().contains("state.json"));
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
}

/// A repository `create` just set up was never collected: status, list and
/// verify say so (they said "last collection" at the gist's creation time,
/// which the new state stamped). The first `collect` gives the time.
#[test]
fn a_new_deployment_is_never_collected_until_its_first_collection() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let run = |now: &str, args: &[&str]| {
        on(&hub)
            .now(now)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), args)
    };
    assert_eq!(run(NOW, &["create", "-n", "--repo", "octo/demo"]).code, 0);
    let world = hub.state();
    let state = world["gists"]
        .as_object()
        .unwrap()
        .values()
        .find(|g| g["description"] == "[GTT] octo/demo · badges")
        .and_then(|g| g["files"]["state.json"].as_str())
        .unwrap();
    assert!(!state.contains("capturedAt"), "{state}");

    let later = "2026-02-26T09:00:00Z";
    let st = run(later, &["status", "--format", "json"]).json();
    assert_eq!(
        st["summary"]["last_collection"],
        serde_json::Value::Null,
        "{st}"
    );
    let text = run(later, &["status"]).stdout;
    assert!(
        text.contains("tracking since 2026-02-26, never collected, 0 day(s) held"),
        "{text}"
    );
    let rows = run(later, &["list", "--format", "json"]).json();
    assert_eq!(
        rows["repositories"][0]["summary"]["last_collection"],
        serde_json::Value::Null,
        "{rows}"
    );
    let text = run(later, &["list"]).stdout;
    assert!(text.contains("never collected"), "{text}");
    let verified = run(later, &["verify", "--format", "json"]).json();
    let freshness = verified["verification"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "state:freshness")
        .cloned()
        .unwrap();
    assert_eq!(freshness["status"], "ok", "{freshness}");
    assert!(
        freshness["message"]
            .as_str()
            .unwrap()
            .contains("never collected yet"),
        "{freshness}"
    );

    assert_eq!(run(later, &["collect", "-n"]).code, 0);
    let st = run(later, &["status", "--format", "json"]).json();
    assert_eq!(st["summary"]["last_collection"], later, "{st}");
    let text = run(later, &["status"]).stdout;
    assert!(text.contains(&format!("last collection {later}")), "{text}");
    let text = run(later, &["list"]).stdout;
    assert!(text.contains(later), "{text}");
}

/// A badge gist an earlier `create` made carries its creation time as
/// `capturedAt`: it reads, and it is still "never collected".
#[test]
fn a_state_an_earlier_create_stamped_is_never_collected() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let run = |args: &[&str]| {
        on(&hub)
            .now("2026-02-26T09:00:00Z")
            .gist_token(GIST_TOKEN)
            .run(dir.path(), args)
    };
    assert_eq!(run(&["create", "-n", "--repo", "octo/demo"]).code, 0);
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(".ghtraf.json")).unwrap()).unwrap();
    let id = config["badgeGistId"].as_str().unwrap();
    let world = hub.state();
    let mut state: serde_json::Value =
        serde_json::from_str(world["gists"][id]["files"]["state.json"].as_str().unwrap()).unwrap();
    state["capturedAt"] = "2026-02-26T03:00:00Z".into();
    let text = serde_json::to_string_pretty(&state).unwrap();
    hub.patch_world(serde_json::json!({"gists": {id: {"files": {"state.json": text}}}}))
        .unwrap();
    let st = run(&["status", "--format", "json"]).json();
    assert_eq!(
        st["summary"]["last_collection"],
        serde_json::Value::Null,
        "{st}"
    );
    assert!(run(&["list"]).stdout.contains("never collected"));
}

/// After `create` without a workflow token, `status` showed `secret … (missing)` and exited
/// 0 where `verify` exited 3: the workflow cannot collect, and a script checking `status`
/// went on. Both now exit 3, and `status` names the secret among its problems; once the
/// token is stored, both exit 0.
#[test]
fn a_missing_secret_is_a_deviation_for_status_as_for_verify() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    let created = on(&hub).run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(created.code, 0, "{created:?}");

    let status = on(&hub).run(dir.path(), &["status"]);
    assert!(
        status.stdout.contains("TRAFFIC_GIST_TOKEN (missing)"),
        "{}",
        status.stdout
    );
    let verify = on(&hub).run(dir.path(), &["verify"]);
    assert_eq!(verify.code, 3, "{verify:?}");
    assert_eq!(status.code, verify.code, "{status:?}");
    assert!(
        status
            .stderr
            .contains("secret TRAFFIC_GIST_TOKEN is missing: the workflow cannot collect"),
        "{}",
        status.stderr
    );
    let doc = on(&hub).run(dir.path(), &["status", "--format", "json"]);
    assert_eq!(doc.code, 3, "{doc:?}");
    assert!(
        json(&doc)["problems"]
            .to_string()
            .contains("TRAFFIC_GIST_TOKEN is missing"),
        "{}",
        doc.stdout
    );

    // The token stored, nothing is missing: exit 0.
    let stored = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(stored.code, 0, "{stored:?}");
    let status = on(&hub).run(dir.path(), &["status"]);
    assert_eq!(status.code, 0, "{status:?}");
}
