//! `ghtraf hub init | add | remove`: set up the hub and choose what it tracks.
//!
//! One command sets the others up. `hub init` makes a repository the hub: its
//! badge gist (which holds `portfolio.json`) and its secret holding the
//! workflow token are adopted when `ghtraf create` made them, and otherwise
//! planned here with `create`'s own pieces (same names, contents, token
//! sourcing and encryption), so the token is stored once, in the hub only; it
//! then writes the hub's config file (`.ghtraf-hub.json`), the hub workflow
//! and the portfolio page. `hub add R…` adopts the gists `create` made for
//! each repository (found by their names, as `list` finds them) and plans
//! creating the ones a repository lacks, named exactly as `create` names
//! them (so its README badges and a later `create` use them); it re-renders
//! the workflow for the new count (shards, waves). The hub file is written
//! after every gist creation, whether or not each succeeded, and lists the
//! repositories whose gists exist: one failure never undoes the others, and
//! a re-run creates what is still missing. `hub remove R…` stops tracking
//! (the gists stay) and enables a removed repository's own disabled workflow
//! again, so something still collects it. A repository whose own `traffic-badges.yml` is active is
//! either kept (`ownWorkflow` is recorded and the hub skips it, saying why)
//! or retired with `--retire-own-workflow` (a planned `disable` of that
//! workflow): two collectors never write the same gist.
//!
//! Like every mutating command: observe (the checkout, the gists, each
//! repository's workflows), a pure plan, steps that do exactly what an
//! action says, verification by re-reading.

use std::collections::{BTreeMap, BTreeSet};

use ghtraf_github::{GitHubRead, RepoRef, SecretMeta};
use ghtraf_plan::{
    Action, ActionResult, Deferred, Detail, Finding, Outcome, Outputs, Payload, Plan, StepError,
};
use serde::Serialize;

use crate::api;
use crate::checkout::{Checkout, Local};
use crate::commands::create::{self, GistStep, SecretStep, TokenSource};
use crate::context::Context;
use crate::deployment::{gist_description, GistRole, DEFAULT_TOKEN_NAME};
use crate::driver::MutatingCommand;
use crate::error::{CliError, Result};
use crate::fsio;
use crate::hub::page::{PAGE_DIR, PAGE_FILES};
use crate::hub::workflow::{Settings, HUB_WORKFLOW_PATH};
use crate::hub::{HubConfig, Marker, HUB_FILE, MARKER_FILE};
use crate::managed_file::{execute_file, ConflictMemory, FileStep};
use crate::project;

mod args;
mod candidates;
pub mod check;
mod guard;
mod plan;
mod record;
mod verify;

pub use self::args::{HubAction, HubArgs};
pub use self::candidates::Candidate;
pub use self::plan::plan_hub;
use self::plan::require;

/// The workflow file name `create` deploys in each repository.
const OWN_WORKFLOW: &str = "traffic-badges.yml";

/// One action of a hub plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HubStep {
    File(FileStep),
    /// `.ghtraf-hub.json` naming gists this run creates: written after every
    /// creation, listing only the repositories whose gists exist by then.
    HubFile(FileStep),
    /// Create a gist exactly as `create` would (the hub's or a tracked repository's).
    Gist(GistStep),
    /// Store the workflow token in the hub's secret, as `create` does.
    Secret(SecretStep),
    /// Disable `workflow` in `repo`: the hub collects it from now on.
    RetireWorkflow {
        repo: String,
        workflow: String,
    },
    /// Enable `workflow` in `repo` again (`hub remove`): once the hub stops,
    /// nothing else collects it.
    RestoreWorkflow {
        repo: String,
        workflow: String,
        /// Its state as observed (`disabled_manually`, `disabled_inactivity`).
        state: String,
    },
    /// `hub add` of a repository the hub already tracks: nothing to do (a skip).
    Tracked {
        repo: String,
    },
    /// `hub remove` of a repository the hub does not track whose gists exist (removed
    /// before: a re-run): nothing to do (a skip).
    Untracked {
        repo: String,
    },
    /// Put the hub's marker into `repo`'s badge gist (`hub`), or take it out
    /// (None): `create` there then knows whether a hub collects it.
    Mark {
        repo: String,
        gist: String,
        hub: Option<String>,
    },
}

impl From<FileStep> for HubStep {
    fn from(f: FileStep) -> Self {
        HubStep::File(f)
    }
}

impl From<GistStep> for HubStep {
    fn from(g: GistStep) -> Self {
        HubStep::Gist(g)
    }
}

impl From<SecretStep> for HubStep {
    fn from(s: SecretStep) -> Self {
        HubStep::Secret(s)
    }
}

impl Payload for HubStep {
    fn details(&self) -> Vec<Detail> {
        match self {
            HubStep::File(f) | HubStep::HubFile(f) => f.details(),
            HubStep::Gist(g) => create::SetupStep::Gist(g.clone()).details(),
            HubStep::Secret(s) => create::SetupStep::Secret(s.clone()).details(),
            HubStep::RetireWorkflow { repo, workflow } => vec![Detail::new(
                1,
                "why",
                format!("{repo}'s own {workflow} would write the same gists as the hub"),
            )],
            HubStep::RestoreWorkflow {
                repo,
                workflow,
                state,
            } => vec![Detail::new(
                1,
                "why",
                format!("{repo}'s own {workflow} is {state}: without it nothing collects {repo}, and GitHub keeps only 14 days of traffic"),
            )],
            HubStep::Tracked { .. } | HubStep::Untracked { .. } => Vec::new(),
            HubStep::Mark { repo, hub, .. } => vec![Detail::new(
                1,
                "why",
                match hub {
                    Some(hub) => format!("`ghtraf create` in {repo} then knows {hub} collects it, and refuses a second collector"),
                    None => format!("{repo} may have its own workflow again"),
                },
            )],
        }
    }

    fn deferred(&self) -> Vec<&Deferred> {
        match self {
            HubStep::File(f) | HubStep::HubFile(f) => f.deferred(),
            _ => Vec::new(),
        }
    }
}

/// Everything read before planning.
pub struct HubWorld {
    root: std::path::PathBuf,
    client: Option<ghtraf_github::Client>,
    existing: Option<HubConfig>,
    /// The hub repository (init: `--repo`; add: the hub file's).
    hub_repo: Option<RepoRef>,
    /// The hub's badge gist (holds portfolio.json) and its owner, found by name.
    hub_gist: Option<String>,
    gist_owner: Option<String>,
    /// Who the API token is: the owner of every gist this run creates.
    login: Option<String>,
    /// What ghtraf's own token may do (a classic token's scopes).
    scopes: Option<ghtraf_github::TokenScopes>,
    /// The hub's token secret as observed (init only).
    secret: Option<SecretMeta>,
    /// Where the workflow token comes from (init only).
    token: TokenSource,
    /// The API base, for the page's raw gist URLs and the plan's requests.
    api_base: String,
    candidates: Vec<Candidate>,
    /// `hub remove`: each tracked repository named, lower-cased, and the state of its own
    /// `traffic-badges.yml` (None: it has none; Err: its workflows could not be read).
    own_workflows: BTreeMap<String, std::result::Result<Option<String>, String>>,
    /// `hub remove`: names the hub does not track whose badge gist exists by name
    /// (lower-cased), with that gist and the hub its `hub.json` names (None: no mark;
    /// Err: unreadable): no mark is a re-run or nothing to do, not a typo; another
    /// hub's mark means that hub collects it.
    untracked_with_gists: BTreeMap<String, candidates::UntrackedGist>,
    files: BTreeMap<String, Local>,
    /// What the hub's workflow was rendered with (`--install-command`, `--releases-url`,
    /// `--gist-token-name`).
    recorded: Settings,
    /// The user's gists that carry a hub's marker (from the gist listing).
    marked: BTreeSet<String>,
    /// Every gist of the user's (from the same listing): only these can be marked.
    listed: BTreeSet<String>,
    memory: ConflictMemory,
    interactive: bool,
}

/// `ghtraf hub …` as the driver runs it.
pub struct Hub {
    pub args: HubArgs,
}

fn parse_repo(text: &str) -> Result<RepoRef> {
    RepoRef::parse(text).map_err(|e| {
        CliError::usage(format!("{text}: {}", e.message()))
            .with_hint("use OWNER/REPO, e.g. octo/demo")
    })
}

fn gh_err(what: &str, e: ghtraf_github::Error) -> CliError {
    api::error(Some(what), e)
}

/// The hub's secret name: `--gist-token-name`, else the one the hub's
/// workflow reads, else `create`'s default.
fn token_name(action: &HubAction, recorded: &Settings) -> String {
    match action {
        HubAction::Init {
            gist_token_name: Some(name),
            ..
        } => name.clone(),
        _ => recorded
            .token_name
            .clone()
            .unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string()),
    }
}

/// What the hub's workflow in the checkout was rendered with (none: defaults).
fn recorded_settings(files: &BTreeMap<String, Local>) -> Settings {
    match files.get(HUB_WORKFLOW_PATH) {
        Some(Local::File(bytes)) => Settings::of(&String::from_utf8_lossy(bytes)),
        _ => Settings::default(),
    }
}

/// The hub's own files in the checkout (its hub file, workflow and portfolio page), as
/// `hub` plans them and `verify` judges them.
pub(crate) fn hub_files(root: &std::path::Path) -> Result<BTreeMap<String, Local>> {
    let checkout = Checkout::new(root);
    let mut files = BTreeMap::new();
    let page: Vec<String> = PAGE_FILES
        .iter()
        .map(|(n, _)| format!("{PAGE_DIR}/{n}"))
        .chain([format!("{PAGE_DIR}/config.json")])
        .collect();
    for path in [HUB_FILE, HUB_WORKFLOW_PATH]
        .into_iter()
        .chain(page.iter().map(String::as_str))
    {
        let local = checkout
            .observe(path, fsio::LOCAL_FILE_CAP)
            .map_err(|e| CliError::runtime(format!("cannot read {path}: {e}")))?;
        files.insert(path.to_string(), local);
    }
    Ok(files)
}

impl MutatingCommand for Hub {
    type Payload = HubStep;
    type World = HubWorld;

    fn observe(&self, ctx: &Context) -> Result<HubWorld> {
        if let HubAction::Init {
            releases_url: Some(url),
            ..
        } = &self.args.action
        {
            // Refused before anything is read, as `create` refuses it (the plan checks it too).
            crate::install::check_releases_url(url, crate::values::Source::Flag("--releases-url"))?;
        }
        if let HubAction::Init {
            gist_token_name: Some(name),
            ..
        } = &self.args.action
        {
            // As `create` checks it: the workflow names it, and GitHub refuses such a secret.
            crate::values::secret_name(name, crate::values::Source::Flag("--gist-token-name"))?;
        }
        let root = project::discover_root(None, &ctx.cwd);
        let existing = HubConfig::read(&root)?;
        let files = hub_files(&root)?;
        let mut world = HubWorld {
            root,
            client: None,
            existing,
            hub_repo: None,
            hub_gist: None,
            gist_owner: None,
            login: None,
            scopes: None,
            secret: None,
            token: TokenSource::Missing,
            api_base: String::new(),
            candidates: Vec::new(),
            own_workflows: BTreeMap::new(),
            untracked_with_gists: BTreeMap::new(),
            recorded: recorded_settings(&files),
            marked: BTreeSet::new(),
            listed: BTreeSet::new(),
            files,
            memory: ConflictMemory::default(),
            interactive: ctx.interactive,
        };
        let hub_repo = match &self.args.action {
            HubAction::Init { repo, .. } => Some(guard::init_repo(
                ctx,
                &world.root,
                repo.as_deref(),
                world.existing.as_ref(),
            )?),
            HubAction::Add { .. } => Some(parse_repo(&require(&world.existing)?.hub)?),
            HubAction::Remove { repos } => {
                for r in repos {
                    parse_repo(r)?;
                }
                // Read too: the hub's marker comes out of each removed repository's gist.
                Some(parse_repo(&require(&world.existing)?.hub)?)
            }
        };
        let Some(hub_repo) = hub_repo else {
            return Ok(world);
        };
        let update_secret = match &self.args.action {
            HubAction::Init {
                gist_token_stdin,
                update_secret,
                ..
            } => {
                // Settled before any request, as `create` settles it.
                world.token = create::token_source(ctx, *gist_token_stdin, *update_secret)?;
                Some(*update_secret)
            }
            _ => None,
        };
        let client = api::client(ctx)?;
        let name = token_name(&self.args.action, &world.recorded);
        let (user, gists, secret, seen) = std::thread::scope(|s| {
            let user = s.spawn(|| client.whoami());
            let gists = s.spawn(|| client.list_gists());
            let secret = update_secret.map(|_| s.spawn(|| client.secret(&hub_repo, &name)));
            // init: the hub must exist before its gist and secret are planned.
            let seen = update_secret.map(|_| s.spawn(|| client.repo(&hub_repo)));
            (
                api::join(user),
                api::join(gists),
                secret.map(api::join),
                seen.map(api::join),
            )
        });
        let user = user.map_err(|e| gh_err("reading who the token is", e))?;
        if let Some(seen) = seen {
            seen.map_err(|e| crate::repo_name::unseen(&hub_repo, e))?;
        }
        world.login = Some(user.login);
        world.scopes = Some(user.scopes);
        let gists = gists.map_err(|e| gh_err("listing gists", e))?;
        if let Some(secret) = secret {
            world.secret =
                secret.map_err(|e| gh_err(&format!("reading {hub_repo}'s secret {name}"), e))?;
            if world.secret.is_none() || update_secret == Some(true) {
                create::refuse_unusable_token(&client, &hub_repo, &name, &world.token)?;
            }
        }
        // Names are compared as GitHub compares repositories, ignoring case
        // (`names_gist`): `hub add Octo/A` adopts "[GTT] octo/a · badges"
        // instead of creating a second one.
        let by_description: BTreeMap<String, &str> = gists
            .iter()
            .map(|g| (g.description.to_ascii_lowercase(), g.id.as_str()))
            .collect();
        let find = |repo: &RepoRef, role| {
            by_description
                .get(&gist_description(repo, role).to_ascii_lowercase())
                .map(|id| id.to_string())
        };
        world.hub_gist = find(&hub_repo, GistRole::Badges);
        world.gist_owner = world.hub_gist.as_ref().map(|id| {
            gists
                .iter()
                .find(|g| &g.id == id)
                .and_then(|g| g.owner_login.clone())
                .unwrap_or_else(|| hub_repo.owner.clone())
        });
        world.api_base = client.base_url().to_string();
        world.marked = gists
            .iter()
            .filter(|g| g.files.iter().any(|f| f == MARKER_FILE))
            .map(|g| g.id.clone())
            .collect();
        world.listed = gists.iter().map(|g| g.id.clone()).collect();
        if let HubAction::Add { repos, .. } = &self.args.action {
            let repos = repos
                .iter()
                .map(|r| parse_repo(r))
                .collect::<Result<Vec<_>>>()?;
            let active = candidates::own_workflows_active(&client, &repos);
            world.candidates = repos
                .into_iter()
                .zip(active)
                .map(|(repo, own_workflow_active)| Candidate {
                    badge_gist_id: find(&repo, GistRole::Badges),
                    archive_gist_id: find(&repo, GistRole::Archive),
                    legacy_gists: gists
                        .iter()
                        .any(|g| create::legacy_role(&g.description, &repo).is_some()),
                    variables_unread: None,
                    other_hub: None,
                    repo,
                    own_workflow_active,
                })
                .collect();
            candidates::adopt_named_by_variables(&client, &gists, &mut world.candidates);
            candidates::other_hubs(&client, &hub_repo, &world.marked, &mut world.candidates);
        }
        if let HubAction::Remove { repos } = &self.args.action {
            world.own_workflows =
                candidates::own_workflows(&client, world.existing.as_ref(), repos)?;
            let mut untracked = Vec::new();
            for r in repos {
                let repo = parse_repo(r)?;
                let name = crate::hub::shard::canonical(&repo).to_ascii_lowercase();
                let tracked = world
                    .existing
                    .as_ref()
                    .is_some_and(|c| c.repos.iter().any(|t| t.repo.eq_ignore_ascii_case(&name)));
                if let (false, Some(gist)) = (tracked, find(&repo, GistRole::Badges)) {
                    untracked.push((name, gist));
                }
            }
            world.untracked_with_gists =
                candidates::untracked_marks(&client, &world.marked, untracked);
        }
        world.hub_repo = Some(hub_repo);
        world.client = Some(client);
        Ok(world)
    }

    fn plan(&self, ctx: &Context, world: &HubWorld) -> Result<Plan<HubStep>> {
        plan_hub(&self.args.action, world, ctx.now)
    }

    fn heading(&self, _ctx: &Context, world: &HubWorld, plan: &Plan<HubStep>) -> String {
        // The plan is named as typed: `hub add`.
        format!(
            "Plan for `ghtraf {}` in {}:",
            plan.command,
            world.root.display()
        )
    }

    fn step(
        &self,
        ctx: &Context,
        world: &HubWorld,
        action: &Action<HubStep>,
        outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        let checkout = Checkout::new(&world.root);
        let client = || {
            world
                .client
                .as_ref()
                .ok_or_else(|| StepError::new("internal: no GitHub client"))
        };
        let prompter = ctx.prompter.as_ref();
        match &action.details {
            HubStep::File(f) => {
                execute_file(&checkout, action, f, outputs, prompter, &world.memory)
            }
            HubStep::HubFile(f) => {
                record::write_hub_file(&checkout, action, f, outputs, prompter, &world.memory)
            }
            HubStep::Gist(g) => create::create_gist(client()?, g),
            HubStep::Secret(s) => {
                let hub = world
                    .hub_repo
                    .as_ref()
                    .ok_or_else(|| StepError::new("internal: no hub repository"))?;
                create::store_secret(client()?, hub, s, prompter)
            }
            HubStep::Mark { gist, hub, .. } => {
                let files =
                    BTreeMap::from([(MARKER_FILE.to_string(), hub.as_deref().map(Marker::text))]);
                ghtraf_github::GitHubWrite::update_gist(client()?, gist, &files)
                    .map_err(api::step_error)?;
                Ok(Outcome::done(match hub {
                    Some(_) => format!("marked gist {gist} as the hub's"),
                    None => format!("took the hub's marker out of gist {gist}"),
                }))
            }
            HubStep::Tracked { repo } => Ok(Outcome::done(format!("{repo} is already tracked"))),
            HubStep::Untracked { repo } => Ok(Outcome::done(format!("{repo} is not tracked"))),
            HubStep::RetireWorkflow { repo, workflow } => {
                let r = RepoRef::parse(repo).map_err(|e| StepError::new(e.message()))?;
                ghtraf_github::GitHubWrite::disable_workflow(client()?, &r, workflow)
                    .map_err(api::step_error)?;
                Ok(Outcome::done(format!("disabled {workflow} in {repo}")))
            }
            HubStep::RestoreWorkflow { repo, workflow, .. } => {
                let r = RepoRef::parse(repo).map_err(|e| StepError::new(e.message()))?;
                ghtraf_github::GitHubWrite::enable_workflow(client()?, &r, workflow)
                    .map_err(api::step_error)?;
                Ok(Outcome::done(format!("enabled {workflow} in {repo}")))
            }
        }
    }

    fn verify(
        &self,
        _ctx: &Context,
        world: &HubWorld,
        plan: &Plan<HubStep>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        verify::verify(world, plan, results)
    }

    /// A repository named to `hub add` and not added, or named to `hub remove` and not
    /// tracked, leaves the run short of what was asked: the run ends as a deviation (exit
    /// 3), not a success, naming why (in JSON mode the plan's warning is not on stderr).
    fn left_undone(&self, plan: &Plan<HubStep>) -> Vec<String> {
        let named = |key| crate::driver::context_records(plan, key, ["repo", "why"]);
        let added = named(plan::NOT_ADDED)
            .into_iter()
            .map(|[repo, why]| format!("not deployed: {repo} was not added to the hub: {why}"));
        let removed = named(plan::NOT_TRACKED)
            .into_iter()
            .map(|[repo, why]| format!("not removed: {repo}: {why}"));
        added.chain(removed).collect()
    }

    /// Each is the plan's warning too (`Undone::add`).
    fn undone_warned_in_plan(&self) -> bool {
        true
    }

    fn finish(
        &self,
        ctx: &Context,
        world: &HubWorld,
        plan: &Plan<HubStep>,
        results: &[ActionResult],
    ) {
        // A hub that tracks nothing yet collects nothing: say what comes next.
        let tracks_none = matches!(self.args.action, HubAction::Init { .. })
            && world.existing.as_ref().is_none_or(|c| c.repos.is_empty());
        if tracks_none {
            ctx.reporter
                .hint("the hub tracks no repository yet: ghtraf hub add OWNER/REPO…");
        }
        record::finish(ctx, world.login.as_deref(), plan, results);
    }
}
