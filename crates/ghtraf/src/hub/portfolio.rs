//! `portfolio.json`: every tracked repository at a glance, for the hub's
//! portfolio page.
//!
//! Written by the hub's `collect` into the hub's badge gist and read by the
//! static portfolio page (`docs/portfolio/`). The contract, schema 1:
//! `{ schemaVersion, generatedAt, repos: [ { repo, displayName, dashboardUrl,
//! badgeGistId, capturedAt, totals (the 8 Totals fields), last30 (up to 30
//! days ascending), stars, error } ] }`. A repository whose collection
//! failed keeps the numbers of its last good entry and carries `error`;
//! nothing already shown is lost because one read failed.

use ghtraf_traffic::{format_date, Day, State, Totals};
use serde::{Deserialize, Serialize};

/// The file name in the hub's badge gist.
pub const PORTFOLIO_FILE: &str = "portfolio.json";
/// The document's schema.
pub const PORTFOLIO_SCHEMA: u64 = 1;
/// Days of history per repository.
pub const LAST_DAYS: usize = 30;

/// The whole document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Portfolio {
    pub schema_version: u64,
    pub generated_at: String,
    pub repos: Vec<Entry>,
}

/// One repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub repo: String,
    pub display_name: String,
    pub dashboard_url: Option<String>,
    pub badge_gist_id: String,
    pub captured_at: Option<String>,
    pub totals: Totals,
    pub last30: Vec<DayPoint>,
    pub stars: Option<u64>,
    pub error: Option<String>,
}

/// One day of the sparkline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayPoint {
    pub date: String,
    pub clones: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_clones: Option<u64>,
    pub views: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_views: Option<u64>,
    pub downloads: u64,
}

impl DayPoint {
    fn of(day: &Day) -> DayPoint {
        DayPoint {
            date: format_date(day.date),
            clones: day.clones,
            unique_clones: day.unique_clones,
            views: day.views,
            unique_views: day.unique_views,
            downloads: day.downloads,
        }
    }
}

/// What the portfolio says about one repository besides its state.
#[derive(Debug, Clone)]
pub struct Identity {
    pub repo: String,
    pub display_name: String,
    pub dashboard_url: Option<String>,
    pub badge_gist_id: String,
}

impl Entry {
    /// The entry for a repository collected now: its merged state, older
    /// days (archived months, the state before the merge: for the first days
    /// of a month; the merged state wins a date both hold) and its stars.
    pub fn collected(who: Identity, state: &State, older: &[Day], stars: Option<u64>) -> Entry {
        let mut days: Vec<&Day> = state.daily_history.iter().chain(older).collect();
        days.sort_by_key(|d| d.date);
        days.dedup_by_key(|d| d.date);
        let skip = days.len().saturating_sub(LAST_DAYS);
        Entry {
            repo: who.repo,
            display_name: who.display_name,
            dashboard_url: who.dashboard_url,
            badge_gist_id: who.badge_gist_id,
            captured_at: state.last_collection().map(str::to_string),
            totals: state.totals,
            last30: days[skip..].iter().map(|d| DayPoint::of(d)).collect(),
            stars,
            error: None,
        }
    }

    /// The entry for a repository whose collection failed: the last good
    /// numbers (if any) with the error.
    pub fn failed(who: Identity, previous: Option<&Entry>, error: String) -> Entry {
        match previous {
            Some(p) => Entry {
                repo: who.repo,
                display_name: who.display_name,
                dashboard_url: who.dashboard_url,
                badge_gist_id: who.badge_gist_id,
                error: Some(error),
                ..p.clone()
            },
            None => Entry {
                repo: who.repo,
                display_name: who.display_name,
                dashboard_url: who.dashboard_url,
                badge_gist_id: who.badge_gist_id,
                captured_at: None,
                totals: Totals::default(),
                last30: Vec::new(),
                stars: None,
                error: Some(error),
            },
        }
    }
}

impl Portfolio {
    /// Parses a stored portfolio; an unreadable one is treated as absent by
    /// callers (it is rebuilt from the states, which hold the history).
    pub fn parse(text: &str) -> Result<Portfolio, String> {
        let p: Portfolio = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if p.schema_version != PORTFOLIO_SCHEMA {
            return Err(format!(
                "schemaVersion {} is not {PORTFOLIO_SCHEMA}",
                p.schema_version
            ));
        }
        Ok(p)
    }

    /// The stored entry for `repo` (canonical comparison).
    pub fn entry(&self, repo: &str) -> Option<&Entry> {
        self.repos
            .iter()
            .find(|e| e.repo.eq_ignore_ascii_case(repo))
    }

    /// The new document: `fresh` entries replace stored ones of the same
    /// repository; stored entries of repositories this run did not take (other
    /// shards) stay, if the hub still tracks them. Sorted by repository.
    pub fn updated(
        previous: Option<&Portfolio>,
        fresh: Vec<Entry>,
        tracked: &[String],
        generated_at: String,
    ) -> Portfolio {
        let mut repos = fresh;
        if let Some(p) = previous {
            for old in &p.repos {
                let still_tracked = tracked.iter().any(|t| t.eq_ignore_ascii_case(&old.repo));
                let replaced = repos.iter().any(|e| e.repo.eq_ignore_ascii_case(&old.repo));
                if still_tracked && !replaced {
                    repos.push(old.clone());
                }
            }
        }
        repos.sort_by_key(|e| e.repo.to_ascii_lowercase());
        Portfolio {
            schema_version: PORTFOLIO_SCHEMA,
            generated_at,
            repos,
        }
    }

    /// Whether `self` says the same as `other` apart from when it was generated.
    pub fn same_content(&self, other: &Portfolio) -> bool {
        self.repos == other.repos && self.schema_version == other.schema_version
    }

    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(repo: &str) -> Identity {
        Identity {
            repo: repo.into(),
            display_name: repo.into(),
            dashboard_url: None,
            badge_gist_id: "g".into(),
        }
    }

    fn entry(repo: &str, clones: u64) -> Entry {
        let mut e = Entry::failed(who(repo), None, String::new());
        e.error = None;
        e.totals.clones = clones;
        e
    }

    #[test]
    fn a_failed_repository_keeps_its_last_numbers() {
        let previous = entry("octo/a", 41);
        let failed = Entry::failed(who("octo/a"), Some(&previous), "HTTP 403".into());
        assert_eq!(failed.totals.clones, 41);
        assert_eq!(failed.error.as_deref(), Some("HTTP 403"));
        let fresh = Entry::failed(who("octo/b"), None, "gone".into());
        assert_eq!(fresh.totals, Totals::default());
        assert_eq!(fresh.captured_at, None);
    }

    #[test]
    fn other_shards_entries_stay_and_untracked_ones_go() {
        let old = Portfolio {
            schema_version: 1,
            generated_at: "t0".into(),
            repos: vec![
                entry("octo/a", 1),
                entry("octo/b", 2),
                entry("octo/gone", 3),
            ],
        };
        let tracked = vec!["octo/a".to_string(), "octo/b".to_string()];
        let new = Portfolio::updated(Some(&old), vec![entry("octo/a", 9)], &tracked, "t1".into());
        let got: Vec<(&str, u64)> = new
            .repos
            .iter()
            .map(|e| (e.repo.as_str(), e.totals.clones))
            .collect();
        assert_eq!(got, [("octo/a", 9), ("octo/b", 2)]);
        assert!(!new.same_content(&old));
        let again = Portfolio::updated(Some(&new), vec![entry("octo/a", 9)], &tracked, "t2".into());
        assert!(again.same_content(&new));
    }

    #[test]
    fn the_document_follows_the_contract() {
        let p = Portfolio::updated(
            None,
            vec![entry("octo/a", 1)],
            &["octo/a".into()],
            "2026-01-01T00:00:00Z".into(),
        );
        let v: serde_json::Value = serde_json::from_str(&p.to_text()).unwrap();
        assert_eq!(v["schemaVersion"], 1);
        let e = &v["repos"][0];
        for key in [
            "repo",
            "displayName",
            "dashboardUrl",
            "badgeGistId",
            "capturedAt",
            "totals",
            "last30",
            "stars",
            "error",
        ] {
            assert!(e.get(key).is_some(), "missing {key}: {e}");
        }
        assert_eq!(e["totals"].as_object().unwrap().len(), 8);
        assert!(Portfolio::parse(&p.to_text()).is_ok());
    }
}
