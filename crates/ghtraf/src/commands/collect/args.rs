//! The flags of `collect`, beside the command.

use crate::target::TargetArgs;

#[derive(Debug, Clone, Default, clap::Args, serde::Serialize, serde::Deserialize)]
pub struct CollectArgs {
    #[command(flatten)]
    pub target: TargetArgs,
}
