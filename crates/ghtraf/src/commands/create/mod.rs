//! `ghtraf create` (and `init`, which is `create --files-only`).
//!
//! Reads top to bottom as the architecture: [`resolve_inputs`] settles every
//! value and question that can be settled before planning; [`observe`] reads
//! GitHub and the checkout through read-only handles; [`plan_create`] is a
//! pure function from those two values to a plan; [`step`] carries out one
//! action exactly as planned; [`verify`] re-reads the world and compares.
//! The driver decides whether execution happens at all.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ghtraf_github::{fan_out, GistSummary, GitHubRead, GitHubWrite, RepoRef, SecretMeta};
use ghtraf_plan::{
    Action, ActionId, ActionResult, Category, Deferred, Finding, Operation, Outcome, Outputs, Plan,
    ResultStatus, Secret, StepError,
};
use ghtraf_traffic::ARCHIVE_INDEX_FILE;
use time::OffsetDateTime;

pub use self::args::{CreateArgs, DeployArgs};
pub use self::payload::{GistStep, PagesStep, SecretStep, SetupStep, VariableStep};

mod args;
mod execute;
mod files;
mod inputs;
mod observe;
mod payload;
mod plan;
mod verify;

pub use self::execute::{step, step_files};
pub use self::inputs::{refuse_other_checkout, resolve_inputs, resolve_inputs_unjudged};
pub use self::observe::observe;
pub use self::plan::{plan_create, DUPLICATES_FIX};
pub use self::verify::verify;
// Shared with `hub init/add`, which set repositories up the way `create` does.
pub(crate) use self::execute::{create_gist, store_secret};
pub(crate) use self::files::marker;
pub(crate) use self::inputs::token_source;
pub(crate) use self::observe::{legacy_role, refuse_unusable_token};
pub(crate) use self::plan::{check_own_token, new_gist_action, plan_secret};
pub(crate) use self::verify::{compare_gist, verify_secret};

use crate::api;
use crate::checkout::{Checkout, Local};
use crate::clock::date_string;
use crate::context::Context;
use crate::deployment::{
    gist_description, GistRole, ARCHIVE_VARIABLE, BADGE_VARIABLE, DEFAULT_TOKEN_NAME,
};
use crate::driver::MutatingCommand;
use crate::error::{CliError, Result};
use crate::fsio;
use crate::managed_file::{
    execute_file, plan_files, plan_leftovers, verify_file, ConflictMemory, ConflictPolicy,
    SkipReason, REFUSED,
};
use crate::output::{level, Channel};
use crate::project::{self, Project, CONFIG_FILE};
use crate::prompt::Prompter;
use crate::templates::{DASHBOARD_CONFIG_PATH, TEMPLATES};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the workflow token will come from.
#[derive(Debug, Clone)]
pub enum TokenSource {
    Given(Secret),
    /// Ask at execution (interactive run).
    Ask,
    /// Non-interactive and none given.
    Missing,
}

/// Everything settled before planning.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub repo: RepoRef,
    pub root: PathBuf,
    pub display_name: String,
    pub created: Option<String>,
    pub badge_gist_id: Option<String>,
    pub archive_gist_id: Option<String>,
    pub gist_owner: Option<String>,
    pub ci_workflows: Vec<String>,
    pub gist_token_name: String,
    /// A custom install step (`--install-command` or `.ghtraf.json`); None: the default
    /// verified download of the release binary.
    pub install_command: Option<String>,
    /// Where the workflow downloads release binaries from (checked, no trailing `/`).
    pub releases_url: String,
    pub api_base: String,
    pub files_only: bool,
    pub skip_variables: bool,
    pub skip_files: bool,
    pub update_secret: bool,
    pub enable_pages: bool,
    pub policy: ConflictPolicy,
    /// Record the template edits this run keeps in `.ghtraf.json` (false for
    /// `verify`, which decides nothing and leaves the records as they are).
    pub record_kept: bool,
    /// Conflicts answered before planning (interactive runs): path →
    /// overwrite? An answered file is planned as answered, a "no" recorded
    /// as a kept edit.
    pub answers: BTreeMap<String, bool>,
    pub token: TokenSource,
}

/// What GitHub looks like, as far as `create` cares.
#[derive(Debug, Clone)]
pub struct GitHubSide {
    /// The repository as GitHub spells it (names are case-insensitive).
    pub full_name: RepoRef,
    /// The history held by each gist that shares its name with another
    /// (read only when there are such duplicates).
    pub history: BTreeMap<String, GistHistory>,
    pub login: String,
    /// ghtraf's own token: classic scopes (`X-OAuth-Scopes`) or fine-grained.
    pub scopes: ghtraf_github::TokenScopes,
    pub repo_created_at: String,
    pub default_branch: String,
    pub gists: Vec<GistSummary>,
    /// Where this host serves gist files (from a `raw_url` of any of the user's gists):
    /// the dashboard's `gistRawBase`, one rule for github.com, Enterprise and fakehub.
    pub raw_base: Option<String>,
    pub variables: BTreeMap<String, String>,
    pub secret: Option<SecretMeta>,
    /// `Some(None)`: Pages observed and not enabled; `None`: not observed.
    pub pages: Option<Option<(String, String)>>,
    /// What checking the workflow token given up front found (`checked: …`), when the
    /// secret is to be stored; the step that stores it reports it instead of checking again.
    pub token_checked: Option<String>,
    /// A hub collects this repository: its badge gist carries the hub's marker
    /// (`hub.json`). `(gist id, hub)`; `create` refuses a second collector.
    pub collected_by: Option<(String, String)>,
    /// What the closing hints follow.
    pub hints: Hints,
    /// The workflow file on the default branch (`None`: not there), or why it could not
    /// be read: `verify` compares it with the checkout's.
    pub default_branch_workflow: std::result::Result<Option<Vec<u8>>, String>,
}

/// What `create`'s closing hints follow; `None`: not read, or the read failed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// The default branch holds the workflow (`gh workflow run` can start it).
    pub workflow_pushed: Option<bool>,
    /// The badge gist named before planning records a collection.
    pub collected: Option<bool>,
}

/// A hub collects the repository into the badge gist this plan would use:
/// deploying its own workflow would make two collectors write one gist.
/// Pure: the marker was observed; `--dry-run` refuses the same way.
fn refuse_second_collector(plan: &Plan<SetupStep>, observed: &Observed) -> Result<()> {
    let Some((marked, hub)) = observed
        .github
        .as_ref()
        .and_then(|g| g.collected_by.as_ref())
    else {
        return Ok(());
    };
    let uses_it = plan.actions.iter().any(|a| match &a.details {
        SetupStep::Gist(g) => {
            g.role == GistRole::Badges && g.id.as_deref() == Some(marked.as_str())
        }
        _ => false,
    });
    if !uses_it {
        return Ok(());
    }
    let repo = plan
        .context
        .get("repository")
        .and_then(|v| v.as_str())
        .unwrap_or("this repository")
        .to_string();
    Err(CliError::usage(format!(
        "the hub {hub} collects {repo} (its badge gist {marked} says so): a workflow here would be a second collector writing the same gist; nothing was changed"
    ))
    .with_hint(format!(
        "to collect {repo} here instead, stop the hub first: `ghtraf hub remove {repo}` in {hub}'s checkout (its gists and history stay), then run this again"
    )))
}

/// How much history a gist holds: archived months, then days. The one with
/// more is the one to keep when several gists share a name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct GistHistory {
    pub months: usize,
    pub days: usize,
}

impl GistHistory {
    /// What `gist`, in `role`, holds; nothing when it does not parse.
    pub fn of(gist: &ghtraf_github::Gist, role: GistRole) -> GistHistory {
        match role {
            GistRole::Badges => gist
                .files
                .get(ghtraf_traffic::STATE_FILE)
                .and_then(|f| ghtraf_traffic::parse_state(&f.content).ok())
                .map(|p| GistHistory {
                    months: p.state.archived.months.len(),
                    days: p.state.daily_history.len(),
                })
                .unwrap_or_default(),
            GistRole::Archive => GistHistory {
                months: gist
                    .files
                    .keys()
                    .filter(|n| ghtraf_traffic::archive_period_of_file(n).is_some())
                    .count(),
                days: 0,
            },
        }
    }

    fn describe(self) -> String {
        match (self.months, self.days) {
            (0, 0) => "no history".to_string(),
            (m, d) => format!("{m} archived month(s), {d} day(s)"),
        }
    }
}

/// The gists of each role that share the deployment's name with another
/// (empty when there are no duplicates).
pub fn duplicate_gists(side: &GitHubSide, repo: &RepoRef) -> Vec<(GistRole, Vec<String>)> {
    [GistRole::Badges, GistRole::Archive]
        .into_iter()
        .filter_map(|role| {
            let ids: Vec<String> = side
                .gists
                .iter()
                .filter(|g| crate::deployment::names_gist(&g.description, repo, role))
                .map(|g| g.id.clone())
                .collect();
            (ids.len() > 1).then_some((role, ids))
        })
        .collect()
}

/// The world `plan_create` decides from.
#[derive(Debug, Clone)]
pub struct Observed {
    pub project: Project,
    /// Repo-relative path → what is there (absent, its bytes, or why
    /// ghtraf will not touch it).
    pub files: BTreeMap<String, Local>,
    /// Temporary files of killed writes next to the managed files.
    pub leftovers: Vec<String>,
    pub github: Option<GitHubSide>,
}

// ---------------------------------------------------------------- command

/// `ghtraf create` as the driver runs it.
pub struct Create {
    pub args: CreateArgs,
}

/// What `create` observed, and what its steps need.
pub struct CreateWorld {
    inputs: Inputs,
    observed: Observed,
    client: Option<ghtraf_github::Client>,
    memory: ConflictMemory,
    /// Held from observing to the end of the run: one `create` per checkout.
    _lock: crate::lock::CheckoutLock,
}

impl MutatingCommand for Create {
    type Payload = SetupStep;
    type World = CreateWorld;

    fn observe(&self, ctx: &Context) -> Result<CreateWorld> {
        let args = &self.args;
        let root = project::discover_root(args.deploy.common.repo_dir.as_deref(), &ctx.cwd);
        let project = project::observe(&root, ctx.config.as_deref())?;
        let mut inputs = resolve_inputs(ctx, args, &project)?;
        if args.deploy.common.repo_dir.is_none() && !args.skip_files && !root.join(".git").exists()
        {
            ctx.reporter.warn(&format!(
                "{} is not a git checkout: the workflow and dashboard files are planned here (--repo-dir DIR chooses where)",
                root.display()
            ));
        }
        let command = if inputs.files_only { "init" } else { "create" };
        let lock = crate::lock::acquire(&inputs.root, command)?;
        let client = if inputs.files_only {
            None
        } else {
            Some(api::client(ctx)?)
        };
        let read: Option<&dyn GitHubRead> = client.as_ref().map(|c| c as &dyn GitHubRead);
        let observed = observe(ctx, &inputs, &project, read)?;
        if let Some(side) = &observed.github {
            adopt_spelling(ctx, &mut inputs, &side.full_name);
        }
        Ok(CreateWorld {
            inputs,
            observed,
            client,
            memory: ConflictMemory::default(),
            _lock: lock,
        })
    }

    fn plan(&self, ctx: &Context, world: &CreateWorld) -> Result<Plan<SetupStep>> {
        let plan = plan_create(&world.inputs, &world.observed, ctx.now)?;
        refuse_second_collector(&plan, &world.observed)?;
        Ok(plan)
    }

    fn heading(&self, _ctx: &Context, world: &CreateWorld, plan: &Plan<SetupStep>) -> String {
        let inputs = &world.inputs;
        format!(
            "Plan for `ghtraf {}` in {}/{} ({}):",
            plan.command,
            inputs.repo.owner,
            inputs.repo.name,
            inputs.root.display()
        )
    }

    fn detail_level(&self) -> i32 {
        if self.args.deploy.common.diff {
            1
        } else {
            0
        }
    }

    fn settle(
        &self,
        ctx: &Context,
        world: &mut CreateWorld,
        plan: &Plan<SetupStep>,
    ) -> Result<bool> {
        let answers = files::ask_conflicts(plan, ctx.prompter.as_ref())?;
        let changed = !answers.is_empty();
        world.inputs.answers.extend(answers);
        Ok(changed)
    }

    fn step(
        &self,
        ctx: &Context,
        world: &CreateWorld,
        action: &Action<SetupStep>,
        outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        let (inputs, prompter, memory) = (&world.inputs, ctx.prompter.as_ref(), &world.memory);
        match &world.client {
            Some(gh) => {
                let checked =
                    (world.observed.github.as_ref()).and_then(|side| side.token_checked.as_deref());
                step(action, outputs, gh, inputs, prompter, memory, checked)
            }
            None => step_files(action, outputs, inputs, prompter, memory),
        }
    }

    fn verify(
        &self,
        _ctx: &Context,
        world: &CreateWorld,
        plan: &Plan<SetupStep>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        let read: Option<&dyn GitHubRead> = world.client.as_ref().map(|c| c as &dyn GitHubRead);
        verify(plan, results, read, &world.inputs)
    }

    fn left_undone(&self, plan: &Plan<SetupStep>) -> Vec<String> {
        plan.actions
            .iter()
            .filter(|a| {
                matches!(&a.details, SetupStep::File(f) if f.skip_reason == Some(SkipReason::Refused))
            })
            .map(|a| {
                format!(
                    "not deployed: {}",
                    a.description
                        .strip_prefix(REFUSED)
                        .unwrap_or(&a.description)
                )
            })
            .collect()
    }

    fn finish(
        &self,
        ctx: &Context,
        world: &CreateWorld,
        plan: &Plan<SetupStep>,
        results: &[ActionResult],
    ) {
        let hints = world.observed.github.as_ref().map(|g| g.hints);
        finish(ctx, plan, results, &world.inputs, hints);
    }
}

/// Every name from here on uses GitHub's spelling of the repository: gist
/// descriptions, `.ghtraf.json`, the dashboard config, badge URLs.
pub fn adopt_spelling(ctx: &Context, inputs: &mut Inputs, canonical: &RepoRef) {
    if inputs.repo == *canonical {
        return;
    }
    ctx.reporter.diag(
        Channel::Config,
        level::HINT,
        &format!(
            "GitHub spells the repository {canonical} (given as {}); using its spelling",
            inputs.repo
        ),
    );
    if inputs.display_name == inputs.repo.name {
        inputs.display_name = canonical.name.clone();
    }
    inputs.repo = canonical.clone();
}

fn finish(
    ctx: &Context,
    plan: &Plan<SetupStep>,
    results: &[ActionResult],
    inputs: &Inputs,
    hints: Option<Hints>,
) {
    let r = &ctx.reporter;
    let RepoRef { owner, name } = &inputs.repo;
    let dashboard = format!("https://{owner}.github.io/{name}/stats/");
    let mut badge_id = None;
    let mut gist_owner = None;
    for a in &plan.actions {
        if let SetupStep::Gist(g) = &a.details {
            if g.role == GistRole::Badges {
                badge_id = g.id.clone().or_else(|| {
                    results
                        .iter()
                        .find(|r| r.id == a.id)
                        .and_then(|r| r.produced.get("id").cloned())
                });
            }
        }
    }
    if let Some(serde_json::Value::String(u)) = plan.context.get("user") {
        gist_owner = Some(u.clone());
    }
    if let (Some(id), Some(user)) = (badge_id, gist_owner) {
        r.say("\nBadges (Markdown):");
        for (label, file, tab) in [
            ("Installs", "installs", "installs"),
            ("Downloads", "downloads", "installs"),
            ("Clones", "clones", "clones"),
            ("Views", "views", "views"),
        ] {
            r.say(&format!(
                "[![{label}](https://img.shields.io/endpoint?url=https://gist.githubusercontent.com/{user}/{id}/raw/{file}.json)]({dashboard}#{tab})"
            ));
        }
    }
    r.say(&format!("\nDashboard: {dashboard}"));
    for hint in closing_hints(plan, inputs, hints) {
        r.hint(&hint);
    }
}

/// The hints after a run, following what was observed: no token stored, the
/// workflow not on the default branch, never collected. A run that cannot
/// work is not suggested; a deployment collecting for months is told nothing.
fn closing_hints(plan: &Plan<SetupStep>, inputs: &Inputs, hints: Option<Hints>) -> Vec<String> {
    let mut out = Vec::new();
    let hints = hints.unwrap_or_default();
    // Skipped with no secret there: no token was given (the plan said why).
    let no_token = plan.actions.iter().any(|a| {
        a.operation == Operation::Skip
            && matches!(&a.details, SetupStep::Secret(s) if s.existing_updated_at.is_none())
    });
    if no_token {
        out.push(format!(
            "the workflow cannot collect until its token is stored: GHTRAF_GIST_TOKEN=… ghtraf create -R {} (or --gist-token-stdin)",
            inputs.repo
        ));
    }
    let files_changed = plan
        .actions
        .iter()
        .any(|a| a.category == Category::File && a.is_change());
    let unpushed = hints.workflow_pushed == Some(false);
    if !inputs.skip_files && (files_changed || unpushed) {
        out.push("commit and push: git add .github/workflows/traffic-badges.yml docs/stats .ghtraf.json && git commit -m \"Track traffic with ghtraf\" && git push".to_string());
    }
    if !inputs.files_only && !inputs.enable_pages {
        out.push("enable GitHub Pages from the default branch's /docs folder (or run again with --enable-pages)".to_string());
    }
    // Never collected: the badge gist is new, or its state records no collection.
    let new_gist = plan.actions.iter().any(|a| {
        a.operation == Operation::Create
            && matches!(&a.details, SetupStep::Gist(g) if g.role == GistRole::Badges)
    });
    let never = new_gist || hints.collected == Some(false);
    if !inputs.files_only && never && !no_token && !unpushed {
        out.push("start the first collection: gh workflow run traffic-badges.yml".to_string());
    }
    out
}
