//! Naming a repository: every command follows the one rule (`-R/--repo`,
//! `$GITHUB_REPOSITORY`, `.ghtraf.json`, origin), accepts the forms gh
//! accepts, says which case it is when none is found, and names the
//! repository a 404 was about.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use crate::common::*;

fn transcript(hub: &FakeHub, dir: &Path, args: &[&str]) -> String {
    on(hub)
        .run(dir, args)
        .transcript()
        .replace(&dir.display().to_string(), "[DIR]")
}

fn with_origin(url: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let remote = url
        .map(|u| format!("[remote \"origin\"]\n\turl = {u}\n"))
        .unwrap_or_default();
    std::fs::write(
        dir.path().join(".git/config"),
        format!("[core]\n\tbare = false\n{remote}"),
    )
    .unwrap();
    dir
}

#[test]
fn status_collect_and_export_follow_the_origin_remote_like_create() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    for args in [
        &["status"][..],
        &["collect", "-n", "--dry-run"][..],
        &["export"][..],
        &["verify"][..],
    ] {
        let out = on(&hub).run(dir.path(), args);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            all.contains("octo/demo"),
            "{args:?} names the origin's repository: {out:?}"
        );
        assert!(!all.contains("which repository"), "{args:?}: {out:?}");
    }
}

#[test]
fn every_form_gh_accepts_names_the_repository() {
    let hub = hub_on("2026-02-26");
    // The origin names octo/demo: the flag wins over it (`create` and `upgrade`
    // write the checkout's files: they run in a clone of the repository named).
    let dir = checkout();
    let nope = checkout_of("octo/nope");
    for form in [
        "octo/nope",
        "github.com/octo/nope",
        "https://github.com/octo/nope",
        "https://github.com/octo/nope.git",
        "git@github.com:octo/nope.git",
    ] {
        for command in ["status", "create", "export", "upgrade"] {
            let out = on(&hub).run(nope.path(), &[command, "-n", "--dry-run", "-R", form]);
            let out = if command == "create" || command == "upgrade" {
                out
            } else {
                on(&hub).run(dir.path(), &[command, "-R", form])
            };
            assert_eq!(out.code, 1, "{command} -R {form}: {out:?}");
            assert!(
                out.stderr
                    .starts_with("error: octo/nope: not found, or your token cannot see it\n"),
                "{command} -R {form}: {}",
                out.stderr
            );
        }
    }
}

#[test]
fn a_missing_origin_a_foreign_origin_and_a_bare_name_are_told_apart() {
    let hub = hub_on("2026-02-26");
    let no_origin = with_origin(None);
    insta::assert_snapshot!(transcript(&hub, no_origin.path(), &["status"]), @r"
    exit: 2
    --- stderr
    error: which repository? none given, and this checkout has no origin remote
      hint: pass -R OWNER/REPO, or add the remote: git remote add origin https://github.com/OWNER/REPO
    ");
    let gitlab = with_origin(Some("https://gitlab.com/octo/demo.git"));
    insta::assert_snapshot!(transcript(&hub, gitlab.path(), &["export"]), @r"
    exit: 2
    --- stderr
    error: which repository? none given, and the origin remote is not on GitHub (https://gitlab.com/octo/demo.git)
      hint: pass -R OWNER/REPO to name the GitHub repository
    ");
    let dir = checkout();
    insta::assert_snapshot!(transcript(&hub, dir.path(), &["status", "--repo", "octo"]), @r"
    exit: 2
    --- stderr
    error: --repo octo: no owner (a repository is named OWNER/REPO)
      hint: write it as OWNER/octo, e.g. octo/octo
    ");
    let nowhere = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(transcript(&hub, nowhere.path(), &["collect", "-n"]), @r"
    exit: 2
    --- stderr
    error: which repository? none given, and this is not a git checkout
      hint: pass -R OWNER/REPO, or run inside a clone of the repository
    ");
}

#[test]
fn create_outside_a_checkout_warns_where_it_writes() {
    let hub = hub_on("2026-02-26");
    let nowhere = tempfile::tempdir().unwrap();
    let out = on(&hub).run(
        nowhere.path(),
        &["init", "-n", "--dry-run", "-R", "octo/demo"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("is not a git checkout: the workflow and dashboard files are planned here"),
        "{}",
        out.stderr
    );
    let inside = checkout();
    let out = on(&hub).run(inside.path(), &["init", "-n", "--dry-run"]);
    assert!(!out.stderr.contains("not a git checkout"), "{}", out.stderr);
}

#[test]
fn upgrade_follows_the_same_rule_and_says_the_same_errors() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    // (Every form gh accepts: every_form_gh_accepts_names_the_repository.)
    // No flag: the origin remote, as for every other command.
    let out = on(&hub).run(dir.path(), &["upgrade", "-n", "--dry-run"]);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("octo/demo"), "{out:?}");
    assert!(!all.contains("which repository"), "{out:?}");
    // $GITHUB_REPOSITORY before the origin.
    let out = on(&hub)
        .env("GITHUB_REPOSITORY", "octo/nope")
        .run(dir.path(), &["upgrade", "-n", "--dry-run"]);
    assert!(out.stderr.contains("octo/nope"), "{out:?}");
    // The same errors, saying which case it is.
    let gitlab = with_origin(Some("https://gitlab.com/octo/demo.git"));
    insta::assert_snapshot!(transcript(&hub, gitlab.path(), &["upgrade", "-n", "--dry-run"]), @r"
    exit: 2
    --- stderr
    error: which repository? none given, and the origin remote is not on GitHub (https://gitlab.com/octo/demo.git)
      hint: pass -R OWNER/REPO to name the GitHub repository
    ");
    insta::assert_snapshot!(transcript(&hub, dir.path(), &["upgrade", "-n", "--repo", "octo"]), @r"
    exit: 2
    --- stderr
    error: --repo octo: no owner (a repository is named OWNER/REPO)
      hint: write it as OWNER/octo, e.g. octo/octo
    ");
    insta::assert_snapshot!(transcript(&hub, dir.path(), &["upgrade", "-n", "-R", "gitlab.com/octo/demo"]), @r"
    exit: 2
    --- stderr
    error: `gitlab.com/octo/demo` does not name a repository: gitlab.com is not a GitHub host ghtraf talks to (github.com)
      hint: write it as OWNER/REPO, e.g. octo/demo (or its GitHub URL)
      hint: for GitHub Enterprise, set GH_HOST to its host name
    ");
}

/// A browsing URL names a place inside a repository: the error says the
/// extra path is the problem (it blamed the repository name's characters).
#[test]
fn a_browsing_url_is_refused_for_its_extra_path() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    insta::assert_snapshot!(transcript(&hub, dir.path(), &["status", "-R", "https://github.com/octo/demo/tree/main"]), @r"
    exit: 2
    --- stderr
    error: `https://github.com/octo/demo/tree/main` does not name a repository: `/tree/main` after octo/demo is a path inside it
      hint: name the repository itself: octo/demo
    ");
}
