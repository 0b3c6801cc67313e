//! Which top-level keys of a managed JSON file a plan changes, so its line
//! names them ("update our keys (displayName), keep yours"): an edit of the
//! user's to one of ghtraf's keys (the dashboard's `displayName` in
//! `docs/stats/config.json`) is replaced, and the plan line must show that
//! without `-v`'s diff.

use serde_json::Value;

/// How many keys a line names before "and N more".
const NAMED: usize = 3;

/// `.ghtraf.json`'s records of what ghtraf wrote and what you kept: their
/// changes are said by the line's own words ("record your kept edit of …").
const RECORDS: [&str; 2] = ["keptEdits", "writtenSha256"];

/// The top-level keys whose value differs between `old` and `new` (added,
/// changed or removed), in `new`'s order then the removed ones; `None` when
/// either is not a JSON object (a file still to be filled, say).
pub fn changed(old: &str, new: &str) -> Option<Vec<String>> {
    let old: serde_json::Map<String, Value> = serde_json::from_str(old).ok()?;
    let new: serde_json::Map<String, Value> = serde_json::from_str(new).ok()?;
    let mut keys: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    Some(keys)
}

/// The managed file's plan line: "update our keys (a, b), keep yours".
pub fn description(old: &str, new: &str) -> String {
    let keys = changed(old, new).map(|mut keys| {
        keys.retain(|k| !RECORDS.contains(&k.as_str()));
        keys
    });
    match keys {
        Some(keys) if !keys.is_empty() => {
            let mut named = keys
                .iter()
                .take(NAMED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if keys.len() > NAMED {
                named.push_str(&format!(" and {} more", keys.len() - NAMED));
            }
            format!("update our keys ({named}), keep yours")
        }
        _ => "update our keys, keep yours".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_keys_that_change() {
        assert_eq!(
            description(r#"{"a":1,"b":2,"x":0}"#, r#"{"a":1,"b":3,"c":4}"#),
            "update our keys (b, c, x), keep yours"
        );
        assert_eq!(
            description(r#"{"a":1}"#, r#"{"b":1,"c":1,"d":1,"e":1}"#),
            "update our keys (b, c, d and 2 more), keep yours"
        );
        assert_eq!(description("not json", "{}"), "update our keys, keep yours");
        assert_eq!(
            description(r#"{"keptEdits":{}}"#, r#"{"keptEdits":{"a":1}}"#),
            "update our keys, keep yours"
        );
    }
}
