//! `ghtraf hub init | add | remove`: set up the hub and choose what it tracks.
//!
//! The hub is a repository already set up by `ghtraf create` (its badge gist
//! holds `portfolio.json`, its secret the token the hub workflow uses). `hub
//! init` writes the hub's config file (`.ghtraf-hub.json`) and the hub
//! workflow; `hub add R…` adopts the gists `create` made for each repository
//! (found by their names, as `list` finds them) and re-renders the workflow
//! for the new count (shards, waves); `hub remove R…` stops tracking (the
//! gists stay). A repository whose own `traffic-badges.yml` is active is
//! either kept (`ownWorkflow` is recorded and the hub skips it, saying why)
//! or retired with `--retire-own-workflow` (a planned `disable` of that
//! workflow): two collectors never write the same gist.
//!
//! Like every mutating command: observe (the checkout, the gists, each
//! repository's workflows), a pure plan, steps that do exactly what an
//! action says, verification by re-reading.

use std::collections::BTreeMap;

use ghtraf_github::{GitHubRead, GitHubWrite, RepoRef};
use ghtraf_plan::{
    Action, ActionResult, Category, Detail, Finding, Operation, Outcome, Outputs, Payload, Plan,
    StepError,
};
use serde::{Deserialize, Serialize};

use crate::api;
use crate::checkout::{Checkout, Local};
use crate::context::Context;
use crate::deployment::{gist_description, GistRole, DEFAULT_TOKEN_NAME};
use crate::driver::MutatingCommand;
use crate::error::{CliError, Result};
use crate::fsio;
use crate::hub::page::{config_json, PAGE_DIR, PAGE_FILES};
use crate::hub::shard::canonical;
use crate::hub::workflow::{render, HUB_WORKFLOW_PATH};
use crate::hub::{HubConfig, TrackedRepo, HUB_FILE, HUB_SCHEMA};
use crate::managed_file::{
    execute_file, plan_files, verify_file, ConflictMemory, ConflictPolicy, Content, DesiredFile,
    FileStep,
};
use crate::project;
use crate::templates::WORKFLOW_PATH;

/// The workflow file name `create` deploys in each repository.
const OWN_WORKFLOW: &str = "traffic-badges.yml";

#[derive(Debug, Clone, clap::Args, Serialize, Deserialize)]
pub struct HubArgs {
    #[command(subcommand)]
    pub action: HubAction,
}

#[derive(Debug, Clone, clap::Subcommand, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubAction {
    /// Make this checkout a hub: .ghtraf-hub.json and the hub workflow (run `ghtraf create` here first).
    Init {
        /// The hub repository OWNER/REPO (set up by `ghtraf create`).
        #[arg(long, value_name = "OWNER/REPO")]
        repo: String,
        /// Command the hub workflow uses to install ghtraf (default: cargo install of this version).
        #[arg(long, value_name = "CMD")]
        install_command: Option<String>,
        /// The hub's secret holding the token (default: TRAFFIC_GIST_TOKEN, as `create` stores it).
        #[arg(long, value_name = "NAME")]
        gist_token_name: Option<String>,
    },
    /// Track repositories from this hub, adopting the gists `ghtraf create` made for them.
    Add {
        #[arg(required = true, value_name = "OWNER/REPO")]
        repos: Vec<String>,
        /// Disable a repository's own active traffic-badges.yml so only the hub collects it
        /// (default: keep it, and the hub skips that repository).
        #[arg(long)]
        retire_own_workflow: bool,
    },
    /// Stop tracking repositories (their gists and history stay).
    Remove {
        #[arg(required = true, value_name = "OWNER/REPO")]
        repos: Vec<String>,
    },
}

/// One action of a hub plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HubStep {
    File(FileStep),
    /// Disable `workflow` in `repo`: the hub collects it from now on.
    RetireWorkflow {
        repo: String,
        workflow: String,
    },
}

impl From<FileStep> for HubStep {
    fn from(f: FileStep) -> Self {
        HubStep::File(f)
    }
}

impl Payload for HubStep {
    fn details(&self) -> Vec<Detail> {
        match self {
            HubStep::File(f) => f.details(),
            HubStep::RetireWorkflow { repo, workflow } => vec![Detail::new(
                1,
                "why",
                format!("{repo}'s own {workflow} would write the same gists as the hub"),
            )],
        }
    }
}

/// A repository `hub add` was asked for, as observed.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub repo: RepoRef,
    pub badge_gist_id: Option<String>,
    pub archive_gist_id: Option<String>,
    /// Its own workflow is active (`create` deployed and nobody disabled it).
    pub own_workflow_active: std::result::Result<bool, String>,
}

/// Everything read before planning.
pub struct HubWorld {
    root: std::path::PathBuf,
    client: Option<ghtraf_github::Client>,
    existing: Option<HubConfig>,
    /// The hub's badge gist (holds portfolio.json) and its owner, found by name.
    hub_gist: Option<String>,
    gist_owner: Option<String>,
    /// The API base, for the page's raw gist URLs.
    api_base: String,
    candidates: Vec<Candidate>,
    files: BTreeMap<String, Local>,
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

impl MutatingCommand for Hub {
    type Payload = HubStep;
    type World = HubWorld;

    fn observe(&self, ctx: &Context) -> Result<HubWorld> {
        let root = project::discover_root(None, &ctx.cwd);
        let existing = HubConfig::read(&root)?;
        let checkout = Checkout::new(&root);
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
        let mut world = HubWorld {
            root,
            client: None,
            existing,
            hub_gist: None,
            gist_owner: None,
            api_base: String::new(),
            candidates: Vec::new(),
            files,
            memory: ConflictMemory::default(),
            interactive: ctx.interactive,
        };
        let hub_repo = match &self.args.action {
            HubAction::Init { repo, .. } => Some(parse_repo(repo)?),
            HubAction::Add { .. } => Some(parse_repo(&require(&world.existing)?.hub)?),
            HubAction::Remove { repos } => {
                require(&world.existing)?;
                for r in repos {
                    parse_repo(r)?;
                }
                None
            }
        };
        let Some(hub_repo) = hub_repo else {
            return Ok(world);
        };
        let client = api::client(ctx)?;
        let gists = client
            .list_gists()
            .map_err(|e| gh_err("listing gists", e))?;
        let by_description: BTreeMap<&str, &str> = gists
            .iter()
            .map(|g| (g.description.as_str(), g.id.as_str()))
            .collect();
        let find = |repo: &RepoRef, role| {
            by_description
                .get(gist_description(repo, role).as_str())
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
        if let HubAction::Add { repos, .. } = &self.args.action {
            let repos = repos
                .iter()
                .map(|r| parse_repo(r))
                .collect::<Result<Vec<_>>>()?;
            let active = ghtraf_github::fan_out(&repos, ghtraf_github::DEFAULT_FAN_OUT, |r| {
                client
                    .workflows(r)
                    .map(|ws| {
                        ws.iter()
                            .any(|w| w.path.ends_with(WORKFLOW_PATH) && w.state == "active")
                    })
                    .map_err(|e| e.message().to_string())
            });
            world.candidates = repos
                .into_iter()
                .zip(active)
                .map(|(repo, own_workflow_active)| Candidate {
                    badge_gist_id: find(&repo, GistRole::Badges),
                    archive_gist_id: find(&repo, GistRole::Archive),
                    repo,
                    own_workflow_active,
                })
                .collect();
        }
        world.client = Some(client);
        Ok(world)
    }

    fn plan(&self, _ctx: &Context, world: &HubWorld) -> Result<Plan<HubStep>> {
        plan_hub(&self.args.action, world)
    }

    fn heading(&self, _ctx: &Context, world: &HubWorld, _plan: &Plan<HubStep>) -> String {
        format!("Plan for `ghtraf hub` in {}:", world.root.display())
    }

    fn step(
        &self,
        ctx: &Context,
        world: &HubWorld,
        action: &Action<HubStep>,
        outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        match &action.details {
            HubStep::File(f) => execute_file(
                &Checkout::new(&world.root),
                action,
                f,
                outputs,
                ctx.prompter.as_ref(),
                &world.memory,
            ),
            HubStep::RetireWorkflow { repo, workflow } => {
                let client = world
                    .client
                    .as_ref()
                    .ok_or_else(|| StepError::new("internal: no GitHub client"))?;
                let r = RepoRef::parse(repo).map_err(|e| StepError::new(e.message()))?;
                client
                    .disable_workflow(&r, workflow)
                    .map_err(api::step_error)?;
                Ok(Outcome::done(format!("disabled {workflow} in {repo}")))
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
        let checkout = Checkout::new(&world.root);
        plan.actions
            .iter()
            .filter(|a| a.is_change())
            .filter_map(|a| {
                let result = results.iter().find(|r| r.id == a.id)?;
                if result.status != ghtraf_plan::ResultStatus::Ok {
                    return None;
                }
                Some(match &a.details {
                    HubStep::File(f) => verify_file(
                        &checkout,
                        &a.id,
                        f,
                        result.produced.get("sha256").map(String::as_str),
                    ),
                    HubStep::RetireWorkflow { repo, .. } => {
                        let active = world
                            .client
                            .as_ref()
                            .and_then(|c| RepoRef::parse(repo).ok().map(|r| c.workflows(&r)));
                        match active {
                            Some(Ok(ws))
                                if ws.iter().any(|w| {
                                    w.path.ends_with(WORKFLOW_PATH) && w.state == "active"
                                }) =>
                            {
                                Finding::deviation(&a.id, "still active")
                            }
                            Some(Ok(_)) => Finding::ok(&a.id, "disabled"),
                            Some(Err(e)) => Finding::deviation(
                                &a.id,
                                format!("cannot re-read: {}", e.message()),
                            ),
                            None => Finding::deviation(&a.id, "cannot re-read"),
                        }
                    }
                })
            })
            .collect()
    }
}

fn require(existing: &Option<HubConfig>) -> Result<&HubConfig> {
    existing.as_ref().ok_or_else(|| {
        CliError::usage(format!("no {HUB_FILE} here"))
            .with_hint("run `ghtraf hub init --repo OWNER/HUB` in the hub's checkout first")
    })
}

/// The plan for `action`. Pure.
pub fn plan_hub(action: &HubAction, world: &HubWorld) -> Result<Plan<HubStep>> {
    let mut plan = Plan::new("hub");
    let (mut config, install, token) = match action {
        HubAction::Init {
            repo,
            install_command,
            gist_token_name,
        } => {
            let hub = parse_repo(repo)?;
            let gist = world.hub_gist.clone().ok_or_else(|| {
                CliError::usage(format!("{hub} has no badge gist named \"{}\"", gist_description(&hub, GistRole::Badges)))
                    .with_hint(format!("set the hub up first with `ghtraf create --repo {hub}`: its badge gist holds portfolio.json, its secret the token"))
            })?;
            let mut config = world.existing.clone().unwrap_or(HubConfig {
                schema_version: HUB_SCHEMA,
                hub: hub.to_string(),
                portfolio_gist_id: None,
                repos: Vec::new(),
            });
            config.hub = hub.to_string();
            config.portfolio_gist_id = Some(gist);
            (config, install_command.clone(), gist_token_name.clone())
        }
        HubAction::Add { .. } | HubAction::Remove { .. } => {
            (require(&world.existing)?.clone(), None, None)
        }
    };
    plan.set_context("hub", config.hub.clone());
    match action {
        HubAction::Add {
            retire_own_workflow,
            ..
        } => {
            for c in &world.candidates {
                let name = canonical(&c.repo);
                if config
                    .repos
                    .iter()
                    .any(|r| r.repo.eq_ignore_ascii_case(&name))
                {
                    plan.warn(format!("{name} is already tracked"));
                    continue;
                }
                let Some(badge) = &c.badge_gist_id else {
                    plan.warn(format!(
                        "{name} not added: it has no badge gist; run `ghtraf create --repo {name}` first, then add it"
                    ));
                    continue;
                };
                let own_workflow = match (&c.own_workflow_active, retire_own_workflow) {
                    (Err(e), _) => {
                        plan.warn(format!("{name} not added: cannot read its workflows: {e}"));
                        continue;
                    }
                    (Ok(false), _) => None,
                    (Ok(true), true) => {
                        plan.push(Action::new(
                            Category::Workflow,
                            Operation::Update,
                            format!("{name}/{OWN_WORKFLOW}"),
                            format!("disable {OWN_WORKFLOW} in {name}: the hub collects it"),
                            HubStep::RetireWorkflow {
                                repo: name.clone(),
                                workflow: OWN_WORKFLOW.to_string(),
                            },
                        ));
                        None
                    }
                    (Ok(true), false) => {
                        plan.warn(format!(
                            "{name} keeps its own {OWN_WORKFLOW}; the hub will skip it (pass --retire-own-workflow to collect it from the hub)"
                        ));
                        Some(format!("{OWN_WORKFLOW} is active"))
                    }
                };
                config.repos.push(TrackedRepo {
                    repo: name,
                    badge_gist_id: badge.clone(),
                    archive_gist_id: c.archive_gist_id.clone(),
                    display_name: None,
                    dashboard_url: None,
                    own_workflow,
                });
            }
        }
        HubAction::Remove { repos } => {
            for r in repos {
                let name = canonical(&parse_repo(r)?);
                let before = config.repos.len();
                config.repos.retain(|t| !t.repo.eq_ignore_ascii_case(&name));
                if config.repos.len() == before {
                    plan.warn(format!("{name} is not tracked"));
                }
            }
        }
        HubAction::Init { .. } => {}
    }
    let install = install.unwrap_or_else(|| {
        format!(
            "cargo install ghtraf --version {} --locked",
            env!("CARGO_PKG_VERSION")
        )
    });
    let token = token.unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string());
    let desired = vec![
        DesiredFile {
            path: HUB_FILE.to_string(),
            content: Content::known(config.to_text()),
            managed: true,
        },
        DesiredFile {
            path: HUB_WORKFLOW_PATH.to_string(),
            content: Content::known(render(&config, &install, &token)?),
            // Re-rendered whenever the repositories change: ours, not a user template.
            managed: true,
        },
    ];
    // The portfolio page, wherever the hub gist is known (init and add).
    let mut desired = desired;
    if let (Some(gist), Some(owner)) = (&world.hub_gist, &world.gist_owner) {
        for (name, text) in PAGE_FILES {
            desired.push(DesiredFile {
                path: format!("{PAGE_DIR}/{name}"),
                content: Content::known((*text).to_string()),
                managed: false,
            });
        }
        desired.push(DesiredFile {
            path: format!("{PAGE_DIR}/config.json"),
            content: Content::known(config_json(gist, owner, &world.api_base)),
            managed: true,
        });
    }
    let policy = if world.interactive {
        ConflictPolicy::Ask
    } else {
        ConflictPolicy::Keep
    };
    plan_files(&mut plan, desired, &world.files, policy, &[]);
    Ok(plan)
}
