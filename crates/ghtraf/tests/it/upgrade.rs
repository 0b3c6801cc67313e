//! `ghtraf upgrade` through the binary against fakehub: a deployment of the
//! original tool (legacy gist names, its workflow active on the default
//! branch, its dashboard and snake_case `.ghtraf.json`) is taken over with a
//! dry-run that changes nothing, a real run whose mutations are exactly the
//! plan's, no day lost, the badge id kept, and a second run of only skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;
use fakehub::FakeHub;
use serde_json::json;

const V1_STATE: &str = include_str!("../../../../tests/fixtures/gtt/synthetic-state.json");
const GTT_WORKFLOW: &str = include_str!("../fixtures/original/workflow-0.3.6.yml");
const GTT_INDEX: &str = include_str!("../fixtures/original/dashboard-index.html");
const GTT_README: &str = include_str!("../fixtures/original/dashboard-README.md");
const WORKFLOW: &str = ".github/workflows/traffic-badges.yml";

struct Legacy {
    hub: FakeHub,
    dir: tempfile::TempDir,
    backups: tempfile::TempDir,
    badge: String,
    archive: String,
}

/// The original ≤ 0.2.6: `octo/demo traffic badges|archive`, variables set, its
/// workflow on the default branch (active) and in the checkout, its dashboard, its config.
fn legacy() -> Legacy {
    let hub = hub_on("2026-02-26");
    let badge = hub.add_gist(
        "octo",
        "octo/demo traffic badges",
        true,
        &[
            ("state.json", V1_STATE),
            ("installs.json", "{}"),
            ("downloads.json", "{}"),
            ("clones.json", "{}"),
            ("views.json", "{}"),
        ],
    );
    let archive = hub.add_gist(
        "octo",
        "octo/demo traffic archive",
        false,
        &[("archive.json", r#"{"repo": "octo/demo", "archives": []}"#)],
    );
    hub.set_variable("octo", "demo", "TRAFFIC_GIST_ID", &badge);
    hub.set_variable("octo", "demo", "TRAFFIC_ARCHIVE_GIST_ID", &archive);
    hub.patch_world(json!({"repos": {"octo/demo": {
        "contents": {WORKFLOW: GTT_WORKFLOW},
        "workflows": {"77": {
            "name": "Track Downloads & Clones", "path": WORKFLOW,
            "state": "active", "created_at": "2025-06-01T00:00:00Z"
        }}
    }}}))
    .unwrap();
    let dir = checkout();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(root.join("docs/stats")).unwrap();
    std::fs::write(root.join(WORKFLOW), GTT_WORKFLOW).unwrap();
    std::fs::write(root.join("docs/stats/index.html"), GTT_INDEX).unwrap();
    std::fs::write(root.join("docs/stats/README.md"), GTT_README).unwrap();
    let config = json!({
        "owner": "octo", "repo": "demo", "display_name": "Demo Tool",
        "badge_gist_id": badge, "archive_gist_id": archive,
        "dashboard_dir": "docs/stats", "schema_version": 1, "team_note": "mine"
    });
    std::fs::write(
        root.join(".ghtraf.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    Legacy {
        hub,
        dir,
        backups: tempfile::tempdir().unwrap(),
        badge,
        archive,
    }
}

fn upgrade(l: &Legacy, extra: &[&str]) -> Output {
    let backup = l.backups.path().join("b");
    let backup = backup.to_str().unwrap();
    let mut args = vec!["upgrade", "-n", "--format", "json", "--backup-dir", backup];
    args.extend_from_slice(extra);
    on(&l.hub).run(l.dir.path(), &args)
}

fn days(hub: &FakeHub, dir: &Path) -> BTreeSet<String> {
    let out = on(hub).run(dir, &["export", "--repo", "octo/demo", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = doc["days"].as_array().unwrap();
    rows.iter()
        .map(|r| r["date"].as_str().unwrap().to_string())
        .collect()
}

/// The days held, naming the badge gist explicitly (before upgrade, a deployment whose
/// only gists carry the original's names cannot be found by name).
fn days_of(l: &Legacy) -> BTreeSet<String> {
    if l.badge.is_empty() {
        return days(&l.hub, l.dir.path());
    }
    let out = on(&l.hub).env("TRAFFIC_GIST_ID", &l.badge).run(
        l.dir.path(),
        &["export", "--repo", "octo/demo", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = doc["days"].as_array().unwrap();
    rows.iter()
        .map(|r| r["date"].as_str().unwrap().to_string())
        .collect()
}

fn gist(hub: &FakeHub, id: &str) -> serde_json::Value {
    hub.state()["gists"][id].clone()
}

#[test]
fn the_originals_deployment_is_taken_over_as_planned() {
    let l = legacy();
    let before_tree = snapshot_tree(l.dir.path());
    let before_days = days(&l.hub, l.dir.path());
    assert!(!before_days.is_empty());
    l.hub.clear_log();

    // Dry-run: the whole plan, nothing changed anywhere.
    let dry = upgrade(&l, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.transcript());
    assert!(l.hub.mutations().is_empty(), "{:#?}", l.hub.mutations());
    assert_eq!(snapshot_tree(l.dir.path()), before_tree);
    assert!(!l.backups.path().join("b").exists());
    let planned = actions(&dry.json());
    let ids: Vec<&str> = planned.iter().map(|(id, _)| id.as_str()).collect();
    for want in [
        "file:create:backup",
        "gist:update:badges.description",
        "gist:update:archive.description",
        "file:overwrite:.github/workflows/traffic-badges.yml",
        "config:update:.ghtraf.json",
        "workflow:update:.github/workflows/traffic-badges.yml",
        "gist:skip:badges.state",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:#?}");
    }

    // The real run: exactly the planned mutations on GitHub.
    let real = upgrade(&l, &[]);
    let doc = real.json();
    let short: Vec<String> = ["results", "verification"]
        .iter()
        .flat_map(|k| doc[*k].as_array().cloned().unwrap_or_default())
        .filter(|f| f["status"] != "ok")
        .map(|f| f.to_string())
        .collect();
    assert_eq!(real.code, 0, "{short:#?}\n{}", real.stderr);
    let github_changes: Vec<(String, String)> = actions(&real.json())
        .into_iter()
        .filter(|(id, op)| op != "skip" && !id.starts_with("file:") && !id.starts_with("config:"))
        .collect();
    let mutations = l.hub.mutations();
    assert_eq!(
        mutations.len(),
        github_changes.len(),
        "{github_changes:#?}\n{mutations:#?}"
    );

    // Ids kept (every badge URL), names current, variables unchanged, no day lost.
    assert_eq!(
        gist(&l.hub, &l.badge)["description"],
        "[GTT] octo/demo · badges"
    );
    assert_eq!(
        gist(&l.hub, &l.archive)["description"],
        "[GTT] octo/demo · archive"
    );
    let vars = &l.hub.state()["repos"]["octo/demo"]["variables"];
    assert_eq!(vars["TRAFFIC_GIST_ID"]["value"], l.badge.as_str());
    assert_eq!(days(&l.hub, l.dir.path()), before_days);
    assert_eq!(
        l.hub.state()["repos"]["octo/demo"]["workflows"]["77"]["state"],
        "disabled_manually"
    );
    let config = std::fs::read_to_string(l.dir.path().join(".ghtraf.json")).unwrap();
    assert!(config.contains("\"badgeGistId\""), "{config}");
    assert!(config.contains("\"team_note\""), "{config}");
    assert!(!config.contains("badge_gist_id"), "{config}");
    assert!(l.backups.path().join("b/manifest.json").exists());

    // Right after: only skips.
    l.hub.clear_log();
    let again = on(&l.hub).run(
        l.dir.path(),
        &[
            "upgrade",
            "-n",
            "--format",
            "json",
            "--backup-dir",
            "/nonexistent/never-written",
        ],
    );
    assert_eq!(again.code, 0, "{}", again.transcript());
    let changes: Vec<(String, String)> = actions(&again.json())
        .into_iter()
        .filter(|(_, op)| op != "skip")
        .collect();
    assert!(changes.is_empty(), "{changes:#?}");
    assert!(l.hub.mutations().is_empty());
}

#[test]
fn create_adopts_a_legacy_named_gist_instead_of_orphaning_its_history() {
    let l = legacy();
    let out = on(&l.hub).gist_token(GIST_TOKEN).run(
        l.dir.path(),
        &[
            "create",
            "-n",
            "--repo",
            "octo/demo",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    let planned = actions(&out.json());
    let ids: Vec<&str> = planned.iter().map(|(id, _)| id.as_str()).collect();
    assert!(!ids.contains(&"gist:create:badges"), "{ids:#?}");
    assert!(!ids.contains(&"gist:create:archive"), "{ids:#?}");
    assert!(ids.contains(&"variable:skip:TRAFFIC_GIST_ID"), "{ids:#?}");
    let warnings = out.json()["plan"]["warnings"].to_string();
    assert!(warnings.contains("ghtraf upgrade"), "{warnings}");

    // Also when only the variable names it (no .ghtraf.json).
    std::fs::remove_file(l.dir.path().join(".ghtraf.json")).unwrap();
    let out = on(&l.hub).gist_token(GIST_TOKEN).run(
        l.dir.path(),
        &[
            "create",
            "-n",
            "--repo",
            "octo/demo",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    let planned = actions(&out.json());
    assert!(
        !planned.iter().any(|(id, _)| id == "gist:create:badges"),
        "{planned:#?}"
    );
}

const SYNTH_DEC: &str =
    include_str!("../../../../tests/fixtures/gtt/synthetic-archive-2025-12.json");
const SYNTH_JAN: &str =
    include_str!("../../../../tests/fixtures/gtt/synthetic-archive-2026-01.json");

/// The original ≥ 0.2.7: `[GTT]` names, an archive gist with its month files.
fn gtt_with_months() -> Legacy {
    let l = legacy();
    l.hub
        .patch_world(json!({"gists": {
            l.badge.as_str(): {"description": "[GTT] octo/demo · badges"},
            l.archive.as_str(): {
                "description": "[GTT] octo/demo · archive",
                "files": {"archive-2025-12.json": SYNTH_DEC, "archive-2026-01.json": SYNTH_JAN}
            }
        }}))
        .unwrap();
    l
}

fn only_skips(out: &Output) -> bool {
    actions(&out.json()).iter().all(|(_, op)| op == "skip")
}

fn gist_file(hub: &FakeHub, id: &str, file: &str) -> String {
    gist(hub, id)["files"][file]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn converting_now_with_commit_writes_the_archive_before_the_state() {
    let l = gtt_with_months();
    let before = days(&l.hub, l.dir.path());
    l.hub.clear_log();
    let out = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(gist_file(&l.hub, &l.badge, "state.json").contains("\"schemaVersion\": 4"));
    let remote = l.hub.state()["repos"]["octo/demo"]["contents"][WORKFLOW].clone();
    assert!(
        remote
            .as_str()
            .unwrap_or_default()
            .starts_with("# Generated by ghtraf"),
        "{remote}"
    );
    // Order of the writes: default branch, then archive, then state.
    let writes: Vec<String> = l
        .hub
        .mutations()
        .iter()
        .map(|m| format!("{} {}", m.method, m.path))
        .collect();
    let pos = |p: &str| writes.iter().position(|w| w == p).unwrap_or(usize::MAX);
    let contents = writes
        .iter()
        .position(|w| w.starts_with("PUT /repos/octo/demo/contents/"))
        .unwrap();
    let archive = pos(&format!("PATCH /gists/{}", l.archive));
    let state = pos(&format!("PATCH /gists/{}", l.badge));
    assert!(contents < archive && archive < state, "{writes:#?}");
    assert_eq!(days(&l.hub, l.dir.path()), before, "no day lost");
    // The clone pulls the new workflow; then nothing is left to do.
    std::fs::write(l.dir.path().join(WORKFLOW), remote.as_str().unwrap()).unwrap();
    let again = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert!(only_skips(&again), "{:#?}", actions(&again.json()));
}

#[test]
fn a_502_on_the_archive_write_leaves_the_state_and_a_rerun_finishes() {
    let l = gtt_with_months();
    let before_state = gist_file(&l.hub, &l.badge, "state.json");
    let before = days(&l.hub, l.dir.path());
    l.hub.inject(fakehub::Fault {
        method: "PATCH".into(),
        path: format!("/gists/{}", l.archive),
        times: 4,
        kind: fakehub::FaultKind::Status {
            status: 502,
            headers: Vec::new(),
            body: "{\"message\":\"Bad Gateway\"}".into(),
        },
    });
    let first = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert_ne!(first.code, 0, "{}", first.transcript());
    assert_eq!(gist_file(&l.hub, &l.badge, "state.json"), before_state);
    let gists_before = l.hub.state()["gists"].as_object().unwrap().len();
    std::fs::remove_dir_all(l.backups.path().join("b")).unwrap();
    let second = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    assert!(gist_file(&l.hub, &l.badge, "state.json").contains("\"schemaVersion\": 4"));
    assert_eq!(
        l.hub.state()["gists"].as_object().unwrap().len(),
        gists_before
    );
    assert_eq!(days(&l.hub, l.dir.path()), before);
}

#[test]
fn a_dropped_connection_after_the_rename_is_finished_by_a_rerun() {
    let l = legacy();
    let before = days(&l.hub, l.dir.path());
    l.hub.inject(fakehub::Fault {
        method: "PATCH".into(),
        path: format!("/gists/{}", l.badge),
        times: 1,
        kind: fakehub::FaultKind::DropAfter,
    });
    let _first = upgrade(&l, &[]);
    let rename = format!("/gists/{}", l.badge);
    assert!(
        l.hub
            .requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.path == rename && r.status == 0),
        "the fault did not fire"
    );
    std::fs::remove_dir_all(l.backups.path().join("b")).ok();
    let second = upgrade(&l, &[]);
    assert!(matches!(second.code, 0), "{}", second.transcript());
    assert_eq!(
        gist(&l.hub, &l.badge)["description"],
        "[GTT] octo/demo · badges"
    );
    assert_eq!(
        l.hub.state()["gists"].as_object().unwrap().len(),
        2,
        "no duplicate"
    );
    assert_eq!(days(&l.hub, l.dir.path()), before);
    let third = upgrade(&l, &[]);
    assert!(only_skips(&third), "{:#?}", actions(&third.json()));
}

#[test]
fn a_gist_written_between_plan_and_apply_makes_the_saved_plan_stale() {
    let l = gtt_with_months();
    let plan = l.backups.path().join("plan.json");
    let saved = upgrade(
        &l,
        &[
            "--commit",
            "--convert-state",
            "now",
            "--dry-run",
            "--plan-out",
            plan.to_str().unwrap(),
        ],
    );
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    // The daily workflow writes the badge gist in between.
    let mut state: serde_json::Value =
        serde_json::from_str(&gist_file(&l.hub, &l.badge, "state.json")).unwrap();
    state["totalViews"] = json!(state["totalViews"].as_u64().unwrap_or(0) + 1);
    l.hub
        .patch_world(
            json!({"gists": {l.badge.as_str(): {"files": {"state.json": state.to_string()}}}}),
        )
        .unwrap();
    l.hub.clear_log();
    let apply = on(&l.hub).run(l.dir.path(), &["apply", plan.to_str().unwrap()]);
    assert_eq!(apply.code, 4, "{}", apply.transcript());
    assert!(l.hub.mutations().is_empty(), "{:#?}", l.hub.mutations());
    let again = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
}

#[test]
fn the_new_token_is_stored_sealed_and_never_printed() {
    let l = legacy();
    let backup = l.backups.path().join("b");
    let out = on(&l.hub).gist_token(CANARY).run(
        l.dir.path(),
        &[
            "upgrade",
            "-n",
            "-vv",
            "--update-secret",
            "--backup-dir",
            backup.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(!out.stdout.contains(CANARY) && !out.stderr.contains(CANARY));
    assert_eq!(
        l.hub
            .secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY)
    );
    for entry in walk(l.backups.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains(CANARY), "{}", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs upgrade (with the user's push between runs) until it plans only skips; checks
/// every dry-run is inert and every run keeps every day. Returns the number of runs.
fn converge(l: &Legacy, extra: &[&str]) -> usize {
    let before = days_of(l);
    for round in 0..4 {
        let backup = l.backups.path().join(format!("run{round}"));
        let mut args = vec![
            "upgrade",
            "-n",
            "--format",
            "json",
            "--backup-dir",
            backup.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let tree = snapshot_tree(l.dir.path());
        l.hub.clear_log();
        let mut dry = args.clone();
        dry.push("--dry-run");
        let preview = on(&l.hub).run(l.dir.path(), &dry);
        assert_eq!(preview.code, 0, "{}", preview.transcript());
        assert!(l.hub.mutations().is_empty(), "dry-run mutated");
        assert_eq!(snapshot_tree(l.dir.path()), tree, "dry-run wrote files");
        if only_skips(&preview) {
            return round;
        }
        let out = on(&l.hub).run(l.dir.path(), &args);
        assert_eq!(out.code, 0, "{}", out.transcript());
        assert_eq!(
            actions(&out.json()),
            actions(&preview.json()),
            "preview = run"
        );
        assert_eq!(
            days(&l.hub, l.dir.path()),
            before,
            "round {round} lost days"
        );
        // The user syncs the clone: pulls what --commit wrote, else pushes what upgrade wrote.
        if extra.contains(&"--commit") {
            let remote = l.hub.state()["repos"]["octo/demo"]["contents"][WORKFLOW].clone();
            if let Some(text) = remote.as_str() {
                std::fs::write(l.dir.path().join(WORKFLOW), text).unwrap();
            }
        } else if let Ok(text) = std::fs::read_to_string(l.dir.path().join(WORKFLOW)) {
            l.hub
                .patch_world(json!({"repos": {"octo/demo": {"contents": {WORKFLOW: text}}}}))
                .unwrap();
        }
    }
    panic!("upgrade did not converge in 4 runs");
}

#[test]
fn every_generation_converges_on_fakehub() {
    // Legacy names, no archive gist (only the original's workflow made gists).
    let l = legacy();
    l.hub
        .patch_world(json!({"gists": {l.archive.as_str(): null}}))
        .unwrap();
    l.hub
        .patch_world(
            json!({"repos": {"octo/demo": {"variables": {"TRAFFIC_ARCHIVE_GIST_ID": null}}}}),
        )
        .unwrap();
    std::fs::remove_file(l.dir.path().join(".ghtraf.json")).unwrap();
    assert!(converge(&l, &["--convert-state", "now"]) <= 3);
    assert_eq!(
        gist(&l.hub, &l.badge)["description"],
        "[GTT] octo/demo · badges"
    );
    let archives: Vec<String> = l.hub.state()["gists"]
        .as_object()
        .unwrap()
        .values()
        .filter(|g| g["description"] == "[GTT] octo/demo · archive")
        .map(|g| g["description"].to_string())
        .collect();
    assert_eq!(archives.len(), 1, "one archive gist created");
    assert!(gist_file(&l.hub, &l.badge, "state.json").contains("\"schemaVersion\": 4"));

    // `[GTT]` names with a v2 and a v3 state.
    for schema in [2, 3] {
        let l = gtt_with_months();
        let state = V1_STATE.replacen('{', &format!("{{\"schemaVersion\": {schema},"), 1);
        l.hub
            .patch_world(json!({"gists": {l.badge.as_str(): {"files": {"state.json": state}}}}))
            .unwrap();
        assert!(converge(&l, &["--commit", "--convert-state", "now"]) <= 2);
        assert!(gist_file(&l.hub, &l.badge, "state.json").contains("\"schemaVersion\": 4"));
    }

    // Duplicates made by the original's workflow while TRAFFIC_GIST_ID was empty.
    let l = legacy();
    let empty = l.hub.add_gist(
        "octo",
        "octo/demo traffic badges",
        true,
        &[("state.json", r#"{"totalClones": 0, "dailyHistory": []}"#)],
    );
    l.hub
        .patch_world(json!({"repos": {"octo/demo": {"variables": {"TRAFFIC_GIST_ID": null}}}}))
        .unwrap();
    std::fs::remove_file(l.dir.path().join(".ghtraf.json")).unwrap();
    assert!(converge(&l, &["--prune-orphans"]) <= 3);
    let vars = &l.hub.state()["repos"]["octo/demo"]["variables"];
    assert_eq!(
        vars["TRAFFIC_GIST_ID"]["value"],
        l.badge.as_str(),
        "the one with history"
    );
    assert!(
        gist(&l.hub, &empty).is_null(),
        "the empty duplicate was pruned"
    );
}

#[test]
fn an_older_ghtraf_deployment_gets_its_templates_refreshed() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let path = dir.path().join(WORKFLOW);
    let text = std::fs::read_to_string(&path).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let older = text.replace(&format!("ghtraf {version}"), "ghtraf 0.0.1");
    std::fs::write(&path, &older).unwrap();
    hub.patch_world(json!({"repos": {"octo/demo": {"contents": {WORKFLOW: older}}}}))
        .unwrap();
    let l = Legacy {
        hub,
        dir,
        backups: tempfile::tempdir().unwrap(),
        badge: String::new(),
        archive: String::new(),
    };
    let preview = upgrade(&l, &["--dry-run"]);
    let planned = actions(&preview.json());
    assert!(
        planned
            .iter()
            .any(|(id, op)| id == &format!("file:overwrite:{WORKFLOW}") && op == "overwrite"),
        "{planned:#?}"
    );
    assert!(
        !planned
            .iter()
            .any(|(id, op)| id.starts_with("gist:") && op != "skip"),
        "{planned:#?}"
    );
    assert!(converge(&l, &[]) <= 2);
}

#[test]
fn interactively_an_edited_file_is_asked_about_and_kept_on_no() {
    let l = legacy();
    let css = l.dir.path().join("docs/stats/style.css");
    std::fs::write(&css, "mine\n").unwrap();
    let backup = l.backups.path().join("b");
    let url = l.hub.url();
    let p = std::sync::Arc::new(ghtraf::prompt::ScriptedPrompter::new(["y", "n"]));
    let out = interactive(
        l.dir.path(),
        &["upgrade", "--backup-dir", backup.to_str().unwrap()],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p.clone(),
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("(will ask)"), "{}", out.stdout);
    assert_eq!(p.asked(), ["Apply this plan?", "docs/stats/style.css"]);
    assert_eq!(std::fs::read_to_string(css).unwrap(), "mine\n");
    // The recognised files were replaced without a question.
    let workflow = std::fs::read_to_string(l.dir.path().join(WORKFLOW)).unwrap();
    assert!(workflow.starts_with("# Generated by ghtraf"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_managed_file_is_left_alone() {
    let l = legacy();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("precious.html");
    std::fs::write(&target, "not yours\n").unwrap();
    let index = l.dir.path().join("docs/stats/index.html");
    std::fs::remove_file(&index).unwrap();
    std::os::unix::fs::symlink(&target, &index).unwrap();
    let out = upgrade(&l, &["--force"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let planned = actions(&out.json());
    assert!(
        planned
            .iter()
            .any(|(id, _)| id == "file:skip:docs/stats/index.html"),
        "{planned:#?}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "not yours\n");
    assert!(std::fs::symlink_metadata(&index)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn after_upgrade_create_has_nothing_to_change() {
    let l = gtt_with_months();
    let out = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let remote = l.hub.state()["repos"]["octo/demo"]["contents"][WORKFLOW].clone();
    std::fs::write(l.dir.path().join(WORKFLOW), remote.as_str().unwrap()).unwrap();
    let create = on(&l.hub).run(
        l.dir.path(),
        &["create", "-n", "--dry-run", "--format", "json"],
    );
    assert_eq!(create.code, 0, "{}", create.transcript());
    let changes: Vec<(String, String)> = actions(&create.json())
        .into_iter()
        .filter(|(_, op)| op != "skip")
        .collect();
    assert!(changes.is_empty(), "{changes:#?}");
}
