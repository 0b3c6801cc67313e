//! `collect` and `backfill` of a repository a hub collects, where nothing
//! names its badge gist (its plain clone, or `-R` in the hub's checkout: the
//! hub gives it no variable and no `.ghtraf.json`). Both said "no badge gist
//! known … run `ghtraf create` first", and `create` refuses there. `collect`
//! now says the hub collects it and how to collect it in the hub; `backfill`
//! finds its gist by its name, as `status` does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// The hub octo/traffic collecting octo/r000 (collected once), and r000's badge gist.
fn collected() -> (FakeHub, tempfile::TempDir, String) {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r000"]).code, 0);
    let all = run(&hub, d, &["collect", "--all"]);
    assert_eq!(all.code, 0, "{all:?}");
    let badge = gists_by_description(&hub)["[GTT] octo/r000 · badges"].clone();
    (hub, dir, badge)
}

#[test]
fn collect_of_a_repository_the_hub_collects_names_the_hub_and_its_command() {
    let (hub, dir, badge) = collected();
    let d = dir.path();
    let clone = checkout_of("octo/r000");
    let c = clone.path();
    hub.clear_log();
    for (at, args) in [
        (c, &["collect", "--dry-run"][..]),
        (c, &["collect"]),
        (d, &["collect", "-R", "octo/r000", "--dry-run"]),
    ] {
        let out = run(&hub, at, args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr.starts_with(&format!(
                "error: the hub octo/traffic collects octo/r000 into gist {badge} (its hub.json says so): collecting it here would be a second collector; nothing was written\n"
            )),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(
                "hint: `ghtraf collect --only octo/r000` in octo/traffic's checkout collects it"
            ),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("ghtraf create"), "{}", out.stderr);
    }
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    // The hint works.
    let only = run(&hub, d, &["collect", "--only", "octo/r000"]);
    assert_eq!(only.code, 0, "{only:?}");
    // A repository no gist is named for still hears of `create`.
    let other = run(&hub, checkout_of("octo/r001").path(), &["collect"]);
    assert_eq!(other.code, 2, "{other:?}");
    assert!(
        other
            .stderr
            .starts_with("error: no badge gist known for octo/r001\n"),
        "{}",
        other.stderr
    );
}

#[test]
fn backfill_of_a_repository_the_hub_collects_finds_its_gist_by_name() {
    let (hub, _dir, badge) = collected();
    let clone = checkout_of("octo/r000");
    let c = clone.path();
    let args = ["backfill", "--from", "stars"];
    let dry = run(&hub, c, &[&args[..], &["--dry-run"]].concat());
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout.contains(&format!("backfill gist {badge}:")),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stderr.contains(&format!(
            "note: octo/r000's badge gist {badge} is found by its name"
        )),
        "{}",
        dry.stderr
    );
    let real = run(&hub, c, &args);
    assert_eq!(real.code, 0, "{real:?}");
    let files = &hub.state()["gists"][&badge]["files"];
    assert!(
        files["hub.json"].is_string(),
        "the hub's mark stays: {files}"
    );

    // Two gists with its name: which holds its history is not known; nothing is written.
    let copy = hub.state()["gists"][&badge].clone();
    let twin = "0123456789abcdef0123456789abcdef";
    hub.patch_world(json!({"gists": {twin: copy}})).unwrap();
    hub.clear_log();
    let out = run(&hub, c, &args);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: 2 gists are named \"[GTT] octo/r000 · badges\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&badge) && out.stderr.contains(twin),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: pass --gist-id"),
        "{}",
        out.stderr
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    let chosen = run(&hub, c, &[&args[..], &["--gist-id", &badge]].concat());
    assert_eq!(chosen.code, 0, "{chosen:?}");
}
