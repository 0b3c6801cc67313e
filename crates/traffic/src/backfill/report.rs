//! What a backfill returns: the new state and month files, the archive updates the plan
//! shows as explicit actions, and per source what it added and raised — the figures the
//! dry-run prints.

use std::collections::BTreeMap;
use std::fmt;

use time::Date;

use crate::merge::{DayChange, FieldChange};
use crate::model::{ArchiveIndex, ArchiveMonth, State, Totals, SCHEMA_VERSION};
use crate::ARCHIVE_INDEX_FILE;

/// An archive month file the backfill rewrites (a day of an archived month gained figures)
/// or creates (a whole month of added days left `state.json`). The caller turns each into
/// an explicit archive-update action, shown with its totals before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveUpdate {
    /// `YYYY-MM`.
    pub period: String,
    /// Totals of the file before; `None` for a new file.
    pub before: Option<Totals>,
    pub after: Totals,
    /// The whole month as it is to be written.
    pub month: ArchiveMonth,
}

/// What one source did.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub source: String,
    pub days_added: u64,
    /// Held days where a figure the day held rose (`--raise`).
    pub days_raised: u64,
    /// Held days that gained only figures they lacked (an unknown unique or CI figure,
    /// a count of 0); their derived organic figures may drop (CI checkouts are not people).
    pub days_filled: u64,
    /// JSON names of the day fields written or raised, sorted.
    pub fields: Vec<String>,
    /// Totals (baseline + archives + days) before and after this source.
    pub totals_before: Totals,
    pub totals_after: Totals,
    /// Counts added before the first day held that came out of the baseline (they were
    /// already inside an imported total, so the totals did not change by them).
    pub from_baseline: Totals,
    /// Counts added before the first day held beyond what the baseline held: the baseline
    /// stopped at 0 and the totals rose by these (the source saw more than the original
    /// counted; the days are the evidence).
    pub beyond_baseline: Totals,
    /// Every day added or changed, ascending.
    pub changes: Vec<DayChange>,
    /// Series stored, e.g. `stars: 120 points, 4000 at the end`.
    pub series: Vec<String>,
    /// Rows skipped, series kept, and what the source's reader had to say.
    pub notes: Vec<String>,
}

impl SourceReport {
    pub(crate) fn new(source: &str, totals: Totals) -> SourceReport {
        SourceReport {
            source: source.to_string(),
            days_added: 0,
            days_raised: 0,
            days_filled: 0,
            fields: Vec::new(),
            totals_before: totals,
            totals_after: totals,
            from_baseline: Totals::default(),
            beyond_baseline: Totals::default(),
            changes: Vec::new(),
            series: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn record(
        &mut self,
        date: Date,
        added: bool,
        raised: bool,
        fields: Vec<FieldChange>,
    ) {
        if added {
            self.days_added += 1;
        } else if raised {
            self.days_raised += 1;
        } else {
            self.days_filled += 1;
        }
        self.changes.push(DayChange {
            date,
            added,
            fields,
        });
    }

    /// True when the source changed a day or a series.
    pub fn changed(&self) -> bool {
        !self.changes.is_empty() || !self.series.is_empty()
    }
}

impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} days added, {} filled, {} raised",
            self.source, self.days_added, self.days_filled, self.days_raised
        )?;
        if !self.fields.is_empty() {
            write!(f, " ({})", self.fields.join(", "))?;
        }
        let mut deltas = Vec::new();
        for field in crate::TOTAL_FIELDS {
            let (before, after) = (self.totals_before.get(field), self.totals_after.get(field));
            if before != after {
                let sign = if after > before { '+' } else { '-' };
                deltas.push(format!("{field} {sign}{}", after.abs_diff(before)));
            }
        }
        if !deltas.is_empty() {
            write!(f, "; totals {}", deltas.join(", "))?;
        }
        let absorbed: Vec<String> = crate::TOTAL_FIELDS
            .iter()
            .filter(|field| self.from_baseline.get(field) > 0)
            .map(|field| format!("{field} {}", self.from_baseline.get(field)))
            .collect();
        if !absorbed.is_empty() {
            write!(f, "; from the baseline {}", absorbed.join(", "))?;
        }
        let beyond: Vec<String> = crate::TOTAL_FIELDS
            .iter()
            .filter(|field| self.beyond_baseline.get(field) > 0)
            .map(|field| format!("{field} {}", self.beyond_baseline.get(field)))
            .collect();
        if !beyond.is_empty() {
            write!(
                f,
                "; beyond the baseline (it stopped at 0, the totals rose) {}",
                beyond.join(", ")
            )?;
        }
        for line in &self.series {
            write!(f, "; {line}")?;
        }
        Ok(())
    }
}

/// A backfill that cannot run: nothing is to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillError {
    /// The source at fault, when one is.
    pub source: Option<String>,
    pub message: String,
}

impl BackfillError {
    pub(crate) fn new(source: Option<&str>, message: String) -> BackfillError {
        BackfillError {
            source: source.map(str::to_string),
            message,
        }
    }
}

impl fmt::Display for BackfillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "backfill from {source}: {}", self.message),
            None => write!(f, "backfill: {}", self.message),
        }
    }
}

impl std::error::Error for BackfillError {}

/// What [`crate::backfill()`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct BackfillOutcome {
    /// The new state (totals derived; provenance appended when something changed).
    pub state: State,
    /// Every archive month file afterwards, ascending (for `check_identity`).
    pub archives: Vec<ArchiveMonth>,
    /// The month files to write, ascending: write them (and the index) before the state.
    pub archive_updates: Vec<ArchiveUpdate>,
    /// One per input, in input order.
    pub reports: Vec<SourceReport>,
    /// False when nothing would change: the plan is all skips and nothing is written.
    pub changed: bool,
}

impl BackfillOutcome {
    /// `archive.json` after writing [`BackfillOutcome::archive_updates`].
    pub fn updated_index(&self, existing: Option<&ArchiveIndex>, updated_at: &str) -> ArchiveIndex {
        let mut index = existing
            .cloned()
            .unwrap_or_else(|| ArchiveIndex::empty(&self.state.repo, updated_at));
        index.schema_version = SCHEMA_VERSION;
        index.repo.clone_from(&self.state.repo);
        if !self.archive_updates.is_empty() {
            index.updated_at = updated_at.to_string();
        }
        for update in &self.archive_updates {
            index.upsert(&update.month);
        }
        index
    }

    /// The archive gist files to write (each updated month and the index); empty when no
    /// month changed.
    pub fn archive_files(
        &self,
        existing_index: Option<&ArchiveIndex>,
        updated_at: &str,
    ) -> BTreeMap<String, String> {
        if self.archive_updates.is_empty() {
            return BTreeMap::new();
        }
        let mut files: BTreeMap<String, String> = self
            .archive_updates
            .iter()
            .map(|update| (update.month.file_name(), update.month.to_json()))
            .collect();
        files.insert(
            ARCHIVE_INDEX_FILE.to_string(),
            self.updated_index(existing_index, updated_at).to_json(),
        );
        files
    }
}
