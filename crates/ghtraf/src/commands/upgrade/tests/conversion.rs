//! Taking over the original's deployments: when the state is converted,
//! that upgrading converges with no day lost, and the missing archive gist.

use super::*;

#[test]
fn the_originals_legacy_deployment_is_taken_over_without_converting_yet() {
    let world = original_legacy_world();
    let p = plan(&inputs(), &world);
    assert_eq!(p.context["generation"], "original-legacy");
    // Backup first, and every change depends on it.
    assert_eq!(p.actions[0].id.as_str(), "file:create:backup");
    for a in p.actions.iter().skip(1).filter(|a| a.is_change()) {
        assert!(
            a.depends_on
                .iter()
                .any(|d| d.as_str() == "file:create:backup"),
            "{} does not wait for the backup",
            a.id
        );
    }
    // Renames by description only; the ids stay.
    let r = find(&p, "gist:update:badges.description");
    match &r.details {
        UpgradeStep::Rename(r) => {
            assert_eq!(r.gist_id, BADGE);
            assert_eq!(r.to, "[GTT] octo/demo · badges");
            assert_eq!(r.expect_revision, format!("{BADGE}-r1"));
        }
        other => panic!("{other:?}"),
    }
    assert!(has(&p, "gist:update:archive.description"));
    assert!(has(&p, "variable:skip:TRAFFIC_GIST_ID"));
    assert!(has(&p, "variable:skip:TRAFFIC_ARCHIVE_GIST_ID"));
    // The recognised original files are planned replacements, not conflicts.
    let wf = find(&p, "file:overwrite:.github/workflows/traffic-badges.yml");
    assert!(!wf.requires_input);
    assert!(
        wf.description.contains("original's workflow"),
        "{}",
        wf.description
    );
    assert!(has(&p, "file:overwrite:docs/stats/index.html"));
    assert!(has(&p, "file:overwrite:docs/stats/README.md"));
    assert!(has(&p, "file:create:docs/stats/config.json"));
    assert!(has(&p, "file:skip:docs/images/ghtraf-banner.png"));
    // The config is migrated, the unknown key kept.
    let cfg = find(&p, "config:update:.ghtraf.json");
    assert!(
        cfg.description.contains("badge_gist_id → badgeGistId"),
        "{}",
        cfg.description
    );
    match &cfg.details {
        UpgradeStep::File(f) => {
            assert!(f.content.text.contains("\"team_note\""));
            assert!(f.content.text.contains("\"displayName\": \"Demo Tool\""));
            assert!(!f.content.text.contains("badge_gist_id"));
            assert!(!f.content.text.contains("schema_version"));
        }
        other => panic!("{other:?}"),
    }
    // Safety rule: the original's workflow is disabled, the state is not converted.
    assert!(has(
        &p,
        "workflow:update:.github/workflows/traffic-badges.yml"
    ));
    assert!(has(&p, "gist:skip:badges.state"));
    assert!(!has(&p, "gist:update:badges.state"));
    // The secret cannot be read back: said, and the original's gist-only token warned about.
    let s = find(&p, "secret:skip:TRAFFIC_GIST_TOKEN");
    assert!(s.description.contains("cannot be read back"));
    assert!(p.warnings.iter().any(|w| w.contains("`gist` scope")));
}

#[test]
fn the_conversion_preview_is_shown_even_when_it_is_left_to_collect() {
    let p = plan(&inputs(), &original_legacy_world());
    match &find(&p, "gist:skip:badges.state").details {
        UpgradeStep::WriteGist(w) => {
            assert!(w.files.is_empty());
            assert!(
                w.preview[0].starts_with("schema v1 → v4"),
                "{:?}",
                w.preview
            );
            assert!(
                w.preview.iter().any(|l| l.starts_with("archive 2025-12")),
                "{:?}",
                w.preview
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_state_is_not_converted_while_the_default_branch_runs_the_original() {
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    let p = plan(&i, &original_legacy_world());
    assert!(!has(&p, "gist:update:badges.state"));
    assert!(!has(&p, "gist:update:archive.months"));
    let skip = find(&p, "gist:skip:badges.state");
    assert!(
        skip.description.contains("default branch"),
        "{}",
        skip.description
    );

    // Nor with the old workflow kept, nor while one of its runs is in progress.
    let mut keep = i.clone();
    keep.keep_old_workflow = true;
    let p = plan(&keep, &original_legacy_world());
    assert!(!has(&p, "gist:update:badges.state"));
    assert!(has(&p, "file:skip:.github/workflows/traffic-badges.yml"));
    assert!(!has(
        &p,
        "workflow:update:.github/workflows/traffic-badges.yml"
    ));

    let mut busy = original_legacy_world();
    busy.github.workflow.as_mut().unwrap().runs_in_progress = 1;
    let mut commit = i.clone();
    commit.commit = true;
    let p = plan(&commit, &busy);
    assert!(!has(&p, "gist:update:badges.state"));
    assert!(find(&p, "gist:skip:badges.state")
        .description
        .contains("in progress"));
}

#[test]
fn with_commit_the_conversion_follows_the_workflow_write_archive_first() {
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    let world = original_legacy_world();
    let p = plan(&i, &world);
    let commit = find(
        &p,
        "workflow:overwrite:main:.github/workflows/traffic-badges.yml",
    );
    match &commit.details {
        UpgradeStep::Commit(c) => {
            assert_eq!(c.expect_blob_sha.as_deref(), Some("blob-gtt"));
            assert!(c.content.starts_with("# Generated by ghtraf 0.9.0"));
        }
        other => panic!("{other:?}"),
    }
    let archive = find(&p, "gist:update:archive.months");
    assert!(archive.depends_on.contains(&commit.id));
    let state = find(&p, "gist:update:badges.state");
    assert!(
        state.depends_on.contains(&archive.id),
        "archive before state"
    );
    assert!(state.depends_on.contains(&commit.id));
    // The checkout's copy is left for `git pull`, and nothing is disabled.
    assert!(has(&p, "file:skip:.github/workflows/traffic-badges.yml"));
    assert!(!has(
        &p,
        "workflow:update:.github/workflows/traffic-badges.yml"
    ));
    match &state.details {
        UpgradeStep::WriteGist(w) => {
            assert_eq!(w.expect_revision, format!("{BADGE}-r1"));
            assert!(w.files["state.json"].contains("\"schemaVersion\": 4"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn upgrading_twice_converges_and_no_day_is_lost() {
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    let mut world = original_legacy_world();
    let before = days_held(&world);
    let p = plan(&i, &world);
    apply_verified(&p, &mut world);
    assert_eq!(days_held(&world), before, "days lost or invented");
    let again = plan(&i, &world);
    assert!(only_skips(&again), "{:#?}", ops(&again));
    assert_eq!(again.actions[0].id.as_str(), "file:skip:backup");
    // The badge gist keeps its id; only its description changed.
    assert_eq!(world.github.variables["TRAFFIC_GIST_ID"], BADGE);
    assert!(world
        .github
        .gists
        .iter()
        .any(|g| g.id == BADGE && g.description == "[GTT] octo/demo · badges"));
}

#[test]
fn without_commit_the_second_upgrade_after_a_push_re_enables_and_converts() {
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    let mut world = original_legacy_world();
    let before = days_held(&world);
    apply(&plan(&i, &world), &mut world);
    assert_eq!(
        world.github.workflow.as_ref().unwrap().state,
        "disabled_manually"
    );
    // Before the push, nothing more can happen: the old workflow is still on main.
    let waiting = plan(&i, &world);
    assert!(only_skips(&waiting), "{:#?}", ops(&waiting));
    push(&mut world);
    let p = plan(&i, &world);
    let enable = find(&p, "workflow:update:.github/workflows/traffic-badges.yml");
    let state = find(&p, "gist:update:badges.state");
    assert!(state.depends_on.contains(&enable.id));
    apply_verified(&p, &mut world);
    assert_eq!(world.github.workflow.as_ref().unwrap().state, "active");
    assert_eq!(days_held(&world), before);
    assert!(only_skips(&plan(&i, &world)));
}

#[test]
fn a_deployment_made_only_by_the_originals_workflow_gets_an_archive_gist() {
    let mut world = original_legacy_world();
    world.github.gists.retain(|g| g.id == BADGE);
    world.github.variables.remove("TRAFFIC_ARCHIVE_GIST_ID");
    world.files.remove(".ghtraf.json");
    let p = plan(&inputs(), &world);
    let create = find(&p, "gist:create:archive");
    match &create.details {
        UpgradeStep::CreateGist(c) => {
            assert!(!c.public);
            assert_eq!(c.description, "[GTT] octo/demo · archive");
        }
        other => panic!("{other:?}"),
    }
    let var = find(&p, "variable:set:TRAFFIC_ARCHIVE_GIST_ID");
    assert!(var.depends_on.contains(&create.id));
    let cfg = find(&p, "config:create:.ghtraf.json");
    assert!(cfg.depends_on.contains(&create.id));
    // The CI list and display name come from the original's files when no config has them.
    let mut world_ci = world.clone();
    world_ci.files.insert(
        ".github/workflows/traffic-badges.yml".to_string(),
        Some(GTT_WORKFLOW_CI.as_bytes().to_vec()),
    );
    let p = plan(&inputs(), &world_ci);
    match &find(&p, "file:overwrite:.github/workflows/traffic-badges.yml").details {
        UpgradeStep::File(f) => {
            assert!(f
                .content
                .text
                .contains("workflows: [\"CI\", \"Release Build\"]"))
        }
        other => panic!("{other:?}"),
    }
    match &find(&p, "config:create:.ghtraf.json").details {
        UpgradeStep::File(f) => assert!(f.content.text.contains("\"displayName\": \"Demo Tool\"")),
        other => panic!("{other:?}"),
    }
    // After the upgrade and the user's push, only the re-enabling is left.
    let mut converged = world.clone();
    apply(&plan(&inputs(), &converged), &mut converged);
    push(&mut converged);
    let next = plan(&inputs(), &converged);
    let changes: Vec<&str> = next
        .actions
        .iter()
        .filter(|a| a.is_change())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(
        changes,
        [
            "file:create:backup",
            "workflow:update:.github/workflows/traffic-badges.yml"
        ]
    );
    apply(&next, &mut converged);
    assert!(only_skips(&plan(&inputs(), &converged)));
}
