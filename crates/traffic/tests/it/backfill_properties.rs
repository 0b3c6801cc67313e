//! Properties of the backfill merge over random held histories (an imported original with a
//! baseline, some months archived) and random sources: it never lowers a held figure, never
//! invents a unique, holds the totals identity, takes exactly the gains before the first held
//! day out of the baseline (down to 0), and the same backfill twice changes nothing.

use std::collections::BTreeMap;

use ghtraf_traffic::{
    backfill, check_identity, merge, parse_state, ArchiveMonth, BackfillDay, BackfillInput,
    BackfillMode, Day, Observation, State, Totals,
};
use proptest::prelude::*;
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);
const FIRST: Date = date!(2026 - 06 - 01);
const SPAN: i64 = 180;

/// A held day: offset from FIRST, clones, optional uniques, views, optional uniques, CI.
type HeldDay = (i64, u64, Option<u64>, u64, Option<u64>, Option<u64>);

fn held_strategy() -> impl Strategy<Value = Vec<HeldDay>> {
    prop::collection::vec(
        (
            60i64..SPAN,
            0u64..50,
            prop::option::of(0u64..20),
            0u64..80,
            prop::option::of(0u64..30),
            prop::option::of(0u64..10),
        ),
        0..40,
    )
}

fn offered_strategy() -> impl Strategy<Value = Vec<BackfillDay>> {
    let figure = || prop::option::weighted(0.7, 0u64..90);
    prop::collection::btree_map(
        0i64..SPAN,
        (figure(), figure(), figure(), figure(), figure(), figure()),
        0..60,
    )
    .prop_map(|days| {
        days.into_iter()
            .map(|(offset, (c, uc, v, uv, ci, runs))| BackfillDay {
                date: FIRST + Duration::days(offset),
                clones: c,
                unique_clones: uc,
                views: v,
                unique_views: uv,
                downloads: None,
                ci_checkouts: ci,
                ci_runs: runs,
            })
            .collect()
    })
}

/// An imported original holding `held` and `extra` counts before them, then one empty
/// collection at NOW so its complete months move to archives.
fn world(held: &[HeldDay], extra: (u64, u64, u64)) -> (State, Vec<ArchiveMonth>) {
    let mut days: BTreeMap<i64, serde_json::Value> = BTreeMap::new();
    for (offset, c, uc, v, uv, ci) in held {
        let mut day = json!({
            "date": format!("{}T00:00:00Z", FIRST + Duration::days(*offset)),
            "clones": c, "views": v,
        });
        if let Some(uc) = uc {
            day["uniqueClones"] = json!(uc.min(c));
        }
        if let Some(uv) = uv {
            day["uniqueViews"] = json!(uv.min(v));
        }
        if let Some(ci) = ci {
            day["ciCheckouts"] = json!(ci);
        }
        days.insert(*offset, day);
    }
    let sum = |key: &str| -> u64 {
        days.values()
            .map(|d| d.get(key).and_then(|v| v.as_u64()).unwrap_or(0))
            .sum()
    };
    let original = json!({
        "totalClones": sum("clones") + extra.0,
        "totalViews": sum("views") + extra.1,
        "totalUniqueClones": sum("uniqueClones") + extra.2,
        "dailyHistory": days.into_values().collect::<Vec<_>>(),
    });
    let mut state = parse_state(&original.to_string()).unwrap().state;
    state.repo = "octo/demo".into();
    let out = merge(&state, &Observation::empty(NOW - Duration::hours(7)));
    (out.state, out.archive)
}

/// Every day held anywhere, by date.
fn all_days(state: &State, archives: &[ArchiveMonth]) -> BTreeMap<Date, Day> {
    archives
        .iter()
        .flat_map(|month| month.daily_history.iter())
        .chain(state.daily_history.iter())
        .map(|day| (day.date, day.clone()))
        .collect()
}

fn figures(day: &Day) -> [(&'static str, Option<u64>); 6] {
    [
        ("clones", Some(day.clones)),
        ("uniqueClones", day.unique_clones),
        ("views", Some(day.views)),
        ("uniqueViews", day.unique_views),
        ("ciCheckouts", day.ci_checkouts),
        ("ciRuns", day.ci_runs),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn backfill_never_lowers_never_invents_and_reconciles_the_baseline(
        held in held_strategy(),
        extra in (0u64..3000, 0u64..3000, 0u64..200),
        offered in offered_strategy(),
        raise in any::<bool>(),
    ) {
        let (state, archives) = world(&held, extra);
        prop_assert!(check_identity(&state, &archives).is_empty());
        let mode = if raise { BackfillMode::Raise } else { BackfillMode::FillAbsent };
        let input = BackfillInput { source: "prop".into(), days: offered.clone(), ..Default::default() };
        let out = backfill(&state, &archives, std::slice::from_ref(&input), mode, NOW).unwrap();

        // Identity: totals derived, archives match, no day in two places.
        let problems = check_identity(&out.state, &out.archives);
        prop_assert!(problems.is_empty(), "{:?}", problems);

        let before = all_days(&state, &archives);
        let after = all_days(&out.state, &out.archives);
        let offered_by_date: BTreeMap<Date, &BackfillDay> =
            offered.iter().map(|day| (day.date, day)).collect();
        // Never lowers, never loses a day.
        for (date, old) in &before {
            let new = after.get(date);
            prop_assert!(new.is_some(), "{} lost", date);
            let new = new.unwrap();
            for ((field, was), (_, now)) in figures(old).iter().zip(figures(new)) {
                if let Some(was) = was {
                    prop_assert!(now.is_some_and(|now| now >= *was), "{} {} {:?} -> {:?}", date, field, was, now);
                }
            }
        }
        // Never invents a unique: present afterwards only if held or offered.
        for (date, new) in &after {
            let old = before.get(date);
            let source = offered_by_date.get(date);
            if new.unique_clones.is_some() {
                prop_assert!(old.is_some_and(|d| d.unique_clones.is_some())
                    || source.is_some_and(|s| s.unique_clones.is_some()), "{} uniqueClones", date);
            }
            if new.unique_views.is_some() {
                prop_assert!(old.is_some_and(|d| d.unique_views.is_some())
                    || source.is_some_and(|s| s.unique_views.is_some()), "{} uniqueViews", date);
            }
            if old.is_none() {
                prop_assert!(source.is_some(), "{} appeared from nowhere", date);
            }
        }
        // Baseline: exactly the gains before the first held day come out of it, down to 0.
        let first_held = before.keys().next().copied();
        for field in ["clones", "views", "uniqueClones", "uniqueViews", "ciCheckouts"] {
            let gain: u64 = after
                .iter()
                .filter(|(date, _)| first_held.is_none_or(|first| **date < first))
                .map(|(date, day)| {
                    let old = before.get(date).map(Totals::of_day).unwrap_or_default();
                    Totals::of_day(day).get(field).saturating_sub(old.get(field))
                })
                .sum();
            let expected = state.baseline.get(field).saturating_sub(gain);
            prop_assert_eq!(out.state.baseline.get(field), expected, "baseline {}", field);
            let all_gain: u64 = after
                .iter()
                .map(|(date, day)| {
                    let old = before.get(date).map(Totals::of_day).unwrap_or_default();
                    Totals::of_day(day).get(field) - old.get(field)
                })
                .sum();
            prop_assert_eq!(
                out.state.totals.get(field),
                state.totals.get(field) + all_gain - (state.baseline.get(field) - expected),
                "totals {}", field
            );
        }

        // Idempotent.
        let again = backfill(&out.state, &out.archives, &[input], mode, NOW + Duration::hours(1)).unwrap();
        prop_assert!(!again.changed);
        prop_assert_eq!(&again.state, &out.state);
        prop_assert!(again.archive_updates.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `ghtraf export` (CSV or JSON) read back into an empty state reproduces the export,
    /// whatever the history: absent uniques, CI with runs, archived months, downloads.
    #[test]
    fn an_export_read_back_reproduces_itself(
        offered in offered_strategy(),
        downloads in prop::collection::vec(prop::option::of(0u64..9), SPAN as usize),
        json in any::<bool>(),
    ) {
        let days: Vec<BackfillDay> = offered
            .into_iter()
            .enumerate()
            .map(|(i, day)| BackfillDay { downloads: downloads[i % downloads.len()], ..day })
            .collect();
        let empty = ghtraf_traffic::initial_state("octo/demo", NOW);
        let input = BackfillInput { source: "prop".into(), days, ..Default::default() };
        let built = backfill(&empty, &[], &[input], BackfillMode::FillAbsent, NOW).unwrap();
        let rows = ghtraf_traffic::export_rows(&built.state, &built.archives);
        let text = if json { ghtraf_traffic::to_json(&rows) } else { ghtraf_traffic::to_csv(&rows) };
        let name = if json { "export.json" } else { "export.csv" };
        let inputs = ghtraf_traffic::import_tracker_files(&[(name, text.as_bytes())]).unwrap();
        let again = backfill(&empty, &[], &inputs, BackfillMode::FillAbsent, NOW).unwrap();
        prop_assert_eq!(ghtraf_traffic::export_rows(&again.state, &again.archives), rows);
    }
}
