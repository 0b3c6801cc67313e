//! `--since`/`--until`: the days a backfill may touch, inclusive on both ends.
//!
//! One small type so every source filters the same way, and so a reversed
//! range is refused before anything is read.

use ghtraf_traffic::{format_date, parse_bucket};
use time::Date;

/// Inclusive bounds; `None` = unbounded on that side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    pub since: Option<Date>,
    pub until: Option<Date>,
}

impl DateRange {
    /// Validated from the flags' text (`YYYY-MM-DD`).
    pub fn parse(since: Option<&str>, until: Option<&str>) -> Result<DateRange, String> {
        let day = |flag: &str, text: &str| parse_bucket(text).map_err(|e| format!("--{flag}: {e}"));
        let range = DateRange {
            since: since.map(|t| day("since", t)).transpose()?,
            until: until.map(|t| day("until", t)).transpose()?,
        };
        if let (Some(s), Some(u)) = (range.since, range.until) {
            if s > u {
                return Err(format!(
                    "--since {} is after --until {}: no day is in that range",
                    format_date(s),
                    format_date(u)
                ));
            }
        }
        Ok(range)
    }

    pub fn contains(&self, date: Date) -> bool {
        self.since.is_none_or(|s| date >= s) && self.until.is_none_or(|u| date <= u)
    }

    /// How the range reads in a plan.
    pub fn describe(&self) -> String {
        match (self.since, self.until) {
            (None, None) => "all days".to_string(),
            (Some(s), None) => format!("from {}", format_date(s)),
            (None, Some(u)) => format!("until {}", format_date(u)),
            (Some(s), Some(u)) => format!("{} to {}", format_date(s), format_date(u)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn inclusive_bounds() {
        let r = DateRange::parse(Some("2024-01-02"), Some("2024-01-04")).unwrap();
        assert!(!r.contains(date!(2024 - 01 - 01)));
        assert!(r.contains(date!(2024 - 01 - 02)));
        assert!(r.contains(date!(2024 - 01 - 04)));
        assert!(!r.contains(date!(2024 - 01 - 05)));
        assert!(DateRange::default().contains(date!(1999 - 01 - 01)));
        assert_eq!(r.describe(), "2024-01-02 to 2024-01-04");
    }

    #[test]
    fn bad_or_reversed_ranges_are_refused() {
        let e = DateRange::parse(Some("2024-13-01"), None).unwrap_err();
        assert!(e.starts_with("--since"), "{e}");
        let e = DateRange::parse(Some("2024-02-01"), Some("2024-01-01")).unwrap_err();
        assert!(e.contains("after"), "{e}");
    }
}
