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

use std::collections::BTreeMap;

use crate::error::{CliError, Result};
use crate::templates::fill;

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

/// The hub's workflow for `config`, installing ghtraf with `install` and
/// reading the token from the secret `token_name`.
pub fn render(config: &HubConfig, install: &str, token_name: &str) -> Result<String> {
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
        ("INSTALL", install.to_string()),
        ("GIST_TOKEN_NAME", token_name.to_string()),
    ]);
    fill(HUB_WORKFLOW_PATH, TEMPLATE, &values)
}

/// What an earlier `hub init` was told (`--install-command`, `--gist-token-name`),
/// read back from the workflow it rendered: the hub file does not record them,
/// and a re-render without them (`hub add`, a plain `hub init`, `verify`)
/// must not put the defaults back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub install: Option<String>,
    pub token_name: Option<String>,
}

impl Settings {
    /// The settings a workflow rendered by [`render`] carries; what is not
    /// found (an edited or foreign file) is None, and the default applies.
    pub fn of(workflow: &str) -> Settings {
        let lines: Vec<&str> = workflow.lines().map(str::trim).collect();
        let install = lines
            .iter()
            .position(|l| l.starts_with("- name: Install ghtraf"))
            .and_then(|at| {
                let rest = &lines[at + 1..];
                let run = rest.iter().take(3).position(|l| *l == "run: |")?;
                rest.get(run + 1)
            })
            .filter(|l| !l.is_empty())
            // The default names a version: it follows this ghtraf's, not the one it was.
            .filter(|l| {
                !(l.starts_with("cargo install ghtraf --version ") && l.ends_with(" --locked"))
            })
            .map(|l| l.to_string());
        let token_name = lines
            .iter()
            .find_map(|l| l.strip_prefix("GH_TOKEN: ${{ secrets."))
            .and_then(|l| l.strip_suffix("}}"))
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string);
        Settings {
            install,
            token_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_a_workflow_was_rendered_with_are_read_back() {
        let config = HubConfig {
            schema_version: 1,
            hub: "octo/traffic".into(),
            portfolio_gist_id: None,
            repos: Vec::new(),
        };
        let text = render(
            &config,
            "curl -sSf https://example.test/i.sh | sh",
            "HUB_TOKEN",
        )
        .unwrap();
        assert_eq!(
            Settings::of(&text),
            Settings {
                install: Some("curl -sSf https://example.test/i.sh | sh".into()),
                token_name: Some("HUB_TOKEN".into()),
            }
        );
        assert_eq!(Settings::of("name: something else\n"), Settings::default());
        let default = render(
            &config,
            "cargo install ghtraf --version 0.0.9 --locked",
            "TRAFFIC_GIST_TOKEN",
        )
        .unwrap();
        assert_eq!(
            Settings::of(&default).install,
            None,
            "the default follows the version"
        );
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
            let text = render(
                &config,
                "cargo install ghtraf --locked",
                "TRAFFIC_GIST_TOKEN",
            )
            .unwrap();
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
