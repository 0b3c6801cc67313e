//! The hub's `collect` over dozens of repositories against fakehub: every
//! repository written and the portfolio with it, dry-run inert and equal to
//! the run, re-runs converge; one repository failing (403, 502, a deleted
//! gist) never stops the others, loses nothing, and ends with exit 6 naming
//! it; shards cover every repository exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, Fault, FaultKind, World};
use serde_json::{json, Value};

const NOW: &str = "2026-02-10T03:00:00Z";
const REPOS: usize = 24;
const PORTFOLIO_GIST: &str = "00000000000000000000000000abcdef";

fn badge_id(n: usize) -> String {
    format!("{:016x}{:016x}", 2 * n as u64 + 1, 0xfeed_u64)
}

fn archive_id(n: usize) -> String {
    format!("{:016x}{:016x}", 2 * n as u64 + 2, 0xfeed_u64)
}

/// `REPOS` repositories with gists, each with a few days of traffic, and
/// the hub's portfolio gist.
fn world() -> FakeHub {
    let mut world = World::many_repos("octo", REPOS);
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    text["gists"][PORTFOLIO_GIST] = json!({
        "owner": "octo", "description": "[GTT] octo/traffic · badges", "public": true,
        "files": {"state.json": "{}"}, "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    });
    for n in 0..REPOS {
        // A state as a fresh deployment has it.
        let created = time::macros::datetime!(2026-01-01 00:00 UTC);
        let state = ghtraf_traffic::initial_state(&format!("octo/r{n:03}"), created);
        text["gists"][badge_id(n)]["files"]["state.json"] =
            json!(serde_json::to_string(&state).unwrap());
        let mut traffic = serde_json::Map::new();
        for day in 1..=9 {
            traffic.insert(
                format!("2026-02-0{day}"),
                json!({"clones": n + day, "clone_uniques": 1, "views": 10 * n + day, "view_uniques": 2}),
            );
        }
        text["repos"][format!("octo/r{n:03}")]["traffic"] = Value::Object(traffic);
    }
    FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap()
}

fn hub_checkout(badge: impl Fn(usize) -> String) -> tempfile::TempDir {
    let dir = checkout();
    let repos: Vec<Value> = (0..REPOS)
        .map(|n| {
            json!({"repo": format!("octo/r{n:03}"), "badgeGistId": badge(n), "archiveGistId": archive_id(n)})
        })
        .collect();
    let file = json!({"schemaVersion": 1, "hub": "octo/traffic", "portfolioGistId": PORTFOLIO_GIST, "repos": repos});
    std::fs::write(dir.path().join(".ghtraf-hub.json"), file.to_string()).unwrap();
    dir
}

fn collect(hub: &FakeHub, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["collect", "-n"];
    args.extend_from_slice(extra);
    on(hub).now(NOW).gist_token(GIST_TOKEN).run(dir, &args)
}

fn gist_file(hub: &FakeHub, id: &str, file: &str) -> Option<String> {
    hub.state()["gists"][id]["files"][file]
        .as_str()
        .map(str::to_string)
}

fn portfolio(hub: &FakeHub) -> Value {
    serde_json::from_str(&gist_file(hub, PORTFOLIO_GIST, "portfolio.json").unwrap()).unwrap()
}

/// Gist ids PATCHed, with how often.
fn patched(hub: &FakeHub) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for m in hub.mutations() {
        let id = m.path.trim_start_matches("/gists/").to_string();
        *out.entry(id).or_default() += 1;
    }
    out
}

#[test]
fn the_hub_collects_every_repository_and_writes_the_portfolio() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    let dry = collect(
        &hub,
        dir.path(),
        &["--all", "--dry-run", "--format", "json"],
    );
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "dry run is inert");
    let planned = dry.json()["plan"]["actions"].clone();

    let run = collect(&hub, dir.path(), &["--all", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.json()["plan"]["actions"],
        planned,
        "the dry run showed the run"
    );
    assert_eq!(run.json()["summary"]["failed"], 0);
    let writes = patched(&hub);
    for n in 0..REPOS {
        assert_eq!(writes.get(&badge_id(n)), Some(&1), "r{n:03} written once");
        let state: Value =
            serde_json::from_str(&gist_file(&hub, &badge_id(n), "state.json").unwrap()).unwrap();
        // Nine days of n + day clones: 9n + 45.
        assert_eq!(state["totals"]["clones"], 9 * n as u64 + 45, "r{n:03}");
    }
    let p = portfolio(&hub);
    assert_eq!(p["schemaVersion"], 1);
    assert_eq!(p["repos"].as_array().unwrap().len(), REPOS);
    let r005 = &p["repos"][5];
    assert_eq!(r005["repo"], "octo/r005");
    assert_eq!(r005["totals"]["clones"], 90);
    // The nine days, and today (zero so far).
    assert_eq!(r005["last30"].as_array().unwrap().len(), 10);
    assert_eq!(r005["last30"][8]["clones"], 14);
    assert_eq!(r005["last30"][0]["date"], "2026-02-01");
    assert_eq!(r005["error"], Value::Null);

    hub.clear_log();
    let again = collect(&hub, dir.path(), &["--all"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        hub.mutations().is_empty(),
        "a re-run converges: {:?}",
        hub.mutations()
    );
    assert!(again.stdout.contains("Nothing to do"), "{}", again.stdout);
}

#[test]
fn one_repository_failing_never_stops_the_others() {
    let hub = world();
    let good = hub_checkout(badge_id);
    let first = collect(&hub, good.path(), &["--all"]);
    assert_eq!(first.code, 0, "{first:?}");
    // A new day of traffic everywhere; r003 answers 403, r005 502 (every
    // retry), r007's badge gist is gone.
    hub.patch_world(json!({"repos": (0..REPOS).map(|n| (format!("octo/r{n:03}"),
        json!({"traffic": {"2026-02-10": {"clones": 100, "clone_uniques": 1, "views": 1, "view_uniques": 1}}})))
        .collect::<serde_json::Map<_, _>>()}))
    .unwrap();
    for (path, status) in [
        ("/repos/octo/r003/traffic/clones", 403),
        ("/repos/octo/r005/traffic/views", 502),
    ] {
        hub.inject(Fault {
            method: "GET".into(),
            path: path.into(),
            times: 100,
            kind: FaultKind::Status {
                status,
                headers: vec![],
                body: "{\"message\":\"no\"}".into(),
            },
        });
    }
    let gone = "ffffffffffffffffffffffffffffffff";
    let dir = hub_checkout(|n| if n == 7 { gone.into() } else { badge_id(n) });
    let before_r003 = gist_file(&hub, &badge_id(3), "state.json");
    hub.clear_log();
    let run = collect(&hub, dir.path(), &["--all"]);
    assert_eq!(run.code, 6, "{run:?}");
    for name in ["octo/r003", "octo/r005", "octo/r007"] {
        assert!(
            run.stderr.contains(name),
            "summary names {name}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("3 repositories were not collected"),
        "{}",
        run.stderr
    );
    let writes = patched(&hub);
    for n in (0..REPOS).filter(|n| ![3, 5, 7].contains(n)) {
        assert_eq!(writes.get(&badge_id(n)), Some(&1), "r{n:03} written");
    }
    assert_eq!(
        gist_file(&hub, &badge_id(3), "state.json"),
        before_r003,
        "nothing lost"
    );
    let p = portfolio(&hub);
    let r003 = &p["repos"][3];
    assert_eq!(r003["repo"], "octo/r003");
    assert_eq!(r003["totals"]["clones"], 9 * 3 + 45, "last numbers kept");
    assert!(r003["error"].as_str().unwrap().contains("403"), "{r003}");
    assert!(p["repos"][7]["error"].as_str().unwrap().contains(gone));
    assert_eq!(p["repos"][4]["totals"]["clones"], 9 * 4 + 45 + 100);
}

#[test]
fn shards_cover_every_repository_exactly_once() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    let mut seen = BTreeSet::new();
    for i in 1..=3 {
        hub.clear_log();
        let shard = format!("{i}/3");
        let out = collect(&hub, dir.path(), &["--shard", &shard]);
        assert_eq!(out.code, 0, "{out:?}");
        for (id, times) in patched(&hub) {
            if id == PORTFOLIO_GIST {
                continue;
            }
            assert_eq!(times, 1);
            assert!(seen.insert(id.clone()), "{id} collected by two shards");
        }
    }
    let all: BTreeSet<String> = (0..REPOS).map(badge_id).collect();
    assert_eq!(seen, all, "every repository collected by some shard");
    assert_eq!(
        portfolio(&hub)["repos"].as_array().unwrap().len(),
        REPOS,
        "the shards' entries add up"
    );
}

#[test]
fn bad_selections_are_usage_errors_that_touch_nothing() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    for args in [
        &["--only", "octo/stranger"][..],
        &["--shard", "0/3"],
        &["--shard", "4/3"],
        &["--all", "--repo", "octo/r000"],
    ] {
        let out = collect(&hub, dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
    let elsewhere = checkout();
    let out = collect(&hub, elsewhere.path(), &["--all"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(".ghtraf-hub.json"), "{}", out.stderr);
    assert!(hub.mutations().is_empty());
}

#[test]
fn a_missing_portfolio_gist_is_named_and_the_repositories_are_still_written() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    let text = std::fs::read_to_string(dir.path().join(".ghtraf-hub.json")).unwrap();
    std::fs::write(
        dir.path().join(".ghtraf-hub.json"),
        text.replace(PORTFOLIO_GIST, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"),
    )
    .unwrap();
    let out = collect(
        &hub,
        dir.path(),
        &["--only", "octo/r002", "--only", "Octo/R004"],
    );
    assert_eq!(out.code, 6, "{out:?}");
    assert!(out.stderr.contains("portfolio"), "{}", out.stderr);
    let writes = patched(&hub);
    assert_eq!(
        writes.keys().cloned().collect::<Vec<_>>(),
        [badge_id(2), badge_id(4)]
    );
}

/// A later collection with nothing new (`--all`, then shards, then the one shard of all)
/// writes no portfolio: each entry's `capturedAt` is the state's as stored, which only the
/// capture time would have changed, so the entry is as it was; and it agrees with `list`.
#[test]
fn a_collection_with_nothing_new_leaves_the_portfolio_alone() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    let first = collect(&hub, dir.path(), &["--all"]);
    assert_eq!(first.code, 0, "{first:?}");
    let written = portfolio(&hub);
    let later = |extra: &[&str]| {
        let mut args = vec!["collect", "-n"];
        args.extend_from_slice(extra);
        on(&hub)
            .now("2026-02-10T03:40:00Z")
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &args)
    };
    for selection in [
        &["--all"][..],
        &["--shard", "1/2"],
        &["--shard", "2/2"],
        &["--shard", "1/1"],
    ] {
        hub.clear_log();
        let out = later(selection);
        assert_eq!(out.code, 0, "{selection:?}: {out:?}");
        assert!(
            hub.mutations().is_empty(),
            "{selection:?} wrote {:?}: {}",
            hub.mutations(),
            out.stdout
        );
        assert!(
            out.stdout.contains("portfolio.json in gist"),
            "{selection:?}: {}",
            out.stdout
        );
    }
    assert_eq!(
        portfolio(&hub),
        written,
        "the portfolio is as the first run wrote it"
    );
    // The portfolio, the state and `list` give one time for a repository's last collection.
    let list = on(&hub)
        .now("2026-02-10T03:40:00Z")
        .run(dir.path(), &["list", "--format", "json"]);
    assert_eq!(list.code, 0, "{list:?}");
    for n in [0, 5, REPOS - 1] {
        let name = format!("octo/r{n:03}");
        let state: Value =
            serde_json::from_str(&gist_file(&hub, &badge_id(n), "state.json").unwrap()).unwrap();
        let entry = &written["repos"][n];
        assert_eq!(entry["repo"], name.as_str());
        assert_eq!(entry["capturedAt"], state["capturedAt"], "{name}");
        let listed = list.json()["repositories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["repository"] == name.as_str())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            listed["summary"]["last_collection"], entry["capturedAt"],
            "{name}: {listed}"
        );
    }
}

/// One repository is "1 repository", in the heading and the portfolio's line.
#[test]
fn one_repository_is_singular() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    let out = collect(&hub, dir.path(), &["--only", "octo/r002", "--dry-run"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("Plan for `ghtraf collect` of 1 repository from hub octo/traffic"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("1 repositories"), "{}", out.stdout);
}

/// `--only` takes every form `-R` takes (README "Naming a repository"): a URL
/// was refused as "the owner may only contain letters…".
#[test]
fn only_takes_every_form_the_repo_flag_takes() {
    let hub = world();
    let dir = hub_checkout(badge_id);
    for form in [
        "https://github.com/octo/r002",
        "github.com/octo/r002",
        "git@github.com:octo/r002.git",
    ] {
        let out = collect(&hub, dir.path(), &["--only", form, "--dry-run"]);
        assert_eq!(out.code, 0, "{form}: {out:?}");
        assert!(out.stdout.contains(&badge_id(2)), "{form}: {}", out.stdout);
    }
    let out = collect(
        &hub,
        dir.path(),
        &["--only", "https://github.com/octo/r002"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(patched(&hub).contains_key(&badge_id(2)));
}
