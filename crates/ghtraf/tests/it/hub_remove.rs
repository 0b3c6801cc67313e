//! `ghtraf hub remove`, and what a hub run leaves undone: a repository whose own
//! workflow is disabled is given it back (nothing else collects it once the hub
//! stops), and a name the hub does not track, like one `hub add` does not add, ends
//! the run with exit 3 naming it and why (also in JSON mode, and in a dry run with
//! `--detailed-exitcode`), so `hub remove X && …` does not carry on past a typo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use crate::hub_setup::{ghtraf_hub, hub_file, world};
use serde_json::Value;

const ENABLE: &str = "/repos/octo/r001/actions/workflows/traffic-badges.yml/enable";

fn own_workflow_state(hub: &fakehub::FakeHub) -> Value {
    hub.state()["repos"]["octo/r001"]["workflows"]["7"]["state"].clone()
}

/// `hub add --retire-own-workflow` disabled r001's own workflow; `hub remove` plans
/// enabling it again (dry run = run, verified), and a re-run changes nothing more.
#[test]
fn removing_a_retired_repository_enables_its_own_workflow_again() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let add = ghtraf_hub(&hub, d, &["add", "octo/r001", "--retire-own-workflow"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert_eq!(own_workflow_state(&hub), "disabled_manually");

    hub.clear_log();
    let args = ["remove", "octo/r001", "--format", "json"];
    let mut preview = args.to_vec();
    preview.push("--dry-run");
    let dry = ghtraf_hub(&hub, d, &preview);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "the preview is inert");
    let planned = dry.json()["plan"]["actions"].clone();
    let enable = planned
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "workflow:update:octo/r001/traffic-badges.yml")
        .cloned()
        .unwrap_or_else(|| panic!("no enable action: {planned}"));
    assert!(
        enable["description"]
            .as_str()
            .unwrap()
            .starts_with("enable traffic-badges.yml in octo/r001 again"),
        "{enable}"
    );

    let run = ghtraf_hub(&hub, d, &args);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.json()["plan"]["actions"],
        planned,
        "the dry run showed the run"
    );
    let done: Vec<String> = hub.mutations().into_iter().map(|m| m.path).collect();
    assert!(done.iter().any(|p| p == ENABLE), "{done:?}");
    assert_eq!(own_workflow_state(&hub), "active");
    let checked = run.json()["verification"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == enable["id"])
        .cloned()
        .unwrap_or_default();
    assert_eq!(checked["status"], "ok", "verified: {checked}");

    // Converged: nothing more to enable (the name is no longer tracked: exit 3, below).
    hub.clear_log();
    let again = ghtraf_hub(&hub, d, &["remove", "octo/r001"]);
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    assert!(!again.stdout.contains("enable"), "{again:?}");
}

/// A typo in `hub remove` is not a success: exit 3, the name and why on stderr (the
/// others named are still removed), in JSON mode too.
#[test]
fn removing_an_untracked_name_ends_with_exit_3_naming_it() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    assert_eq!(
        ghtraf_hub(&hub, d, &["add", "octo/r000", "octo/r003"]).code,
        0
    );
    let typo = ghtraf_hub(&hub, d, &["remove", "octo/tyop"]);
    assert_eq!(typo.code, 3, "{typo:?}");
    assert!(
        typo.stderr
            .contains("not removed: octo/tyop: it is not tracked by octo/traffic"),
        "{typo:?}"
    );
    // The closing line does not call a run that did not do what was asked "as planned".
    assert!(!typo.stdout.contains("Nothing to do"), "{typo:?}");
    assert!(
        typo.stdout
            .contains("Nothing was changed, and not all that was asked can be done"),
        "{typo:?}"
    );
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), 2);

    let both = ghtraf_hub(
        &hub,
        d,
        &["remove", "octo/r000", "octo/tyop", "--format", "json"],
    );
    assert_eq!(both.code, 3, "{both:?}");
    assert!(both.stderr.contains("not removed: octo/tyop"), "{both:?}");
    assert_eq!(
        both.json()["plan"]["context"]["not_tracked"][0]["repo"],
        "octo/tyop"
    );
    let repos = hub_file(d)["repos"].clone();
    assert_eq!(
        repos.as_array().unwrap().len(),
        1,
        "octo/r000 removed: {repos}"
    );
    assert_eq!(repos[0]["repo"], "octo/r003");
}

/// A dry run of a plan whose real run exits 3 says so with `--detailed-exitcode` (exit
/// 3, the reason on stderr); without it a dry run that showed its plan exits 0. In JSON
/// mode the closing line names the reason itself: there is no warning above it.
#[test]
fn a_dry_run_with_detailed_exitcode_exits_as_its_real_run_would() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let add = ["add", "octo/r000", "octo/nope"];
    let plain = ghtraf_hub(&hub, d, &[&add[..], &["--dry-run"]].concat());
    assert_eq!(plain.code, 0, "{plain:?}");
    let detailed = ghtraf_hub(
        &hub,
        d,
        &[&add[..], &["--dry-run", "--detailed-exitcode"]].concat(),
    );
    assert_eq!(detailed.code, 3, "{detailed:?}");
    assert!(
        detailed
            .stderr
            .contains("when applied: not deployed: octo/nope was not added to the hub"),
        "{detailed:?}"
    );
    assert!(hub.mutations().is_empty(), "the previews are inert");
    let typo = ghtraf_hub(
        &hub,
        d,
        &["remove", "octo/tyop", "--dry-run", "--detailed-exitcode"],
    );
    assert_eq!(typo.code, 3, "{typo:?}");

    let run = ghtraf_hub(&hub, d, &[&add[..], &["--format", "json"]].concat());
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr.contains(
            "not deployed: octo/nope was not added to the hub: not found, or your token cannot see it"
        ),
        "{run:?}"
    );
    assert!(!run.stderr.contains("see the warning above"), "{run:?}");
}

/// Removing a repository a second time is a converged re-run, not a typo:
/// its gists stay, so it is a skip line and exit 0 (a name nothing is known
/// of still ends with exit 3, above).
#[test]
fn removing_a_removed_repository_again_is_a_skip_not_an_error() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    assert_eq!(ghtraf_hub(&hub, d, &["add", "octo/r000"]).code, 0);
    assert_eq!(ghtraf_hub(&hub, d, &["remove", "octo/r000"]).code, 0);
    let hub_file_before = hub_file(d);
    let again = ghtraf_hub(&hub, d, &["remove", "octo/r000", "--format", "json"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(!again.stderr.contains("not removed"), "{again:?}");
    let doc = again.json();
    assert!(changes(&doc).is_empty(), "{:?}", changes(&doc));
    assert!(
        doc["plan"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["target"] == "octo/r000"
                && a["description"].as_str().unwrap_or_default().contains(
                    "is not tracked by octo/traffic: nothing to remove (no hub collects it)"
                )),
        "{doc:#}"
    );
    assert_eq!(hub_file(d), hub_file_before);
}

/// On a terminal the plan's warning has said why a name is not removed: stderr does not
/// say it again (neither as itself nor "when applied:"), and the exit is still 3.
#[test]
fn on_a_terminal_the_reason_is_said_once() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let url = hub.url();
    let env = [("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)];
    for extra in [&[][..], &["--dry-run", "--detailed-exitcode"]] {
        let mut args = vec!["-n", "hub", "remove", "octo/tyop"];
        args.extend_from_slice(extra);
        let p = std::sync::Arc::new(ghtraf::prompt::ScriptedPrompter::new(Vec::<String>::new()));
        let out = session(d, &args, &env, p, "", true);
        assert_eq!(out.code, 3, "{extra:?}: {out:?}");
        let said = format!("{}{}", out.stdout, out.stderr);
        assert_eq!(
            said.matches("it is not tracked by octo/traffic").count(),
            1,
            "{extra:?}: {out:?}"
        );
        assert!(!out.stdout.contains("Nothing to do"), "{out:?}");
    }
}
