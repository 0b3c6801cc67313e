//! `hub add` of a repository that keeps its own active workflow makes nothing
//! for it when it lacks gists: the hub would never write them. And what a
//! hub's checkout is not: a plain `collect` there is pointed at `--all`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

#[test]
fn hub_add_makes_no_gist_for_a_repository_it_skips_and_says_why() {
    let hub = world(3, &[1]);
    let dir = hub_checkout();
    let d = dir.path();
    let init = run(&hub, d, &["hub", "init"]);
    assert_eq!(init.code, 0, "{init:?}");
    hub.clear_log();
    let args = ["hub", "add", "octo/r000", "octo/r001", "--format", "json"];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let preview = run(&hub, d, &dry);
    assert_eq!(preview.code, 0, "{preview:?}");
    let doc = preview.json();
    let targets: Vec<&str> = doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["category"] == "gist")
        .map(|a| a["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        ["octo/r000/badges", "octo/r000/archive"],
        "nothing is planned for octo/r001"
    );
    let warnings = doc["plan"]["warnings"].to_string();
    assert!(
        warnings.contains("octo/r001 not added: its own traffic-badges.yml is active"),
        "the plan says why it is skipped: {warnings}"
    );
    assert!(warnings.contains("--retire-own-workflow"), "{warnings}");

    let added = run(&hub, d, &args);
    // octo/r000 is added; octo/r001, named too, is not: the run says so and exits 3.
    assert_eq!(added.code, 3, "{added:?}");
    assert!(
        added
            .stderr
            .contains("not deployed: octo/r001 was not added to the hub"),
        "{added:?}"
    );
    let gists = gists_by_description(&hub);
    assert!(
        !gists.keys().any(|d| d.contains("octo/r001")),
        "no gist was made for octo/r001: {gists:?}"
    );
    assert_eq!(hub.mutations().len(), 2, "{:?}", hub.mutations());
    let file = hub_file(d);
    let tracked: Vec<&str> = file["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["repo"].as_str().unwrap())
        .collect();
    assert_eq!(tracked, ["octo/r000"]);

    // Retired, it is collected by the hub, and its gists are made then.
    hub.clear_log();
    let retired = run(
        &hub,
        d,
        &["hub", "add", "octo/r001", "--retire-own-workflow"],
    );
    assert_eq!(retired.code, 0, "{retired:?}");
    let gists = gists_by_description(&hub);
    assert!(gists.contains_key("[GTT] octo/r001 · badges"), "{gists:?}");
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), 2);
}

/// `collect` in a hub's checkout without `--all`: "run `ghtraf create` first"
/// was the only hint; the first one now says the hub wants `--all`.
#[test]
fn collect_without_all_in_a_hub_checkout_points_at_all() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    let out = run(&hub, d, &["collect"]);
    assert_eq!(out.code, 2, "{out:?}");
    let first_hint = out
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("hint:"))
        .unwrap_or_default();
    assert!(
        first_hint.contains("this checkout is a hub: `ghtraf collect --all`"),
        "{}",
        out.stderr
    );
}
