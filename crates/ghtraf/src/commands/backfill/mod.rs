//! `ghtraf backfill`: history that `collect` can no longer see, recovered from
//! GitHub itself (stars, forks, past CI runs, the badge gist's revisions) or
//! from other trackers' files, and added to the permanent history without
//! lowering or inventing anything.
//!
//! The pure parts live in one module per concern: [`source`] (what `--from`
//! names), [`series`] (stars/forks → cumulative series), [`ci`] (runs and
//! jobs → CI figures of held days), [`gist_history`] (revisions → lost
//! days), [`imports`] (where other trackers keep their files), [`budget`]
//! (API requests against the rate limit), [`range`] (`--since`/`--until`) and
//! [`input`] (what every source hands to the merge).

pub mod budget;
pub mod ci;
pub mod gist_history;
pub mod imports;
pub mod input;
pub mod range;
pub mod series;
pub mod source;

mod args;
mod execute;
mod observe;
mod payload;
mod plan;
mod reader;
mod verify;

pub use self::args::{BackfillArgs, BACKFILL_HELP};
pub use self::execute::step;
pub use self::observe::{observe, BackfillObserved};
pub use self::payload::BackfillWrite;
pub use self::plan::plan_backfill;
pub use self::verify::verify;

use ghtraf_plan::{Action, ActionResult, Finding, Outcome, Outputs, Plan, StepError};
use ghtraf_traffic::format_timestamp;

use crate::api;
use crate::context::Context;
use crate::driver::MutatingCommand;
use crate::error::Result;
use crate::target;

/// `ghtraf backfill` as the driver runs it.
pub struct Backfill {
    pub args: BackfillArgs,
    /// `--fail-fast`: a source that is not available stops the run before anything is written.
    pub fail_fast: bool,
}

/// What `backfill` observed, and the client its steps write with.
pub struct BackfillWorld {
    client: ghtraf_github::Client,
    observed: BackfillObserved,
}

impl MutatingCommand for Backfill {
    type Payload = BackfillWrite;
    type World = BackfillWorld;

    fn observe(&self, ctx: &Context) -> Result<BackfillWorld> {
        let client = api::client(ctx)?;
        let target = target::resolve_by_name(ctx, &self.args.target, &client)?;
        let observed = observe(ctx, &self.args, target, &client, self.fail_fast)?;
        Ok(BackfillWorld { client, observed })
    }

    fn plan(&self, ctx: &Context, world: &BackfillWorld) -> Result<Plan<BackfillWrite>> {
        plan_backfill(&world.observed, ctx.now)
    }

    fn heading(&self, ctx: &Context, world: &BackfillWorld, plan: &Plan<BackfillWrite>) -> String {
        let mut heading = format!(
            "Plan for `ghtraf backfill` in {}/{} at {}:",
            world.observed.target.repo.owner,
            world.observed.target.repo.name,
            format_timestamp(ctx.now)
        );
        if let Some(lines) = plan.context.get("sources").and_then(|v| v.as_array()) {
            for line in lines.iter().filter_map(|l| l.as_str()) {
                heading.push_str("\n  ");
                heading.push_str(line);
            }
        }
        heading.push_str("\n  rate limit: ");
        heading.push_str(&world.observed.budget.summary());
        heading
    }

    fn step(
        &self,
        _ctx: &Context,
        world: &BackfillWorld,
        action: &Action<BackfillWrite>,
        _outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        step(action, &world.client)
    }

    /// A source named with `--from` that was not read (over the request budget, or not
    /// available) leaves the run short of what was asked: exit 3, naming the source and
    /// why (the over-budget reason names the `--max-requests` figure that allows it).
    fn left_undone(&self, plan: &Plan<BackfillWrite>) -> Vec<String> {
        crate::driver::context_records(plan, plan::NOT_READ, ["source", "cause", "why"])
            .into_iter()
            .map(|[source, cause, why]| format!("not backfilled from {source} ({cause}): {why}"))
            .collect()
    }

    fn verify(
        &self,
        _ctx: &Context,
        world: &BackfillWorld,
        plan: &Plan<BackfillWrite>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        verify(plan, results, &world.observed.target, &world.client)
    }
}
