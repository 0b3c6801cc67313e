//! `ghtraf verify` against fakehub: clean after setup and push; each kind of
//! drift (workflow not pushed, a variable changed, an edited template, a state
//! whose totals do not add up, a stale collection) is named and exits 3.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use ghtraf_github::{Client, ClientConfig, GitHubRead, GitHubWrite, RepoRef, Token};

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
    push_workflow(hub, dir.path());
    dir
}

const WORKFLOW: &str = ".github/workflows/traffic-badges.yml";

/// Pushes the checkout's workflow to the default branch (as `git push` would).
fn push_workflow(hub: &FakeHub, dir: &std::path::Path) {
    let client = Client::new(ClientConfig::new(
        hub.url(),
        Token::new("api"),
        "ghtraf-test",
    ))
    .unwrap();
    let repo = RepoRef::parse("octo/demo").unwrap();
    let wf = std::fs::read(dir.join(WORKFLOW)).unwrap();
    let sha = client.content(&repo, WORKFLOW).unwrap().map(|c| c.sha);
    client
        .put_content(&repo, WORKFLOW, "Track traffic", &wf, sha.as_deref())
        .unwrap();
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

/// What verify found, not what `create` would do: its OK lines read
/// "adopting existing gist …" and "--update-secret to replace" (create's plan
/// lines), as if verify adopted or could replace something.
#[test]
fn verify_says_what_it_found_not_what_create_would_do() {
    let hub = hub();
    let dir = deployed(&hub);
    let out = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc = json(&out);
    let message = |id: &str| {
        doc["verification"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no {id}: {doc:#}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let badge = message("gist:skip:badges");
    assert!(
        badge.starts_with("gist ") && badge.ends_with(" exists"),
        "{badge}"
    );
    let secret = message("secret:skip:TRAFFIC_GIST_TOKEN");
    assert!(secret.starts_with("present (updated "), "{secret}");
    assert!(!out.stdout.contains("adopting"), "{}", out.stdout);
    assert!(!out.stdout.contains("--update-secret"), "{}", out.stdout);
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
    std::fs::write(dir.path().join("docs/stats/README.md"), "/* edited */").unwrap();
    let out = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(out.code, 3, "{out:?}");
    let found = deviations(&out);
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert!(ids.contains(&"variable:set:TRAFFIC_GIST_ID"), "{found:?}");
    assert!(ids.contains(&"file:skip:docs/stats/README.md"), "{found:?}");
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

/// Appends a line to the checkout's workflow and pushes it.
fn edit_workflow(hub: &FakeHub, dir: &std::path::Path, line: &str) {
    let path = dir.join(WORKFLOW);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(line);
    std::fs::write(&path, text).unwrap();
    push_workflow(hub, dir);
}

/// `init -n` with `extra`, which must succeed; its standard output.
fn init(hub: &FakeHub, dir: &std::path::Path, extra: &[&str]) -> String {
    let args: Vec<&str> = ["init", "-n"].iter().chain(extra).copied().collect();
    let out = on(hub).now(NOW).run(dir, &args);
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
}

/// `verify` finds the kept workflow drifted (exit 3): the finding names the
/// file and `says` what changed; the JSON's kept state is `state`.
fn workflow_drift(hub: &FakeHub, dir: &std::path::Path, says: &str, state: &str) {
    let out = verify_json(hub, dir);
    assert_eq!(out.code, 3, "{out:?}");
    let found = deviations(&out);
    assert!(
        found
            .iter()
            .any(|(id, m)| id == &format!("file:skip:{WORKFLOW}")
                && m.contains(WORKFLOW)
                && m.contains(says)),
        "{found:?}"
    );
    assert_eq!(json(&out)["kept"][0]["state"], state);
}

fn verify_json(hub: &FakeHub, dir: &std::path::Path) -> Output {
    on(hub).now(NOW).run(dir, &["verify", "--format", "json"])
}

fn project_json(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(".ghtraf.json")).unwrap()).unwrap()
}

#[test]
fn an_edit_init_kept_is_reported_as_kept_until_it_changes_again() {
    let hub = hub();
    let dir = deployed(&hub);
    edit_workflow(&hub, dir.path(), "# my own step\n");
    // Before any keep is recorded, the edit is drift (as before).
    let out = verify_json(&hub, dir.path());
    assert_eq!(out.code, 3, "{out:?}");

    // The dry run shows the record it would write, and writes nothing.
    let before = std::fs::read(dir.path().join(".ghtraf.json")).unwrap();
    let dry = init(&hub, dir.path(), &["--dry-run"]);
    assert!(
        dry.contains(&format!("record your kept edit of {WORKFLOW}")),
        "{dry}"
    );
    assert_eq!(
        std::fs::read(dir.path().join(".ghtraf.json")).unwrap(),
        before
    );

    // A non-interactive init keeps the file and records it.
    init(&hub, dir.path(), &[]);
    let kept = &project_json(dir.path())["keptEdits"][WORKFLOW];
    let bytes = std::fs::read(dir.path().join(WORKFLOW)).unwrap();
    assert_eq!(kept["sha256"], ghtraf::fsio::sha256_hex(&bytes), "{kept}");

    let out = verify_json(&hub, dir.path());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(deviations(&out).is_empty(), "{}", out.stdout);
    let doc = json(&out);
    assert_eq!(
        doc["kept"],
        serde_json::json!([{"path": WORKFLOW, "state": "kept"}])
    );
    assert_eq!(doc["summary"]["kept"], 1);
    let text = on(&hub).now(NOW).run(dir.path(), &["verify"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("kept (your edit"), "{}", text.stdout);

    // Edited again: drift, naming the file and what changed.
    edit_workflow(&hub, dir.path(), "# and another\n");
    workflow_drift(&hub, dir.path(), "edited again", "edited_since");

    // --force takes the template and clears the record.
    let forced = init(&hub, dir.path(), &["--force"]);
    assert!(
        forced.contains(&format!("clear the kept-edit record of {WORKFLOW}")),
        "{forced}"
    );
    let project = project_json(dir.path());
    assert!(project.get("keptEdits").is_none(), "{project}");
    assert!(!std::fs::read_to_string(dir.path().join(WORKFLOW))
        .unwrap()
        .contains("# my own step"));
}

#[test]
fn a_template_that_changed_under_a_kept_edit_is_reported_as_such() {
    let hub = hub();
    let dir = deployed(&hub);
    edit_workflow(&hub, dir.path(), "# my own step\n");
    init(&hub, dir.path(), &["--skip-existing"]);
    // Another workflow to follow changes the workflow template (not the file).
    let mut project = project_json(dir.path());
    project["ciWorkflows"] = serde_json::json!(["CI"]);
    std::fs::write(
        dir.path().join(".ghtraf.json"),
        serde_json::to_string_pretty(&project).unwrap(),
    )
    .unwrap();
    workflow_drift(&hub, dir.path(), "the template changed", "template_changed");
}

#[test]
fn a_config_edited_after_the_review_stops_the_record_and_loses_nothing() {
    let hub = hub();
    let dir = deployed(&hub);
    edit_workflow(&hub, dir.path(), "# my own step\n");
    let plan = dir.path().join("plan.json");
    let p = plan.to_string_lossy().into_owned();
    let out = on(&hub)
        .now(NOW)
        .run(dir.path(), &["init", "-n", "--dry-run", "--plan-out", &p]);
    assert_eq!(out.code, 0, "{out:?}");
    // Someone edits .ghtraf.json in between.
    let mut project = project_json(dir.path());
    project["mine"] = serde_json::json!("keep me");
    let edited = serde_json::to_string_pretty(&project).unwrap();
    std::fs::write(dir.path().join(".ghtraf.json"), &edited).unwrap();
    let out = on(&hub).now(NOW).run(dir.path(), &["apply", &p]);
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".ghtraf.json")).unwrap(),
        edited
    );
}
