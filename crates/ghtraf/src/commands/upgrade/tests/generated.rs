//! Convergence over generated worlds: whatever generation, names, duplicates,
//! config spelling, workflow on either side and flags, upgrading (with the
//! user's push in between when the plan asks for it) reaches a plan of only
//! skips within three runs, loses no day, and keeps a badge id the variable named.

use proptest::prelude::*;

use super::*;

#[derive(Debug, Clone)]
struct World {
    legacy_names: bool,
    archive: bool,
    schema: u8,
    duplicates: Vec<bool>,
    variable: u8,
    config: u8,
    checkout_workflow: u8,
    remote: u8,
    disabled: bool,
    commit: bool,
    convert_now: bool,
    prune: bool,
    force: bool,
}

fn world_strategy() -> impl Strategy<Value = World> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            1u8..=4,
            prop::collection::vec(any::<bool>(), 0..3),
        ),
        (0u8..3, 0u8..3, 0u8..4, 0u8..3, any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (legacy_names, archive, schema, duplicates),
                (variable, config, checkout_workflow, remote, disabled),
                (commit, convert_now, prune, force),
            )| World {
                legacy_names,
                archive,
                schema,
                duplicates,
                variable,
                config,
                checkout_workflow,
                remote,
                disabled,
                commit,
                convert_now,
                prune,
                force,
            },
        )
}

fn v4_state() -> String {
    let mut parsed = ghtraf_traffic::parse_state(SYNTH_STATE).expect("fixture");
    parsed.state.repo = "octo/demo".to_string();
    parsed.state.refresh_totals();
    parsed.state.to_json()
}

fn build(w: &World) -> (UpgradeInputs, Observed) {
    let mut world = original_legacy_world();
    let gh = &mut world.github;
    let state = match w.schema {
        1 => SYNTH_STATE.to_string(),
        4 => v4_state(),
        n => SYNTH_STATE.replacen('{', &format!("{{\"schemaVersion\": {n},"), 1),
    };
    gh.gists[0].files.insert("state.json".to_string(), state);
    if !w.legacy_names {
        gh.gists[0].description = "[GTT] octo/demo · badges".to_string();
        gh.gists[1].description = "[GTT] octo/demo · archive".to_string();
    }
    if !w.archive {
        gh.gists.retain(|g| g.id == BADGE);
        gh.variables.remove("TRAFFIC_ARCHIVE_GIST_ID");
    }
    for (i, empty) in w.duplicates.iter().enumerate() {
        let state = if *empty {
            r#"{"totalClones": 0, "dailyHistory": []}"#
        } else {
            V1_STATE
        };
        gh.gists.push(gist(
            &format!("dup{i}"),
            "octo/demo traffic badges",
            true,
            &badge_files(state),
        ));
    }
    match w.variable {
        0 => {}
        1 => {
            gh.variables.remove("TRAFFIC_GIST_ID");
        }
        _ => {
            gh.variables
                .insert("TRAFFIC_GIST_ID".to_string(), "gone".to_string());
        }
    }
    let config = match w.config {
        0 => None,
        1 => Some(SNAKE_CONFIG.to_string()),
        _ => Some(format!(
            "{{\"owner\": \"octo\", \"repo\": \"demo\", \"badgeGistId\": \"{BADGE}\"}}\n"
        )),
    };
    world
        .files
        .insert(".ghtraf.json".to_string(), config.map(String::into_bytes));
    let ours_old = {
        let mut i = inputs();
        i.version = "0.1.0".to_string();
        let p = plan_upgrade(&i, &original_legacy_world(), NOW).expect("plan");
        match &find(&p, "file:overwrite:.github/workflows/traffic-badges.yml").details {
            UpgradeStep::File(f) => f.content.text.clone(),
            _ => unreachable!(),
        }
    };
    let workflow = |kind: u8| match kind {
        0 => Some(GTT_WORKFLOW.to_string()),
        1 => Some(GTT_WORKFLOW_CI.to_string()),
        2 => Some(ours_old.clone()),
        _ => None,
    };
    let checkout = workflow(w.checkout_workflow);
    world.files.insert(
        ".github/workflows/traffic-badges.yml".to_string(),
        checkout.clone().map(String::into_bytes),
    );
    let remote = match w.remote {
        0 => checkout,
        1 => Some(GTT_WORKFLOW.to_string()),
        _ => None,
    };
    let gh = &mut world.github;
    gh.default_branch_workflow = remote.map(|text| RemoteFile {
        sha: "blob-0".to_string(),
        text,
    });
    if gh.default_branch_workflow.is_none() {
        gh.workflow = None;
    } else if w.disabled {
        if let Some(wf) = gh.workflow.as_mut() {
            wf.state = "disabled_manually".to_string();
        }
    }
    let mut i = inputs();
    i.commit = w.commit;
    i.convert_state = if w.convert_now {
        ConvertState::Now
    } else {
        ConvertState::OnFirstCollect
    };
    i.prune_orphans = w.prune;
    i.edited = if w.force {
        EditedFiles::Force
    } else {
        EditedFiles::Keep
    };
    (i, world)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn upgrades_converge_without_losing_a_day(w in world_strategy()) {
        let (i, mut world) = build(&w);
        let before = days_held(&world);
        let named = world.github.variables.get("TRAFFIC_GIST_ID").cloned()
            .filter(|id| world.github.gists.iter().any(|g| &g.id == id));
        let mut converged = false;
        for _round in 0..3 {
            let p = plan(&i, &world);
            if only_skips(&p) {
                converged = true;
                break;
            }
            apply_verified(&p, &mut world);
            prop_assert_eq!(&days_held(&world), &before);
            // The user syncs their clone: with --commit they pull, else they push.
            match (&world.github.default_branch_workflow, w.commit) {
                (Some(remote), true) => {
                    let text = remote.text.clone().into_bytes();
                    world.files.insert(".github/workflows/traffic-badges.yml".to_string(), Some(text));
                }
                _ if world.text(".github/workflows/traffic-badges.yml").is_some() => push(&mut world),
                _ => {}
            }
        }
        if !converged {
            let p = plan(&i, &world);
            prop_assert!(only_skips(&p), "still changing: {:#?}", ops(&p));
        }
        if let Some(id) = named {
            prop_assert_eq!(world.github.variables.get("TRAFFIC_GIST_ID"), Some(&id));
        }
    }
}
