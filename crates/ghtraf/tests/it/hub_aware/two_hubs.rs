//! One hub per gist, also across hubs: `hub init -R OTHER` in a hub checkout does
//! not move the hub (its tracked repositories' marks name the first one), the
//! hub's `collect` does not write a gist whose `hub.json` names another hub, its
//! `verify` calls such a mark a deviation, and `hub remove` of a name another hub
//! collects says so (exit 3) instead of passing as done.

use super::*;

/// `octo/traffic` (checkout `t`, tracking r000) and `octo/hub2` (checkout `h`,
/// tracking r001); r002 and r003 belong to no hub.
fn two_hubs() -> (FakeHub, tempfile::TempDir, tempfile::TempDir) {
    let hub = world(4, &[]);
    hub.patch_world(json!({"repos": {"octo/hub2": {}}}))
        .unwrap();
    let t = hub_checkout();
    assert_eq!(run(&hub, t.path(), &["hub", "init"]).code, 0);
    assert_eq!(run(&hub, t.path(), &["hub", "add", "octo/r000"]).code, 0);
    let h = checkout();
    assert_eq!(
        run(&hub, h.path(), &["hub", "init", "-R", "octo/hub2"]).code,
        0
    );
    assert_eq!(run(&hub, h.path(), &["hub", "add", "octo/r001"]).code, 0);
    (hub, t, h)
}

fn badge_gist(hub: &FakeHub, repo: &str) -> String {
    gists_by_description(hub)[&format!("[GTT] {repo} · badges")].clone()
}

/// `hub init -R octo/hub2` (or `$GITHUB_REPOSITORY=octo/hub2`) in a copy of octo/traffic's
/// hub checkout is refused, naming both, before anything changes; the hub's own name
/// (in any letter case) is still a re-run.
#[test]
fn hub_init_does_not_move_a_hub_checkout_to_another_repository() {
    let (hub, t, _h) = two_hubs();
    let copy = hub_checkout();
    let c = copy.path();
    std::fs::copy(
        t.path().join(".ghtraf-hub.json"),
        c.join(".ghtraf-hub.json"),
    )
    .unwrap();
    let before = hub_file(c);
    hub.clear_log();
    for (args, env) in [
        (&["hub", "init", "-R", "octo/hub2", "--dry-run"][..], None),
        (
            &["hub", "init", "-R", "https://github.com/octo/hub2"][..],
            None,
        ),
        (&["hub", "init"][..], Some("octo/hub2")),
    ] {
        let mut all = vec!["-n"];
        all.extend_from_slice(args);
        let mut runner = on(&hub).now(NOW).gist_token(GIST_TOKEN);
        if let Some(named) = env {
            runner = runner.env("GITHUB_REPOSITORY", named);
        }
        let out = runner.run(c, &all);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains("this checkout's .ghtraf-hub.json is the hub octo/traffic's, but")
                && out.stderr.contains("names octo/hub2"),
            "names both: {}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("run `ghtraf hub init` in octo/hub2's checkout"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "no plan: {}", out.stdout);
    }
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert_eq!(hub_file(c), before, "the hub file is as it was");
    let same = run(&hub, c, &["hub", "init", "-R", "Octo/Traffic", "--dry-run"]);
    assert_eq!(same.code, 0, "the hub's own name: {same:?}");
}

/// A hub file that lists a repository another hub collects (moved there before this
/// guard): that hub's `collect --all` writes nothing to it (exit 6, saying why) and
/// collects the others; its `verify` calls the mark a deviation.
#[test]
fn a_hub_neither_collects_nor_passes_a_gist_another_hub_collects() {
    let (hub, t, h) = two_hubs();
    let mut moved = hub_file(h.path());
    let r000 = hub_file(t.path())["repos"][0].clone();
    moved["repos"].as_array_mut().unwrap().insert(0, r000);
    std::fs::write(
        h.path().join(".ghtraf-hub.json"),
        serde_json::to_string_pretty(&moved).unwrap(),
    )
    .unwrap();
    let (g0, g1) = (badge_gist(&hub, "octo/r000"), badge_gist(&hub, "octo/r001"));
    let before = hub.state()["gists"][&g0].clone();

    hub.clear_log();
    let collect = run(&hub, h.path(), &["collect", "--all"]);
    assert_eq!(collect.code, 6, "{collect:?}");
    assert!(
        collect.stderr.contains(&format!(
            "octo/r000: its badge gist {g0} says the hub octo/traffic collects it (its hub.json), not octo/hub2"
        )),
        "{}",
        collect.stderr
    );
    let written: Vec<String> = hub.mutations().into_iter().map(|m| m.path).collect();
    assert!(
        !written.iter().any(|p| p.contains(&g0)),
        "nothing written to octo/traffic's gist: {written:?}"
    );
    assert!(
        written.iter().any(|p| p.contains(&g1)),
        "the others are collected: {written:?}"
    );
    assert_eq!(hub.state()["gists"][&g0], before);

    let verify = run(&hub, h.path(), &["verify"]);
    assert_eq!(verify.code, 3, "{verify:?}");
    assert!(
        verify.stdout.contains("repo:octo/r000")
            && verify.stdout.contains(&format!(
                "its badge gist {g0}'s hub.json names the hub octo/traffic, not octo/hub2"
            )),
        "{}",
        verify.stdout
    );
    assert!(
        !verify.stdout.contains("repo:octo/r001"),
        "{}",
        verify.stdout
    );
}

/// `hub remove` in octo/traffic of r001 (octo/hub2 collects it) is not done: exit 3,
/// naming the hub to run it in. Of r002 (its own `create` deployment, no hub): a
/// truthful skip line and exit 0, without claiming it was removed before.
#[test]
fn hub_remove_of_a_name_this_hub_never_tracked_says_who_collects_it() {
    let (hub, t, h) = two_hubs();
    let d = t.path();
    let before = hub_file(d);
    hub.clear_log();
    let other = run(&hub, d, &["hub", "remove", "octo/r001"]);
    assert_eq!(other.code, 3, "{other:?}");
    let why = "collected by another hub (its badge gist's hub.json names octo/hub2): run `ghtraf hub remove octo/r001` there";
    assert!(
        other.stdout.contains(why) && other.stderr.contains(why),
        "{other:?}"
    );
    assert!(!other.stdout.contains("removed before"), "{}", other.stdout);
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert_eq!(hub_file(d), before);
    assert!(
        hub_file(h.path())["repos"][0]["repo"] == "octo/r001",
        "still octo/hub2's"
    );

    let own = checkout_of("octo/r002");
    let create = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(own.path(), &["-n", "create", "--repo", "octo/r002"]);
    assert_eq!(create.code, 0, "{create:?}");
    hub.clear_log();
    let unknown = run(&hub, d, &["hub", "remove", "octo/r002"]);
    assert_eq!(unknown.code, 0, "{unknown:?}");
    assert!(
        unknown.stdout.contains(
            "octo/r002 is not tracked by octo/traffic: nothing to remove (no hub collects it)"
        ),
        "{}",
        unknown.stdout
    );
    assert!(
        !unknown.stdout.contains("removed before"),
        "{}",
        unknown.stdout
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
}

/// A name taken out of `.ghtraf-hub.json` whose badge gist still carries this hub's mark
/// (a remove that stopped half-way, or a hand edit): `hub remove` takes the mark out, so
/// `create` there is no longer refused, and a re-run then has nothing to remove.
#[test]
fn hub_remove_takes_out_this_hubs_mark_left_on_an_untracked_name() {
    let (hub, t, _h) = two_hubs();
    let d = t.path();
    let mut file = hub_file(d);
    file["repos"] = json!([]);
    std::fs::write(
        d.join(".ghtraf-hub.json"),
        serde_json::to_string_pretty(&file).unwrap(),
    )
    .unwrap();
    let g0 = badge_gist(&hub, "octo/r000");
    assert!(hub.state()["gists"][&g0]["files"]["hub.json"].is_string());
    let rm = run(&hub, d, &["hub", "remove", "octo/r000"]);
    assert_eq!(rm.code, 0, "{rm:?}");
    assert!(
        rm.stdout
            .contains("octo/r000 is not tracked by octo/traffic, but its badge gist still carries octo/traffic's mark"),
        "{}",
        rm.stdout
    );
    assert!(
        hub.state()["gists"][&g0]["files"]["hub.json"].is_null(),
        "the mark is out: {}",
        hub.state()["gists"][&g0]
    );
    let again = run(&hub, d, &["hub", "remove", "octo/r000"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again
            .stdout
            .contains("nothing to remove (no hub collects it)"),
        "{}",
        again.stdout
    );
}
