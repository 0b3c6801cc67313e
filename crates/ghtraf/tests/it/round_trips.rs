//! Issue 14's speed, as counts that can regress: `create` finds an existing gist wherever
//! it sits in a long gist list (1, 100, 101 and 1,000 gists) and keeps its 4 round trips
//! on an account with hundreds of gists; the daily `collect` makes a pinned number of
//! requests per repository.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::{Config, FakeHub, Gist, World};

/// octo/demo, and `others` gists of the user that belong to no repository.
fn world_with_gists(others: usize) -> World {
    let mut world = World::empty_repo("octo", "demo");
    world.add_other_gists(others);
    world
}

/// A badge gist for octo/demo, updated before every other gist: listed last.
fn old_badge_gist() -> Gist {
    let stamp = "2020-01-01T00:00:00Z".to_string();
    Gist {
        owner: "octo".into(),
        description: Some("[GTT] octo/demo · badges".into()),
        public: true,
        files: [("state.json".to_string(), "{}".to_string())].into(),
        created_at: stamp.clone(),
        updated_at: stamp,
        history: Vec::new(),
    }
}

const OLD_BADGE_ID: &str = "00000000000000000000000000000bad";

fn create(hub: &FakeHub, dir: &std::path::Path, extra: &[&str]) -> Output {
    let mut args = vec!["create", "-n", "--repo", "octo/demo"];
    args.extend_from_slice(extra);
    on(hub).gist_token(GIST_TOKEN).run(dir, &args)
}

fn gists_described(hub: &FakeHub, description: &str) -> Vec<String> {
    hub.state()["gists"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, g)| g["description"] == description)
        .map(|(id, _)| id.clone())
        .collect()
}

#[test]
fn an_existing_badge_gist_on_the_last_page_is_adopted_not_duplicated() {
    // 1 gist (the badge gist alone), a full page, one more than a page, ten full pages.
    for total in [1usize, 100, 101, 1000] {
        let mut world = world_with_gists(total - 1);
        world.gists.insert(OLD_BADGE_ID.into(), old_badge_gist());
        let hub = FakeHub::start(Config {
            world,
            ..Config::default()
        })
        .unwrap();
        let dir = checkout();
        let out = create(&hub, dir.path(), &["--format", "json"]);
        assert_eq!(out.code, 0, "{total} gists: {out:?}");
        let plan = out.json()["plan"]["actions"].clone();
        let creates: Vec<&serde_json::Value> = plan
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["id"].as_str().unwrap().starts_with("gist:create"))
            .collect();
        assert!(
            creates.iter().all(|a| a["id"] != "gist:create:badges"),
            "{total} gists: the badge gist was created again: {plan}"
        );
        assert_eq!(
            gists_described(&hub, "[GTT] octo/demo · badges"),
            vec![OLD_BADGE_ID.to_string()],
            "{total} gists"
        );
        assert_eq!(
            gists_described(&hub, "[GTT] octo/demo · archive").len(),
            1,
            "{total} gists"
        );
        assert_eq!(
            hub.state()["repos"]["octo/demo"]["variables"]["TRAFFIC_GIST_ID"]["value"],
            OLD_BADGE_ID,
            "{total} gists"
        );
        assert!(
            hub.contract_violations().is_empty(),
            "{:?}",
            hub.contract_violations()
        );
    }
}

/// `create` with every answer held until the run can send nothing more: its output and
/// round trips (waves of answers it had to wait for), independent of the machine's speed.
#[cfg(target_os = "linux")]
fn create_counting_round_trips(hub: &FakeHub, dir: &std::path::Path) -> (Output, usize) {
    on(hub).gist_token(GIST_TOKEN).run_counting_round_trips(
        hub,
        dir,
        &["create", "-n", "--repo", "octo/demo"],
    )
}

#[cfg(target_os = "linux")]
#[test]
fn create_takes_four_round_trips_with_600_gists_as_with_none() {
    for others in [0, 600] {
        let hub = FakeHub::start(Config {
            world: world_with_gists(others),
            ..Config::default()
        })
        .unwrap();
        let dir = checkout();
        let (out, round_trips) = create_counting_round_trips(&hub, dir.path());
        assert_eq!(out.code, 0, "{others} gists: {out:?}");
        // Read everything (gist list included), create the gists and read the secret key,
        // set the variables and the secret, verify.
        assert_eq!(round_trips, 4, "{others} gists: {:#?}", hub.requests());

        // A re-run guesses nothing: the gist list's real pages, and no token check (the
        // secret exists and is kept). Beside them, in the same round trip, the two reads
        // the closing hints follow: the workflow on the default branch, the badge gist.
        hub.clear_log();
        let (again, round_trips) = create_counting_round_trips(&hub, dir.path());
        assert_eq!(again.code, 0, "{others} gists: {again:?}");
        assert!(hub.mutations().is_empty(), "{:#?}", hub.mutations());
        let pages = (others + 2).div_ceil(100);
        let requests: Vec<String> = hub
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(requests.len(), 6 + pages, "{others} gists: {requests:#?}");
        assert_eq!(
            round_trips,
            if pages > 1 { 2 } else { 1 },
            "{others} gists: {requests:#?}"
        );
    }
}

/// The deployed workflow's `ghtraf collect`: gist ids from the environment, as Actions
/// passes the repository variables.
fn collect_as_deployed(hub: &FakeHub, dir: &std::path::Path) -> Output {
    let project: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(".ghtraf.json")).unwrap()).unwrap();
    on(hub)
        .env("TRAFFIC_GIST_ID", project["badgeGistId"].as_str().unwrap())
        .env(
            "TRAFFIC_ARCHIVE_GIST_ID",
            project["archiveGistId"].as_str().unwrap(),
        )
        .run(dir, &["collect", "-n", "--repo", "octo/demo"])
}

/// What a request is, for counting: `GET /repos/{o}/{r}/actions/runs/{id}/jobs` -> `jobs`.
fn kind(method: &str, path: &str) -> String {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        ("GET", ["repos", _, _, "actions", "runs", _, "jobs"]) => "GET jobs".into(),
        ("GET", ["gists", _]) => "GET gist".into(),
        ("PATCH", ["gists", _]) => "PATCH gist".into(),
        _ => format!("{method} {path}"),
    }
}

#[test]
fn the_daily_collect_makes_17_requests_for_the_demo_repository_as_the_hub_budget_says() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    // This collect's own run, started today and still going, as in Actions.
    hub.patch_world(serde_json::json!({"repos": {"octo/demo": {"runs": {"77": {
        "workflow_id": 161_335, "name": "Traffic badges", "event": "schedule",
        "status": "in_progress", "head_branch": "main", "run_number": 400,
        "created_at": "2026-02-26T03:17:00Z",
        "jobs": [{"id": 770, "name": "collect", "steps": ["Set up job", "Collect traffic"]}]
    }}}}}))
    .unwrap();
    hub.clear_log();
    let out = collect_as_deployed(&hub, dir.path());
    assert_eq!(out.code, 0, "{out:?}");
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for request in hub.requests() {
        *counts
            .entry(kind(&request.method, &request.path))
            .or_default() += 1;
    }
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    // Both gists (observe), the badge gist again right before the write (its precondition),
    // and once more after it (verify).
    assert_eq!(count("GET gist"), 4, "{counts:#?}");
    assert_eq!(count("PATCH gist"), 1, "{counts:#?}");
    // One jobs read per finished run of yesterday and today; none for the run still going.
    assert_eq!(count("GET jobs"), 5, "{counts:#?}");
    assert!(
        !hub.requests()
            .iter()
            .any(|r| r.path.ends_with("/actions/runs/77/jobs")),
        "the unfinished run's jobs were read: {counts:#?}"
    );
    // No variables read: the ids come from the environment.
    assert_eq!(hub.requests().len(), 17, "{counts:#?}");
    // The hub's budget counts a typical repository, with two CI runs in the window.
    assert_eq!(
        hub.requests().len() - count("GET jobs") + 2,
        ghtraf::hub::workflow::REQUESTS_PER_REPO,
        "{counts:#?}"
    );
}
