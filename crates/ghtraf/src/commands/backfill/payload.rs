//! The payload of `backfill`: one PATCH of one gist per action, carrying the
//! gist revision observed while planning (the daily workflow may write in
//! between; then nothing is written and the run stops as stale).

use std::collections::BTreeMap;

use ghtraf_plan::{Detail, Payload};
use ghtraf_traffic::Totals;
use serde::Serialize;

use crate::deployment::GistRole;

/// One PATCH of one gist.
#[derive(Debug, Clone, Serialize)]
pub struct BackfillWrite {
    pub role: GistRole,
    pub gist_id: String,
    /// `history[0].version` when planned: the write's precondition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// File name → new content.
    pub files: BTreeMap<String, String>,
    /// What changes, one line each (per source, or per archived month with its totals
    /// before and after).
    pub changes: Vec<String>,
    /// Totals (baseline + archives + days) before and after.
    pub totals_before: Totals,
    pub totals_after: Totals,
}

/// `clones 10 → 25, views 4 → 9, …` for the fields that change.
pub fn totals_change(before: &Totals, after: &Totals) -> String {
    let changed: Vec<String> = ghtraf_traffic::TOTAL_FIELDS
        .iter()
        .filter(|f| before.get(f) != after.get(f))
        .map(|f| format!("{f} {} → {}", before.get(f), after.get(f)))
        .collect();
    if changed.is_empty() {
        "unchanged".to_string()
    } else {
        changed.join(", ")
    }
}

impl Payload for BackfillWrite {
    fn details(&self) -> Vec<Detail> {
        let mut d = Vec::new();
        if !self.changes.is_empty() {
            d.push(Detail::new(1, "changes", self.changes.join("\n")));
        }
        d.push(Detail::new(
            1,
            "totals",
            totals_change(&self.totals_before, &self.totals_after),
        ));
        if let Some(rev) = &self.revision {
            d.push(Detail::new(
                1,
                "revision",
                format!("written only while the gist is at {rev}"),
            ));
        }
        if !self.files.is_empty() {
            let names: Vec<String> = self
                .files
                .iter()
                .map(|(n, c)| format!("{n} ({} bytes)", c.len()))
                .collect();
            d.push(Detail::new(2, "files", names.join(", ")));
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_change_names_only_what_moves() {
        let before = Totals {
            clones: 10,
            views: 4,
            ..Totals::default()
        };
        let after = Totals {
            clones: 25,
            views: 4,
            ..Totals::default()
        };
        assert_eq!(totals_change(&before, &after), "clones 10 → 25");
        assert_eq!(totals_change(&before, &before), "unchanged");
    }
}
