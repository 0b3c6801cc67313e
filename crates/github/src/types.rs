//! The typed results of GitHub operations: only the fields ghtraf uses, so the commands do not
//! depend on GitHub's sprawling JSON. Timestamps stay RFC 3339 strings as GitHub sends them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The authenticated user (the owner of the gists ghtraf creates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub login: String,
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
}

/// What the token may do in a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RepoPermissions {
    pub admin: bool,
    pub push: bool,
    pub pull: bool,
}

/// Repository facts used for status, history start dates and permission checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    pub name: String,
    pub full_name: String,
    pub private: bool,
    pub html_url: String,
    pub created_at: String,
    pub default_branch: String,
    pub stargazers_count: u64,
    pub forks_count: u64,
    /// GitHub's "watchers" (subscribers); absent in some answers.
    #[serde(default)]
    pub subscribers_count: Option<u64>,
    pub open_issues_count: u64,
    pub has_pages: bool,
    /// Present when the request was authenticated.
    #[serde(default)]
    pub permissions: Option<RepoPermissions>,
}

/// Who starred a repository, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stargazer {
    pub login: String,
    pub starred_at: String,
}

/// The stargazers GitHub lists, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarList {
    pub stargazers: Vec<Stargazer>,
    /// GitHub stopped at its 400-page cap (40,000 stars): the stars after the first 40,000 are missing,
    /// so a series built from this list is incomplete (compare `Repo::stargazers_count`).
    pub capped: bool,
}

/// A fork of a repository, and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fork {
    pub full_name: String,
    pub created_at: String,
}

/// One revision of a gist (`GET /gists/{id}/commits`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GistCommit {
    /// The revision's sha: `GitHubRead::gist_at` reads the gist as it was then.
    pub version: String,
    pub committed_at: String,
    pub additions: u64,
    pub deletions: u64,
}

/// A gist as listed: file names only, no contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GistSummary {
    pub id: String,
    pub description: String,
    pub public: bool,
    pub files: Vec<String>,
    pub owner_login: Option<String>,
    pub html_url: String,
    pub updated_at: String,
    /// Where this host serves gist files without the API (see [`crate::gist_raw_base`]),
    /// from the listed files' `raw_url`; None when GitHub listed none.
    #[serde(default)]
    pub raw_base: Option<String>,
}

/// One file of a fetched gist, always with its complete content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GistFile {
    pub content: String,
    pub raw_url: Option<String>,
    pub size: u64,
}

/// A fetched gist with every file's full content (raw URLs followed for truncated files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gist {
    pub id: String,
    pub description: String,
    pub public: bool,
    pub owner_login: Option<String>,
    pub html_url: String,
    pub updated_at: String,
    /// The newest revision's sha (`history[0].version`), the precondition of
    /// [`crate::GitHubWrite::update_gist_at`]; None if GitHub sent no history.
    #[serde(default)]
    pub revision: Option<String>,
    pub files: BTreeMap<String, GistFile>,
}

/// An Actions variable of a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    pub name: String,
    pub value: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The repository key Actions secrets must be sealed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretPublicKey {
    pub key_id: String,
    /// Base64 of the 32-byte X25519 public key.
    pub key: String,
}

/// What GitHub reveals about a secret: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretMeta {
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Whether `put_secret` created the secret or replaced an existing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretWrite {
    Created,
    Updated,
}

/// One day (or week) of clones or views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficDay {
    pub timestamp: String,
    pub count: u64,
    pub uniques: u64,
}

/// The last 14 days of clones or views, as GitHub reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficSeries {
    pub count: u64,
    pub uniques: u64,
    #[serde(alias = "clones", alias = "views")]
    pub days: Vec<TrafficDay>,
}

/// A top referring site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub referrer: String,
    pub count: u64,
    pub uniques: u64,
}

/// A most-visited path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopularPath {
    pub path: String,
    pub title: String,
    pub count: u64,
    pub uniques: u64,
}

/// A release asset with its download count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseAsset {
    pub id: u64,
    pub name: String,
    pub size: u64,
    pub download_count: u64,
}

/// A release (downloads are the sum of its assets' counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub id: u64,
    pub tag_name: String,
    #[serde(default)]
    pub name: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub created_at: String,
    #[serde(default)]
    pub published_at: Option<String>,
    pub assets: Vec<ReleaseAsset>,
}

/// An Actions workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowRun {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    pub workflow_id: u64,
    pub path: String,
    pub run_number: u64,
    pub event: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub head_branch: Option<String>,
    pub html_url: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A step of a job (checkout steps tell which repositories a run cloned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub conclusion: Option<String>,
    pub number: u64,
}

/// A job of a workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub run_id: u64,
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// An Actions workflow definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub id: u64,
    pub name: String,
    pub path: String,
    pub state: String,
    pub html_url: String,
}

/// Where Pages publishes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagesSource {
    pub branch: String,
    pub path: String,
}

/// A repository's GitHub Pages site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pages {
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub build_type: Option<String>,
    #[serde(default)]
    pub source: Option<PagesSource>,
}

/// A file on a branch, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub path: String,
    pub sha: String,
    pub bytes: Vec<u8>,
}

/// The core REST rate limit of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    pub used: u64,
    /// Unix seconds when `remaining` refills.
    pub reset: u64,
}

/// What kind of token answered, and what it may do, as GitHub reveals it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenScopes {
    /// A classic token: the scopes of its `X-OAuth-Scopes` header (possibly none).
    Classic(Vec<String>),
    /// No `X-OAuth-Scopes` header: a fine-grained token (or a GitHub App token). Its
    /// permissions are not listed anywhere; only read-only probes can tell.
    FineGrained,
}

impl TokenScopes {
    /// Parses an `X-OAuth-Scopes` header (`None` = header absent = fine-grained).
    pub fn from_header(header: Option<&str>) -> TokenScopes {
        match header {
            Some(list) => TokenScopes::Classic(
                list.split(',')
                    .map(str::trim)
                    .filter(|scope| !scope.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            None => TokenScopes::FineGrained,
        }
    }

    /// Whether a classic token holds `scope` (or a scope that includes it: `repo` includes
    /// `public_repo`). Always false for fine-grained tokens, whose grants are not listed.
    pub fn has(&self, scope: &str) -> bool {
        match self {
            TokenScopes::Classic(scopes) => scopes
                .iter()
                .any(|held| held == scope || (held == "repo" && scope == "public_repo")),
            TokenScopes::FineGrained => false,
        }
    }
}

/// Who a token belongs to and what kind it is ([`crate::GitHubRead::whoami`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub login: String,
    pub scopes: TokenScopes,
}

impl Gist {
    /// The raw base of this gist's files (see [`crate::gist_raw_base`]), from the first file
    /// whose `raw_url` has GitHub's shape.
    pub fn raw_base(&self) -> Option<String> {
        self.files
            .values()
            .filter_map(|file| file.raw_url.as_deref())
            .find_map(|url| crate::gist_raw_base(url, &self.id))
    }
}

/// What [`crate::GitHubWrite::update_gist_at`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GistUpdate {
    pub gist: Gist,
    /// A revision that landed between the precondition check and the PATCH (GitHub has no
    /// `If-Match` for gists) and that this write replaced; None in the normal case.
    pub overwritten_revision: Option<String>,
}
