//! A token GitHub rejects: every command says "GitHub rejected the token" and where the token
//! came from (GH_TOKEN, GITHUB_TOKEN), instead of a consequence such as "no badge gist known".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use fakehub::{Config, FakeHub, TokenGrant, World};

const WRONG: &str = "ghp_revoked_token_0123456789abcdef";

/// octo/demo deployed by `create` with the good token; afterwards only that token is accepted.
fn deployed() -> (FakeHub, tempfile::TempDir) {
    let mut world = World::demo_on("2026-02-26").unwrap();
    world.reject_unknown_tokens = true;
    world
        .tokens
        .insert(API_TOKEN.into(), TokenGrant::classic(&["repo", "gist"]));
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let dir = checkout();
    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    (hub, dir)
}

#[test]
fn every_command_says_github_rejected_the_token_from_gh_token() {
    let (hub, dir) = deployed();
    for args in [
        &["status"][..],
        &["export"],
        &["collect", "-n"],
        &["verify"],
        &["list"],
    ] {
        let out = on(&hub).env("GH_TOKEN", WRONG).run(dir.path(), args);
        assert_ne!(out.code, 0, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains("GitHub rejected the token from GH_TOKEN"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("no badge gist known"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains(WRONG) && !out.stdout.contains(WRONG));
    }
}

#[test]
fn a_rejected_github_token_is_named_as_such() {
    let (hub, dir) = deployed();
    let out = on(&hub)
        .env("GH_TOKEN", "")
        .env("GITHUB_TOKEN", WRONG)
        .run(dir.path(), &["status"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("GitHub rejected the token from GITHUB_TOKEN"),
        "{}",
        out.stderr
    );
}
