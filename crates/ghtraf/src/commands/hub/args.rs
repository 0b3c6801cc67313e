//! `ghtraf hub`'s flags and subcommands (`hub init`, `hub add`, `hub remove`), and the
//! one normalisation they get before anything is observed: repository names in every form
//! `-R` takes become OWNER/REPO. Kept apart from the command so `mod.rs` holds the run.

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::error::Result;

#[derive(Debug, Clone, clap::Args, Serialize, Deserialize)]
pub struct HubArgs {
    #[command(subcommand)]
    pub action: HubAction,
}

#[derive(Debug, Clone, clap::Subcommand, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubAction {
    /// Make this checkout a hub: its badge gist and token secret (adopted, or made as `create` makes them), .ghtraf-hub.json, the hub workflow and the portfolio page.
    #[command(after_help = crate::help::HUB_INIT)]
    Init {
        /// The hub repository, OWNER/REPO or its URL (default: the hub .ghtraf-hub.json names,
        /// $GITHUB_REPOSITORY, the origin remote); where .ghtraf-hub.json names a hub, another
        /// one (here or in $GITHUB_REPOSITORY) is refused.
        #[arg(short = 'R', long, value_name = "OWNER/REPO")]
        repo: Option<String>,
        /// Command the hub workflow uses to install ghtraf, replacing the whole install step
        /// (default: this version's release binary, checked against SHA256SUMS before it runs,
        /// as in traffic-badges.yml; kept for later runs).
        #[arg(long, value_name = "CMD")]
        install_command: Option<String>,
        /// Releases page the hub workflow downloads ghtraf from: it must hold
        /// download/vVERSION/SHA256SUMS and the archives (forks, GitHub Enterprise mirrors)
        /// [default: the one the hub workflow names, else https://github.com/ghtraf/ghtraf/releases].
        #[arg(long, value_name = "URL")]
        #[serde(default)]
        releases_url: Option<String>,
        /// The hub's secret holding the token (default: TRAFFIC_GIST_TOKEN, as `create` stores it).
        #[arg(long, value_name = "NAME")]
        gist_token_name: Option<String>,
        /// Read the workflow token from standard input (else $GHTRAF_GIST_TOKEN, or asked at apply).
        #[arg(long)]
        #[serde(default)]
        gist_token_stdin: bool,
        /// Replace the token the hub's secret holds.
        #[arg(long)]
        #[serde(default)]
        update_secret: bool,
    },
    /// Track repositories from this hub: adopt the gists `ghtraf create` made for them, create those they lack.
    #[command(after_help = crate::help::HUB_ADD)]
    Add {
        /// The repositories to track: OWNER/REPO, or any form -R takes (HOST/OWNER/REPO,
        /// https://HOST/OWNER/REPO, git@HOST:OWNER/REPO.git).
        #[arg(required = true, value_name = "OWNER/REPO")]
        repos: Vec<String>,
        /// Disable a repository's own active traffic-badges.yml so only the hub collects it
        /// (default: keep it, and the hub skips that repository).
        #[arg(long)]
        retire_own_workflow: bool,
    },
    /// Stop tracking repositories (their gists and history stay).
    #[command(after_help = crate::help::HUB_REMOVE)]
    Remove {
        /// The repositories to stop tracking: OWNER/REPO, or any form -R takes
        /// (HOST/OWNER/REPO, https://HOST/OWNER/REPO, git@HOST:OWNER/REPO.git).
        #[arg(required = true, value_name = "OWNER/REPO")]
        repos: Vec<String>,
    },
}

impl HubArgs {
    /// `hub add`/`hub remove` take every form `-R` takes (README "Naming a
    /// repository"): the names as OWNER/REPO, before anything is observed
    /// or planned.
    pub fn with_names_parsed(&self, ctx: &Context) -> Result<HubArgs> {
        let hosts = crate::repo_name::hosts(&|k| ctx.env(k));
        let mut args = self.clone();
        if let HubAction::Add { repos, .. } | HubAction::Remove { repos, .. } = &mut args.action {
            for r in repos.iter_mut() {
                *r = crate::repo_name::parse(r, &hosts)?.to_string();
            }
        }
        Ok(args)
    }
}
