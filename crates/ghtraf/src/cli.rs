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

/// `--color WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// What `--show` accepts (and completion offers instead of file names): the
/// channels of `output::Channel`, bare or with a level, and `help`.
pub const SHOW_VALUES: [&str; 34] = [
    "help",
    "list",
    "api",
    "api:0",
    "api:1",
    "api:2",
    "config",
    "config:0",
    "config:1",
    "config:2",
    "gist",
    "gist:0",
    "gist:1",
    "gist:2",
    "setup",
    "setup:0",
    "setup:1",
    "setup:2",
    "general",
    "general:0",
    "general:1",
    "general:2",
    "hint",
    "hint:0",
    "hint:1",
    "hint:2",
    "error",
    "error:0",
    "error:1",
    "error:2",
    "trace",
    "trace:0",
    "trace:1",
    "trace:2",
];

/// Flags every command takes; `--help` lists them after the command's own
/// (gh's FLAGS, then INHERITED FLAGS).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// More detail: -v shows plan details and API calls, -vv payloads and diffs.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Less output: -Q hides hints, -QQ leaves warnings and errors, -QQQ errors only, -QQQQ silent.
    #[arg(short = 'Q', long = "quiet", action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,

    /// Show one diagnostic channel (api, config, gist, setup, general, hint, error, trace)
    /// up to LEVEL, or all its levels; repeatable. `--show help` lists the channels.
    #[arg(
        long = "show",
        value_name = "CHANNEL[:LEVEL]",
        global = true,
        value_parser = clap::builder::PossibleValuesParser::new(SHOW_VALUES),
        hide_possible_values = true
    )]
    pub show: Vec<String>,

    /// Never colour output (also: NO_COLOR=1; CLICOLOR_FORCE=1 forces colour).
    #[arg(long, global = true, conflicts_with = "color")]
    pub no_color: bool,

    /// When to colour output: auto (a terminal, NO_COLOR and CLICOLOR_FORCE respected),
    /// always or never.
    #[arg(long, value_enum, value_name = "WHEN", global = true)]
    pub color: Option<ColorArg>,

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
