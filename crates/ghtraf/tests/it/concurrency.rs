//! Hostile worlds, the network half (issue 11): concurrent runs, letter case,
//! duplicate gists, late-landing creates. Each test names the defect it pins;
//! docs/hostile-worlds.md lists them with what holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::FakeHub;
use ghtraf::commands::collect::{plan_collect, step, CollectObserved};
use ghtraf::target::Target;
use ghtraf_github::{Client, ClientConfig, GitHubRead, RepoRef, Token};
use ghtraf_plan::Operation;
use ghtraf_traffic::{Observation, TrafficPoint};
use serde_json::json;

const NOW_T: &str = "2026-02-26T03:00:00Z";

fn set_up(hub: &FakeHub, now: &str) -> tempfile::TempDir {
    let dir = checkout();
    let out = on(hub)
        .now(now)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    dir
}

fn gists_named(hub: &FakeHub, description: &str) -> Vec<(String, serde_json::Value)> {
    hub.state()["gists"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, g)| g["description"] == description)
        .map(|(id, g)| (id.clone(), g.clone()))
        .collect()
}

fn badge_gist(hub: &FakeHub) -> (String, serde_json::Value) {
    let mut found = gists_named(hub, "[GTT] octo/demo · badges");
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn state_of(hub: &FakeHub) -> serde_json::Value {
    let (_, g) = badge_gist(hub);
    serde_json::from_str(g["files"]["state.json"].as_str().unwrap()).unwrap()
}

fn client(hub: &FakeHub) -> Client {
    Client::new(ClientConfig::new(
        hub.url(),
        Token::new(API_TOKEN),
        "ghtraf-tests",
    ))
    .unwrap()
}

fn at(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

fn day(text: &str) -> time::Date {
    at(&format!("{text}T00:00:00Z")).date()
}

/// Plans a collect of one observed clone day, as the command would, from the
/// gists as they are now.
fn planned(
    hub: &FakeHub,
    gh: &Client,
    now: &str,
) -> ghtraf_plan::Plan<ghtraf::commands::collect::GistWrite> {
    let (id, _) = badge_gist(hub);
    let mut observation = Observation::empty(at(now));
    observation.clones = vec![TrafficPoint {
        date: day("2026-02-25"),
        count: 7,
        uniques: 3,
    }];
    let observed = CollectObserved {
        target: Target {
            repo: RepoRef::parse("octo/demo").unwrap(),
            badge_gist_id: id.clone(),
            archive_gist_id: None,
            other_checkout: false,
        },
        badge_gist: gh.gist(&id).unwrap().unwrap(),
        archive_gist: None,
        observation,
    };
    plan_collect(&observed).unwrap()
}

/// Defect 8: a write that lands between plan and execute (another collect,
/// injected through fakehub's control API) makes the planned PATCH stale:
/// nothing is written, the step says so, and the other write survives.
#[test]
fn a_gist_written_between_plan_and_execute_is_not_overwritten() {
    let hub = hub_on("2026-02-26");
    let _dir = set_up(&hub, NOW_T);
    let gh = client(&hub);
    let plan = planned(&hub, &gh, NOW_T);
    let write = plan
        .actions
        .iter()
        .find(|a| a.operation == Operation::Update)
        .unwrap();

    let (id, _) = badge_gist(&hub);
    let theirs = r#"{"written":"by another run"}"#;
    hub.patch_world(json!({"gists": {&id: {"files": {"state.json": theirs}}}}))
        .unwrap();
    hub.clear_log();

    let err = step(write, &gh).unwrap_err();
    assert!(err.stale, "{err:?}");
    assert!(
        err.message.contains("changed since this plan")
            && err.message.contains("nothing was written"),
        "{}",
        err.message
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    let (_, g) = badge_gist(&hub);
    assert_eq!(g["files"]["state.json"], theirs);
}

/// The same write with nothing in between goes through (the precondition is
/// not a refusal of every write).
#[test]
fn an_unchanged_gist_is_written_as_planned() {
    let hub = hub_on("2026-02-26");
    let _dir = set_up(&hub, NOW_T);
    let gh = client(&hub);
    let plan = planned(&hub, &gh, NOW_T);
    let write = plan
        .actions
        .iter()
        .find(|a| a.operation == Operation::Update)
        .unwrap();
    step(write, &gh).unwrap();
    let days: Vec<String> = state_of(&hub)["dailyHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(days, ["2026-02-25T00:00:00Z"]);
}

/// Defect 8, end to end: a collect whose clock is behind the stored
/// capturedAt (a stale run) never moves it backwards and keeps the newer days.
#[test]
fn a_stale_collect_never_moves_captured_at_backwards() {
    let hub = hub_on("2026-02-26");
    let dir = set_up(&hub, "2026-02-20T03:00:00Z");
    hub.patch_world(json!({"repos": {"octo/demo": {"traffic": {"2026-02-25": {
        "clones": 9, "clone_uniques": 4, "views": 30, "view_uniques": 10
    }}}}}))
    .unwrap();
    let newer = on(&hub)
        .now("2026-02-26T03:00:00Z")
        .run(dir.path(), &["collect", "-n"]);
    assert_eq!(newer.code, 0, "{newer:?}");
    let before = state_of(&hub);
    assert_eq!(before["capturedAt"], "2026-02-26T03:00:00Z");

    let stale = on(&hub)
        .now("2026-02-25T03:00:00Z")
        .run(dir.path(), &["collect", "-n"]);
    assert!(stale.code == 0 || stale.code == 4, "{stale:?}");
    let after = state_of(&hub);
    assert_eq!(after["capturedAt"], "2026-02-26T03:00:00Z", "{stale:?}");
    assert_eq!(after["dailyHistory"], before["dailyHistory"]);
}

/// The questionable item settled with the traffic engineer's validation: a
/// state holding a day after tomorrow is refused by collect (nothing written,
/// exit 1, the reason said) and reported by status.
#[test]
fn collect_refuses_and_status_reports_a_future_day() {
    let hub = hub_on("2026-02-26");
    let dir = set_up(&hub, NOW_T);
    let (id, g) = badge_gist(&hub);
    let mut state: serde_json::Value =
        serde_json::from_str(g["files"]["state.json"].as_str().unwrap()).unwrap();
    state["dailyHistory"] = json!([{
        "date": "2031-01-01", "clones": 1, "views": 1, "downloads": 0,
        "organicClones": 1, "ciCheckouts": 0, "ciRuns": 0
    }]);
    state["totals"]["clones"] = json!(1);
    state["totals"]["views"] = json!(1);
    state["totals"]["organicClones"] = json!(1);
    let text = serde_json::to_string_pretty(&state).unwrap();
    hub.patch_world(json!({"gists": {&id: {"files": {"state.json": &text}}}}))
        .unwrap();
    hub.clear_log();

    let out = on(&hub).run(dir.path(), &["collect", "-n"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("2031-01-01") && out.stderr.contains("nothing was written"),
        "{}",
        out.stderr
    );
    assert!(hub.mutations().is_empty());
    assert_eq!(badge_gist(&hub).1["files"]["state.json"], text.as_str());

    let status = on(&hub).run(dir.path(), &["status", "-n"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(
        status.stderr.contains("2031-01-01") && status.stderr.contains("collect"),
        "{}",
        status.stderr
    );
}

/// Defect 1: `--repo OCTO/Demo`, or an origin spelled `Octo/Demo`, adopts the
/// deployment of octo/demo: no new gist, no variable re-pointed, and every
/// name written uses GitHub's spelling.
#[test]
fn letter_case_of_the_repository_adopts_the_existing_deployment() {
    let hub = hub_on("2026-02-26");
    let dir = set_up(&hub, NOW_T);
    let (badge_id, _) = badge_gist(&hub);
    let before = gists_named(&hub, "[GTT] octo/demo · archive");
    assert_eq!(before.len(), 1);

    let out = on(&hub).gist_token(GIST_TOKEN).run(
        dir.path(),
        &[
            "create",
            "-n",
            "--repo",
            "OCTO/Demo",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let doc = out.json();
    let ops = actions(&doc);
    assert!(
        ops.iter()
            .filter(|(id, _)| id.starts_with("gist:") || id.starts_with("variable:"))
            .all(|(_, op)| op == "skip"),
        "{ops:?}"
    );
    assert_eq!(doc["plan"]["context"]["repository"], "octo/demo");
    assert!(doc["plan"]["warnings"]
        .as_array()
        .is_none_or(|w| w.iter().all(|w| !w.as_str().unwrap().contains("not yours"))));

    // A clone whose origin says Octo/Demo, run for real: nothing new on GitHub.
    let clone = checkout();
    std::fs::write(
        clone.path().join(".git/config"),
        "[remote \"origin\"]\n\turl = https://github.com/Octo/Demo.git\n",
    )
    .unwrap();
    hub.clear_log();
    let real = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(clone.path(), &["create", "-n"]);
    assert_eq!(real.code, 0, "{real:?}");
    assert!(
        hub.mutations()
            .iter()
            .all(|m| !m.path.starts_with("/gists") && !m.path.contains("/variables")),
        "{:?}",
        hub.mutations()
    );
    assert_eq!(gists_named(&hub, "[GTT] octo/demo · badges").len(), 1);
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(clone.path().join(".ghtraf.json")).unwrap()).unwrap();
    assert_eq!(
        (config["owner"].as_str(), config["repo"].as_str()),
        (Some("octo"), Some("demo"))
    );
    assert_eq!(config["badgeGistId"], badge_id.as_str());
}

/// A deployment with history (days collected) plus, from a lost create
/// response, a newer stub pair of gists with the same names; the variables
/// are gone, so nothing names the right pair. Returns (original, stub) ids of
/// the badge gists.
fn duplicated(hub: &FakeHub) -> (tempfile::TempDir, String, String) {
    let dir = set_up(hub, "2026-02-20T03:00:00Z");
    hub.patch_world(json!({"repos": {"octo/demo": {"traffic": {"2026-02-25": {
        "clones": 9, "clone_uniques": 4, "views": 30, "view_uniques": 10
    }}}}}))
    .unwrap();
    let collected = on(hub).run(dir.path(), &["collect", "-n"]);
    assert_eq!(collected.code, 0, "{collected:?}");
    let (original, _) = badge_gist(hub);
    let (archive, _) = gists_named(hub, "[GTT] octo/demo · archive").remove(0);
    let stub = hub.add_gist(
        "octo",
        "[GTT] octo/demo · badges",
        true,
        &[("state.json", "{}")],
    );
    let stub_archive = hub.add_gist("octo", "[GTT] octo/demo · archive", false, &[]);
    hub.patch_world(json!({"gists": {
        &original: {"updated_at": "2026-02-01T00:00:00Z"},
        &archive: {"updated_at": "2026-02-01T00:00:00Z"},
        &stub: {"updated_at": "2026-02-26T02:00:00Z"},
        &stub_archive: {"updated_at": "2026-02-26T02:00:00Z"},
    }}))
    .unwrap();
    hub.patch_world(json!({"repos": {"octo/demo": {"variables": {
        "TRAFFIC_GIST_ID": null, "TRAFFIC_ARCHIVE_GIST_ID": null
    }}}}))
    .unwrap();
    let vars = hub.state()["repos"]["octo/demo"]["variables"].clone();
    assert!(vars.get("TRAFFIC_GIST_ID").is_none(), "{vars}");
    std::fs::remove_file(dir.path().join(".ghtraf.json")).unwrap();
    (dir, original, stub)
}

/// Defect 4: among several gists with the deployment's name, create adopts
/// the one with history (not the newest stub), says there are several, and
/// names the fix.
#[test]
fn duplicates_are_reported_and_the_gist_with_history_is_kept() {
    let hub = hub_on("2026-02-26");
    let (dir, original, stub) = duplicated(&hub);
    let out = on(&hub).gist_token(GIST_TOKEN).run(
        dir.path(),
        &["create", "-n", "--dry-run", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let doc = out.json();
    let badge = doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "gist:skip:badges")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(
        badge["description"].as_str().unwrap().contains(&original),
        "{badge:#}"
    );
    let warnings = doc["plan"]["warnings"].to_string();
    assert!(
        warnings.contains("2 gists are named")
            && warnings.contains(&stub)
            && warnings.contains("ghtraf upgrade"),
        "{warnings}"
    );
}

/// Defect 4: status and verify say so too (status exit 1, verify exit 3).
#[test]
fn status_and_verify_report_duplicates() {
    let hub = hub_on("2026-02-26");
    let (dir, original, stub) = duplicated(&hub);
    let status = on(&hub).run(
        dir.path(),
        &[
            "status",
            "-n",
            "--gist-id",
            &original,
            "--repo",
            "octo/demo",
        ],
    );
    // Deviations, as verify judges them: duplicates, and variables the workflow needs unset.
    assert_eq!(status.code, 3, "{status:?}");
    assert!(
        status.stderr.contains("2 gists are named") && status.stderr.contains(&stub),
        "{}",
        status.stderr
    );
    assert!(
        status
            .stderr
            .contains("variable TRAFFIC_GIST_ID is not set: the workflow cannot find its gist"),
        "{}",
        status.stderr
    );
    let verify = on(&hub).run(dir.path(), &["verify", "-n", "--format", "json"]);
    assert_eq!(verify.code, 3, "{verify:?}");
    let doc = verify.json();
    let found = doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "gists:duplicates:badges")
        .unwrap_or_else(|| panic!("{doc:#}"))
        .clone();
    assert_eq!(found["status"], "deviation");
    assert!(found["message"].as_str().unwrap().contains(&stub));
}

/// Defect 4: a `POST /gists` whose answer is lost (fakehub applies it, then
/// drops the connection), then the re-run the hint suggests: one gist of each
/// role, never two.
#[test]
fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let hub = hub_on("2026-02-26");
    hub.inject(fakehub::Fault {
        method: "POST".into(),
        path: "/gists".into(),
        times: 2,
        kind: fakehub::FaultKind::DropAfter,
    });
    let dir = checkout();
    let first = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    let again = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(again.code, 0, "{first:?}\n{again:?}");
    for role in ["badges", "archive"] {
        let named = gists_named(&hub, &format!("[GTT] octo/demo · {role}"));
        assert_eq!(named.len(), 1, "{role}: {named:?}\n{first:?}");
    }
}

/// Defect 4, the lock: while a `create` holds this checkout (here: the test
/// process itself), another `create` — a second real process — does nothing
/// and says who holds it; once released, `create` runs.
#[test]
fn a_create_while_another_holds_the_checkout_does_nothing() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let held = ghtraf::lock::acquire(dir.path(), "create").unwrap();
    let refused = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains(&format!(
            "another `ghtraf create` is running in this checkout (process {})",
            std::process::id()
        )),
        "{}",
        refused.stderr
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    drop(held);
    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
}

/// Defect 4, two real `create` processes at once, and a killed holder: the
/// first is held by fakehub in its first read (nothing created yet); the
/// second is refused at once; the first is killed with SIGKILL; a third run
/// is not stuck behind the dead one's lock, and one pair of gists exists.
#[cfg(unix)]
#[test]
fn concurrent_creates_make_one_pair_and_a_killed_one_leaves_no_lock_behind() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    hub.inject(fakehub::Fault {
        method: "GET".into(),
        path: "/user".into(),
        times: 1,
        kind: fakehub::FaultKind::Delay(std::time::Duration::from_secs(600)),
    });
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_ghtraf"))
        .args(["create", "-n", "--repo", "octo/demo"])
        .current_dir(dir.path())
        .env_clear()
        .env("GHTRAF_NOW", NOW)
        .env("GHTRAF_API_URL", hub.url())
        .env("GH_TOKEN", API_TOKEN)
        .env("GHTRAF_GIST_TOKEN", GIST_TOKEN)
        .env("HOME", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The first run holds the lock from before its first read until it ends:
    // once its GET /user is held by fakehub, it is mid-run.
    while !hub.pending().iter().any(|r| r.path == "/user") {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first run ended early"
        );
        std::thread::yield_now();
    }
    let second = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(second.code, 1, "{second:?}");
    assert!(
        second.stderr.contains(&format!("(process {})", first.id())),
        "{}",
        second.stderr
    );
    first.kill().unwrap();
    first.wait().unwrap();
    let third = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(third.code, 0, "{third:?}");
    for role in ["badges", "archive"] {
        assert_eq!(
            gists_named(&hub, &format!("[GTT] octo/demo · {role}")).len(),
            1
        );
    }
}

/// Questionable item settled: a persistent 502 on the badge gist is a read
/// failure, not drift. verify exits 1 (as for any other read it cannot make,
/// such as the secret's), names what it could not read, and JSON lists it.
#[test]
fn verify_a_read_failure_is_not_a_deviation() {
    let hub = hub_on("2026-02-26");
    let dir = set_up(&hub, NOW_T);
    let wf = std::fs::read(dir.path().join(".github/workflows/traffic-badges.yml")).unwrap();
    ghtraf_github::GitHubWrite::put_content(
        &client(&hub),
        &RepoRef::parse("octo/demo").unwrap(),
        ".github/workflows/traffic-badges.yml",
        "Track traffic",
        &wf,
        None,
    )
    .unwrap();
    let (id, _) = badge_gist(&hub);
    hub.inject(fakehub::Fault {
        method: "GET".into(),
        path: format!("/gists/{id}"),
        times: 1000,
        kind: fakehub::FaultKind::Status {
            status: 502,
            headers: Vec::new(),
            body: String::new(),
        },
    });
    let out = on(&hub).run(dir.path(), &["verify", "-n", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let doc = out.json();
    assert_eq!(doc["summary"]["deviations"], 0, "{doc:#}");
    assert!(
        doc["unreadable"][0]
            .as_str()
            .is_some_and(|u| u.contains(&id)),
        "{doc:#}"
    );
    assert!(out.stderr.contains("not verified"), "{}", out.stderr);
}

/// Questionable item settled: `GH_TOKEN` empty (and no other token) is
/// missing input, exit 2 as the README says, with the way to provide one.
#[test]
fn an_empty_token_is_missing_input() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let out = Run::new(env!("CARGO_BIN_EXE_ghtraf"))
        .env("GHTRAF_API_URL", &hub.url())
        .env("GH_TOKEN", "")
        .run(
            dir.path(),
            &["status", "-n", "--repo", "octo/demo", "--gist-id", "abc"],
        );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no GitHub token"), "{}", out.stderr);
    assert!(hub.requests().is_empty());
}

/// Questionable item settled: a saved plan records the API it was made
/// against; `apply` uses it when nothing names another, and refuses (exit 2,
/// nothing done anywhere) when the environment names another.
#[test]
fn a_saved_plan_is_applied_only_to_the_api_it_was_made_against() {
    let hub = hub_on("2026-02-26");
    let other = hub_on("2026-02-26");
    let dir = checkout();
    let plan = dir.path().join("plan.json");
    let p = plan.to_string_lossy().into_owned();
    let saved = on(&hub).gist_token(GIST_TOKEN).run(
        dir.path(),
        &[
            "create",
            "-n",
            "--repo",
            "octo/demo",
            "--dry-run",
            "--plan-out",
            &p,
        ],
    );
    assert_eq!(saved.code, 0, "{saved:?}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(doc["api_url"], hub.url());

    let elsewhere = on(&other)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["apply", &p]);
    assert_eq!(elsewhere.code, 2, "{elsewhere:?}");
    assert!(
        elsewhere.stderr.contains(&hub.url()) && elsewhere.stderr.contains(&other.url()),
        "{}",
        elsewhere.stderr
    );
    assert!(other.requests().is_empty() && hub.mutations().is_empty());

    // Nothing names an API: the recorded one is used.
    let same = Run::new(env!("CARGO_BIN_EXE_ghtraf"))
        .env("GH_TOKEN", API_TOKEN)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["apply", &p]);
    assert_eq!(same.code, 0, "{same:?}");
    assert!(!hub.mutations().is_empty());
}
