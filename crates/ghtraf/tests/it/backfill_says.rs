//! What `backfill` says about itself: a budget refusal suggests a figure it
//! can stand by ("at least" before the runs are listed, the exact figure
//! after), a source not read is said so and ends the run with exit 3, a day
//! given only figures it lacked is "filled", not "raised", and its help says
//! why release downloads are not a source.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, World};

const TODAY: &str = "2026-03-10";
const NOW_T: &str = "2026-03-10T03:00:00Z";

fn run(hub: &FakeHub, dir: &Path, args: &[&str]) -> Output {
    on(hub).now(NOW_T).gist_token(GIST_TOKEN).run(dir, args)
}

/// create + one collect on `TODAY`: the 14-day window is held, CI only for the last two days.
fn deployed(hub: &FakeHub) -> tempfile::TempDir {
    let dir = checkout();
    let out = run(hub, dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = run(hub, dir.path(), &["collect", "-n"]);
    assert_eq!(out.code, 0, "{out:?}");
    dir
}

/// `ci`'s cost is known only after its first listing: the first refusal says
/// "at least" and the second, with the runs listed, names the figure that
/// passes (it said "pass --max-requests 12", then "needs 42", so it took two
/// retries to guess).
#[test]
fn the_budget_suggests_at_least_what_is_known_then_the_exact_figure() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    let with = |n: &str| {
        run(
            &hub,
            dir.path(),
            &["backfill", "--dry-run", "--from", "ci", "--max-requests", n],
        )
    };
    // What it printed, wherever (a refusal is an error, a source's is a warning).
    let all = |out: &Output| format!("{}{}", out.stdout, out.stderr);
    let suggested = |out: &Output| {
        let text = all(out);
        let at = text.find("--max-requests ").unwrap() + "--max-requests ".len();
        text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .to_string()
    };
    let first = with("1");
    assert_eq!(first.code, 1, "{first:?}");
    assert!(first.stderr.contains("needs at least"), "{first:?}");
    assert!(first.stderr.contains(" or more ("), "{first:?}");
    // With that, the runs are listed and the exact figure is named.
    let second = with(&suggested(&first));
    let why = "ci is not available: it needs ";
    assert!(all(&second).contains(why), "{second:?}");
    let exact = suggested(&second);
    // Which is enough: ci is read.
    let third = with(&exact);
    assert_eq!(third.code, 0, "{third:?}");
    assert!(!all(&third).contains("not available"), "{third:?}");
}

/// Days `collect` held without CI figures are filled by `--from ci`, not
/// raised (no `--raise` was given): the plan said "14 raised" while the help
/// says a default backfill only fills what is absent. Their organic clones,
/// derived, drop; the help says so.
#[test]
fn ci_fills_days_without_ci_and_does_not_call_it_raising() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    let out = run(&hub, dir.path(), &["backfill", "--dry-run", "--from", "ci"]);
    assert_eq!(out.code, 0, "{out:?}");
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("gist:update:badges"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(line.contains(" 0 raised"), "{line}");
    assert!(!line.contains(" 0 filled"), "{line}");
    assert!(line.contains("filled"), "{line}");
    let source = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("ci: "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(source.contains(" 0 raised"), "{source}");
    let help = run(&hub, dir.path(), &["backfill", "--help"]);
    assert!(
        help.stdout
            .contains("Organic clones (clones less CI checkouts) are"),
        "{}",
        help.stdout
    );
}

/// `--from ci` over its request budget is not read: the plan said "nothing to add: every
/// day and series the sources offer is already held" and the run exited 0, so
/// `backfill --from ci … && …` went on though nothing asked was done. The skip line now
/// says nothing was read and why, and the run ends with exit 3 naming the source and the
/// figure to pass; a dry run with `--detailed-exitcode` says so too.
#[test]
fn a_named_source_not_read_is_said_and_ends_with_exit_3() {
    let hub = demo_hub_on(TODAY);
    let dir = deployed(&hub);
    let args = ["backfill", "-n", "--from", "ci", "--max-requests", "12"];
    let with = |more: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(more);
        run(&hub, dir.path(), &all)
    };
    let preview = with(&["--dry-run", "--detailed-exitcode"]);
    assert_eq!(preview.code, 3, "{preview:?}");
    assert!(
        preview
            .stderr
            .contains("when applied: not backfilled from ci (over the request budget)"),
        "{preview:?}"
    );
    assert_eq!(
        with(&["--dry-run"]).code,
        0,
        "a plain dry run showed its plan"
    );

    hub.clear_log();
    let out = with(&[]);
    assert_eq!(out.code, 3, "{out:?}");
    let skip = out
        .stdout
        .lines()
        .find(|l| l.contains("gist:skip:badges"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        skip.contains("nothing read: ci was over the request budget"),
        "{skip}"
    );
    assert!(!skip.contains("already held"), "{skip}");
    let undone = out
        .stderr
        .lines()
        .find(|l| l.contains("not backfilled from ci (over the request budget): it needs "))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    assert!(undone.contains("pass --max-requests "), "{undone}");
    assert!(hub.mutations().is_empty(), "nothing was written");

    // A source read that offers nothing new is told apart from one not read.
    let forks = run(&hub, dir.path(), &["backfill", "-n", "--from", "forks"]);
    assert_eq!(forks.code, 0, "{forks:?}");
    let mixed = run(
        &hub,
        dir.path(),
        &[
            "backfill",
            "-n",
            "--from",
            "forks",
            "--from",
            "ci",
            "--max-requests",
            "13",
        ],
    );
    assert_eq!(mixed.code, 3, "{mixed:?}");
    assert!(
        mixed.stdout.contains(
            "nothing to add from forks: every day and series read is already held; \
             not read: ci was over the request budget"
        ),
        "{}",
        mixed.stdout
    );

    // Within its budget, ci is read and the run succeeds.
    let enough = run(
        &hub,
        dir.path(),
        &["backfill", "-n", "--from", "ci", "--max-requests", "1000"],
    );
    assert_eq!(enough.code, 0, "{enough:?}");
}

#[test]
fn the_budget_refuses_before_reading_and_max_requests_allows() {
    let mut world = World::demo_on(TODAY).unwrap();
    world.add_stargazers("octo/demo", 1_000);
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let dir = deployed(&hub);
    hub.clear_log();
    let out = run(
        &hub,
        dir.path(),
        &["backfill", "-n", "--from", "stars", "--max-requests", "10"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("--max-requests 11"), "{}", out.stderr);
    assert!(
        !hub.requests()
            .iter()
            .any(|r| r.path.ends_with("/stargazers")),
        "refused before listing"
    );
    let out = run(
        &hub,
        dir.path(),
        &["backfill", "-n", "--from", "stars", "--max-requests", "11"],
    );
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn help_says_why_release_downloads_are_not_a_source() {
    let dir = checkout();
    let out = ghtraf(dir.path(), &["backfill", "--help"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Release downloads are not a source"),
        "{}",
        out.stdout
    );
    let out = ghtraf(dir.path(), &["backfill", "--from", "releases"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cumulative"), "{}", out.stderr);
}
