//! The deployment's names: what `create` makes and every other command finds.
//!
//! Gist descriptions and roles, the repository variables and secret, the
//! archive gist's month files. Commands import these instead of importing
//! each other, so the convention has one definition and `list` finds exactly
//! what `create` made.

use ghtraf_github::{Gist, GitHubRead, RepoRef};
use ghtraf_traffic::{archive_period_of_file, import_archives, ArchiveMonth};

use crate::error::{CliError, Result};

/// The repository secret holding the workflow's token, unless renamed.
pub const DEFAULT_TOKEN_NAME: &str = "TRAFFIC_GIST_TOKEN";
/// The repository variable naming the badge gist.
pub const BADGE_VARIABLE: &str = "TRAFFIC_GIST_ID";
/// The repository variable naming the archive gist.
pub const ARCHIVE_VARIABLE: &str = "TRAFFIC_ARCHIVE_GIST_ID";

/// Which of the deployment's two gists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GistRole {
    /// State and the four shields.io badge files; rewritten daily.
    Badges,
    /// One file per finished month, and the index.
    Archive,
}

impl GistRole {
    pub fn name(self) -> &'static str {
        match self {
            GistRole::Badges => "badges",
            GistRole::Archive => "archive",
        }
    }
}

/// The gist naming convention other commands (and `list`) find gists by.
pub fn gist_description(repo: &RepoRef, role: GistRole) -> String {
    format!("[GTT] {}/{} · {}", repo.owner, repo.name, role.name())
}

/// `description` is the deployment's name for `role` of `repo`, in any letter
/// case (GitHub's names are case-insensitive, and an earlier run given
/// `OCTO/Demo` named its gists so).
pub fn names_gist(description: &str, repo: &RepoRef, role: GistRole) -> bool {
    description.eq_ignore_ascii_case(&gist_description(repo, role))
}

/// The repository a badge gist description names, if it follows the convention.
pub fn tracked_repo(description: &str) -> Option<RepoRef> {
    let rest = description.strip_prefix("[GTT] ")?;
    let (repo, role) = rest.rsplit_once(" · ")?;
    let parsed = RepoRef::parse(repo).ok()?;
    (gist_description(&parsed, GistRole::Badges) == description && role == "badges")
        .then_some(parsed)
}

/// A badge gist is written only for the repository its `state.json` is about:
/// merges never lower a figure, so another repository's traffic merged in
/// could not be taken out again. `github_name` is GitHub's name for `repo`.
/// A state that names no repository (or does not parse: the planner says
/// so) is accepted; names compare in any letter case, as GitHub's do, and a
/// state naming the repository's old name is accepted when GitHub answers
/// that name with this repository (a rename).
pub fn check_state_repo(
    gh: &dyn GitHubRead,
    gist: &Gist,
    repo: &RepoRef,
    github_name: &str,
) -> Result<()> {
    let Some(said) = state_repo(gist) else {
        return Ok(());
    };
    let named = format!("{}/{}", repo.owner, repo.name);
    if said.eq_ignore_ascii_case(&named) || said.eq_ignore_ascii_case(github_name) {
        return Ok(());
    }
    let renamed = RepoRef::parse(&said)
        .ok()
        .and_then(|old| gh.repo(&old).ok())
        .is_some_and(|r| r.full_name.eq_ignore_ascii_case(github_name));
    if renamed {
        return Ok(());
    }
    Err(CliError::runtime(format!(
        "gist {} holds the traffic of {said} (its state.json says so), not of {named}; nothing was written",
        gist.id
    ))
    .with_hint(format!(
        "name {named}'s own badge gist: its {BADGE_VARIABLE} variable or --gist-id (`ghtraf status -R {named}` shows the gists found for it)"
    )))
}

/// The repository a badge gist's `state.json` names, if it names one.
fn state_repo(gist: &Gist) -> Option<String> {
    let file = gist.files.get(ghtraf_traffic::STATE_FILE)?;
    let state: serde_json::Value = serde_json::from_str(&file.content).ok()?;
    let repo = state.get("repo")?.as_str()?.trim();
    (!repo.is_empty()).then(|| repo.to_string())
}

/// The archive months held by an archive gist (ours or the original's).
pub fn archive_months(gist: Option<&Gist>) -> Result<Vec<ArchiveMonth>> {
    let Some(g) = gist else {
        return Ok(Vec::new());
    };
    let files: Vec<(&str, &str)> = g
        .files
        .iter()
        .filter(|(n, _)| archive_period_of_file(n).is_some())
        .map(|(n, f)| (n.as_str(), f.content.as_str()))
        .collect();
    import_archives(&files).map_err(|e| CliError::runtime(format!("archive gist {}: {e}", g.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracked_repos_follow_the_naming_convention() {
        let r = tracked_repo("[GTT] octo/demo · badges").unwrap();
        assert_eq!(r.to_string(), "octo/demo");
        assert!(tracked_repo("[GTT] octo/demo · archive").is_none());
        assert!(tracked_repo("my notes").is_none());
        assert!(tracked_repo("[GTT] not a repo · badges").is_none());
    }
}
