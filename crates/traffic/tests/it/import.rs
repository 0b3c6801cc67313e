//! Import of every state and archive the original tool wrote (fixtures in
//! tests/fixtures/gtt): nothing stored may be lost, and the totals must match.

use std::path::PathBuf;

use ghtraf_traffic::{
    adopt_original_archives, check_identity, format_date, import_archives, parse_bucket,
    parse_state, Day, ParsedState, State, StateError, Totals, TOTAL_FIELDS,
};
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/gtt")
}

fn fixture(name: &str) -> String {
    let path = fixture_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn raw(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn day_of<'a>(state: &'a State, date: &str) -> &'a Day {
    let date = parse_bucket(date).unwrap();
    state
        .daily_history
        .iter()
        .find(|day| day.date == date)
        .unwrap()
}

/// Every stored day figure of the original survives as the same value (or the same absence).
fn assert_days_kept(original: &Value, state: &State) {
    let days = original["dailyHistory"].as_array().unwrap();
    assert_eq!(state.daily_history.len(), days.len());
    for raw_day in days {
        let day = day_of(state, raw_day["date"].as_str().unwrap());
        let figures = [
            ("clones", Some(day.clones)),
            ("views", Some(day.views)),
            ("uniqueClones", day.unique_clones),
            ("uniqueViews", day.unique_views),
            ("ciCheckouts", day.ci_checkouts),
            ("ciRuns", day.ci_runs),
            ("organicClones", day.organic_clones),
            ("organicUniqueClones", day.organic_unique_clones),
            ("stars", day.stars),
            ("forks", day.forks),
            ("openIssues", day.open_issues),
        ];
        for (key, value) in figures {
            match raw_day.get(key) {
                Some(stored) => assert_eq!(stored.as_u64(), value, "{} {key}", raw_day["date"]),
                // ciCheckouts/ciRuns may be filled from the top-level ciCheckouts map.
                None if key == "ciCheckouts" || key == "ciRuns" => {}
                None => assert_eq!(value, None, "{} {key} must stay absent", raw_day["date"]),
            }
        }
        assert_eq!(
            raw_day
                .get("downloads")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            day.downloads
        );
        assert_eq!(
            raw_day.get("capturedAt").and_then(Value::as_str),
            day.captured_at.as_deref()
        );
        for (key, value) in raw_day.as_object().unwrap() {
            let known = [
                "date",
                "clones",
                "views",
                "uniqueClones",
                "uniqueViews",
                "ciCheckouts",
                "ciRuns",
                "organicClones",
                "organicUniqueClones",
                "stars",
                "forks",
                "openIssues",
                "downloads",
                "capturedAt",
                "total",
            ];
            if !known.contains(&key.as_str()) {
                assert_eq!(
                    day.extra.get(key),
                    Some(value),
                    "unknown day key {key} kept"
                );
            }
        }
        if let Some(total) = raw_day.get("total") {
            let recomputable = total.as_u64() == Some(day.clones + day.downloads);
            assert!(
                recomputable || day.extra.get("total") == Some(total),
                "total kept when not derivable"
            );
        }
    }
}

/// The original's CI map: every figure lands on its day or is kept verbatim.
fn assert_ci_map_kept(original: &Value, state: &State) {
    let Some(map) = original["ciCheckouts"].as_object() else {
        return;
    };
    let leftover = state
        .imported
        .as_ref()
        .and_then(|imported| imported.get("ciCheckouts"));
    for (date, entry) in map {
        if let Some(kept) = leftover.and_then(|left| left.get(date)) {
            assert_eq!(kept, entry);
            continue;
        }
        let day = day_of(state, date);
        assert_eq!(day.ci_checkouts, entry["total"].as_u64(), "{date}");
        if let Some(runs) = entry.get("runs") {
            assert_eq!(day.ci_runs, runs.as_u64(), "{date}");
        }
        if let Some(flows) = entry.get("byWorkflow") {
            let kept = serde_json::to_value(day.ci_workflows.as_ref().unwrap()).unwrap();
            assert_eq!(&kept, flows, "{date} byWorkflow");
        }
    }
}

fn assert_totals_match_original(original: &Value, parsed: &ParsedState) {
    let state = &parsed.state;
    let keys = [
        ("clones", "totalClones"),
        ("uniqueClones", "totalUniqueClones"),
        ("views", "totalViews"),
        ("uniqueViews", "totalUniqueViews"),
        ("downloads", "totalDownloads"),
        ("ciCheckouts", "totalCiCheckouts"),
        ("organicClones", "totalOrganicClones"),
        ("organicUniqueClones", "totalOrganicUniqueClones"),
    ];
    let days = Totals::of_days(&state.daily_history);
    for (field, key) in keys {
        let Some(original_total) = original.get(key).and_then(Value::as_u64) else {
            continue;
        };
        if original_total >= days.get(field) {
            assert_eq!(state.totals.get(field), original_total, "{key}");
        } else {
            // Negative-baseline policy: the days win, baseline 0, and a warning says so.
            assert_eq!(state.baseline.get(field), 0, "{key}");
            assert_eq!(state.totals.get(field), days.get(field), "{key}");
            assert!(
                parsed.warnings.iter().any(|w| w.contains(key)),
                "warning for {key}"
            );
        }
        assert_eq!(
            state
                .imported
                .as_ref()
                .unwrap()
                .get(key)
                .and_then(Value::as_u64),
            Some(original_total)
        );
    }
    assert!(
        check_identity(state, &[]).is_empty(),
        "{:?}",
        check_identity(state, &[])
    );
}

fn assert_unknown_top_level_kept(original: &Value, state: &State, unknown: &[&str]) {
    for key in unknown {
        assert_eq!(state.extra.get(*key), original.get(*key), "top-level {key}");
        assert!(original.get(*key).is_some(), "fixture has {key}");
    }
}

fn import(name: &str) -> (Value, ParsedState) {
    let parsed = parse_state(&fixture(name)).unwrap();
    (raw(name), parsed)
}

#[test]
fn real_state_a_imports_losslessly() {
    let (original, parsed) = import("real-v1-state-a.json");
    assert_eq!(parsed.source_schema, 1);
    assert_days_kept(&original, &parsed.state);
    assert_ci_map_kept(&original, &parsed.state);
    assert_totals_match_original(&original, &parsed);
    assert_unknown_top_level_kept(
        &original,
        &parsed.state,
        &["baselineClones", "baselineNote", "baselineViews"],
    );
    let imported = parsed.state.imported.as_ref().unwrap();
    assert_eq!(imported.get("lastSeenDates"), original.get("lastSeenDates"));
    assert_eq!(
        imported.get("previousTotalDownloads"),
        original.get("previousTotalDownloads")
    );
    // 10 411 clones with 411 in days: 10 000 before tracking, all organic (no organic total).
    assert_eq!(parsed.state.baseline.clones, 10_000);
    assert_eq!(parsed.state.baseline.organic_clones, 10_000);
    assert_eq!(parsed.state.totals.clones, 10_411);
    assert_eq!(parsed.state.referrers.len(), 10);
    assert_eq!(parsed.state.repo_stats.as_ref().unwrap().stars, Some(79));
    assert_eq!(parsed.state.downloads.as_ref().unwrap().total, 0);
}

#[test]
fn real_state_b_imports_losslessly() {
    let (original, parsed) = import("real-v1-state-b.json");
    assert_days_kept(&original, &parsed.state);
    assert_ci_map_kept(&original, &parsed.state);
    assert_totals_match_original(&original, &parsed);
    assert_unknown_top_level_kept(
        &original,
        &parsed.state,
        &["baselineClones", "baselineNote"],
    );
    let state = &parsed.state;
    // A fully-CI day: organic stays 0, never falls back to raw clones.
    let ci_day = day_of(state, "2026-02-26");
    assert_eq!((ci_day.clones, ci_day.organic_clones_value()), (22, 0));
    // The first day has no uniques: absent, not zero.
    assert_eq!(day_of(state, "2026-02-10").unique_clones, None);
    // Its views total (2747) is below its days (2949): the days win.
    assert_eq!(state.totals.views, 2949);
    assert_eq!(
        state.popular_paths.len(),
        original["popularPaths"].as_array().unwrap().len()
    );
    assert_eq!(
        state
            .imported
            .as_ref()
            .unwrap()
            .get("_previousCiUniqueToday"),
        Some(&Value::from(0))
    );
}

#[test]
fn synthetic_state_imports_every_scenario() {
    let (original, parsed) = import("synthetic-state.json");
    assert_days_kept(&original, &parsed.state);
    assert_ci_map_kept(&original, &parsed.state);
    assert_totals_match_original(&original, &parsed);
    assert_unknown_top_level_kept(
        &original,
        &parsed.state,
        &["_testNote", "baselineClones", "baselineNote"],
    );
    let state = &parsed.state;
    assert_eq!(state.daily_history.len(), 41);
    let scenarios = state
        .daily_history
        .iter()
        .filter(|day| day.extra.contains_key("_scenario"))
        .count();
    let tagged = original["dailyHistory"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("_scenario").is_some())
        .count();
    assert_eq!((scenarios, tagged), (11, 11));
    // The zero day keeps its zero uniques; the expired day keeps them absent.
    assert_eq!(day_of(state, "2026-02-12").unique_clones, Some(0));
    assert_eq!(day_of(state, "2026-02-07").unique_clones, None);
    // `total` that is not clones + downloads is kept verbatim.
    assert_eq!(
        day_of(state, "2026-01-18").extra.get("total"),
        Some(&Value::from(18))
    );
    // The map's byWorkflow for 2026-02-02 lands on the day.
    let flows = day_of(state, "2026-02-02").ci_workflows.as_ref().unwrap();
    assert_eq!(flows["CI"].checkouts_per_run, vec![5; 8]);
    assert_eq!(state.tracking_since.as_deref(), Some("2026-01-17"));
}

#[test]
fn import_round_trips_through_v4_unchanged() {
    for name in [
        "real-v1-state-a.json",
        "real-v1-state-b.json",
        "synthetic-state.json",
    ] {
        let mut parsed = parse_state(&fixture(name)).unwrap();
        parsed.state.repo = "octo/demo".to_string();
        let text = parsed.state.to_json();
        let again = parse_state(&text).unwrap();
        assert_eq!(again.source_schema, 4);
        assert_eq!(again.state, parsed.state, "{name}");
        assert!(again.warnings.is_empty(), "{name}: {:?}", again.warnings);
    }
}

#[test]
fn original_archives_regroup_to_one_month_each() {
    let files = [
        (
            "archive-2025-12.json",
            fixture("synthetic-archive-2025-12.json"),
        ),
        (
            "archive-2026-01.json",
            fixture("synthetic-archive-2026-01.json"),
        ),
    ];
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (*name, text.as_str()))
        .collect();
    let months = import_archives(&pairs).unwrap();
    assert_eq!(
        months.iter().map(|m| m.period.as_str()).collect::<Vec<_>>(),
        ["2025-12", "2026-01"]
    );
    assert_eq!(months[0].daily_history.len(), 31);
    assert_eq!(months[1].daily_history.len(), 16);
    for month in &months {
        assert!(month
            .daily_history
            .iter()
            .all(|day| day.period() == month.period));
        assert_eq!(month.totals, Totals::of_days(&month.daily_history));
        assert!(
            month.extra.contains_key("_testNote"),
            "file keys stay with their month"
        );
    }
    let december = raw("synthetic-archive-2025-12.json");
    let first = &december["dailyHistory"][0];
    assert_eq!(format_date(months[0].daily_history[0].date), "2025-12-01");
    assert_eq!(
        Some(months[0].daily_history[0].clones),
        first["clones"].as_u64()
    );
}

#[test]
fn overlapping_original_archives_keep_each_day_once_with_the_higher_figure() {
    // The original wrote the next month's first day into a month file too.
    let december = r#"{"dailyHistory":[
        {"date":"2025-12-31T00:00:00Z","clones":5,"views":9},
        {"date":"2026-01-01T00:00:00Z","clones":3,"views":4,"uniqueClones":2}]}"#;
    let january = r#"{"dailyHistory":[
        {"date":"2026-01-01T00:00:00Z","clones":7,"views":2},
        {"date":"2026-01-02T00:00:00Z","clones":1,"views":1}]}"#;
    let months = import_archives(&[
        ("archive-2025-12.json", december),
        ("archive-2026-01.json", january),
    ])
    .unwrap();
    assert_eq!(months[0].daily_history.len(), 1);
    assert_eq!(months[1].daily_history.len(), 2);
    let first = &months[1].daily_history[0];
    assert_eq!(
        (first.clones, first.views, first.unique_clones),
        (7, 4, Some(2))
    );
}

#[test]
fn adopting_original_archives_moves_their_totals_out_of_the_baseline() {
    let mut parsed = parse_state(&fixture("synthetic-state.json")).unwrap();
    parsed.state.repo = "octo/demo".to_string();
    let baseline_before = parsed.state.baseline;
    let totals_before = parsed.state.totals;
    let files = [
        (
            "archive-2025-12.json",
            fixture("synthetic-archive-2025-12.json"),
        ),
        (
            "archive-2026-01.json",
            fixture("synthetic-archive-2026-01.json"),
        ),
    ];
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (*name, text.as_str()))
        .collect();
    let months = import_archives(&pairs).unwrap();
    let (months, _warnings) =
        adopt_original_archives(&mut parsed.state, months, "2026-02-26T03:00:00Z");
    let state = &parsed.state;
    assert!(
        check_identity(state, &months).is_empty(),
        "{:?}",
        check_identity(state, &months)
    );
    assert_eq!(state.archived.months, ["2025-12", "2026-01"]);
    // Clones: the original's 1 873 included the archived days, so the total is unchanged.
    assert_eq!(state.totals.clones, totals_before.clones);
    assert_eq!(
        state.baseline.clones,
        baseline_before.clones - state.archived.totals.clones
    );
    for field in TOTAL_FIELDS {
        assert!(
            state.totals.get(field)
                >= totals_before
                    .get(field)
                    .min(state.derived_totals().get(field))
        );
    }
    assert!(months.iter().all(|m| m.repo == "octo/demo"));
}

fn error_of(json: &str) -> StateError {
    parse_state(json).unwrap_err()
}

#[test]
fn truncated_state_is_an_error_never_an_empty_state() {
    let text = fixture("real-v1-state-b.json");
    let cut = &text[..text.len() / 2];
    let err = error_of(cut);
    assert!(matches!(err, StateError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(matches!(error_of(""), StateError::Malformed { .. }));
    assert!(matches!(
        error_of("<html>rate limited</html>"),
        StateError::Malformed { .. }
    ));
}

#[test]
fn schema_violations_name_the_path() {
    let cases = [
        (r#"[]"#, "$"),
        (
            r#"{"dailyHistory":[{"date":"2026-02-10T00:00:00Z","clones":-1,"views":3}]}"#,
            "$.dailyHistory[0].clones",
        ),
        (
            r#"{"dailyHistory":[{"date":"2026-02-10T00:00:00Z","clones":1,"views":"3"}]}"#,
            "$.dailyHistory[0].views",
        ),
        (
            r#"{"dailyHistory":[{"date":"2026-02-10T00:00:00Z","views":3}]}"#,
            "$.dailyHistory[0].clones",
        ),
        (
            r#"{"dailyHistory":[{"date":"Feb 10","clones":1,"views":3}]}"#,
            "$.dailyHistory[0].date",
        ),
        (
            r#"{"dailyHistory":[{"date":"2026-02-10T00:00:00Z","clones":1,"views":3,"uniqueClones":1.5}]}"#,
            "$.dailyHistory[0].uniqueClones",
        ),
        (r#"{"dailyHistory":{}}"#, "$.dailyHistory"),
        (r#"{"totalClones":"many"}"#, "$.totalClones"),
        (
            r#"{"ciCheckouts":{"2026-02-10":{"total":-4}}}"#,
            "$.ciCheckouts[\"2026-02-10\"].total",
        ),
        (r#"{"schemaVersion":4,"totals":{}}"#, "$.repo"),
        (r#"{"schemaVersion":"4"}"#, "$.schemaVersion"),
    ];
    for (json, path) in cases {
        match error_of(json) {
            StateError::Invalid { path: found, .. } => assert_eq!(found, path, "{json}"),
            other => panic!("{json}: {other}"),
        }
    }
}

#[test]
fn v4_state_violations_are_errors() {
    let mut state = parse_state(&fixture("real-v1-state-b.json")).unwrap().state;
    state.repo = "octo/demo".to_string();
    let good: Value = serde_json::from_str(&state.to_json()).unwrap();

    let mut missing_total = good.clone();
    missing_total["totals"]
        .as_object_mut()
        .unwrap()
        .remove("views");
    let mut unordered = good.clone();
    unordered["dailyHistory"].as_array_mut().unwrap().swap(0, 1);
    let mut bad_period = good.clone();
    bad_period["archived"]["months"] = serde_json::json!(["2026-13"]);
    for (broken, path) in [
        (missing_total, "$.totals.views"),
        (unordered, "$.dailyHistory[1].date"),
        (bad_period, "$.archived.months[0]"),
    ] {
        match parse_state(&broken.to_string()).unwrap_err() {
            StateError::Invalid { path: found, .. } => assert_eq!(found, path),
            other => panic!("{other}"),
        }
    }
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let err = error_of(r#"{"schemaVersion":5,"repo":"octo/demo"}"#);
    assert_eq!(
        err,
        StateError::NewerSchema {
            file: "state.json".to_string(),
            found: 5
        }
    );
    assert!(err.to_string().contains("written by a newer ghtraf"));
}

#[test]
fn original_keys_spelled_like_ours_are_kept_without_writing_a_key_twice() {
    let original = r#"{"totalClones":5,"totals":{"weird":1},"repo":"x/y",
        "dailyHistory":[{"date":"2026-02-10T00:00:00Z","clones":5,"views":1}]}"#;
    let parsed = parse_state(original).unwrap();
    let imported = parsed.state.imported.as_ref().unwrap();
    assert_eq!(imported["totals"], serde_json::json!({"weird": 1}));
    assert_eq!(imported["repo"], "x/y");
    let text = parsed.state.to_json();
    // Top-level keys are indented by two spaces in the pretty output.
    assert_eq!(text.matches("\n  \"totals\"").count(), 1, "{text}");
    assert_eq!(text.matches("\n  \"repo\"").count(), 1, "{text}");
    assert_eq!(parse_state(&text).unwrap().state, parsed.state);

    let month = r#"{"totals":{"old":1},"dailyHistory":[{"date":"2026-01-01T00:00:00Z","clones":1,"views":1}]}"#;
    let months = import_archives(&[("archive-2026-01.json", month)]).unwrap();
    assert_eq!(
        months[0].extra["original_totals"],
        serde_json::json!({"old": 1})
    );
    assert_eq!(months[0].to_json().matches("\n  \"totals\"").count(), 1);
}

#[test]
fn the_original_archive_gist_fixture_lists_its_months_and_keeps_its_keys() {
    let text = fixture("synthetic-archive-gist.json");
    let gist = raw("synthetic-archive-gist.json");
    let mut periods: Vec<String> = gist["files"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|name| ghtraf_traffic::archive_period_of_file(name))
        .collect();
    periods.sort();
    assert_eq!(periods, ["2025-12", "2026-01"]);
    assert_eq!(ghtraf_traffic::archive_period_of_file("archive.json"), None);
    assert_eq!(
        ghtraf_traffic::archive_period_of_file("archive-2026-13.json"),
        None
    );
    // The original's archive.json is no index of ours: its months come from the month files,
    // and its keys are kept.
    let index = ghtraf_traffic::parse_archive_index(&text).unwrap();
    assert!(index.months.is_empty());
    assert_eq!(index.extra.get("_testNote"), gist.get("_testNote"));
    assert_eq!(index.extra.get("files"), gist.get("files"));
}
