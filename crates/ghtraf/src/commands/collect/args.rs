//! The flags of `collect`, beside the command.

use crate::target::TargetArgs;

#[derive(Debug, Clone, Default, clap::Args, serde::Serialize, serde::Deserialize)]
pub struct CollectArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    #[serde(default)]
    pub many: ManyArgs,
}

/// Collecting many repositories from a hub checkout (`.ghtraf-hub.json`).
#[derive(Debug, Clone, Default, clap::Args, serde::Serialize, serde::Deserialize)]
pub struct ManyArgs {
    /// Collect every repository the hub tracks (.ghtraf-hub.json in this checkout).
    #[arg(long, conflicts_with_all = ["repo", "gist_id", "archive_gist_id"])]
    #[serde(default)]
    pub all: bool,

    /// Collect only this tracked repository (repeatable); implies hub mode.
    #[arg(long, value_name = "OWNER/REPO", conflicts_with_all = ["repo", "gist_id", "archive_gist_id"])]
    #[serde(default)]
    pub only: Vec<String>,

    /// Collect only shard I of N of the hub's repositories (stable by name); implies hub mode.
    #[arg(long, value_name = "I/N", conflicts_with_all = ["repo", "gist_id", "archive_gist_id"])]
    #[serde(default)]
    pub shard: Option<String>,
}

impl ManyArgs {
    /// Whether the hub's repositories, not one repository, are collected.
    pub fn is_hub(&self) -> bool {
        self.all || !self.only.is_empty() || self.shard.is_some()
    }
}
