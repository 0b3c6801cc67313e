//! A hub checkout and the repositories a hub tracks, understood as such by
//! every command: `verify` and `status` judge a hub as a hub, `list` does not
//! show the hub's own gist as a repository with zeros, `hub add` makes no gist
//! for a repository it skips, and `create` refuses to deploy a second
//! collector where a hub already collects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use serde_json::{json, Value};

mod collectors;
mod found_by_name;
mod install;
mod judged;
mod list;
mod skip;
mod two_hubs;

const NOW: &str = "2026-02-10T03:00:00Z";

/// `repos` repositories (`octo/r000`…) and the hub `octo/traffic`, without a gist or variable;
/// the repositories in `own` run their own active `traffic-badges.yml`.
fn world(repos: usize, own: &[usize]) -> FakeHub {
    let mut world = World::many_repos("octo", repos);
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    text["gists"] = json!({});
    for n in 0..repos {
        // No gist, so no variable naming one: as a repository never set up.
        text["repos"][format!("octo/r{n:03}")]["variables"] = json!({});
    }
    text["repos"]["octo/traffic"] = json!({});
    for n in own {
        text["repos"][format!("octo/r{n:03}")]["workflows"] = json!({"7": {
            "name": "Traffic badges", "path": ".github/workflows/traffic-badges.yml",
            "state": "active", "created_at": "2026-01-01T00:00:00Z"}});
    }
    FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap()
}

/// A checkout of the hub (its origin is `octo/traffic`).
fn hub_checkout() -> tempfile::TempDir {
    let dir = checkout();
    std::fs::write(
        dir.path().join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/octo/traffic.git\n",
    )
    .unwrap();
    dir
}

/// `ghtraf -n ARGS` in `dir`, the token never in any output.
fn run(hub: &FakeHub, dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["-n"];
    all.extend_from_slice(args);
    let out = on(hub).now(NOW).gist_token(CANARY).run(dir, &all);
    assert!(
        !out.stdout.contains(CANARY) && !out.stderr.contains(CANARY),
        "the token leaked: {out:?}"
    );
    out
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
