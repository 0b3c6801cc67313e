//! The JSON files trackers keep: `ghtraf export --format json` (an array of day rows) and
//! GitHub's traffic shape (`{count, uniques, views|clones: [{timestamp, count, uniques}]}`) as
//! traffic-to-badge and github-clone-count-badge store it, including the latter's monthly
//! `"YYYY-MM"` entries, which are sums, not days, and are reported instead of imported.

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use super::csv::parse_day_stamp;
use super::{keep_higher, Gathered, ImportError, TrackerFormat};
use crate::dates::parse_bucket;
use crate::validate::count_of_json;

fn error(file: &str, message: String) -> ImportError {
    ImportError {
        file: file.to_string(),
        line: None,
        message,
    }
}

fn parse(file: &str, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|err| error(file, format!("not valid JSON ({err})")))
}

/// The days of a `ghtraf export --format json` document: today's envelope
/// `{format_version, command: "export", days: [...]}`, or the bare array
/// earlier versions printed.
fn export_days(value: Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(rows) => Some(rows),
        Value::Object(mut map) if map.get("command").and_then(Value::as_str) == Some("export") => {
            match map.remove("days") {
                Some(Value::Array(rows)) => Some(rows),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Recognises a JSON tracker file by its shape.
pub(super) fn detect(file: &str, text: &str) -> Result<TrackerFormat, ImportError> {
    let value = parse(file, text)?;
    if let Some(rows) = export_days(value.clone()) {
        if rows.iter().all(|row| row.get("date").is_some()) {
            return Ok(TrackerFormat::GhtrafExportJson);
        }
    }
    match value {
        Value::Object(map) if series_of(&map).is_some() => Ok(TrackerFormat::GithubTrafficJson),
        _ => Err(error(
            file,
            "JSON that is neither a `ghtraf export` array of days nor GitHub's traffic shape \
             {count, uniques, views|clones: [...]}"
                .to_string(),
        )),
    }
}

/// The `views` or `clones` array of a GitHub-shaped object, and which it is.
fn series_of(map: &Map<String, Value>) -> Option<(bool, &Vec<Value>)> {
    match (map.get("clones"), map.get("views")) {
        (Some(Value::Array(items)), _) => Some((true, items)),
        (_, Some(Value::Array(items))) => Some((false, items)),
        _ => None,
    }
}

fn count_at(file: &str, object: &Value, key: &str, at: &str) -> Result<Option<u64>, ImportError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => count_of_json(value)
            .map(Some)
            .map_err(|message| error(file, format!("{at}.{key}: {message}"))),
    }
}

/// `ghtraf export --format json`: `[{date, clones, unique_clones|null, views, …}]`.
pub(super) fn export_json(
    file: &str,
    text: &str,
    gathered: &mut Gathered,
) -> Result<(), ImportError> {
    let Some(rows) = export_days(parse(file, text)?) else {
        return Err(error(file, "expected an array of days".to_string()));
    };
    for (i, row) in rows.iter().enumerate() {
        let at = format!("[{i}]");
        let date_text = row.get("date").and_then(Value::as_str).unwrap_or_default();
        let date =
            parse_day_stamp(date_text).map_err(|m| error(file, format!("{at}.date: {m}")))?;
        let mut figures = Vec::new();
        for key in [
            "clones",
            "unique_clones",
            "views",
            "unique_views",
            "downloads",
            "ci_checkouts",
            "ci_runs",
        ] {
            figures.push(count_at(file, row, key, &at)?);
        }
        let day = gathered.day(date);
        for (slot, value) in [
            &mut day.clones,
            &mut day.unique_clones,
            &mut day.views,
            &mut day.unique_views,
            &mut day.downloads,
            &mut day.ci_checkouts,
            &mut day.ci_runs,
        ]
        .into_iter()
        .zip(figures)
        {
            keep_higher(slot, value);
        }
    }
    Ok(())
}

/// GitHub's traffic shape. A `per_week` file holds weekly sums: reported, not imported.
pub(super) fn github_traffic(
    file: &str,
    text: &str,
    gathered: &mut Gathered,
) -> Result<(), ImportError> {
    if file.contains("per_week") {
        gathered.note(format!("{file}: weekly sums are not days; not imported"));
        return Ok(());
    }
    let Value::Object(map) = parse(file, text)? else {
        return Err(error(file, "expected an object".to_string()));
    };
    let Some((clones, items)) = series_of(&map) else {
        return Err(error(file, "no `clones` or `views` array".to_string()));
    };
    let key = if clones { "clones" } else { "views" };
    let mut months = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{key}[{i}]");
        let stamp = item
            .get("timestamp")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if stamp.len() == 7 && parse_bucket(&format!("{stamp}-01")).is_ok() {
            months.push(stamp.to_string());
            continue;
        }
        let date =
            parse_day_stamp(stamp).map_err(|m| error(file, format!("{at}.timestamp: {m}")))?;
        let count = count_at(file, item, "count", &at)?;
        let uniques = count_at(file, item, "uniques", &at)?;
        let day = gathered.day(date);
        if clones {
            keep_higher(&mut day.clones, count);
            keep_higher(&mut day.unique_clones, uniques);
        } else {
            keep_higher(&mut day.views, count);
            keep_higher(&mut day.unique_views, uniques);
        }
    }
    if !months.is_empty() {
        gathered.note(format!(
            "{file}: monthly sums for {} are not days; not imported (their counts are not in \
             the history; the totals miss them unless a baseline already holds them)",
            months.join(", ")
        ));
    }
    Ok(())
}

/// The UTC day of a series timestamp, which may be any time of day
/// (`2023-05-04 13:22:11.123+00:00`, `2023-05-04T13:22:11Z`, `2023-05-04`).
pub(super) fn instant_day(text: &str) -> Result<Date, String> {
    let text = text.trim();
    if let Ok(date) = parse_day_stamp(text) {
        return Ok(date);
    }
    let normalized = text.replacen(' ', "T", 1);
    OffsetDateTime::parse(&normalized, &Rfc3339)
        .map(|at| at.to_offset(UtcOffset::UTC).date())
        .map_err(|_| format!("`{text}` is not a date or an RFC 3339 time"))
}
