//! `ghtraf hub init | add | remove` against fakehub with dozens of
//! repositories: the plan is the mutations, the dry run is inert, a re-run
//! converges; a repository's own active workflow is kept (and skipped by the
//! hub) or retired as a planned action.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, World};
use serde_json::{json, Value};

const NOW: &str = "2026-02-10T03:00:00Z";
const REPOS: usize = 30;
const HUB_GIST: &str = "00000000000000000000000000abcdef";

pub(crate) fn world() -> FakeHub {
    let mut world = World::many_repos("octo", REPOS);
    world.today = Some("2026-02-10".into());
    let mut text = serde_json::to_value(world).unwrap();
    text["repos"]["octo/traffic"] = json!({});
    text["gists"][HUB_GIST] = json!({
        "owner": "octo", "description": "[GTT] octo/traffic · badges", "public": true,
        "files": {"state.json": "{}"}, "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    });
    // r001 and r002 still run their own workflow.
    for n in [1, 2] {
        text["repos"][format!("octo/r{n:03}")]["workflows"] = json!({"7": {
            "name": "Traffic badges", "path": ".github/workflows/traffic-badges.yml",
            "state": "active", "created_at": "2026-01-01T00:00:00Z"}});
    }
    FakeHub::start(Config {
        world: World::from_json(&text.to_string()).unwrap(),
        ..Config::default()
    })
    .unwrap()
}

pub(crate) fn ghtraf_hub(hub: &FakeHub, dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["hub", "-n"];
    all.extend_from_slice(args);
    // `-n` is global: put it first.
    all.swap(0, 1);
    on(hub).now(NOW).run(dir, &all)
}

pub(crate) fn hub_file(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(".ghtraf-hub.json")).unwrap()).unwrap()
}

#[test]
fn hub_setup_plans_what_it_does_and_converges() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();

    // init: dry run inert, then the files, then nothing.
    let dry = ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        !d.join(".ghtraf-hub.json").exists(),
        "dry run writes nothing"
    );
    let init = ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]);
    assert_eq!(init.code, 0, "{init:?}");
    assert_eq!(hub_file(d)["portfolioGistId"], HUB_GIST);
    assert!(d.join(".github/workflows/traffic-hub.yml").exists());
    assert!(
        d.join("docs/portfolio/index.html").exists(),
        "the portfolio page"
    );
    let page: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("docs/portfolio/config.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(page["portfolioGistId"], HUB_GIST);
    assert_eq!(page["gistOwner"], "octo");
    let again = ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]);
    assert!(again.stdout.contains("Nothing to do"), "{}", again.stdout);

    // add all 30: two keep their own workflow unless retired.
    let names: Vec<String> = (0..REPOS).map(|n| format!("octo/r{n:03}")).collect();
    let mut add = vec!["add"];
    add.extend(names.iter().map(String::as_str));
    hub.clear_log();
    let mut dry_add = add.clone();
    dry_add.push("--dry-run");
    let dry = ghtraf_hub(&hub, d, &dry_add);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "dry run is inert");
    assert!(
        dry.stdout.starts_with("Plan for `ghtraf hub add` in "),
        "the heading names the subcommand: {}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("octo/r001 keeps its own traffic-badges.yml"),
        "{}",
        dry.stdout
    );
    let mut retire = add.clone();
    retire.push("--retire-own-workflow");
    let run = ghtraf_hub(&hub, d, &retire);
    assert_eq!(run.code, 0, "{run:?}");
    // The executor runs independent actions in parallel: compare as a set. Besides the
    // retirements, each adopted badge gist gets the hub's mark (one PATCH each).
    let (marks, mut disabled): (Vec<String>, Vec<String>) = hub
        .mutations()
        .into_iter()
        .map(|m| m.path)
        .partition(|p| p.starts_with("/gists/"));
    assert_eq!(marks.len(), REPOS, "{marks:?}");
    disabled.sort();
    assert_eq!(
        disabled,
        [
            "/repos/octo/r001/actions/workflows/traffic-badges.yml/disable",
            "/repos/octo/r002/actions/workflows/traffic-badges.yml/disable"
        ],
        "the plan's two retirements are the only mutations"
    );
    let file = hub_file(d);
    let repos = file["repos"].as_array().unwrap();
    assert_eq!(repos.len(), REPOS);
    assert_eq!(
        repos[3]["badgeGistId"],
        format!("{:016x}{:016x}", 7, 0xfeed)
    );
    assert!(repos.iter().all(|r| r.get("ownWorkflow").is_none()));
    let workflow = std::fs::read_to_string(d.join(".github/workflows/traffic-hub.yml")).unwrap();
    assert!(
        workflow.contains("/1\""),
        "30 repositories are one shard: {workflow}"
    );

    hub.clear_log();
    let again = ghtraf_hub(&hub, d, &retire);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(hub.mutations().is_empty(), "re-run converges");
    assert!(again.stdout.contains("Nothing to do"), "{}", again.stdout);

    // remove: the file shrinks; on GitHub only the hub's marks come out of their gists.
    let rm = ghtraf_hub(&hub, d, &["remove", "octo/r000", "octo/r029"]);
    assert_eq!(rm.code, 0, "{rm:?}");
    let mut unmarked: Vec<String> = hub.mutations().into_iter().map(|m| m.path).collect();
    unmarked.sort();
    assert_eq!(
        unmarked,
        [
            format!("/gists/{:016x}{:016x}", 1, 0xfeed),
            format!("/gists/{:016x}{:016x}", 59, 0xfeed)
        ]
    );
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), REPOS - 2);
}

#[test]
fn an_own_workflow_is_kept_and_the_hub_skips_it() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let add = ghtraf_hub(&hub, d, &["add", "octo/r000", "octo/r001"]);
    assert_eq!(add.code, 0, "{add:?}");
    // Keeping changes nothing on GitHub for r001; r000, collected, gets the hub's mark.
    let done: Vec<String> = hub.mutations().into_iter().map(|m| m.path).collect();
    assert_eq!(
        done,
        [format!("/gists/{:016x}{:016x}", 1, 0xfeed)],
        "keeping changes nothing on GitHub"
    );
    let file = hub_file(d);
    assert_eq!(file["repos"][1]["repo"], "octo/r001");
    assert_eq!(
        file["repos"][1]["ownWorkflow"],
        "traffic-badges.yml is active"
    );
    let dry = on(&hub)
        .now(NOW)
        .run(d, &["-n", "collect", "--all", "--dry-run"]);
    assert!(
        dry.stdout
            .contains("octo/r001: skipped: it keeps its own workflow"),
        "{dry:?}"
    );
}

#[test]
fn a_saved_hub_plan_is_applied_exactly_as_previewed() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let args = ["add", "octo/r001", "octo/r005", "--retire-own-workflow"];
    let mut preview = args.to_vec();
    preview.extend([
        "--dry-run",
        "--format",
        "json",
        "--plan-out",
        "hub-plan.json",
    ]);
    let dry = ghtraf_hub(&hub, d, &preview);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty(), "the preview is inert");
    let applied = on(&hub)
        .now(NOW)
        .run(d, &["-n", "--format", "json", "apply", "hub-plan.json"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_eq!(
        applied.json()["plan"]["actions"],
        dry.json()["plan"]["actions"],
        "what was previewed is what ran"
    );
    // r001's own workflow retired, and both badge gists marked as the hub's.
    assert_eq!(hub.mutations().len(), 3, "{:?}", hub.mutations());
    assert_eq!(hub_file(d)["repos"].as_array().unwrap().len(), 2);
}

/// The kept repository's warning says "pass --retire-own-workflow": doing so
/// on the next `hub add` retires it (it was "already tracked", and nothing
/// happened), and a workflow the user disabled since lets the hub collect it.
#[test]
fn a_kept_own_workflow_is_retired_when_added_again_as_the_warning_says() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let kept = ghtraf_hub(&hub, d, &["add", "octo/r001", "octo/r002"]);
    assert!(
        kept.stdout.contains("--retire-own-workflow")
            || kept.stderr.contains("--retire-own-workflow"),
        "{kept:?}"
    );
    assert_eq!(
        hub_file(d)["repos"][0]["ownWorkflow"],
        "traffic-badges.yml is active"
    );

    hub.clear_log();
    let retired = ghtraf_hub(&hub, d, &["add", "octo/r001", "--retire-own-workflow"]);
    assert_eq!(retired.code, 0, "{retired:?}");
    let mut done: Vec<String> = hub.mutations().into_iter().map(|m| m.path).collect();
    done.sort();
    assert_eq!(
        done,
        [
            format!("/gists/{:016x}{:016x}", 3, 0xfeed),
            "/repos/octo/r001/actions/workflows/traffic-badges.yml/disable".to_string()
        ],
        "retired, and its badge gist marked as the hub's: {retired:?}"
    );
    let file = hub_file(d);
    assert!(file["repos"][0].get("ownWorkflow").is_none(), "{file}");
    assert_eq!(
        file["repos"][1]["ownWorkflow"],
        "traffic-badges.yml is active"
    );

    // r002's owner disables its workflow by hand: adding it again lets the hub collect it.
    hub.patch_world(
        json!({"repos": {"octo/r002": {"workflows": {"7": {"state": "disabled_manually"}}}}}),
    )
    .unwrap();
    hub.clear_log();
    let again = ghtraf_hub(&hub, d, &["add", "octo/r002"]);
    assert_eq!(again.code, 0, "{again:?}");
    let done: Vec<String> = hub.mutations().into_iter().map(|m| m.path).collect();
    assert_eq!(
        done,
        [format!("/gists/{:016x}{:016x}", 5, 0xfeed)],
        "only the hub's mark in its badge gist: {again:?}"
    );
    assert!(
        hub_file(d)["repos"][1].get("ownWorkflow").is_none(),
        "{again:?}"
    );
}

/// A misspelt or hidden repository is named as `create` names it (not found,
/// or your token cannot see it), not as "cannot read its variables"; the
/// others are added.
#[test]
fn a_repository_github_does_not_show_is_said_not_found() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let add = ghtraf_hub(&hub, d, &["add", "octo/nope", "octo/r000"]);
    // A typo is not a success: `hub add X && …` must not carry on.
    assert_eq!(add.code, 3, "{add:?}");
    let said = format!("{}{}", add.stdout, add.stderr);
    assert!(
        said.contains("not deployed: octo/nope was not added to the hub"),
        "{add:?}"
    );
    assert!(
        said.contains("octo/nope not added: not found, or your token cannot see it"),
        "{add:?}"
    );
    assert!(!said.contains("variables"), "{add:?}");
    let repos: Vec<Value> = hub_file(d)["repos"].as_array().unwrap().clone();
    assert_eq!(repos.len(), 1);
    assert_eq!(repos[0]["repo"], "octo/r000");
}

/// The plan says which repositories the hub file's change tracks or stops
/// tracking: `hub remove`'s plan was "update our keys, keep yours" and
/// named no repository.
#[test]
fn the_hub_file_line_names_the_repositories_it_changes() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let line = |out: &Output| {
        out.stdout
            .lines()
            .find(|l| l.contains(":.ghtraf-hub.json"))
            .unwrap_or_default()
            .to_string()
    };
    let add = ghtraf_hub(
        &hub,
        d,
        &[
            "add",
            "octo/r000",
            "octo/r003",
            "octo/r004",
            "octo/r005",
            "octo/r001",
        ],
    );
    assert_eq!(add.code, 0, "{add:?}");
    assert!(
        line(&add).ends_with("track octo/r000, octo/r003, octo/r004 and 2 more"),
        "{}",
        add.stdout
    );
    let retire = ghtraf_hub(&hub, d, &["add", "octo/r001", "--retire-own-workflow"]);
    assert!(
        line(&retire).ends_with("collect octo/r001 from the hub"),
        "{}",
        retire.stdout
    );
    let rm = ghtraf_hub(&hub, d, &["remove", "octo/r003", "octo/r009"]);
    assert!(
        line(&rm).ends_with(": stop tracking octo/r003"),
        "{}",
        rm.stdout
    );
}

/// `hub init` finds the hub as every command finds its repository (README
/// "Naming a repository"): the origin remote of the hub's checkout, or
/// `-R` in any form gh accepts; it demanded `--repo OWNER/REPO`.
#[test]
fn hub_init_names_the_hub_by_the_naming_rule() {
    let hub = world();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::write(
        d.join(".git/config"),
        "[remote \"origin\"]\n\turl = git@github.com:octo/traffic.git\n",
    )
    .unwrap();
    let by_origin = ghtraf_hub(&hub, d, &["init", "--dry-run"]);
    assert_eq!(by_origin.code, 0, "{by_origin:?}");
    assert!(
        by_origin.stdout.contains("secret:skip:TRAFFIC_GIST_TOKEN")
            || by_origin.stdout.contains("secret:set:TRAFFIC_GIST_TOKEN"),
        "{by_origin:?}"
    );
    let by_url = ghtraf_hub(
        &hub,
        d,
        &["init", "-R", "https://github.com/octo/traffic", "--dry-run"],
    );
    assert_eq!(by_url.code, 0, "{by_url:?}");
    assert_eq!(by_url.stdout, by_origin.stdout);
    assert!(hub.mutations().is_empty(), "previews only");
    let run = ghtraf_hub(&hub, d, &["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(hub_file(d)["hub"], "octo/traffic");
    assert_eq!(
        hub_file(d)["portfolioGistId"],
        HUB_GIST,
        "the hub's gist adopted"
    );
}

/// A tracked repository whose badge gist was deleted: `hub add` said only
/// "already tracked", with no way forward.
#[test]
fn adding_a_tracked_repository_whose_gist_is_gone_says_how_to_remake_it() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    assert_eq!(ghtraf_hub(&hub, d, &["add", "octo/r000"]).code, 0);
    let badge = hub_file(d)["repos"][0]["badgeGistId"]
        .as_str()
        .unwrap()
        .to_string();
    hub.patch_world(json!({"gists": {badge.clone(): null}}))
        .unwrap();
    hub.clear_log();
    let again = ghtraf_hub(&hub, d, &["add", "octo/r000"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        hub.mutations().is_empty(),
        "nothing is written to a gist that is gone: {:?}",
        hub.mutations()
    );
    let said = format!("{}{}", again.stdout, again.stderr);
    assert!(
        said.contains("octo/r000 is tracked, but no badge gist named for it exists any more"),
        "{again:?}"
    );
    assert!(said.contains("`ghtraf hub remove octo/r000`"), "{again:?}");
    // Following the advice makes a new badge gist.
    assert_eq!(ghtraf_hub(&hub, d, &["remove", "octo/r000"]).code, 0);
    assert_eq!(ghtraf_hub(&hub, d, &["add", "octo/r000"]).code, 0);
    let remade = hub_file(d)["repos"][0]["badgeGistId"].clone();
    assert!(remade.is_string() && remade != badge.as_str(), "{remade}");
}

/// The hub workflow is rendered whole from `.ghtraf-hub.json`: a user's edit
/// to it (a note, another cron) is replaced, so its plan and verify lines say
/// so. They said "update our keys, keep yours", the JSON files' merge wording,
/// and `hub add` then dropped the edit.
#[test]
fn the_hub_workflow_line_does_not_promise_to_keep_an_edit() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let path = d.join(".github/workflows/traffic-hub.yml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("# my note\n");
    std::fs::write(&path, text).unwrap();
    let line = |out: &Output| {
        out.stdout
            .lines()
            .find(|l| l.contains(":.github/workflows/traffic-hub.yml"))
            .unwrap_or_default()
            .to_string()
    };
    let honest = "re-render from .ghtraf-hub.json (a generated file: edits to it are not kept)";

    let verify = on(&hub).now(NOW).run(d, &["-n", "verify"]);
    assert_eq!(verify.code, 3, "{verify:?}");
    assert!(line(&verify).contains("DEVIATION"), "{}", verify.stdout);
    assert!(line(&verify).ends_with(honest), "{}", verify.stdout);

    let add = ghtraf_hub(&hub, d, &["add", "octo/r000"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert!(line(&add).ends_with(honest), "{}", add.stdout);
    assert!(!line(&add).contains("keep yours"), "{}", add.stdout);
    // What the line says is what happened: the note is gone.
    assert!(!std::fs::read_to_string(&path)
        .unwrap()
        .contains("# my note"));
}

/// `hub init` of a hub that tracks nothing says what comes next (its only hint
/// was to commit and push a hub that collects nothing); once it tracks
/// repositories, a re-run does not say it again.
#[test]
fn hub_init_of_an_empty_hub_points_at_hub_add() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    let next = "hint: the hub tracks no repository yet: ghtraf hub add OWNER/REPO…";
    let init = ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]);
    assert_eq!(init.code, 0, "{init:?}");
    assert!(init.stderr.contains(next), "{}", init.stderr);
    assert_eq!(ghtraf_hub(&hub, d, &["add", "octo/r000"]).code, 0);
    // A re-run that changes something (the portfolio page restored), so its hints are given.
    std::fs::remove_file(d.join("docs/portfolio/README.md")).unwrap();
    let again = ghtraf_hub(&hub, d, &["init"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.contains("commit and push the hub"),
        "{}",
        again.stderr
    );
    assert!(!again.stderr.contains(next), "{}", again.stderr);
}

/// `hub init` adopting the hub's badge gist names it in the plan, as `create` does (a
/// fresh one shows `+ gist:create:…/badges`): the gist that will hold `portfolio.json`
/// is approved knowingly.
#[test]
fn hub_init_names_the_badge_gist_it_adopts() {
    let hub = world();
    let dir = checkout();
    let dry = ghtraf_hub(
        &hub,
        dir.path(),
        &["init", "--repo", "octo/traffic", "--dry-run"],
    );
    assert_eq!(dry.code, 0, "{dry:?}");
    let line = dry
        .stdout
        .lines()
        .find(|l| l.contains("gist:skip:octo/traffic/badges"))
        .unwrap_or_else(|| panic!("no line for the adopted gist: {}", dry.stdout));
    assert!(
        line.contains(&format!(
            "adopting existing gist {HUB_GIST} (found by its name"
        )),
        "{line}"
    );
}

/// Adding repositories the hub already tracks is a converged re-run: a skip line each in
/// the plan, not a warning (which `-QQ` still printed, one per repository).
#[test]
fn adding_tracked_repositories_again_is_a_skip_not_a_warning() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let add = ["add", "octo/r000", "octo/r003"];
    assert_eq!(ghtraf_hub(&hub, d, &add).code, 0);
    let again = ghtraf_hub(&hub, d, &add);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(!again.stderr.contains("already tracked"), "{again:?}");
    assert!(
        again
            .stdout
            .lines()
            .any(|l| l.contains("= config:skip:octo/r003")
                && l.contains("octo/r003 is already tracked")),
        "{again:?}"
    );
    let quiet = ghtraf_hub(&hub, d, &[&add[..], &["-QQ"]].concat());
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert_eq!(quiet.stderr, "", "{quiet:?}");
}

/// `hub add` and `hub remove` take every form `-R` takes (README "Naming a
/// repository"): a URL was refused as "the owner may only contain letters…".
#[test]
fn hub_add_and_remove_take_every_form_the_repo_flag_takes() {
    let hub = world();
    let dir = checkout();
    let d = dir.path();
    assert_eq!(
        ghtraf_hub(&hub, d, &["init", "--repo", "octo/traffic"]).code,
        0
    );
    let plain = ghtraf_hub(&hub, d, &["add", "octo/r000", "--dry-run"]);
    assert_eq!(plain.code, 0, "{plain:?}");
    for form in [
        "https://github.com/octo/r000",
        "github.com/octo/r000",
        "git@github.com:octo/r000.git",
    ] {
        let out = ghtraf_hub(&hub, d, &["add", form, "--dry-run"]);
        assert_eq!(out.code, 0, "{form}: {out:?}");
        assert_eq!(out.stdout, plain.stdout, "{form}");
    }
    let add = ghtraf_hub(&hub, d, &["add", "https://github.com/octo/r000"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert_eq!(hub_file(d)["repos"][0]["repo"], "octo/r000");
    let remove = ghtraf_hub(&hub, d, &["remove", "git@github.com:octo/r000.git"]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert_eq!(hub_file(d)["repos"], json!([]));
}
