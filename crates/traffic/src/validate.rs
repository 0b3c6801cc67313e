//! Impossible values. A count the dashboard cannot show exactly (above JavaScript's largest
//! safe integer), a negative or fractional count, or a day dated after tomorrow is not
//! traffic: it is a corrupted or hand-edited file. Readers refuse it with a message naming the
//! day and the field, so the caller can refuse to write and the original stays as it was.
//! One definition serves the JSON readers and the other trackers' CSV cells.

use serde_json::{Number, Value};
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::dates::format_date;
use crate::model::{ArchiveMonth, Day, State, TOTAL_FIELDS};
use crate::parse::StateError;

/// The largest count ghtraf stores: 2^53 − 1, the largest integer a JavaScript number (the
/// dashboard) holds exactly. A count above it is refused, never saturated or rounded.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// A count from JSON: an integer 0..=[`MAX_COUNT`], or a float with no fractional part
/// (`7.0`, as Python's `json` and pandas write them). The error says what was found.
pub(crate) fn count_of_json(value: &Value) -> Result<u64, String> {
    match value {
        Value::Number(number) => count_of_number(number),
        other => Err(format!("expected an integer ≥ 0, found {other}")),
    }
}

fn count_of_number(number: &Number) -> Result<u64, String> {
    if let Some(whole) = number.as_u64() {
        return within_limit(whole, &number.to_string());
    }
    if number.is_i64() {
        return Err(format!(
            "expected an integer ≥ 0, found {number} (negative)"
        ));
    }
    match number.as_f64() {
        Some(float) => count_of_float(float, &number.to_string()),
        None => Err(format!("expected an integer ≥ 0, found {number}")),
    }
}

fn count_of_float(float: f64, shown: &str) -> Result<u64, String> {
    if !float.is_finite() {
        return Err(format!("expected an integer ≥ 0, found {shown}"));
    }
    if float < 0.0 {
        return Err(format!("expected an integer ≥ 0, found {shown} (negative)"));
    }
    if float.fract() != 0.0 {
        return Err(format!(
            "expected an integer ≥ 0, found {shown} (a fraction: counts are whole numbers)"
        ));
    }
    if float > MAX_COUNT as f64 {
        return Err(too_large(shown));
    }
    // Exact: a whole float at most 2^53 − 1 converts without rounding.
    Ok(float as u64)
}

fn within_limit(whole: u64, shown: &str) -> Result<u64, String> {
    if whole > MAX_COUNT {
        Err(too_large(shown))
    } else {
        Ok(whole)
    }
}

fn too_large(shown: &str) -> String {
    format!(
        "{shown} is above 2^53 − 1 ({MAX_COUNT}), the largest count the dashboard shows \
         exactly: not a real count"
    )
}

/// A count from a CSV cell: digits, or a whole float (`7.0`, `7.`, `7e2`), surrounding
/// blanks ignored. `Ok(None)` for an empty cell, which means "not recorded", never 0.
pub(crate) fn count_of_cell(cell: &str) -> Result<Option<u64>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u64>() {
            Ok(whole) => within_limit(whole, text).map(Some),
            Err(_) => Err(too_large(text)),
        };
    }
    match text.parse::<f64>() {
        Ok(float) => count_of_float(float, text).map(Some),
        Err(_) => Err(format!("expected a whole number ≥ 0, found `{text}`")),
    }
}

/// Rewrites whole floats (`7.0`) as integers and refuses numbers above [`MAX_COUNT`], so a
/// typed read of counts (CI breakdowns, referrers, snapshots) applies the same rules as a
/// single count. Negative and fractional numbers are left for the typed read to refuse.
pub(crate) fn normalize_counts(value: &mut Value) -> Result<(), String> {
    match value {
        Value::Number(number) => {
            if let Some(whole) = number.as_u64() {
                within_limit(whole, &number.to_string())?;
            } else if let Some(float) = number.as_f64() {
                if float.is_finite() && float >= 0.0 && float.fract() == 0.0 {
                    let whole = count_of_float(float, &number.to_string())?;
                    *value = Value::from(whole);
                }
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(normalize_counts),
        Value::Object(map) => map.values_mut().try_for_each(normalize_counts),
        _ => Ok(()),
    }
}

/// Days may be dated at most one day after `now` (UTC): today's bucket exists, and a clock a
/// few hours ahead may name tomorrow; anything later is not traffic that happened.
pub fn latest_plausible_day(now: OffsetDateTime) -> time::Date {
    let today = now.to_offset(UtcOffset::UTC).date();
    today.checked_add(Duration::days(1)).unwrap_or(today)
}

/// Refuses a state or archive that holds a day dated after `now` + 1 day, or a total above
/// [`MAX_COUNT`]. Run it on what was read, before merging or writing anything: on an error
/// the caller stops and the files stay as they are. (Counts of single fields are already
/// checked while reading; this adds what needs the clock and the sums.)
pub fn check_plausible(
    state: &State,
    archives: &[ArchiveMonth],
    now: OffsetDateTime,
) -> Result<(), StateError> {
    let latest = latest_plausible_day(now);
    let future = |file: &str, days: &[Day]| -> Result<(), StateError> {
        match days.iter().enumerate().find(|(_, day)| day.date > latest) {
            Some((i, day)) => Err(StateError::Invalid {
                file: file.to_string(),
                path: format!("$.dailyHistory[{i}].date"),
                message: format!(
                    "day {} is after {} (tomorrow): a day that has not happened yet",
                    format_date(day.date),
                    format_date(latest)
                ),
            }),
            None => Ok(()),
        }
    };
    future(crate::STATE_FILE, &state.daily_history)?;
    for month in archives {
        future(&month.file_name(), &month.daily_history)?;
    }
    check_totals(crate::STATE_FILE, state)
}

/// Refuses a state whose totals (derived: baseline + archived + days) exceed [`MAX_COUNT`].
pub(crate) fn check_totals(file: &str, state: &State) -> Result<(), StateError> {
    let derived = state.derived_totals();
    for field in TOTAL_FIELDS {
        let figure = derived.get(field);
        if figure > MAX_COUNT {
            return Err(StateError::Invalid {
                file: file.to_string(),
                path: format!("$.totals.{field}"),
                message: format!(
                    "baseline + archived + days sum to {figure}, above 2^53 − 1 ({MAX_COUNT}): \
                     not a real count"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_accept_whole_floats_and_refuse_fractions_and_huge_numbers() {
        assert_eq!(count_of_cell(" 7.0 "), Ok(Some(7)));
        assert_eq!(count_of_cell("12"), Ok(Some(12)));
        assert_eq!(count_of_cell(""), Ok(None));
        assert!(count_of_cell("7.5").unwrap_err().contains("fraction"));
        assert!(count_of_cell("-3").unwrap_err().contains("negative"));
        assert!(count_of_cell("9007199254740992")
            .unwrap_err()
            .contains("2^53"));
        assert!(count_of_cell("18446744073709551616")
            .unwrap_err()
            .contains("2^53"));
        assert!(count_of_cell("1e300").unwrap_err().contains("2^53"));
        assert!(count_of_cell("NaN").is_err());
        assert!(count_of_cell("many").is_err());
        assert_eq!(count_of_cell("9007199254740991"), Ok(Some(MAX_COUNT)));
    }

    #[test]
    fn json_counts_follow_the_same_rules() {
        let parse = |text: &str| count_of_json(&serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(parse("7.0"), Ok(7));
        assert_eq!(parse("0"), Ok(0));
        assert!(parse("7.25").is_err());
        assert!(parse("-1").is_err());
        assert!(parse("18446744073709551615").unwrap_err().contains("2^53"));
        assert!(parse("\"3\"").is_err());
    }
}
