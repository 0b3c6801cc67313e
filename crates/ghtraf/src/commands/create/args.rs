//! The flags of `create` and `init`, beside the command they configure.

use std::path::PathBuf;

use clap::Args;

/// Flags shared by `create` and `init`: what to deploy and how to treat existing files.
#[derive(Debug, Args, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DeployArgs {
    /// Repository: OWNER/REPO or its URL, or REPO with --owner (default: $GITHUB_REPOSITORY,
    /// .ghtraf.json, the origin remote).
    #[arg(short = 'R', long, value_name = "[OWNER/]REPO")]
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

    /// Command the workflow uses to install ghtraf, replacing the whole install step
    /// (default: this version's release binary, checked against SHA256SUMS before it runs).
    #[arg(long, value_name = "COMMAND")]
    pub install_command: Option<String>,

    /// Releases page the workflow downloads ghtraf from: it must hold
    /// download/vVERSION/SHA256SUMS and the archives (forks, GitHub Enterprise mirrors)
    /// [default: https://github.com/ghtraf/ghtraf/releases].
    #[arg(long, value_name = "URL")]
    pub releases_url: Option<String>,

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
    #[arg(long, long_help = crate::tokens::workflow_token_help())]
    pub gist_token_stdin: bool,

    /// Enable GitHub Pages from the default branch's /docs folder.
    #[arg(long)]
    pub enable_pages: bool,
}
