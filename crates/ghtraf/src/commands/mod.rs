//! One module per command, and the one list of plannable commands.
//!
//! Mutating commands implement [`crate::driver::MutatingCommand`] (observe →
//! plan → step → verify → finish) and are run only through
//! [`crate::driver::run`]; `init` is `create --files-only`.
//! [`Invocation`] is the list of commands whose plans can be saved with
//! `--plan-out` and run by `ghtraf apply`. Adding a plannable command touches
//! this file only: a [`Command`] variant, an [`Invocation`] variant, and its
//! arms in [`Invocation::of`] and [`run_invocation`].

use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand};
use serde::{Deserialize, Serialize};

use crate::cli::{
    ApiArgs, ApplyModeArgs, ConfigArgs, ExportFormatArgs, FormatArg, FormatArgs, GlobalArgs,
    RunFlags, RunModeArgs, Shared,
};
use crate::context::Context;
use crate::driver::{self, RunMode};
use crate::error::{CliError, ExitStatus, Result};
use crate::help;
use crate::saved;

pub mod backfill;
pub mod collect;
pub mod create;
pub mod export;
pub mod hub;
pub mod status;
pub mod upgrade;
pub mod verify;

use create::{CreateArgs, DeployArgs};

/// Permanent, zero-server GitHub traffic history: gists, badges and a dashboard.
///
/// Every command that changes your account or repository shows its plan first;
/// --dry-run shows exactly that plan and changes nothing.
#[derive(Debug, Parser)]
#[command(
    after_help = "Examples:\n  ghtraf create --dry-run && ghtraf create\n  ghtraf status\n  ghtraf export > traffic.csv\n\n`ghtraf help COMMAND` or `ghtraf COMMAND --help` shows a command's flags and examples."
)]
#[command(
    name = "ghtraf",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Every command, with the shared flag groups it takes (`crate::cli`): a group
/// is flattened into a command only when its flags act for it, so clap
/// refuses the rest and help, man pages and completions never offer them.
/// [`Command::shared`] reads them, one exhaustive match: a new command states
/// what it takes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up traffic tracking for a repository: gists, variables, secret, workflow, dashboard.
    #[command(after_help = help::CREATE)]
    Create {
        #[command(flatten)]
        args: CreateArgs,
        #[command(flatten)]
        run: RunModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Deploy or refresh only the workflow and dashboard files (same as `create --files-only`).
    #[command(after_help = help::INIT)]
    Init {
        #[command(flatten)]
        args: DeployArgs,
        #[command(flatten)]
        run: RunModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        // No GitHub call, but the dashboard's config records the API base it reads.
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Merge today's traffic window into the history (what the daily workflow runs).
    #[command(after_help = help::COLLECT)]
    Collect {
        #[command(flatten)]
        args: collect::CollectArgs,
        #[command(flatten)]
        run: RunModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Bring an earlier deployment (the Python original of any version, an older ghtraf)
    /// to this ghtraf, keeping every day and every badge URL.
    #[command(after_help = help::UPGRADE)]
    Upgrade {
        #[command(flatten)]
        args: upgrade::args::UpgradeArgs,
        #[command(flatten)]
        run: RunModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// One repository at a glance: gists, variables, secret, workflow, last collection, totals.
    #[command(after_help = help::STATUS)]
    Status {
        #[command(flatten)]
        args: status::StatusArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Every repository you track (found by gist name), with totals and last collection.
    #[command(after_help = help::LIST)]
    List {
        #[command(flatten)]
        args: status::ListArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Collect many repositories from one hub: `hub init`, `hub add`, `hub remove`.
    #[command(after_help = help::HUB)]
    Hub {
        #[command(flatten)]
        args: hub::HubArgs,
        #[command(flatten)]
        run: RunModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Check the deployment and the stored history; exit 3 on any drift.
    #[command(after_help = help::VERIFY)]
    Verify {
        #[command(flatten)]
        args: verify::VerifyArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Print the whole daily history (archives + state) as CSV (text/csv) or JSON.
    #[command(after_help = help::EXPORT)]
    Export {
        #[command(flatten)]
        args: export::ExportArgs,
        #[command(flatten)]
        format: ExportFormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Add history collect can no longer see: stars, forks, past CI, gist revisions, other
    /// trackers' files. Never lowers or invents a collected figure (organic ones are derived).
    #[command(after_help = help::BACKFILL, after_long_help = backfill_long_help())]
    Backfill {
        #[command(flatten)]
        args: backfill::BackfillArgs,
        #[command(flatten)]
        run: RunModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Run a plan saved with `--dry-run --plan-out PATH`, exactly as reviewed, or refuse
    /// (exit 4) if the world changed since.
    #[command(after_help = help::APPLY)]
    Apply {
        /// The saved plan.
        path: PathBuf,
        #[command(flatten)]
        run: ApplyModeArgs,
        #[command(flatten)]
        format: FormatArgs,
        // Checked against the API the plan was made for.
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Print shell completions.
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): ghtraf(1), or ghtraf-COMMAND(1) for one command.
    #[command(after_help = help::MAN)]
    Man {
        /// The command whose page to print (default: ghtraf itself), as its
        /// words (`hub add`) or its page's name (`hub-add`, `ghtraf-hub-add`).
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
        /// Print the name of every page, one a line (`ghtraf man NAME` prints it).
        #[arg(long, conflicts_with = "command")]
        list: bool,
    },
}

impl Command {
    /// The shared flags this command took.
    pub fn shared(&self) -> Shared<'_> {
        fn shared<'a>(
            run: RunFlags<'a>,
            format: FormatArg,
            config: Option<&'a ConfigArgs>,
            api: &'a ApiArgs,
        ) -> Shared<'a> {
            Shared {
                run,
                format,
                config: config.and_then(|c| c.config.as_deref()),
                api_url: api.api_url.as_deref(),
            }
        }
        let plan = RunFlags::Plan;
        match self {
            Command::Create {
                run,
                format,
                config,
                api,
                ..
            }
            | Command::Init {
                run,
                format,
                config,
                api,
                ..
            }
            | Command::Collect {
                run,
                format,
                config,
                api,
                ..
            }
            | Command::Backfill {
                run,
                format,
                config,
                api,
                ..
            } => shared(plan(run), format.format.into(), Some(config), api),
            Command::Upgrade {
                run, format, api, ..
            }
            | Command::Hub {
                run, format, api, ..
            } => shared(plan(run), format.format.into(), None, api),
            Command::Status {
                format,
                config,
                api,
                ..
            }
            | Command::Verify {
                format,
                config,
                api,
                ..
            } => shared(RunFlags::None, format.format.into(), Some(config), api),
            Command::Export {
                format,
                config,
                api,
                ..
            } => shared(RunFlags::None, format.format, Some(config), api),
            Command::List { format, api, .. } => {
                shared(RunFlags::None, format.format.into(), None, api)
            }
            Command::Apply {
                run, format, api, ..
            } => shared(RunFlags::Apply(run), format.format.into(), None, api),
            Command::Completions { .. } | Command::Man { .. } => Shared::NONE,
        }
    }
}

/// `backfill --help`: its sources, then its examples (`-h` shows only the examples).
fn backfill_long_help() -> String {
    format!("{}\n\n{}", backfill::BACKFILL_HELP, help::BACKFILL)
}

/// Runs the command the user typed.
pub fn dispatch(
    ctx: &mut Context,
    mode: RunMode,
    command: &Command,
    csv: bool,
) -> Result<ExitStatus> {
    if let Some(invocation) = Invocation::of(command) {
        return run_invocation(ctx, mode, &invocation);
    }
    match command {
        Command::Create { .. }
        | Command::Init { .. }
        | Command::Collect { .. }
        | Command::Hub { .. }
        | Command::Upgrade { .. }
        | Command::Backfill { .. } => Err(CliError::internal(
            "internal error: a planning command without an invocation",
        )),
        Command::Apply { path, .. } => apply(ctx, mode, path),
        Command::Export { args, .. } => export::run(ctx, args, csv),
        Command::Verify { args, .. } => verify::run(ctx, args),
        Command::Status { args, .. } => status::status(ctx, args),
        Command::List { args, .. } => status::list(ctx, args),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "ghtraf", &mut buf);
            ctx.reporter.raw(&String::from_utf8_lossy(&buf));
            Ok(ExitStatus::Success)
        }
        Command::Man { command, list } => {
            let page = if *list {
                let mut names = help::man_pages(&Cli::command()).join("\n");
                names.push('\n');
                names
            } else {
                help::man_page(Cli::command(), command)?
            };
            ctx.reporter.raw(&page);
            Ok(ExitStatus::Success)
        }
    }
}

/// A planning command, as parsed (and as a saved plan records it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", content = "args", rename_all = "snake_case")]
pub enum Invocation {
    Create(CreateArgs),
    Init(DeployArgs),
    Collect(collect::CollectArgs),
    Hub(hub::HubArgs),
    Upgrade(upgrade::args::UpgradeArgs),
    Backfill(backfill::BackfillArgs),
}

impl Invocation {
    /// The planning command `command` is, if it is one.
    pub fn of(command: &Command) -> Option<Invocation> {
        match command {
            Command::Create { args, .. } => Some(Invocation::Create(args.clone())),
            Command::Init { args, .. } => Some(Invocation::Init(args.clone())),
            Command::Collect { args, .. } => Some(Invocation::Collect(args.clone())),
            Command::Hub { args, .. } => Some(Invocation::Hub(args.clone())),
            Command::Upgrade { args, .. } => Some(Invocation::Upgrade(args.clone())),
            Command::Backfill { args, .. } => Some(Invocation::Backfill(args.clone())),
            _ => None,
        }
    }
}

/// Runs a planning command through the driver.
pub fn run_invocation(ctx: &Context, mode: RunMode, invocation: &Invocation) -> Result<ExitStatus> {
    let recorded = serde_json::to_value(invocation).map_err(|e| {
        CliError::internal(format!("internal error: cannot record the command: {e}"))
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
        Invocation::Collect(args) => collect::run(ctx, &mode, args),
        Invocation::Hub(args) => driver::run(
            ctx,
            &mode,
            &hub::Hub {
                args: args.with_names_parsed(ctx)?,
            },
        ),
        Invocation::Upgrade(args) => driver::run(
            ctx,
            &mode,
            &upgrade::command::Upgrade { args: args.clone() },
        ),
        Invocation::Backfill(args) => driver::run(
            ctx,
            &mode,
            &backfill::Backfill {
                args: args.clone(),
                fail_fast: mode.fail_fast(),
            },
        ),
    }
}

/// `ghtraf apply FILE`: the saved command, re-planned at its pinned time in its
/// directory, run only if the plan is unchanged.
pub fn apply(ctx: &mut Context, mode: RunMode, path: &Path) -> Result<ExitStatus> {
    let path = ctx.cwd.join(path);
    let saved: saved::SavedPlan<Invocation> = saved::read(&path)?;
    ctx.now = saved::planned_at(&saved)?;
    ctx.cwd = saved.cwd.clone();
    ctx.api_url = saved::api_for_apply(ctx, &saved)?;
    ctx.config = saved.config.clone();
    ctx.interactive = false;
    let mode = mode.expecting(saved.plan.clone());
    run_invocation(ctx, mode, &saved.invocation)
}
