//! The flags of `create` and `init`, beside the command they configure.
//! Those `upgrade` shares are declared once, in [`crate::repo_args`].

use clap::Args;

pub use crate::repo_args::{RepoArgs, SecretArgs};

/// Flags shared by `create` and `init`: what to deploy and how to treat existing files.
#[derive(Debug, Args, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DeployArgs {
    /// The flags `upgrade` has too (their keys stay at this level in a saved plan).
    #[command(flatten)]
    #[serde(flatten)]
    pub common: RepoArgs,

    /// Date the history starts from, YYYY-MM-DD (default: the repository's creation date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub created: Option<String>,

    /// Run the traffic workflow also after these workflows complete: one or more names.
    #[arg(long = "ci-workflows", value_name = "NAME", num_args = 1..)]
    pub ci_workflows: Vec<String>,
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

    #[command(flatten)]
    #[serde(flatten)]
    pub secret: SecretArgs,

    /// Enable GitHub Pages from the default branch's /docs folder.
    #[arg(long)]
    pub enable_pages: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(flatten)]
        args: DeployArgs,
    }

    /// The README writes `--ci-workflows NAME…`: several names after one flag.
    #[test]
    fn ci_workflows_takes_several_names() {
        let w = Wrap::try_parse_from(["x", "--ci-workflows", "CI", "Build"]).unwrap();
        assert_eq!(w.args.ci_workflows, ["CI", "Build"]);
        let w = Wrap::try_parse_from(["x", "--ci-workflows", "CI", "--ci-workflows", "B"]).unwrap();
        assert_eq!(w.args.ci_workflows, ["CI", "B"]);
    }
}
