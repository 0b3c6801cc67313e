//! Flat per-day rows across `state.json` and the archive months, for `ghtraf export` and the
//! workflow's step summary: one place decides how the two sources are stitched.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::dates::format_date;
use crate::merge::max_into;
use crate::model::{ArchiveMonth, Day, State};

/// One day. `None` uniques are unknown (never collected), not zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub clones: u64,
    pub unique_clones: Option<u64>,
    pub views: u64,
    pub unique_views: Option<u64>,
    pub downloads: u64,
    pub ci_checkouts: u64,
    pub organic_clones: u64,
    /// An estimate (see the CI separation in docs/state-format.md).
    pub organic_unique_clones: Option<u64>,
    /// Workflow runs with a checkout (absent when not collected); with `ci_checkouts` it
    /// lets an import recompute the organic estimate exactly.
    pub ci_runs: Option<u64>,
}

const CSV_HEADER: &str = "date,clones,unique_clones,views,unique_views,downloads,ci_checkouts,organic_clones,organic_unique_clones,ci_runs";

/// Every day held anywhere, ascending; a day in both keeps the higher figures.
pub fn export_rows(state: &State, archives: &[ArchiveMonth]) -> Vec<ExportRow> {
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    let all = archives
        .iter()
        .flat_map(|month| &month.daily_history)
        .chain(&state.daily_history);
    for day in all {
        match days.get_mut(&day.date) {
            Some(held) => max_into(held, day),
            None => {
                days.insert(day.date, day.clone());
            }
        }
    }
    days.values()
        .map(|day| ExportRow {
            date: format_date(day.date),
            clones: day.clones,
            unique_clones: day.unique_clones,
            views: day.views,
            unique_views: day.unique_views,
            downloads: day.downloads,
            ci_checkouts: day.ci_checkouts.unwrap_or(0),
            organic_clones: day.organic_clones_value(),
            organic_unique_clones: day.organic_unique_clones_value(),
            ci_runs: day.ci_runs,
        })
        .collect()
}

/// A JSON array of rows; unknown uniques are `null`.
pub fn to_json(rows: &[ExportRow]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_default()
}

/// CSV with a header line; unknown uniques are empty cells.
pub fn to_csv(rows: &[ExportRow]) -> String {
    let cell = |value: Option<u64>| value.map(|v| v.to_string()).unwrap_or_default();
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for row in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            row.date,
            row.clones,
            cell(row.unique_clones),
            row.views,
            cell(row.unique_views),
            row.downloads,
            row.ci_checkouts,
            row.organic_clones,
            cell(row.organic_unique_clones),
            cell(row.ci_runs)
        ));
    }
    out
}
