//! Measures what a decade of daily collection costs: merge time (total and per run), the
//! size of state.json, and the archive files; then what importing a decade of another
//! tracker's history costs (read, backfill, the idempotent second pass). Run with
//! `cargo run -p ghtraf-traffic --release --example bench`.

use std::collections::BTreeMap;
use std::time::Instant;

use ghtraf_traffic::{
    backfill, check_identity, import_tracker_files, initial_state, merge, BackfillMode, CiDay,
    Observation, TrafficPoint, WorkflowCi,
};
use time::macros::date;
use time::Duration;

const DAYS: i64 = 3650;

fn observation(day_index: i64) -> Observation {
    let start = date!(2026 - 01 - 01);
    let today = start + Duration::days(day_index);
    let figure = |index: i64, scale: u64| scale + (index as u64 * 7919) % scale;
    let window: Vec<i64> = (0..14)
        .map(|back| day_index - back)
        .filter(|i| *i >= 0)
        .collect();
    let series = |scale: u64| -> Vec<TrafficPoint> {
        window
            .iter()
            .map(|i| TrafficPoint {
                date: start + Duration::days(*i),
                count: figure(*i, scale),
                uniques: figure(*i, scale) / 3,
            })
            .collect()
    };
    let mut workflows = BTreeMap::new();
    workflows.insert(
        "CI".to_string(),
        WorkflowCi {
            runs: 6,
            checkouts_per_run: vec![4; 6],
            extra: Default::default(),
        },
    );
    workflows.insert(
        "Docs".to_string(),
        WorkflowCi {
            runs: 2,
            checkouts_per_run: vec![1; 2],
            extra: Default::default(),
        },
    );
    let mut ci = BTreeMap::new();
    ci.insert(
        today,
        CiDay {
            checkouts: 26,
            runs: 8,
            workflows,
        },
    );
    Observation {
        clones: series(1_000),
        views: series(100_000),
        release_downloads: Some(10_000 + day_index as u64 * 37),
        ci,
        ..Observation::empty(today.midnight().assume_utc() + Duration::hours(3))
    }
}

fn main() {
    let mut state = initial_state("octo/demo", date!(2026 - 01 - 01).midnight().assume_utc());
    let mut archives = Vec::new();
    let mut merge_time = std::time::Duration::ZERO;
    let mut largest_state = 0;
    for day_index in 0..DAYS {
        let obs = observation(day_index);
        let started = Instant::now();
        let out = merge(&state, &obs);
        merge_time += started.elapsed();
        archives.extend(out.archive);
        state = out.state;
        largest_state = largest_state.max(state.to_json().len());
    }
    let sizes: Vec<usize> = archives.iter().map(|month| month.to_json().len()).collect();
    let problems = check_identity(&state, &archives);
    println!("daily merges:          {DAYS}");
    println!(
        "merge time total:      {:.1} ms",
        merge_time.as_secs_f64() * 1e3
    );
    println!(
        "merge time per run:    {:.1} µs",
        merge_time.as_secs_f64() * 1e6 / DAYS as f64
    );
    println!(
        "state.json now:        {} bytes ({} days held)",
        state.to_json().len(),
        state.daily_history.len()
    );
    println!("state.json largest:    {largest_state} bytes");
    println!("archive months:        {}", archives.len());
    println!(
        "archive file size:     min {} / max {} / total {} bytes",
        sizes.iter().min().unwrap_or(&0),
        sizes.iter().max().unwrap_or(&0),
        sizes.iter().sum::<usize>()
    );
    println!("identity problems:     {}", problems.len());
    bench_import();
}

/// A decade of github-repo-stats history (3 650 days, 40 000 stars) read and backfilled into
/// the state of a repository tracked since 2026.
fn bench_import() {
    let start = date!(2016 - 01 - 01);
    let mut aggregate =
        String::from("time_iso8601,clones_total,clones_unique,views_total,views_unique\n");
    for i in 0..DAYS {
        let day = start + Duration::days(i);
        let n = i as u64;
        aggregate.push_str(&format!(
            "{day} 00:00:00+00:00,{}.0,{},{},{}\n",
            n % 97,
            n % 13,
            if i % 10 == 0 {
                String::new()
            } else {
                (n % 400).to_string()
            },
            n % 50
        ));
    }
    let mut stars = String::from("time_iso8601,stars_cumulative\n");
    for i in 0..DAYS {
        let day = start + Duration::days(i);
        stars.push_str(&format!(
            "{day} 00:00:00+00:00,{}.0\n",
            (i as u64 + 1) * 40_000 / DAYS as u64
        ));
    }
    let files: [(&str, &[u8]); 2] = [
        ("views_clones_aggregate.csv", aggregate.as_bytes()),
        ("stargazers.csv", stars.as_bytes()),
    ];
    let started = Instant::now();
    let inputs = import_tracker_files(&files).unwrap_or_default();
    let read_time = started.elapsed();
    let state = initial_state("octo/demo", date!(2026 - 11 - 01).midnight().assume_utc());
    let now = date!(2026 - 12 - 01).midnight().assume_utc();
    let started = Instant::now();
    let Ok(out) = backfill(&state, &[], &inputs, BackfillMode::FillAbsent, now) else {
        println!("import: backfill refused");
        return;
    };
    let backfill_time = started.elapsed();
    let started = Instant::now();
    let again = backfill(
        &out.state,
        &out.archives,
        &inputs,
        BackfillMode::FillAbsent,
        now,
    );
    let again_time = started.elapsed();
    println!(
        "import: files read     {:.1} ms ({} bytes)",
        read_time.as_secs_f64() * 1e3,
        aggregate.len() + stars.len()
    );
    println!(
        "import: backfill       {:.1} ms ({} days added, {} archive months written)",
        backfill_time.as_secs_f64() * 1e3,
        out.reports.iter().map(|r| r.days_added).sum::<u64>(),
        out.archive_updates.len()
    );
    println!(
        "import: second pass    {:.1} ms (changed: {})",
        again_time.as_secs_f64() * 1e3,
        again.map(|a| a.changed).unwrap_or(true)
    );
    println!("import: state.json     {} bytes", out.state.to_json().len());
    println!(
        "import: identity       {} problems",
        check_identity(&out.state, &out.archives).len()
    );
}
