//! `ghtraf backfill` through the binary against fakehub worlds: stargazers over
//! several pages and beyond GitHub's cap, a restricted stargazer list, forks,
//! workflow runs and jobs of past days, a badge gist with a revision history,
//! and another tracker's files on disk. Each: the plan is the mutations, the
//! dry-run is inert, a second run converges, and `export` shows the days.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use serde_json::{json, Value};

const TODAY: &str = "2026-03-10";
const NOW_T: &str = "2026-03-10T03:00:00Z";
const BADGES: &str = "[GTT] octo/demo · badges";

fn run(hub: &FakeHub, dir: &Path, args: &[&str]) -> Output {
    run_at(hub, dir, NOW_T, args)
}

fn run_at(hub: &FakeHub, dir: &Path, now: &str, args: &[&str]) -> Output {
    on(hub).now(now).gist_token(GIST_TOKEN).run(dir, args)
}

/// create + one collect on `TODAY`: the 14-day window is held, CI only for the last two days.
fn deployed(hub: &FakeHub) -> tempfile::TempDir {
    let dir = checkout();
    let out = run(hub, dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = run(hub, dir.path(), &["collect", "-n"]);
    assert_eq!(out.code, 0, "{out:?}");
    dir
}

fn badge_gist(hub: &FakeHub) -> (String, Value) {
    let state = hub.state();
    let (id, gist) = state["gists"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, g)| g["description"] == BADGES)
        .map(|(id, g)| (id.clone(), g.clone()))
        .unwrap();
    (id, gist)
}

fn stored_state(hub: &FakeHub) -> Value {
    let (_, gist) = badge_gist(hub);
    serde_json::from_str(gist["files"]["state.json"].as_str().unwrap()).unwrap()
}

fn export(hub: &FakeHub, dir: &Path) -> BTreeMap<String, Value> {
    let out = run_at(
        hub,
        dir,
        "2026-04-30T03:00:00Z",
        &["export", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = doc["days"].as_array().unwrap().clone();
    rows.into_iter()
        .map(|r| (r["date"].as_str().unwrap().to_string(), r))
        .collect()
}

/// Runs `backfill ARGS` as a dry run, for real, and again, and checks the three
/// promises: the dry run changes nothing, the real run's mutations are exactly its
/// plan's non-skip actions (one PATCH each), and the second run plans only skips.
fn backfill_converges(hub: &FakeHub, dir: &Path, args: &[&str]) -> Value {
    backfill_converges_at(hub, dir, NOW_T, args)
}

fn backfill_converges_at(hub: &FakeHub, dir: &Path, now: &str, args: &[&str]) -> Value {
    let run = |hub: &FakeHub, dir: &Path, args: &[&str]| run_at(hub, dir, now, args);
    let mut with = vec!["backfill", "-n", "--format", "json"];
    with.extend_from_slice(args);
    let tree = snapshot_tree(dir);
    hub.clear_log();
    let mut dry_args = with.clone();
    dry_args.push("--dry-run");
    let dry = run(hub, dir, &dry_args);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert_eq!(snapshot_tree(dir), tree, "the dry run wrote no file");
    let dry = dry.json();

    let real = run(hub, dir, &with);
    assert_eq!(real.code, 0, "{real:?}");
    let real = real.json();
    assert_eq!(real["plan"], dry["plan"], "the run made the previewed plan");
    let changes = changes(&real);
    let mutations = hub.mutations();
    assert_eq!(
        mutations.len(),
        changes.len(),
        "one mutation per action: {changes:?} vs {mutations:?}"
    );
    let gists: Vec<String> = real["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["operation"] != "skip")
        .map(|a| format!("/gists/{}", a["details"]["gist_id"].as_str().unwrap()))
        .collect();
    for (m, path) in mutations.iter().zip(&gists) {
        assert_eq!((m.method.as_str(), &m.path), ("PATCH", path));
    }
    assert!(
        real["verification"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "ok"),
        "{}",
        real["verification"]
    );
    assert_eq!(
        snapshot_tree(dir),
        tree,
        "backfill writes no file in the checkout"
    );

    hub.clear_log();
    let again = run(hub, dir, &with);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        actions(&again.json()).iter().all(|(_, op)| op == "skip"),
        "{}",
        again.stdout
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
    real
}

/// github-repo-stats' aggregate for 2026-01-20..2026-02-19 (before the first held day),
/// with an empty views cell on one day and a `7.0`-style float on another.
fn ghrs_aggregate() -> String {
    let mut csv =
        String::from("time_iso8601,clones_total,clones_unique,views_total,views_unique\n");
    for i in 0..31 {
        let d = time::macros::date!(2026 - 01 - 20) + time::Duration::days(i);
        let date = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        match i {
            3 => csv.push_str(&format!("{date} 00:00:00+00:00,7.0,3.0,,\n")),
            _ => csv.push_str(&format!(
                "{date} 00:00:00+00:00,{},{},{},{}\n",
                10 + i,
                4,
                30 + i,
                9
            )),
        }
    }
    csv
}

/// The aggregate in a checkout of github-repo-stats' data branch, under `dir/stats`.
fn write_ghrs(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("stats/octo/demo/ghrs-data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("views_clones_aggregate.csv"), ghrs_aggregate()).unwrap();
    dir.join("stats")
}

#[test]
fn stars_forks_ci_and_an_import_fill_the_history_once() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    let before = export(&hub, dir.path());
    assert!(
        before["2026-03-01"]["ci_runs"].is_null(),
        "collect saw CI only for its own two days: {}",
        before["2026-03-01"]
    );
    write_ghrs(dir.path());
    // The checkout is compared before and after; the import lives in it.
    let real = backfill_converges(
        &hub,
        dir.path(),
        &[
            "--from",
            "stars",
            "--from",
            "forks",
            "--from",
            "ci",
            "--from",
            "import:stats",
        ],
    );
    let sources: Vec<String> = real["plan"]["context"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert!(
        sources.iter().any(|s| s.starts_with("stars:")),
        "{sources:?}"
    );
    assert!(
        sources.iter().any(|s| s.starts_with("requests:")),
        "{sources:?}"
    );

    let state = stored_state(&hub);
    let stars = state["series"]["stars"]["points"].as_array().unwrap();
    assert_eq!(stars.last().unwrap()[1], 42, "{stars:?}");
    assert_eq!(state["series"]["stars"]["complete"], true);
    let forks = state["series"]["forks"]["points"].as_array().unwrap();
    assert_eq!(forks.last().unwrap()[1], 7, "{forks:?}");
    assert!(!state["provenance"].as_array().unwrap().is_empty());

    let after = export(&hub, dir.path());
    // The import's days exist now, empty cells stay unknown, floats read as counts.
    assert_eq!(after["2026-01-20"]["clones"], 10);
    assert_eq!(after["2026-01-23"]["clones"], 7);
    assert!(after["2026-01-23"]["unique_views"].is_null());
    // Imported days got CI from their runs in the same run; so did collected days.
    assert!(
        after["2026-01-20"]["ci_checkouts"].as_u64().unwrap() > 0,
        "{}",
        after["2026-01-20"]
    );
    assert!(
        after["2026-03-01"]["ci_checkouts"].as_u64().unwrap() > 0,
        "{}",
        after["2026-03-01"]
    );
    // Never lowered: every held figure is at least what it was.
    for (date, row) in &before {
        for field in ["clones", "views", "unique_clones", "unique_views"] {
            if let Some(v) = row[field].as_u64() {
                assert!(after[date][field].as_u64().unwrap() >= v, "{date} {field}");
            }
        }
    }
}

#[test]
fn stars_beyond_the_cap_are_marked_incomplete_and_a_restricted_list_stops_nothing_else() {
    let mut world = World::demo_on(TODAY).unwrap();
    world.add_stargazers("octo/demo", 40_050);
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let dir = deployed(&hub);
    hub.clear_log();
    let out = run(
        &hub,
        dir.path(),
        &["backfill", "-n", "--from", "stars", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let pages = hub
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/stargazers"))
        .count();
    assert!((400..=401).contains(&pages), "{pages} stargazer pages");
    let state = stored_state(&hub);
    let series = &state["series"]["stars"];
    assert_eq!(series["complete"], false, "{series}");
    assert!(
        series["note"].as_str().unwrap().contains("40000"),
        "{series}"
    );
    assert_eq!(
        series["points"].as_array().unwrap().last().unwrap()[1],
        40_000
    );

    // The list becomes restricted and the token loses push access: stars are not
    // available, forks still go in.
    hub.patch_world(json!({"repos": {"octo/demo": {
        "stargazers_restricted": true,
        "permissions": {"admin": false, "push": false, "pull": true}
    }}}))
    .unwrap();
    hub.clear_log();
    let strict = run(
        &hub,
        dir.path(),
        &[
            "backfill",
            "-n",
            "--from",
            "stars",
            "--from",
            "forks",
            "--fail-fast",
        ],
    );
    assert_eq!(strict.code, 1, "{strict:?}");
    assert!(
        strict.stderr.contains("stars is not available"),
        "{}",
        strict.stderr
    );
    assert!(hub.mutations().is_empty(), "--fail-fast wrote nothing");

    let out = run(
        &hub,
        dir.path(),
        &[
            "backfill", "-n", "--from", "stars", "--from", "forks", "--format", "json",
        ],
    );
    // The others are applied; stars, asked for and not read, ends the run with exit 3.
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("not backfilled from stars (not available)"),
        "{}",
        out.stderr
    );
    let doc = out.json();
    let warnings = doc["plan"]["warnings"].to_string();
    assert!(warnings.contains("stars is not available"), "{warnings}");
    assert_eq!(hub.mutations().len(), 1, "forks were written");
    let state = stored_state(&hub);
    assert_eq!(
        state["series"]["forks"]["points"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()[1],
        7
    );
    assert_eq!(
        state["series"]["stars"]["complete"], false,
        "the earlier series is kept"
    );
}

#[test]
fn gist_history_recovers_days_the_original_window_dropped() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    let (id, gist) = badge_gist(&hub);
    // Older revisions of the badge gist, written by the original tool: each held the
    // days before it, including days that are held nowhere now.
    let original = |days: &[(&str, u64)]| {
        let days: Vec<Value> = days
            .iter()
            .map(|(d, c)| {
                json!({"date": format!("{d}T00:00:00Z"), "clones": c, "views": c * 3,
                                 "uniqueClones": c / 2, "uniqueViews": 0})
            })
            .collect();
        json!({"totalClones": 0, "totalViews": 0, "dailyHistory": days}).to_string()
    };
    let mut history = gist["history"].as_array().unwrap().clone();
    let old = [
        (
            "1111111111111111111111111111111111111111",
            "2026-01-20T03:00:00Z",
            original(&[("2026-01-18", 5), ("2026-01-19", 6)]),
        ),
        (
            "2222222222222222222222222222222222222222",
            "2026-01-10T03:00:00Z",
            original(&[("2026-01-08", 3), ("2026-01-09", 4)]),
        ),
    ];
    for (version, at, state) in &old {
        history.push(json!({"version": version, "committed_at": at,
                            "files": {"state.json": state}}));
    }
    hub.patch_world(json!({"gists": {id.clone(): {"history": history}}}))
        .unwrap();

    backfill_converges(&hub, dir.path(), &["--from", "gist-history"]);
    let after = export(&hub, dir.path());
    assert_eq!(after["2026-01-08"]["clones"], 3);
    assert_eq!(after["2026-01-19"]["clones"], 6);
    assert_eq!(after["2026-01-19"]["unique_clones"], 3);
    assert_eq!(after["2026-01-19"]["views"], 18);
    assert!(
        after["2026-01-19"]["unique_views"].is_null(),
        "a 0 unique on a day with views is the original's false zero"
    );
}

#[test]
fn a_plan_reviewed_before_the_daily_workflow_wrote_is_stale_and_writes_nothing() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    let plan = dir.path().join("plan.json");
    let out = run(
        &hub,
        dir.path(),
        &[
            "backfill",
            "-n",
            "--from",
            "forks",
            "--dry-run",
            "--plan-out",
            plan.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    // The daily workflow writes the gist between the review and the apply.
    hub.patch_world(json!({"repos": {"octo/demo": {"traffic": {TODAY: {
        "clones": 500, "clone_uniques": 50, "views": 900, "view_uniques": 90
    }}}}}))
    .unwrap();
    let later = on(&hub)
        .now("2026-03-10T09:00:00Z")
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["collect", "-n"]);
    assert_eq!(later.code, 0, "{later:?}");
    hub.clear_log();
    let applied = run(&hub, dir.path(), &["apply", plan.to_str().unwrap()]);
    assert_eq!(applied.code, 4, "{applied:?}");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
}

#[test]
fn ci_for_days_of_an_archived_month_is_an_explicit_archive_update() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    // A month later February is archived, its collected days still without CI.
    let later = "2026-04-12T03:00:00Z";
    hub.patch_world(json!({"today": "2026-04-12"})).unwrap();
    let out = run_at(&hub, dir.path(), later, &["collect", "-n"]);
    assert_eq!(out.code, 0, "{out:?}");
    let before = export(&hub, dir.path());
    assert!(
        before["2026-02-26"]["ci_runs"].is_null(),
        "{}",
        before["2026-02-26"]
    );

    let real = backfill_converges_at(&hub, dir.path(), later, &["--from", "ci"]);
    let archive = real["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "gist:update:archive")
        .unwrap_or_else(|| panic!("{}", real["plan"]));
    let changes = archive["details"]["changes"].to_string();
    assert!(
        changes.contains("2026-02 (rewritten): ciCheckouts 0 →"),
        "{changes}"
    );
    assert!(
        archive["details"]["totals_before"]["ciCheckouts"] == 0,
        "{archive}"
    );
    let after = export(&hub, dir.path());
    assert!(
        after["2026-02-26"]["ci_runs"].as_u64().unwrap() > 0,
        "{}",
        after["2026-02-26"]
    );
    assert!(
        after["2026-02-26"]["organic_clones"].as_u64().unwrap()
            < before["2026-02-26"]["organic_clones"].as_u64().unwrap(),
        "organic clones are derived again once CI is known"
    );
}

#[test]
fn a_data_branch_of_another_repository_is_read_through_the_contents_api() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    hub.patch_world(json!({"repos": {"octo/demo-stats": {
        "default_branch": "main",
        "contents": {"README.md": "stats\n"},
        "branches": {"github-repo-stats": {
            "octo/demo/ghrs-data/views_clones_aggregate.csv": ghrs_aggregate(),
            "octo/demo/ghrs-data/stargazers.csv":
                "time_iso8601,stars_cumulative\n2025-04-01 00:00:00+00:00,3.0\n2025-06-01 00:00:00+00:00,9\n"
        }}
    }}}))
    .unwrap();
    let real = backfill_converges(
        &hub,
        dir.path(),
        &["--from", "import:octo/demo-stats@github-repo-stats"],
    );
    let reads: Vec<String> = hub
        .requests()
        .iter()
        .filter(|r| r.path.contains("/contents/"))
        .map(|r| r.query.clone())
        .collect();
    assert!(
        reads.iter().all(|q| q == "ref=github-repo-stats"),
        "{reads:?}"
    );
    assert!(real["plan"]["context"]["sources"][0]
        .as_str()
        .unwrap()
        .starts_with("import:octo/demo-stats@github-repo-stats: github-repo-stats:"));
    let after = export(&hub, dir.path());
    assert_eq!(after["2026-01-20"]["clones"], 10);
    assert!(after["2026-01-23"]["unique_views"].is_null());
    let state = stored_state(&hub);
    assert_eq!(
        state["series"]["stars"]["points"][1][1], 9,
        "{}",
        state["series"]
    );

    // A branch that does not exist: not available (nothing read, not "already held"),
    // and the run, short of what was asked, ends with exit 3.
    let out = run(
        &hub,
        dir.path(),
        &[
            "backfill",
            "-n",
            "--from",
            "import:octo/demo-stats@nope",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 3, "{out:?}");
    let doc = out.json();
    assert!(doc["plan"]["warnings"]
        .to_string()
        .contains("not available"));
    assert_eq!(
        doc["plan"]["actions"][0]["description"],
        "nothing read: import:octo/demo-stats@nope was not available"
    );
}

/// The executor itself: a gist written after planning (a new revision) is not
/// written over; the step fails as stale, which the driver turns into exit 4.
#[test]
fn a_write_waits_for_the_revision_it_planned_against() {
    use ghtraf::commands::backfill::{step, BackfillWrite};
    use ghtraf::deployment::GistRole;
    use ghtraf_github::{Client, ClientConfig, GitHubRead, GitHubWrite, Token};
    use ghtraf_plan::{Action, Category, Operation};

    let hub = hub_on(TODAY);
    let client = Client::new(ClientConfig::new(
        hub.url(),
        Token::new(API_TOKEN),
        "ghtraf-test",
    ))
    .unwrap();
    let files = BTreeMap::from([("state.json".to_string(), "{\"a\":1}".to_string())]);
    let gist = client.create_gist(BADGES, true, &files).unwrap();
    let planned = client.gist(&gist.id).unwrap().unwrap().revision;
    assert!(planned.is_some());
    let write = |revision: Option<String>| {
        Action::new(
            Category::Gist,
            Operation::Update,
            "badges",
            "backfill",
            BackfillWrite {
                role: GistRole::Badges,
                gist_id: gist.id.clone(),
                revision,
                files: BTreeMap::from([("state.json".to_string(), "{\"a\":3}".to_string())]),
                changes: Vec::new(),
                totals_before: Default::default(),
                totals_after: Default::default(),
            },
        )
    };
    // The daily workflow writes in between.
    let theirs = BTreeMap::from([("state.json".to_string(), Some("{\"a\":2}".to_string()))]);
    client.update_gist(&gist.id, &theirs).unwrap();
    hub.clear_log();
    let err = step(&write(planned), &client).unwrap_err();
    assert!(err.stale, "{}", err.message);
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    let now = client.gist(&gist.id).unwrap().unwrap();
    assert_eq!(now.files["state.json"].content, "{\"a\":2}");
    // At the current revision the same write goes through.
    step(&write(now.revision.clone()), &client).unwrap();
    assert_eq!(
        client.gist(&gist.id).unwrap().unwrap().files["state.json"].content,
        "{\"a\":3}"
    );
}
