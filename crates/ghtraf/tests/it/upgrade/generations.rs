//! Every generation converges on fakehub; an older ghtraf's templates are
//! refreshed, edited or symlinked files are left alone, and create has
//! nothing to change after an upgrade.

use super::*;

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
    let page = l.dir.path().join("docs/stats/index.html");
    std::fs::write(&page, "mine\n").unwrap();
    let backup = l.backups.path().join("b");
    let url = l.hub.url();
    // The page no longer reads as the original's, so neither does its README: both are
    // asked, before the plan is shown; then the plan, with the answers in it.
    let p = std::sync::Arc::new(ghtraf::prompt::ScriptedPrompter::new(["n", "n", "y"]));
    let out = interactive(
        l.dir.path(),
        &["upgrade", "--backup-dir", backup.to_str().unwrap()],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p.clone(),
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("(will ask)"), "{}", out.stdout);
    assert_eq!(
        p.asked(),
        [
            "docs/stats/index.html",
            "docs/stats/README.md",
            "Apply this plan?"
        ]
    );
    assert!(out.stdout.contains("(you said no)"), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(page).unwrap(), "mine\n");
    // The "no" is recorded as a kept edit, as --skip-existing records it.
    let project: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.dir.path().join(".ghtraf.json")).unwrap()).unwrap();
    assert_eq!(
        project["keptEdits"]["docs/stats/index.html"]["sha256"],
        ghtraf::fsio::sha256_hex(b"mine\n"),
        "{project:#}"
    );
    assert!(
        project["keptEdits"]["docs/stats/README.md"].is_object(),
        "{project:#}"
    );
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
    let changes = changes(&create.json());
    assert!(changes.is_empty(), "{changes:#?}");
}

#[test]
fn a_file_upgrade_keeps_as_edited_is_recorded_as_create_would_record_it() {
    let l = gtt_with_months();
    let page = "docs/stats/index.html";
    // The page no longer reads as the original's, so neither does its README: both are kept.
    let readme = "docs/stats/README.md";
    std::fs::write(l.dir.path().join(page), "mine\n").unwrap();
    let out = upgrade(&l, &["--commit", "--convert-state", "now"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(
        out.stdout
            .contains(&format!("record your kept edit of {readme}, {page}")),
        "{}",
        out.stdout
    );
    let project: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.dir.path().join(".ghtraf.json")).unwrap()).unwrap();
    assert_eq!(
        project["keptEdits"][page]["sha256"],
        ghtraf::fsio::sha256_hex(b"mine\n")
    );
    let remote = l.hub.state()["repos"]["octo/demo"]["contents"][WORKFLOW].clone();
    std::fs::write(l.dir.path().join(WORKFLOW), remote.as_str().unwrap()).unwrap();
    // create's planner reaches the same record (nothing to change), and
    // verify judges the file kept.
    let create = on(&l.hub).run(
        l.dir.path(),
        &["create", "-n", "--dry-run", "--format", "json"],
    );
    let changes = changes(&create.json());
    assert!(changes.is_empty(), "{changes:#?}");
    let verify = on(&l.hub).run(l.dir.path(), &["verify", "--format", "json"]);
    assert_eq!(
        verify.json()["kept"],
        serde_json::json!([{"path": page, "state": "kept"}, {"path": readme, "state": "kept"}]),
        "{}",
        verify.stdout
    );
}
