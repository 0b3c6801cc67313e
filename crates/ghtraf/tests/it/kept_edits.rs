//! Kept-edit records that are right: a template ghtraf wrote and nobody
//! edited is outdated when a new ghtraf ships another one, not "your edit";
//! and a "no" at the overwrite question is recorded like `--skip-existing`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use ghtraf::fsio::sha256_hex;
use ghtraf::managed_file::written_sha256;
use ghtraf::prompt::ScriptedPrompter;

const N: &str = "--non-interactive";
const README: &str = "docs/stats/README.md";
const WORKFLOW: &str = ".github/workflows/traffic-badges.yml";
/// What an older ghtraf shipped as the dashboard's README (invented: no real
/// older release is needed, only a file that is not today's template).
const OLD_TEMPLATE: &str = "# Traffic dashboard (an older ghtraf's words)\n";

fn project(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(".ghtraf.json")).unwrap()).unwrap()
}

fn read(dir: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

/// A checkout `init` set up, then as an older ghtraf would have left it: its
/// README holds the older template, recorded as what ghtraf wrote there.
fn after_a_version_bump() -> tempfile::TempDir {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join(README), OLD_TEMPLATE).unwrap();
    let mut config = project(dir.path());
    config["writtenSha256"][README] = sha256_hex(OLD_TEMPLATE.as_bytes()).into();
    std::fs::write(
        dir.path().join(".ghtraf.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    dir
}

fn action<'a>(doc: &'a serde_json::Value, target: &str) -> &'a serde_json::Value {
    doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["target"] == target)
        .unwrap()
}

#[test]
fn init_records_what_it_wrote_into_each_template() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    let written = &project(dir.path())["writtenSha256"];
    for path in [WORKFLOW, "docs/stats/index.html", README] {
        let bytes = std::fs::read(dir.path().join(path)).unwrap();
        // The page's copy of config.json is deployment data, not template.
        assert_eq!(written[path], written_sha256(&bytes), "{path}: {written}");
    }
    let readme = std::fs::read(dir.path().join(README)).unwrap();
    assert_eq!(written[README], sha256_hex(&readme));
    // A second run finds everything as written: nothing to do.
    let again = ghtraf(dir.path(), &["init", N, "--format", "json"], &[]);
    let changes = changes(&again.json());
    assert!(changes.is_empty(), "{changes:?}");
}

/// `--skip-existing` after a version bump: the untouched old template is
/// reported as outdated with how to update it, and is no kept edit.
#[test]
fn skip_existing_reports_an_outdated_template_and_records_no_edit() {
    let dir = after_a_version_bump();
    let out = ghtraf(
        dir.path(),
        &["init", N, "--skip-existing", "--format", "json"],
        &[],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let doc = out.json();
    let readme = action(&doc, README);
    assert_eq!(readme["operation"], "skip", "{readme}");
    assert_eq!(
        readme["description"],
        "kept: outdated template, not edited (--skip-existing); `ghtraf init` updates it"
    );
    assert_eq!(read(dir.path(), README), OLD_TEMPLATE);
    let config = project(dir.path());
    assert!(config.get("keptEdits").is_none(), "{config:#}");
    assert_eq!(
        config["writtenSha256"][README],
        sha256_hex(OLD_TEMPLATE.as_bytes())
    );
}

/// A plain non-interactive `init` after a version bump updates the outdated
/// template (it kept it as "your edit" and recorded it so).
#[test]
fn a_plain_run_updates_an_outdated_template() {
    let dir = after_a_version_bump();
    let out = ghtraf(dir.path(), &["init", N, "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc = out.json();
    let readme = action(&doc, README);
    assert_eq!(readme["operation"], "update", "{readme}");
    assert_eq!(
        readme["description"],
        "update the outdated template (not edited since ghtraf wrote it)"
    );
    let now = std::fs::read(dir.path().join(README)).unwrap();
    assert_ne!(now, OLD_TEMPLATE.as_bytes());
    let config = project(dir.path());
    assert!(config.get("keptEdits").is_none(), "{config:#}");
    assert_eq!(config["writtenSha256"][README], sha256_hex(&now));
}

/// Interactive: an outdated template is updated without a question; only
/// the plan is approved.
#[test]
fn an_outdated_template_is_not_asked_about() {
    let dir = after_a_version_bump();
    let p = Arc::new(ScriptedPrompter::new(["y"]));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.asked(), ["Apply this plan?"]);
    assert_ne!(read(dir.path(), README), OLD_TEMPLATE);
}

/// An edit is still an edit: a file that is neither the template nor what
/// ghtraf wrote is kept and recorded as before.
#[test]
fn an_edited_template_is_still_a_kept_edit() {
    let dir = after_a_version_bump();
    std::fs::write(dir.path().join(README), "mine\n").unwrap();
    let out = ghtraf(dir.path(), &["init", N, "--skip-existing"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains(&format!("record your kept edit of {README}")),
        "{}",
        out.stdout
    );
    let config = project(dir.path());
    assert_eq!(config["keptEdits"][README]["sha256"], sha256_hex(b"mine\n"));
    // What ghtraf wrote is still what it wrote.
    assert_eq!(
        config["writtenSha256"][README],
        sha256_hex(OLD_TEMPLATE.as_bytes())
    );
}

/// A record that is not a hash is a clear error naming the file and key.
#[test]
fn a_malformed_written_record_is_refused_with_its_key() {
    let dir = checkout();
    std::fs::write(
        dir.path().join(".ghtraf.json"),
        r#"{"owner": "octo", "repo": "demo", "writtenSha256": {"docs/stats/README.md": "x"}}"#,
    )
    .unwrap();
    let out = ghtraf(dir.path(), &["init", N], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("key \"writtenSha256\": the record of docs/stats/README.md"),
        "{}",
        out.stderr
    );
}

/// An interactive "no" to overwriting an edited template is recorded as a
/// kept edit by the plan it was asked for (it was answered at execution,
/// after the plan had fixed `.ghtraf.json`, and only a hint said how to
/// record it).
#[test]
fn no_at_the_question_is_recorded_as_a_kept_edit() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join(WORKFLOW), "mine\n").unwrap();
    let p = Arc::new(ScriptedPrompter::new(["n", "y"]));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.asked(), [WORKFLOW, "Apply this plan?"]);
    // The plan shown says what the answer does, and is what ran.
    assert!(
        out.stdout
            .contains(&format!("record your kept edit of {WORKFLOW}")),
        "{}",
        out.stdout
    );
    assert_eq!(read(dir.path(), WORKFLOW), "mine\n");
    let config = project(dir.path());
    assert_eq!(
        config["keptEdits"][WORKFLOW]["sha256"],
        sha256_hex(b"mine\n"),
        "{config:#}"
    );
    assert!(
        !out.stderr.contains("ghtraf init --skip-existing"),
        "{}",
        out.stderr
    );
    // A later non-interactive run finds the edit recorded: nothing to do.
    let again = ghtraf(dir.path(), &["init", N, "--format", "json"], &[]);
    let changes = changes(&again.json());
    assert!(changes.is_empty(), "{changes:?}");
}

/// An edit recorded as kept is not asked about again: the question was
/// answered (here by `--skip-existing`), and a later interactive run only
/// asks to approve its plan. Editing the file again reopens the question.
#[test]
fn a_recorded_kept_edit_is_not_asked_about_again() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join(WORKFLOW), "mine\n").unwrap();
    assert_eq!(
        ghtraf(dir.path(), &["init", N, "--skip-existing"], &[]).code,
        0
    );
    let p = Arc::new(ScriptedPrompter::new(Vec::<String>::new()));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(p.asked().is_empty(), "{:?}", p.asked());
    assert!(
        out.stdout
            .contains("kept: your edit, recorded in .ghtraf.json"),
        "{}",
        out.stdout
    );
    assert_eq!(read(dir.path(), WORKFLOW), "mine\n");
    // Edited again: the record no longer describes the file, so it is asked.
    std::fs::write(dir.path().join(WORKFLOW), "mine, again\n").unwrap();
    let p = Arc::new(ScriptedPrompter::new(["n", "y"]));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.asked(), [WORKFLOW, "Apply this plan?"]);
    // --force still takes the template.
    let out = ghtraf(dir.path(), &["init", N, "--force"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_ne!(read(dir.path(), WORKFLOW), "mine, again\n");
}

/// A preview asks nothing: its plan keeps the question open, as before.
#[test]
fn a_dry_run_leaves_the_question_open() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join(WORKFLOW), "mine\n").unwrap();
    let before = snapshot_tree(dir.path());
    let p = Arc::new(ScriptedPrompter::new(Vec::<String>::new()));
    let out = interactive(dir.path(), &["init", "--dry-run"], &[], p.clone(), "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(p.asked().is_empty(), "{:?}", p.asked());
    assert!(out.stdout.contains("(will ask)"), "{}", out.stdout);
    assert_eq!(snapshot_tree(dir.path()), before);
}

/// Answering, then declining the plan, changes nothing.
#[test]
fn declining_the_plan_after_answering_changes_nothing() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join(WORKFLOW), "mine\n").unwrap();
    let before = snapshot_tree(dir.path());
    let p = Arc::new(ScriptedPrompter::new(["n", "n"]));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 7, "{out:?}");
    assert_eq!(snapshot_tree(dir.path()), before);
}

/// `verify` names an outdated template as outdated, with the update `init`
/// makes; it called it an edit to keep with `--skip-existing`.
#[test]
fn verify_calls_an_outdated_template_outdated() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let run = |args: &[&str]| {
        on(&hub)
            .now(NOW)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), args)
    };
    assert_eq!(run(&["create", "-n", "--repo", "octo/demo"]).code, 0);
    std::fs::write(dir.path().join(README), OLD_TEMPLATE).unwrap();
    let mut config = project(dir.path());
    config["writtenSha256"][README] = sha256_hex(OLD_TEMPLATE.as_bytes()).into();
    std::fs::write(
        dir.path().join(".ghtraf.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    let out = run(&["verify", "--format", "json"]);
    assert_eq!(out.code, 3, "{out:?}");
    let doc = out.json();
    let finding = doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"].as_str().unwrap().ends_with(README))
        .cloned()
        .unwrap();
    assert_eq!(finding["status"], "deviation", "{finding}");
    assert_eq!(
        finding["message"],
        "not as deployed: create would update the outdated template (not edited since ghtraf wrote it)"
    );
    assert_eq!(doc["summary"]["kept"], 0, "{doc:#}");
}

/// Input ending at a conflict question (Ctrl-D) stops the run before any
/// plan is shown or anything written.
#[test]
fn input_ending_at_the_question_writes_nothing() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join(WORKFLOW), "mine\n").unwrap();
    let before = snapshot_tree(dir.path());
    let p = Arc::new(ScriptedPrompter::new(Vec::<String>::new()));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 130, "{out:?}");
    assert_eq!(p.asked(), [WORKFLOW]);
    assert!(!out.stdout.contains("Plan for"), "{}", out.stdout);
    assert_eq!(snapshot_tree(dir.path()), before);
}
