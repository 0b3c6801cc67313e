//! Planner tests over worlds of every generation, and a model of execution.
//!
//! `apply` below carries a plan out on an [`Observed`] value the way the
//! executors will on GitHub and the checkout, so convergence ("a second
//! upgrade plans only skips"), the order of safety actions, and "no day lost"
//! are checked on the pure planner, world by world, before any I/O exists.

mod conversion;
mod files;
mod generated;
mod gists;
mod verify;

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

const V1_STATE: &str = include_str!("../../../../../../tests/fixtures/gtt/real-v1-state-a.json");
const SYNTH_STATE: &str = include_str!("../../../../../../tests/fixtures/gtt/synthetic-state.json");
const SYNTH_DEC: &str =
    include_str!("../../../../../../tests/fixtures/gtt/synthetic-archive-2025-12.json");
const SYNTH_JAN: &str =
    include_str!("../../../../../../tests/fixtures/gtt/synthetic-archive-2026-01.json");
const GTT_WORKFLOW: &str = include_str!("../../../../tests/fixtures/original/workflow-0.3.6.yml");
const GTT_WORKFLOW_CI: &str =
    include_str!("../../../../tests/fixtures/original/workflow-0.3.7-ci.yml");
const GTT_WORKFLOW_EDITED: &str =
    include_str!("../../../../tests/fixtures/original/workflow-edited.yml");
const GTT_INDEX: &str = include_str!("../../../../tests/fixtures/original/dashboard-index.html");
const GTT_README: &str = include_str!("../../../../tests/fixtures/original/dashboard-README.md");
const SNAKE_CONFIG: &str =
    include_str!("../../../../tests/fixtures/original/ghtraf-config-snake.json");

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
        answers: Default::default(),
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
