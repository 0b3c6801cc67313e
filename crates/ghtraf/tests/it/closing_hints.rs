//! `create`'s closing hints follow what was observed: no workflow token
//! stored (say how to store it, not "start the first collection", which would
//! start a run that cannot work), the workflow not on the default branch
//! (commit and push, on a re-run too), never collected (start the first
//! collection), collected already (none of these).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use serde_json::json;

const FIRST: &str = "start the first collection";
const PUSH: &str = "commit and push";
const STORE: &str = "the workflow cannot collect until its token is stored: GHTRAF_GIST_TOKEN=";

fn create(hub: &FakeHub, dir: &std::path::Path, token: bool) -> Output {
    let run = on(hub).now(NOW);
    let run = if token {
        run.gist_token(GIST_TOKEN)
    } else {
        run
    };
    run.run(dir, &["create", "-n", "--repo", "octo/demo"])
}

/// The workflow of the checkout, as if committed and pushed.
fn push_workflow(hub: &FakeHub, dir: &std::path::Path) {
    let path = ".github/workflows/traffic-badges.yml";
    let text = std::fs::read_to_string(dir.join(path)).unwrap();
    hub.patch_world(json!({"repos": {"octo/demo": {"contents": {path: text}}}}))
        .unwrap();
}

#[test]
fn without_a_token_the_hint_says_how_to_store_it_not_to_run_the_workflow() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    let out = create(&hub, dir.path(), false);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains(STORE), "{}", out.stderr);
    assert!(!out.stderr.contains(FIRST), "{}", out.stderr);
    // Pushed, still no token: still no run to start.
    push_workflow(&hub, dir.path());
    let again = create(&hub, dir.path(), false);
    assert!(again.stderr.contains(STORE), "{}", again.stderr);
    assert!(!again.stderr.contains(FIRST), "{}", again.stderr);
    assert!(!again.stderr.contains(PUSH), "{}", again.stderr);
}

#[test]
fn commit_and_push_stays_until_the_workflow_is_on_the_default_branch() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    let out = create(&hub, dir.path(), true);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains(PUSH), "{}", out.stderr);
    assert!(!out.stderr.contains(STORE), "{}", out.stderr);
    // A re-run changes no file, and the workflow is still not pushed: say it
    // again, and not "start the first collection" (no workflow to run there).
    let again = create(&hub, dir.path(), true);
    assert!(again.stderr.contains(PUSH), "{}", again.stderr);
    assert!(!again.stderr.contains(FIRST), "{}", again.stderr);
    // Pushed and never collected: start the first collection, nothing to push.
    push_workflow(&hub, dir.path());
    let pushed = create(&hub, dir.path(), true);
    assert!(pushed.stderr.contains(FIRST), "{}", pushed.stderr);
    assert!(!pushed.stderr.contains(PUSH), "{}", pushed.stderr);
}

#[test]
fn a_deployment_that_collects_is_told_none_of_the_first_steps() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), true).code, 0);
    push_workflow(&hub, dir.path());
    let collect = on(&hub)
        .now(NOW)
        .run(dir.path(), &["collect", "-n", "--repo", "octo/demo"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    let again = create(&hub, dir.path(), true);
    assert_eq!(again.code, 0, "{again:?}");
    for hint in [FIRST, PUSH, STORE] {
        assert!(!again.stderr.contains(hint), "{hint}: {}", again.stderr);
    }
}
