//! How the hub workflow installs ghtraf: the same verified release download as a
//! repository's own `traffic-badges.yml` (a cold cache no longer compiles in every shard
//! job), from `hub init --releases-url`, kept by `hub add`/`hub remove` and judged so by
//! `verify`; the `cargo install` default of earlier versions gives way to it. (The step's
//! script runs against a loopback release in tests/workflow/install-step.test.mjs.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::judged::{deviations, push, HUB_FILES};
use super::*;

const MIRROR: &str = "https://ghe.example.com/tools/ghtraf/releases";
const HUB_WORKFLOW: &str = ".github/workflows/traffic-hub.yml";

fn hub_workflow(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(HUB_WORKFLOW)).unwrap()
}

/// The install step of a rendered workflow: its lines from `- name: Install ghtraf` to the
/// next step, without the comments above it.
fn install_step(workflow: &str) -> String {
    workflow
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("- name: Install ghtraf"))
        .take_while(|l| !l.trim_start().starts_with("- name: Collect"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn the_hub_installs_exactly_as_traffic_badges_does() {
    let hub = world(1, &[]);
    let dir = hub_checkout();
    let init = run(&hub, dir.path(), &["hub", "init"]);
    assert_eq!(init.code, 0, "{init:?}");
    let repo = checkout_of("octo/r000");
    let badges = run(
        &hub,
        repo.path(),
        &["init", "--force", "--repo", "octo/r000"],
    );
    assert_eq!(badges.code, 0, "{badges:?}");
    let own =
        std::fs::read_to_string(repo.path().join(".github/workflows/traffic-badges.yml")).unwrap();
    let step = install_step(&hub_workflow(dir.path()));
    assert!(step.contains("SHA256SUMS"), "{step}");
    assert!(
        step.contains("GHTRAF_RELEASES: \"https://github.com/ghtraf/ghtraf/releases\""),
        "{step}"
    );
    assert!(
        !step.contains(&format!(
            "cargo install ghtraf --version {}",
            env!("CARGO_PKG_VERSION")
        )),
        "a cold cache does not compile: {step}"
    );
    assert_eq!(step, install_step(&own), "one step, one script");
}

/// `--releases-url` is `hub init`'s as it is `create`'s; `hub add`, `hub remove` and a
/// plain `hub init` re-render with it, and `verify` judges the hub workflow so.
#[test]
fn the_release_location_hub_init_was_given_stays_and_verify_agrees() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    let init = run(
        &hub,
        d,
        &["hub", "init", "--releases-url", &format!("{MIRROR}/")],
    );
    assert_eq!(init.code, 0, "{init:?}");
    let told = format!("GHTRAF_RELEASES: \"{MIRROR}\"\n");
    assert!(hub_workflow(d).contains(&told), "{}", hub_workflow(d));
    for step in [
        &["hub", "add", "octo/r000", "octo/r001"][..],
        &["hub", "remove", "octo/r001"],
        &["hub", "init"],
    ] {
        let out = run(&hub, d, step);
        assert_eq!(out.code, 0, "{step:?}: {out:?}");
        let wf = hub_workflow(d);
        assert!(wf.contains(&told), "{step:?}: {wf}");
        assert!(wf.contains("SHA256SUMS"), "{step:?}: {wf}");
    }
    assert!(
        hub_workflow(d).contains("1 repositories"),
        "re-rendered for the new count"
    );
    push(&hub, d, &HUB_FILES);
    let out = run(&hub, d, &["verify", "--format", "json"]);
    let found = deviations(&out.json());
    assert!(
        !found.iter().any(|f| f.contains("traffic-hub.yml")),
        "{found:#?}"
    );
    // Back to the default location: the workflow names it.
    let back = run(
        &hub,
        d,
        &[
            "hub",
            "init",
            "--releases-url",
            "https://github.com/ghtraf/ghtraf/releases",
        ],
    );
    assert_eq!(back.code, 0, "{back:?}");
    assert!(!hub_workflow(d).contains(MIRROR));
}

/// A hub set up by an earlier ghtraf has `cargo install ghtraf --version X --locked` in its
/// workflow: that was never the user's choice, so the next re-render moves it to the
/// verified download (keeping it would pin the old version and compile in every job).
#[test]
fn the_old_cargo_install_default_gives_way_to_the_release_binary() {
    let hub = world(1, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    let wf = hub_workflow(d);
    let step = install_step(&wf);
    let old = "      - name: Install ghtraf 0.0.9\n        if: steps.cache.outputs.cache-hit != 'true'\n        run: |\n          cargo install ghtraf --version 0.0.9 --locked";
    std::fs::write(d.join(HUB_WORKFLOW), wf.replace(&step, old)).unwrap();
    assert!(hub_workflow(d).contains("--version 0.0.9 --locked"));
    let add = run(&hub, d, &["hub", "add", "octo/r000"]);
    assert_eq!(add.code, 0, "{add:?}");
    let wf = hub_workflow(d);
    assert!(!wf.contains("--version 0.0.9"), "{wf}");
    assert!(wf.contains("SHA256SUMS"), "{wf}");
    assert!(
        wf.contains("GHTRAF_RELEASES: \"https://github.com/ghtraf/ghtraf/releases\""),
        "{wf}"
    );
}

#[test]
fn a_release_location_that_is_not_a_plain_url_is_refused_before_anything_is_written() {
    let hub = world(1, &[]);
    let dir = hub_checkout();
    for bad in [
        "ghe.example.com/releases",
        "https://x/\"; curl evil | sh; \"",
        "https://user:token@ghe.example.com/releases",
    ] {
        let out = run(&hub, dir.path(), &["hub", "init", "--releases-url", bad]);
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(
            out.stderr.contains("is not a plain http(s) URL")
                || out.stderr.contains("must not carry credentials"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("token@"), "{}", out.stderr);
        assert!(
            !dir.path().join(".ghtraf-hub.json").exists(),
            "nothing written"
        );
        assert!(!dir.path().join(".github").exists(), "nothing written");
    }
    assert!(
        hub.state()["gists"].as_object().unwrap().is_empty(),
        "nothing made"
    );
}

/// A secret name GitHub would refuse (or one the workflow could not name) is
/// refused before anything is read or written, as `create --gist-token-name`
/// refuses it: it was rendered into the workflow unchecked.
#[test]
fn a_secret_name_github_refuses_is_refused_before_anything_is_written() {
    let hub = world(1, &[]);
    let dir = hub_checkout();
    for bad in ["GITHUB_TOKEN", "MY-TOKEN", "1TOKEN", "A B"] {
        let out = run(&hub, dir.path(), &["hub", "init", "--gist-token-name", bad]);
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(
            out.stderr.contains("--gist-token-name"),
            "{bad}: {}",
            out.stderr
        );
        assert!(
            !dir.path().join(".ghtraf-hub.json").exists(),
            "nothing written"
        );
        assert!(!dir.path().join(".github").exists(), "nothing written");
    }
    assert!(
        hub.state()["gists"].as_object().unwrap().is_empty(),
        "nothing made"
    );
}
