//! Planner tests over worlds of every generation, and a model of execution.
//!
//! `apply` below carries a plan out on an [`Observed`] value the way the
//! executors will on GitHub and the checkout, so convergence ("a second
//! upgrade plans only skips"), the order of safety actions, and "no day lost"
//! are checked on the pure planner, world by world, before any I/O exists.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ghtraf_plan::{
    Action, ActionResult, Category, Deferred, Finding, FindingStatus, Operation, Outputs, Plan,
    ResultStatus, Secret,
};
use time::macros::datetime;
use time::OffsetDateTime;

use super::fingerprint::Role;
use super::observed::{GistSeen, GitHubSide, Observed, RemoteFile, SecretSeen, WorkflowSeen};
use super::plan::{plan_upgrade, ConvertState, EditedFiles, UpgradeInputs};
use super::step::UpgradeStep;
use super::verify::verify_upgrade;

pub(super) const NOW: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);
const VERSION: &str = "0.9.0";

const V1_STATE: &str = include_str!("../../../../../tests/fixtures/gtt/real-v1-state-a.json");
const SYNTH_STATE: &str = include_str!("../../../../../tests/fixtures/gtt/synthetic-state.json");
const SYNTH_DEC: &str =
    include_str!("../../../../../tests/fixtures/gtt/synthetic-archive-2025-12.json");
const SYNTH_JAN: &str =
    include_str!("../../../../../tests/fixtures/gtt/synthetic-archive-2026-01.json");
const GTT_WORKFLOW: &str = include_str!("../../../tests/fixtures/original/workflow-0.3.6.yml");
const GTT_WORKFLOW_CI: &str =
    include_str!("../../../tests/fixtures/original/workflow-0.3.7-ci.yml");
const GTT_WORKFLOW_EDITED: &str =
    include_str!("../../../tests/fixtures/original/workflow-edited.yml");
const GTT_INDEX: &str = include_str!("../../../tests/fixtures/original/dashboard-index.html");
const GTT_README: &str = include_str!("../../../tests/fixtures/original/dashboard-README.md");
const SNAKE_CONFIG: &str =
    include_str!("../../../tests/fixtures/original/ghtraf-config-snake.json");

pub(super) const BADGE: &str = "b0000000000000000000000000000001";
const ARCHIVE: &str = "a0000000000000000000000000000001";
const ARCHIVE_STUB: &str = r#"{"repo": "octo/demo", "description": "Monthly traffic archive for octo/demo", "archives": []}"#;

pub(super) fn inputs() -> UpgradeInputs {
    UpgradeInputs {
        owner: "octo".to_string(),
        repo: "demo".to_string(),
        root: PathBuf::from("/work/demo"),
        backup_dir: PathBuf::from("/state/ghtraf/backups/octo/demo/20260302T100000Z"),
        gist_id: None,
        archive_gist_id: None,
        display_name: None,
        convert_state: ConvertState::OnFirstCollect,
        commit: false,
        edited: EditedFiles::Keep,
        keep_old_workflow: false,
        prune_orphans: false,
        update_secret: false,
        token: None,
        gist_token_name: "TRAFFIC_GIST_TOKEN".to_string(),
        install_command: None,
        releases_url: None,
        api_base: "https://api.github.com".to_string(),
        version: VERSION.to_string(),
    }
}

fn gist(id: &str, description: &str, public: bool, files: &[(&str, &str)]) -> GistSeen {
    GistSeen {
        id: id.to_string(),
        description: description.to_string(),
        public,
        owner_login: Some("octo".to_string()),
        revision: format!("{id}-r1"),
        updated_at: "2026-03-01T03:00:00Z".to_string(),
        files: files
            .iter()
            .map(|(n, c)| (n.to_string(), c.to_string()))
            .collect(),
    }
}

fn badge_files(state: &str) -> Vec<(&str, &str)> {
    vec![
        ("state.json", state),
        ("installs.json", "{}"),
        ("downloads.json", "{}"),
        ("clones.json", "{}"),
        ("views.json", "{}"),
    ]
}

/// The original ≤ 0.2.6 set up by its `create`: legacy names, both gists, its workflow
/// (active on the default branch), its dashboard and its snake_case `.ghtraf.json`.
pub(super) fn original_legacy_world() -> Observed {
    let mut files = BTreeMap::new();
    files.insert(
        ".github/workflows/traffic-badges.yml".to_string(),
        Some(GTT_WORKFLOW.as_bytes().to_vec()),
    );
    files.insert(
        "docs/stats/index.html".to_string(),
        Some(GTT_INDEX.as_bytes().to_vec()),
    );
    files.insert(
        "docs/stats/README.md".to_string(),
        Some(GTT_README.as_bytes().to_vec()),
    );
    files.insert(
        ".ghtraf.json".to_string(),
        Some(SNAKE_CONFIG.as_bytes().to_vec()),
    );
    files.insert(
        "docs/images/ghtraf-banner.png".to_string(),
        Some(vec![0x89, b'P', b'N', b'G']),
    );
    Observed {
        files,
        refused: BTreeMap::new(),
        stray_config: None,
        github: GitHubSide {
            login: "octo".to_string(),
            default_branch: "main".to_string(),
            repo_created_at: "2024-05-01T12:00:00Z".to_string(),
            gists: vec![
                gist(
                    BADGE,
                    "octo/demo traffic badges",
                    true,
                    &badge_files(SYNTH_STATE),
                ),
                gist(
                    ARCHIVE,
                    "octo/demo traffic archive",
                    false,
                    &[
                        ("archive.json", ARCHIVE_STUB),
                        ("archive-2025-12.json", SYNTH_DEC),
                        ("archive-2026-01.json", SYNTH_JAN),
                    ],
                ),
            ],
            variables: BTreeMap::from([
                ("TRAFFIC_GIST_ID".to_string(), BADGE.to_string()),
                ("TRAFFIC_ARCHIVE_GIST_ID".to_string(), ARCHIVE.to_string()),
            ]),
            secret: Some(SecretSeen {
                name: "TRAFFIC_GIST_TOKEN".to_string(),
                updated_at: "2025-06-01T00:00:00Z".to_string(),
            }),
            workflow: Some(WorkflowSeen {
                id: 77,
                name: "Track Downloads & Clones".to_string(),
                path: ".github/workflows/traffic-badges.yml".to_string(),
                state: "active".to_string(),
                runs_in_progress: 0,
            }),
            raw_base: None,
            default_branch_workflow: Some(RemoteFile {
                sha: "blob-gtt".to_string(),
                text: GTT_WORKFLOW.to_string(),
            }),
        },
    }
}

fn plan(inputs: &UpgradeInputs, world: &Observed) -> Plan<UpgradeStep> {
    let plan = plan_upgrade(inputs, world, NOW).expect("plan");
    plan.validate().expect("well-formed plan");
    plan
}

fn ops(plan: &Plan<UpgradeStep>) -> Vec<(String, Operation)> {
    plan.actions
        .iter()
        .map(|a| (a.id.to_string(), a.operation))
        .collect()
}

fn find<'a>(plan: &'a Plan<UpgradeStep>, id: &str) -> &'a Action<UpgradeStep> {
    plan.actions
        .iter()
        .find(|a| a.id.as_str() == id)
        .unwrap_or_else(|| panic!("no action {id} in {:#?}", ops(plan)))
}

fn has(plan: &Plan<UpgradeStep>, id: &str) -> bool {
    plan.actions.iter().any(|a| a.id.as_str() == id)
}

/// Carries a plan out on the world, as the executors will, checking each write's
/// precondition. `push` also lands the checkout's workflow on the default branch (the
/// user's commit and push between two upgrades).
fn apply(plan: &Plan<UpgradeStep>, world: &mut Observed) -> (Vec<ActionResult>, Outputs) {
    let mut results = Vec::new();
    let mut outputs = Outputs::default();
    let mut produced: BTreeMap<String, String> = BTreeMap::new();
    let resolve = |d: &Deferred, produced: &BTreeMap<String, String>| match d {
        Deferred::Known(v) => v.clone(),
        Deferred::KnownAfterApply(r) => produced[r.action.as_str()].clone(),
    };
    let gh = &mut world.github;
    let order = plan.topological_order().expect("order");
    for i in order {
        let a = &plan.actions[i];
        if !a.is_change() {
            continue;
        }
        let mut made = BTreeMap::new();
        match &a.details {
            UpgradeStep::Backup(_) => {}
            UpgradeStep::Rename(r) => {
                let g = gh
                    .gists
                    .iter_mut()
                    .find(|g| g.id == r.gist_id)
                    .expect("gist");
                assert_eq!(g.revision, r.expect_revision, "stale rename");
                assert_eq!(g.description, r.from);
                g.description = r.to.clone();
            }
            UpgradeStep::CreateGist(c) => {
                let id = "c0000000000000000000000000000new".to_string();
                let files: Vec<(&str, &str)> = c
                    .files
                    .iter()
                    .map(|(n, t)| (n.as_str(), t.as_str()))
                    .collect();
                gh.gists.push(gist(&id, &c.description, c.public, &files));
                produced.insert(a.id.to_string(), id.clone());
                made.insert("id".to_string(), id);
            }
            UpgradeStep::WriteGist(w) => {
                let g = gh
                    .gists
                    .iter_mut()
                    .find(|g| g.id == w.gist_id)
                    .expect("gist");
                assert_eq!(g.revision, w.expect_revision, "stale gist write");
                for (n, t) in &w.files {
                    g.files.insert(n.clone(), t.clone());
                }
                g.revision = format!("{}+", g.revision);
            }
            UpgradeStep::DeleteGist(d) => gh.gists.retain(|g| g.id != d.gist_id),
            UpgradeStep::Variable(v) => {
                assert_eq!(
                    gh.variables.get(&v.name),
                    v.current.as_ref(),
                    "stale variable"
                );
                gh.variables
                    .insert(v.name.clone(), resolve(&v.value, &produced));
            }
            UpgradeStep::Secret(s) => {
                gh.secret = Some(SecretSeen {
                    name: s.name.clone(),
                    updated_at: "2026-03-02T10:00:00Z".to_string(),
                });
            }
            UpgradeStep::File(f) => {
                let mut text = f.content.text.clone();
                for fill in &f.content.fills {
                    text = text.replace(&fill.marker, &resolve(&fill.value, &produced));
                }
                world.files.insert(f.path.clone(), Some(text.into_bytes()));
            }
            UpgradeStep::Commit(c) => {
                let remote = gh.default_branch_workflow.as_mut().expect("remote");
                assert_eq!(Some(&remote.sha), c.expect_blob_sha.as_ref(), "stale blob");
                remote.text = c.content.clone();
                remote.sha = "blob-ours".to_string();
            }
            UpgradeStep::WorkflowState(w) => {
                let wf = gh.workflow.as_mut().expect("workflow");
                assert_eq!(wf.state, w.expect_state);
                wf.state = if w.enable {
                    "active"
                } else {
                    "disabled_manually"
                }
                .to_string();
            }
            UpgradeStep::Keep(_) => panic!("a keep is never a change"),
        }
        outputs.record(&a.id, &made);
        results.push(ActionResult {
            id: a.id.clone(),
            status: ResultStatus::Ok,
            message: String::new(),
            error: None,
            produced: made,
            stale: false,
        });
    }
    (results, outputs)
}

/// Applies a plan and checks that verification finds the world as promised.
fn apply_verified(plan: &Plan<UpgradeStep>, world: &mut Observed) {
    let before = world.clone();
    let (results, outputs) = apply(plan, world);
    let findings = verify_upgrade(plan, &results, &outputs, &before, world);
    let deviations: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
        .collect();
    assert!(deviations.is_empty(), "{deviations:#?}");
    let ran = plan
        .actions
        .iter()
        .filter(|a| a.is_change() && !matches!(a.details, UpgradeStep::Backup(_)))
        .count();
    assert!(findings.len() >= ran, "one finding per action that ran");
}

fn push(world: &mut Observed) {
    let text = world
        .text(".github/workflows/traffic-badges.yml")
        .expect("workflow in checkout")
        .to_string();
    world.github.default_branch_workflow = Some(RemoteFile {
        sha: "blob-pushed".to_string(),
        text,
    });
}

fn only_skips(plan: &Plan<UpgradeStep>) -> bool {
    plan.actions.iter().all(|a| !a.is_change())
}

fn days_held(world: &Observed) -> Vec<String> {
    // Every day in the badge state and every archive month file, deduplicated.
    let mut days = Vec::new();
    for g in &world.github.gists {
        for (name, text) in &g.files {
            if name == "state.json" || name.starts_with("archive-20") {
                let v: serde_json::Value = serde_json::from_str(text).expect("json");
                for d in v["dailyHistory"].as_array().into_iter().flatten() {
                    days.push(d["date"].as_str().unwrap_or_default().to_string());
                }
            }
        }
    }
    days.sort();
    days.dedup();
    days
}

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
    assert!(has(&p, "file:create:docs/stats/dashboard.js"));
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

/// The original's workflow creates a badge gist on every run while TRAFFIC_GIST_ID is
/// empty: three gists, one with history, one with less, one empty.
fn duplicates_world() -> Observed {
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

#[test]
fn an_older_ghtraf_gets_its_templates_refreshed_with_diffs() {
    let mut world = original_legacy_world();
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    apply(&plan(&i, &world), &mut world);
    // Pretend this deployment came from ghtraf 0.8.0 (and was pulled).
    let old = world
        .github
        .default_branch_workflow
        .as_ref()
        .unwrap()
        .text
        .replace("0.9.0", "0.8.0");
    world.files.insert(
        ".github/workflows/traffic-badges.yml".to_string(),
        Some(old.clone().into_bytes()),
    );
    world.github.default_branch_workflow.as_mut().unwrap().text = old;
    world.files.insert(
        "docs/stats/style.css".to_string(),
        Some(b"/* ghtraf 0.8.0 */".to_vec()),
    );
    let p = plan(&inputs(), &world);
    assert_eq!(
        p.context["generation"], "older-ghtraf",
        "{:?}",
        p.context["evidence"]
    );
    let wf = find(&p, "file:overwrite:.github/workflows/traffic-badges.yml");
    assert!(wf.description.contains("ghtraf 0.8.0"));
    match &wf.details {
        UpgradeStep::File(f) => {
            let diff = f.diff.as_deref().unwrap();
            assert!(diff.contains("-# Generated by ghtraf 0.8.0"), "{diff}");
            assert!(diff.contains("+# Generated by ghtraf 0.9.0"), "{diff}");
        }
        other => panic!("{other:?}"),
    }
    assert!(has(&p, "file:overwrite:docs/stats/style.css"));
    // No gist is touched for a template refresh.
    assert!(!p
        .actions
        .iter()
        .any(|a| a.category == Category::Gist && a.is_change()));
}

#[test]
fn edited_files_stay_conflicts() {
    let mut world = original_legacy_world();
    world.files.insert(
        ".github/workflows/traffic-badges.yml".to_string(),
        Some(GTT_WORKFLOW_EDITED.as_bytes().to_vec()),
    );
    world.files.insert(
        "docs/stats/style.css".to_string(),
        Some(b"/* mine */".to_vec()),
    );
    let p = plan(&inputs(), &world);
    assert!(has(&p, "file:skip:.github/workflows/traffic-badges.yml"));
    assert!(has(&p, "file:skip:docs/stats/style.css"));
    let mut ask = inputs();
    ask.edited = EditedFiles::Ask;
    let p = plan(&ask, &world);
    assert!(find(&p, "file:overwrite:docs/stats/style.css").requires_input);
    let mut force = inputs();
    force.edited = EditedFiles::Force;
    let p = plan(&force, &world);
    assert!(!find(&p, "file:overwrite:docs/stats/style.css").requires_input);
}

#[test]
fn an_edited_original_workflow_on_the_branch_is_not_committed_over_without_force() {
    let mut world = original_legacy_world();
    world.github.default_branch_workflow.as_mut().unwrap().text = GTT_WORKFLOW_EDITED.to_string();
    let mut i = inputs();
    i.commit = true;
    i.convert_state = ConvertState::Now;
    let p = plan(&i, &world);
    assert!(!has(
        &p,
        "workflow:overwrite:main:.github/workflows/traffic-badges.yml"
    ));
    assert!(has(
        &p,
        "workflow:update:.github/workflows/traffic-badges.yml"
    ));
    assert!(!has(&p, "gist:update:badges.state"));
    i.edited = EditedFiles::Force;
    let p = plan(&i, &world);
    assert!(has(
        &p,
        "workflow:overwrite:main:.github/workflows/traffic-badges.yml"
    ));
}

#[test]
fn a_mixed_state_is_flagged() {
    let mut world = original_legacy_world();
    let mixed = r#"{"schemaVersion": 4, "repo": "octo/demo", "totals": {}, "totalClones": 9, "dailyHistory": []}"#;
    world.github.gists[0]
        .files
        .insert("state.json".to_string(), mixed.to_string());
    let p = plan(&inputs(), &world);
    assert_eq!(p.context["generation"], "mixed");
    assert!(p.warnings.iter().any(|w| w.contains("gist-history")));
    assert!(!has(&p, "gist:update:badges.state"));
}

#[test]
fn a_stray_config_in_the_working_directory_moves_to_the_root() {
    let mut world = original_legacy_world();
    world.files.insert(".ghtraf.json".to_string(), None);
    world.stray_config = Some((
        "tools/.ghtraf.json".to_string(),
        SNAKE_CONFIG.as_bytes().to_vec(),
    ));
    let p = plan(&inputs(), &world);
    let cfg = find(&p, "config:create:.ghtraf.json");
    match &cfg.details {
        UpgradeStep::File(f) => assert!(f.content.text.contains("\"team_note\"")),
        other => panic!("{other:?}"),
    }
    assert!(p.warnings.iter().any(|w| w.contains("tools/.ghtraf.json")));
}

#[test]
fn an_unreadable_config_or_state_is_left_alone() {
    let mut world = original_legacy_world();
    world
        .files
        .insert(".ghtraf.json".to_string(), Some(b"{\"owner\": ".to_vec()));
    world.github.gists[0]
        .files
        .insert("state.json".to_string(), "{\"dailyHistory\": [".to_string());
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    let p = plan(&i, &world);
    assert!(!p.actions.iter().any(|a| a.target == ".ghtraf.json"));
    assert!(!has(&p, "gist:update:badges.state"));
    assert!(p.warnings.iter().any(|w| w.contains("will not overwrite")));
}

#[test]
fn the_backup_must_be_outside_the_checkout() {
    let mut i = inputs();
    i.backup_dir = PathBuf::from("/work/demo/.backup");
    let e = plan_upgrade(&i, &original_legacy_world(), NOW).unwrap_err();
    assert!(e.message.contains("inside the checkout"), "{}", e.message);
}

#[test]
fn nothing_to_upgrade_without_a_badge_gist() {
    let mut world = original_legacy_world();
    world.github.gists.clear();
    let p = plan(&inputs(), &world);
    assert!(only_skips(&p));
    assert!(p.warnings.iter().any(|w| w.contains("ghtraf create")));
}

#[test]
fn a_given_token_replaces_the_secret_only_when_asked_and_never_shows() {
    let canary = "ghp_CANARY_upgrade_0123456789";
    let mut i = inputs();
    i.token = Some(Secret::new(canary));
    let p = plan(&i, &original_legacy_world());
    assert!(has(&p, "secret:skip:TRAFFIC_GIST_TOKEN"));
    i.update_secret = true;
    let p = plan(&i, &original_legacy_world());
    assert!(has(&p, "secret:set:TRAFFIC_GIST_TOKEN"));
    let json = serde_json::to_string(&p.to_json()).unwrap();
    assert!(!json.contains(canary));
    assert!(!format!("{:?}", p.actions).contains(canary));
    let text = ghtraf_plan::render_text(&p, 2, "plan");
    assert!(!format!("{text:?}").contains(canary));
}

#[test]
fn the_plan_is_the_same_for_the_same_world() {
    let world = duplicates_world();
    let a = serde_json::to_string(&plan(&inputs(), &world).to_json()).unwrap();
    let b = serde_json::to_string(&plan(&inputs(), &world).to_json()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn roles_are_reported_in_the_backup() {
    let p = plan(&inputs(), &original_legacy_world());
    match &p.actions[0].details {
        UpgradeStep::Backup(b) => {
            let roles: Vec<(&str, Role)> =
                b.gists.iter().map(|g| (g.id.as_str(), g.role)).collect();
            assert_eq!(roles, [(ARCHIVE, Role::Archive), (BADGE, Role::Badges)]);
            assert_eq!(b.variables.len(), 2);
            assert_eq!(b.secret_updated_at.as_deref(), Some("2025-06-01T00:00:00Z"));
        }
        other => panic!("{other:?}"),
    }
}

mod generated {
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
}

#[test]
fn verification_catches_what_the_upgrade_must_protect() {
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    let before = original_legacy_world();
    let p = plan(&i, &before);
    let mut after = before.clone();
    let (results, outputs) = apply(&p, &mut after);
    let deviations = |after: &Observed| -> Vec<String> {
        verify_upgrade(&p, &results, &outputs, &before, after)
            .into_iter()
            .filter(|f| f.status == FindingStatus::Deviation)
            .map(|f| f.id)
            .collect()
    };
    assert!(deviations(&after).is_empty());

    // A day dropped from the converted state (the original's 31-day trim).
    let mut trimmed = after.clone();
    let g = trimmed
        .github
        .gists
        .iter_mut()
        .find(|g| g.id == BADGE)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&g.files["state.json"]).unwrap();
    v["dailyHistory"].as_array_mut().unwrap().remove(0);
    g.files.insert("state.json".to_string(), v.to_string());
    let found = deviations(&trimmed);
    assert!(found.contains(&"history:days".to_string()), "{found:?}");
    assert!(found.contains(&"state:totals".to_string()), "{found:?}");
    assert!(
        found.contains(&"gist:update:badges.state".to_string()),
        "{found:?}"
    );

    // The badge gist lost a badge file, or the original's workflow came back.
    let mut broken = after.clone();
    let g = broken
        .github
        .gists
        .iter_mut()
        .find(|g| g.id == BADGE)
        .unwrap();
    g.files.remove("clones.json");
    broken.github.default_branch_workflow.as_mut().unwrap().text = GTT_WORKFLOW.to_string();
    let found = deviations(&broken);
    assert!(found.contains(&"gist:badge-urls".to_string()), "{found:?}");
    assert!(
        found.contains(&"workflow:original".to_string()),
        "{found:?}"
    );

    // A rename that did not stick, and a variable someone changed since.
    let mut drifted = after.clone();
    drifted
        .github
        .gists
        .iter_mut()
        .find(|g| g.id == BADGE)
        .unwrap()
        .description = "octo/demo traffic badges".to_string();
    let found = deviations(&drifted);
    assert_eq!(found, ["gist:update:badges.description"]);
}

#[test]
fn an_older_default_install_command_is_not_carried_over() {
    let mut world = original_legacy_world();
    world.files.insert(
        ".ghtraf.json".to_string(),
        Some(
            br#"{"owner": "octo", "repo": "demo", "installCommand": "cargo install ghtraf --version 0.0.1 --locked", "releasesUrl": "https://example.com/mirror/"}"#
                .to_vec(),
        ),
    );
    let p = plan(&inputs(), &world);
    match &find(&p, "config:update:.ghtraf.json").details {
        UpgradeStep::File(f) => {
            assert!(
                !f.content.text.contains("installCommand"),
                "{}",
                f.content.text
            );
            assert!(f
                .content
                .text
                .contains("\"releasesUrl\": \"https://example.com/mirror\""));
        }
        other => panic!("{other:?}"),
    }
    match &find(&p, "file:overwrite:.github/workflows/traffic-badges.yml").details {
        UpgradeStep::File(f) => {
            assert!(f.content.text.contains("https://example.com/mirror"));
            assert!(!f.content.text.contains("--version 0.0.1"));
        }
        other => panic!("{other:?}"),
    }
}
