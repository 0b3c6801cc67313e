//! One hub per checkout, one hub per gist. A hub checkout's `.ghtraf-hub.json`
//! names the hub whose files it holds, and every repository it tracks carries
//! that hub's mark in its badge gist (`hub.json`): `hub init -R OTHER` there
//! would move the hub to OTHER while those marks still name the first one, and
//! two hubs would then write the same gists. So `hub init` refuses a
//! repository other than the checkout's hub (exit 2, naming both), as
//! `create` refuses one other than `.ghtraf.json`'s.

use std::path::Path;

use ghtraf_github::RepoRef;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::hub::{HubConfig, HUB_FILE};
use crate::repo_name::{self, Source};

/// The repository `hub init` makes the hub: `-R`, `$GITHUB_REPOSITORY`, the
/// checkout's hub file, the origin remote (README "Naming a repository").
/// One named by `-R` or `$GITHUB_REPOSITORY` that is not the hub the
/// checkout's hub file names is refused.
pub(super) fn init_repo(
    ctx: &Context,
    root: &Path,
    flag: Option<&str>,
    existing: Option<&HubConfig>,
) -> Result<RepoRef> {
    let environment = ctx
        .env("GITHUB_REPOSITORY")
        .is_some_and(|v| !v.trim().is_empty());
    let Some(existing) = existing.filter(|_| flag.is_some() || environment) else {
        let named = flag.map(str::to_string).or(existing.map(|h| h.hub.clone()));
        return repo_name::resolve_for(ctx, root, named.as_deref(), None, None);
    };
    let (repo, source) = repo_name::resolve_sourced(ctx, root, flag, None, None)?;
    refuse_other_hub(&existing.hub, &repo, &source)?;
    Ok(repo)
}

/// `repo` (named by `source`) is not `hub`, the hub this checkout's hub file is for.
fn refuse_other_hub(hub: &str, repo: &RepoRef, source: &Source) -> Result<()> {
    let named = format!("{}/{}", repo.owner, repo.name);
    if named.eq_ignore_ascii_case(hub.trim()) {
        return Ok(());
    }
    let (by, drop) = match source {
        Source::Environment => ("$GITHUB_REPOSITORY names", "unset GITHUB_REPOSITORY"),
        _ => ("--repo names", "leave out --repo"),
    };
    Err(CliError::usage(format!(
        "this checkout's {HUB_FILE} is the hub {hub}'s, but {by} {named}: the repositories it tracks carry {hub}'s mark, and a second hub would write the same gists; nothing was changed"
    ))
    .with_hint(format!(
        "to set up {named} as a hub, run `ghtraf hub init` in {named}'s checkout; to re-run it for {hub}, run `ghtraf hub init` here and {drop}"
    )))
}
