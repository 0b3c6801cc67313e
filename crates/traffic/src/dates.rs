//! Day buckets and timestamps in the spellings the gists use. GitHub names a traffic day
//! by its UTC midnight (`2026-02-24T00:00:00Z`); keeping that spelling makes our days
//! byte-compatible with the original's and with the API.

use serde::Serializer;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// `YYYY-MM-DDT00:00:00Z`.
pub fn format_bucket(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Parses `YYYY-MM-DD`, optionally followed by `T00:00:00Z` (any RFC 3339 midnight UTC).
pub fn parse_bucket(text: &str) -> Result<Date, String> {
    let date_part = text.get(..10).ok_or_else(|| bad_bucket(text))?;
    let date = parse_ymd(date_part).ok_or_else(|| bad_bucket(text))?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Ok(date);
    }
    let stamp = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| bad_bucket(text))?;
    let utc = stamp.to_offset(UtcOffset::UTC);
    if utc.time() != time::Time::MIDNIGHT || utc.date() != date {
        return Err(format!("`{text}` is not a UTC midnight day bucket"));
    }
    Ok(date)
}

fn parse_ymd(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = text[..4].parse().ok()?;
    let month: u8 = text[5..7].parse().ok()?;
    let day: u8 = text[8..10].parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn bad_bucket(text: &str) -> String {
    format!("`{text}` is not a date (expected YYYY-MM-DD or YYYY-MM-DDT00:00:00Z)")
}

/// RFC 3339 in UTC without fractional seconds, e.g. `2026-02-26T03:00:00Z`.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        format_date(utc.date()),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

pub(crate) fn serialize_bucket<S: Serializer>(
    date: &Date,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_bucket(*date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn buckets_round_trip_and_reject_non_midnight() {
        assert_eq!(
            parse_bucket("2026-02-24T00:00:00Z"),
            Ok(date!(2026 - 02 - 24))
        );
        assert_eq!(parse_bucket("2026-02-24"), Ok(date!(2026 - 02 - 24)));
        assert_eq!(format_bucket(date!(2026 - 02 - 24)), "2026-02-24T00:00:00Z");
        assert!(parse_bucket("2026-02-24T03:00:00Z").is_err());
        assert!(parse_bucket("2026-02-30").is_err());
        assert!(parse_bucket("yesterday").is_err());
    }

    #[test]
    fn timestamps_are_utc_without_fraction() {
        let at = datetime!(2026-02-26 04:00:00.123 +01:00);
        assert_eq!(format_timestamp(at), "2026-02-26T03:00:00Z");
    }
}
