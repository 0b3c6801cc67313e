//! Properties of the merge over random collection histories: nothing stored ever goes down,
//! old windows change nothing, totals are always the sum of their parts, every reported day
//! ends up in exactly one place with its highest figure, and state.json stays small.

use std::collections::BTreeMap;

use ghtraf_traffic::{
    check_identity, initial_state, merge, ArchiveMonth, CiDay, Day, Observation, State,
    TrafficPoint, TRAFFIC_WINDOW_DAYS,
};
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

const START: Date = date!(2025 - 11 - 20);

/// One day's true traffic: (clones, unique clones, views, unique views, CI checkouts, CI runs).
type Truth = (u64, u64, u64, u64, u64, u64);

fn truth_strategy() -> impl Strategy<Value = Truth> {
    (0u64..60, 0u64..60, 0u64..400, 0u64..400, 0u64..30, 0u64..6)
        .prop_map(|(c, uc, v, uv, ci, runs)| (c, uc.min(c), v, uv.min(v), ci, runs))
}

/// One collection run: days since the previous run, hour of day, which window days GitHub
/// omits (bit mask), and how much it under-reports completed days (a revision).
type Run = (i64, u8, u16, u64);

fn run_strategy() -> impl Strategy<Value = Run> {
    (1i64..4, 0u8..24, any::<u16>(), 0u64..3)
}

/// Builds the observation GitHub would give on `day_index` at `hour`.
fn observe(
    truth: &[Truth],
    day_index: i64,
    hour: u8,
    omit: u16,
    under: u64,
    downloads: u64,
) -> Observation {
    let today = START + Duration::days(day_index);
    let now = today.midnight().assume_utc() + Duration::hours(i64::from(hour));
    let mut clones = Vec::new();
    let mut views = Vec::new();
    let mut ci = BTreeMap::new();
    for back in 0..TRAFFIC_WINDOW_DAYS {
        let index = day_index - back;
        if index < 0 || omit & (1 << back) != 0 {
            continue;
        }
        let (c, uc, v, uv, checkouts, runs) = truth[usize::try_from(index).unwrap()];
        // Today's bucket is partial: the fraction of the day that has passed.
        let part = |n: u64| {
            if back == 0 {
                n * u64::from(hour) / 24
            } else {
                n.saturating_sub(under)
            }
        };
        let date = START + Duration::days(index);
        clones.push(TrafficPoint {
            date,
            count: part(c),
            uniques: part(uc),
        });
        views.push(TrafficPoint {
            date,
            count: part(v),
            uniques: part(uv),
        });
        if back <= 1 {
            ci.insert(
                date,
                CiDay {
                    checkouts: part(checkouts),
                    runs: part(runs),
                    workflows: BTreeMap::new(),
                },
            );
        }
    }
    Observation {
        clones,
        views,
        ci,
        release_downloads: Some(downloads),
        ..Observation::empty(now)
    }
}

/// Highest figures ever reported per day: (clones, unique clones, views, unique views).
type Reported = BTreeMap<Date, (u64, Option<u64>, u64, Option<u64>)>;

fn record(reported: &mut Reported, obs: &Observation) {
    for point in &obs.clones {
        let entry = reported.entry(point.date).or_insert((0, None, 0, None));
        entry.0 = entry.0.max(point.count);
        entry.1 = Some(entry.1.unwrap_or(0).max(point.uniques));
    }
    for point in &obs.views {
        let entry = reported.entry(point.date).or_insert((0, None, 0, None));
        entry.2 = entry.2.max(point.count);
        entry.3 = Some(entry.3.unwrap_or(0).max(point.uniques));
    }
}

fn all_days<'a>(state: &'a State, archives: &'a [ArchiveMonth]) -> Vec<&'a Day> {
    archives
        .iter()
        .flat_map(|month| &month.daily_history)
        .chain(&state.daily_history)
        .collect()
}

fn assert_not_lowered(before: &State, after: &State, archives: &[ArchiveMonth]) {
    let after_days = all_days(after, archives);
    for old in &before.daily_history {
        let new = after_days.iter().find(|day| day.date == old.date).unwrap();
        assert!(
            new.clones >= old.clones && new.views >= old.views,
            "{}",
            old.date
        );
        assert!(new.downloads >= old.downloads);
        for (was, now) in [
            (old.unique_clones, new.unique_clones),
            (old.unique_views, new.unique_views),
        ] {
            if let Some(was) = was {
                assert!(
                    now.is_some_and(|now| now >= was),
                    "unique lowered or erased on {}",
                    old.date
                );
            }
        }
    }
}

struct History {
    state: State,
    archives: Vec<ArchiveMonth>,
    observations: Vec<Observation>,
    reported: Reported,
    last_downloads: u64,
}

fn run_history(truth: &[Truth], runs: &[Run]) -> History {
    let mut state = initial_state("octo/demo", START.midnight().assume_utc());
    let mut archives: Vec<ArchiveMonth> = Vec::new();
    let mut observations = Vec::new();
    let mut reported = Reported::new();
    let mut day_index = 0i64;
    let mut downloads = 7u64;
    for (gap, hour, omit, under) in runs {
        day_index += gap;
        if usize::try_from(day_index).unwrap() >= truth.len() {
            break;
        }
        downloads += u64::from(*hour % 5);
        let obs = observe(truth, day_index, *hour, *omit, *under, downloads);
        let out = merge(&state, &obs);
        assert_not_lowered(
            &state,
            &out.state,
            &[archives.clone(), out.archive.clone()].concat(),
        );
        for month in &out.archive {
            assert!(
                archives.iter().all(|known| known.period != month.period),
                "{} archived twice",
                month.period
            );
        }
        archives.extend(out.archive);
        let problems = check_identity(&out.state, &archives);
        assert!(problems.is_empty(), "{problems:?}");
        // The same data again: nothing but capture time changes.
        let again = merge(&out.state, &obs);
        assert!(
            !again.changed,
            "second merge of the same observation changed {:?}",
            again.changes
        );
        record(&mut reported, &obs);
        observations.push(obs);
        state = out.state;
    }
    History {
        state,
        archives,
        observations,
        reported,
        last_downloads: downloads,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn merges_never_lower_and_totals_stay_derived(
        truth in proptest::collection::vec(truth_strategy(), 20..130),
        runs in proptest::collection::vec(run_strategy(), 5..80),
    ) {
        let history = run_history(&truth, &runs);
        prop_assert!(check_identity(&history.state, &history.archives).is_empty());
        if !history.observations.is_empty() {
            // Downloads: the first snapshot is the baseline, later ones add up to the last.
            prop_assert_eq!(history.state.totals.downloads, history.last_downloads);
        }
    }

    #[test]
    fn every_reported_day_is_held_once_with_its_highest_figures(
        truth in proptest::collection::vec(truth_strategy(), 20..130),
        runs in proptest::collection::vec(run_strategy(), 5..80),
    ) {
        let history = run_history(&truth, &runs);
        let days = all_days(&history.state, &history.archives);
        for (date, (clones, unique_clones, views, unique_views)) in &history.reported {
            let held: Vec<&&Day> = days.iter().filter(|day| day.date == *date).collect();
            prop_assert_eq!(held.len(), 1, "{} held {} times", date, held.len());
            let day = held[0];
            prop_assert_eq!((day.clones, day.unique_clones, day.views, day.unique_views),
                (*clones, *unique_clones, *views, *unique_views));
        }
    }

    #[test]
    fn replaying_an_older_window_changes_nothing(
        truth in proptest::collection::vec(truth_strategy(), 20..130),
        runs in proptest::collection::vec(run_strategy(), 5..80),
        pick in any::<prop::sample::Index>(),
    ) {
        let history = run_history(&truth, &runs);
        prop_assume!(!history.observations.is_empty());
        let old = pick.get(&history.observations);
        let out = merge(&history.state, old);
        prop_assert!(!out.changed, "replay changed {:?}", out.changes);
        prop_assert!(out.archive.is_empty());
    }
}

/// Ten years of daily merges with busy traffic: the state stays far below the gist limit.
#[test]
fn state_size_stays_bounded_over_ten_years() {
    let truth: Vec<Truth> = (0..3700u64)
        .map(|i| {
            (
                900 + i % 97,
                400 + i % 53,
                90_000 + i % 991,
                20_000 + i % 313,
                120,
                12,
            )
        })
        .collect();
    let mut state = initial_state("octo/demo", START.midnight().assume_utc());
    let mut largest_state = 0;
    let mut archives = Vec::new();
    for day_index in 0..3650i64 {
        let obs = observe(
            &truth,
            day_index,
            3,
            0,
            0,
            1_000 + u64::try_from(day_index).unwrap() * 17,
        );
        let out = merge(&state, &obs);
        archives.extend(out.archive);
        state = out.state;
        largest_state = largest_state.max(state.to_json().len());
    }
    assert!(
        largest_state < 100 * 1024,
        "state.json reached {largest_state} bytes"
    );
    assert!(archives.len() >= 118);
    let largest_archive = archives.iter().map(|m| m.to_json().len()).max().unwrap();
    assert!(
        largest_archive < 64 * 1024,
        "an archive month reached {largest_archive} bytes"
    );
    assert!(check_identity(&state, &archives).is_empty());
    // At most the current month plus the 30 days before it.
    assert!(
        state.daily_history.len() <= 62,
        "{} days held",
        state.daily_history.len()
    );
}
