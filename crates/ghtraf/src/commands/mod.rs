//! One module per command, and the one list of plannable commands.
//!
//! Mutating commands implement [`crate::driver::MutatingCommand`] (observe →
//! plan → step → verify → finish) and are run only through
//! [`crate::driver::run`]; `setup` holds what `create` and `init` share.
//! [`Invocation`] is the list of commands whose plans can be saved with
//! `--plan-out` and run by `ghtraf apply`: adding a plannable command adds a
//! variant there and an arm in [`run_invocation`].

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cli::{CreateArgs, DeployArgs};
use crate::context::Context;
use crate::driver::{self, RunMode};
use crate::error::{CliError, Result};
use crate::saved;

pub mod collect;
pub mod create;
pub mod export;
pub mod setup;
pub mod status;
pub mod target;
pub mod verify;

/// A planning command, as parsed (and as a saved plan records it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", content = "args", rename_all = "snake_case")]
pub enum Invocation {
    Create(CreateArgs),
    Init(DeployArgs),
    Collect(collect::CollectArgs),
}

/// Runs a planning command through the driver.
pub fn run_invocation(ctx: &Context, mode: RunMode, invocation: &Invocation) -> Result<u8> {
    let recorded = serde_json::to_value(invocation).map_err(|e| {
        CliError::runtime(format!("internal error: cannot record the command: {e}"))
    })?;
    let mode = mode.saving_as(recorded);
    match invocation {
        Invocation::Create(args) => driver::run(ctx, &mode, &create::Create { args: args.clone() }),
        Invocation::Init(deploy) => driver::run(
            ctx,
            &mode,
            &create::Create {
                args: CreateArgs {
                    deploy: deploy.clone(),
                    files_only: true,
                    ..CreateArgs::default()
                },
            },
        ),
        Invocation::Collect(args) => {
            driver::run(ctx, &mode, &collect::Collect { args: args.clone() })
        }
    }
}

/// `ghtraf apply FILE`: the saved command, re-planned at its pinned time in its
/// directory, run only if the plan is unchanged.
pub fn apply(ctx: &mut Context, mode: RunMode, path: &Path) -> Result<u8> {
    let path = ctx.cwd.join(path);
    let saved: saved::SavedPlan<Invocation> = saved::read(&path)?;
    ctx.now = saved::planned_at(&saved)?;
    ctx.cwd = saved.cwd.clone();
    if ctx.api_url.is_none() {
        ctx.api_url = saved.api_url.clone();
    }
    ctx.config = saved.config.clone();
    ctx.interactive = false;
    let mode = mode.expecting(saved.plan.clone());
    run_invocation(ctx, mode, &saved.invocation)
}
