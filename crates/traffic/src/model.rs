//! The v4 data types written to the gists. They live apart from the logic so the format
//! contract (docs/state-format.md) can be read in one place; field names are the JSON names
//! in camelCase, and every `extra` map carries keys this version does not understand so a
//! read-modify-write never drops them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

use crate::provenance::{DayBackfill, Provenance, SeriesSet};

/// Schema version this crate writes.
pub const SCHEMA_VERSION: u64 = 4;

/// Written to `generator` so a reader can tell which build wrote a file last.
pub const GENERATOR: &str = concat!("ghtraf ", env!("CARGO_PKG_VERSION"));

/// Derived sums. Every figure is an integer ≥ 0; unique totals sum only the days whose
/// uniques are known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub clones: u64,
    pub unique_clones: u64,
    pub views: u64,
    pub unique_views: u64,
    pub downloads: u64,
    pub ci_checkouts: u64,
    pub organic_clones: u64,
    pub organic_unique_clones: u64,
}

/// JSON names of the [`Totals`] fields, in declaration order.
pub const TOTAL_FIELDS: [&str; 8] = [
    "clones",
    "uniqueClones",
    "views",
    "uniqueViews",
    "downloads",
    "ciCheckouts",
    "organicClones",
    "organicUniqueClones",
];

impl Totals {
    /// Field by JSON name, so import and checks can loop over [`TOTAL_FIELDS`].
    pub fn get(&self, field: &str) -> u64 {
        *self.slot(field).unwrap_or(&0)
    }

    fn slot(&self, field: &str) -> Option<&u64> {
        Some(match field {
            "clones" => &self.clones,
            "uniqueClones" => &self.unique_clones,
            "views" => &self.views,
            "uniqueViews" => &self.unique_views,
            "downloads" => &self.downloads,
            "ciCheckouts" => &self.ci_checkouts,
            "organicClones" => &self.organic_clones,
            "organicUniqueClones" => &self.organic_unique_clones,
            _ => return None,
        })
    }

    pub(crate) fn set(&mut self, field: &str, value: u64) {
        let slot = match field {
            "clones" => &mut self.clones,
            "uniqueClones" => &mut self.unique_clones,
            "views" => &mut self.views,
            "uniqueViews" => &mut self.unique_views,
            "downloads" => &mut self.downloads,
            "ciCheckouts" => &mut self.ci_checkouts,
            "organicClones" => &mut self.organic_clones,
            "organicUniqueClones" => &mut self.organic_unique_clones,
            _ => return,
        };
        *slot = value;
    }

    /// Field-wise sum (saturating: counts this large are not real, but must not panic).
    pub fn plus(&self, other: &Totals) -> Totals {
        let mut sum = *self;
        for field in TOTAL_FIELDS {
            sum.set(field, self.get(field).saturating_add(other.get(field)));
        }
        sum
    }

    /// What one day contributes to the totals.
    pub fn of_day(day: &Day) -> Totals {
        Totals {
            clones: day.clones,
            unique_clones: day.unique_clones.unwrap_or(0),
            views: day.views,
            unique_views: day.unique_views.unwrap_or(0),
            downloads: day.downloads,
            ci_checkouts: day.ci_checkouts.unwrap_or(0),
            organic_clones: day.organic_clones_value(),
            organic_unique_clones: day.organic_unique_clones_value().unwrap_or(0),
        }
    }

    /// Sum over days.
    pub fn of_days<'a>(days: impl IntoIterator<Item = &'a Day>) -> Totals {
        days.into_iter()
            .fold(Totals::default(), |sum, day| sum.plus(&Totals::of_day(day)))
    }
}

/// CI checkouts of one workflow on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowCi {
    pub runs: u64,
    /// Checkout jobs of each run, in the order the runs were listed.
    #[serde(default)]
    pub checkouts_per_run: Vec<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One UTC day of traffic. `None` means "never collected", which is different from zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Day {
    #[serde(serialize_with = "crate::dates::serialize_bucket")]
    pub date: Date,
    /// Last time this day's numbers changed (RFC 3339, as written by whoever stored it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    pub clones: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_clones: Option<u64>,
    pub views: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_views: Option<u64>,
    /// Release downloads credited to this day (difference of consecutive snapshots).
    pub downloads: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_checkouts: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_runs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_workflows: Option<BTreeMap<String, WorkflowCi>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organic_clones: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organic_unique_clones: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forks: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_issues: Option<u64>,
    /// The last backfill that wrote or raised figures of this day; absent = collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill: Option<DayBackfill>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Day {
    /// A day with no traffic recorded yet.
    pub fn empty(date: Date) -> Day {
        Day {
            date,
            captured_at: None,
            clones: 0,
            unique_clones: None,
            views: 0,
            unique_views: None,
            downloads: 0,
            ci_checkouts: None,
            ci_runs: None,
            ci_workflows: None,
            organic_clones: None,
            organic_unique_clones: None,
            stars: None,
            forks: None,
            open_issues: None,
            backfill: None,
            extra: Map::new(),
        }
    }

    /// Organic clones as stored, or derived when an imported day lacks the field.
    /// A stored 0 stays 0: a fully-CI day never falls back to raw clones.
    pub fn organic_clones_value(&self) -> u64 {
        self.organic_clones.unwrap_or_else(|| {
            crate::ci::organic_clones(self.clones, self.ci_checkouts.unwrap_or(0))
        })
    }

    /// Organic unique clones as stored, or estimated when only `uniqueClones` is known.
    pub fn organic_unique_clones_value(&self) -> Option<u64> {
        self.organic_unique_clones.or_else(|| {
            self.unique_clones.map(|uniques| {
                crate::ci::organic_unique_clones(
                    uniques,
                    self.clones,
                    self.ci_checkouts.unwrap_or(0),
                    self.ci_runs,
                )
            })
        })
    }

    /// `YYYY-MM` of this day.
    pub fn period(&self) -> String {
        period_of(self.date)
    }
}

/// `YYYY-MM` of a date.
pub fn period_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), u8::from(date.month()))
}

/// What `state.json` records about archived months: which exist and what they sum to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Archived {
    /// `YYYY-MM`, ascending.
    pub months: Vec<String>,
    pub totals: Totals,
}

/// The last release-asset snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadSnapshot {
    /// RFC 3339; absent for a snapshot imported from the original, which did not record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_at: Option<String>,
    /// Sum of `download_count` over all release assets.
    pub total: u64,
}

/// Repository figures from the last collection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoStats {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forks: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_issues: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<String>,
}

/// One entry of GitHub's top-10 referrers (14-day snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referrer {
    pub source: String,
    pub count: u64,
    pub uniques: u64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of GitHub's top-10 content paths (14-day snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopularPath {
    pub path: String,
    #[serde(default)]
    pub title: String,
    pub count: u64,
    pub uniques: u64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `state.json`, schema v4.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub schema_version: u64,
    pub generator: String,
    /// `owner/name`. Empty right after importing an original state (which does not record
    /// it): the caller sets it.
    pub repo: String,
    /// First day ever tracked, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_since: Option<String>,
    /// Last collection, RFC 3339 UTC; absent until the first collection.
    /// Read it through [`State::last_collection`], which also knows the
    /// creation stamp older versions wrote here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// Derived: `baseline + archived.totals + Σ dailyHistory`.
    pub totals: Totals,
    /// Counts from before the first day held anywhere.
    pub baseline: Totals,
    pub archived: Archived,
    /// Ascending by date, unique dates, only months not yet archived.
    pub daily_history: Vec<Day>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downloads: Option<DownloadSnapshot>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo_stats: Option<RepoStats>,
    pub referrers: Vec<Referrer>,
    pub popular_paths: Vec<PopularPath>,
    /// Breakdown of the most recent day with CI data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_workflows: Option<BTreeMap<String, WorkflowCi>>,
    /// Star and fork series reconstructed by backfills.
    #[serde(skip_serializing_if = "SeriesSet::is_empty")]
    pub series: SeriesSet,
    /// One entry per backfill run of a source that changed something, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<Provenance>,
    /// The original's fields that v4 replaced, kept verbatim from an import for audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl State {
    /// When the state was last collected, or None when it never was.
    ///
    /// Earlier ghtraf versions wrote the gist's creation time into `capturedAt` of the
    /// state `create` makes, so a never-collected state may carry one. Such a
    /// state holds nothing a collection writes (every `collect` stores the
    /// repository's figures and the release-download snapshot) and nothing
    /// else either (no day, no archived month, no import, no backfill): its
    /// stamp says when it was made, not when it was collected.
    pub fn last_collection(&self) -> Option<&str> {
        let stamp = self.captured_at.as_deref()?;
        let holds_anything = !self.daily_history.is_empty()
            || !self.archived.months.is_empty()
            || self.repo_stats.is_some()
            || self.downloads.is_some()
            || self.imported.is_some()
            || !self.provenance.is_empty();
        holds_anything.then_some(stamp)
    }

    /// `baseline + archived.totals + Σ dailyHistory`: what `totals` must always equal.
    pub fn derived_totals(&self) -> Totals {
        self.baseline
            .plus(&self.archived.totals)
            .plus(&Totals::of_days(&self.daily_history))
    }

    /// Recomputes `totals` from its parts.
    pub fn refresh_totals(&mut self) {
        self.totals = self.derived_totals();
    }

    /// `state.json` text as written to the gist.
    pub fn to_json(&self) -> String {
        to_pretty_json(self)
    }
}

/// `archive-YYYY-MM.json`: exactly one calendar month, immutable once written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveMonth {
    pub schema_version: u64,
    pub repo: String,
    /// `YYYY-MM`.
    pub period: String,
    pub generated_at: String,
    /// Totals of this month's days.
    pub totals: Totals,
    /// This month's days only, ascending.
    pub daily_history: Vec<Day>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ArchiveMonth {
    /// Gist file name of this month.
    pub fn file_name(&self) -> String {
        archive_file_name(&self.period)
    }

    /// File text as written to the archive gist.
    pub fn to_json(&self) -> String {
        to_pretty_json(self)
    }

    /// Adds the days of `other` (same period) to this month, keeping the higher figure of
    /// each field where both hold a day; totals are recomputed.
    pub fn absorb(&mut self, other: &ArchiveMonth) {
        for day in &other.daily_history {
            match self
                .daily_history
                .iter_mut()
                .find(|mine| mine.date == day.date)
            {
                Some(mine) => crate::merge::max_into(mine, day),
                None => self.daily_history.push(day.clone()),
            }
        }
        self.daily_history.sort_by_key(|day| day.date);
        for (key, value) in &other.extra {
            self.extra
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
        self.totals = Totals::of_days(&self.daily_history);
    }
}

/// `archive-YYYY-MM.json` for a period.
pub fn archive_file_name(period: &str) -> String {
    format!("archive-{period}.json")
}

/// One month in `archive.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveIndexEntry {
    pub period: String,
    pub days: u64,
    pub totals: Totals,
}

/// `archive.json`: the list of archive month files.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveIndex {
    pub schema_version: u64,
    pub repo: String,
    pub updated_at: String,
    /// Ascending by period.
    pub months: Vec<ArchiveIndexEntry>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ArchiveIndex {
    /// An index listing no month yet.
    pub fn empty(repo: &str, updated_at: &str) -> ArchiveIndex {
        ArchiveIndex {
            schema_version: SCHEMA_VERSION,
            repo: repo.to_string(),
            updated_at: updated_at.to_string(),
            months: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Records (or replaces) a month's entry, keeping the list ascending.
    pub fn upsert(&mut self, month: &ArchiveMonth) {
        let entry = ArchiveIndexEntry {
            period: month.period.clone(),
            days: month.daily_history.len() as u64,
            totals: month.totals,
        };
        match self
            .months
            .iter_mut()
            .find(|known| known.period == month.period)
        {
            Some(known) => *known = entry,
            None => self.months.push(entry),
        }
        self.months.sort_by(|a, b| a.period.cmp(&b.period));
    }

    /// File text as written to the archive gist.
    pub fn to_json(&self) -> String {
        to_pretty_json(self)
    }
}

fn to_pretty_json<T: Serialize>(value: &T) -> String {
    // Serializing these types cannot fail: all keys are strings and no custom serializer
    // returns an error; an empty string would be caught by the caller's verify step.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
