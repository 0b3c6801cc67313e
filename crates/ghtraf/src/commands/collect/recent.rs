//! `archive-recent.json`: the latest archived months in one gist file, so the dashboard
//! draws years of days from one request instead of one per month (36 month files took
//! longer than the page's whole 400 ms aim in a fresh browser). `collect` writes it with
//! every archive write, and alone when it is missing or stale, beside the month files, which stay the record (older dashboards and
//! the original tool read them; ghtraf never reads this file back). Each month in it is the
//! month file's JSON as written; the file is bounded (at most [`RECENT_MONTHS`] months and
//! [`RECENT_MAX_BYTES`], under the 1 MB the gist API returns of a file) and carries the
//! state's `archived` record, which the dashboard compares with the state's to skip a copy
//! that a later archive change (a backfill) left behind.

use std::collections::BTreeMap;

use ghtraf_traffic::{archive_file_name, Archived, SCHEMA_VERSION};
use serde_json::{json, Value};

/// The gist file's name (not an `archive-YYYY-MM.json` name: no reader takes it for a month).
pub const RECENT_FILE: &str = "archive-recent.json";
/// Three years of months: the dashboard's longest range before "all".
pub const RECENT_MONTHS: usize = 36;
/// The file's largest size; older months are left out to stay under it.
pub const RECENT_MAX_BYTES: usize = 900 * 1024;

/// The file for an archive gist holding `files` (name → text, as after this run's write) and
/// a state whose archive record is `archived`: the newest months of `archived.months` whose
/// file is there and names its own period, ascending. `None` when there is no such month.
pub fn recent_file(
    repo: &str,
    archived: &Archived,
    files: &BTreeMap<String, String>,
) -> Option<String> {
    let shell = json!({
        "schemaVersion": SCHEMA_VERSION,
        "repo": repo,
        "archived": archived,
        "months": [],
    });
    let mut size = shell.to_string().len();
    let mut months: Vec<Value> = Vec::new();
    for period in archived.months.iter().rev() {
        if months.len() == RECENT_MONTHS {
            break;
        }
        let Some(month) = files
            .get(&archive_file_name(period))
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .filter(|m| m.get("period").and_then(Value::as_str) == Some(period.as_str()))
        else {
            // A month that is not there as a ghtraf month file is left to the month files.
            continue;
        };
        // The month's compact text and the comma before it.
        let added = month.to_string().len() + 1;
        if size + added > RECENT_MAX_BYTES {
            break;
        }
        size += added;
        months.push(month);
    }
    if months.is_empty() {
        return None;
    }
    months.reverse();
    let mut file = shell;
    file["months"] = Value::Array(months);
    Some(file.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ghtraf_traffic::{parse_archive_month, Totals};

    /// A month file's text as collect writes it (parsed back by ghtraf's reader to be sure).
    fn month(period: &str, days: u64, clones: u64, note: &str) -> (String, Totals, String) {
        let days: Vec<Value> = (1..=days)
            .map(|d| {
                json!({
                    "date": format!("{period}-{d:02}T00:00:00Z"),
                    "clones": clones, "views": 2 * clones, "downloads": 0, "organicClones": clones,
                    "note": note,
                })
            })
            .collect();
        let totals = Totals {
            clones: clones * days.len() as u64,
            views: 2 * clones * days.len() as u64,
            organic_clones: clones * days.len() as u64,
            ..Totals::default()
        };
        let text = serde_json::to_string_pretty(&json!({
            "schemaVersion": SCHEMA_VERSION, "repo": "octo/demo", "period": period,
            "generatedAt": format!("{period}-28T03:00:00Z"), "totals": totals, "dailyHistory": days,
        }))
        .unwrap();
        let name = archive_file_name(period);
        parse_archive_month(&name, &text).unwrap();
        (name, totals, text)
    }

    fn deployment(
        n: usize,
        days: u64,
        clones: u64,
        note: &str,
    ) -> (Archived, BTreeMap<String, String>) {
        let mut archived = Archived::default();
        let mut files = BTreeMap::new();
        for i in 0..n {
            let period = format!("{:04}-{:02}", 2020 + i / 12, i % 12 + 1);
            let (name, totals, text) = month(&period, days, clones, note);
            archived.months.push(period);
            archived.totals.clones += totals.clones;
            archived.totals.views += totals.views;
            archived.totals.organic_clones += totals.organic_clones;
            files.insert(name, text);
        }
        (archived, files)
    }

    fn periods(file: &Value) -> Vec<&str> {
        file["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["period"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn holds_the_newest_36_months_as_their_files_say_and_the_archive_record() {
        let (archived, files) = deployment(40, 28, 5, "");
        let text = recent_file("octo/demo", &archived, &files).unwrap();
        let file: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(file["schemaVersion"], SCHEMA_VERSION);
        assert_eq!(file["repo"], "octo/demo");
        assert_eq!(file["archived"], serde_json::to_value(&archived).unwrap());
        // Ascending, the newest 36, each equal to its month file.
        assert_eq!(
            periods(&file),
            archived.months[4..]
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        for entry in file["months"].as_array().unwrap() {
            let name = archive_file_name(entry["period"].as_str().unwrap());
            let own: Value = serde_json::from_str(&files[&name]).unwrap();
            assert_eq!(entry, &own, "{name}");
        }
        // The same archive gives the same text (collect's runs stay idempotent).
        assert_eq!(recent_file("octo/demo", &archived, &files).unwrap(), text);
    }

    #[test]
    fn stays_under_its_size_bound_by_leaving_out_older_months() {
        // Months far busier than a real one (~20 KiB): 28 days with 1.3 KiB of unknown keys each.
        let (archived, files) = deployment(36, 28, 9_000_000, &"x".repeat(1_300));
        let text = recent_file("octo/demo", &archived, &files).unwrap();
        assert!(text.len() <= RECENT_MAX_BYTES, "{} bytes", text.len());
        let file: Value = serde_json::from_str(&text).unwrap();
        let held = periods(&file);
        assert!(held.len() < 36 && held.len() > 20, "{} months", held.len());
        assert_eq!(held.last(), Some(&"2022-12"), "the newest month is kept");
    }

    #[test]
    fn months_without_a_readable_file_are_left_to_the_month_files() {
        let (archived, mut files) = deployment(3, 3, 1, "");
        files.insert("archive-2020-02.json".into(), "{ not json".into());
        let text = recent_file("octo/demo", &archived, &files).unwrap();
        let file: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(periods(&file), ["2020-01", "2020-03"]);
        assert_eq!(recent_file("octo/demo", &Archived::default(), &files), None);
    }
}
