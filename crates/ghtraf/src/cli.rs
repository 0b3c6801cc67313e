//! The command line, as clap sees it.
//!
//! These structs mirror the flags one to one and carry their help text; they
//! are turned into validated settings by each command before anything else
//! happens, so nothing downstream looks at raw flags. Global flags are
//! `global = true`, so they may stand before or after the subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Show;

/// Permanent, zero-server GitHub traffic history: gists, badges and a dashboard.
///
/// Every command that changes your account or repository shows its plan first;
/// --dry-run shows exactly that plan and changes nothing.
#[derive(Debug, Parser)]
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

    /// Never ask: questions are answered by flags, or the action is skipped with a reason.
    #[arg(short = 'n', long, global = true)]
    pub non_interactive: bool,

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up traffic tracking for a repository: gists, variables, secret, workflow, dashboard.
    Create(CreateArgs),
    /// Deploy or refresh only the workflow and dashboard files (same as `create --files-only`).
    Init(DeployArgs),
    /// Merge today's traffic window into the history (what the daily workflow runs).
    Collect(crate::commands::collect::CollectArgs),
    /// One repository at a glance: gists, variables, secret, workflow, last collection, totals.
    Status(crate::commands::status::StatusArgs),
    /// Every repository you track (found by gist name), with totals and last collection.
    List(crate::commands::status::ListArgs),
    /// Check the deployment and the stored history; exit 3 on any drift.
    Verify(crate::commands::verify::VerifyArgs),
    /// Print the whole daily history (archives + state) as CSV (text/csv) or JSON.
    Export(crate::commands::export::ExportArgs),
    /// Run a plan saved with `--dry-run --plan-out PATH`, exactly as reviewed, or refuse
    /// (exit 4) if the world changed since.
    Apply {
        /// The saved plan.
        path: PathBuf,
    },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Flags shared by `create` and `init`: what to deploy and how to treat existing files.
#[derive(Debug, Args, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DeployArgs {
    /// Repository: OWNER/REPO, or REPO with --owner (default: .ghtraf.json, then the origin remote).
    #[arg(long, value_name = "[OWNER/]REPO")]
    pub repo: Option<String>,

    /// Repository owner (user or organisation).
    #[arg(long)]
    pub owner: Option<String>,

    /// Name shown on the dashboard (default: the repository name).
    #[arg(long)]
    pub display_name: Option<String>,

    /// Date the history starts from, YYYY-MM-DD (default: the repository's creation date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub created: Option<String>,

    /// Badge gist id to configure (create finds or makes it).
    #[arg(long, value_name = "ID")]
    pub gist_id: Option<String>,

    /// Archive gist id to configure (create finds or makes it).
    #[arg(long, value_name = "ID")]
    pub archive_gist_id: Option<String>,

    /// Run the traffic workflow also after these workflows complete (names); repeatable.
    #[arg(long = "ci-workflows", value_name = "NAME", num_args = 1..)]
    pub ci_workflows: Vec<String>,

    /// Name of the repository secret holding the workflow's token.
    #[arg(long, value_name = "NAME")]
    pub gist_token_name: Option<String>,

    /// Command the workflow uses to install ghtraf (default: this version's release binary, checked against SHA256SUMS).
    #[arg(long, value_name = "COMMAND")]
    pub install_command: Option<String>,

    /// The repository checkout to write into (default: nearest .ghtraf.json or .git upwards).
    #[arg(long, value_name = "DIR")]
    pub repo_dir: Option<PathBuf>,

    /// Overwrite files that differ from the templates.
    #[arg(long, conflicts_with = "skip_existing")]
    pub force: bool,

    /// Keep files that differ from the templates.
    #[arg(long)]
    pub skip_existing: bool,

    /// Show the unified diff of every file that would change.
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CreateArgs {
    #[command(flatten)]
    pub deploy: DeployArgs,

    /// Only deploy files; touch nothing on GitHub (this is `init`).
    #[arg(long)]
    pub files_only: bool,

    /// Do not set the repository variables.
    #[arg(long)]
    pub skip_variables: bool,

    /// Do not write any file into the repository.
    #[arg(long, conflicts_with = "files_only")]
    pub skip_files: bool,

    /// Replace the workflow token secret even if it exists.
    #[arg(long)]
    pub update_secret: bool,

    /// Read the workflow token from standard input (instead of $GHTRAF_GIST_TOKEN or a prompt).
    #[arg(long)]
    pub gist_token_stdin: bool,

    /// Enable GitHub Pages from the default branch's /docs folder.
    #[arg(long)]
    pub enable_pages: bool,
}

impl Cli {
    pub fn parse_show(&self) -> Result<Vec<Show>, String> {
        self.global.show.iter().map(|s| s.parse()).collect()
    }
}
