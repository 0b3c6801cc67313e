//! `ghtraf collect --all | --only R… | --shard I/N`: the hub's daily job.
//!
//! Collects many repositories in one plan: each repository is observed and
//! planned exactly as `ghtraf collect` does it alone ([`observe`],
//! [`plan_collect_merged`]), its actions prefixed with its name, and one more
//! action writes the hub's `portfolio.json`. Repositories are observed
//! concurrently (bounded by [`REPOS_IN_FLIGHT`]); one repository's failure
//! (403, 502, a deleted gist, an unreadable state) never stops the others: it
//! is a plan warning, its portfolio entry keeps its last numbers and carries
//! the error, the summary names it, and the run ends with exit 6
//! ([`ExitStatus::Partial`]) when nothing worse happened. A repository whose
//! badge gist's `hub.json` names another hub is such a failure: that hub writes it.

use std::sync::Mutex;

use ghtraf_traffic::{parse_state, Day};

use super::*;
use crate::driver::{self, RunMode};
use crate::error::ExitStatus;
use crate::hub::portfolio::{Entry, Identity, Portfolio, PORTFOLIO_FILE};
use crate::hub::{HubConfig, Selection, Shard, TrackedRepo};
use crate::project;

/// Repositories observed at once. Each observation runs its own nine reads
/// at once, so about 36 requests are in flight: under GitHub's secondary
/// limit of 100 concurrent requests, with room for the executor's writes.
pub const REPOS_IN_FLIGHT: usize = 4;

/// `ghtraf collect` over the hub's repositories, as the driver runs it.
pub struct CollectMany {
    pub args: CollectArgs,
    /// `repo: reason` of every repository this plan could not collect.
    failures: Mutex<Vec<String>>,
}

/// One repository as observed (or the reason it could not be).
type Observed = std::result::Result<CollectObserved, String>;

/// What the hub's collection observed.
pub struct ManyWorld {
    client: ghtraf_github::Client,
    hub: HubConfig,
    selection: Selection,
    /// Taken repositories that keep their own workflow, with its name.
    own_workflow: Vec<(String, String)>,
    observed: Vec<(TrackedRepo, Observed)>,
    /// The hub's portfolio gist: absent id, gone, or unreadable are all
    /// reasons not to write it (other shards' entries would be lost).
    portfolio: std::result::Result<(String, Option<Portfolio>), String>,
}

/// Runs the hub's collection and maps "some repositories failed" to exit 6.
pub fn run(ctx: &Context, mode: &RunMode, args: &CollectArgs) -> Result<ExitStatus> {
    let command = CollectMany {
        args: args.clone(),
        failures: Mutex::new(Vec::new()),
    };
    let status = driver::run(ctx, mode, &command)?;
    let failures = command
        .failures
        .lock()
        .map(|f| f.clone())
        .unwrap_or_default();
    if failures.is_empty() {
        return Ok(status);
    }
    ctx.reporter.warn(&format!(
        "{} repositor{} not collected (the others were):",
        failures.len(),
        if failures.len() == 1 {
            "y was"
        } else {
            "ies were"
        }
    ));
    for f in &failures {
        ctx.reporter.warn(&format!("  {f}"));
    }
    Ok(match status {
        ExitStatus::Success => ExitStatus::Partial,
        other => other,
    })
}

/// `--only` takes every form `-R` takes (README "Naming a repository").
fn selection(args: &ManyArgs, hosts: &[String]) -> Result<Selection> {
    let only = args
        .only
        .iter()
        .map(|r| {
            crate::repo_name::parse(r, hosts)
                .map(|r| crate::hub::shard::canonical(&r))
                .map_err(|mut e| {
                    e.message = format!("--only {r}: {}", e.message);
                    e
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let shard = args.shard.as_deref().map(str::parse::<Shard>).transpose()?;
    Ok(Selection { only, shard })
}

fn observe_one(ctx: &Context, gh: &ghtraf_github::Client, tracked: &TrackedRepo) -> Observed {
    let repo = tracked.repo_ref().map_err(|e| e.to_string())?;
    let target = Target {
        repo,
        badge_gist_id: tracked.badge_gist_id.clone(),
        archive_gist_id: tracked.archive_gist_id.clone(),
        other_checkout: false,
    };
    observe(ctx, target, gh).map_err(|e| e.to_string())
}

fn read_portfolio(
    hub: &HubConfig,
    gh: &ghtraf_github::Client,
) -> std::result::Result<(String, Option<Portfolio>), String> {
    let Some(id) = &hub.portfolio_gist_id else {
        return Err("the hub file names no portfolioGistId".to_string());
    };
    match gh.gist(id) {
        Ok(Some(g)) => Ok((
            id.clone(),
            // An unreadable portfolio is rebuilt: the states hold the history.
            g.files
                .get(PORTFOLIO_FILE)
                .and_then(|f| Portfolio::parse(&f.content).ok()),
        )),
        Ok(None) => Err(format!("the portfolio gist {id} does not exist")),
        Err(e) => Err(format!("reading the portfolio gist {id}: {}", e.message())),
    }
}

impl MutatingCommand for CollectMany {
    type Payload = GistWrite;
    type World = ManyWorld;

    fn observe(&self, ctx: &Context) -> Result<ManyWorld> {
        let hosts = crate::repo_name::hosts(&|k| ctx.env(k));
        let selection = selection(&self.args.many, &hosts)?;
        let root = project::discover_root(self.args.target.repo_dir.as_deref(), &ctx.cwd);
        let hub = HubConfig::require(&root)?;
        let client = api::client(ctx)?;
        let picked = selection.pick(&hub)?;
        let (own, taken): (Vec<&TrackedRepo>, Vec<&TrackedRepo>) =
            picked.into_iter().partition(|r| r.own_workflow.is_some());
        let own_workflow = own
            .iter()
            .map(|r| (r.repo.clone(), r.own_workflow.clone().unwrap_or_default()))
            .collect();
        let (portfolio, observed) = std::thread::scope(|s| {
            let portfolio = s.spawn(|| read_portfolio(&hub, &client));
            let observed = fan_out(&taken, REPOS_IN_FLIGHT, |r| {
                ((*r).clone(), observe_one(ctx, &client, r))
            });
            (api::join(portfolio), observed)
        });
        Ok(ManyWorld {
            client,
            hub: hub.clone(),
            selection,
            own_workflow,
            observed,
            portfolio,
        })
    }

    fn plan(&self, ctx: &Context, world: &ManyWorld) -> Result<Plan<GistWrite>> {
        let (plan, failures) = plan_many(world, ctx.now);
        if let Ok(mut f) = self.failures.lock() {
            *f = failures;
        }
        Ok(plan)
    }

    fn heading(&self, ctx: &Context, world: &ManyWorld, _plan: &Plan<GistWrite>) -> String {
        let shard = world
            .selection
            .shard
            .map(|s| format!(" (shard {s})"))
            .unwrap_or_default();
        format!(
            "Plan for `ghtraf collect` of {} from hub {}{shard} at {}:",
            repositories(world.observed.len()),
            world.hub.hub,
            format_timestamp(ctx.now)
        )
    }

    fn step(
        &self,
        _ctx: &Context,
        world: &ManyWorld,
        action: &Action<GistWrite>,
        _outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        step(action, &world.client)
    }

    fn verify(
        &self,
        _ctx: &Context,
        world: &ManyWorld,
        plan: &Plan<GistWrite>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        verify(plan, results, &world.client)
    }
}

/// "1 repository", "3 repositories".
fn repositories(n: usize) -> String {
    format!("{n} {}", if n == 1 { "repository" } else { "repositories" })
}

fn identity(tracked: &TrackedRepo) -> Identity {
    Identity {
        repo: tracked.repo.clone(),
        display_name: tracked.display_name.clone().unwrap_or_else(|| {
            tracked
                .repo
                .rsplit('/')
                .next()
                .unwrap_or(&tracked.repo)
                .to_string()
        }),
        dashboard_url: tracked.dashboard_url.clone(),
        badge_gist_id: tracked.badge_gist_id.clone(),
    }
}

/// Days held before this merge: the stored state's and the archive gist's.
fn older_days(observed: &CollectObserved) -> Vec<Day> {
    let mut days: Vec<Day> = observed
        .badge_gist
        .files
        .get(STATE_FILE)
        .and_then(|f| parse_state(&f.content).ok())
        .map(|p| p.state.daily_history)
        .unwrap_or_default();
    if let Ok(months) = crate::deployment::archive_months(observed.archive_gist.as_ref()) {
        days.extend(months.into_iter().flat_map(|m| m.daily_history));
    }
    days
}

/// Appends `sub`'s actions to `plan`, their targets (so their ids) prefixed
/// with `repo`, their dependencies renamed alike.
fn absorb(plan: &mut Plan<GistWrite>, repo: &str, sub: Plan<GistWrite>) {
    let target = |t: &str| format!("{repo}/{t}");
    let renamed: BTreeMap<ghtraf_plan::ActionId, ghtraf_plan::ActionId> = sub
        .actions
        .iter()
        .map(|a| {
            let id = ghtraf_plan::ActionId::new(a.category, a.operation, &target(&a.target));
            (a.id.clone(), id)
        })
        .collect();
    for a in sub.actions {
        let depends: Vec<ghtraf_plan::ActionId> = a
            .depends_on
            .iter()
            .map(|d| renamed.get(d).cloned().unwrap_or_else(|| d.clone()))
            .collect();
        plan.push(
            Action::new(
                a.category,
                a.operation,
                target(&a.target),
                format!("{repo}: {}", a.description),
                a.details,
            )
            .depends_on(depends),
        );
    }
}

/// A badge gist whose `hub.json` names another hub is that hub's to write: two hubs
/// writing one gist is what the marks exist to prevent (a hub file moved to another
/// hub with `hub init -R`, say). The repository is not collected, and says why.
fn refuse_other_hub(observed: &CollectObserved, hub: &str) -> std::result::Result<(), String> {
    let marker = observed.badge_gist.files.get(crate::hub::MARKER_FILE);
    let repo = &observed.target.repo;
    match marker.and_then(|m| crate::hub::Marker::other_than(&m.content, hub)) {
        None => Ok(()),
        Some(other) => Err(format!(
            "its badge gist {} says the hub {other} collects it (its {}), not {hub}: two hubs would write one gist, so nothing was written to it (`ghtraf hub remove {repo}` here, or in {other}'s checkout if {hub} should collect it)",
            observed.badge_gist.id,
            crate::hub::MARKER_FILE,
        )),
    }
}

/// The whole plan, and the repositories it could not collect. Pure.
pub fn plan_many(world: &ManyWorld, now: time::OffsetDateTime) -> (Plan<GistWrite>, Vec<String>) {
    let mut plan = Plan::new("collect");
    plan.set_context("hub", world.hub.hub.clone());
    if let Some(s) = world.selection.shard {
        plan.set_context("shard", s.to_string());
    }
    plan.set_context("repositories", world.observed.len());
    plan.set_context("captured_at", format_timestamp(now));
    let previous = world.portfolio.as_ref().ok().and_then(|(_, p)| p.as_ref());
    let mut failures = Vec::new();
    let mut fresh = Vec::new();
    for (repo, reason) in &world.own_workflow {
        plan.warn(format!(
            "{repo}: skipped: it keeps its own workflow ({reason}), which writes its gists"
        ));
    }
    for (tracked, observed) in &world.observed {
        let who = identity(tracked);
        let planned = observed.as_ref().map_err(Clone::clone).and_then(|o| {
            refuse_other_hub(o, &world.hub.hub)?;
            plan_collect_merged(o)
                .map(|(sub, state)| (o, sub, state))
                .map_err(|e| e.to_string())
        });
        match planned {
            Ok((o, sub, state)) => {
                for w in &sub.warnings {
                    plan.warn(format!("{}: {w}", tracked.repo));
                }
                let stars = o.observation.repo.as_ref().map(|r| r.stars);
                fresh.push(Entry::collected(who, &state, &older_days(o), stars));
                absorb(&mut plan, &tracked.repo, sub);
            }
            Err(e) => {
                plan.warn(format!("{}: not collected: {e}", tracked.repo));
                let old = previous.and_then(|p| p.entry(&tracked.repo));
                fresh.push(Entry::failed(who, old, e.clone()));
                failures.push(format!("{}: {e}", tracked.repo));
            }
        }
    }
    match &world.portfolio {
        Ok((id, previous)) => {
            let tracked: Vec<String> = world.hub.repos.iter().map(|r| r.repo.clone()).collect();
            let next =
                Portfolio::updated(previous.as_ref(), fresh, &tracked, format_timestamp(now));
            let unchanged = previous.as_ref().is_some_and(|p| p.same_content(&next));
            let (operation, description, files) = if unchanged {
                (
                    Operation::Skip,
                    format!("{PORTFOLIO_FILE} in gist {id} already says this"),
                    BTreeMap::new(),
                )
            } else {
                (
                    Operation::Update,
                    format!(
                        "write {PORTFOLIO_FILE} ({}) to gist {id}",
                        repositories(next.repos.len())
                    ),
                    BTreeMap::from([(PORTFOLIO_FILE.to_string(), next.to_text())]),
                )
            };
            plan.push(Action::new(
                Category::Gist,
                operation,
                "portfolio",
                description,
                GistWrite {
                    role: GistRole::Badges,
                    gist_id: id.clone(),
                    // The portfolio is the hub's own file: no precondition.
                    revision: None,
                    files,
                    changes: Vec::new(),
                    totals: None,
                },
            ));
        }
        Err(e) => {
            plan.warn(format!("portfolio not written: {e}"));
            failures.push(format!("{}: portfolio: {e}", world.hub.hub));
        }
    }
    (plan, failures)
}
