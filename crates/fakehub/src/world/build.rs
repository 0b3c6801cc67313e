//! The worlds tests start from: the README demo (a year of deterministic traffic, releases,
//! CI runs, stars and forks), many repositories with their gists, tens of thousands of
//! stargazers, and the Python original's legacy-named gists. Builders, not JSON, because
//! these worlds are large and must be cheap.

use super::*;
use time::{Duration, Time};

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

    /// Gives the world's user `count` gists that belong to no repository (`notes N`, one
    /// private file), updated one minute apart from 2026-01-01, newest last: an account with
    /// hundreds of gists, where a gist updated before 2026 is listed on the last page. Ids
    /// are deterministic (`{n:016x}` then `beef`) and differ from [`World::many_repos`]'s.
    pub fn add_other_gists(&mut self, count: usize) {
        let start = time::macros::datetime!(2026-01-01 0:00 UTC);
        let owner = self.user.login.clone();
        for n in 0..count {
            let stamp = timestamp(start + Duration::minutes(n as i64));
            self.gists.insert(
                format!("{:016x}{:016x}", n as u64 + 1, 0xbeef_u64),
                Gist {
                    owner: owner.clone(),
                    description: Some(format!("notes {n}")),
                    public: false,
                    files: BTreeMap::from([("notes.md".to_string(), format!("note {n}\n"))]),
                    created_at: stamp.clone(),
                    updated_at: stamp,
                    history: Vec::new(),
                },
            );
        }
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
