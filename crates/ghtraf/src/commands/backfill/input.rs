//! What reading one source produced: the traffic crate's backfill input, or
//! the reason the source is not available.
//!
//! Every source, whatever it reads, ends as `ghtraf_traffic::BackfillInput`
//! (per-day partial figures and optional star/fork series). A source that
//! could not be read is a value too, with its reason, so one refused source
//! does not stop the others (unless `--fail-fast`) and the plan says what was
//! not available and why.

use ghtraf_traffic::BackfillInput;
use serde::Serialize;

use super::range::DateRange;
use super::source::Source;

/// Why a source gave nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unavailable {
    pub reason: String,
    /// The HTTP status behind it, when GitHub refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Not read at all because it would pass the request budget (the reason names
    /// the `--max-requests` figure that allows it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub over_budget: bool,
}

/// What reading one source produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReading {
    pub source: Source,
    pub data: Result<Vec<BackfillInput>, Unavailable>,
    /// Requests the reading made.
    pub requests: u64,
    /// Things the plan should say (a revision that did not parse, days not available).
    pub notes: Vec<String>,
}

impl SourceReading {
    pub fn ok(source: Source, inputs: Vec<BackfillInput>, requests: u64) -> SourceReading {
        SourceReading {
            source,
            data: Ok(inputs),
            requests,
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
                over_budget: false,
            }),
            requests: 0,
            notes: Vec::new(),
        }
    }

    /// Not read: it would pass the request budget; `reason` names the figure that allows it.
    pub fn over_budget(source: Source, reason: impl Into<String>) -> SourceReading {
        let mut reading = SourceReading::unavailable(source, reason, None);
        if let Err(u) = &mut reading.data {
            u.over_budget = true;
        }
        reading
    }

    /// The inputs within `range` (series are kept whole), each note copied in.
    pub fn inputs(&self, range: &DateRange) -> Vec<BackfillInput> {
        match &self.data {
            Ok(inputs) => inputs
                .iter()
                .cloned()
                .map(|mut input| {
                    input.notes.extend(self.notes.iter().cloned());
                    input.within(range.since, range.until)
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ghtraf_traffic::BackfillDay;
    use time::macros::date;

    #[test]
    fn unavailable_sources_offer_nothing() {
        let r = SourceReading::unavailable(Source::Stars, "403", Some(403));
        assert!(r.inputs(&DateRange::default()).is_empty());
        let Err(u) = &r.data else { panic!() };
        assert_eq!(u.status, Some(403));
    }

    #[test]
    fn inputs_are_cut_to_the_range_and_carry_the_notes() {
        let input = BackfillInput {
            source: "gist-history".into(),
            days: vec![
                BackfillDay::new(date!(2024 - 01 - 01)),
                BackfillDay::new(date!(2024 - 01 - 05)),
            ],
            ..BackfillInput::default()
        };
        let mut r = SourceReading::ok(Source::GistHistory(None), vec![input], 3);
        r.notes.push("1 revision did not parse".into());
        let range = DateRange {
            since: Some(date!(2024 - 01 - 02)),
            until: None,
        };
        let inputs = r.inputs(&range);
        assert_eq!(inputs[0].days.len(), 1);
        assert_eq!(
            inputs[0].notes,
            vec!["1 revision did not parse".to_string()]
        );
    }
}
