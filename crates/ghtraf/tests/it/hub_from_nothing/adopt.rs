//! `hub init` and `hub add` beside the journey from nothing: what they adopt
//! instead of creating (a gist named in another case, one a variable names,
//! the original tool's gists, which `upgrade` takes over), a token that
//! cannot make gists, the token asked in a terminal, the badges shown, and
//! creations GitHub's content-creation limit refuses, waited out (README).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use super::*;
use ghtraf::prompt::ScriptedPrompter;

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

/// A hub over `world` (plus `octo/traffic`), initialised in a new checkout,
/// its log cleared: what `hub add` does next is all the log holds.
fn initialised(world: World, edit: impl FnOnce(&mut Value)) -> (FakeHub, tempfile::TempDir) {
    let mut world = world;
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    text["repos"]["octo/traffic"] = json!({});
    edit(&mut text);
    let hub = FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let init = ghtraf_hub(&hub, dir.path(), &["init", "--repo", "octo/traffic"]);
    assert_eq!(init.code, 0, "{init:?}");
    hub.clear_log();
    (hub, dir)
}

#[test]
fn gists_are_found_whatever_the_case_the_repository_is_given_in() {
    let (hub, dir) = initialised(World::many_repos("octo", 4), |_| {});
    let d = dir.path();
    let add = ghtraf_hub(&hub, d, &["add", "OCTO/R003"]);
    assert_eq!(add.code, 0, "{add:?}");
    // Adopted, not created: the only writes are the hub's marks in the adopted badge gists.
    assert!(
        hub.mutations().iter().all(|m| m.method == "PATCH"),
        "adopted, not created: {:?}",
        hub.mutations()
    );
    let badge = format!("{:016x}{:016x}", 7, 0xfeed);
    assert_eq!(hub_file(d)["repos"][0]["badgeGistId"], badge.as_str());
}

#[test]
fn a_repository_with_the_original_tools_gists_is_sent_to_upgrade_not_given_new_ones() {
    let mut world = World::many_repos("octo", 0);
    world.add_legacy_gists("octo/old", "{}", true);
    let (hub, dir) = initialised(world, |text| text["repos"]["octo/old"] = json!({}));
    let d = dir.path();
    let add = on(&hub).now(NOW).run(d, &["-n", "hub", "add", "octo/old"]);
    assert_eq!(add.code, 3, "not added is not a success: {add:?}");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(
        add.stderr.contains("ghtraf upgrade --repo octo/old")
            || add.stdout.contains("ghtraf upgrade --repo octo/old"),
        "{add:?}"
    );
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), 0);
}

#[test]
fn a_gist_the_repositorys_variable_names_is_adopted_as_create_would() {
    // r002's badge gist was given with `create --gist-id`: another name, named by its variable.
    let badge = format!("{:016x}{:016x}", 5, 0xfeed);
    let (hub, dir) = initialised(World::many_repos("octo", 4), |text| {
        text["gists"][&badge]["description"] = json!("my own badges");
    });
    let d = dir.path();
    let add = ghtraf_hub(&hub, d, &["add", "octo/r002", "octo/r003"]);
    assert_eq!(add.code, 0, "{add:?}");
    // Adopted, not created: the only writes are the hub's marks in the adopted badge gists.
    assert!(
        hub.mutations().iter().all(|m| m.method == "PATCH"),
        "adopted, not created: {:?}",
        hub.mutations()
    );
    assert_eq!(hub_file(d)["repos"][0]["badgeGistId"], badge.as_str());
    let variable_reads = hub
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/actions/variables"))
        .count();
    assert_eq!(
        variable_reads, 1,
        "only the repository lacking a named gist"
    );
}

#[test]
fn creations_refused_by_a_secondary_rate_limit_are_waited_out_not_lost() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    let init = ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]);
    assert_eq!(init.code, 0, "{init:?}");
    // GitHub limits content creation; it answers 403 with retry-after when a burst is too fast.
    // Three refusals: fewer than the client's 4 attempts, so whichever creations they land on
    // (one creation may meet all three, retried at once), each still gets through. With 5, one
    // creation could meet 4 in a row and give up, as the client should: an intermittent failure.
    hub.inject(Fault {
        method: "POST".into(),
        path: "/gists".into(),
        times: 3,
        kind: FaultKind::Status {
            status: 403,
            headers: vec![("retry-after".into(), "0".into())],
            body: "{\"message\":\"You have exceeded a secondary rate limit\"}".into(),
        },
    });
    let run = ghtraf_add(&hub, d, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), REPOS);
    assert_eq!(
        gists_by_description(&hub).len(),
        1 + 2 * REPOS,
        "each created once"
    );
}

#[test]
fn a_hub_that_does_not_exist_is_refused_before_anything_is_made() {
    let hub = world();
    let dir = checkout();
    let init = ghtraf_hub(&hub, dir.path(), &["init", "--repo", "octo/nowhere"]);
    assert_eq!(init.code, 1, "as create says it: {init:?}");
    assert!(init.stderr.contains("octo/nowhere: not found"), "{init:?}");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(!dir.path().join(".ghtraf-hub.json").exists());
}
