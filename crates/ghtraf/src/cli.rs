//! The global flags, as clap sees them.
//!
//! They mirror the flags one to one and carry their help text. Global flags
//! are `global = true`, so they may stand before or after the subcommand.
//! A leaf: each command's own flags live beside it (`commands/*/args.rs`),
//! the subcommand list in `commands`, and the run-mode flags are read only by
//! the driver's one constructor.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FormatArg {
    #[default]
    Text,
    Json,
    /// Only for `export`.
    Csv,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// More detail: -v shows plan details and API calls, -vv payloads and diffs.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Less output: -Q hides hints, -QQ leaves warnings and errors, -QQQ errors only, -QQQQ silent.
    #[arg(short = 'Q', long = "quiet", action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,

    /// Show one diagnostic channel (api, config, gist, setup, general, hint, error, trace)
    /// up to LEVEL, or all its levels; repeatable. `--show help` lists the channels.
    #[arg(long = "show", value_name = "CHANNEL[:LEVEL]", global = true)]
    pub show: Vec<String>,

    /// Never colour output (also: NO_COLOR=1; CLICOLOR_FORCE=1 forces colour).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Use this .ghtraf.json instead of the one found in the repository.
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Output format of plans and results (csv: only for export).
    #[arg(long, value_enum, default_value_t = FormatArg::Text, global = true)]
    pub format: FormatArg,

    /// Never ask: questions are answered by flags, or the action is skipped with a reason;
    /// the plan is applied as shown (also: CI=true).
    #[arg(short = 'n', long, global = true)]
    pub non_interactive: bool,

    /// Apply the plan shown without asking for approval (other questions are still asked
    /// in a terminal). Needed to apply when the plan cannot be shown and asked about
    /// (stdin or stdout not a terminal, --format json), unless -n.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Show the plan and change nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// With --dry-run: exit 5 when the plan has changes, 0 when it has none.
    #[arg(long, global = true)]
    pub detailed_exitcode: bool,

    /// With --dry-run: save the plan to PATH for `ghtraf apply PATH`.
    #[arg(long, value_name = "PATH", global = true)]
    pub plan_out: Option<PathBuf>,

    /// Stop at the first failed action instead of continuing with independent ones.
    #[arg(long, global = true)]
    pub fail_fast: bool,

    /// GitHub API base URL (default: $GHTRAF_API_URL, GH_HOST's /api/v3, or https://api.github.com).
    #[arg(long, value_name = "URL", global = true)]
    pub api_url: Option<String>,
}
