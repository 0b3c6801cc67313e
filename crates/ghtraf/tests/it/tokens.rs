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
    world.tokens.insert(
        GIST_TOKEN.into(),
        TokenGrant::classic(&["gist", "public_repo"]),
    );
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

/// A world where ghtraf's own token can do everything and `workflow` has `grant`.
fn with_workflow_token(grant: Option<TokenGrant>) -> FakeHub {
    let mut world = World::demo_on("2026-02-26").unwrap();
    world.reject_unknown_tokens = true;
    world
        .tokens
        .insert(API_TOKEN.into(), TokenGrant::classic(&["repo", "gist"]));
    if let Some(grant) = grant {
        world.tokens.insert(CANARY.into(), grant);
    }
    FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap()
}

fn create_with_canary(hub: &FakeHub) -> (Output, tempfile::TempDir) {
    let dir = checkout();
    let out = on(hub)
        .gist_token(CANARY)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert!(!out.stdout.contains(CANARY) && !out.stderr.contains(CANARY));
    (out, dir)
}

fn refused_before_any_change(hub: &FakeHub, out: &Output, dir: &tempfile::TempDir, names: &str) {
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(names), "{}", out.stderr);
    assert!(
        hub.mutations().is_empty(),
        "nothing changed: {:?}",
        hub.mutations()
    );
    assert!(hub
        .secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
        .is_none());
    assert!(snapshot_tree(dir.path()).is_empty(), "no file written");
}

#[test]
fn a_gist_only_classic_workflow_token_is_refused_naming_repo_or_public_repo() {
    let hub = with_workflow_token(Some(TokenGrant::classic(&["gist"])));
    let (out, dir) = create_with_canary(&hub);
    refused_before_any_change(
        &hub,
        &out,
        &dir,
        "read traffic needs the `repo` or `public_repo` scope",
    );
}

#[test]
fn a_classic_workflow_token_without_gist_is_refused() {
    let hub = with_workflow_token(Some(TokenGrant::classic(&["public_repo"])));
    let (out, dir) = create_with_canary(&hub);
    refused_before_any_change(&hub, &out, &dir, "write the gists needs the `gist` scope");
}

#[test]
fn a_fine_grained_workflow_token_without_administration_read_is_refused() {
    let hub = with_workflow_token(Some(TokenGrant::fine_grained(&[
        ("gists", "write"),
        ("actions", "read"),
    ])));
    let (out, dir) = create_with_canary(&hub);
    refused_before_any_change(
        &hub,
        &out,
        &dir,
        "\"Administration: read\" (to read traffic)",
    );
}

#[test]
fn a_fine_grained_workflow_token_without_actions_read_is_refused() {
    let hub = with_workflow_token(Some(TokenGrant::fine_grained(&[
        ("gists", "write"),
        ("administration", "read"),
    ])));
    let (out, dir) = create_with_canary(&hub);
    refused_before_any_change(&hub, &out, &dir, "\"Actions: read\" (to read runs)");
}

#[test]
fn a_rejected_workflow_token_is_refused() {
    let hub = with_workflow_token(None);
    let (out, dir) = create_with_canary(&hub);
    refused_before_any_change(&hub, &out, &dir, "GitHub rejected the workflow token (401)");
}

#[test]
fn workflow_tokens_that_can_do_the_job_are_checked_and_stored() {
    for grant in [
        TokenGrant::classic(&["gist", "public_repo"]),
        TokenGrant::classic(&["gist", "repo"]),
        TokenGrant::fine_grained(&[
            ("gists", "write"),
            ("administration", "read"),
            ("actions", "read"),
        ]),
    ] {
        let hub = with_workflow_token(Some(grant.clone()));
        let (out, _dir) = create_with_canary(&hub);
        assert_eq!(out.code, 0, "{grant:?}: {out:?}");
        assert!(out.stdout.contains("checked: "), "{}", out.stdout);
        assert_eq!(
            hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
                .as_deref(),
            Some(CANARY)
        );
    }
}

/// ghtraf's own token has `own`; the workflow token can do its job.
fn with_own_token(own: &[&str]) -> FakeHub {
    let mut world = World::demo_on("2026-02-26").unwrap();
    world.reject_unknown_tokens = true;
    world
        .tokens
        .insert(API_TOKEN.into(), TokenGrant::classic(own));
    world.tokens.insert(
        GIST_TOKEN.into(),
        TokenGrant::classic(&["gist", "public_repo"]),
    );
    FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn own_token_without_gist_is_found_while_observing_and_nothing_changes() {
    let hub = with_own_token(&["public_repo"]);
    let dir = checkout();
    for args in [
        &["create", "-n", "--repo", "octo/demo", "--dry-run"][..],
        &["create", "-n", "--repo", "octo/demo"],
    ] {
        let out = on(&hub).gist_token(GIST_TOKEN).run(dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains("write the gists needs the `gist` scope")
                && out
                    .stderr
                    .contains("gist:create:badges, gist:create:archive"),
            "{}",
            out.stderr
        );
        assert!(!out.stdout.contains("Verified"), "{}", out.stdout);
    }
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(snapshot_tree(dir.path()).is_empty());
    assert!(hub
        .secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
        .is_none());
}

#[test]
fn own_token_with_only_gist_is_stopped_while_observing_the_variables() {
    let hub = with_own_token(&["gist"]);
    let dir = checkout();
    let out = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("Resource not accessible by personal access token")
            && out.stderr.contains("accepts: repo, public_repo"),
        "{}",
        out.stderr
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(snapshot_tree(dir.path()).is_empty());
}

#[test]
fn help_and_readme_state_the_one_definition() {
    let help = ghtraf(std::path::Path::new("."), &["create", "--help"], &[]);
    let flat = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for needs in [ghtraf::tokens::WORKFLOW, ghtraf::tokens::OWN] {
        let text = ghtraf::tokens::describe(needs);
        assert!(
            flat.contains(&text),
            "--help lacks {text}:\n{}",
            help.stdout
        );
        assert!(readme.contains(&text), "README lacks {text}");
    }
}
