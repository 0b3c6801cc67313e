//! The merge's rules one at a time: never lower, absent vs zero, downloads from snapshots,
//! CI separation, archiving, idempotence; and the badges and exports built on them.

use std::collections::BTreeMap;

use ghtraf_traffic::{
    badge_files, check_identity, export_rows, initial_state, merge, parse_state, to_csv, to_json,
    ArchiveIndex, CiDay, Observation, RepoSnapshot, State, TrafficPoint, WorkflowCi,
};
use serde_json::Value;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-02-26 03:00 UTC);

fn point(date: Date, count: u64, uniques: u64) -> TrafficPoint {
    TrafficPoint {
        date,
        count,
        uniques,
    }
}

fn fresh() -> State {
    initial_state("octo/demo", datetime!(2026-02-20 03:00 UTC))
}

fn obs(now: OffsetDateTime, clones: Vec<TrafficPoint>, views: Vec<TrafficPoint>) -> Observation {
    Observation {
        clones,
        views,
        ..Observation::empty(now)
    }
}

#[test]
fn initial_state_is_empty_and_consistent() {
    let state = fresh();
    assert_eq!(state.repo, "octo/demo");
    assert_eq!(state.tracking_since.as_deref(), Some("2026-02-20"));
    assert!(state.daily_history.is_empty());
    assert!(check_identity(&state, &[]).is_empty());
    assert_eq!(parse_state(&state.to_json()).unwrap().state, state);
}

/// A state nobody collected says so: no `capturedAt` (it was the creation
/// time, which every reader showed as the last collection). The first
/// collection sets it, and is written even when it found nothing at all.
#[test]
fn a_new_state_was_never_collected_until_the_first_collection() {
    let state = fresh();
    assert_eq!(state.captured_at, None);
    assert_eq!(state.last_collection(), None);
    let text = state.to_json();
    assert!(!text.contains("capturedAt"), "{text}");
    assert_eq!(parse_state(&text).unwrap().state.last_collection(), None);

    // Even a collection that found nothing is written: it is the first.
    let nothing = merge(&state, &Observation::empty(NOW));
    assert!(nothing.changed, "the first collection is written");
    assert_eq!(
        nothing.state.captured_at.as_deref(),
        Some("2026-02-26T03:00:00Z")
    );
    // A real one always stores the repository's figures.
    let first = merge(&state, &with_repo(Observation::empty(NOW)));
    assert!(first.changed);
    assert_eq!(first.state.last_collection(), Some("2026-02-26T03:00:00Z"));
    // From then on, a collection that finds nothing new writes nothing.
    let again = merge(
        &first.state,
        &with_repo(Observation::empty(datetime!(2026-02-26 09:00 UTC))),
    );
    assert!(!again.changed);
}

fn with_repo(obs: Observation) -> Observation {
    Observation {
        repo: Some(RepoSnapshot {
            stars: 1,
            forks: 0,
            open_issues: 0,
            created_at: None,
        }),
        ..obs
    }
}

/// States earlier versions created carry the creation time as `capturedAt`:
/// they still read, and a reader sees that nothing was collected into them.
/// Any sign of a collection (the repository's figures, a download snapshot,
/// a day) makes the stamp a collection time again.
#[test]
fn an_older_created_state_reads_as_never_collected() {
    let old = r#"{"schemaVersion": 4, "generator": "ghtraf 0.1.0", "repo": "octo/demo",
        "trackingSince": "2026-02-20", "capturedAt": "2026-02-20T03:00:00Z",
        "totals": {"clones": 0, "uniqueClones": 0, "views": 0, "uniqueViews": 0, "downloads": 0,
                   "ciCheckouts": 0, "organicClones": 0, "organicUniqueClones": 0},
        "baseline": {"clones": 0, "uniqueClones": 0, "views": 0, "uniqueViews": 0, "downloads": 0,
                     "ciCheckouts": 0, "organicClones": 0, "organicUniqueClones": 0},
        "archived": {"months": [], "totals": {"clones": 0, "uniqueClones": 0, "views": 0,
                     "uniqueViews": 0, "downloads": 0, "ciCheckouts": 0, "organicClones": 0,
                     "organicUniqueClones": 0}},
        "dailyHistory": [], "referrers": [], "popularPaths": []}"#;
    let state = parse_state(old).unwrap().state;
    assert_eq!(state.captured_at.as_deref(), Some("2026-02-20T03:00:00Z"));
    assert_eq!(state.last_collection(), None);
    let collected = merge(&state, &with_repo(Observation::empty(NOW)));
    assert!(collected.changed);
    assert_eq!(
        collected.state.last_collection(),
        Some("2026-02-26T03:00:00Z")
    );
    let mut with_a_day = state.clone();
    with_a_day.daily_history = collected.state.daily_history.clone();
    assert_eq!(with_a_day.last_collection(), Some("2026-02-20T03:00:00Z"));
}

#[test]
fn days_only_go_up_and_missing_values_never_overwrite() {
    let day = date!(2026 - 02 - 24);
    let first = merge(
        &fresh(),
        &obs(NOW, vec![point(day, 10, 4)], vec![point(day, 30, 9)]),
    );
    assert!(first.changed);
    assert!(first.changes[0].added);
    // A later run reports less (GitHub revised) and omits views: nothing goes down.
    let second = merge(
        &first.state,
        &obs(
            datetime!(2026-02-26 09:00 UTC),
            vec![point(day, 7, 3)],
            vec![],
        ),
    );
    let stored = &second.state.daily_history[0];
    assert_eq!(
        (
            stored.clones,
            stored.unique_clones,
            stored.views,
            stored.unique_views
        ),
        (10, Some(4), 30, Some(9))
    );
    assert!(!second.changed);
    assert!(second.changes.is_empty());
    // More is reported: raised, with before → after in the change list.
    let third = merge(
        &second.state,
        &obs(
            datetime!(2026-02-26 10:00 UTC),
            vec![point(day, 12, 4)],
            vec![],
        ),
    );
    let change = &third.changes[0];
    assert!(!change.added);
    assert_eq!(
        change.to_string(),
        "2026-02-24 raised: clones 10→12 organicClones 10→12"
    );
}

#[test]
fn absent_uniques_stay_absent_until_reported() {
    let day = date!(2026 - 02 - 24);
    // Clones reported, views not: the day exists with views 0 and unknown unique views.
    let out = merge(&fresh(), &obs(NOW, vec![point(day, 5, 2)], vec![]));
    let stored = &out.state.daily_history[0];
    assert_eq!((stored.views, stored.unique_views), (0, None));
    // GitHub then reports zero unique views: now it is a known 0.
    let out = merge(&out.state, &obs(NOW, vec![], vec![point(day, 0, 0)]));
    assert_eq!(out.state.daily_history[0].unique_views, Some(0));
    let json: Value = serde_json::from_str(&out.state.to_json()).unwrap();
    assert_eq!(json["dailyHistory"][0]["uniqueViews"], 0);
}

#[test]
fn same_observation_twice_changes_nothing_but_capture_time() {
    let day = date!(2026 - 02 - 25);
    let mut observation = obs(NOW, vec![point(day, 9, 3)], vec![point(day, 40, 12)]);
    observation.release_downloads = Some(100);
    observation.repo = Some(RepoSnapshot {
        stars: 5,
        forks: 1,
        open_issues: 2,
        created_at: None,
    });
    observation.ci.insert(
        day,
        CiDay {
            checkouts: 4,
            runs: 2,
            workflows: BTreeMap::new(),
        },
    );
    let once = merge(&fresh(), &observation);
    observation.now = datetime!(2026-02-26 04:00 UTC);
    let twice = merge(&once.state, &observation);
    assert!(!twice.changed);
    assert!(twice.changes.is_empty());
    assert_eq!(
        twice.state.captured_at.as_deref(),
        Some("2026-02-26T04:00:00Z")
    );
    assert_eq!(twice.state.daily_history, once.state.daily_history);
}

#[test]
fn downloads_come_from_snapshot_differences_and_the_first_is_a_baseline() {
    let mut observation = Observation::empty(datetime!(2026-02-24 03:00 UTC));
    observation.release_downloads = Some(500);
    let first = merge(&fresh(), &observation);
    assert_eq!(first.state.baseline.downloads, 500);
    assert_eq!(first.state.totals.downloads, 500);
    assert!(
        first.state.daily_history.is_empty(),
        "the baseline is not credited to a day"
    );

    observation.now = datetime!(2026-02-25 03:00 UTC);
    observation.release_downloads = Some(512);
    let second = merge(&first.state, &observation);
    assert_eq!(second.state.daily_history[0].downloads, 12);
    assert_eq!(second.state.totals.downloads, 512);

    // Re-running the same day with the same snapshot: no change, nothing reset.
    observation.now = datetime!(2026-02-25 09:00 UTC);
    let rerun = merge(&second.state, &observation);
    assert!(!rerun.changed);
    assert_eq!(rerun.state.daily_history[0].downloads, 12);

    // More downloads later the same day add to the same day.
    observation.release_downloads = Some(515);
    let later = merge(&rerun.state, &observation);
    assert_eq!(later.state.daily_history[0].downloads, 15);
    assert_eq!(later.state.totals.downloads, 515);
}

#[test]
fn downloads_after_a_zero_previous_total_are_not_lost() {
    // The original's real state: totalDownloads 0 (first release not yet downloaded).
    let mut state = parse_state(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/gtt/real-v1-state-a.json"),
        )
        .unwrap(),
    )
    .unwrap()
    .state;
    state.repo = "octo/demo".to_string();
    let mut observation = Observation::empty(datetime!(2026-02-25 03:00 UTC));
    observation.release_downloads = Some(3);
    let out = merge(&state, &observation);
    let today = out
        .state
        .daily_history
        .iter()
        .find(|d| d.date == date!(2026 - 02 - 25))
        .unwrap();
    assert_eq!(today.downloads, 3);
    assert_eq!(out.state.totals.downloads, 3);
}

#[test]
fn ci_separation_per_day() {
    let day = date!(2026 - 02 - 24);
    let mut observation = obs(NOW, vec![point(day, 90, 35)], vec![]);
    let mut workflows = BTreeMap::new();
    workflows.insert(
        "CI".to_string(),
        WorkflowCi {
            runs: 8,
            checkouts_per_run: vec![5; 8],
            extra: Default::default(),
        },
    );
    observation.ci.insert(
        day,
        CiDay {
            checkouts: 40,
            runs: 8,
            workflows,
        },
    );
    let out = merge(&fresh(), &observation);
    let stored = &out.state.daily_history[0];
    assert_eq!(stored.organic_clones, Some(50));
    // 35 − min(round_half_up(35 × 40 / 90) = 16, 8 runs) = 27
    assert_eq!(stored.organic_unique_clones, Some(27));
    assert_eq!(out.state.ci_workflows.as_ref().unwrap()["CI"].runs, 8);
    assert_eq!(out.state.totals.organic_clones, 50);
    assert_eq!(out.state.totals.ci_checkouts, 40);
}

#[test]
fn a_fully_ci_day_has_zero_organic_clones_in_day_totals_and_badges() {
    let day = date!(2026 - 02 - 25);
    let mut observation = obs(NOW, vec![point(day, 22, 3)], vec![]);
    observation.ci.insert(
        day,
        CiDay {
            checkouts: 22,
            runs: 4,
            workflows: BTreeMap::new(),
        },
    );
    let out = merge(&fresh(), &observation);
    assert_eq!(out.state.daily_history[0].organic_clones, Some(0));
    assert_eq!(out.state.daily_history[0].organic_unique_clones, Some(0));
    assert_eq!(out.state.totals.organic_clones, 0);
    let badges = badge_files(&out.state, date!(2026 - 02 - 26));
    let clones: Value = serde_json::from_str(&badges["clones.json"]).unwrap();
    assert_eq!(clones["message"], "0");
    let rows = export_rows(&out.state, &[]);
    assert_eq!((rows[0].clones, rows[0].organic_clones), (22, 0));
}

#[test]
fn unknown_uniques_get_no_organic_unique_estimate() {
    // Only CI figures for a day GitHub has not reported: no uniques, so no estimate.
    let day = date!(2026 - 02 - 25);
    let mut observation = Observation::empty(NOW);
    observation.ci.insert(
        day,
        CiDay {
            checkouts: 2,
            runs: 1,
            workflows: BTreeMap::new(),
        },
    );
    let out = merge(&fresh(), &observation);
    assert_eq!(out.state.daily_history[0].organic_unique_clones, None);
    assert_eq!(export_rows(&out.state, &[])[0].organic_unique_clones, None);
}

/// Daily merges from `start` for `days` days, each seeing the full 14-day window.
fn simulate(
    days: i64,
    clones_of: impl Fn(Date) -> u64,
) -> (State, Vec<ghtraf_traffic::ArchiveMonth>, ArchiveIndex) {
    let start = date!(2025 - 12 - 20);
    let mut state = initial_state("octo/demo", start.midnight().assume_utc());
    let mut archives = Vec::new();
    let mut index = None;
    for offset in 0..days {
        let today = start + time::Duration::days(offset);
        let window: Vec<TrafficPoint> = (0..14)
            .map(|back| today - time::Duration::days(back))
            .filter(|d| *d >= start)
            .map(|d| point(d, clones_of(d), clones_of(d) / 2))
            .collect();
        let now = today.midnight().assume_utc() + time::Duration::hours(3);
        let out = merge(&state, &obs(now, window.clone(), window));
        index = Some(out.updated_index(index.as_ref()));
        archives.extend(out.archive);
        state = out.state;
    }
    (state, archives, index.unwrap())
}

#[test]
fn complete_months_move_to_archives_exactly_once() {
    // 2025-12-20 … 2026-03-05: December leaves once 30 days back is in January (Jan 31),
    // January once 30 days back is in February (Mar 3).
    let (state, archives, index) = simulate(76, |d| u64::from(d.day()));
    assert_eq!(
        archives
            .iter()
            .map(|m| m.period.as_str())
            .collect::<Vec<_>>(),
        ["2025-12", "2026-01"]
    );
    assert_eq!(archives[0].daily_history.len(), 12);
    assert_eq!(archives[1].daily_history.len(), 31);
    assert_eq!(state.archived.months, ["2025-12", "2026-01"]);
    assert_eq!(
        state.daily_history.first().unwrap().date,
        date!(2026 - 02 - 01)
    );
    assert!(
        check_identity(&state, &archives).is_empty(),
        "{:?}",
        check_identity(&state, &archives)
    );
    let rows = export_rows(&state, &archives);
    assert_eq!(rows.len(), 76);
    assert!(rows.windows(2).all(|pair| pair[0].date < pair[1].date));
    assert_eq!(index.months.len(), 2);
    assert_eq!(
        (index.months[1].period.as_str(), index.months[1].days),
        ("2026-01", 31)
    );
    assert_eq!(index.months[1].totals, archives[1].totals);
}

fn badge_message(state: &State, file: &str, today: Date) -> String {
    let badge: Value = serde_json::from_str(&badge_files(state, today)[file]).unwrap();
    assert_eq!(badge["schemaVersion"], 1);
    badge["message"].as_str().unwrap().to_string()
}

#[test]
fn badges_show_totals_with_separators_and_the_most_recent_nonzero_period() {
    let mut state = fresh();
    state.baseline.views = 1_234_000;
    let with_views = |state: &State, days: &[(Date, u64)]| {
        let points = days.iter().map(|(d, n)| point(*d, *n, 1)).collect();
        merge(state, &obs(NOW, vec![], points)).state
    };
    let today = date!(2026 - 02 - 26);
    // Yesterday non-zero: 24h.
    let s = with_views(
        &state,
        &[(date!(2026 - 02 - 25), 1_500), (date!(2026 - 02 - 20), 7)],
    );
    assert_eq!(
        badge_message(&s, "views.json", today),
        "1,235,507 (+1,500 24h)"
    );
    // Today's partial bucket is not "the last complete day".
    let s = with_views(&state, &[(today, 9), (date!(2026 - 02 - 20), 7)]);
    assert_eq!(badge_message(&s, "views.json", today), "1,234,016 (+7 wk)");
    // Only something 20 days ago: month.
    let s = with_views(&state, &[(date!(2026 - 02 - 06), 3)]);
    assert_eq!(badge_message(&s, "views.json", today), "1,234,003 (+3 mo)");
    // Nothing recent: no suffix.
    state.baseline.views = 0;
    assert_eq!(badge_message(&state, "views.json", today), "0");
    let files: Vec<String> = badge_files(&state, today).into_keys().collect();
    assert_eq!(
        files,
        [
            "clones.json",
            "downloads.json",
            "installs.json",
            "views.json"
        ]
    );
}

#[test]
fn installs_badge_adds_downloads_and_organic_clones() {
    let day = date!(2026 - 02 - 25);
    let mut state = fresh();
    state.downloads = Some(ghtraf_traffic::DownloadSnapshot {
        snapshot_at: None,
        total: 1_000,
    });
    state.baseline.downloads = 1_000;
    let mut observation = obs(NOW, vec![point(day, 30, 5)], vec![]);
    observation.ci.insert(
        day,
        CiDay {
            checkouts: 10,
            runs: 2,
            workflows: BTreeMap::new(),
        },
    );
    observation.release_downloads = Some(1_004);
    let state = merge(&state, &observation).state;
    // Downloads are credited to today (the observed day), clones to yesterday.
    assert_eq!(
        badge_message(&state, "installs.json", date!(2026 - 02 - 26)),
        "1,024 (+20 24h)"
    );
    assert_eq!(
        badge_message(&state, "downloads.json", date!(2026 - 02 - 26)),
        "1,004"
    );
    assert_eq!(
        badge_message(&state, "downloads.json", date!(2026 - 02 - 27)),
        "1,004 (+4 24h)"
    );
    assert_eq!(
        badge_message(&state, "clones.json", date!(2026 - 02 - 26)),
        "20 (+20 24h)"
    );
}

#[test]
fn exports_write_null_for_unknown_uniques() {
    let day = date!(2026 - 02 - 24);
    let state = merge(&fresh(), &obs(NOW, vec![point(day, 5, 2)], vec![])).state;
    let rows = export_rows(&state, &[]);
    let json: Value = serde_json::from_str(&to_json(&rows)).unwrap();
    assert_eq!(json[0]["date"], "2026-02-24");
    assert_eq!(json[0]["unique_views"], Value::Null);
    assert_eq!(json[0]["unique_clones"], 2);
    let csv = to_csv(&rows);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("date,clones,unique_clones,views,unique_views,downloads,ci_checkouts,organic_clones,organic_unique_clones,ci_runs"));
    assert_eq!(lines.next(), Some("2026-02-24,5,2,0,,0,0,5,2,"));
}

#[test]
fn a_stale_observation_does_not_roll_snapshots_back() {
    let mut observation = Observation::empty(NOW);
    observation.repo = Some(RepoSnapshot {
        stars: 9,
        forks: 1,
        open_issues: 0,
        created_at: None,
    });
    observation.release_downloads = Some(50);
    let current = merge(&fresh(), &observation).state;
    let mut old = Observation::empty(datetime!(2026-02-25 03:00 UTC));
    old.repo = Some(RepoSnapshot {
        stars: 2,
        forks: 0,
        open_issues: 0,
        created_at: None,
    });
    old.release_downloads = Some(10);
    let out = merge(&current, &old);
    assert!(!out.changed);
    assert_eq!(out.state.repo_stats.unwrap().stars, Some(9));
    assert_eq!(out.state.downloads.unwrap().total, 50);
}

#[test]
fn check_identity_reports_each_broken_identity() {
    let (state, archives, _) = simulate(76, |d| u64::from(d.day()));
    let mut tampered = state.clone();
    tampered.totals.views += 1;
    assert!(check_identity(&tampered, &archives)
        .iter()
        .any(|p| p.starts_with("totals.views")));
    // A missing archive file, a day in two places, a month holding another month's day.
    assert!(check_identity(&state, &archives[..1])
        .iter()
        .any(|p| p.contains("archived.months")));
    let mut doubled = archives.clone();
    doubled[1]
        .daily_history
        .push(state.daily_history[0].clone());
    let problems = check_identity(&state, &doubled);
    assert!(
        problems.iter().any(|p| p.contains("outside its month")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("both in")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("totals do not equal")),
        "{problems:?}"
    );
}

#[test]
fn archive_files_round_trip_and_original_files_are_refused_as_single_months() {
    let (_, archives, index) = simulate(76, |d| u64::from(d.day()));
    for month in &archives {
        let again =
            ghtraf_traffic::parse_archive_month(&month.file_name(), &month.to_json()).unwrap();
        assert_eq!(&again, month);
    }
    let index_again = ghtraf_traffic::parse_archive_index(&index.to_json()).unwrap();
    assert_eq!(index_again, index);
    let original = r#"{"dailyHistory":[{"date":"2026-01-01T00:00:00Z","clones":1,"views":1}]}"#;
    assert!(ghtraf_traffic::parse_archive_month("archive-2026-01.json", original).is_err());
    let stub = ghtraf_traffic::parse_archive_index(r#"{"note":"index stub"}"#).unwrap();
    assert!(stub.months.is_empty());
    assert_eq!(stub.extra["note"], "index stub");
    // A v4 month file holding another month's day is an error, not a silent regroup.
    let mut stray: Value = serde_json::from_str(&archives[0].to_json()).unwrap();
    stray["dailyHistory"][0]["date"] = Value::from("2026-01-05T00:00:00Z");
    assert!(
        ghtraf_traffic::parse_archive_month("archive-2025-12.json", &stray.to_string()).is_err()
    );
}

#[test]
fn days_of_archived_months_are_ignored_with_a_note() {
    let (state, _, _) = simulate(76, |d| u64::from(d.day()));
    let late = date!(2026 - 01 - 15);
    let out = merge(
        &state,
        &obs(
            datetime!(2026-03-05 09:00 UTC),
            vec![point(late, 999, 9)],
            vec![],
        ),
    );
    assert!(!out.changed);
    assert!(out.state.daily_history.iter().all(|d| d.date != late));
    assert!(
        out.notes.iter().any(|n| n.contains("2026-01-15")),
        "{:?}",
        out.notes
    );
}

#[test]
fn imported_state_with_original_archives_archives_each_month_once_after_absorbing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/gtt");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let mut state = parse_state(&read("synthetic-state.json")).unwrap().state;
    state.repo = "octo/demo".to_string();
    let files = [
        (
            "archive-2025-12.json",
            read("synthetic-archive-2025-12.json"),
        ),
        (
            "archive-2026-01.json",
            read("synthetic-archive-2026-01.json"),
        ),
    ];
    let pairs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let months = ghtraf_traffic::import_archives(&pairs).unwrap();
    let (mut written, _) =
        ghtraf_traffic::adopt_original_archives(&mut state, months, "2026-02-26T03:00:00Z");
    let totals_before = state.totals;
    // On 2026-03-03 January leaves state.json: its file already exists (Jan 1–16), so the
    // caller absorbs the existing file before writing.
    let mut out = merge(&state, &Observation::empty(datetime!(2026-03-03 03:00 UTC)));
    assert_eq!(out.archive.len(), 1);
    assert_eq!(out.archive[0].daily_history.len(), 15); // Jan 17–31 from state.json
    assert_eq!(out.periods_to_extend(&state), ["2026-01"]);
    out.absorb_existing(&written[1]);
    let january = out.archive[0].clone();
    assert_eq!(january.daily_history.len(), 31);
    let index = out.updated_index(None);
    assert_eq!(
        (index.months[0].period.as_str(), index.months[0].days),
        ("2026-01", 31)
    );
    written[1] = january;
    assert!(
        check_identity(&out.state, &written).is_empty(),
        "{:?}",
        check_identity(&out.state, &written)
    );
    assert_eq!(out.state.totals, totals_before);
    assert_eq!(out.state.archived.months, ["2025-12", "2026-01"]);
}

#[test]
fn gist_file_sets_name_every_file_to_write() {
    let state = fresh();
    let badge_gist: Vec<String> = ghtraf_traffic::badge_gist_files(&state, date!(2026 - 02 - 26))
        .into_keys()
        .collect();
    assert_eq!(
        badge_gist,
        [
            "clones.json",
            "downloads.json",
            "installs.json",
            "state.json",
            "views.json"
        ]
    );
    let quiet = merge(&state, &Observation::empty(NOW));
    assert!(quiet.archive_files(None).is_empty());
    let day = date!(2026 - 01 - 10);
    let busy = merge(
        &state,
        &obs(
            datetime!(2026-01-10 03:00 UTC),
            vec![point(day, 3, 1)],
            vec![],
        ),
    );
    // January leaves state.json once 30 days back is in February: on 2026-03-03.
    let still = merge(
        &busy.state,
        &Observation::empty(datetime!(2026-03-02 03:00 UTC)),
    );
    assert!(still.archive_files(None).is_empty());
    let later = merge(
        &busy.state,
        &Observation::empty(datetime!(2026-03-03 03:00 UTC)),
    );
    let files: Vec<String> = later.archive_files(None).into_keys().collect();
    assert_eq!(files, ["archive-2026-01.json", "archive.json"]);
}

#[test]
fn ci_breakdown_follows_the_highest_count_and_replays_do_not_flip_it() {
    let day = date!(2026 - 02 - 25);
    let flows = |name: &str, runs: u64| {
        let mut map = BTreeMap::new();
        map.insert(
            name.to_string(),
            WorkflowCi {
                runs,
                checkouts_per_run: vec![2; runs as usize],
                extra: Default::default(),
            },
        );
        map
    };
    let with_ci = |checkouts: u64, workflows| {
        let mut observation = Observation::empty(NOW);
        observation.ci.insert(
            day,
            CiDay {
                checkouts,
                runs: 2,
                workflows,
            },
        );
        observation
    };
    let first = merge(&fresh(), &with_ci(4, flows("CI", 2))).state;
    let same_count = merge(&first, &with_ci(4, flows("Other", 2)));
    assert!(!same_count.changed);
    let more = merge(&first, &with_ci(6, flows("Release", 3))).state;
    let stored = more.daily_history[0].ci_workflows.as_ref().unwrap();
    assert!(stored.contains_key("Release"));
    let replay = merge(&more, &with_ci(4, flows("CI", 2)));
    assert!(!replay.changed);
    assert_eq!(replay.state.daily_history[0].ci_checkouts, Some(6));
}
