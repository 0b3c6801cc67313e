//! `ghtraf hub init` and `hub add` setting repositories up from nothing on a
//! world of dozens of repositories without gists: the hub's badge gist and
//! its one token secret, each repository's badge and archive gists named as
//! `create` names them. The plan is the mutations (every planned creation is
//! a created gist or secret, nothing unplanned), the dry run is inert, the
//! re-run plans nothing, a saved plan applies later and a stale one exits 4;
//! one repository's failed creation (403, 502) does not stop the others and
//! the summary and exit code say so; the token never appears in any output
//! or plan file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::common::*;
use fakehub::{Config, FakeHub, Fault, FaultKind, World};
use ghtraf::prompt::ScriptedPrompter;
use serde_json::{json, Value};

const NOW: &str = "2026-02-10T03:00:00Z";
const REPOS: usize = 40;

/// `REPOS` repositories and the hub `octo/traffic`, and not one gist.
fn world() -> FakeHub {
    let mut world = World::many_repos("octo", REPOS);
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    text["gists"] = json!({});
    text["repos"]["octo/traffic"] = json!({});
    FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap()
}

fn names() -> Vec<String> {
    (0..REPOS).map(|n| format!("octo/r{n:03}")).collect()
}

fn ghtraf_hub(hub: &FakeHub, dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["-n", "--format", "json", "hub"];
    all.extend_from_slice(args);
    let out = on(hub).now(NOW).gist_token(CANARY).run(dir, &all);
    assert!(
        !out.stdout.contains(CANARY) && !out.stderr.contains(CANARY),
        "the token leaked: {out:?}"
    );
    out
}

fn add_args(extra: &[&str]) -> Vec<String> {
    let mut args = vec!["add".to_string()];
    args.extend(names());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn ghtraf_add(hub: &FakeHub, dir: &Path, extra: &[&str]) -> Output {
    let args = add_args(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ghtraf_hub(hub, dir, &args)
}

fn hub_file(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(".ghtraf-hub.json")).unwrap()).unwrap()
}

/// The world's gists by description → id.
fn gists_by_description(hub: &FakeHub) -> BTreeMap<String, String> {
    hub.state()["gists"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, g)| (g["description"].as_str().unwrap().to_string(), id.clone()))
        .collect()
}

/// What the plan changes, as `(method, path)`, and what the world saw done.
fn planned_and_done(hub: &FakeHub, plan: &Value) -> (Vec<String>, Vec<String>) {
    let mut planned: Vec<String> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["operation"] != "skip")
        .filter(|a| a["category"] == "gist" || a["category"] == "secret")
        .map(|a| match a["category"].as_str().unwrap() {
            "gist" => "POST /gists".to_string(),
            "secret" => format!(
                "PUT /repos/octo/traffic/actions/secrets/{}",
                a["target"].as_str().unwrap()
            ),
            _ => unreachable!(),
        })
        .collect();
    let mut done: Vec<String> = hub
        .mutations()
        .into_iter()
        .filter(|m| (200..300).contains(&m.status))
        .map(|m| format!("{} {}", m.method, m.path))
        .collect();
    planned.sort();
    done.sort();
    (planned, done)
}

#[test]
fn hub_setup_from_nothing_plans_what_it_does_and_converges() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();

    // init: the hub's badge gist and its secret, previewed, saved, then run.
    let dry = ghtraf_hub(
        &hub,
        d,
        &[
            "init",
            "--repo",
            "octo/traffic",
            "--dry-run",
            "--plan-out",
            "init.json",
        ],
    );
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "the dry run is inert");
    assert!(!d.join(".ghtraf-hub.json").exists());
    let saved = std::fs::read_to_string(d.join("init.json")).unwrap();
    assert!(!saved.contains(CANARY), "the token is not in the plan file");
    let init = ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]);
    assert_eq!(init.code, 0, "{init:?}");
    let plan = init.json()["plan"].clone();
    assert_eq!(
        plan["actions"],
        dry.json()["plan"]["actions"],
        "dry run = run"
    );
    let (planned, done) = planned_and_done(&hub, &plan);
    assert_eq!(
        planned,
        [
            "POST /gists",
            "PUT /repos/octo/traffic/actions/secrets/TRAFFIC_GIST_TOKEN"
        ]
    );
    assert_eq!(done, planned, "the plan is the mutations");
    assert_eq!(
        hub.secret_plaintext("octo", "traffic", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY),
        "the token is stored once, in the hub"
    );
    let gists = gists_by_description(&hub);
    let hub_gist = &gists["[GTT] octo/traffic · badges"];
    assert_eq!(hub_file(d)["portfolioGistId"], hub_gist.as_str());
    let page: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("docs/portfolio/config.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(page["portfolioGistId"], hub_gist.as_str());

    // add: 40 repositories with no gists get theirs.
    hub.clear_log();
    let dry = ghtraf_add(&hub, d, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "the dry run is inert");
    let run = ghtraf_add(&hub, d, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let plan = run.json()["plan"].clone();
    assert_eq!(
        plan["actions"],
        dry.json()["plan"]["actions"],
        "dry run = run"
    );
    let (planned, done) = planned_and_done(&hub, &plan);
    assert_eq!(planned.len(), 2 * REPOS);
    assert_eq!(done, planned, "the plan is the mutations");
    let gists = gists_by_description(&hub);
    let file = hub_file(d);
    let tracked = file["repos"].as_array().unwrap();
    assert_eq!(tracked.len(), REPOS);
    for (r, name) in tracked.iter().zip(names()) {
        assert_eq!(r["repo"], name.as_str());
        assert_eq!(
            r["badgeGistId"],
            gists[&format!("[GTT] {name} · badges")].as_str()
        );
        assert_eq!(
            r["archiveGistId"],
            gists[&format!("[GTT] {name} · archive")].as_str()
        );
    }
    assert_eq!(
        hub.state()["gists"][gists["[GTT] octo/r005 · badges"].as_str()]["public"],
        true
    );
    assert_eq!(
        hub.state()["gists"][gists["[GTT] octo/r005 · archive"].as_str()]["public"],
        false
    );

    // The re-run plans nothing.
    hub.clear_log();
    let again = ghtraf_add(&hub, d, &[]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(
        again.json()["plan"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["operation"] == "skip"),
        "{}",
        again.stdout
    );

    // A later `create` in one of them adopts its gists instead of duplicating them.
    let other = checkout();
    let create = on(&hub).now(NOW).run(
        other.path(),
        &[
            "-n",
            "--format",
            "json",
            "create",
            "--repo",
            "octo/r005",
            "--dry-run",
        ],
    );
    assert_eq!(create.code, 0, "{create:?}");
    let actions = create.json()["plan"]["actions"].clone();
    for role in ["badges", "archive"] {
        let gist = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["category"] == "gist" && a["target"] == role)
            .unwrap();
        assert_eq!(gist["operation"], "skip", "{role} adopted: {gist}");
    }
}

#[test]
fn a_saved_plan_applies_later_and_a_stale_one_exits_4() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );

    let dry = ghtraf_add(&hub, d, &["--dry-run", "--plan-out", "add.json"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    hub.clear_log();
    let applied = on(&hub)
        .now(NOW)
        .run(d, &["-n", "--format", "json", "apply", "add.json"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_eq!(
        applied.json()["plan"]["actions"],
        dry.json()["plan"]["actions"],
        "what was previewed is what ran"
    );
    assert_eq!(hub.mutations().len(), 2 * REPOS);
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), REPOS);

    // A plan saved before someone else made one of its gists is stale.
    hub.patch_world(json!({"repos": {"octo/newcomer": {}}}))
        .unwrap();
    let dry = ghtraf_hub(
        &hub,
        d,
        &["add", "octo/newcomer", "--dry-run", "--plan-out", "p.json"],
    );
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout.contains("octo/newcomer/badges"),
        "{}",
        dry.stdout
    );
    hub.patch_world(json!({"gists": {"0123456789abcdef0123456789abcdef": {
        "owner": "octo", "description": "[GTT] octo/newcomer · badges", "public": true,
        "files": {"state.json": "{}"}, "created_at": "2026-02-01T00:00:00Z",
        "updated_at": "2026-02-01T00:00:00Z"}}}))
        .unwrap();
    hub.clear_log();
    let stale = on(&hub).now(NOW).run(d, &["-n", "apply", "p.json"]);
    assert_eq!(stale.code, 4, "{stale:?}");
    assert!(hub.mutations().is_empty(), "a stale plan changes nothing");
}

#[test]
fn one_repository_failing_does_not_stop_the_others() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let refuse = |needle: &str, status: u16| {
        hub.inject_where_body(
            needle,
            Fault {
                method: "POST".into(),
                path: "/gists".into(),
                times: 20,
                kind: FaultKind::Status {
                    status,
                    headers: vec![],
                    body: "{\"message\":\"no\"}".into(),
                },
            },
        )
    };
    refuse("[GTT] octo/r003 \u{b7} badges", 403);
    refuse("[GTT] octo/r007 \u{b7} archive", 502);
    hub.clear_log();
    let run = ghtraf_add(&hub, d, &[]);
    assert_eq!(run.code, 1, "a failed run says so: {run:?}");
    let doc = run.json();
    assert_eq!(doc["summary"]["failed"], 2, "{}", run.stdout);
    let failed: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "gist:create:octo/r003/badges",
            "gist:create:octo/r007/archive"
        ]
    );
    let hub_write = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with(":.ghtraf-hub.json"))
        .unwrap();
    assert_eq!(hub_write["status"], "ok", "{hub_write}");
    assert!(
        hub_write["message"]
            .as_str()
            .unwrap()
            .contains("octo/r003, octo/r007"),
        "{hub_write}"
    );
    let tracked: Vec<String> = hub_file(d)["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["repo"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = names()
        .into_iter()
        .filter(|n| n != "octo/r003" && n != "octo/r007")
        .collect();
    assert_eq!(tracked, expected, "the others are tracked");

    // Fixed, the re-run makes only what is missing and tracks both.
    hub.clear_faults();
    hub.clear_log();
    let again = ghtraf_add(&hub, d, &[]);
    assert_eq!(again.code, 0, "{again:?}");
    let created: Vec<String> = again.json()["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["operation"] == "create" && a["category"] == "gist")
        .map(|a| a["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(created, ["octo/r003/badges", "octo/r007/archive"]);
    assert_eq!(hub.mutations().len(), 2);
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), REPOS);
    let gists = gists_by_description(&hub);
    assert_eq!(gists.len(), 1 + 2 * REPOS, "no duplicates");
}

/// A measurement, not a check (no timed assertion): `hub add` of 40
/// repositories without gists at 50 ms latency, its requests and wall time.
/// `cargo nextest run -p ghtraf --run-ignored only -E 'test(measure_hub_add)' --no-capture`
#[test]
#[ignore = "a measurement: run it by name to print the figures"]
fn measure_hub_add_of_40_repositories_at_50_ms() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    hub.set_latency(std::time::Duration::from_millis(50));
    hub.clear_log();
    let started = std::time::Instant::now();
    let run = ghtraf_add(&hub, d, &[]);
    let elapsed = started.elapsed();
    assert_eq!(run.code, 0, "{run:?}");
    let requests = hub.requests();
    let posts = requests.iter().filter(|r| r.mutation).count();
    println!(
        "hub add, {REPOS} repositories without gists, 50 ms latency: {} requests ({posts} gist creations), {:.2} s",
        requests.len(),
        elapsed.as_secs_f64()
    );
    // The daily cost of what was set up: one collection of every repository.
    hub.set_latency(std::time::Duration::ZERO);
    hub.clear_log();
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    let per_repo = hub.requests().len() as f64 / REPOS as f64;
    println!(
        "collect --all over them: {} requests, {per_repo:.1} per repository (no CI runs in this world)",
        hub.requests().len()
    );
}

#[test]
fn a_token_that_cannot_make_gists_stops_the_plan_before_any_change() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    hub.patch_world(json!({"tokens": {API_TOKEN: {"kind": "classic", "scopes": ["repo"]}}}))
        .unwrap();
    hub.clear_log();
    let run = ghtraf_add(&hub, d, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains("gist"),
        "names what is missing: {}",
        run.stdout
    );
    assert!(hub.mutations().is_empty(), "nothing was changed");
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), 0);
}

#[test]
fn each_new_badge_gist_is_shown_as_a_readme_badge() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let run = on(&hub)
        .now(NOW)
        .run(d, &["-n", "hub", "add", "octo/r000", "octo/r001"]);
    assert_eq!(run.code, 0, "{run:?}");
    let gists = gists_by_description(&hub);
    for name in ["octo/r000", "octo/r001"] {
        let id = &gists[&format!("[GTT] {name} · badges")];
        let badge = format!(
            "{name}: [![Views](https://img.shields.io/endpoint?url=https://gist.githubusercontent.com/octo/{id}/raw/views.json)]"
        );
        assert!(run.stdout.contains(&badge), "{badge}\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("octo/r000/archive:"), "{}", run.stdout);
}

#[test]
fn in_a_terminal_the_token_is_asked_once_and_stored_in_the_hub_only() {
    let hub = world();
    let dir = checkout();
    let url = hub.url();
    let p = Arc::new(ScriptedPrompter::new([CANARY]));
    let out = interactive(
        dir.path(),
        &["hub", "init", "--repo", "octo/traffic", "--yes"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p.clone(),
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.asked().len(), 1, "{:?}", p.asked());
    assert!(
        p.asked()[0].contains("TRAFFIC_GIST_TOKEN"),
        "{:?}",
        p.asked()
    );
    assert!(!out.stdout.contains(CANARY) && !out.stderr.contains(CANARY));
    assert_eq!(
        hub.secret_plaintext("octo", "traffic", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY)
    );
    // Adding repositories asks nothing and stores no secret anywhere.
    let p = Arc::new(ScriptedPrompter::new(Vec::<&str>::new()));
    hub.clear_log();
    let out = interactive(
        dir.path(),
        &["hub", "add", "octo/r000", "octo/r001", "--yes"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p.clone(),
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(p.asked().is_empty(), "{:?}", p.asked());
    assert!(
        hub.mutations().iter().all(|m| m.path == "/gists"),
        "{:?}",
        hub.mutations()
    );
}

#[test]
fn the_daily_budget_figure_covers_a_collection_of_what_hub_set_up() {
    use ghtraf::hub::workflow::REQUESTS_PER_REPO;
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    assert_eq!(ghtraf_add(&hub, d, &[]).code, 0);
    hub.clear_log();
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    // This world has no CI runs: the figure's allowance for two jobs reads is unused.
    let per_repository = REQUESTS_PER_REPO - 2;
    let hub_own = 5; // who the token is, the hub's gist, portfolio.json's write and re-read
    let requests = hub.requests().len();
    assert!(
        requests <= REPOS * per_repository + hub_own,
        "{requests} requests for {REPOS} repositories: more than the README's {REQUESTS_PER_REPO} a day each"
    );
}

#[test]
fn gists_are_found_whatever_the_case_the_repository_is_given_in() {
    let mut world = World::many_repos("octo", 4);
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    text["repos"]["octo/traffic"] = json!({});
    let hub = FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    hub.clear_log();
    let add = ghtraf_hub(&hub, d, &["add", "OCTO/R003"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert!(
        hub.mutations().is_empty(),
        "adopted, not created: {:?}",
        hub.mutations()
    );
    let badge = format!("{:016x}{:016x}", 7, 0xfeed);
    assert_eq!(hub_file(d)["repos"][0]["badgeGistId"], badge.as_str());
}

#[test]
fn a_repository_with_the_original_tools_gists_is_sent_to_upgrade_not_given_new_ones() {
    let mut world = World::many_repos("octo", 0);
    world.today = Some("2026-02-10".into());
    world.add_legacy_gists("octo/old", "{}", true);
    let mut text = serde_json::to_value(world).unwrap();
    text["repos"]["octo/traffic"] = json!({});
    text["repos"]["octo/old"] = json!({});
    let hub = FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    hub.clear_log();
    let add = on(&hub).now(NOW).run(d, &["-n", "hub", "add", "octo/old"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(
        add.stderr.contains("ghtraf upgrade --repo octo/old")
            || add.stdout.contains("ghtraf upgrade --repo octo/old"),
        "{add:?}"
    );
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), 0);
}
