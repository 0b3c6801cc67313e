//! Many repositories collected from one place: the hub.
//!
//! A hub is one repository (say `octo/traffic`) whose daily workflow collects
//! every tracked repository into that repository's own gists, and writes one
//! `portfolio.json` for the hub's portfolio page. This module holds what the
//! hub's commands share: the hub's config file in the hub checkout
//! ([`HubConfig`], `.ghtraf-hub.json`), which repositories one run takes
//! ([`Selection`], with stable sharding in [`shard`]), and the portfolio
//! document ([`portfolio`]). It knows no command and no driver.

use std::path::{Path, PathBuf};

use ghtraf_github::RepoRef;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};
use crate::fsio;

pub mod page;
pub mod portfolio;
pub mod shard;
pub mod workflow;

pub use shard::Shard;

/// The hub's config file, at the root of the hub checkout.
pub const HUB_FILE: &str = ".ghtraf-hub.json";
/// The largest hub file read (500 repositories take about 150 KiB).
const HUB_FILE_CAP: u64 = 8 * 1024 * 1024;
/// The hub file's schema.
pub const HUB_SCHEMA: u64 = 1;

/// The file a hub puts in the badge gist of each repository it collects, so
/// that `create` in that repository knows a hub writes the gist and refuses to
/// deploy a second collector. The repository itself gets nothing (no file,
/// secret or variable); `collect` writes only its own files, so the marker
/// stays; `hub remove` takes it out.
pub const MARKER_FILE: &str = "hub.json";

/// The marker's content: which hub collects the repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Marker {
    pub schema_version: u64,
    /// `owner/name` of the hub.
    pub hub: String,
    /// For a person reading the gist.
    #[serde(default)]
    pub note: String,
}

impl Marker {
    /// The marker text for `hub`.
    pub fn text(hub: &str) -> String {
        let marker = Marker {
            schema_version: HUB_SCHEMA,
            hub: hub.to_string(),
            note: format!(
                "The ghtraf hub {hub} collects this repository into this gist; `ghtraf hub remove` there stops it."
            ),
        };
        let mut text = serde_json::to_string_pretty(&marker).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The hub a marker names, if it is one.
    pub fn hub_of(text: &str) -> Option<String> {
        serde_json::from_str::<Marker>(text)
            .ok()
            .filter(|m| RepoRef::parse(&m.hub).is_ok())
            .map(|m| m.hub)
    }

    /// The hub a marker names when it is not `hub` (names compared as GitHub
    /// compares them, ignoring case): that hub collects the gist, not `hub`.
    pub fn other_than(text: &str, hub: &str) -> Option<String> {
        Marker::hub_of(text).filter(|named| !named.eq_ignore_ascii_case(hub.trim()))
    }
}

/// The hub: which repository it is, its portfolio gist, and the repositories it tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HubConfig {
    pub schema_version: u64,
    /// `owner/name` of the hub repository.
    pub hub: String,
    /// The hub's own badge gist, holding `portfolio.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio_gist_id: Option<String>,
    /// Every tracked repository, sorted by canonical name.
    #[serde(default)]
    pub repos: Vec<TrackedRepo>,
}

/// One repository the hub tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrackedRepo {
    /// `owner/name`.
    pub repo: String,
    pub badge_gist_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_gist_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_url: Option<String>,
    /// Set when the repository keeps its own workflow: the hub does not
    /// collect it (two collectors never write the same gist), and says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_workflow: Option<String>,
}

impl TrackedRepo {
    /// The parsed repository name (checked when the file is read).
    pub fn repo_ref(&self) -> Result<RepoRef> {
        RepoRef::parse(&self.repo).map_err(|e| {
            CliError::usage(format!(
                "{HUB_FILE}: repository `{}`: {}",
                self.repo,
                e.message()
            ))
        })
    }
}

impl HubConfig {
    /// Parses and checks a hub file's text.
    pub fn parse(text: &str) -> Result<HubConfig> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let config: HubConfig = serde_json::from_str(text).map_err(|e| {
            CliError::usage(format!("{HUB_FILE} is not a valid hub file: {e}"))
                .with_hint("fix the file (it is the hub's only list of tracked repositories); nothing was changed")
        })?;
        if config.schema_version != HUB_SCHEMA {
            return Err(CliError::usage(format!(
                "{HUB_FILE} has schemaVersion {}; this ghtraf reads {HUB_SCHEMA}",
                config.schema_version
            )));
        }
        RepoRef::parse(&config.hub).map_err(|e| {
            CliError::usage(format!("{HUB_FILE}: hub `{}`: {}", config.hub, e.message()))
        })?;
        let mut seen = std::collections::BTreeSet::new();
        for r in &config.repos {
            let canonical = shard::canonical(&r.repo_ref()?);
            if !seen.insert(canonical.clone()) {
                return Err(CliError::usage(format!(
                    "{HUB_FILE} lists {canonical} twice"
                )));
            }
            if r.badge_gist_id.trim().is_empty() {
                return Err(CliError::usage(format!(
                    "{HUB_FILE}: {} has an empty badgeGistId",
                    r.repo
                )));
            }
        }
        Ok(config)
    }

    /// The file's text as written: pretty, sorted by repository, newline-terminated.
    pub fn to_text(&self) -> String {
        let mut sorted = self.clone();
        sorted.repos.sort_by_key(|r| r.repo.to_ascii_lowercase());
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The hub file under `root`, if there is one.
    pub fn read(root: &Path) -> Result<Option<HubConfig>> {
        let path = root.join(HUB_FILE);
        let bytes = fsio::read_regular(&path, HUB_FILE_CAP)
            .map_err(|e| CliError::runtime(format!("cannot read {}: {e}", path.display())))?;
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::usage(format!("{HUB_FILE} is not UTF-8 text")))?;
        HubConfig::parse(&text).map(Some)
    }

    /// The hub file under `root`, or a usage error saying how to make one.
    pub fn require(root: &Path) -> Result<HubConfig> {
        HubConfig::read(root)?.ok_or_else(|| {
            CliError::usage(format!("no {HUB_FILE} in {}", root.display())).with_hint(
                "run this in the hub's checkout, or set one up with `ghtraf hub init --repo OWNER/HUB`",
            )
        })
    }

    /// The path of the hub file under `root`.
    pub fn path(root: &Path) -> PathBuf {
        root.join(HUB_FILE)
    }
}

/// Which of the hub's repositories one `collect` takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these (canonical `owner/repo`); empty means all.
    pub only: Vec<String>,
    pub shard: Option<Shard>,
}

impl Selection {
    /// The tracked repositories this selection takes, in the file's order;
    /// a name in `only` the hub does not track is a usage error.
    pub fn pick<'a>(&self, config: &'a HubConfig) -> Result<Vec<&'a TrackedRepo>> {
        let mut by_name = std::collections::BTreeMap::new();
        for r in &config.repos {
            by_name.insert(shard::canonical(&r.repo_ref()?), r);
        }
        for name in &self.only {
            if !by_name.contains_key(name) {
                return Err(CliError::usage(format!("the hub does not track {name}"))
                    .with_hint("add it first with `ghtraf hub add OWNER/REPO`"));
            }
        }
        Ok(by_name
            .into_iter()
            .filter(|(name, _)| self.only.is_empty() || self.only.contains(name))
            .filter(|(name, _)| self.shard.is_none_or(|s| s.takes(name)))
            .map(|(_, r)| r)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(repos: &[&str]) -> HubConfig {
        HubConfig {
            schema_version: 1,
            hub: "octo/traffic".into(),
            portfolio_gist_id: None,
            repos: repos
                .iter()
                .map(|r| TrackedRepo {
                    repo: r.to_string(),
                    badge_gist_id: format!("g-{r}"),
                    archive_gist_id: None,
                    display_name: None,
                    dashboard_url: None,
                    own_workflow: None,
                })
                .collect(),
        }
    }

    #[test]
    fn a_hub_file_round_trips_and_duplicates_are_refused() {
        let c = config(&["octo/b", "octo/a"]);
        let back = HubConfig::parse(&c.to_text()).unwrap();
        assert_eq!(back.repos[0].repo, "octo/a", "written sorted");
        let dup = config(&["octo/a", "Octo/A"]);
        let err = HubConfig::parse(&serde_json::to_string(&dup).unwrap()).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
        let err = HubConfig::parse("{\"schemaVersion\":1,\"hub\":\"x\"}").unwrap_err();
        assert!(err.to_string().contains("hub `x`"), "{err}");
    }

    #[test]
    fn selection_takes_a_list_or_a_shard_and_refuses_strangers() {
        let c = config(&["octo/a", "octo/b", "octo/c"]);
        let only = Selection {
            only: vec!["octo/b".into()],
            shard: None,
        };
        let picked: Vec<&str> = only
            .pick(&c)
            .unwrap()
            .iter()
            .map(|r| r.repo.as_str())
            .collect();
        assert_eq!(picked, ["octo/b"]);
        let stranger = Selection {
            only: vec!["octo/z".into()],
            shard: None,
        };
        assert!(stranger.pick(&c).is_err());
        let total: usize = (1..=2)
            .map(|i| {
                Selection {
                    only: vec![],
                    shard: Some(Shard::new(i, 2).unwrap()),
                }
                .pick(&c)
                .unwrap()
                .len()
            })
            .sum();
        assert_eq!(total, 3);
    }
}
