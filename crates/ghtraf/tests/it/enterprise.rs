//! GitHub Enterprise Server's layout: the API under `/api/v3`, gist files elsewhere. The
//! dashboard's `gistRawBase` comes from a gist file's `raw_url` GitHub returned (one rule for
//! github.com, Enterprise and fakehub), never from a guess based on the API URL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::{Config, FakeHub, World};

fn enterprise() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        api_prefix: "/api/v3".to_string(),
        raw_prefix: "/gist".to_string(),
        ..Config::default()
    })
    .unwrap()
}

fn raw_base_written(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("docs/stats/config.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["gistRawBase"].clone()
}

#[test]
fn create_under_api_v3_takes_the_raw_base_from_the_created_gist() {
    let hub = enterprise();
    let dir = checkout();
    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(raw_base_written(dir.path()), hub.raw_base().as_str());
    assert!(!hub.raw_base().contains("/api/v3"));
    // fakehub serves `{raw_base}/{owner}/{id}/raw/{file}` (tested there), so the dashboard's
    // URL for the state names a gist that holds it.
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("docs/stats/config.json")).unwrap(),
    )
    .unwrap();
    let id = config["badgeGistId"].as_str().unwrap();
    assert_eq!(config["gistOwner"], "octo");
    assert!(hub.state()["gists"][id]["files"]["state.json"].is_string());
}

#[test]
fn create_takes_the_raw_base_from_any_observed_gist_and_the_dry_run_shows_it() {
    let hub = enterprise();
    hub.add_gist("octo", "unrelated notes", true, &[("notes.md", "x")]);
    let dir = checkout();
    let dry = on(&hub).gist_token(GIST_TOKEN).run(
        dir.path(),
        &[
            "create",
            "-n",
            "--repo",
            "octo/demo",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout.contains(&hub.raw_base()),
        "the plan shows the derived raw base:\n{}",
        dry.stdout
    );
    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(raw_base_written(dir.path()), hub.raw_base().as_str());
}

#[test]
fn gh_host_finds_the_enterprise_api_and_create_derives_the_raw_base() {
    let hub = enterprise();
    let dir = checkout();
    // GH_HOST names the host; the API is found under /api/v3 on it.
    let host = hub.origin();
    let out = ghtraf(
        dir.path(),
        &["create", "-n", "--repo", "octo/demo"],
        &[
            ("GH_HOST", host.as_str()),
            ("GH_TOKEN", API_TOKEN),
            ("GHTRAF_GIST_TOKEN", GIST_TOKEN),
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(raw_base_written(dir.path()), hub.raw_base().as_str());
    assert!(hub
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/api/v3/")));
}
