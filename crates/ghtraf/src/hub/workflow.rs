//! The hub's workflow: how many shards, in how many hourly waves, rendered.
//!
//! The budget, in numbers: one repository's daily collection costs about
//! [`REQUESTS_PER_REPO`] requests (nine reads, a jobs read per finished CI run
//! of the last two days, the badge gist's re-read just before the write (its
//! precondition), one gist write and its re-read). A shard job takes at most
//! [`SHARD_SIZE`] repositories; past that the workflow runs an Actions
//! matrix. Shards run in waves an hour apart, each wave using at most
//! [`WAVE_BUDGET`] requests: half of a classic token's 5,000 an hour, so a
//! maintainer's own use and GitHub's secondary limits keep their margin. 500
//! repositories are 10 shards in 4 waves (03:17–06:17 UTC), at most 2,100
//! requests in any hour.
//!
//! Each job installs ghtraf with `traffic-badges.yml`'s own step
//! ([`install::step_script`], from the same release location): a checked
//! release download of seconds, not a build of minutes inside the job's 20.
//! What `hub init` was told about it is read back from the rendered workflow
//! ([`Settings`]), so every re-render keeps it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{CliError, Result};
use crate::install;
use crate::templates::fill;
use crate::values::Source;

use super::HubConfig;

/// Where the hub's workflow lives in the hub checkout.
pub const HUB_WORKFLOW_PATH: &str = ".github/workflows/traffic-hub.yml";
const TEMPLATE: &str = include_str!("../../templates/hub/.github/workflows/traffic-hub.yml");

/// Repositories one shard job collects at most: the sharding threshold.
pub const SHARD_SIZE: usize = 50;
/// Requests one repository's daily collection costs (typical: two CI runs).
/// Measured, not estimated: a test collects what `hub add` set up and
/// holds the count to this figure.
pub const REQUESTS_PER_REPO: usize = 14;
/// Requests one hourly wave may use: half a classic token's hourly 5,000.
pub const WAVE_BUDGET: usize = 2_500;
/// The hour (UTC) of the first wave: yesterday's buckets are complete.
const FIRST_HOUR: usize = 3;

/// How a hub of `repos` repositories is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub shards: usize,
    pub waves: usize,
    pub shards_per_wave: usize,
}

impl Layout {
    pub fn for_repos(repos: usize) -> Result<Layout> {
        let shards = repos.div_ceil(SHARD_SIZE).max(1);
        let shards_per_wave = (WAVE_BUDGET / (REQUESTS_PER_REPO * SHARD_SIZE)).max(1);
        let waves = shards.div_ceil(shards_per_wave);
        if shards > super::shard::MAX_SHARDS as usize || FIRST_HOUR + waves > 24 {
            return Err(CliError::usage(format!(
                "{repos} repositories need {shards} shards in {waves} hourly waves: more than one day and one token allow"
            ))
            .with_hint("split the repositories over two hubs with two tokens"));
        }
        Ok(Layout {
            shards,
            waves,
            shards_per_wave,
        })
    }

    /// The busiest hour's requests.
    pub fn peak_requests(self, repos: usize) -> usize {
        repos.min(self.shards_per_wave * SHARD_SIZE) * REQUESTS_PER_REPO
    }
}

fn cron(wave: usize) -> String {
    format!("17 {} * * *", FIRST_HOUR + wave)
}

fn list(shards: impl Iterator<Item = usize>) -> String {
    let items: Vec<String> = shards.map(|s| s.to_string()).collect();
    format!("[{}]", items.join(","))
}

/// How the hub's workflow installs ghtraf: the step of `traffic-badges.yml` (this version's
/// release binary from `releases`, checked against its `SHA256SUMS`, [`install::step_script`]),
/// or the user's own command in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    /// `--install-command`: replaces the whole script.
    pub custom: Option<String>,
    /// `--releases-url`, checked, without a trailing `/`.
    pub releases: String,
}

impl Install {
    /// `hub init`'s flags where given, else what the workflow was rendered with (`recorded`),
    /// else the defaults. A `--releases-url` that is not a plain URL is a usage error.
    pub fn resolve(
        command: Option<&str>,
        releases_url: Option<&str>,
        recorded: &Settings,
    ) -> Result<Install> {
        let releases = match releases_url {
            Some(url) => install::check_releases_url(url, Source::Flag("--releases-url"))?,
            None => recorded
                .releases
                .clone()
                .unwrap_or_else(|| install::DEFAULT_RELEASES.to_string()),
        };
        Ok(Install {
            custom: command
                .map(str::to_string)
                .or_else(|| recorded.install.clone()),
            releases,
        })
    }
}

/// The hub's workflow for `config`, installing ghtraf as `install` says and
/// reading the token from the secret `token_name`.
pub fn render(config: &HubConfig, install: &Install, token_name: &str) -> Result<String> {
    let repos = config.repos.len();
    let layout = Layout::for_repos(repos)?;
    let mut schedule = Vec::new();
    let mut pick = Vec::new();
    for wave in 0..layout.waves {
        schedule.push(format!("    - cron: \"{}\"", cron(wave)));
        let first = wave * layout.shards_per_wave + 1;
        let last = (first + layout.shards_per_wave - 1).min(layout.shards);
        pick.push(format!(
            "            '{}') echo 'shards={}' >> \"$GITHUB_OUTPUT\" ;;",
            cron(wave),
            list(first..=last)
        ));
    }
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("VERSION", env!("CARGO_PKG_VERSION").to_string()),
        ("HUB", config.hub.clone()),
        ("REPOS", repos.to_string()),
        ("SHARDS", layout.shards.to_string()),
        ("SHARD_SIZE", SHARD_SIZE.to_string()),
        ("WAVES", layout.waves.to_string()),
        ("SCHEDULE", schedule.join("\n")),
        ("PICK", pick.join("\n")),
        ("ALL_SHARDS", list(1..=layout.shards)),
        ("INSTALL", install::step_script(install.custom.as_deref())),
        ("RELEASES", install.releases.clone()),
        ("GIST_TOKEN_NAME", token_name.to_string()),
    ]);
    fill(HUB_WORKFLOW_PATH, TEMPLATE, &values)
}

/// What an earlier `hub init` was told (`--install-command`, `--releases-url`,
/// `--gist-token-name`), read back from the workflow it rendered: the hub file
/// does not record them, and a re-render without them (`hub add`, `hub remove`,
/// a plain `hub init`, `verify`) must not put the defaults back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub install: Option<String>,
    pub releases: Option<String>,
    pub token_name: Option<String>,
}

impl Settings {
    /// The settings a workflow rendered by [`render`] carries; what is not
    /// found (an edited or foreign file) is None, and the default applies.
    pub fn of(workflow: &str) -> Settings {
        let step = install_step(workflow);
        let install = run_block(&step)
            .filter(|script| !script.is_empty())
            .filter(|script| !is_a_default(script));
        let releases = step
            .iter()
            .find_map(|l| l.trim().strip_prefix("GHTRAF_RELEASES:"))
            .map(|v| v.trim().trim_matches('"'))
            .and_then(|url| {
                let source = Source::File {
                    path: Path::new(HUB_WORKFLOW_PATH),
                    key: "GHTRAF_RELEASES",
                };
                install::check_releases_url(url, source).ok()
            })
            .filter(|url| url != install::DEFAULT_RELEASES);
        let token_name = workflow
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("GH_TOKEN: ${{ secrets."))
            .and_then(|l| l.strip_suffix("}}"))
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string);
        Settings {
            install,
            releases,
            token_name,
        }
    }
}

/// Whether an install step's script is one ghtraf rendered by default, not the user's
/// command: this ghtraf's verified download, another version's (its first line is the
/// script's header; the default follows this ghtraf's), or the `cargo install` of the
/// versions before it ("such a value was never the user's": it would pin the old version).
fn is_a_default(script: &str) -> bool {
    let ours = install::step_script(None);
    script == ours
        || script.lines().next() == ours.lines().next()
        || install::is_legacy_default(script)
}

/// The lines of the workflow's install step, from its `- name:` to the next step.
fn install_step(workflow: &str) -> Vec<&str> {
    let lines: Vec<&str> = workflow.lines().collect();
    let Some(at) = lines
        .iter()
        .position(|l| l.trim().starts_with("- name: Install ghtraf"))
    else {
        return Vec::new();
    };
    let indent = indent_of(lines[at]);
    let rest = &lines[at + 1..];
    let end = rest
        .iter()
        .position(|l| !l.trim().is_empty() && indent_of(l) <= indent)
        .unwrap_or(rest.len());
    rest[..end].to_vec()
}

/// The text of a step's `run: |` block, its indentation taken off.
fn run_block(step: &[&str]) -> Option<String> {
    let at = step.iter().position(|l| l.trim() == "run: |")?;
    let key = indent_of(step[at]);
    let body: Vec<&str> = step[at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent_of(l) > key)
        .copied()
        .collect();
    let depth = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent_of(l))
        .min()?;
    let text: Vec<&str> = body.iter().map(|l| l.get(depth..).unwrap_or("")).collect();
    Some(text.join("\n").trim_end().to_string())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_hub() -> HubConfig {
        HubConfig {
            schema_version: 1,
            hub: "octo/traffic".into(),
            portfolio_gist_id: None,
            repos: Vec::new(),
        }
    }

    fn by_default() -> Install {
        Install {
            custom: None,
            releases: install::DEFAULT_RELEASES.into(),
        }
    }

    #[test]
    fn the_settings_a_workflow_was_rendered_with_are_read_back() {
        let config = empty_hub();
        let custom = Install {
            custom: Some("curl -sSf https://example.test/i.sh | sh".into()),
            releases: "https://ghe.example.com/tools/ghtraf/releases".into(),
        };
        let text = render(&config, &custom, "HUB_TOKEN").unwrap();
        assert_eq!(
            Settings::of(&text),
            Settings {
                install: Some("curl -sSf https://example.test/i.sh | sh".into()),
                releases: Some("https://ghe.example.com/tools/ghtraf/releases".into()),
                token_name: Some("HUB_TOKEN".into()),
            }
        );
        assert_eq!(Settings::of("name: something else\n"), Settings::default());
        // A command of several lines is read back whole.
        let lines = Install {
            custom: Some("set -e\n\ncargo binstall -y ghtraf".into()),
            ..by_default()
        };
        let text = render(&config, &lines, "TRAFFIC_GIST_TOKEN").unwrap();
        assert_eq!(Settings::of(&text).install, lines.custom);
    }

    #[test]
    fn the_default_step_is_traffic_badges_verified_download_and_is_not_read_back_as_a_choice() {
        let text = render(&empty_hub(), &by_default(), "TRAFFIC_GIST_TOKEN").unwrap();
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            text.contains(&format!("GHTRAF_VERSION: \"{version}\"")),
            "{text}"
        );
        assert!(text.contains(&format!(
            "GHTRAF_RELEASES: \"{}\"",
            install::DEFAULT_RELEASES
        )));
        let step = install_step(&text);
        assert_eq!(
            run_block(&step).as_deref(),
            Some(install::step_script(None).as_str())
        );
        assert!(!text.contains(&format!("cargo install ghtraf --version {version}")));
        assert_eq!(
            Settings::of(&text),
            Settings {
                token_name: Some("TRAFFIC_GIST_TOKEN".into()),
                ..Settings::default()
            },
            "the defaults follow this ghtraf"
        );
    }

    #[test]
    fn the_old_cargo_install_default_is_not_read_back_as_a_choice() {
        // The step as ghtraf rendered it before the release binaries.
        let old = "      - name: Install ghtraf 0.0.9\n        if: steps.cache.outputs.cache-hit != 'true'\n        run: |\n          cargo install ghtraf --version 0.0.9 --locked\n\n      - name: Collect shard\n";
        assert_eq!(Settings::of(old).install, None);
        // Another version's verified download (its header line) follows this version's too.
        let other = format!(
            "      - name: Install ghtraf 9.9.9\n        run: |\n          {}\n          echo an older body\n",
            install::SCRIPT.lines().next().unwrap()
        );
        assert_eq!(Settings::of(&other).install, None);
    }

    #[test]
    fn the_release_location_is_a_checked_flag_else_the_recorded_one() {
        let recorded = Settings {
            releases: Some("https://mirror.example/r".into()),
            install: Some("make install".into()),
            token_name: None,
        };
        let kept = Install::resolve(None, None, &recorded).unwrap();
        assert_eq!(kept.releases, "https://mirror.example/r");
        assert_eq!(kept.custom.as_deref(), Some("make install"));
        let told = Install::resolve(Some("true"), Some("https://x.example/r/"), &recorded).unwrap();
        assert_eq!(told.releases, "https://x.example/r");
        assert_eq!(told.custom.as_deref(), Some("true"));
        let fresh = Install::resolve(None, None, &Settings::default()).unwrap();
        assert_eq!(fresh, by_default());
        let err = Install::resolve(None, Some("https://u:secret@x/r"), &recorded).unwrap_err();
        assert!(!format!("{err:?}").contains("secret"), "{err:?}");
        assert!(Install::resolve(None, Some("x/$(id)"), &recorded).is_err());
        // A workflow whose location was edited into something unsafe: the default, not it.
        let text = render(&empty_hub(), &by_default(), "T")
            .unwrap()
            .replace(install::DEFAULT_RELEASES, "https://x/$(id)");
        assert_eq!(Settings::of(&text).releases, None);
    }

    #[test]
    fn five_hundred_repositories_fit_one_token_with_margin() {
        let l = Layout::for_repos(500).unwrap();
        assert_eq!((l.shards, l.waves, l.shards_per_wave), (10, 4, 3));
        assert!(l.peak_requests(500) <= 2_500, "{}", l.peak_requests(500));
        assert_eq!(Layout::for_repos(0).unwrap().shards, 1);
        assert_eq!(Layout::for_repos(50).unwrap().shards, 1);
        assert_eq!(Layout::for_repos(51).unwrap().shards, 2);
        assert!(Layout::for_repos(100_000).is_err());
    }

    #[test]
    fn every_shard_runs_in_exactly_one_wave() {
        for repos in [1, 49, 51, 150, 151, 500, 1_000, 3_000] {
            let l = Layout::for_repos(repos).unwrap();
            let config = HubConfig {
                schema_version: 1,
                hub: "octo/traffic".into(),
                portfolio_gist_id: None,
                repos: (0..repos)
                    .map(|n| super::super::TrackedRepo {
                        repo: format!("octo/r{n}"),
                        badge_gist_id: "g".into(),
                        archive_gist_id: None,
                        display_name: None,
                        dashboard_url: None,
                        own_workflow: None,
                    })
                    .collect(),
            };
            let text = render(&config, &by_default(), "TRAFFIC_GIST_TOKEN").unwrap();
            let mut seen = Vec::new();
            for line in text.lines().filter(|l| l.contains("') echo 'shards=")) {
                let inner = line
                    .split("shards=[")
                    .nth(1)
                    .unwrap()
                    .split(']')
                    .next()
                    .unwrap();
                seen.extend(inner.split(',').map(|s| s.parse::<usize>().unwrap()));
            }
            seen.sort_unstable();
            assert_eq!(
                seen,
                (1..=l.shards).collect::<Vec<_>>(),
                "{repos} repositories"
            );
            assert!(text.contains(&format!("--shard \"${{{{ matrix.shard }}}}/{}\"", l.shards)));
        }
    }
}
