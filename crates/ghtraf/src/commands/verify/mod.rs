//! `ghtraf verify`: does the deployment still match what `create` would make
//! it, and is the stored history intact? Exit 3 on any drift.
//!
//! Rather than a second set of rules that could disagree with `create`, it
//! asks `create`'s own observer and planner: every change that planner would
//! make is drift, and so is a file kept because it differs from its template,
//! unless `.ghtraf.json` records that edit as kept (`init --skip-existing`,
//! or a run that could not ask): then it is "kept (your edit)" while the file
//! and the template are what they were when kept, and drift saying which
//! changed otherwise.
//! On top of that it checks what only the data can tell: the state parses and
//! its totals equal baseline + archives + days, the last collection is recent,
//! and the workflow is on the default branch as deployed.
//!
//! Exit 3 when drift was found; otherwise exit 1 when something could not be
//! read (a read failure is not a deviation: nothing is known to differ, but
//! nothing is verified either); 0 only when everything was read and matches.

use std::collections::BTreeMap;

use ghtraf_plan::{render_verification, Finding, FindingStatus, Operation, Plan};

use super::create::{self, CreateArgs, DeployArgs, Inputs, SetupStep, TokenSource};
use super::hub;
use crate::api;
use crate::checkout::{self, Checkout};
use crate::context::Context;
use crate::deployment::GistRole;
use crate::error::{ExitStatus, Result};
use crate::fsio;
use crate::managed_file::{ConflictPolicy, Expect, FileStep, KeptState, SkipReason};
use crate::project::{self, KeptEdit};
use crate::repo_args::RepoArgs;
use crate::repo_name;
use crate::templates::WORKFLOW_PATH;
use crate::textstyle::same_text;

mod history;

use self::history::state_findings;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct VerifyArgs {
    /// Repository OWNER/REPO or its URL (default: $GITHUB_REPOSITORY, .ghtraf.json, origin).
    #[arg(short = 'R', long, value_name = "[OWNER/]REPO")]
    pub repo: Option<String>,

    /// The repository checkout to check (default: nearest .ghtraf.json or .git upwards).
    #[arg(long, value_name = "DIR")]
    pub repo_dir: Option<std::path::PathBuf>,
}

/// What `create` would do, read as findings; a template that differs is
/// judged against the kept edits `.ghtraf.json` records (`kept`), and each
/// such judgement is listed in `kept_states`.
pub fn plan_findings(
    plan: &Plan<SetupStep>,
    kept: &BTreeMap<String, KeptEdit>,
    kept_states: &mut Vec<KeptReport>,
) -> Vec<Finding> {
    plan.actions
        .iter()
        .map(|a| {
            let drift = match (a.operation, &a.details) {
                (Operation::Skip, SetupStep::Secret(s)) if s.existing_updated_at.is_none() => {
                    Some(format!("secret {} is missing", s.name))
                }
                (
                    Operation::Skip,
                    SetupStep::File(
                        f @ FileStep {
                            skip_reason: Some(SkipReason::DiffersFromTemplate),
                            ..
                        },
                    ),
                ) => {
                    let state = KeptState::of(f, kept.get(&f.path));
                    if state != KeptState::Unrecorded {
                        kept_states.push(KeptReport {
                            path: f.path.clone(),
                            state: state_name(state),
                        });
                    }
                    match state {
                        KeptState::Kept => {
                            return Finding::ok(&a.id, "kept (your edit, recorded in .ghtraf.json)")
                        }
                        KeptState::EditedSince => Some(format!(
                            "{}: edited again since you kept your edit; \
                             `ghtraf init --skip-existing` keeps it as it is now, --force takes the template",
                            f.path
                        )),
                        KeptState::TemplateChanged => Some(format!(
                            "{}: the template changed since you kept your edit; \
                             `ghtraf init --diff` shows it, --skip-existing keeps yours, --force takes the template",
                            f.path
                        )),
                        KeptState::Unrecorded => Some(
                            "differs from the template: `ghtraf init --skip-existing` keeps it \
                             as your edit, --force takes the template"
                                .to_string(),
                        ),
                    }
                }
                (
                    Operation::Skip,
                    SetupStep::File(FileStep {
                        skip_reason: Some(SkipReason::Refused),
                        ..
                    }),
                ) => Some(format!("not deployed: {}", a.description)),
                (
                    Operation::Delete,
                    SetupStep::File(FileStep {
                        expect: Expect::Leftover,
                        ..
                    }),
                ) => Some("a leftover of a killed write: `ghtraf init` removes it".to_string()),
                (Operation::Skip, _) => None,
                (_, _) => Some(format!("not as deployed: create would {}", a.description)),
            };
            match drift {
                Some(m) => Finding::deviation(&a.id, m),
                None => Finding::ok(&a.id, found(a)),
            }
        })
        .collect()
}

/// What a check found, where `create`'s plan line says what `create` would do
/// ("adopting existing gist …", "--update-secret to replace"): verify adopts nothing.
fn found(a: &ghtraf_plan::Action<SetupStep>) -> String {
    match &a.details {
        SetupStep::Gist(g) => match &g.id {
            Some(id) => format!("gist {id} exists"),
            None => a.description.clone(),
        },
        SetupStep::Secret(s) => match &s.existing_updated_at {
            Some(at) => format!("present (updated {at})"),
            None => a.description.clone(),
        },
        _ => a.description.clone(),
    }
}

/// A template kept as the user edited it, as `verify --format json` reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeptReport {
    pub path: String,
    /// `kept`, `edited_since` (the file changed again) or `template_changed`.
    pub state: &'static str,
}

fn state_name(state: KeptState) -> &'static str {
    match state {
        KeptState::Kept => "kept",
        KeptState::EditedSince => "edited_since",
        KeptState::TemplateChanged => "template_changed",
        KeptState::Unrecorded => "unrecorded",
    }
}

/// Whether the default branch carries the workflow as it is in the checkout.
fn workflow_finding(
    remote: &std::result::Result<Option<Vec<u8>>, String>,
    inputs: &Inputs,
    unreadable: &mut Vec<String>,
) -> Option<Finding> {
    let id = "workflow:pushed";
    // Never through a symlink; line endings are the checkout's business
    // (git normalises them on commit).
    let local = match Checkout::new(&inputs.root).read(WORKFLOW_PATH, fsio::LOCAL_FILE_CAP) {
        Ok(bytes) => bytes,
        Err(checkout::Error::Refused(r)) => {
            return Some(Finding::deviation(
                id,
                format!("cannot compare: {}", r.reason),
            ))
        }
        Err(e) => return Some(Finding::deviation(id, format!("cannot read {e}"))),
    };
    // Read once, by create's observation (also for its closing hints).
    match remote {
        Ok(Some(c)) if local.as_deref().is_some_and(|l| same_text(l, c)) => Some(Finding::ok(
            id,
            "on the default branch, same as the checkout",
        )),
        Ok(Some(_)) => Some(Finding::deviation(
            id,
            "the default branch has a different version: push",
        )),
        Ok(None) => Some(Finding::deviation(
            id,
            "not on the default branch yet: commit and push it",
        )),
        Err(e) => {
            unreadable.push(format!("{WORKFLOW_PATH} on the default branch: {e}"));
            None
        }
    }
}

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<ExitStatus> {
    let create_args = CreateArgs {
        deploy: DeployArgs {
            common: RepoArgs {
                repo: args.repo.clone(),
                repo_dir: args.repo_dir.clone(),
                ..RepoArgs::default()
            },
            ..DeployArgs::default()
        },
        ..CreateArgs::default()
    };
    let root = project::discover_root(args.repo_dir.as_deref(), &ctx.cwd);
    let project = project::observe(&root, ctx.config.as_deref())?;
    // A hub checkout is judged as a hub; one that is also a deployment, as both.
    // The repository named (-R, else $GITHUB_REPOSITORY, in any form) decides whether
    // it is the hub that is asked about.
    let named = args
        .repo
        .clone()
        .or_else(|| {
            ctx.env("GITHUB_REPOSITORY")
                .filter(|s| !s.trim().is_empty())
        })
        .map(|n| repo_name::parse(&n, &repo_name::hosts(&|k| ctx.env(k))))
        .transpose()?
        .map(|r| format!("{}/{}", r.owner, r.name));
    let hub = hub::check::hub_here(&root, named.as_deref())?;
    if let (Some(config), false) = (&hub, hub::check::also_deployed(&root, &project)) {
        let seen = hub::check::observe(ctx, &root, config.clone())?;
        let mut unreadable = Vec::new();
        let findings = hub::check::findings(&seen, ctx.now, &mut unreadable)?;
        let hint = hub::check::repairable(&findings).then_some(HUB_REPAIR);
        return Ok(report(ctx, &config.hub, &findings, &[], &unreadable, hint));
    }
    let (mut inputs, source) = create::resolve_inputs_unjudged(ctx, &create_args, &project)?;
    // Another repository's checkout is not judged as this one's deployment; that is
    // known before reading GitHub when something of a deployment is here.
    let deployed_here = hub::check::also_deployed(&root, &project);
    let other_checkout = create::refuse_other_checkout(ctx, &project, &inputs.repo, &source).err();
    if let Some(refusal) = other_checkout.clone().filter(|_| deployed_here) {
        return Err(refusal);
    }
    // Verifying never asks and never needs the workflow token.
    inputs.policy = ConflictPolicy::Keep;
    inputs.record_kept = false;
    inputs.token = TokenSource::Missing;
    let gh = api::client(ctx)?;
    let observed = create::observe(ctx, &inputs, &project, Some(&gh))?;
    if let Some(side) = &observed.github {
        create::adopt_spelling(ctx, &mut inputs, &side.full_name);
    }
    let plan = create::plan_create(&inputs, &observed, ctx.now)?;
    let collected_by = observed
        .github
        .as_ref()
        .and_then(|g| g.collected_by.clone());
    if let (Some((gist, hub)), false) = (&collected_by, deployed_here) {
        // Given nothing by the hub: its history is what there is to verify here,
        // in any checkout (none of its files is judged).
        return collected_by_hub(ctx, &gh, &plan, &inputs, gist, hub);
    }
    if let Some(refusal) = other_checkout {
        return Err(refusal);
    }
    if never_set_up(&plan, &project) {
        return not_set_up(ctx, &inputs);
    }

    let recorded = project
        .config
        .as_ref()
        .map(|c| c.kept_edits.clone())
        .unwrap_or_default();
    let mut kept = Vec::new();
    let mut findings = plan_findings(&plan, &recorded, &mut kept);
    if let Some(side) = &observed.github {
        for (role, ids) in create::duplicate_gists(side, &inputs.repo) {
            findings.push(Finding::deviation(
                format!("gists:duplicates:{}", role.name()),
                format!(
                    "{} gists are named \"{}\": {}. {}",
                    ids.len(),
                    crate::deployment::gist_description(&inputs.repo, role),
                    ids.join(", "),
                    create::DUPLICATES_FIX
                ),
            ));
        }
    }
    let repairable = findings
        .iter()
        .any(|f| f.status == FindingStatus::Deviation);
    let gist_id = |role: GistRole| {
        plan.actions.iter().find_map(|a| match &a.details {
            SetupStep::Gist(g) if g.role == role => g.id.clone(),
            _ => None,
        })
    };
    let (badge, archive) = (gist_id(GistRole::Badges), gist_id(GistRole::Archive));
    let mut unreadable = Vec::new();
    findings.extend(state_findings(
        &gh,
        badge.as_deref(),
        archive.as_deref(),
        ctx.now,
        &mut unreadable,
    ));
    let remote = observed.github.as_ref().map_or_else(
        || Err("not read".to_string()),
        |g| g.default_branch_workflow.clone(),
    );
    findings.extend(workflow_finding(&remote, &inputs, &mut unreadable));
    let mut hint =
        repairable.then_some("`ghtraf create --dry-run` shows what would repair the deployment");
    if let Some((gist, by)) = &collected_by {
        // A hub collects it and this checkout deploys a workflow too: "push it" would make
        // a second collector, and `create` (the repair hint) refuses here.
        // The workflow's own checks ask for it, where the hub wants it gone.
        let workflow_file = format!(":{WORKFLOW_PATH}");
        findings.retain(|f| f.id != "workflow:pushed" && !f.id.ends_with(&workflow_file));
        if Checkout::new(&root).check(WORKFLOW_PATH).unwrap_or(true) {
            findings.push(two_collectors(&inputs, gist, by));
        }
        hint = None;
    }
    if let Some(config) = hub {
        let seen = hub::check::observe(ctx, &root, config)?;
        let hub_findings = hub::check::findings(&seen, ctx.now, &mut unreadable)?;
        if hint.is_none() && hub::check::repairable(&hub_findings) {
            hint = Some(HUB_REPAIR);
        }
        findings.extend(hub_findings);
    }
    let repository = format!("{}/{}", inputs.repo.owner, inputs.repo.name);
    Ok(report(
        ctx,
        &repository,
        &findings,
        &kept,
        &unreadable,
        hint,
    ))
}

/// What repairs a hub, said when `verify` found drift there.
const HUB_REPAIR: &str = "`ghtraf hub init --dry-run` shows what would repair the hub";

/// Shows the findings, prints the JSON account and says the exit status:
/// drift found is a definite answer (3); otherwise a read that failed leaves
/// the answer open (1, like any failure to reach GitHub); 0 only when
/// everything was read and matches. `hint` (what repairs it) is said when
/// there is drift.
fn report(
    ctx: &Context,
    repository: &str,
    findings: &[Finding],
    kept: &[KeptReport],
    unreadable: &[String],
    hint: Option<&str>,
) -> ExitStatus {
    let width = findings.iter().map(|f| f.id.len()).max().unwrap_or(0);
    show_findings(ctx, findings, width);
    let drift = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
        .count();
    ctx.reporter.json(&VerifyReport {
        format_version: ghtraf_plan::FORMAT_VERSION,
        repository: repository.to_string(),
        verification: findings,
        summary: VerifySummary {
            ok: findings.len() - drift,
            deviations: drift,
            kept: kept.iter().filter(|k| k.state == "kept").count(),
        },
        kept,
        unreadable,
    });
    for what in unreadable {
        ctx.reporter
            .warn(&format!("could not read {what}: not verified"));
    }
    if drift > 0 {
        if let Some(hint) = hint {
            ctx.reporter.hint(hint);
        }
        ExitStatus::Deviation
    } else if !unreadable.is_empty() {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    }
}

/// The findings as the product; when `-QQ`/`-QQQ` hide the product, the
/// deviations still show, as warnings: they are what `verify` exists to say.
fn show_findings(ctx: &Context, findings: &[Finding], width: usize) {
    let r = &ctx.reporter;
    if r.shows_product() || r.json_mode() {
        r.lines(&render_verification(findings, width));
        return;
    }
    for f in findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
    {
        r.warn(&format!("deviation: {}: {}", f.id, f.message));
    }
}

/// `verify` in a repository a hub collects (and nothing here deploys): not a
/// `create` deployment missing its variables, secret and files, but a history
/// the hub writes. Its state is verified here; its setup in the hub's checkout.
fn collected_by_hub(
    ctx: &Context,
    gh: &ghtraf_github::Client,
    plan: &Plan<SetupStep>,
    inputs: &Inputs,
    badge: &str,
    hub: &str,
) -> Result<ExitStatus> {
    let archive = plan.actions.iter().find_map(|a| match &a.details {
        SetupStep::Gist(g) if g.role == GistRole::Archive => g.id.clone(),
        _ => None,
    });
    let mut findings = vec![Finding::ok(
        "hub",
        format!(
            "collected by the hub {hub} (badge gist {badge} says so): `ghtraf verify` in its checkout checks the setup"
        ),
    )];
    let mut unreadable = Vec::new();
    findings.extend(state_findings(
        gh,
        Some(badge),
        archive.as_deref(),
        ctx.now,
        &mut unreadable,
    ));
    let repository = format!("{}/{}", inputs.repo.owner, inputs.repo.name);
    Ok(report(ctx, &repository, &findings, &[], &unreadable, None))
}

/// A checkout that deploys `create`'s workflow for a repository a hub collects.
fn two_collectors(inputs: &Inputs, badge: &str, hub: &str) -> Finding {
    let repository = format!("{}/{}", inputs.repo.owner, inputs.repo.name);
    Finding::deviation(
        "hub",
        format!(
            "the hub {hub} collects {repository} (badge gist {badge} says so), and this checkout deploys {WORKFLOW_PATH} too: pushed, it is a second collector of one gist. Keep one: do not push it (delete it, and from the default branch if it is there), or run `ghtraf hub remove {repository}` in {hub}'s checkout"
        ),
    )
}

/// Nothing of a deployment exists: no gist of either kind, no `.ghtraf.json`.
/// Then every check would be a deviation, and one line says more.
fn never_set_up(plan: &Plan<SetupStep>, project: &project::Project) -> bool {
    let gist_exists = plan.actions.iter().any(|a| match &a.details {
        SetupStep::Gist(g) => g.id.is_some(),
        _ => false,
    });
    !gist_exists && project.config.is_none()
}

/// `verify` on a repository `create` never set up: one finding, exit 3.
fn not_set_up(ctx: &Context, inputs: &Inputs) -> Result<ExitStatus> {
    let repository = format!("{}/{}", inputs.repo.owner, inputs.repo.name);
    let findings = [Finding::deviation(
        "setup",
        format!("{repository} is not set up; run `ghtraf create`"),
    )];
    show_findings(ctx, &findings, 5);
    ctx.reporter.json(&VerifyReport {
        format_version: ghtraf_plan::FORMAT_VERSION,
        repository,
        verification: &findings,
        summary: VerifySummary {
            ok: 0,
            deviations: 1,
            kept: 0,
        },
        kept: &[],
        unreadable: &[],
    });
    ctx.reporter
        .hint("`ghtraf create --dry-run` shows what it would set up");
    Ok(ExitStatus::Deviation)
}

/// The machine-readable account of `ghtraf verify` (`--format json`).
#[derive(serde::Serialize)]
struct VerifyReport<'a> {
    format_version: u32,
    repository: String,
    verification: &'a [Finding],
    summary: VerifySummary,
    /// Templates kept as the user edited them, each with how it stands
    /// against its record in `.ghtraf.json`.
    #[serde(skip_serializing_if = "<[KeptReport]>::is_empty")]
    kept: &'a [KeptReport],
    /// What could not be read (a read failure is not a deviation).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    unreadable: &'a [String],
}

/// Tallies named as in a run's summary.
#[derive(serde::Serialize)]
struct VerifySummary {
    ok: usize,
    deviations: usize,
    /// Of the `ok`, the templates that are your recorded edits.
    kept: usize,
}
