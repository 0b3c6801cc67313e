//! What each source hands to the merge: typed backfill input.
//!
//! Every source, whatever it reads, ends as one of three shapes: whole days
//! (gist history, imports), CI figures for held days, or a cumulative series
//! (stars, forks). A source that could not be read is a value too, with its
//! reason, so one refused source does not stop the others (unless
//! `--fail-fast`) and the plan can say what was not available and why.
//!
//! This is the minimal shape the command needs; the merge itself (absent-only
//! or raise, baseline reconciliation, archive updates) is the traffic crate's.

use std::collections::BTreeMap;

use ghtraf_traffic::Day;
use serde::Serialize;
use time::Date;

use super::ci::CiOutcome;
use super::series::Series;
use super::source::Source;

/// One piece of what a source found.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceData {
    /// Whole days: every figure the source has for them (absent = not known).
    Days(Vec<Day>),
    /// CI figures of held days.
    Ci(BTreeMap<Date, CiOutcome>),
    /// A cumulative star or fork series.
    Series(Series),
}

/// Why a source gave nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unavailable {
    pub reason: String,
    /// The HTTP status behind it, when GitHub refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

/// What reading one source produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReading {
    pub source: Source,
    pub data: Result<Vec<SourceData>, Unavailable>,
    /// Things the plan should say (a revision that did not parse, a skipped file).
    pub notes: Vec<String>,
}

impl SourceReading {
    pub fn ok(source: Source, data: Vec<SourceData>) -> SourceReading {
        SourceReading {
            source,
            data: Ok(data),
            notes: Vec::new(),
        }
    }

    pub fn unavailable(
        source: Source,
        reason: impl Into<String>,
        status: Option<u16>,
    ) -> SourceReading {
        SourceReading {
            source,
            data: Err(Unavailable {
                reason: reason.into(),
                status,
            }),
            notes: Vec::new(),
        }
    }

    /// Days this reading offers, in any of its pieces.
    pub fn day_count(&self) -> usize {
        match &self.data {
            Ok(pieces) => pieces
                .iter()
                .map(|p| match p {
                    SourceData::Days(d) => d.len(),
                    SourceData::Ci(c) => c.len(),
                    SourceData::Series(s) => s.points.len(),
                })
                .sum(),
            Err(_) => 0,
        }
    }
}

/// Keeps the days inside the range (the other shapes are already per held day or whole series).
pub fn days_in(days: Vec<Day>, range: &super::range::DateRange) -> Vec<Day> {
    days.into_iter()
        .filter(|d| range.contains(d.date))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::backfill::range::DateRange;
    use time::macros::date;

    #[test]
    fn unavailable_sources_offer_nothing() {
        let r = SourceReading::unavailable(Source::Stars, "403", Some(403));
        assert_eq!(r.day_count(), 0);
        let Err(u) = &r.data else { panic!() };
        assert_eq!(u.status, Some(403));
    }

    #[test]
    fn counts_and_range() {
        let days = vec![
            Day::empty(date!(2024 - 01 - 01)),
            Day::empty(date!(2024 - 01 - 05)),
        ];
        let r = SourceReading::ok(
            Source::GistHistory(None),
            vec![SourceData::Days(days.clone())],
        );
        assert_eq!(r.day_count(), 2);
        let range = DateRange {
            since: Some(date!(2024 - 01 - 02)),
            until: None,
        };
        assert_eq!(days_in(days, &range).len(), 1);
    }
}
