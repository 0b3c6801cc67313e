//! Migrating the original tool's `.ghtraf.json` to today's keys.
//!
//! The original wrote the file in snake_case (`badge_gist_id`, `display_name`,
//! `ci_workflows`, …); ghtraf reads camelCase, so today such a file is silently
//! ignored and `create` ends up writing both spellings side by side. The
//! migration works on the raw JSON object rather than on `ProjectConfig`, so
//! it keeps every key it does not know, in its place, and can say exactly
//! which keys it converted, dropped or found in conflict.

use serde::Serialize;
use serde_json::{Map, Value};

/// Snake-case keys of the original and the key ghtraf uses for the same fact.
pub const RENAMED: [(&str, &str); 9] = [
    ("display_name", "displayName"),
    ("badge_gist_id", "badgeGistId"),
    ("archive_gist_id", "archiveGistId"),
    ("ci_workflows", "ciWorkflows"),
    ("gist_token_name", "gistTokenName"),
    ("gist_owner", "gistOwner"),
    ("install_command", "installCommand"),
    ("repo_dir", "repoDir"),
    ("releases_url", "releasesUrl"),
];

/// Keys that only described the original's own file format; they mean nothing to ghtraf
/// and would make the file look like the original's again, so they are dropped (and
/// listed in the plan). Everything else unknown is kept.
pub const DROPPED: [&str; 1] = ["schema_version"];

/// The result of migrating one `.ghtraf.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Migration {
    /// The object with camelCase keys (unknown keys kept, in their places).
    #[serde(skip)]
    pub object: Map<String, Value>,
    /// `snake → camel` pairs converted.
    pub converted: Vec<(String, String)>,
    pub dropped: Vec<String>,
    /// Keys present in both spellings with different values: the camelCase value wins
    /// (ghtraf wrote it, so it is the newer), the snake one is reported.
    pub conflicts: Vec<String>,
    /// Advice about keys kept as they are (e.g. a dashboard directory ghtraf does not use).
    pub notes: Vec<String>,
}

impl Migration {
    /// Whether the file needs rewriting.
    pub fn changes(&self) -> bool {
        !self.converted.is_empty() || !self.dropped.is_empty() || !self.conflicts.is_empty()
    }
}

/// Whether an object uses the original's spelling for any key ghtraf knows.
pub fn is_snake_case(object: &Map<String, Value>) -> bool {
    RENAMED.iter().any(|(snake, _)| object.contains_key(*snake))
        || DROPPED.iter().any(|k| object.contains_key(*k))
}

/// Converts snake_case keys to ghtraf's. The camelCase key takes the snake key's place
/// in the order, so a diff of the file shows renames, not moves.
pub fn migrate(object: &Map<String, Value>) -> Migration {
    let mut out = Map::new();
    let mut converted = Vec::new();
    let mut dropped = Vec::new();
    let mut conflicts = Vec::new();
    let mut notes = Vec::new();
    for (key, value) in object {
        if DROPPED.contains(&key.as_str()) {
            dropped.push(key.clone());
            continue;
        }
        let Some((snake, camel)) = RENAMED.iter().find(|(s, _)| s == key) else {
            if !out.contains_key(key) {
                out.insert(key.clone(), value.clone());
            }
            continue;
        };
        match object.get(*camel) {
            Some(existing) if existing != value => {
                conflicts.push(format!(
                    "{snake} ({value}) differs from {camel} ({existing}); kept {camel}"
                ));
                out.insert((*camel).to_string(), existing.clone());
            }
            Some(existing) => {
                converted.push(((*snake).to_string(), (*camel).to_string()));
                out.insert((*camel).to_string(), existing.clone());
            }
            None => {
                converted.push(((*snake).to_string(), (*camel).to_string()));
                out.insert((*camel).to_string(), value.clone());
            }
        }
    }
    if let Some(dir) = out.get("dashboard_dir").and_then(Value::as_str) {
        let dir = dir.trim_end_matches('/');
        if dir != "docs/stats" && dir != "docs" {
            notes.push(format!(
                "dashboard_dir is {dir}: ghtraf deploys the dashboard to docs/stats; the key is kept"
            ));
        }
    }
    Migration {
        object: out,
        converted,
        dropped,
        conflicts,
        notes,
    }
}

/// The file text ghtraf writes for an object: pretty JSON and a final newline, the
/// same form `create` writes, so a re-run compares equal byte for byte.
pub fn to_text(object: &Map<String, Value>) -> String {
    let mut text = serde_json::to_string_pretty(&Value::Object(object.clone())).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAKE: &str = include_str!("../../../tests/fixtures/original/ghtraf-config-snake.json");

    fn object(text: &str) -> Map<String, Value> {
        match serde_json::from_str(text).unwrap() {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn the_originals_file_becomes_camel_case_and_keeps_unknown_keys() {
        let before = object(SNAKE);
        assert!(is_snake_case(&before));
        let m = migrate(&before);
        assert!(m.changes());
        let keys: Vec<&str> = m.object.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "owner",
                "repo",
                "created",
                "displayName",
                "badgeGistId",
                "archiveGistId",
                "dashboard_dir",
                "ciWorkflows",
                "team_note"
            ]
        );
        assert_eq!(m.object["displayName"], "Demo Tool");
        assert_eq!(m.object["ciWorkflows"], serde_json::json!(["CI"]));
        assert_eq!(m.dropped, ["schema_version"]);
        assert_eq!(m.converted.len(), 4);
        assert!(m.conflicts.is_empty());
        // What ghtraf reads afterwards is what the original had recorded.
        let cfg = crate::project::ProjectConfig::parse(
            std::path::Path::new(".ghtraf.json"),
            to_text(&m.object).as_bytes(),
        )
        .unwrap();
        assert_eq!(
            cfg.badge_gist_id.as_deref(),
            Some("b0000000000000000000000000000001")
        );
        assert_eq!(cfg.display_name.as_deref(), Some("Demo Tool"));
        assert!(cfg.extra.contains_key("team_note"));
        assert!(!cfg.extra.contains_key("badge_gist_id"));
    }

    #[test]
    fn a_migrated_file_needs_nothing_more() {
        let once = migrate(&object(SNAKE));
        let twice = migrate(&once.object);
        assert!(!twice.changes());
        assert!(!is_snake_case(&once.object));
        assert_eq!(to_text(&twice.object), to_text(&once.object));
    }

    #[test]
    fn both_spellings_keep_the_camel_case_value() {
        let m = migrate(&object(
            r#"{"badge_gist_id": "old", "badgeGistId": "new", "display_name": "Same", "displayName": "Same"}"#,
        ));
        assert_eq!(m.object["badgeGistId"], "new");
        assert_eq!(m.object["displayName"], "Same");
        assert_eq!(m.object.len(), 2);
        assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
        assert!(m.conflicts[0].contains("badge_gist_id"));
    }

    #[test]
    fn an_unusual_dashboard_dir_is_reported_not_changed() {
        let m = migrate(&object(r#"{"dashboard_dir": "site/traffic"}"#));
        assert_eq!(m.object["dashboard_dir"], "site/traffic");
        assert_eq!(m.notes.len(), 1);
        assert!(!m.changes());
    }
}
