//! `plan_upgrade`: the pure decision of what `ghtraf upgrade` will do.
//!
//! Given settled inputs and the observed world it returns the whole plan —
//! backup, renames, the choice among duplicates, the missing archive gist,
//! variables, the secret, files, the default branch's workflow, the state
//! conversion — with every write conditioned on what was observed. It reads
//! no clock (`now` is an input), touches nothing and asks nothing, so
//! `--dry-run`, `--plan-out` and the real run all show and do this one value.
//!
//! The order encodes the safety rules: the backup comes first and everything
//! that changes a gist depends on it; the archive is written before the state;
//! the state is converted only once the original's workflow can no longer run
//! on the default branch (its file replaced there in this same plan, or gone).

use std::collections::BTreeMap;
use std::path::PathBuf;

use ghtraf_plan::{Action, ActionId, Category, Deferred, Operation, Plan, Secret};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::config::{is_snake_case, migrate, to_text};
use super::fingerprint::{
    classify_dashboard, classify_workflow, current_description, is_older_version, DashboardKind,
    Naming, Role, StateSchema, WorkflowKind,
};
use super::generation::{
    candidates, detect, Candidate, Generation, NamedIds, CONFIG_FILE, DASHBOARD_INDEX,
    WORKFLOW_PATH,
};
use super::observed::{GistSeen, Observed};
use super::step::{
    BackupGist, BackupStep, CommitStep, CreateGistStep, DeleteGistStep, Expect, FileStep, Fill,
    KeepStep, RenameStep, SecretStep, Text, UpgradeStep, VariableStep, WorkflowStateStep,
    WriteGistStep,
};
use crate::error::{CliError, Result};
use crate::fsio::sha256_hex;
use crate::managed_file::{kept_edit, unified_diff, written_sha256};
use crate::page_config;
use crate::templates::DASHBOARD_CONFIG_PATH;

mod configs;
mod conversion;
mod files;
mod gists;

use configs::{plan_dashboard_config, plan_project_config, Ids};
use conversion::plan_conversion;
use files::{plan_file, recognise, ConfigSeen, Values};
pub use gists::provably_empty;
use gists::{choose, plan_prune, plan_rename, plan_secret, plan_variable, report_orphans};

pub const BADGE_VARIABLE: &str = "TRAFFIC_GIST_ID";
pub const ARCHIVE_VARIABLE: &str = "TRAFFIC_ARCHIVE_GIST_ID";
const STATE_FILE: &str = "state.json";
const ARCHIVE_INDEX_FILE: &str = "archive.json";
/// The badge gist's files in every generation: the only ones a provably empty duplicate has.
const BADGE_FILES: [&str; 5] = [
    "state.json",
    "installs.json",
    "downloads.json",
    "clones.json",
    "views.json",
];

/// When the state moves from the original's schema to v4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertState {
    /// Now, in this upgrade (archive first, then state).
    Now,
    /// Left to the first `ghtraf collect`, which runs the same import; the plan previews it.
    OnFirstCollect,
}

/// What happens to a file that differs from ours and is not a recognised older generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditedFiles {
    /// Ask at apply (interactive).
    Ask,
    /// `--force`: replace.
    Force,
    /// `--skip-existing`, and non-interactive runs without a choice: keep it.
    Keep,
}

/// Everything settled before planning.
#[derive(Debug, Clone)]
pub struct UpgradeInputs {
    pub owner: String,
    pub repo: String,
    /// The checkout's root; the backup must lie outside it.
    pub root: PathBuf,
    /// Where the backup goes (`$XDG_STATE_HOME/ghtraf/backups/O/R/<UTC>/` by default).
    pub backup_dir: PathBuf,
    pub gist_id: Option<String>,
    pub archive_gist_id: Option<String>,
    pub display_name: Option<String>,
    pub convert_state: ConvertState,
    /// Write the workflow to the default branch through the contents API.
    pub commit: bool,
    pub edited: EditedFiles,
    /// Edited files answered before planning (interactive runs): path →
    /// replace? A "no" is kept and recorded as `--skip-existing` records it.
    pub answers: BTreeMap<String, bool>,
    pub keep_old_workflow: bool,
    pub prune_orphans: bool,
    pub update_secret: bool,
    pub token: Option<Secret>,
    pub gist_token_name: String,
    /// A custom install command for the workflow (`--install-command`); None: the default
    /// install step (or `.ghtraf.json`'s `installCommand`).
    pub install_command: Option<String>,
    /// Where the workflow downloads ghtraf from (`--releases-url`); None: `.ghtraf.json`'s
    /// `releasesUrl`, else the default.
    pub releases_url: Option<String>,
    pub api_base: String,
    /// ghtraf's version, as written into generated files.
    pub version: String,
}

/// The plan, or why there can be none (a usage error, e.g. a backup inside the checkout).
pub fn plan_upgrade(
    inputs: &UpgradeInputs,
    observed: &Observed,
    now: OffsetDateTime,
) -> Result<Plan<UpgradeStep>> {
    if inputs.backup_dir.starts_with(&inputs.root) {
        return Err(CliError::usage(format!(
            "the backup directory {} is inside the checkout",
            inputs.backup_dir.display()
        ))
        .with_hint("a backup must survive `git clean`; pass --backup-dir outside the repository"));
    }
    let gh = &observed.github;
    let full = format!("{}/{}", inputs.owner, inputs.repo);
    let mut plan = Plan::new("upgrade");
    plan.set_context("repository", full.clone());
    plan.set_context("user", gh.login.clone());
    plan.set_context("repo_dir", inputs.root.display().to_string());

    let config = ConfigSeen::read(observed, &mut plan);
    let named_badges = NamedIds {
        flag: inputs.gist_id.clone(),
        variable: gh.variables.get(BADGE_VARIABLE).cloned(),
        config: config.id("badgeGistId", "badge_gist_id"),
    };
    let named_archive = NamedIds {
        flag: inputs.archive_gist_id.clone(),
        variable: gh.variables.get(ARCHIVE_VARIABLE).cloned(),
        config: config.id("archiveGistId", "archive_gist_id"),
    };
    let all = candidates(
        &gh.gists,
        &inputs.owner,
        &inputs.repo,
        &named_badges,
        &named_archive,
    );
    let badge = choose(&mut plan, &all, Role::Badges, &named_badges);
    let archive = choose(&mut plan, &all, Role::Archive, &named_archive);
    let detection = detect(observed, badge, &all, &inputs.version);
    plan.set_context("generation", detection.generation.as_str());
    plan.set_context("evidence", detection.evidence.clone());

    let Some(badge) = badge else {
        plan.warn(format!(
            "no badge gist of {full} was found (by variable, .ghtraf.json, name or content): \
             there is nothing to upgrade; `ghtraf create` sets the repository up"
        ));
        plan.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "badges",
            "no badge gist found: nothing to upgrade",
            UpgradeStep::Keep(KeepStep {
                path: String::new(),
            }),
        ));
        return Ok(plan);
    };
    let badge_gist = gist(gh, &badge.id);
    plan.set_context("badge_gist", badge.id.clone());
    report_orphans(&mut plan, &all, badge, archive);

    // Everything below is collected first: whether the backup is needed depends on it.
    let mut actions: Vec<Action<UpgradeStep>> = Vec::new();
    let backup_id = ActionId::new(Category::File, Operation::Create, "backup");

    // A gist's files are written only after its rename: one change at a time per gist.
    let mut renames: Vec<ActionId> = Vec::new();
    for chosen in [Some(badge), archive].into_iter().flatten() {
        if let Some(a) = plan_rename(gh, inputs, chosen) {
            renames.push(a.id.clone());
            actions.push(a);
        }
    }

    let (archive_value, archive_producer) = match archive {
        Some(a) => (Deferred::Known(a.id.clone()), None),
        None => {
            let description = current_description(&inputs.owner, &inputs.repo, Role::Archive);
            let index =
                ghtraf_traffic::ArchiveIndex::empty(&full, &ghtraf_traffic::format_timestamp(now));
            let action = Action::new(
                Category::Gist,
                Operation::Create,
                "archive",
                format!("create the missing archive gist \"{description}\" (secret)"),
                UpgradeStep::CreateGist(CreateGistStep {
                    role: Role::Archive,
                    description,
                    public: false,
                    files: BTreeMap::from([(ARCHIVE_INDEX_FILE.to_string(), index.to_json())]),
                }),
            );
            let id = action.id.clone();
            actions.push(action);
            (Deferred::after(&id, "id"), Some(id))
        }
    };
    if let Some(a) = archive {
        plan.set_context("archive_gist", a.id.clone());
    }

    actions.push(plan_variable(
        gh,
        BADGE_VARIABLE,
        Deferred::Known(badge.id.clone()),
        None,
    ));
    actions.push(plan_variable(
        gh,
        ARCHIVE_VARIABLE,
        archive_value.clone(),
        archive_producer.clone(),
    ));
    actions.push(plan_secret(&mut plan, gh, inputs, &detection.generation));

    // Files: the workflow, the dashboard, the configs.
    let values = Values::settle(inputs, observed, &config);
    let checkout_workflow = observed.text(WORKFLOW_PATH).map(classify_workflow);
    let older_ghtraf = matches!(&checkout_workflow,
        Some(WorkflowKind::Ghtraf { version }) if is_older_version(version, &inputs.version));
    let original_dashboard = matches!(
        observed.text(DASHBOARD_INDEX).map(classify_dashboard),
        Some(DashboardKind::Original { .. })
    );
    let rendered = values.render_templates()?;
    let desired_workflow = rendered
        .iter()
        .find(|(p, _)| p == WORKFLOW_PATH)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let remote = gh.default_branch_workflow.as_ref();
    let remote_kind = remote.map(|r| classify_workflow(&r.text));
    let remote_original = matches!(remote_kind, Some(WorkflowKind::Original { .. }));
    let remote_edited = matches!(
        remote_kind,
        Some(WorkflowKind::Original { edited: true, .. })
    );
    let commit_workflow = inputs.commit
        && !inputs.keep_old_workflow
        && remote.is_some_and(|r| r.text != desired_workflow)
        && (!remote_edited || inputs.edited == EditedFiles::Force);
    let ids = Ids {
        badge: Deferred::Known(badge.id.clone()),
        archive: archive_value,
    };
    let dashboard_config = plan_dashboard_config(&mut plan, observed, &values, &ids, inputs);
    let mut kept = config.kept_edits();
    // What ghtraf wrote, as `create` records it: the template's hash where
    // this run writes it (here or on the default branch) or finds it.
    let mut written = config.written();
    let ours = |written: &mut BTreeMap<String, String>, path: &str, text: &str| {
        written.insert(path.to_string(), written_sha256(text.as_bytes()));
    };
    for (path, text) in &rendered {
        if let Some(why) = observed.refused.get(path) {
            actions.push(keep(Category::File, path, &format!("left alone: {why}")));
            continue;
        }
        if path == WORKFLOW_PATH && inputs.keep_old_workflow {
            actions.push(keep(
                Category::File,
                path,
                "kept as it is (--keep-old-workflow); the state will not be converted",
            ));
            continue;
        }
        let on_branch = remote.is_some_and(|r| r.text == *text);
        if path == WORKFLOW_PATH && inputs.commit && (commit_workflow || on_branch) {
            ours(&mut written, path, text);
            actions.push(keep(
                Category::File,
                path,
                "written to the default branch instead (--commit); `git pull` brings it here",
            ));
            continue;
        }
        let recognised = recognise(
            path,
            observed,
            older_ghtraf,
            original_dashboard,
            &inputs.version,
        );
        // An edited file answered before planning is planned as answered.
        let answer = match (&recognised, inputs.edited) {
            (Err(why), EditedFiles::Ask) => inputs.answers.get(path).map(|&yes| (yes, why.clone())),
            _ => None,
        };
        let edited = match &answer {
            Some((true, _)) => EditedFiles::Force,
            Some((false, _)) => EditedFiles::Keep,
            None => inputs.edited,
        };
        let kept_as_edited = recognised.is_err() && edited == EditedFiles::Keep;
        // The dashboard page carries a copy of config.json (page_config), as `create` writes it.
        let content = match (path.as_str(), &dashboard_config.text) {
            (page_config::PAGE_PATH, Some(config)) => Text {
                text: page_config::with_config(text, &config.text),
                fills: config.fills.clone(),
            },
            _ => Text::known(text.clone()),
        };
        let desired = content.preview();
        let mut action = plan_file(path, content, observed, recognised, edited);
        if let Some((yes, why)) = answer {
            action.description = match yes {
                true => format!("replace ({why}; you said yes)"),
                false => format!("kept: {why} (you said no)"),
            };
        }
        // Recorded when kept as the user's edit, left when asked about,
        // cleared when replaced or already ours (as `create` does).
        match observed.files.get(path).cloned().flatten() {
            Some(bytes)
                if kept_as_edited
                    && action.operation == Operation::Skip
                    && bytes != desired.as_bytes() =>
            {
                // The template as `create` records it: without the page's copy of config.json.
                kept.insert(path.clone(), kept_edit(&bytes, text));
            }
            _ if action.requires_input => {}
            _ => {
                kept.remove(path);
            }
        }
        let writes = matches!(action.operation, Operation::Create | Operation::Overwrite);
        let found = observed
            .files
            .get(path)
            .cloned()
            .flatten()
            .is_some_and(|bytes| written_sha256(&bytes) == written_sha256(desired.as_bytes()));
        if (writes && !action.requires_input) || found {
            ours(&mut written, path, text);
        }
        actions.push(action);
    }
    if let Some(a) = dashboard_config.action {
        actions.push(a);
    }
    if let Some(a) =
        plan_project_config(&mut plan, observed, &config, &values, &ids, &kept, &written)
    {
        actions.push(a);
    }
    for (path, present) in &observed.files {
        if present.is_some() && path.starts_with("docs/images/ghtraf-") && path.ends_with(".png") {
            actions.push(keep(
                Category::File,
                path,
                "the original's image, no longer referenced by the dashboard; kept",
            ));
        }
    }

    // The default branch: the original's workflow must not run against a v4 state.
    let mut safety: Vec<ActionId> = Vec::new();
    let mut conversion_refusal: Option<String> = None;
    if let (Some(r), true) = (remote, remote_original && !inputs.keep_old_workflow) {
        if commit_workflow {
            let action = Action::new(
                Category::Workflow,
                Operation::Overwrite,
                format!("{}:{WORKFLOW_PATH}", gh.default_branch),
                format!(
                    "replace the original's workflow on {} through the contents API",
                    gh.default_branch
                ),
                UpgradeStep::Commit(CommitStep {
                    branch: gh.default_branch.clone(),
                    path: WORKFLOW_PATH.to_string(),
                    content: desired_workflow.clone(),
                    expect_blob_sha: Some(r.sha.clone()),
                    message: format!(
                        "ghtraf upgrade: collect traffic with ghtraf {}",
                        inputs.version
                    ),
                    diff: Some(unified_diff(WORKFLOW_PATH, &r.text, &desired_workflow)),
                }),
            );
            safety.push(action.id.clone());
            actions.push(action);
        } else {
            if inputs.commit && remote_edited {
                plan.warn(
                    "the original's workflow on the default branch was edited: --commit \
                     replaces it only with --force",
                );
            }
            conversion_refusal = Some(format!(
                "the default branch ({}) still has the original's workflow; commit and push \
                 the new one (or use --commit), then run `ghtraf upgrade` again",
                gh.default_branch
            ));
            match &gh.workflow {
                Some(w) if w.state == "active" => {
                    actions.push(Action::new(
                        Category::Workflow,
                        Operation::Update,
                        WORKFLOW_PATH,
                        "disable the original's workflow until the new one is on the default branch",
                        UpgradeStep::WorkflowState(WorkflowStateStep {
                            workflow_id: w.id,
                            path: w.path.clone(),
                            enable: false,
                            expect_state: w.state.clone(),
                        }),
                    ));
                    plan.warn(format!(
                        "the original's workflow will be disabled so it cannot trim the \
                         history; afterwards commit and push {WORKFLOW_PATH}, then run `ghtraf \
                         upgrade` again: it re-enables the workflow"
                    ));
                }
                Some(w) => {
                    actions.push(Action::new(
                        Category::Workflow,
                        Operation::Skip,
                        WORKFLOW_PATH,
                        format!("the original's workflow is {}; it stays so until the new one is pushed", w.state),
                        UpgradeStep::WorkflowState(WorkflowStateStep {
                            workflow_id: w.id,
                            path: w.path.clone(),
                            enable: false,
                            expect_state: w.state.clone(),
                        }),
                    ));
                }
                None => {}
            }
        }
    } else if remote_original {
        conversion_refusal = Some(
            "--keep-old-workflow keeps the original's workflow, so the state stays in its schema"
                .to_string(),
        );
    } else if matches!(remote_kind, Some(WorkflowKind::Ghtraf { .. })) {
        if let Some(w) = gh
            .workflow
            .as_ref()
            .filter(|w| w.state == "disabled_manually")
        {
            let action = Action::new(
                Category::Workflow,
                Operation::Update,
                WORKFLOW_PATH,
                "re-enable the workflow: the default branch now runs ghtraf",
                UpgradeStep::WorkflowState(WorkflowStateStep {
                    workflow_id: w.id,
                    path: w.path.clone(),
                    enable: true,
                    expect_state: w.state.clone(),
                }),
            );
            safety.push(action.id.clone());
            actions.push(action);
        }
    }
    if remote_original {
        if let Some(w) = gh.workflow.as_ref().filter(|w| w.runs_in_progress > 0) {
            conversion_refusal.get_or_insert_with(|| {
                format!(
                    "{} run(s) of the original's workflow are in progress; run `ghtraf upgrade` again when they finish",
                    w.runs_in_progress
                )
            });
        }
    }
    if inputs.keep_old_workflow {
        conversion_refusal.get_or_insert_with(|| {
            "--keep-old-workflow: the state stays in the original's schema".to_string()
        });
    }

    let mut before_writes = safety.clone();
    before_writes.extend(renames);
    plan_conversion(
        &mut actions,
        &mut plan,
        inputs,
        badge,
        badge_gist,
        archive.and_then(|a| gist(gh, &a.id)),
        archive_producer.as_ref(),
        &before_writes,
        conversion_refusal,
        now,
    );

    if inputs.prune_orphans {
        plan_prune(&mut actions, &mut plan, gh, &all, badge, archive, &full);
    }

    // The backup first; every change depends on it.
    let any_change = actions.iter().any(|a| a.is_change());
    let backup = UpgradeStep::Backup(BackupStep {
        dir: inputs.backup_dir.display().to_string(),
        gists: all
            .iter()
            .filter_map(|c| gist(gh, &c.id).map(|g| (c, g)))
            .map(|(c, g)| BackupGist {
                id: g.id.clone(),
                role: c.role,
                description: g.description.clone(),
                revision: g.revision.clone(),
                files: g.files.keys().cloned().collect(),
            })
            .collect(),
        variables: gh
            .variables
            .iter()
            .filter(|(k, _)| [BADGE_VARIABLE, ARCHIVE_VARIABLE].contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        secret_updated_at: gh.secret.as_ref().map(|s| s.updated_at.clone()),
    });
    let backup_action = if any_change {
        Action::new(
            Category::File,
            Operation::Create,
            "backup",
            format!(
                "back up every gist file, the variables and the revision ids to {}",
                inputs.backup_dir.display()
            ),
            backup,
        )
    } else {
        Action::new(
            Category::File,
            Operation::Skip,
            "backup",
            "nothing changes, so nothing to back up",
            backup,
        )
    };
    plan.push(backup_action);
    for mut a in actions {
        if a.is_change() && any_change && !a.depends_on.contains(&backup_id) {
            a.depends_on.insert(0, backup_id.clone());
        }
        plan.push(a);
    }
    plan.set_context("generation_summary", summary_line(&detection.generation));
    Ok(plan)
}

fn summary_line(g: &Generation) -> String {
    match g {
        Generation::None => "no earlier deployment found",
        Generation::OriginalLegacy => "the original tool, gists under its pre-0.2.7 names",
        Generation::Original => "the original tool",
        Generation::Ghtraf => "ghtraf, current",
        Generation::OlderGhtraf => "an older ghtraf",
        Generation::Mixed => "a converted state the original's workflow can still write",
    }
    .to_string()
}

fn gist<'a>(gh: &'a super::observed::GitHubSide, id: &str) -> Option<&'a GistSeen> {
    gh.gists.iter().find(|g| g.id == id)
}

fn keep(category: Category, path: &str, why: &str) -> Action<UpgradeStep> {
    Action::new(
        category,
        Operation::Skip,
        path,
        why,
        UpgradeStep::Keep(KeepStep {
            path: path.to_string(),
        }),
    )
}
