//! Impossible values on read (issue 11, "questionable"): a day years in the future, counts the
//! dashboard cannot show exactly (above 2^53 − 1) or that saturate u64, negative or
//! fractional counts, and days stored twice with different numbers. Each is refused or
//! flagged with the day and the field named; nothing is silently counted, and on refusal
//! the caller gets no state to write.

use ghtraf_traffic::{check_plausible, import_archives, parse_state, State, StateError, MAX_COUNT};
use time::macros::datetime;

const NOW: time::OffsetDateTime = datetime!(2026-12-01 03:00 UTC);

fn original_with_days(days: &str) -> String {
    format!(r#"{{"totalClones": 0, "dailyHistory": [{days}]}}"#)
}

fn invalid(json: &str) -> (String, String) {
    match parse_state(json) {
        Err(StateError::Invalid { path, message, .. }) => (path, message),
        other => panic!("expected an invalid state, got {other:?}"),
    }
}

fn v4(state: &State) -> String {
    let mut state = state.clone();
    state.repo = "octo/demo".into();
    state.to_json()
}

#[test]
fn a_day_years_in_the_future_is_refused_naming_the_day() {
    let json = original_with_days(r#"{"date": "2031-05-01T00:00:00Z", "clones": 3, "views": 4}"#);
    // Reading alone cannot know the clock; the check with `now` refuses it.
    let parsed = parse_state(&json).unwrap();
    let err = check_plausible(&parsed.state, &[], NOW).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("2031-05-01"), "{text}");
    assert!(text.contains("$.dailyHistory[0].date"), "{text}");
    // The same day in a v4 state and in an archive month.
    let reread = parse_state(&v4(&parsed.state)).unwrap().state;
    assert!(check_plausible(&reread, &[], NOW).is_err());
    let months = import_archives(&[(
        "archive-2031-05.json",
        r#"{"dailyHistory": [{"date": "2031-05-01T00:00:00Z", "clones": 1, "views": 1}]}"#,
    )])
    .unwrap();
    let empty = parse_state(&original_with_days("")).unwrap().state;
    assert_eq!(check_plausible(&empty, &[], NOW), Ok(()));
    let err = check_plausible(&empty, &months, NOW).unwrap_err();
    assert!(err.to_string().contains("archive-2031-05.json"), "{err}");
}

#[test]
fn today_and_tomorrow_are_plausible() {
    let json = original_with_days(
        r#"{"date": "2026-12-01T00:00:00Z", "clones": 3, "views": 4},
           {"date": "2026-12-02T00:00:00Z", "clones": 1, "views": 1}"#,
    );
    let parsed = parse_state(&json).unwrap();
    assert_eq!(check_plausible(&parsed.state, &[], NOW), Ok(()));
    let json = original_with_days(r#"{"date": "2026-12-03T00:00:00Z", "clones": 3, "views": 4}"#);
    assert!(check_plausible(&parse_state(&json).unwrap().state, &[], NOW).is_err());
}

#[test]
fn counts_above_the_safe_integer_are_refused_naming_day_and_field() {
    for huge in ["9007199254740992", "18446744073709551615", "1e300"] {
        let json = original_with_days(&format!(
            r#"{{"date": "2026-02-10T00:00:00Z", "clones": 1, "views": {huge}}}"#
        ));
        let (path, message) = invalid(&json);
        assert_eq!(path, "$.dailyHistory[0].views", "{huge}");
        assert!(message.contains("2026-02-10"), "{message}");
        assert!(message.contains("2^53"), "{message}");
    }
    let (path, _) = invalid(r#"{"totalClones": 18446744073709551615}"#);
    assert_eq!(path, "$.totalClones");
    let safe = original_with_days(&format!(
        r#"{{"date": "2026-02-10T00:00:00Z", "clones": {MAX_COUNT}, "views": 0}}"#
    ));
    assert_eq!(parse_state(&safe).unwrap().state.totals.clones, MAX_COUNT);
}

#[test]
fn totals_that_would_pass_the_safe_integer_are_refused() {
    let half = MAX_COUNT / 2 + 1;
    let json = original_with_days(&format!(
        r#"{{"date": "2026-02-10T00:00:00Z", "clones": {half}, "views": 0}},
           {{"date": "2026-02-11T00:00:00Z", "clones": {half}, "views": 0}}"#
    ));
    let (path, message) = invalid(&json);
    assert_eq!(path, "$.totals.clones");
    assert!(message.contains("2^53"), "{message}");
}

#[test]
fn counts_inside_breakdowns_and_snapshots_follow_the_same_rules() {
    let json = original_with_days(
        r#"{"date": "2026-02-10T00:00:00Z", "clones": 1, "views": 1,
            "ciWorkflows": {"CI": {"runs": 1, "checkoutsPerRun": [18446744073709551615]}}}"#,
    );
    let (path, _) = invalid(&json);
    assert_eq!(path, "$.dailyHistory[0].ciWorkflows");
    let (path, _) = invalid(
        r#"{"referrers": [{"source": "Google", "count": 9007199254740993, "uniques": 1}]}"#,
    );
    assert_eq!(path, "$.referrers");
}

#[test]
fn whole_floats_are_counts_fractions_and_negatives_are_not() {
    let json = original_with_days(
        r#"{"date": "2026-02-10T00:00:00Z", "clones": 7.0, "views": 12.0, "uniqueClones": 3.0,
            "ciWorkflows": {"CI": {"runs": 2.0, "checkoutsPerRun": [1.0, 1.0]}}}"#,
    );
    let day = &parse_state(&json).unwrap().state.daily_history[0];
    assert_eq!((day.clones, day.views, day.unique_clones), (7, 12, Some(3)));
    assert_eq!(day.ci_workflows.as_ref().unwrap()["CI"].runs, 2);

    let (path, message) = invalid(&original_with_days(
        r#"{"date": "2026-02-10T00:00:00Z", "clones": 7.5, "views": 1}"#,
    ));
    assert_eq!(path, "$.dailyHistory[0].clones");
    assert!(message.contains("fraction"), "{message}");
    let (_, message) = invalid(&original_with_days(
        r#"{"date": "2026-02-10T00:00:00Z", "clones": 1, "views": -2}"#,
    ));
    assert!(
        message.contains("negative") && message.contains("2026-02-10"),
        "{message}"
    );
}

#[test]
fn a_day_stored_twice_with_different_numbers_is_flagged_and_counted_once() {
    let json = original_with_days(
        r#"{"date": "2026-02-10T00:00:00Z", "clones": 5, "views": 9, "uniqueClones": 2},
           {"date": "2026-02-10T00:00:00Z", "clones": 8, "views": 9}"#,
    );
    let parsed = parse_state(&json).unwrap();
    let warning = parsed
        .warnings
        .iter()
        .find(|w| w.contains("2026-02-10"))
        .expect("a warning naming the day");
    assert!(warning.contains("clones (5 and 8)"), "{warning}");
    assert!(warning.contains("uniqueClones (2 and absent)"), "{warning}");
    assert!(!warning.contains("views ("), "views agree: {warning}");
    assert_eq!(parsed.state.daily_history.len(), 1);
    assert_eq!(parsed.state.totals.clones, 8, "the higher, never 13");

    // Ours may not hold a date twice at all; the message names it.
    let mut doubled: serde_json::Value = serde_json::from_str(&v4(&parsed.state)).unwrap();
    let day = doubled["dailyHistory"][0].clone();
    doubled["dailyHistory"].as_array_mut().unwrap().push(day);
    let (path, message) = invalid(&doubled.to_string());
    assert_eq!(path, "$.dailyHistory[1].date");
    assert!(message.contains("2026-02-10"), "{message}");
}
