//! Imports of other trackers' files (fixtures in tests/fixtures/trackers, written by the
//! project from the column definitions): each is recognised without a format flag, empty
//! cells stay absent, `7.0` is 7, bad cells are refused with file, line and column, and a
//! `ghtraf export` read back into an empty state reproduces the export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ghtraf_traffic::{
    backfill, check_identity, detect_format, export_rows, import_tracker_files, initial_state,
    merge, to_csv, to_json, BackfillDay, BackfillInput, BackfillMode, CiDay, ImportError,
    Observation, SeriesPoint, TrackerFormat, TrafficPoint, GHTRAF_EXPORT, GITHUB_REPO_STATS,
};
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trackers")
}

/// Every file under `dir` (recursively), as (path relative to the fixtures, bytes).
fn files_under(dir: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixtures(), &fixtures().join(dir), &mut out);
    out.sort();
    out
}

fn import_dir(dir: &str) -> Vec<BackfillInput> {
    let files = files_under(dir);
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    import_tracker_files(&refs).unwrap()
}

fn by_date(input: &BackfillInput) -> BTreeMap<Date, BackfillDay> {
    input.days.iter().map(|day| (day.date, *day)).collect()
}

#[test]
fn github_repo_stats_csvs_become_days_and_series() {
    let inputs = import_dir("github-repo-stats");
    assert_eq!(inputs.len(), 1);
    let input = &inputs[0];
    assert_eq!(input.source, GITHUB_REPO_STATS);
    let days = by_date(input);
    assert_eq!(days.len(), 6);
    let first = days[&date!(2024 - 01 - 01)];
    assert_eq!(
        (
            first.clones,
            first.unique_clones,
            first.views,
            first.unique_views
        ),
        (Some(4), Some(2), Some(30), Some(11))
    );
    let floats = days[&date!(2024 - 01 - 02)];
    assert_eq!(
        (floats.clones, floats.unique_clones),
        (Some(7), Some(3)),
        "7.0 is 7"
    );
    assert_eq!(
        (floats.views, floats.unique_views),
        (None, None),
        "empty cells stay absent"
    );
    let no_clones = days[&date!(2024 - 01 - 03)];
    assert_eq!((no_clones.clones, no_clones.views), (None, Some(25)));
    let zero = days[&date!(2024 - 01 - 04)];
    assert_eq!(zero.unique_clones, Some(0), "a written 0 is a 0");

    let stars = input.stars.as_ref().unwrap();
    assert!(stars.complete);
    assert_eq!(
        stars.points,
        vec![
            SeriesPoint {
                date: date!(2023 - 11 - 20),
                count: 1
            },
            SeriesPoint {
                date: date!(2023 - 12 - 02),
                count: 3
            },
            SeriesPoint {
                date: date!(2024 - 01 - 06),
                count: 7
            },
            SeriesPoint {
                date: date!(2024 - 02 - 01),
                count: 9
            },
        ],
        "the snapshot of an unchanged count adds nothing; a later one extends the series"
    );
    assert_eq!(input.forks.as_ref().unwrap().points.len(), 2);
    assert!(
        input.notes.iter().any(|n| n.contains("referrer")),
        "{:?}",
        input.notes
    );
}

#[test]
fn every_fixture_is_recognised_by_header_or_shape() {
    let expected = [
        (
            "github-repo-stats/views_clones_aggregate.csv",
            TrackerFormat::GhrsViewsClones,
        ),
        (
            "github-repo-stats/stargazers.csv",
            TrackerFormat::GhrsStargazers,
        ),
        (
            "github-repo-stats/stargazer-snapshots.csv",
            TrackerFormat::GhrsStargazerSnapshots,
        ),
        ("github-repo-stats/forks.csv", TrackerFormat::GhrsForks),
        (
            "repository-traffic-action/views.csv",
            TrackerFormat::SangonzalViews,
        ),
        (
            "repository-traffic-action/clones.csv",
            TrackerFormat::SangonzalClones,
        ),
        (
            "traffic-to-badge/traffic_views.json",
            TrackerFormat::GithubTrafficJson,
        ),
        (
            "github-clone-count-badge/clone.json",
            TrackerFormat::GithubTrafficJson,
        ),
        ("ghtraf-export/export.csv", TrackerFormat::GhtrafExportCsv),
        ("ghtraf-export/export.json", TrackerFormat::GhtrafExportJson),
    ];
    for (name, format) in expected {
        let bytes = std::fs::read(fixtures().join(name)).unwrap();
        // The name says nothing: detection is by content.
        assert_eq!(detect_format("upload", &bytes), Ok(format), "{name}");
    }
}

#[test]
fn repository_traffic_action_views_and_clones_join_by_day() {
    let inputs = import_dir("repository-traffic-action");
    assert_eq!(inputs.len(), 1);
    let days = by_date(&inputs[0]);
    let both = days[&date!(2024 - 03 - 01)];
    assert_eq!(
        (
            both.clones,
            both.unique_clones,
            both.views,
            both.unique_views
        ),
        (Some(3), Some(1), Some(10), Some(4)),
        "BOM and CRLF in views.csv"
    );
    assert_eq!(days[&date!(2024 - 03 - 04)].views, None);
    assert_eq!(days.len(), 4);
}

#[test]
fn github_shaped_json_imports_days_and_reports_sums_it_cannot_place() {
    let inputs = import_dir("traffic-to-badge");
    assert_eq!(inputs[0].source, "traffic-to-badge");
    let days = by_date(&inputs[0]);
    assert_eq!(days.len(), 2);
    assert_eq!(
        days[&date!(2024 - 04 - 02)].views,
        Some(37),
        "not the weekly 57"
    );
    assert!(inputs[0].notes.iter().any(|n| n.contains("weekly")));

    let inputs = import_dir("github-clone-count-badge");
    assert_eq!(inputs[0].source, "github-clone-count-badge");
    assert_eq!(inputs[0].days.len(), 2);
    let note = inputs[0]
        .notes
        .iter()
        .find(|n| n.contains("monthly"))
        .unwrap();
    assert!(note.contains("2023-10, 2023-11"), "{note}");
}

fn refused(name: &str) -> ImportError {
    let bytes = std::fs::read(fixtures().join("invalid").join(name)).unwrap();
    import_tracker_files(&[(name, &bytes)]).unwrap_err()
}

#[test]
fn bad_cells_are_refused_naming_file_line_and_column() {
    let err = refused("fractional_clones.csv");
    assert_eq!(err.line, Some(3));
    let text = err.to_string();
    assert!(
        text.contains("fractional_clones.csv") && text.contains("clones_total"),
        "{text}"
    );
    assert!(
        text.contains("fraction") && text.contains("Nothing was imported"),
        "{text}"
    );
    assert!(refused("negative_views.csv").message.contains("negative"));
    assert!(refused("huge_clones.csv").message.contains("2^53"));
    assert!(refused("unknown_header.csv").message.contains("header"));
    assert!(refused("not_midnight.csv").message.contains("midnight"));
    let err = import_tracker_files(&[("x.csv", &[0xff, 0xfe, 0x00])]).unwrap_err();
    assert!(err.message.contains("UTF-8"));
    // One bad file stops the whole import: nothing half-read.
    let good = std::fs::read(fixtures().join("repository-traffic-action/clones.csv")).unwrap();
    let bad = std::fs::read(fixtures().join("invalid/negative_views.csv")).unwrap();
    assert!(import_tracker_files(&[("clones.csv", &good), ("views.csv", &bad)]).is_err());
}

/// A busy history as `collect` writes it: CI with runs, absent uniques on some days, months
/// archived, downloads.
fn collected() -> (ghtraf_traffic::State, Vec<ghtraf_traffic::ArchiveMonth>) {
    let start = date!(2026 - 07 - 01);
    let mut state = initial_state("octo/demo", start.midnight().assume_utc());
    let mut archives = Vec::new();
    for i in 0..90 {
        let today = start + Duration::days(i);
        let n = i as u64;
        let mut ci = BTreeMap::new();
        ci.insert(
            today,
            CiDay {
                checkouts: n % 5,
                runs: n % 3,
                workflows: BTreeMap::new(),
            },
        );
        let obs = Observation {
            clones: vec![TrafficPoint {
                date: today,
                count: 10 + n % 7,
                uniques: 3 + n % 4,
            }],
            views: if i % 4 == 0 {
                vec![]
            } else {
                vec![TrafficPoint {
                    date: today,
                    count: 30 + n,
                    uniques: 9,
                }]
            },
            release_downloads: Some(100 + 2 * n),
            ci,
            ..Observation::empty(today.midnight().assume_utc() + Duration::hours(23))
        };
        let out = merge(&state, &obs);
        archives.extend(out.archive.clone());
        state = out.state;
    }
    (state, archives)
}

#[test]
fn a_ghtraf_export_read_back_into_an_empty_state_reproduces_it() {
    let (state, archives) = collected();
    let rows = export_rows(&state, &archives);
    assert!(rows.iter().any(|r| r.unique_views.is_none()));
    // `ghtraf export --format json` prints the days in its JSON envelope;
    // earlier versions printed the bare array. Both read back.
    let enveloped = format!(
        "{{\"format_version\": 1, \"command\": \"export\", \"days\": {}}}",
        to_json(&rows)
    );
    for (name, text) in [
        ("export.csv", to_csv(&rows)),
        ("export.json", to_json(&rows)),
        ("enveloped.json", enveloped),
    ] {
        let inputs = import_tracker_files(&[(name, text.as_bytes())]).unwrap();
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].source, GHTRAF_EXPORT);
        let empty = initial_state("octo/demo", NOW);
        let out = backfill(&empty, &[], &inputs, BackfillMode::FillAbsent, NOW).unwrap();
        assert!(check_identity(&out.state, &out.archives).is_empty());
        assert_eq!(export_rows(&out.state, &out.archives), rows, "{name}");
        assert_eq!(out.reports[0].days_added, rows.len() as u64);
    }
}

#[test]
fn an_import_of_github_repo_stats_lands_in_an_imported_history() {
    let inputs = import_dir("github-repo-stats");
    let state = initial_state("octo/demo", datetime!(2026-11-20 03:00 UTC));
    let out = backfill(&state, &[], &inputs, BackfillMode::FillAbsent, NOW).unwrap();
    assert!(check_identity(&out.state, &out.archives).is_empty());
    // 2024-01-03 has views only: the day exists, its clones are 0, no unique invented.
    let day = out
        .archives
        .iter()
        .flat_map(|m| &m.daily_history)
        .find(|d| d.date == date!(2024 - 01 - 03))
        .unwrap();
    assert_eq!((day.clones, day.views, day.unique_clones), (0, 25, None));
    assert_eq!(out.state.totals.clones, 4 + 7 + 15 + 2);
    assert_eq!(out.state.series.stars.as_ref().unwrap().points.len(), 4);
}
