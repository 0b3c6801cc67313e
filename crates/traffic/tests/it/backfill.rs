//! The backfill merge's rules one at a time (issue 13): fill absent by default, raise on
//! request, never lower, never invent a unique, take earlier days out of the baseline, write
//! archived months as explicit updates, record provenance in the agreed shape, and change
//! nothing the second time.

use ghtraf_traffic::{
    backfill, check_identity, initial_state, parse_state, ArchiveMonth, BackfillDay, BackfillInput,
    BackfillMode, Series, SeriesPoint, State, Totals,
};
use serde_json::{json, Value};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);

fn day(date: Date, clones: u64, views: u64) -> BackfillDay {
    BackfillDay {
        clones: Some(clones),
        views: Some(views),
        ..BackfillDay::new(date)
    }
}

fn input(source: &str, days: Vec<BackfillDay>) -> BackfillInput {
    BackfillInput {
        source: source.into(),
        days,
        ..Default::default()
    }
}

/// An imported original: 10 000 clones and 4 000 views before its first held day
/// (2026-11-20), which has 10 clones, 3 unique, 20 views.
fn imported() -> State {
    let mut state = parse_state(
        &json!({
            "totalClones": 10010, "totalViews": 4020, "totalUniqueClones": 3,
            "dailyHistory": [
                {"date": "2026-11-20T00:00:00Z", "clones": 10, "uniqueClones": 3, "views": 20}
            ]
        })
        .to_string(),
    )
    .unwrap()
    .state;
    state.repo = "octo/demo".into();
    state
}

fn held(state: &State, date: Date) -> &ghtraf_traffic::Day {
    state.daily_history.iter().find(|d| d.date == date).unwrap()
}

#[test]
fn by_default_only_absent_fields_are_written_and_raise_takes_the_higher() {
    let state = imported();
    let mut offered = day(date!(2026 - 11 - 20), 50, 5);
    offered.unique_clones = Some(9);
    offered.unique_views = Some(4);
    let source = [input("github-repo-stats", vec![offered])];

    let out = backfill(&state, &[], &source, BackfillMode::FillAbsent, NOW).unwrap();
    let d = held(&out.state, date!(2026 - 11 - 20));
    assert_eq!(
        (d.clones, d.unique_clones),
        (10, Some(3)),
        "held, not absent"
    );
    assert_eq!(
        (d.views, d.unique_views),
        (20, Some(4)),
        "only the absent unique"
    );
    assert_eq!(d.backfill.as_ref().unwrap().fields, vec!["uniqueViews"]);
    // Only an absent figure written: filled, not raised (no --raise).
    assert_eq!(
        (out.reports[0].days_filled, out.reports[0].days_raised),
        (1, 0)
    );

    let out = backfill(&state, &[], &source, BackfillMode::Raise, NOW).unwrap();
    let d = held(&out.state, date!(2026 - 11 - 20));
    assert_eq!((d.clones, d.unique_clones), (50, Some(9)), "raised");
    assert_eq!(
        (out.reports[0].days_filled, out.reports[0].days_raised),
        (0, 1)
    );
    assert_eq!((d.views, d.unique_views), (20, Some(4)), "never lowered");
    assert_eq!(
        d.backfill.as_ref().unwrap().fields,
        vec!["clones", "uniqueClones", "uniqueViews"],
        "sorted"
    );
    assert_eq!(
        out.state.totals.clones, 10050,
        "a raised held day adds to the total"
    );
    assert!(check_identity(&out.state, &out.archives).is_empty());
}

#[test]
fn absent_uniques_stay_absent_and_a_created_day_needs_clones_or_views() {
    let state = initial_state("octo/demo", datetime!(2026-11-01 03:00 UTC));
    let only_clones = BackfillDay {
        clones: Some(7),
        ..BackfillDay::new(date!(2026 - 11 - 10))
    };
    let only_uniques = BackfillDay {
        unique_views: Some(2),
        ..BackfillDay::new(date!(2026 - 11 - 11))
    };
    let out = backfill(
        &state,
        &[],
        &[input("sangonzal", vec![only_clones, only_uniques])],
        BackfillMode::Raise,
        NOW,
    )
    .unwrap();
    assert_eq!(out.state.daily_history.len(), 1);
    let d = &out.state.daily_history[0];
    assert_eq!((d.clones, d.views), (7, 0));
    assert_eq!(
        (d.unique_clones, d.unique_views, d.organic_unique_clones),
        (None, None, None)
    );
    assert_eq!(d.organic_clones, Some(7));
    assert!(
        out.reports[0].notes[0].contains("2026-11-11"),
        "{:?}",
        out.reports[0].notes
    );
    let text: Value = serde_json::from_str(&out.state.to_json()).unwrap();
    assert!(
        text["dailyHistory"][0].get("uniqueClones").is_none(),
        "never an invented 0"
    );
}

#[test]
fn days_before_the_first_held_day_come_out_of_the_baseline() {
    let state = imported();
    assert_eq!(state.baseline.clones, 10000);
    let source = [input(
        "github-repo-stats",
        vec![
            day(date!(2026 - 11 - 01), 300, 100),
            day(date!(2026 - 11 - 02), 200, 0),
        ],
    )];
    let out = backfill(&state, &[], &source, BackfillMode::FillAbsent, NOW).unwrap();
    assert_eq!(out.state.baseline.clones, 9500);
    assert_eq!(out.state.baseline.views, 3900);
    assert_eq!(
        out.state.totals.clones, state.totals.clones,
        "no double counting"
    );
    assert_eq!(out.state.totals.views, state.totals.views);
    let report = &out.reports[0];
    assert_eq!(report.from_baseline.clones, 500);
    assert_eq!(report.beyond_baseline, Totals::default());
    assert_eq!(report.days_added, 2);
    assert!(check_identity(&out.state, &out.archives).is_empty());

    // More than the baseline held: it stops at 0, the totals rise by the excess, and the
    // report says by how much.
    let big = [input("csv", vec![day(date!(2026 - 10 - 01), 12_000, 0)])];
    let out = backfill(&state, &[], &big, BackfillMode::FillAbsent, NOW).unwrap();
    assert_eq!(out.state.baseline.clones, 0);
    assert_eq!(out.state.totals.clones, state.totals.clones + 2000);
    assert_eq!(out.reports[0].beyond_baseline.clones, 2000);
    let shown = out.reports[0].to_string();
    assert!(shown.contains("clones +2000"), "{shown}");
    assert!(
        shown.contains("beyond the baseline (it stopped at 0, the totals rose) clones 2000"),
        "{shown}"
    );

    // A gap after the first held day is not in the baseline: the totals rise.
    let later = [input("csv", vec![day(date!(2026 - 11 - 21), 4, 1)])];
    let out = backfill(&state, &[], &later, BackfillMode::FillAbsent, NOW).unwrap();
    assert_eq!(out.state.baseline.clones, 10000);
    assert_eq!(out.state.totals.clones, state.totals.clones + 4);
}

/// A state whose October is archived (one day, 2026-10-05), with November in state.json.
fn with_archive() -> (State, Vec<ArchiveMonth>) {
    let mut state = initial_state("octo/demo", datetime!(2026-10-05 03:00 UTC));
    let mut months = Vec::new();
    for (now, date) in [
        (datetime!(2026-10-05 03:00 UTC), date!(2026 - 10 - 05)),
        (datetime!(2026-12-01 03:00 UTC), date!(2026 - 11 - 29)),
    ] {
        let obs = ghtraf_traffic::Observation {
            clones: vec![ghtraf_traffic::TrafficPoint {
                date,
                count: 5,
                uniques: 2,
            }],
            views: vec![ghtraf_traffic::TrafficPoint {
                date,
                count: 8,
                uniques: 3,
            }],
            ..ghtraf_traffic::Observation::empty(now)
        };
        let out = ghtraf_traffic::merge(&state, &obs);
        months.extend(out.archive.clone());
        state = out.state;
    }
    assert_eq!(state.archived.months, vec!["2026-10"]);
    (state, months)
}

#[test]
fn a_day_of_an_archived_month_is_an_explicit_archive_update() {
    let (state, months) = with_archive();
    let source = [input(
        "ghtraf-export",
        vec![
            day(date!(2026 - 10 - 06), 11, 12),
            day(date!(2026 - 11 - 28), 1, 1),
        ],
    )];
    let out = backfill(&state, &months, &source, BackfillMode::FillAbsent, NOW).unwrap();
    assert_eq!(out.archive_updates.len(), 1);
    let update = &out.archive_updates[0];
    assert_eq!(update.period, "2026-10");
    assert_eq!(update.before.unwrap().clones, 5);
    assert_eq!(update.after.clones, 16);
    assert_eq!(update.month.daily_history.len(), 2);
    assert!(out
        .state
        .daily_history
        .iter()
        .all(|d| d.date != date!(2026 - 10 - 06)));
    assert_eq!(out.state.archived.totals.clones, 16);
    assert!(
        check_identity(&out.state, &out.archives).is_empty(),
        "{:?}",
        check_identity(&out.state, &out.archives)
    );
    let files = out.archive_files(None, "2026-12-01T10:00:00Z");
    assert!(files.contains_key("archive-2026-10.json") && files.contains_key("archive.json"));

    // The archive files must be the state's: a missing one is an error, not a guess.
    let err = backfill(&state, &[], &source, BackfillMode::FillAbsent, NOW).unwrap_err();
    assert!(err.to_string().contains("archive"), "{err}");
}

#[test]
fn whole_months_of_added_days_become_new_archive_months() {
    let state = initial_state("octo/demo", datetime!(2026-11-25 03:00 UTC));
    let days: Vec<BackfillDay> = (0..400)
        .map(|i| day(date!(2025 - 10 - 01) + time::Duration::days(i), 3, 4))
        .collect();
    let out = backfill(
        &state,
        &[],
        &[input("ghrs", days)],
        BackfillMode::FillAbsent,
        NOW,
    )
    .unwrap();
    assert!(
        out.state.daily_history.len() <= 62,
        "{}",
        out.state.daily_history.len()
    );
    assert!(out.archive_updates.iter().all(|u| u.before.is_none()));
    assert_eq!(out.archives.len(), out.state.archived.months.len());
    assert!(check_identity(&out.state, &out.archives).is_empty());
    assert_eq!(out.state.totals.clones, 1200);
}

#[test]
fn the_same_backfill_twice_changes_nothing() {
    let (state, months) = with_archive();
    let mut offered = day(date!(2026 - 09 - 30), 4, 5);
    offered.unique_clones = Some(1);
    let source = [
        input(
            "github-repo-stats",
            vec![offered, day(date!(2026 - 10 - 07), 1, 2)],
        ),
        BackfillInput {
            stars: Some(Series {
                points: vec![SeriesPoint {
                    date: date!(2026 - 03 - 01),
                    count: 2,
                }],
                complete: true,
                note: None,
                source: "stargazers".into(),
                at: None,
            }),
            ..input("stars", vec![])
        },
    ];
    for mode in [BackfillMode::FillAbsent, BackfillMode::Raise] {
        let first = backfill(&state, &months, &source, mode, NOW).unwrap();
        assert!(first.changed);
        assert_eq!(first.state.provenance.len(), 2);
        let later = datetime!(2026-12-02 10:00 UTC);
        let second = backfill(&first.state, &first.archives, &source, mode, later).unwrap();
        assert!(!second.changed, "{:?}", second.reports);
        assert_eq!(second.state, first.state);
        assert!(second.archive_updates.is_empty());
        assert!(second.reports.iter().all(|r| r.changes.is_empty()));
    }
}

#[test]
fn provenance_and_series_have_the_agreed_json_shape() {
    let state = imported();
    let source = [BackfillInput {
        stars: Some(Series {
            points: vec![
                SeriesPoint {
                    date: date!(2024 - 03 - 05),
                    count: 13,
                },
                SeriesPoint {
                    date: date!(2024 - 03 - 01),
                    count: 12,
                },
                SeriesPoint {
                    date: date!(2024 - 03 - 02),
                    count: 12,
                },
            ],
            complete: false,
            note: Some("40,000-star API cap: stars after 2025-06-01 are missing".into()),
            source: "stargazers".into(),
            at: None,
        }),
        ..input("github-repo-stats", vec![day(date!(2026 - 11 - 01), 3, 4)])
    }];
    let out = backfill(&state, &[], &source, BackfillMode::FillAbsent, NOW).unwrap();
    let text: Value = serde_json::from_str(&out.state.to_json()).unwrap();
    assert_eq!(
        text["series"]["stars"],
        json!({
            "points": [["2024-03-01", 12], ["2024-03-05", 13]],
            "complete": false,
            "note": "40,000-star API cap: stars after 2025-06-01 are missing",
            "source": "stargazers",
            "at": "2026-12-01T10:00:00Z"
        })
    );
    assert!(text["series"].get("forks").is_none());
    let added = text["dailyHistory"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-01T00:00:00Z")
        .unwrap();
    assert_eq!(
        added["backfill"],
        json!({"source": "github-repo-stats", "fields": ["clones", "views"]})
    );
    assert_eq!(
        text["provenance"],
        json!([{
            "source": "github-repo-stats", "at": "2026-12-01T10:00:00Z",
            "from": "2024-03-01", "to": "2026-11-01",
            "daysAdded": 1, "daysRaised": 0, "fields": ["clones", "views"]
        }])
    );
    // It reads back unchanged.
    assert_eq!(parse_state(&out.state.to_json()).unwrap().state, out.state);

    // A later incomplete read never replaces a complete series.
    let mut complete = out.state.clone();
    complete.series.stars.as_mut().unwrap().complete = true;
    let again = backfill(&complete, &[], &source, BackfillMode::FillAbsent, NOW).unwrap();
    assert!(again.state.series.stars.as_ref().unwrap().complete);
    assert!(again.reports[0]
        .notes
        .iter()
        .any(|n| n.contains("kept the complete")));
}

#[test]
fn impossible_input_is_refused_naming_source_day_and_field() {
    let state = imported();
    let cases = [
        (day(date!(2031 - 01 - 01), 1, 1), "2031-01-01"),
        (day(date!(2026 - 01 - 01), 1 << 60, 1), "clones"),
    ];
    for (offered, expected) in cases {
        let err = backfill(
            &state,
            &[],
            &[input("csv", vec![offered])],
            BackfillMode::Raise,
            NOW,
        )
        .unwrap_err();
        assert_eq!(err.source.as_deref(), Some("csv"));
        assert!(err.message.contains(expected), "{err}");
    }
    let twice = input(
        "csv",
        vec![
            day(date!(2026 - 01 - 01), 1, 1),
            day(date!(2026 - 01 - 01), 2, 1),
        ],
    );
    let err = backfill(&state, &[], &[twice], BackfillMode::Raise, NOW).unwrap_err();
    assert!(err.message.contains("twice"), "{err}");
}

#[test]
fn gist_revisions_give_every_day_any_revision_held_with_its_highest_figures() {
    let revision = |days: &str| {
        parse_state(&format!(
            r#"{{"totalClones": 0, "dailyHistory": [{days}]}}"#
        ))
        .unwrap()
        .state
    };
    let old = revision(
        r#"{"date": "2026-01-01T00:00:00Z", "clones": 5, "views": 9, "uniqueClones": 2},
           {"date": "2026-01-02T00:00:00Z", "clones": 1, "views": 1}"#,
    );
    let newer = revision(
        r#"{"date": "2026-01-02T00:00:00Z", "clones": 4, "views": 0, "uniqueViews": 1},
           {"date": "2026-02-01T00:00:00Z", "clones": 3, "views": 3}"#,
    );
    let input = BackfillInput::from_revisions("gist-history", &[newer, old]);
    assert_eq!(input.days.len(), 3);
    let second = input.days[1];
    assert_eq!(
        (
            second.clones,
            second.views,
            second.unique_clones,
            second.unique_views
        ),
        (Some(4), Some(1), None, Some(1))
    );
    assert_eq!(input.days[0].unique_clones, Some(2));
    let january = input.within(None, Some(date!(2026 - 01 - 31)));
    assert_eq!(january.days.len(), 2);
    let from_second = january.within(Some(date!(2026 - 01 - 02)), None);
    assert_eq!(from_second.days.len(), 1);
}

#[test]
fn a_figure_collect_raises_later_is_no_longer_marked_backfilled() {
    let state = initial_state("octo/demo", datetime!(2026-11-25 03:00 UTC));
    let mut offered = day(date!(2026 - 11 - 24), 5, 9);
    offered.unique_clones = Some(2);
    let out = backfill(
        &state,
        &[],
        &[input("csv", vec![offered])],
        BackfillMode::FillAbsent,
        NOW,
    )
    .unwrap();
    let provenance = |state: &State| held(state, date!(2026 - 11 - 24)).backfill.clone();
    assert_eq!(
        provenance(&out.state).unwrap().fields,
        vec!["clones", "uniqueClones", "views"]
    );
    let point = |count, uniques| ghtraf_traffic::TrafficPoint {
        date: date!(2026 - 11 - 24),
        count,
        uniques,
    };
    let obs = |clones, views| ghtraf_traffic::Observation {
        clones,
        views,
        ..ghtraf_traffic::Observation::empty(datetime!(2026-12-01 03:00 UTC))
    };
    // GitHub reports the same clones: nothing changes, the day stays backfilled.
    let same = ghtraf_traffic::merge(&out.state, &obs(vec![point(5, 2)], vec![]));
    assert_eq!(provenance(&same.state), provenance(&out.state));
    // It reports more clones: those are collected now; views stay backfilled.
    let more = ghtraf_traffic::merge(&out.state, &obs(vec![point(8, 3)], vec![]));
    assert_eq!(provenance(&more.state).unwrap().fields, vec!["views"]);
    let all = ghtraf_traffic::merge(&more.state, &obs(vec![], vec![point(12, 4)]));
    assert_eq!(provenance(&all.state), None);
}

#[test]
fn organic_figures_change_only_with_the_figures_they_come_from() {
    // The original stored its own organic estimate (5, where ours would say 7).
    let mut state = parse_state(
        r#"{"dailyHistory": [{"date": "2026-11-20T00:00:00Z", "clones": 20, "uniqueClones": 8,
            "views": 30, "ciCheckouts": 5, "ciRuns": 1, "organicClones": 15,
            "organicUniqueClones": 5}]}"#,
    )
    .unwrap()
    .state;
    state.repo = "octo/demo".into();
    let mut views_only = BackfillDay::new(date!(2026 - 11 - 20));
    views_only.unique_views = Some(12);
    let out = backfill(
        &state,
        &[],
        &[input("csv", vec![views_only])],
        BackfillMode::Raise,
        NOW,
    )
    .unwrap();
    let d = held(&out.state, date!(2026 - 11 - 20));
    assert_eq!(
        (d.unique_views, d.organic_unique_clones),
        (Some(12), Some(5))
    );

    let mut more_ci = BackfillDay::new(date!(2026 - 11 - 20));
    more_ci.ci_checkouts = Some(10);
    let out = backfill(
        &state,
        &[],
        &[input("ci", vec![more_ci])],
        BackfillMode::Raise,
        NOW,
    )
    .unwrap();
    let d = held(&out.state, date!(2026 - 11 - 20));
    assert_eq!(
        d.organic_clones,
        Some(10),
        "recomputed: CI clones are not organic"
    );
    assert!(check_identity(&out.state, &out.archives).is_empty());
}
