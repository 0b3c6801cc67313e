//! The world fakehub serves: users, repositories with traffic, releases, CI runs, gists
//! and the mutable settings (variables, secrets, Pages, contents). It is plain serde data
//! so a test or the README demo can describe a situation in JSON, and keyed maps are used
//! wherever a JSON merge patch should be able to add one entry (a traffic day, a run).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

mod build;

/// Everything fakehub knows. See crates/fakehub/README.md for the JSON format.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct World {
    /// The world's current date, `YYYY-MM-DD`; `None` means the real current UTC date.
    pub today: Option<String>,
    /// The authenticated user (every accepted token belongs to this user).
    pub user: User,
    /// Repositories keyed by `owner/name`.
    pub repos: BTreeMap<String, Repo>,
    /// Gists keyed by their 32-hex id.
    pub gists: BTreeMap<String, Gist>,
    /// Classic-PAT scopes of the token (sent as `X-OAuth-Scopes`); `None` = a token allowed
    /// everything (fine-grained with all permissions). Without `gist`, gist writes are 404;
    /// without `repo` (or `public_repo` on a public repo), repository settings and traffic are 403.
    pub token_scopes: Option<Vec<String>>,
    /// Further tokens by their value, each with its own grant (all belong to `user`). A token
    /// not listed here is the default token (`token_scopes`), unless `reject_unknown_tokens`.
    pub tokens: BTreeMap<String, TokenGrant>,
    /// Answer 401 "Bad credentials" to any token not in `tokens` (and 401 "Requires
    /// authentication" without one), as GitHub does for a revoked or mistyped token.
    pub reject_unknown_tokens: bool,
}

/// What a token may do, in GitHub's two token models.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenGrant {
    /// A classic personal access token: its scopes are sent back as `X-OAuth-Scopes`.
    Classic { scopes: Vec<String> },
    /// A fine-grained token: no `X-OAuth-Scopes` header; permissions by lower-case name
    /// (`administration`, `actions`, `contents`, `gists`, `metadata`, `pages`, `secrets`,
    /// `variables`, `workflows`) with level `read` or `write` (write includes read).
    /// `metadata: read` is always granted, as on GitHub.
    FineGrained {
        permissions: BTreeMap<String, String>,
    },
}

impl TokenGrant {
    /// A classic token with these scopes.
    pub fn classic(scopes: &[&str]) -> TokenGrant {
        TokenGrant::Classic {
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A fine-grained token with these `(permission, level)` grants.
    pub fn fine_grained(permissions: &[(&str, &str)]) -> TokenGrant {
        TokenGrant::FineGrained {
            permissions: permissions
                .iter()
                .map(|(name, level)| (name.to_string(), level.to_string()))
                .collect(),
        }
    }
}

/// The authenticated user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    pub login: String,
    pub id: u64,
    pub name: Option<String>,
    pub created_at: String,
}

impl Default for User {
    fn default() -> Self {
        User {
            login: "octo".to_string(),
            id: 583_231,
            name: Some("The Octo".to_string()),
            created_at: "2011-01-25T18:44:36Z".to_string(),
        }
    }
}

/// A repository and everything ghtraf reads or writes on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Repo {
    pub id: u64,
    pub description: Option<String>,
    pub private: bool,
    pub created_at: String,
    pub pushed_at: String,
    pub default_branch: String,
    pub language: Option<String>,
    pub forks: u64,
    pub open_issues: u64,
    pub permissions: Permissions,
    pub stargazers: Vec<Stargazer>,
    /// Only admins and collaborators (`permissions.push`) may list stargazers (GitHub's
    /// July 2026 restriction); others get 403.
    pub stargazers_restricted: bool,
    /// Forks with their creation time; when empty, `forks` is the count shown.
    pub fork_list: Vec<Fork>,
    /// Daily traffic keyed by `YYYY-MM-DD`; the API shows the 14 days ending at `today`.
    pub traffic: BTreeMap<String, TrafficDay>,
    pub referrers: Vec<Referrer>,
    pub paths: Vec<PopularPath>,
    pub releases: Vec<Release>,
    /// Workflows keyed by their numeric id (as a string, for merge patches).
    pub workflows: BTreeMap<String, Workflow>,
    /// Workflow runs keyed by their numeric id.
    pub runs: BTreeMap<String, Run>,
    /// GitHub Pages site; `None` = not enabled (GET gives 404).
    pub pages: Option<Pages>,
    /// Files on the default branch, path -> UTF-8 text.
    pub contents: BTreeMap<String, String>,
    /// Files on other branches (`?ref=`), branch -> path -> UTF-8 text (e.g. another
    /// tracker's data branch).
    pub branches: BTreeMap<String, BTreeMap<String, String>>,
    pub variables: BTreeMap<String, Variable>,
    /// Secret metadata; the plaintext lives only in the server (see `FakeHub::secret_plaintext`).
    pub secrets: BTreeMap<String, SecretMeta>,
}

impl Default for Repo {
    fn default() -> Self {
        Repo {
            id: 1,
            description: None,
            private: false,
            created_at: "2024-01-01T00:00:00Z".to_string(),
            pushed_at: "2024-01-01T00:00:00Z".to_string(),
            default_branch: "main".to_string(),
            language: None,
            forks: 0,
            open_issues: 0,
            permissions: Permissions::default(),
            stargazers: Vec::new(),
            stargazers_restricted: false,
            fork_list: Vec::new(),
            traffic: BTreeMap::new(),
            referrers: Vec::new(),
            paths: Vec::new(),
            releases: Vec::new(),
            workflows: BTreeMap::new(),
            runs: BTreeMap::new(),
            pages: None,
            contents: BTreeMap::new(),
            branches: BTreeMap::new(),
            variables: BTreeMap::new(),
            secrets: BTreeMap::new(),
        }
    }
}

/// The token's permissions on a repository; traffic needs `push`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Permissions {
    pub admin: bool,
    pub push: bool,
    pub pull: bool,
}

impl Default for Permissions {
    fn default() -> Self {
        Permissions {
            admin: true,
            push: true,
            pull: true,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stargazer {
    pub login: String,
    pub starred_at: String,
}

/// A fork of a repository.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fork {
    /// `owner/name` of the fork.
    pub full_name: String,
    pub created_at: String,
}

/// One day of traffic as GitHub reports it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrafficDay {
    pub clones: u64,
    pub clone_uniques: u64,
    pub views: u64,
    pub view_uniques: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Referrer {
    pub referrer: String,
    pub count: u64,
    pub uniques: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PopularPath {
    pub path: String,
    pub title: String,
    pub count: u64,
    pub uniques: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Release {
    pub id: u64,
    pub tag_name: String,
    pub name: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub created_at: String,
    pub published_at: Option<String>,
    pub assets: Vec<Asset>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Asset {
    pub id: u64,
    pub name: String,
    pub size: u64,
    pub download_count: u64,
    pub content_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workflow {
    pub name: String,
    pub path: String,
    pub state: String,
    pub created_at: String,
}

/// A workflow run with its jobs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Run {
    pub workflow_id: u64,
    pub name: String,
    pub event: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub head_branch: String,
    pub run_number: u64,
    pub created_at: String,
    pub jobs: Vec<Job>,
}

/// A job; steps are listed by name (checkout steps look like `Run actions/checkout@v4`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Job {
    pub id: u64,
    pub name: String,
    pub steps: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pages {
    pub build_type: String,
    pub branch: String,
    pub path: String,
    pub cname: Option<String>,
    pub status: Option<String>,
}

impl Default for Pages {
    fn default() -> Self {
        Pages {
            build_type: "legacy".to_string(),
            branch: "main".to_string(),
            path: "/".to_string(),
            cname: None,
            status: Some("built".to_string()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Variable {
    pub value: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretMeta {
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Gist {
    pub owner: String,
    pub description: Option<String>,
    pub public: bool,
    /// File name -> full text.
    pub files: BTreeMap<String, String>,
    pub created_at: String,
    pub updated_at: String,
    /// Revisions, newest first, each with the files as they were (GitHub keeps a gist as a
    /// git repository). Empty for a gist seeded without history: it then has one implied
    /// revision holding its current files.
    pub history: Vec<GistRevision>,
}

/// One revision of a gist: what `GET /gists/{id}/commits` lists and `GET /gists/{id}/{sha}`
/// shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GistRevision {
    /// 40 hex characters.
    pub version: String,
    pub committed_at: String,
    /// File name -> full text at this revision.
    pub files: BTreeMap<String, String>,
}

/// Formats a UTC timestamp the way GitHub does (`2024-01-31T12:00:00Z`).
pub fn timestamp(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

/// Formats a date as `YYYY-MM-DD`.
pub fn day(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Parses `YYYY-MM-DD`, or the date part of a GitHub timestamp.
pub fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text.get(..10)?, format_description!("[year]-[month]-[day]")).ok()
}

impl World {
    /// Parses a world from JSON (missing fields take defaults).
    pub fn from_json(text: &str) -> Result<World, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid world JSON: {e}"))
    }

    /// The world's current date.
    pub fn today_date(&self) -> Date {
        self.today
            .as_deref()
            .and_then(parse_day)
            .unwrap_or_else(|| OffsetDateTime::now_utc().date())
    }

    /// A user with one bare repository (no traffic, no releases, no CI).
    pub fn empty_repo(owner: &str, repo: &str) -> World {
        let mut world = World {
            user: User {
                login: owner.to_string(),
                ..User::default()
            },
            ..World::default()
        };
        world
            .repos
            .insert(format!("{owner}/{repo}"), Repo::default());
        world
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_deterministic_per_date_and_covers_60_days() {
        let a = World::demo_on("2026-03-10").unwrap_or_default();
        let b = World::demo_on("2026-03-10").unwrap_or_default();
        assert_eq!(a, b);
        let repo = &a.repos["octo/demo"];
        assert_eq!(repo.traffic.len(), 60);
        assert!(repo.traffic.contains_key("2026-03-10"));
        assert!(repo
            .traffic
            .values()
            .all(|d| d.clone_uniques <= d.clones && d.view_uniques <= d.views));
        let later = World::demo_on("2026-03-11").unwrap_or_default();
        assert_eq!(
            later.repos["octo/demo"].traffic["2026-03-10"],
            repo.traffic["2026-03-10"]
        );
    }

    #[test]
    fn world_json_round_trips_with_defaults() {
        let world = World::from_json(r#"{"today":"2026-01-02","repos":{"a/b":{"forks":3}}}"#)
            .unwrap_or_default();
        assert_eq!(world.user.login, "octo");
        assert_eq!(world.repos["a/b"].forks, 3);
        assert_eq!(world.repos["a/b"].default_branch, "main");
        assert_eq!(day(world.today_date()), "2026-01-02");
    }
}
