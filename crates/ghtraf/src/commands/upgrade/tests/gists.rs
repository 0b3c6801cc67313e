//! Choosing among duplicate gists, pruning only the provably empty ones,
//! and the original's gist names of each state schema.

use super::*;

/// The original's workflow creates a badge gist on every run while TRAFFIC_GIST_ID is
/// empty: three gists, one with history, one with less, one empty.
pub(super) fn duplicates_world() -> Observed {
    let mut world = original_legacy_world();
    world.github.variables.clear();
    world.files.remove(".ghtraf.json");
    let empty_state = r#"{"totalClones": 0, "totalViews": 0, "dailyHistory": [], "referrers": [], "repoCreatedAt": "2024-05-01"}"#;
    world.github.gists = vec![
        gist(
            "d1",
            "octo/demo traffic badges",
            true,
            &badge_files(V1_STATE),
        ),
        gist(
            "d2",
            "octo/demo traffic badges",
            true,
            &badge_files(SYNTH_STATE),
        ),
        gist(
            "d3",
            "octo/demo traffic badges",
            true,
            &badge_files(empty_state),
        ),
    ];
    world
}

#[test]
fn among_duplicates_the_one_with_history_wins_and_the_others_are_reported() {
    let world = duplicates_world();
    let p = plan(&inputs(), &world);
    assert_eq!(p.context["badge_gist"], "d2", "41 days beat 15 and 0");
    let orphans = p.context["orphans"].as_array().unwrap();
    assert_eq!(orphans.len(), 2);
    assert_eq!(orphans[0]["id"], "d1");
    assert_eq!(orphans[0]["days"], 15);
    assert!(p
        .warnings
        .iter()
        .any(|w| w.contains("gist-history:d1") && w.contains("15 day(s)")));
    match &find(&p, "variable:set:TRAFFIC_GIST_ID").details {
        UpgradeStep::Variable(v) => assert_eq!(v.value.known(), Some("d2")),
        other => panic!("{other:?}"),
    }
    // Nothing is deleted without the flag.
    assert!(!p.actions.iter().any(|a| a.operation == Operation::Delete));
    // The backup holds every candidate, orphans included.
    match &p.actions[0].details {
        UpgradeStep::Backup(b) => assert_eq!(b.gists.len(), 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_variable_outranks_history_when_choosing() {
    let mut world = duplicates_world();
    world
        .github
        .variables
        .insert("TRAFFIC_GIST_ID".to_string(), "d1".to_string());
    let p = plan(&inputs(), &world);
    assert_eq!(p.context["badge_gist"], "d1");
    // An id naming no gist of ours is ignored with a warning, never "replaced".
    let mut gone = duplicates_world();
    gone.github
        .variables
        .insert("TRAFFIC_GIST_ID".to_string(), "missing".to_string());
    let p = plan(&inputs(), &gone);
    assert_eq!(p.context["badge_gist"], "d2");
    assert!(p
        .warnings
        .iter()
        .any(|w| w.contains("missing") && w.contains("ignored")));
    assert!(!has(&p, "gist:create:badges"));
}

#[test]
fn prune_deletes_only_the_provably_empty_duplicate_after_the_backup() {
    let mut i = inputs();
    i.prune_orphans = true;
    let p = plan(&i, &duplicates_world());
    let deletes: Vec<&str> = p
        .actions
        .iter()
        .filter(|a| a.operation == Operation::Delete)
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(deletes, ["d3"]);
    assert!(find(&p, "gist:delete:d3")
        .depends_on
        .iter()
        .any(|d| d.as_str() == "file:create:backup"));
    assert!(p.warnings.iter().any(|w| w.contains("keeps gist d1")));
}

#[test]
fn gtt_named_deployments_of_each_schema() {
    for (schema, state) in [
        (1, SYNTH_STATE.to_string()),
        (2, SYNTH_STATE.replacen('{', "{\"schemaVersion\": 2,", 1)),
        (3, SYNTH_STATE.replacen('{', "{\"schemaVersion\": 3,", 1)),
    ] {
        let mut world = original_legacy_world();
        world.github.gists[0].description = "[GTT] octo/demo · badges".to_string();
        world.github.gists[0]
            .files
            .insert("state.json".to_string(), state);
        world.github.gists[1].description = "[GTT] octo/demo · archive".to_string();
        let mut i = inputs();
        i.convert_state = ConvertState::Now;
        i.commit = true;
        let p = plan(&i, &world);
        assert_eq!(p.context["generation"], "original", "v{schema}");
        assert!(!has(&p, "gist:update:badges.description"), "v{schema}");
        match &find(&p, "gist:update:badges.state").details {
            UpgradeStep::WriteGist(w) => {
                assert!(w.preview[0].starts_with(&format!("schema v{schema} → v4")))
            }
            other => panic!("{other:?}"),
        }
        let before = days_held(&world);
        apply_verified(&p, &mut world);
        assert_eq!(days_held(&world), before, "v{schema}");
        assert!(only_skips(&plan(&i, &world)), "v{schema}");
    }
}
