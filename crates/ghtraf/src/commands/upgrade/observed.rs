//! The world `plan_upgrade` decides from, as plain data.
//!
//! Observation reads gists, variables, secret metadata, the workflow on the
//! default branch and in the checkout; the planner sees only this value, so it
//! cannot mutate anything and the same world always gives the same plan. Every
//! field that a write will depend on carries what the write's precondition
//! needs: the gist revision, the file's blob sha or bytes, the variable value.
//! The types are the upgrade's own rather than the GitHub client's, so the
//! planner does not move when the client does.

use std::collections::BTreeMap;

use serde::Serialize;

/// One gist, fetched in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GistSeen {
    pub id: String,
    pub description: String,
    pub public: bool,
    pub owner_login: Option<String>,
    /// `history[0].version`: the revision every write to this gist is conditioned on.
    pub revision: String,
    pub updated_at: String,
    /// File name → complete content.
    pub files: BTreeMap<String, String>,
}

/// A file on the default branch, as the contents API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteFile {
    /// The blob sha a contents-API write must name to replace exactly this file.
    pub sha: String,
    pub text: String,
}

/// The repository's Actions workflow registered for the traffic workflow's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkflowSeen {
    pub id: u64,
    pub name: String,
    pub path: String,
    /// GitHub's `state`: `active`, `disabled_manually`, …
    pub state: String,
    /// Runs of this workflow queued or in progress right now.
    pub runs_in_progress: u32,
}

/// Secret metadata: GitHub never reveals the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretSeen {
    pub name: String,
    pub updated_at: String,
}

/// What GitHub says, as far as `upgrade` cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GitHubSide {
    pub login: String,
    pub default_branch: String,
    /// `created_at` of the repository, RFC 3339.
    pub repo_created_at: String,
    /// Every candidate gist (by variable id, `.ghtraf.json` in either spelling, current
    /// and legacy names, content), fetched in full; the planner re-checks relevance.
    pub gists: Vec<GistSeen>,
    pub variables: BTreeMap<String, String>,
    pub secret: Option<SecretSeen>,
    pub workflow: Option<WorkflowSeen>,
    /// Where this host serves gist files, read from a gist's `raw_url` (None: no gist
    /// showed it); the dashboard's `gistRawBase`.
    pub raw_base: Option<String>,
    /// `.github/workflows/traffic-badges.yml` on the default branch (None: absent).
    pub default_branch_workflow: Option<RemoteFile>,
}

/// The checkout and GitHub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observed {
    /// Repo-relative path → bytes (None: absent) for every path the upgrade may write
    /// or report: the workflow, `docs/stats/*`, `docs/images/ghtraf-*.png`, `.ghtraf.json`.
    pub files: BTreeMap<String, Option<Vec<u8>>>,
    /// Managed paths ghtraf will neither read nor write (a symlink, a FIFO, a file where
    /// a directory belongs), with the reason; they are left alone and reported.
    pub refused: BTreeMap<String, String>,
    /// A `.ghtraf.json` found in the working directory rather than the repository root
    /// (the original wrote it to the cwd): repo-relative path and bytes.
    pub stray_config: Option<(String, Vec<u8>)>,
    pub github: GitHubSide,
}

impl Observed {
    /// The text of a checkout file, if present and UTF-8.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(Option::as_ref)
            .and_then(|b| std::str::from_utf8(b).ok())
    }
}
