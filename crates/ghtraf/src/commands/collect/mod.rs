//! `ghtraf collect`: the daily job. Merges GitHub's 14-day traffic window into
//! the permanent history in the badge gist, and moves finished months to the
//! archive gist.
//!
//! Same shape as every mutating command: [`observe`] reads the gists and the
//! traffic API (concurrently); [`plan_collect`] is pure — it parses the stored
//! state (a state that does not parse stops everything: the gist is never
//! overwritten with less than it had), merges, and plans at most one PATCH per
//! gist; the archive is written before the state that drops those days, so a
//! failure between the two loses nothing; [`verify`] re-reads both gists.

use std::collections::BTreeMap;

use ghtraf_github::{fan_out, Gist, GitHubRead, GitHubWrite, Job};
use ghtraf_plan::{
    Action, ActionResult, Category, Finding, Operation, Outcome, Outputs, Plan, StepError,
};
use ghtraf_traffic::{
    adopt_original_archives, archive_period_of_file, badge_gist_files, format_timestamp,
    import_archives, merge, parse_archive_index, parse_archive_month, parse_bucket, parse_state,
    ArchiveMonth, Observation, RepoSnapshot, TrafficPoint, ARCHIVE_INDEX_FILE, STATE_FILE,
};
use time::Duration;

use crate::api;
use crate::context::Context;
use crate::deployment::GistRole;
use crate::driver::MutatingCommand;
use crate::error::{CliError, Result};
use crate::output::{level, Channel};
use crate::revision::gist_revision;
use crate::target::{self, Target};

pub use self::args::{CollectArgs, ManyArgs};
pub use self::execute::step;
pub use self::observe::observe;
pub use self::payload::GistWrite;
pub use self::plan::{plan_collect, plan_collect_merged};
pub use self::verify::verify;

mod args;
mod execute;
pub mod many;
mod observe;
mod payload;
mod plan;
pub mod recent;
mod verify;

/// Everything read before planning.
#[derive(Debug, Clone)]
pub struct CollectObserved {
    pub target: Target,
    pub badge_gist: Gist,
    pub archive_gist: Option<Gist>,
    pub observation: Observation,
}

pub(super) fn gh_err(what: &str, e: ghtraf_github::Error) -> CliError {
    api::error(Some(what), e)
}

/// A hub collects this repository into this gist (its `hub.json`): a
/// collection of the repository alone would be a second collector (say, its
/// own workflow enabled again after the hub retired it). The hub's own runs
/// (`--all`, `--only`, `--shard`) do not come here.
fn refuse_second_collector(observed: &CollectObserved) -> Result<()> {
    let Some(marker) = observed.badge_gist.files.get(crate::hub::MARKER_FILE) else {
        return Ok(());
    };
    let hub = crate::hub::Marker::hub_of(&marker.content).unwrap_or_else(|| "a ghtraf hub".into());
    let repo = &observed.target.repo;
    Err(CliError::usage(format!(
        "the hub {hub} collects {repo} into gist {} (its {} says so): this collection would be a second collector; nothing was written",
        observed.badge_gist.id,
        crate::hub::MARKER_FILE
    ))
    .with_hint(format!(
        "let the hub collect it (disable {repo}'s own traffic-badges.yml), or stop the hub first: `ghtraf hub remove {repo}` in {hub}'s checkout"
    )))
}

/// Runs `ghtraf collect`: one repository, or the hub's (`--all`, `--only`, `--shard`).
pub fn run(
    ctx: &Context,
    mode: &crate::driver::RunMode,
    args: &CollectArgs,
) -> Result<crate::error::ExitStatus> {
    if args.many.is_hub() {
        return many::run(ctx, mode, args);
    }
    crate::driver::run(ctx, mode, &Collect { args: args.clone() })
}

/// `ghtraf collect` as the driver runs it.
pub struct Collect {
    pub args: CollectArgs,
}

/// What `collect` observed, and the client its steps write with.
pub struct CollectWorld {
    client: ghtraf_github::Client,
    observed: CollectObserved,
}

impl MutatingCommand for Collect {
    type Payload = GistWrite;
    type World = CollectWorld;

    fn observe(&self, ctx: &Context) -> Result<CollectWorld> {
        let client = api::client(ctx)?;
        let target = target::resolve_collecting(ctx, &self.args.target, &client)
            .map_err(|e| in_a_hub(ctx, &self.args.target, e))?;
        let observed = observe(ctx, target, &client)?;
        Ok(CollectWorld { client, observed })
    }

    fn plan(&self, _ctx: &Context, world: &CollectWorld) -> Result<Plan<GistWrite>> {
        refuse_second_collector(&world.observed)?;
        plan_collect(&world.observed)
    }

    /// In a terminal the day-level changes are shown: they are what is approved.
    fn terminal_detail_level(&self) -> i32 {
        1
    }

    fn heading(&self, ctx: &Context, world: &CollectWorld, _plan: &Plan<GistWrite>) -> String {
        format!(
            "Plan for `ghtraf collect` in {}/{} at {}:",
            world.observed.target.repo.owner,
            world.observed.target.repo.name,
            format_timestamp(ctx.now)
        )
    }

    fn step(
        &self,
        _ctx: &Context,
        world: &CollectWorld,
        action: &Action<GistWrite>,
        _outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        step(action, &world.client)
    }

    fn verify(
        &self,
        _ctx: &Context,
        world: &CollectWorld,
        plan: &Plan<GistWrite>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        verify(plan, results, &world.client)
    }
}

/// `collect` without `--all` in a hub's checkout that names no badge gist of its own: "run
/// `ghtraf create` first" was the only hint, where the hub wants `--all`.
fn in_a_hub(ctx: &Context, args: &target::TargetArgs, mut e: CliError) -> CliError {
    let root = crate::project::discover_root(args.repo_dir.as_deref(), &ctx.cwd);
    let hub = crate::checkout::Checkout::new(&root)
        .check(crate::hub::HUB_FILE)
        .unwrap_or(false);
    if hub && args.repo.is_none() && args.gist_id.is_none() {
        e.hints.insert(
            0,
            "this checkout is a hub: `ghtraf collect --all` collects every repository it tracks (`--only OWNER/REPO` one of them)".to_string(),
        );
    }
    e
}
