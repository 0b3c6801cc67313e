//! Star and fork history from the dates GitHub still lists.
//!
//! GitHub keeps no daily star or fork count, but it lists every current
//! stargazer with `starred_at` and every fork with `created_at`. Counting them
//! by UTC day gives a cumulative series from the repository's creation. It is
//! a lower bound of the past (unstars and deleted forks are invisible), and it
//! may be cut short: REST lists at most 400 pages (40,000 entries), and since
//! mid-2026 only admins and collaborators may list stargazers. The series says
//! so, with the reason, instead of looking complete.
//!
//! Pure: the observer hands in what it listed and how the listing ended.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// REST stops listing stargazers after this many pages (page 401 answers 422).
pub const REST_PAGE_CAP: u64 = 400;
/// Entries per REST page (the maximum `per_page`).
pub const PER_PAGE: u64 = 100;

/// Which series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesKind {
    Stars,
    Forks,
}

impl SeriesKind {
    /// The gist file this series is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            SeriesKind::Stars => "stars.json",
            SeriesKind::Forks => "forks.json",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            SeriesKind::Stars => "stargazers",
            SeriesKind::Forks => "forks",
        }
    }
}

/// How listing the entries ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Every page was read.
    Complete,
    /// GitHub refused the page after the last one read (the REST 400-page cap).
    Capped,
    /// GitHub refused the list (403: not an admin or collaborator, or a token without the right).
    Forbidden(String),
}

/// One listed entry: who (to drop the duplicates concurrent page reads can see when
/// the list shifts) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub at: String,
}

/// One point of a cumulative series: the total at the end of that UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    pub total: u64,
}

fn serialize_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ghtraf_traffic::format_date(*date))
}

/// A cumulative series, one point per day on which it changed, ascending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub kind: SeriesKind,
    pub points: Vec<Point>,
    /// Entries counted (after dropping duplicates and unreadable dates).
    pub counted: u64,
    /// GitHub's current count (`stargazers_count` / `forks_count`).
    pub current: u64,
    pub complete: bool,
    /// Why the series is incomplete, in a sentence for the plan; `None` when complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete_reason: Option<String>,
    /// Past this day the series is known to miss entries (capped listings); `None` when
    /// complete or when nothing at all could be listed.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_date"
    )]
    pub known_until: Option<Date>,
}

fn serialize_opt_date<S: serde::Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serialize_date(d, s),
        None => s.serialize_none(),
    }
}

impl Series {
    /// The series as the traffic crate stores it (`state.series`), named after `source`.
    pub fn to_traffic(&self, source: &str) -> ghtraf_traffic::Series {
        ghtraf_traffic::Series {
            points: self
                .points
                .iter()
                .map(|p| ghtraf_traffic::SeriesPoint {
                    date: p.date,
                    count: p.total,
                })
                .collect(),
            complete: self.complete,
            note: self.incomplete_reason.clone(),
            source: source.to_string(),
            at: None,
        }
        .normalized()
    }
}

/// The UTC day of an RFC 3339 timestamp.
pub fn utc_day(timestamp: &str) -> Option<Date> {
    OffsetDateTime::parse(timestamp, &Rfc3339)
        .ok()
        .map(|t| t.to_offset(UtcOffset::UTC).date())
}

/// Pages a complete REST listing of `count` entries takes, and whether the cap cuts it.
pub fn rest_pages(count: u64) -> (u64, bool) {
    let pages = count.div_ceil(PER_PAGE).max(1);
    if pages > REST_PAGE_CAP {
        (REST_PAGE_CAP, true)
    } else {
        (pages, false)
    }
}

/// Builds the cumulative series. `created` (the repository's creation day) adds a
/// starting point at 0 when it is before the first entry.
pub fn cumulative(
    kind: SeriesKind,
    entries: &[Entry],
    listing: &Listing,
    current: u64,
    created: Option<Date>,
) -> Series {
    let mut seen = BTreeSet::new();
    let mut per_day: BTreeMap<Date, u64> = BTreeMap::new();
    let mut unreadable = 0u64;
    for entry in entries {
        if !seen.insert(entry.key.as_str()) {
            continue;
        }
        match utc_day(&entry.at) {
            Some(day) => *per_day.entry(day).or_default() += 1,
            None => unreadable += 1,
        }
    }
    let mut points = Vec::with_capacity(per_day.len() + 1);
    if let (Some(created), Some((first, _))) = (created, per_day.first_key_value()) {
        if created < *first {
            points.push(Point {
                date: created,
                total: 0,
            });
        }
    }
    let mut total = 0u64;
    for (date, n) in per_day {
        total += n;
        points.push(Point { date, total });
    }
    let counted = total;
    let last = points.last().map(|p| p.date);

    let noun = kind.noun();
    let mut reasons = Vec::new();
    let mut known_until = None;
    match listing {
        Listing::Complete => {}
        Listing::Capped => {
            reasons.push(format!(
                "GitHub lists only the first {} {noun} ({counted} of {current} counted); \
                 the series ends on the day of the last one listed",
                REST_PAGE_CAP * PER_PAGE
            ));
            known_until = last;
        }
        Listing::Forbidden(why) => reasons.push(format!(
            "GitHub refused to list the {noun} ({why}); since July 2026 only admins and \
             collaborators may list stargazers, with a classic token"
        )),
    }
    if unreadable > 0 {
        reasons.push(format!("{unreadable} entries had an unreadable date"));
        known_until = None;
    }
    Series {
        kind,
        points,
        counted,
        current,
        complete: reasons.is_empty(),
        incomplete_reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        known_until,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(key: &str, at: &str) -> Entry {
        Entry {
            key: key.into(),
            at: at.into(),
        }
    }

    #[test]
    fn one_point_per_change_day_in_utc() {
        let entries = [
            entry("a", "2024-01-05T10:00:00Z"),
            entry("b", "2024-01-05T23:59:59Z"),
            // 01:00 on the 6th at UTC+02:00 is 23:00 on the 5th in UTC.
            entry("c", "2024-01-06T01:00:00+02:00"),
            entry("d", "2024-01-09T00:00:00Z"),
        ];
        let s = cumulative(
            SeriesKind::Stars,
            &entries,
            &Listing::Complete,
            4,
            Some(date!(2023 - 12 - 01)),
        );
        assert_eq!(
            s.points,
            vec![
                Point {
                    date: date!(2023 - 12 - 01),
                    total: 0
                },
                Point {
                    date: date!(2024 - 01 - 05),
                    total: 3
                },
                Point {
                    date: date!(2024 - 01 - 09),
                    total: 4
                },
            ]
        );
        assert!(s.complete);
        assert_eq!(s.incomplete_reason, None);
        assert_eq!(s.counted, 4);
    }

    #[test]
    fn duplicates_from_shifted_pages_count_once() {
        let entries = [
            entry("a", "2024-01-05T10:00:00Z"),
            entry("a", "2024-01-05T10:00:00Z"),
            entry("b", "2024-01-07T10:00:00Z"),
        ];
        let s = cumulative(SeriesKind::Forks, &entries, &Listing::Complete, 2, None);
        assert_eq!(s.points.last().map(|p| p.total), Some(2));
    }

    #[test]
    fn capped_listing_is_incomplete_and_says_where_it_stops() {
        let entries = [
            entry("a", "2020-01-01T00:00:00Z"),
            entry("b", "2021-06-01T00:00:00Z"),
        ];
        let s = cumulative(SeriesKind::Stars, &entries, &Listing::Capped, 52_311, None);
        assert!(!s.complete);
        assert_eq!(s.known_until, Some(date!(2021 - 06 - 01)));
        let why = s.incomplete_reason.unwrap();
        assert!(why.contains("40000") && why.contains("2 of 52311"), "{why}");
    }

    #[test]
    fn forbidden_listing_is_incomplete_and_empty() {
        let s = cumulative(
            SeriesKind::Stars,
            &[],
            &Listing::Forbidden("403".into()),
            17,
            Some(date!(2020 - 01 - 01)),
        );
        assert!(!s.complete);
        assert!(s.points.is_empty());
        assert_eq!(s.known_until, None);
        assert!(s.incomplete_reason.unwrap().contains("collaborators"));
    }

    #[test]
    fn unreadable_dates_make_it_incomplete() {
        let entries = [entry("a", "yesterday"), entry("b", "2024-01-05T10:00:00Z")];
        let s = cumulative(SeriesKind::Stars, &entries, &Listing::Complete, 2, None);
        assert!(!s.complete);
        assert_eq!(s.counted, 1);
        assert!(s.incomplete_reason.unwrap().contains("1 entries"));
    }

    #[test]
    fn page_counts_respect_the_cap() {
        assert_eq!(rest_pages(0), (1, false));
        assert_eq!(rest_pages(100), (1, false));
        assert_eq!(rest_pages(101), (2, false));
        assert_eq!(rest_pages(40_000), (400, false));
        assert_eq!(rest_pages(40_001), (400, true));
    }

    #[test]
    fn serializes_dates_as_days() {
        let s = cumulative(
            SeriesKind::Forks,
            &[entry("x", "2024-02-29T12:00:00Z")],
            &Listing::Complete,
            1,
            None,
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["points"][0]["date"], "2024-02-29");
        assert_eq!(json["kind"], "forks");
        assert!(json.get("knownUntil").is_none());
    }

    #[test]
    fn converts_to_the_stored_shape() {
        let s = cumulative(
            SeriesKind::Stars,
            &[
                entry("a", "2024-01-01T01:00:00Z"),
                entry("b", "2024-01-03T01:00:00Z"),
            ],
            &Listing::Capped,
            9,
            Some(date!(2023 - 06 - 01)),
        );
        let t = s.to_traffic("stargazers");
        assert_eq!(t.points.len(), 3);
        assert_eq!(t.points[2].count, 2);
        assert!(!t.complete);
        assert!(t.note.unwrap().contains("40000"));
        assert_eq!(t.source, "stargazers");
    }
}
