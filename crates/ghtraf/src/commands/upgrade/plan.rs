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
use crate::templates::{fill, DASHBOARD_CONFIG_PATH, TEMPLATES};

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
        actions.push(plan_file(
            path,
            Text::known(text.clone()),
            observed,
            recognised,
            inputs.edited,
        ));
    }
    let ids = Ids {
        badge: Deferred::Known(badge.id.clone()),
        archive: archive_value,
    };
    if let Some(a) = plan_dashboard_config(&mut plan, observed, &values, &ids, inputs) {
        actions.push(a);
    }
    if let Some(a) = plan_project_config(&mut plan, observed, &config, &values, &ids) {
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

// ---------------------------------------------------------------- gists

/// Chooses the gist of one role: the id the user or deployment names (first that is a
/// candidate), else the one holding the most history, then the latest capture, then the
/// current name, then the smallest id (so equal worlds give equal plans).
fn choose<'a>(
    plan: &mut Plan<UpgradeStep>,
    all: &'a [Candidate],
    role: Role,
    named: &NamedIds,
) -> Option<&'a Candidate> {
    let of_role: Vec<&Candidate> = all.iter().filter(|c| c.role == role).collect();
    for (source, id) in named.ordered() {
        if let Some(c) = of_role.iter().find(|c| c.id == id) {
            return Some(c);
        }
        plan.warn(format!(
            "{source} names {} gist {id}, which is not among your gists for this repository; \
             it is ignored (nothing is replaced)",
            role.name()
        ));
    }
    of_role.into_iter().max_by(|a, b| {
        let key = |c: &Candidate| {
            (
                c.days() + c.months,
                c.state.as_ref().and_then(|s| s.latest_capture.clone()),
                matches!(c.naming, Naming::Current(_)),
            )
        };
        key(a).cmp(&key(b)).then(b.id.cmp(&a.id))
    })
}

fn report_orphans(
    plan: &mut Plan<UpgradeStep>,
    all: &[Candidate],
    badge: &Candidate,
    archive: Option<&Candidate>,
) {
    let mut orphans = Vec::new();
    for c in all {
        if c.id == badge.id || archive.is_some_and(|a| a.id == c.id) {
            continue;
        }
        let held = match c.role {
            Role::Badges => format!("{} day(s)", c.days()),
            Role::Archive => format!("{} archived month(s)", c.months),
        };
        plan.warn(format!(
            "{} gist {} is not used ({held}); it is kept. Its days can be recovered with \
             `ghtraf backfill --from gist-history:{}`",
            c.role.name(),
            c.id,
            c.id
        ));
        orphans.push(serde_json::json!({
            "id": c.id, "role": c.role.name(), "days": c.days(), "months": c.months,
        }));
    }
    if !orphans.is_empty() {
        plan.set_context("orphans", orphans);
    }
}

fn plan_rename(
    gh: &super::observed::GitHubSide,
    inputs: &UpgradeInputs,
    chosen: &Candidate,
) -> Option<Action<UpgradeStep>> {
    let g = gist(gh, &chosen.id)?;
    let to = current_description(&inputs.owner, &inputs.repo, chosen.role);
    if g.description == to {
        return None;
    }
    Some(Action::new(
        Category::Gist,
        Operation::Update,
        format!("{}.description", chosen.role.name()),
        format!(
            "rename gist {} from \"{}\" to \"{to}\" (description only: the id in every badge URL stays)",
            g.id, g.description
        ),
        UpgradeStep::Rename(RenameStep {
            gist_id: g.id.clone(),
            from: g.description.clone(),
            to,
            expect_revision: g.revision.clone(),
        }),
    ))
}

fn plan_variable(
    gh: &super::observed::GitHubSide,
    name: &str,
    value: Deferred,
    producer: Option<ActionId>,
) -> Action<UpgradeStep> {
    let current = gh.variables.get(name).cloned();
    let step = UpgradeStep::Variable(VariableStep {
        name: name.to_string(),
        value: value.clone(),
        current: current.clone(),
    });
    if value.known().is_some() && value.known() == current.as_deref() {
        return Action::new(
            Category::Variable,
            Operation::Skip,
            name,
            format!("already {value}"),
            step,
        );
    }
    let description = match &current {
        None => format!("set to {value}"),
        Some(cur) => format!("change from {cur} to {value}"),
    };
    Action::new(Category::Variable, Operation::Set, name, description, step).depends_on(producer)
}

fn plan_secret(
    plan: &mut Plan<UpgradeStep>,
    gh: &super::observed::GitHubSide,
    inputs: &UpgradeInputs,
    generation: &Generation,
) -> Action<UpgradeStep> {
    let name = inputs.gist_token_name.clone();
    let updated_at = gh.secret.as_ref().map(|s| s.updated_at.clone());
    let from_original = matches!(
        generation,
        Generation::Original | Generation::OriginalLegacy | Generation::Mixed
    );
    if from_original && !inputs.update_secret && updated_at.is_some() {
        plan.warn(format!(
            "the secret {name} probably dates from the original tool, which told users to create \
             a token with only the `gist` scope; ghtraf collect also reads traffic, which needs a \
             classic token with `repo`/`public_repo` or a fine-grained one with Administration: \
             read, Gists: write and Actions: read. Replace it with --update-secret if needed"
        ));
    }
    match (&inputs.token, inputs.update_secret || updated_at.is_none()) {
        (Some(token), true) => Action::new(
            Category::Secret,
            Operation::Set,
            &name,
            format!(
                "{} the workflow token (encrypted with the repository key)",
                if updated_at.is_some() {
                    "replace"
                } else {
                    "store"
                }
            ),
            UpgradeStep::Secret(SecretStep {
                name: name.clone(),
                token: Some(token.clone()),
                updated_at,
            }),
        ),
        _ => {
            let why = match &updated_at {
                Some(at) => format!(
                    "exists (updated {at}); its value cannot be read back, so it cannot be checked"
                ),
                None => {
                    plan.warn(format!(
                        "the secret {name} does not exist: the workflow cannot collect until it \
                         holds a token (GHTRAF_GIST_TOKEN or --gist-token-stdin)"
                    ));
                    "missing, and no token was given".to_string()
                }
            };
            Action::new(
                Category::Secret,
                Operation::Skip,
                &name,
                why,
                UpgradeStep::Secret(SecretStep {
                    name: name.clone(),
                    token: None,
                    updated_at,
                }),
            )
        }
    }
}

/// `--prune-orphans`: deletes only duplicates that are provably empty, by the same
/// predicates as the original's own cleanup; anything else is kept and said so.
fn plan_prune(
    actions: &mut Vec<Action<UpgradeStep>>,
    plan: &mut Plan<UpgradeStep>,
    gh: &super::observed::GitHubSide,
    all: &[Candidate],
    badge: &Candidate,
    archive: Option<&Candidate>,
    full: &str,
) {
    for c in all {
        if c.id == badge.id || archive.is_some_and(|a| a.id == c.id) {
            continue;
        }
        let Some(g) = gist(gh, &c.id) else { continue };
        match provably_empty(g, c.role, full) {
            Ok(why) => actions.push(Action::new(
                Category::Gist,
                Operation::Delete,
                g.id.clone(),
                format!(
                    "delete the empty duplicate {} gist \"{}\"",
                    c.role.name(),
                    g.description
                ),
                UpgradeStep::DeleteGist(DeleteGistStep {
                    gist_id: g.id.clone(),
                    description: g.description.clone(),
                    expect_revision: g.revision.clone(),
                    why_empty: why,
                }),
            )),
            Err(why) => plan.warn(format!("--prune-orphans keeps gist {}: {why}", g.id)),
        }
    }
}

/// Whether a gist holds nothing: badges only the five standard files and a state whose
/// every counter is 0 and every list empty, with no CI figures; an archive only its index
/// (or the pre-GTT `archive-init.json`) listing no month.
pub fn provably_empty(g: &GistSeen, role: Role, full: &str) -> std::result::Result<String, String> {
    match role {
        Role::Badges => {
            if let Some(extra) = g.files.keys().find(|n| !BADGE_FILES.contains(&n.as_str())) {
                return Err(format!("it holds {extra}, which a badge gist does not"));
            }
            let state = g.files.get(STATE_FILE).ok_or("it has no state.json")?;
            let value: Value = serde_json::from_str(state)
                .map_err(|e| format!("its state.json cannot be read ({e})"))?;
            if value
                .get("ciCheckouts")
                .is_some_and(|c| c.as_object().is_none_or(|m| !m.is_empty()))
            {
                return Err("its state records CI checkouts".to_string());
            }
            match nonzero(&value, "$") {
                Some(path) => Err(format!("its state holds data at {path}")),
                None => Ok("every counter is 0 and every list is empty".to_string()),
            }
        }
        Role::Archive => {
            if let Some(extra) = g
                .files
                .keys()
                .find(|n| n.as_str() != ARCHIVE_INDEX_FILE && n.as_str() != "archive-init.json")
            {
                return Err(format!("it holds {extra}"));
            }
            for (name, text) in &g.files {
                let value: Value = serde_json::from_str(text)
                    .map_err(|e| format!("its {name} cannot be read ({e})"))?;
                if let Some(repo) = value.get("repo").and_then(Value::as_str) {
                    if !repo.eq_ignore_ascii_case(full) {
                        return Err(format!("its {name} belongs to {repo}"));
                    }
                }
                for list in ["archives", "months"] {
                    if value
                        .get(list)
                        .is_some_and(|l| l.as_array().is_none_or(|a| !a.is_empty()))
                    {
                        return Err(format!("its {name} lists archived months"));
                    }
                }
            }
            Ok("only an index listing no month".to_string())
        }
    }
}

/// The first place in a JSON value holding a non-zero number or a non-empty list.
/// `schemaVersion` is a marker, not a counter.
fn nonzero(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Number(n) => (n.as_f64() != Some(0.0)).then(|| path.to_string()),
        Value::Array(a) => (!a.is_empty()).then(|| path.to_string()),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| k.as_str() != "schemaVersion")
            .find_map(|(k, v)| nonzero(v, &format!("{path}.{k}"))),
        _ => None,
    }
}

// ---------------------------------------------------------------- conversion

#[allow(clippy::too_many_arguments)]
fn plan_conversion(
    actions: &mut Vec<Action<UpgradeStep>>,
    plan: &mut Plan<UpgradeStep>,
    inputs: &UpgradeInputs,
    badge: &Candidate,
    badge_gist: Option<&GistSeen>,
    archive_gist: Option<&GistSeen>,
    archive_producer: Option<&ActionId>,
    safety: &[ActionId],
    refusal: Option<String>,
    now: OffsetDateTime,
) {
    let version = match badge.state.as_ref().map(|s| &s.schema) {
        Some(StateSchema::Original { version }) => *version,
        Some(StateSchema::Mixed) => {
            plan.warn(
                "the original's workflow has written into the converted state: days past its \
                 31-day window may be gone; `ghtraf backfill --from gist-history` recovers them",
            );
            return;
        }
        Some(StateSchema::Unreadable { reason }) => {
            plan.warn(format!(
                "state.json of gist {} cannot be read ({reason}); ghtraf will not overwrite it — \
                 restore it from the gist's revision history",
                badge.id
            ));
            return;
        }
        Some(StateSchema::Newer { version }) => {
            plan.warn(format!(
                "state.json of gist {} has schema v{version}, written by a newer ghtraf; \
                 upgrade ghtraf itself first",
                badge.id
            ));
            return;
        }
        Some(StateSchema::Ghtraf) | None => return,
    };
    let Some(g) = badge_gist else { return };
    let full = format!("{}/{}", inputs.owner, inputs.repo);
    let Some(text) = g.files.get(STATE_FILE) else {
        return;
    };
    let parsed = match ghtraf_traffic::parse_state(text) {
        Ok(p) => p,
        Err(e) => {
            plan.warn(format!(
                "gist {}: {e} — the state cannot be converted; ghtraf will not overwrite it",
                g.id
            ));
            return;
        }
    };
    let mut state = parsed.state;
    if state.repo.is_empty() {
        state.repo = full.clone();
    }
    let mut preview = vec![format!(
        "schema v{version} → v{}: {} day(s) in state.json",
        ghtraf_traffic::SCHEMA_VERSION,
        state.daily_history.len()
    )];
    preview.extend(parsed.warnings);
    let stamp = ghtraf_traffic::format_timestamp(now);
    let month_files: Vec<(&str, &str)> = archive_gist
        .map(|a| {
            a.files
                .iter()
                .filter(|(n, _)| ghtraf_traffic::archive_period_of_file(n).is_some())
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut archive_files = BTreeMap::new();
    if !month_files.is_empty() {
        match ghtraf_traffic::import_archives(&month_files) {
            Ok(months) => {
                let (kept, warnings) =
                    ghtraf_traffic::adopt_original_archives(&mut state, months, &stamp);
                preview.extend(warnings);
                let existing_index = archive_gist
                    .and_then(|a| a.files.get(ARCHIVE_INDEX_FILE))
                    .and_then(|t| ghtraf_traffic::parse_archive_index(t).ok());
                let mut index = existing_index
                    .unwrap_or_else(|| ghtraf_traffic::ArchiveIndex::empty(&full, &stamp));
                index.updated_at = stamp.clone();
                if index.repo.is_empty() {
                    index.repo = full.clone();
                }
                for m in &kept {
                    index.upsert(m);
                    preview.push(format!(
                        "archive {}: {} day(s), {} clones, {} views",
                        m.period,
                        m.daily_history.len(),
                        m.totals.clones,
                        m.totals.views
                    ));
                    archive_files.insert(m.file_name(), m.to_json());
                }
                archive_files.insert(ARCHIVE_INDEX_FILE.to_string(), index.to_json());
            }
            Err(e) => {
                plan.warn(format!(
                    "the archive gist cannot be read ({e}); the state will not be converted"
                ));
                return;
            }
        }
    }
    for field in ghtraf_traffic::TOTAL_FIELDS {
        let b = state.baseline.get(field);
        if b > 0 {
            preview.push(format!(
                "baseline {field}: {b} (the original's total before its first held day)"
            ));
        }
    }
    let state_text = state.to_json();
    let convert_now = inputs.convert_state == ConvertState::Now;
    let refusal = match (convert_now, refusal) {
        (false, _) => Some(
            "converted by the first `ghtraf collect` (the same import); --convert-state now to do it here"
                .to_string(),
        ),
        (true, r) => r,
    };
    let archive_id = archive_gist.map(|a| a.id.clone());
    if let Some(why) = refusal {
        if convert_now {
            plan.warn(format!("the state is not converted: {why}"));
        }
        actions.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "badges.state",
            why,
            UpgradeStep::WriteGist(WriteGistStep {
                role: Role::Badges,
                gist_id: g.id.clone(),
                expect_revision: g.revision.clone(),
                files: BTreeMap::new(),
                preview,
            }),
        ));
        return;
    }
    let mut deps: Vec<ActionId> = safety.to_vec();
    if let (Some(a), false) = (archive_gist, archive_files.is_empty()) {
        let action = Action::new(
            Category::Gist,
            Operation::Update,
            "archive.months",
            format!(
                "write {} converted archive month(s) and the index into gist {} (before the state)",
                archive_files.len() - 1,
                a.id
            ),
            UpgradeStep::WriteGist(WriteGistStep {
                role: Role::Archive,
                gist_id: a.id.clone(),
                expect_revision: a.revision.clone(),
                files: archive_files,
                preview: Vec::new(),
            }),
        )
        .depends_on(safety.iter().cloned());
        deps.push(action.id.clone());
        actions.push(action);
    }
    if archive_id.is_none() {
        deps.extend(archive_producer.cloned());
    }
    actions.push(
        Action::new(
            Category::Gist,
            Operation::Update,
            "badges.state",
            format!(
                "convert state.json of gist {} to schema v{}",
                g.id,
                ghtraf_traffic::SCHEMA_VERSION
            ),
            UpgradeStep::WriteGist(WriteGistStep {
                role: Role::Badges,
                gist_id: g.id.clone(),
                expect_revision: g.revision.clone(),
                files: BTreeMap::from([(STATE_FILE.to_string(), state_text)]),
                preview,
            }),
        )
        .depends_on(deps),
    );
}

// ---------------------------------------------------------------- files

/// `.ghtraf.json` as found (root, else the stray copy in the working directory).
struct ConfigSeen {
    object: Option<Map<String, Value>>,
    /// The root file's bytes are unreadable JSON: it must not be rewritten.
    unreadable: bool,
}

impl ConfigSeen {
    fn read(observed: &Observed, plan: &mut Plan<UpgradeStep>) -> ConfigSeen {
        let parse = |bytes: &[u8]| match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err("is not a JSON object".to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Some(Some(bytes)) = observed.files.get(CONFIG_FILE) {
            return match parse(bytes) {
                Ok(m) => ConfigSeen {
                    object: Some(m),
                    unreadable: false,
                },
                Err(e) => {
                    plan.warn(format!(
                        "{CONFIG_FILE} cannot be read ({e}); it is left alone — fix it and run again"
                    ));
                    ConfigSeen {
                        object: None,
                        unreadable: true,
                    }
                }
            };
        }
        if let Some((path, bytes)) = &observed.stray_config {
            if let Ok(m) = parse(bytes) {
                plan.warn(format!(
                    "{path} is the original's config outside the repository root; its settings \
                     move to {CONFIG_FILE} at the root, and the old copy is left for you to delete"
                ));
                return ConfigSeen {
                    object: Some(m),
                    unreadable: false,
                };
            }
        }
        ConfigSeen {
            object: None,
            unreadable: false,
        }
    }

    fn get(&self, camel: &str, snake: &str) -> Option<&Value> {
        let o = self.object.as_ref()?;
        o.get(camel).or_else(|| o.get(snake))
    }

    fn id(&self, camel: &str, snake: &str) -> Option<String> {
        self.get(camel, snake)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// The values generated files are filled with, from flags, config, the original's
/// files and GitHub.
struct Values {
    owner: String,
    repo: String,
    display_name: String,
    created: String,
    ci_workflows: Vec<String>,
    gist_token_name: String,
    install_command: Option<String>,
    releases_url: String,
    version: String,
    gist_owner: String,
}

impl Values {
    fn settle(inputs: &UpgradeInputs, observed: &Observed, config: &ConfigSeen) -> Values {
        let from_title = observed
            .text(DASHBOARD_INDEX)
            .and_then(|t| match classify_dashboard(t) {
                DashboardKind::Original { display_name } => display_name,
                _ => None,
            });
        let display_name = inputs
            .display_name
            .clone()
            .or_else(|| config.id("displayName", "display_name"))
            .or(from_title)
            .unwrap_or_else(|| inputs.repo.clone());
        let created = config
            .id("created", "created")
            .or_else(|| {
                observed
                    .github
                    .repo_created_at
                    .get(..10)
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let from_config: Vec<String> = config
            .get("ciWorkflows", "ci_workflows")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let from_workflow = [
            observed.text(WORKFLOW_PATH),
            observed
                .github
                .default_branch_workflow
                .as_ref()
                .map(|f| f.text.as_str()),
        ]
        .into_iter()
        .flatten()
        .find_map(|t| match classify_workflow(t) {
            WorkflowKind::Original { ci_workflows, .. } if !ci_workflows.is_empty() => {
                Some(ci_workflows)
            }
            _ => None,
        });
        Values {
            owner: inputs.owner.clone(),
            repo: inputs.repo.clone(),
            display_name,
            created,
            ci_workflows: if from_config.is_empty() {
                from_workflow.unwrap_or_default()
            } else {
                from_config
            },
            gist_token_name: inputs.gist_token_name.clone(),
            // A stored default of older versions pins the old version: not the user's choice.
            install_command: inputs.install_command.clone().or_else(|| {
                config
                    .id("installCommand", "install_command")
                    .filter(|c| !crate::install::is_legacy_default(c))
            }),
            releases_url: inputs
                .releases_url
                .clone()
                .or_else(|| {
                    config.id("releasesUrl", "releases_url").and_then(|url| {
                        let source = crate::values::Source::File {
                            path: std::path::Path::new(CONFIG_FILE),
                            key: "releasesUrl",
                        };
                        crate::install::check_releases_url(&url, source).ok()
                    })
                })
                .unwrap_or_else(|| crate::install::DEFAULT_RELEASES.to_string()),
            version: inputs.version.clone(),
            gist_owner: config
                .id("gistOwner", "gist_owner")
                .unwrap_or_else(|| observed.github.login.clone()),
        }
    }

    fn render_templates(&self) -> Result<Vec<(String, String)>> {
        let trigger = if self.ci_workflows.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = self
                .ci_workflows
                .iter()
                .map(|w| serde_json::to_string(w).unwrap_or_default())
                .collect();
            format!(
                "  workflow_run:\n    workflows: [{}]\n    types: [completed]\n",
                names.join(", ")
            )
        };
        let values: BTreeMap<&str, String> = BTreeMap::from([
            ("OWNER", self.owner.clone()),
            ("REPO", self.repo.clone()),
            ("DISPLAY_NAME", self.display_name.clone()),
            ("CREATED", self.created.clone()),
            ("VERSION", self.version.clone()),
            (
                "INSTALL",
                crate::install::step_script(self.install_command.as_deref()),
            ),
            ("RELEASES", self.releases_url.clone()),
            ("GIST_TOKEN_NAME", self.gist_token_name.clone()),
            ("WORKFLOW_RUN_TRIGGER", trigger),
        ]);
        TEMPLATES
            .iter()
            .map(|t| Ok((t.path.to_string(), fill(t.path, t.text, &values)?)))
            .collect()
    }
}

/// Whether an existing file that differs from ours is a recognised older generation
/// (Ok: what it is) or something a user may have edited (Err: why it is a conflict).
fn recognise(
    path: &str,
    observed: &Observed,
    older_ghtraf: bool,
    original_dashboard: bool,
    version: &str,
) -> std::result::Result<String, String> {
    let Some(text) = observed.text(path) else {
        return Err("not UTF-8 text".to_string());
    };
    if path == WORKFLOW_PATH {
        return match classify_workflow(text) {
            WorkflowKind::Original {
                version,
                edited: false,
                ..
            } => Ok(format!(
                "the original's workflow ({})",
                version.unwrap_or_else(|| "≤ 0.3.6".to_string())
            )),
            WorkflowKind::Original { edited: true, .. } => {
                Err("the original's workflow with steps of your own".to_string())
            }
            WorkflowKind::Ghtraf { version: v } if is_older_version(&v, version) => {
                Ok(format!("ghtraf {v}'s workflow"))
            }
            WorkflowKind::Ghtraf { .. } => Err("edited since ghtraf generated it".to_string()),
            WorkflowKind::Unknown => Err("not generated by either tool".to_string()),
        };
    }
    if path == DASHBOARD_INDEX {
        return match classify_dashboard(text) {
            DashboardKind::Original { .. } => Ok("the original's dashboard".to_string()),
            DashboardKind::Ghtraf if older_ghtraf => Ok("an older ghtraf's dashboard".to_string()),
            _ => Err("edited, or not generated by either tool".to_string()),
        };
    }
    if original_dashboard && matches!(path, "docs/stats/README.md" | "docs/stats/favicon.svg") {
        return Ok("the original's dashboard file".to_string());
    }
    if older_ghtraf {
        return Ok("an older ghtraf's dashboard file".to_string());
    }
    Err("edited, or not generated by either tool".to_string())
}

fn plan_file(
    path: &str,
    content: Text,
    observed: &Observed,
    recognised: std::result::Result<String, String>,
    edited: EditedFiles,
) -> Action<UpgradeStep> {
    let current = observed.files.get(path).cloned().flatten();
    let Some(bytes) = current else {
        return Action::new(
            Category::File,
            Operation::Create,
            path,
            "add",
            UpgradeStep::File(FileStep {
                path: path.to_string(),
                content,
                expect: Expect::Absent,
                replaces: None,
                diff: None,
            }),
        );
    };
    let preview = content.preview();
    if bytes == preview.as_bytes() && content.is_known() {
        return keep(Category::File, path, "up to date");
    }
    let old = String::from_utf8_lossy(&bytes);
    let step = |replaces: Option<String>| {
        UpgradeStep::File(FileStep {
            path: path.to_string(),
            content: content.clone(),
            expect: Expect::Sha256(sha256_hex(&bytes)),
            replaces,
            diff: Some(unified_diff(path, &old, &preview)),
        })
    };
    match (recognised, edited) {
        (Ok(what), _) => Action::new(
            Category::File,
            Operation::Overwrite,
            path,
            format!("replace {what}"),
            step(Some(what)),
        ),
        (Err(why), EditedFiles::Force) => Action::new(
            Category::File,
            Operation::Overwrite,
            path,
            format!("replace ({why}; --force)"),
            step(None),
        ),
        (Err(why), EditedFiles::Ask) => Action::new(
            Category::File,
            Operation::Overwrite,
            path,
            format!("{why}: will ask before replacing"),
            step(None),
        )
        .requires_input(true),
        (Err(why), EditedFiles::Keep) => keep(
            Category::File,
            path,
            &format!("kept: {why} (--force replaces it)"),
        ),
    }
}

struct Ids {
    badge: Deferred,
    archive: Deferred,
}

/// Writes a JSON object whose gist-id values may be deferred.
fn json_text(object: Map<String, Value>, deferred: &[(&str, &Deferred)]) -> Text {
    let mut object = object;
    let mut fills = Vec::new();
    for (key, value) in deferred {
        match value.producer() {
            Some(p) => {
                let marker = format!("@@ghtraf:{p}@@");
                object.insert((*key).to_string(), marker.clone().into());
                if !fills.iter().any(|f: &Fill| f.marker == marker) {
                    fills.push(Fill {
                        marker,
                        value: (*value).clone(),
                    });
                }
            }
            None => {
                object.insert((*key).to_string(), value.to_string().into());
            }
        }
    }
    Text {
        text: to_text(&object),
        fills,
    }
}

/// Keys ghtraf owns but leaves out when they have no value (as `create` does): a stale
/// copy in the user's file is dropped rather than kept.
const OWNED_OPTIONAL: [&str; 5] = [
    "badgeGistId",
    "archiveGistId",
    "ciWorkflows",
    "installCommand",
    "releasesUrl",
];

/// Our keys first in a fixed order, then the rest in theirs.
fn ours_then_theirs(ours: Vec<(&str, Value)>, theirs: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in ours {
        out.insert(k.to_string(), v);
    }
    for (k, v) in theirs {
        if !out.contains_key(k) && !OWNED_OPTIONAL.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

fn plan_dashboard_config(
    plan: &mut Plan<UpgradeStep>,
    observed: &Observed,
    values: &Values,
    ids: &Ids,
    inputs: &UpgradeInputs,
) -> Option<Action<UpgradeStep>> {
    if let Some(why) = observed.refused.get(DASHBOARD_CONFIG_PATH) {
        return Some(keep(
            Category::File,
            DASHBOARD_CONFIG_PATH,
            &format!("left alone: {why}"),
        ));
    }
    let existing = match observed.files.get(DASHBOARD_CONFIG_PATH).cloned().flatten() {
        None => Map::new(),
        Some(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => m,
            _ => {
                plan.warn(format!(
                    "{DASHBOARD_CONFIG_PATH} cannot be read; left alone — fix or delete it and run again"
                ));
                return None;
            }
        },
    };
    // As `create`: kept if set; else what GitHub showed (a gist's raw_url); never a guess.
    let default_api = inputs.api_base == ghtraf_github::DEFAULT_API_URL;
    let raw_base = match (existing.get("gistRawBase"), &observed.github.raw_base) {
        (Some(kept), _) => kept.clone(),
        (None, Some(seen)) => seen.clone().into(),
        (None, None) if default_api => "https://gist.githubusercontent.com".into(),
        (None, None) => {
            plan.warn(format!(
                "{DASHBOARD_CONFIG_PATH}: gistRawBase is unknown (no gist showed where {} \
                 serves gist files); set it by hand",
                inputs.api_base
            ));
            Value::Null
        }
    };
    let api = existing
        .get("apiBase")
        .cloned()
        .unwrap_or_else(|| inputs.api_base.clone().into());
    let object = ours_then_theirs(
        vec![
            ("owner", values.owner.clone().into()),
            ("repo", values.repo.clone().into()),
            ("displayName", values.display_name.clone().into()),
            ("created", values.created.clone().into()),
            ("badgeGistId", Value::Null),
            ("archiveGistId", Value::Null),
            ("gistOwner", values.gist_owner.clone().into()),
            ("gistRawBase", raw_base),
            ("apiBase", api),
        ],
        &existing,
    );
    let text = json_text(
        object,
        &[("badgeGistId", &ids.badge), ("archiveGistId", &ids.archive)],
    );
    Some(plan_managed(
        Category::File,
        DASHBOARD_CONFIG_PATH,
        text,
        observed,
        Vec::new(),
    ))
}

fn plan_project_config(
    plan: &mut Plan<UpgradeStep>,
    observed: &Observed,
    config: &ConfigSeen,
    values: &Values,
    ids: &Ids,
) -> Option<Action<UpgradeStep>> {
    if config.unreadable {
        return None;
    }
    if let Some(why) = observed.refused.get(CONFIG_FILE) {
        return Some(keep(
            Category::Config,
            CONFIG_FILE,
            &format!("left alone: {why}"),
        ));
    }
    let base = config.object.clone().unwrap_or_default();
    let migration = migrate(&base);
    let mut notes = Vec::new();
    for (snake, camel) in &migration.converted {
        notes.push(format!("{snake} → {camel}"));
    }
    for k in &migration.dropped {
        notes.push(format!(
            "{k} dropped (it described the original's file format)"
        ));
    }
    for c in &migration.conflicts {
        plan.warn(format!("{CONFIG_FILE}: {c}"));
    }
    for n in &migration.notes {
        plan.warn(format!("{CONFIG_FILE}: {n}"));
    }
    let mut ours: Vec<(&str, Value)> = vec![
        ("owner", values.owner.clone().into()),
        ("repo", values.repo.clone().into()),
        ("displayName", values.display_name.clone().into()),
        ("created", values.created.clone().into()),
        ("badgeGistId", Value::Null),
        ("archiveGistId", Value::Null),
        ("gistOwner", values.gist_owner.clone().into()),
        ("gistTokenName", values.gist_token_name.clone().into()),
    ];
    if !values.ci_workflows.is_empty() {
        ours.push(("ciWorkflows", values.ci_workflows.clone().into()));
    }
    if let Some(command) = &values.install_command {
        ours.push(("installCommand", command.clone().into()));
    }
    if values.releases_url != crate::install::DEFAULT_RELEASES {
        ours.push(("releasesUrl", values.releases_url.clone().into()));
    }
    let object = ours_then_theirs(ours, &migration.object);
    let text = json_text(
        object,
        &[("badgeGistId", &ids.badge), ("archiveGistId", &ids.archive)],
    );
    if is_snake_case(&base) {
        plan.set_context("config_migration", notes.clone());
    }
    Some(plan_managed(
        Category::Config,
        CONFIG_FILE,
        text,
        observed,
        notes,
    ))
}

/// A managed JSON file: ours to merge, so created or updated, never a conflict.
fn plan_managed(
    category: Category,
    path: &str,
    content: Text,
    observed: &Observed,
    notes: Vec<String>,
) -> Action<UpgradeStep> {
    let current = observed.files.get(path).cloned().flatten();
    let preview = content.preview();
    let (operation, expect, diff, description) = match &current {
        None => (Operation::Create, Expect::Absent, None, "add".to_string()),
        Some(b) if b == preview.as_bytes() && content.is_known() => {
            return keep(category, path, "up to date");
        }
        Some(b) => (
            Operation::Update,
            Expect::Sha256(sha256_hex(b)),
            Some(unified_diff(path, &String::from_utf8_lossy(b), &preview)),
            if notes.is_empty() {
                "update".to_string()
            } else {
                format!("migrate to ghtraf's keys ({})", notes.join(", "))
            },
        ),
    };
    let producers: Vec<ActionId> = content
        .fills
        .iter()
        .filter_map(|f| f.value.producer().cloned())
        .collect();
    Action::new(
        category,
        operation,
        path,
        description,
        UpgradeStep::File(FileStep {
            path: path.to_string(),
            content,
            expect,
            replaces: None,
            diff,
        }),
    )
    .depends_on(producers)
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
