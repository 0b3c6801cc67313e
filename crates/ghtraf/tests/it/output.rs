//! Output that adds up: the plan summary sums to the number of actions,
//! `Applied:` comes before `Verified:`, and a failed run never reads as a
//! verified success.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fakehub::{Fault, FaultKind};

use crate::common::*;

fn create(hub: &FakeHub, dir: &std::path::Path, extra: &[&str]) -> Output {
    let mut args = vec!["create", "-n", "--repo", "octo/demo"];
    args.extend_from_slice(extra);
    on(hub).gist_token(CANARY).run(dir, &args)
}

/// "Plan: 2 to create, 3 to set, 8 to copy." as (count, words) pairs.
fn summary_total(stdout: &str) -> usize {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Plan: "))
        .unwrap_or_else(|| panic!("no summary: {stdout}"));
    line.trim_start_matches("Plan: ")
        .trim_end_matches('.')
        .split(", ")
        .map(|part| part.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum()
}

#[test]
fn the_plan_summary_counts_each_action_once() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    // Interactive-looking plan (token asked) seen through --dry-run without a token.
    let out = on(&hub).run(
        dir.path(),
        &["create", "-n", "--repo", "octo/demo", "--dry-run"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let actions = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .count();
    assert_eq!(summary_total(&out.stdout), actions, "{}", out.stdout);

    let p = std::sync::Arc::new(ghtraf::prompt::ScriptedPrompter::new(["n"]));
    let url = hub.url();
    let asked = interactive(
        dir.path(),
        &["create", "--repo", "octo/demo"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p,
        "",
    );
    let actions = asked
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .count();
    assert!(asked.stdout.contains("1 needs input"), "{}", asked.stdout);
    assert_eq!(summary_total(&asked.stdout), actions, "{}", asked.stdout);
}

#[test]
fn applied_comes_before_verified_and_a_failed_run_says_it_failed() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    hub.inject(Fault {
        method: "POST".into(),
        path: "/repos/octo/demo/actions/variables".into(),
        times: 100,
        kind: FaultKind::Status {
            status: 422,
            headers: vec![],
            body: "{\"message\":\"Validation Failed\"}".into(),
        },
    });
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 1, "{out:?}");
    let applied = out.stdout.find("Applied:").expect("Applied:");
    let verification = out.stdout.find("Verification:").expect("Verification:");
    assert!(applied < verification, "{}", out.stdout);
    assert!(
        !out.stdout.contains("no deviation"),
        "a failed run never reads as verified: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("The run FAILED: 2 actions failed."),
        "{}",
        out.stdout
    );

    // A run that succeeds keeps the plain tally.
    let dir = checkout();
    let hub = hub_on("2026-02-26");
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("no deviation."), "{}", out.stdout);
    assert!(out.stdout.find("Applied:") < out.stdout.find("Verification:"));
}

#[test]
fn verify_on_a_repository_never_set_up_says_so_in_one_line() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let out = on(&hub).run(dir.path(), &["verify"]);
    insta::assert_snapshot!(out.transcript(), @r"
    exit: 3
    --- stdout
    Verification:
      DEVIATION setup  octo/demo is not set up; run `ghtraf create`
    Verified: 0 OK, 1 deviation.
    --- stderr
    hint: `ghtraf create --dry-run` shows what it would set up
    ");
    // Once set up, verify checks every part again.
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    let out = on(&hub).run(dir.path(), &["verify"]);
    assert!(!out.stdout.contains("not set up"), "{}", out.stdout);
    assert!(out.stdout.contains("variable:"), "{}", out.stdout);
}

#[test]
fn quiet_levels_do_what_the_readme_says_for_verify_and_create() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    // -Q on create hides the hints (next steps), not the product.
    let loud = create(&hub, dir.path(), &[]);
    assert!(loud.stderr.contains("hint: "), "{}", loud.stderr);
    std::fs::remove_dir_all(dir.path().join("docs")).unwrap();
    let quiet = create(&hub, dir.path(), &["-Q"]);
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert!(
        !quiet.stderr.contains("hint: "),
        "-Q hides hints: {}",
        quiet.stderr
    );
    assert!(quiet.stdout.contains("Applied:"), "{}", quiet.stdout);

    // The files are gone again: verify finds drift. -QQ keeps the deviations
    // (as warnings), -QQQ leaves only the exit status.
    std::fs::remove_dir_all(dir.path().join("docs")).unwrap();
    let qq = on(&hub).run(dir.path(), &["verify", "-QQ"]);
    assert_eq!(qq.code, 3, "{qq:?}");
    assert_eq!(qq.stdout, "");
    assert!(
        qq.stderr
            .contains("warning: deviation: file:copy:docs/stats/index.html: "),
        "{}",
        qq.stderr
    );
    let qqq = on(&hub).run(dir.path(), &["verify", "-QQQ"]);
    assert_eq!(
        (qqq.code, qqq.stdout.as_str(), qqq.stderr.as_str()),
        (3, "", "")
    );
}

#[test]
fn status_labels_its_figures_as_the_dashboard_does() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    let run = on(&hub).gist_token(GIST_TOKEN);
    assert_eq!(run.run(dir.path(), &["collect", "-n"]).code, 0);
    let days = run.run(dir.path(), &["export", "--format", "json"]).json();
    let first = days["days"][0]["date"].as_str().unwrap().to_string();
    let text = run.run(dir.path(), &["status"]).stdout;
    assert!(
        text.contains(&format!("tracking since {first}")),
        "the dashboard's 'tracking since' (first day held): {text}"
    );
    assert!(
        text.contains("(raw, CI checkouts included)"),
        "raw clones say so beside the organic ones: {text}"
    );
}
