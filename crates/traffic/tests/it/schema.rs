//! Every file ghtraf writes validates against docs/state.schema.json. The validator is a
//! deliberately small subset of JSON Schema (the keywords the schema uses); an unknown
//! keyword fails the test instead of passing silently.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ghtraf_traffic::{
    initial_state, merge, parse_state, CiDay, Observation, RepoSnapshot, TrafficPoint, WorkflowCi,
};
use serde_json::{json, Value};
use time::macros::date;
use time::Duration;

fn schema() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/state.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Matches the patterns the schema uses: `^`, `$`, `\d`, `{n}` and literal characters.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let mut tokens: Vec<(Option<char>, usize)> = Vec::new(); // None = digit class
    let body = pattern
        .strip_prefix('^')
        .unwrap_or_else(|| panic!("pattern must be anchored: {pattern}"));
    let (body, anchored_end) = match body.strip_suffix('$') {
        Some(rest) => (rest, true),
        None => (body, false),
    };
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let class = match c {
            '\\' => match chars.next() {
                Some('d') => None,
                other => panic!("unsupported escape {other:?} in {pattern}"),
            },
            '.' | '*' | '+' | '?' | '[' | '(' | '|' => {
                panic!("unsupported pattern syntax in {pattern}")
            }
            literal => Some(literal),
        };
        let mut repeat = 1;
        if chars.peek() == Some(&'{') {
            chars.next();
            let digits: String = chars.by_ref().take_while(|c| *c != '}').collect();
            repeat = digits.parse().unwrap();
        }
        tokens.push((class, repeat));
    }
    let mut text_chars = text.chars();
    for (class, repeat) in tokens {
        for _ in 0..repeat {
            let Some(c) = text_chars.next() else {
                return false;
            };
            let ok = match class {
                None => c.is_ascii_digit(),
                Some(literal) => c == literal,
            };
            if !ok {
                return false;
            }
        }
    }
    !anchored_end || text_chars.next().is_none()
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/$defs/")
        .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
    &root["$defs"][name]
}

fn type_matches(expected: &str, value: &Value) -> bool {
    match expected {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("unknown type {other}"),
    }
}

fn validate(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(keywords) = schema.as_object() else {
        panic!("schema at {path} is not an object")
    };
    for (keyword, argument) in keywords {
        match keyword.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => validate(
                root,
                resolve(root, argument.as_str().unwrap()),
                value,
                path,
                errors,
            ),
            "type" => {
                let ok = match argument {
                    Value::String(name) => type_matches(name, value),
                    Value::Array(names) => names
                        .iter()
                        .any(|name| type_matches(name.as_str().unwrap(), value)),
                    _ => panic!("bad type keyword"),
                };
                if !ok {
                    errors.push(format!("{path}: expected {argument}, found {value}"));
                }
            }
            "const" => {
                if value != argument {
                    errors.push(format!("{path}: expected {argument}"));
                }
            }
            "minimum" => {
                if value
                    .as_f64()
                    .is_some_and(|n| n < argument.as_f64().unwrap())
                {
                    errors.push(format!("{path}: below {argument}"));
                }
            }
            "maximum" => {
                if value
                    .as_f64()
                    .is_some_and(|n| n > argument.as_f64().unwrap())
                    || value
                        .as_u64()
                        .is_some_and(|n| n > argument.as_u64().unwrap())
                {
                    errors.push(format!("{path}: above {argument}"));
                }
            }
            "minItems" | "maxItems" => {
                if let Some(items) = value.as_array() {
                    let bound = argument.as_u64().unwrap() as usize;
                    let ok = if keyword == "minItems" {
                        items.len() >= bound
                    } else {
                        items.len() <= bound
                    };
                    if !ok {
                        errors.push(format!("{path}: {keyword} {bound}, found {}", items.len()));
                    }
                }
            }
            "prefixItems" => {
                if let Some(items) = value.as_array() {
                    for (i, (item, sub)) in
                        items.iter().zip(argument.as_array().unwrap()).enumerate()
                    {
                        validate(root, sub, item, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            "pattern" => {
                if let Some(text) = value.as_str() {
                    if !pattern_matches(argument.as_str().unwrap(), text) {
                        errors.push(format!("{path}: `{text}` does not match {argument}"));
                    }
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for key in argument.as_array().unwrap() {
                        if !object.contains_key(key.as_str().unwrap()) {
                            errors.push(format!("{path}: missing {key}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(object) = value.as_object() {
                    for (key, sub) in argument.as_object().unwrap() {
                        if let Some(item) = object.get(key) {
                            validate(root, sub, item, &format!("{path}.{key}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(object) = value.as_object() {
                    let declared = keywords.get("properties").and_then(Value::as_object);
                    for (key, item) in object {
                        if declared.is_some_and(|declared| declared.contains_key(key)) {
                            continue;
                        }
                        match argument {
                            Value::Bool(false) => errors.push(format!("{path}.{key}: not allowed")),
                            Value::Bool(true) => {}
                            sub => validate(root, sub, item, &format!("{path}.{key}"), errors),
                        }
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        validate(root, argument, item, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            other => panic!("the test validator does not support `{other}` (at {path})"),
        }
    }
}

fn errors_for(definition: &str, value: &Value) -> Vec<String> {
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root["$defs"][definition], value, "$", &mut errors);
    errors
}

fn busy_observation(day_index: i64) -> Observation {
    let today = date!(2026 - 01 - 01) + Duration::days(day_index);
    let points: Vec<TrafficPoint> = (0..14)
        .map(|back| TrafficPoint {
            date: today - Duration::days(back),
            count: 20 + back as u64,
            uniques: 5,
        })
        .collect();
    let mut workflows = BTreeMap::new();
    workflows.insert(
        "CI".to_string(),
        WorkflowCi {
            runs: 2,
            checkouts_per_run: vec![3, 3],
            extra: Default::default(),
        },
    );
    let mut ci = BTreeMap::new();
    ci.insert(
        today,
        CiDay {
            checkouts: 6,
            runs: 2,
            workflows,
        },
    );
    Observation {
        clones: points.clone(),
        views: points,
        referrers: Some(vec![ghtraf_traffic::Referrer {
            source: "Google".into(),
            count: 9,
            uniques: 4,
            extra: Default::default(),
        }]),
        popular_paths: None,
        repo: Some(RepoSnapshot {
            stars: 3,
            forks: 1,
            open_issues: 0,
            created_at: Some("2025-07-01T12:00:00Z".into()),
        }),
        release_downloads: Some(100 + day_index as u64),
        ci,
        ..Observation::empty(today.midnight().assume_utc() + Duration::hours(3))
    }
}

#[test]
fn states_and_archives_we_write_validate() {
    let mut state = initial_state("octo/demo", date!(2026 - 01 - 01).midnight().assume_utc());
    assert_eq!(
        errors_for("state", &serde_json::from_str(&state.to_json()).unwrap()),
        Vec::<String>::new()
    );
    let mut index = None;
    let mut months = 0;
    for day_index in 0..80 {
        let out = merge(&state, &busy_observation(day_index));
        for month in &out.archive {
            let errors = errors_for(
                "archiveMonth",
                &serde_json::from_str(&month.to_json()).unwrap(),
            );
            assert_eq!(errors, Vec::<String>::new());
            months += 1;
        }
        let updated = out.updated_index(index.as_ref());
        let errors = errors_for(
            "archiveIndex",
            &serde_json::from_str(&updated.to_json()).unwrap(),
        );
        assert_eq!(errors, Vec::<String>::new());
        index = Some(updated);
        state = out.state;
        let errors = errors_for("state", &serde_json::from_str(&state.to_json()).unwrap());
        assert_eq!(errors, Vec::<String>::new(), "day {day_index}");
    }
    assert!(months >= 1);
}

#[test]
fn imported_original_states_validate() {
    for name in [
        "real-v1-state-a.json",
        "real-v1-state-b.json",
        "synthetic-state.json",
    ] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/gtt")
            .join(name);
        let state = parse_state(&std::fs::read_to_string(path).unwrap())
            .unwrap()
            .state;
        let errors = errors_for("state", &serde_json::from_str(&state.to_json()).unwrap());
        assert_eq!(errors, Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let state = initial_state("octo/demo", date!(2026 - 01 - 01).midnight().assume_utc());
    let mut bad: Value = serde_json::from_str(&state.to_json()).unwrap();
    bad["totals"]["clones"] = json!(-1);
    bad["schemaVersion"] = json!(3);
    bad["dailyHistory"] =
        json!([{ "date": "2026-01-01T03:00:00Z", "clones": 1, "views": 2, "downloads": 0 }]);
    bad["archived"]["months"] = json!(["2026-1"]);
    let errors = errors_for("state", &bad);
    for expected in [
        "$.totals.clones",
        "$.schemaVersion",
        "$.dailyHistory[0].date",
        "$.archived.months[0]",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "{expected} in {errors:?}"
        );
    }
    assert!(pattern_matches("^\\d{4}-\\d{2}$", "2026-01"));
    assert!(!pattern_matches("^\\d{4}-\\d{2}$", "2026-01x"));
}

#[test]
fn backfilled_states_and_archives_validate() {
    use ghtraf_traffic::{backfill, BackfillDay, BackfillInput, BackfillMode, Series, SeriesPoint};
    let state = initial_state("octo/demo", date!(2026 - 11 - 20).midnight().assume_utc());
    let days = (0..200)
        .map(|i| BackfillDay {
            clones: Some(3),
            unique_clones: (i % 2 == 0).then_some(1),
            views: Some(5),
            ..BackfillDay::new(date!(2026 - 05 - 01) + Duration::days(i))
        })
        .collect();
    let series = Series {
        points: vec![SeriesPoint {
            date: date!(2025 - 01 - 02),
            count: 4,
        }],
        complete: false,
        note: Some("capped".into()),
        source: "stargazers".into(),
        at: None,
    };
    let input = BackfillInput {
        source: "github-repo-stats".into(),
        days,
        stars: Some(series.clone()),
        forks: Some(series),
        notes: Vec::new(),
    };
    let now = date!(2026 - 12 - 01).midnight().assume_utc();
    let out = backfill(&state, &[], &[input], BackfillMode::FillAbsent, now).unwrap();
    let written: Value = serde_json::from_str(&out.state.to_json()).unwrap();
    assert!(written["provenance"].is_array() && written["series"]["stars"].is_object());
    assert_eq!(errors_for("state", &written), Vec::<String>::new());
    assert!(!out.archive_updates.is_empty());
    for update in &out.archive_updates {
        let month = serde_json::from_str(&update.month.to_json()).unwrap();
        assert_eq!(errors_for("archiveMonth", &month), Vec::<String>::new());
    }
    // The schema refuses what the contract forbids.
    let mut bad = written.clone();
    bad["series"]["stars"]["points"] = json!([["2025-01-02"], ["2025-01-03", -1]]);
    bad["dailyHistory"][0]["backfill"] = json!({"source": "x"});
    bad["totals"]["views"] = json!(9007199254740992u64);
    let errors = errors_for("state", &bad);
    for expected in [
        "$.series.stars.points[0]",
        "$.series.stars.points[1][1]",
        "$.dailyHistory[0].backfill",
        "$.totals.views",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "{expected} in {errors:?}"
        );
    }
}
