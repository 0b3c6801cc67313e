//! Saved plans: `--dry-run --plan-out FILE` then `ghtraf apply FILE` runs
//! exactly the reviewed plan, or refuses with exit 4 when the world changed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use crate::common::*;
use fakehub::{Config, FakeHub, World};

fn hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap()
}

/// A run on `hub`, with the canary as the workflow token when `token`.
fn on_hub(hub: &FakeHub, token: bool) -> Run {
    let run = on(hub);
    if token {
        run.gist_token(CANARY)
    } else {
        run
    }
}

fn save(hub: &FakeHub, dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let plan = dir.join("reviewed-plan.json");
    let mut args = vec![
        "create",
        "-n",
        "--repo",
        "octo/demo",
        "--dry-run",
        "--plan-out",
    ];
    let p = plan.to_string_lossy().into_owned();
    args.push(&p);
    args.extend_from_slice(extra);
    let out = on_hub(hub, true).run(dir, &args);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Plan saved to"), "{}", out.stdout);
    plan
}

#[test]
fn a_saved_plan_runs_exactly_as_reviewed() {
    let hub = hub();
    let dir = checkout();
    let plan = save(&hub, dir.path(), &[]);
    let saved = std::fs::read_to_string(&plan).unwrap();
    assert!(
        !saved.contains(CANARY),
        "the token is never written to the plan file"
    );
    assert!(hub.mutations().is_empty(), "saving mutates nothing");

    let out = on_hub(&hub, true).run(
        dir.path(),
        &["apply", plan.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let doc = json(&out);
    let reviewed: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(
        doc["plan"], reviewed["plan"],
        "the applied plan is the reviewed one"
    );
    assert_eq!(hub.mutations().len(), 5, "{:?}", hub.mutations());
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY)
    );
}

#[test]
fn apply_refuses_when_github_changed_since_the_review() {
    let hub = hub();
    let dir = checkout();
    let plan = save(&hub, dir.path(), &[]);
    // Someone else sets the variable in between.
    hub.set_variable(
        "octo",
        "demo",
        "TRAFFIC_GIST_ID",
        "0123456789abcdef0123456789abcdef",
    );
    hub.clear_log();
    let out = on_hub(&hub, true).run(dir.path(), &["apply", plan.to_str().unwrap()]);
    // The whole message matters: what changed, that nothing was done, what to do.
    insta::assert_snapshot!(out.transcript(), @r"
    exit: 4
    --- stderr
    error: plan is stale: the world changed since it was saved; nothing was done
      changed: variable:set:TRAFFIC_GIST_ID
      hint: review a new plan (--dry-run --plan-out) and apply that
    ");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert_eq!(
        snapshot_tree(dir.path()).len(),
        1,
        "only the plan file exists"
    );
}

#[test]
fn apply_refuses_when_a_file_changed_since_the_review() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(
        ghtraf(dir.path(), &["init", "-n", "--repo", "octo/demo"], &[]).code,
        0
    );
    std::fs::write(dir.path().join("docs/stats/README.md"), "/* mine */").unwrap();
    let plan = save(&hub, dir.path(), &["--force"]);
    std::fs::write(
        dir.path().join("docs/stats/README.md"),
        "/* mine, edited again */",
    )
    .unwrap();
    let out = on_hub(&hub, true).run(dir.path(), &["apply", plan.to_str().unwrap()]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("changed: file:overwrite:docs/stats/README.md"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("docs/stats/README.md")).unwrap(),
        "/* mine, edited again */"
    );
    assert!(hub.mutations().is_empty());
}

#[test]
fn apply_without_the_token_the_plan_needs_is_stale_not_a_silent_skip() {
    let hub = hub();
    let dir = checkout();
    let plan = save(&hub, dir.path(), &[]);
    let out = on_hub(&hub, false).run(dir.path(), &["apply", plan.to_str().unwrap()]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("secret:set:TRAFFIC_GIST_TOKEN"),
        "{}",
        out.stderr
    );
    assert!(hub.mutations().is_empty());
}

#[test]
fn a_collect_plan_is_stale_once_new_traffic_arrives() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(
        on_hub(&hub, true)
            .run(dir.path(), &["create", "-n", "--repo", "octo/demo"])
            .code,
        0
    );
    let plan = dir.path().join("collect-plan.json");
    let p = plan.to_string_lossy().into_owned();
    let out = on_hub(&hub, false).run(
        dir.path(),
        &["collect", "-n", "--dry-run", "--plan-out", &p],
    );
    assert_eq!(out.code, 0, "{out:?}");
    hub.patch_world(
        serde_json::json!({"repos": {"octo/demo": {"traffic": {"2026-02-25": {
            "clones": 999, "clone_uniques": 9, "views": 999, "view_uniques": 9
        }}}}}),
    )
    .unwrap();
    hub.clear_log();
    let out = on_hub(&hub, false).run(dir.path(), &["apply", &p]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("changed: gist:update:badges"),
        "{}",
        out.stderr
    );
    assert!(hub.mutations().is_empty());
}

#[test]
fn plan_files_are_checked_and_questions_cannot_be_saved() {
    let dir = checkout();
    std::fs::write(dir.path().join("bad.json"), "{\"plan\": 1}").unwrap();
    let out = ghtraf(dir.path(), &["apply", "bad.json"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("not a saved ghtraf plan"),
        "{}",
        out.stderr
    );
    let out = ghtraf(dir.path(), &["init", "-n", "--plan-out", "p.json"], &[]);
    assert_eq!(out.code, 2, "--plan-out needs --dry-run: {out:?}");

    // An interactive conflict question cannot be settled in a saved plan.
    assert_eq!(ghtraf(dir.path(), &["init", "-n"], &[]).code, 0);
    std::fs::write(dir.path().join("docs/stats/README.md"), "mine").unwrap();
    let prompter = Arc::new(ghtraf::prompt::ScriptedPrompter::new(Vec::<String>::new()));
    let out = interactive(
        dir.path(),
        &["init", "--dry-run", "--plan-out", "q.json"],
        &[],
        prompter,
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cannot be saved"), "{}", out.stderr);
    assert!(!dir.path().join("q.json").exists());
}
