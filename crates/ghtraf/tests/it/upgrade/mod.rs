//! `ghtraf upgrade` through the binary against fakehub: a deployment of the
//! original tool (legacy gist names, its workflow active on the default
//! branch, its dashboard and snake_case `.ghtraf.json`) is taken over with a
//! dry-run that changes nothing, a real run whose mutations are exactly the
//! plan's, no day lost, the badge id kept, and a second run of only skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod faults;
mod generations;

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;
use fakehub::FakeHub;
use serde_json::json;

const V1_STATE: &str = include_str!("../../../../../tests/fixtures/gtt/synthetic-state.json");
const GTT_WORKFLOW: &str = include_str!("../../fixtures/original/workflow-0.3.6.yml");
const GTT_INDEX: &str = include_str!("../../fixtures/original/dashboard-index.html");
const GTT_README: &str = include_str!("../../fixtures/original/dashboard-README.md");
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
    let changes = changes(&again.json());
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
    include_str!("../../../../../tests/fixtures/gtt/synthetic-archive-2025-12.json");
const SYNTH_JAN: &str =
    include_str!("../../../../../tests/fixtures/gtt/synthetic-archive-2026-01.json");

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
