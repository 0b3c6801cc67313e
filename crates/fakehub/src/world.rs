//! The world fakehub serves: users, repositories with traffic, releases, CI runs, gists
//! and the mutable settings (variables, secrets, Pages, contents). It is plain serde data
//! so a test or the README demo can describe a situation in JSON, and keyed maps are used
//! wherever a JSON merge patch should be able to add one entry (a traffic day, a run).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, Time};

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

fn at(date: Date, hour: u8, minute: u8) -> String {
    let time = Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT);
    timestamp(date.with_time(time).assume_utc())
}

/// SplitMix64: a tiny deterministic PRNG so the demo's numbers are stable per date.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn rand_in(seed: u64, low: u64, high: u64) -> u64 {
    low + mix(seed) % (high - low + 1)
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

    /// Gives `owner/name` (created if missing) `count` stargazers, oldest first, one every
    /// ~13 minutes from the repository's creation: cheap enough for 40,000 and more (beyond
    /// GitHub's 400-page cap).
    pub fn add_stargazers(&mut self, full_name: &str, count: usize) {
        let repo = self.repos.entry(full_name.to_string()).or_default();
        let start = parse_day(&repo.created_at)
            .unwrap_or(Date::MIN)
            .with_time(Time::MIDNIGHT)
            .assume_utc();
        let first = repo.stargazers.len();
        repo.stargazers
            .extend((first..first + count).map(|n| Stargazer {
                login: format!("fan{n}"),
                starred_at: timestamp(start + Duration::minutes(13 * n as i64 + 1)),
            }));
    }

    /// A world of `repos` public repositories `{owner}/r000…` for the world's user, each with
    /// a badge and an archive gist named the way ghtraf names them (`[GTT] O/R · badges`,
    /// `[GTT] O/R · archive`) holding a small state, and the variables pointing at them.
    /// Gist ids are deterministic (`{n:016x}` twice, badge then archive).
    pub fn many_repos(owner: &str, repos: usize) -> World {
        let mut world = World::empty_repo(owner, "r000");
        world.repos.clear();
        let stamp = "2026-01-01T00:00:00Z".to_string();
        for n in 0..repos {
            let name = format!("{owner}/r{n:03}");
            let mut repo = Repo {
                id: 10_000 + n as u64,
                ..Repo::default()
            };
            for (kind, public, file, offset) in [
                ("badges", true, "state.json", 0u64),
                ("archive", false, "archive.json", 1u64),
            ] {
                let id = format!("{:016x}{:016x}", 2 * n as u64 + offset + 1, 0xfeed_u64);
                let variable = if kind == "badges" {
                    "TRAFFIC_GIST_ID"
                } else {
                    "TRAFFIC_ARCHIVE_GIST_ID"
                };
                repo.variables.insert(
                    variable.to_string(),
                    Variable {
                        value: id.clone(),
                        created_at: stamp.clone(),
                        updated_at: stamp.clone(),
                    },
                );
                world.gists.insert(
                    id,
                    Gist {
                        owner: owner.to_string(),
                        description: Some(format!("[GTT] {name} · {kind}")),
                        public,
                        files: BTreeMap::from([(
                            file.to_string(),
                            format!("{{\"repo\":\"{name}\"}}"),
                        )]),
                        created_at: stamp.clone(),
                        updated_at: stamp.clone(),
                        history: Vec::new(),
                    },
                );
            }
            world.repos.insert(name, repo);
        }
        world
    }

    /// Seeds gists the way the Python original named them before 0.2.7 (`O/R traffic badges`
    /// and, with `archive`, `O/R traffic archive`) with the given state text, for `upgrade`
    /// tests. Returns the ids (badges first); ids are derived from the name, so stable.
    pub fn add_legacy_gists(&mut self, full_name: &str, state: &str, archive: bool) -> Vec<String> {
        let owner = self.user.login.clone();
        let seed = full_name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |acc, b| {
            (acc ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let stamp = "2025-06-01T06:00:00Z".to_string();
        let mut ids = Vec::new();
        let kinds: &[(&str, bool, &str)] = if archive {
            &[
                ("badges", true, "state.json"),
                ("archive", false, "archive.json"),
            ]
        } else {
            &[("badges", true, "state.json")]
        };
        for (index, (kind, public, file)) in kinds.iter().enumerate() {
            let id = format!("{:016x}{:016x}", mix(seed), mix(seed ^ (index as u64 + 1)));
            let text = if *kind == "badges" {
                state.to_string()
            } else {
                "{}".to_string()
            };
            self.gists.insert(
                id.clone(),
                Gist {
                    owner: owner.clone(),
                    description: Some(format!("{full_name} traffic {kind}")),
                    public: *public,
                    files: BTreeMap::from([(file.to_string(), text)]),
                    created_at: stamp.clone(),
                    updated_at: stamp.clone(),
                    history: Vec::new(),
                },
            );
            ids.push(id);
        }
        ids
    }

    /// The README demo: `octo/demo` ending at the real current UTC date.
    pub fn demo() -> World {
        World::demo_ending(OffsetDateTime::now_utc().date(), None)
    }

    /// The demo world pinned to `today` (`YYYY-MM-DD`), for deterministic tests.
    pub fn demo_on(today: &str) -> Result<World, String> {
        let date = parse_day(today).ok_or_else(|| format!("not a YYYY-MM-DD date: {today}"))?;
        Ok(World::demo_ending(date, Some(day(date))))
    }

    fn demo_ending(today: Date, pinned: Option<String>) -> World {
        let created = today - Duration::days(365);
        let mut repo = Repo {
            id: 1_296_269,
            description: Some("A demo repository whose traffic ghtraf keeps forever".to_string()),
            created_at: at(created, 9, 12),
            pushed_at: at(today, 6, 3),
            language: Some("Rust".to_string()),
            forks: 7,
            open_issues: 3,
            ..Repo::default()
        };
        repo.stargazers = (0..42u64)
            .map(|n| Stargazer {
                login: format!("stargazer{n}"),
                starred_at: at(
                    created + Duration::days((n * 8 + 3) as i64),
                    10,
                    (n % 60) as u8,
                ),
            })
            .collect();
        repo.fork_list = (0..7u64)
            .map(|n| Fork {
                full_name: format!("forker{n}/demo"),
                created_at: at(created + Duration::days((n * 45 + 20) as i64), 14, 5),
            })
            .collect();
        for back in 0..60i64 {
            let date = today - Duration::days(back);
            let seed = date.to_julian_day() as u64;
            let weekend = date.weekday().number_days_from_monday() >= 5;
            let (view_low, view_high) = if weekend { (15, 45) } else { (40, 120) };
            let views = rand_in(seed, view_low, view_high);
            let clones = rand_in(seed ^ 0xC10E, 3, 25);
            repo.traffic.insert(
                day(date),
                TrafficDay {
                    clones,
                    clone_uniques: rand_in(seed ^ 0xC1, 1, clones.div_ceil(2)),
                    views,
                    view_uniques: rand_in(seed ^ 0x71, views / 5 + 1, views / 2 + 1),
                },
            );
        }
        repo.referrers = [
            ("github.com", 164, 41),
            ("Google", 97, 38),
            ("news.ycombinator.com", 52, 33),
            ("reddit.com", 21, 14),
            ("Bing", 6, 4),
        ]
        .into_iter()
        .map(|(referrer, count, uniques)| Referrer {
            referrer: referrer.to_string(),
            count,
            uniques,
        })
        .collect();
        repo.paths = [
            ("/octo/demo", "octo/demo: A demo repository", 310, 97),
            ("/octo/demo/releases", "Releases · octo/demo", 88, 40),
            (
                "/octo/demo/blob/main/README.md",
                "demo/README.md at main · octo/demo",
                61,
                35,
            ),
            ("/octo/demo/issues", "Issues · octo/demo", 23, 11),
            ("/octo/demo/actions", "Actions · octo/demo", 9, 3),
        ]
        .into_iter()
        .map(|(path, title, count, uniques)| PopularPath {
            path: path.to_string(),
            title: title.to_string(),
            count,
            uniques,
        })
        .collect();
        repo.releases = [
            ("v1.0.0", 30, 412, 96),
            ("v0.2.0", 180, 233, 51),
            ("v0.1.0", 300, 87, 12),
        ]
        .into_iter()
        .enumerate()
        .map(|(index, (tag, age, tarballs, zips))| {
            let published = at(today - Duration::days(age), 15, 30);
            let id = 150_000_000 + index as u64;
            Release {
                id,
                tag_name: tag.to_string(),
                name: Some(tag.to_string()),
                created_at: published.clone(),
                published_at: Some(published),
                assets: vec![
                    Asset {
                        id: id * 10 + 1,
                        name: format!("demo-{tag}-x86_64-linux.tar.gz"),
                        size: 2_481_152,
                        download_count: tarballs,
                        content_type: "application/gzip".to_string(),
                    },
                    Asset {
                        id: id * 10 + 2,
                        name: format!("demo-{tag}-x86_64-windows.zip"),
                        size: 2_710_528,
                        download_count: zips,
                        content_type: "application/zip".to_string(),
                    },
                ],
                ..Release::default()
            }
        })
        .collect();
        let ci_workflow_id = 161_335u64;
        repo.workflows.insert(
            ci_workflow_id.to_string(),
            Workflow {
                name: "CI".to_string(),
                path: ".github/workflows/ci.yml".to_string(),
                state: "active".to_string(),
                created_at: at(created, 9, 30),
            },
        );
        let mut run_number = 400;
        for back in (0..60i64).rev() {
            let date = today - Duration::days(back);
            let seed = date.to_julian_day() as u64;
            let runs_today = rand_in(seed ^ 0x2A, 1, 3);
            for n in 0..runs_today {
                run_number += 1;
                let run_id = 9_000_000_000 + seed * 10 + n;
                let event = if n == 0 { "schedule" } else { "push" };
                let checkout = "Run actions/checkout@v4".to_string();
                let mut jobs = vec![Job {
                    id: run_id * 10 + 1,
                    name: "test".to_string(),
                    steps: vec![
                        "Set up job".to_string(),
                        checkout.clone(),
                        "Run cargo test".to_string(),
                        "Post Run actions/checkout@v4".to_string(),
                        "Complete job".to_string(),
                    ],
                }];
                if event == "push" {
                    jobs.push(Job {
                        id: run_id * 10 + 2,
                        name: "lint".to_string(),
                        steps: vec![
                            "Set up job".to_string(),
                            checkout,
                            "Run cargo clippy".to_string(),
                            "Complete job".to_string(),
                        ],
                    });
                }
                repo.runs.insert(
                    run_id.to_string(),
                    Run {
                        workflow_id: ci_workflow_id,
                        name: "CI".to_string(),
                        event: event.to_string(),
                        status: "completed".to_string(),
                        conclusion: Some("success".to_string()),
                        head_branch: "main".to_string(),
                        run_number,
                        created_at: at(date, 6 + 4 * n as u8, 7),
                        jobs,
                    },
                );
            }
        }
        repo.contents.insert(
            "README.md".to_string(),
            "# demo\n\nA demo repository served by fakehub.\n".to_string(),
        );
        repo.contents.insert(
            ".github/workflows/ci.yml".to_string(),
            "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n".to_string(),
        );
        let mut repos = BTreeMap::new();
        repos.insert("octo/demo".to_string(), repo);
        World {
            today: pinned,
            user: User::default(),
            repos,
            ..World::default()
        }
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
