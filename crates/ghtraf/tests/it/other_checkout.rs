//! `-R` or `$GITHUB_REPOSITORY` naming another repository than the one the
//! checkout's `.ghtraf.json` is for: that file's gist ids are not taken
//! (the commands that read or write gists find the named repository's own,
//! and say so); the commands that write or judge the checkout's files
//! refuse, naming both; and `collect`/`backfill` never write a gist whose
//! state says it is another repository's. (`collect -R octo/b` in octo/f's
//! checkout merged b's traffic into f's gist.) A checkout without
//! `.ghtraf.json` is its origin's, else its `.ghtraf-hub.json` hub's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use serde_json::{json, Value};

const NOW: &str = "2026-02-10T03:00:00Z";

fn badge_id(n: usize) -> String {
    format!("{:016x}{:016x}", 2 * n as u64 + 1, 0xfeed_u64)
}

fn archive_id(n: usize) -> String {
    format!("{:016x}{:016x}", 2 * n as u64 + 2, 0xfeed_u64)
}

/// octo/r000 and octo/r001, each with its gists and a few days of traffic;
/// octo/r001 has no variables (as a repository a hub collects): only its
/// gists' names find them.
fn world() -> FakeHub {
    let mut world = World::many_repos("octo", 2);
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    for n in 0..2 {
        let created = time::macros::datetime!(2026-01-01 00:00 UTC);
        let state = ghtraf_traffic::initial_state(&format!("octo/r{n:03}"), created);
        text["gists"][badge_id(n)]["files"]["state.json"] =
            json!(serde_json::to_string(&state).unwrap());
        let mut traffic = serde_json::Map::new();
        for day in 1..=9 {
            traffic.insert(
                format!("2026-02-0{day}"),
                json!({"clones": 100 * (n + 1) + day, "clone_uniques": 1, "views": day, "view_uniques": 1}),
            );
        }
        text["repos"][format!("octo/r{n:03}")]["traffic"] = Value::Object(traffic);
    }
    text["repos"]["octo/r001"]["variables"] = json!({});
    FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap()
}

/// A checkout of octo/r000 whose `.ghtraf.json` names its gists.
fn r000_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/octo/r000.git\n",
    )
    .unwrap();
    let config = json!({"owner": "octo", "repo": "r000",
        "badgeGistId": badge_id(0), "archiveGistId": archive_id(0)});
    std::fs::write(dir.path().join(".ghtraf.json"), config.to_string()).unwrap();
    dir
}

/// The two ways of naming octo/r001 in octo/r000's checkout: the flag, and
/// `$GITHUB_REPOSITORY` (exported in a shell).
fn naming_r001(hub: &FakeHub, dir: &Path, args: &[&str]) -> [(Output, &'static str); 2] {
    let run = on(hub).now(NOW).gist_token(GIST_TOKEN);
    let mut flagged = args.to_vec();
    flagged.extend(["-R", "octo/r001"]);
    [
        (run.run(dir, &flagged), "--repo names"),
        (
            run.clone()
                .env("GITHUB_REPOSITORY", "octo/r001")
                .run(dir, args),
            "$GITHUB_REPOSITORY names",
        ),
    ]
}

const NOTE: &str =
    "note: this checkout's .ghtraf.json is for octo/r000; octo/r001's gists are not taken from it";

#[test]
fn reading_commands_find_the_named_repositorys_own_gists_and_say_so() {
    let hub = world();
    let dir = r000_checkout();
    let d = dir.path();
    // octo/r000's own history, so that its gist and octo/r001's differ.
    let own = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["collect", "-n"]);
    assert_eq!(own.code, 0, "{own:?}");
    let exported = |args: &[&str]| on(&hub).now(NOW).run(d, args);
    let r001 = exported(&[
        "export",
        "-R",
        "octo/r001",
        "--gist-id",
        &badge_id(1),
        "--archive-gist-id",
        &archive_id(1),
    ]);
    assert_eq!(r001.code, 0, "{r001:?}");
    assert_ne!(r001.stdout, exported(&["export"]).stdout);
    for (out, _) in naming_r001(&hub, d, &["status"]) {
        assert!(
            out.stdout
                .contains(&format!("badge gist     {}", badge_id(1))),
            "{out:?}"
        );
        assert!(!out.stdout.contains(&badge_id(0)), "{out:?}");
        assert!(out.stderr.contains(NOTE), "{}", out.stderr);
    }
    for (out, _) in naming_r001(&hub, d, &["export"]) {
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stdout, r001.stdout);
        assert!(out.stderr.contains(NOTE), "{}", out.stderr);
    }
    // collect finds gists by their variables: octo/r001 has none, so nothing names
    // its badge gist, as without a .ghtraf.json; backfill finds r001's own by its
    // name, as status does. Nothing is written.
    let before = hub.mutations().len();
    for (out, _) in naming_r001(&hub, d, &["collect", "-n"]) {
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr
                .contains("error: no badge gist known for octo/r001"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(NOTE), "{}", out.stderr);
    }
    for (out, _) in naming_r001(&hub, d, &["backfill", "--dry-run", "--from", "stars"]) {
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout
                .contains(&format!("backfill gist {}:", badge_id(1))),
            "{}",
            out.stdout
        );
        assert!(out.stderr.contains(NOTE), "{}", out.stderr);
    }
    assert_eq!(hub.mutations().len(), before);
}

#[test]
fn commands_that_write_or_judge_the_checkout_refuse_another_repository() {
    let hub = world();
    let dir = r000_checkout();
    let d = dir.path();
    let tree = snapshot_tree(d);
    for command in [
        &["create", "-n"][..],
        &["init", "-n"],
        &["upgrade", "-n"],
        &["verify"],
    ] {
        for (out, by) in naming_r001(&hub, d, command) {
            assert_eq!(out.code, 2, "{command:?}: {out:?}");
            assert!(
                out.stderr.starts_with(&format!(
                    "error: this checkout's .ghtraf.json is for octo/r000, but {by} octo/r001: the checkout's files are octo/r000's\n"
                )),
                "{command:?}: {}",
                out.stderr
            );
            assert!(
                out.stderr
                    .contains("hint: run it in a checkout of octo/r001 (or pass --repo-dir DIR)"),
                "{}",
                out.stderr
            );
        }
    }
    assert_eq!(snapshot_tree(d), tree, "nothing in the checkout changed");
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
}

#[test]
fn collect_and_backfill_never_write_a_gist_whose_state_is_another_repositorys() {
    let hub = world();
    let nowhere = tempfile::tempdir().unwrap();
    let run = on(&hub).now(NOW).gist_token(GIST_TOKEN);
    let badge = badge_id(0);
    for command in [
        &["collect", "-n"][..],
        &["backfill", "-n", "--from", "stars"],
    ] {
        let mut args = command.to_vec();
        args.extend(["-R", "octo/r001", "--gist-id", &badge]);
        let out = run.run(nowhere.path(), &args);
        assert_eq!(out.code, 1, "{command:?}: {out:?}");
        assert!(
            out.stderr.starts_with(&format!(
                "error: gist {badge} holds the traffic of octo/r000 (its state.json says so), not of octo/r001; nothing was written\n"
            )),
            "{command:?}: {}",
            out.stderr
        );
    }
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    // The same repository in another letter case is the same repository.
    let out = run.run(
        nowhere.path(),
        &["collect", "-n", "-R", "OCTO/R000", "--gist-id", &badge],
    );
    assert_eq!(out.code, 0, "{out:?}");
}

/// A git checkout without `.ghtraf.json` whose origin is `url` (none: no
/// remote), holding `.ghtraf-hub.json` for `hub` if given: a plain clone, or
/// a hub's checkout.
fn clone_at(url: Option<&str>, hub: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let remote = url.map_or(String::new(), |u| {
        format!("[remote \"origin\"]\n\turl = {u}\n")
    });
    std::fs::write(
        dir.path().join(".git/config"),
        format!("[core]\n\tbare = false\n{remote}"),
    )
    .unwrap();
    if let Some(hub) = hub {
        let file = json!({"schemaVersion": 1, "hub": hub, "repos": []});
        std::fs::write(dir.path().join(".ghtraf-hub.json"), file.to_string()).unwrap();
    }
    dir
}

/// Without `.ghtraf.json` the checkout is still someone's: its origin's, or
/// (no GitHub origin) the hub's its `.ghtraf-hub.json` names. `create -R
/// octo/n4` in octo/b's plain clone or in a hub's checkout planned n4's
/// workflow and `.ghtraf.json` into it, and `verify -R octo/n1` judged octo/b's
/// files as n1's deployment (6 false deviations, exit 3).
#[test]
fn a_clone_or_a_hub_checkout_of_another_repository_is_refused_too() {
    let hub = world();
    let clone = clone_at(Some("git@github.com:octo/r000.git"), None);
    let hub_with_origin = clone_at(Some("https://github.com/octo/r000"), Some("octo/r000"));
    let hub_alone = clone_at(None, Some("octo/r000"));
    let cases = [
        (clone.path(), "this checkout's origin remote is octo/r000"),
        (
            hub_with_origin.path(),
            "this checkout's origin remote is octo/r000",
        ),
        (
            hub_alone.path(),
            "this checkout is the hub octo/r000 (its .ghtraf-hub.json)",
        ),
    ];
    for (d, whose) in cases {
        let tree = snapshot_tree(d);
        for command in [
            &["create", "-n", "--dry-run"][..],
            &["create", "-n"],
            &["init", "-n"],
            &["upgrade", "-n"],
            &["verify"],
        ] {
            for (out, by) in naming_r001(&hub, d, command) {
                assert_eq!(out.code, 2, "{command:?}: {out:?}");
                assert!(
                    out.stderr.starts_with(&format!(
                        "error: {whose}, but {by} octo/r001: the checkout's files are octo/r000's\n"
                    )),
                    "{command:?}: {}",
                    out.stderr
                );
                assert!(
                    out.stderr.contains(
                        "hint: run it in a checkout of octo/r001 (or pass --repo-dir DIR)"
                    ),
                    "{}",
                    out.stderr
                );
            }
        }
        assert_eq!(snapshot_tree(d), tree, "nothing in the checkout changed");
    }
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
}

/// What stays allowed: the repository's own clone (any letter case, any form
/// of origin), the deployed workflow (`$GITHUB_REPOSITORY` is the origin),
/// `--repo-dir` naming the other repository's checkout (it is judged, not
/// the current directory), a directory that is no git checkout (a warning),
/// and a hub's checkout for the hub itself.
#[test]
fn the_repositorys_own_checkout_wherever_it_is_named_from_is_not_refused() {
    let hub = world();
    let run = on(&hub).now(NOW).gist_token(GIST_TOKEN);
    let dry = |dir: &Path, extra: &[&str]| {
        let mut args = vec!["create", "-n", "--dry-run"];
        args.extend_from_slice(extra);
        let out = run.run(dir, &args);
        assert_eq!(out.code, 0, "{extra:?} in {}: {out:?}", dir.display());
        out
    };
    for url in [
        "https://github.com/octo/r000",
        "https://github.com/Octo/R000.git",
        "git@github.com:octo/r000.git",
        "ssh://git@github.com/octo/r000.git",
    ] {
        let clone = clone_at(Some(url), None);
        for named in ["octo/r000", "OCTO/r000", "https://github.com/octo/r000.git"] {
            dry(clone.path(), &["-R", named]);
        }
        dry(clone.path(), &[]);
        // The deployed workflow: GITHUB_REPOSITORY names the checkout's own repository.
        let deployed = run
            .clone()
            .env("GITHUB_REPOSITORY", "octo/r000")
            .run(clone.path(), &["create", "-n", "--dry-run"]);
        assert_eq!(deployed.code, 0, "{deployed:?}");
    }
    // --repo-dir is the checkout judged: r001's, from inside r000's clone, and the reverse.
    let r000 = clone_at(Some("https://github.com/octo/r000.git"), None);
    let r001 = clone_at(Some("https://github.com/octo/r001.git"), None);
    let r001_dir = r001.path().to_str().unwrap();
    dry(r000.path(), &["-R", "octo/r001", "--repo-dir", r001_dir]);
    let r000_dir = r000.path().to_str().unwrap();
    let refused = run.run(
        r001.path(),
        &["create", "-n", "-R", "octo/r001", "--repo-dir", r000_dir],
    );
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused
            .stderr
            .starts_with("error: this checkout's origin remote is octo/r000"),
        "{}",
        refused.stderr
    );
    // Not a git checkout: nobody's, and planned into with a warning, as before.
    let nowhere = tempfile::tempdir().unwrap();
    let out = dry(nowhere.path(), &["-R", "octo/r001"]);
    assert!(
        out.stderr.contains("is not a git checkout"),
        "{}",
        out.stderr
    );
    // A hub's checkout (origin or not) deploying `create` for the hub itself.
    for origin in [Some("https://github.com/octo/r000.git"), None] {
        let hub_dir = clone_at(origin, Some("octo/r000"));
        dry(hub_dir.path(), &["-R", "octo/r000"]);
        // verify there, the hub named in any form, judges it as the hub.
        for (flag, env) in [
            (Some("https://github.com/octo/r000.git"), None),
            (None, Some("octo/r000")),
        ] {
            let mut run = run.clone();
            let mut args = vec!["verify"];
            if let Some(env) = env {
                run = run.env("GITHUB_REPOSITORY", env);
            }
            if let Some(flag) = flag {
                args.extend(["-R", flag]);
            }
            let out = run.run(hub_dir.path(), &args);
            assert!(
                out.stdout.contains("the hub's badge gist"),
                "{flag:?} {env:?}: {out:?}"
            );
        }
    }
}
