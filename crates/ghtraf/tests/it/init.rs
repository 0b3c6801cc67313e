//! `ghtraf init` through the binary (and its in-process entry point for the
//! interactive paths), in fresh temporary checkouts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::common::*;
use ghtraf::prompt::{Overwrite, Prompter, ScriptedPrompter};

const N: &str = "--non-interactive";

#[test]
fn dry_run_writes_nothing_and_shows_the_plan() {
    let dir = checkout();
    let before = snapshot_tree(dir.path());
    let out = ghtraf(dir.path(), &["init", N, "--dry-run"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(snapshot_tree(dir.path()), before, "dry-run wrote something");
    assert!(out
        .stdout
        .contains("file:copy:.github/workflows/traffic-badges.yml"));
    assert!(
        out.stdout.contains("Plan: 2 to create, 3 to copy."),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Dry run: nothing was changed."));
}

#[test]
fn written_files_are_exactly_the_planned_changes_and_a_rerun_only_skips() {
    let dir = checkout();
    let dry = json(&ghtraf(
        dir.path(),
        &["init", N, "--dry-run", "--format", "json"],
        &[],
    ));
    let out = ghtraf(dir.path(), &["init", N, "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc = json(&out);
    // The run executed the plan the dry-run showed.
    assert_eq!(actions(&dry), actions(&doc));
    let planned: BTreeSet<String> = doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["operation"] != "skip")
        .map(|a| a["target"].as_str().unwrap().to_string())
        .collect();
    let written: BTreeSet<String> = snapshot_tree(dir.path()).into_keys().collect();
    assert_eq!(planned, written);
    assert!(doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "ok"));
    assert!(doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "ok"));

    let before = snapshot_tree(dir.path());
    let again = json(&ghtraf(dir.path(), &["init", N, "--format", "json"], &[]));
    assert!(
        actions(&again).iter().all(|(_, op)| op == "skip"),
        "{again}"
    );
    assert_eq!(snapshot_tree(dir.path()), before);
}

#[test]
fn templates_are_filled_and_github_expressions_kept() {
    let dir = checkout();
    let out = ghtraf(
        dir.path(),
        &[
            "init",
            N,
            "--ci-workflows",
            "CI",
            "Build",
            "--gist-token-name",
            "MY_TOKEN",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let wf =
        std::fs::read_to_string(dir.path().join(".github/workflows/traffic-badges.yml")).unwrap();
    assert!(!wf.contains("__GHTRAF_"), "{wf}");
    assert!(wf.contains("${{ secrets.MY_TOKEN }}"), "{wf}");
    assert!(wf.contains("${{ vars.TRAFFIC_GIST_ID }}"));
    assert!(wf.contains("workflows: [\"CI\", \"Build\"]"), "{wf}");
    assert!(wf.contains("octo/demo"));
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("docs/stats/config.json")).unwrap())
            .unwrap();
    assert_eq!(cfg["owner"], "octo");
    assert_eq!(cfg["repo"], "demo");
    let project: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(".ghtraf.json")).unwrap()).unwrap();
    assert_eq!(project["gistTokenName"], "MY_TOKEN");
    assert_eq!(project["ciWorkflows"], serde_json::json!(["CI", "Build"]));
}

fn edited_checkout() -> tempfile::TempDir {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    std::fs::write(dir.path().join("docs/stats/README.md"), "/* mine */\n").unwrap();
    dir
}

#[test]
fn conflict_non_interactive_keeps_the_file_and_says_how_to_overwrite() {
    let dir = edited_checkout();
    let out = ghtraf(dir.path(), &["init", N, "--format", "json"], &[]);
    assert_eq!(out.code, 0);
    let doc = json(&out);
    let css = doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["target"] == "docs/stats/README.md")
        .unwrap()
        .clone();
    assert_eq!(css["operation"], "skip");
    assert_eq!(
        css["description"],
        "kept: differs from template; use --force to overwrite"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("docs/stats/README.md")).unwrap(),
        "/* mine */\n"
    );
}

#[test]
fn conflict_skip_existing_and_force() {
    let dir = edited_checkout();
    let out = ghtraf(dir.path(), &["init", N, "--skip-existing"], &[]);
    assert!(
        out.stdout
            .contains("kept: differs from template (--skip-existing)"),
        "{}",
        out.stdout
    );
    let out = ghtraf(dir.path(), &["init", N, "--force", "--diff"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("file:overwrite:docs/stats/README.md"));
    assert!(
        out.stdout.contains("-/* mine */"),
        "--diff shows the diff: {}",
        out.stdout
    );
    assert_ne!(
        std::fs::read_to_string(dir.path().join("docs/stats/README.md")).unwrap(),
        "/* mine */\n"
    );
    let both = ghtraf(dir.path(), &["init", N, "--force", "--skip-existing"], &[]);
    assert_eq!(both.code, 2, "{both:?}");
}

#[test]
fn interactive_conflicts_ask_per_file_and_remember_all() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    for f in [
        ".github/workflows/traffic-badges.yml",
        "docs/stats/index.html",
        "docs/stats/README.md",
    ] {
        std::fs::write(dir.path().join(f), "mine\n").unwrap();
    }
    // The workflow: no. index.html: all → README.md is not asked. Then the
    // plan, with the answers in it: apply? yes.
    let p = Arc::new(ScriptedPrompter::new(["n", "a", "y"]));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        p.asked(),
        [
            ".github/workflows/traffic-badges.yml",
            "docs/stats/index.html",
            "Apply this plan?"
        ]
    );
    assert!(!out.stdout.contains("(will ask)"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("kept: differs from template (you said no)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("differs from template: overwrite (you said yes)"),
        "{}",
        out.stdout
    );
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    assert_eq!(read(".github/workflows/traffic-badges.yml"), "mine\n");
    assert_ne!(read("docs/stats/index.html"), "mine\n");
    assert_ne!(read("docs/stats/README.md"), "mine\n");
}

#[test]
fn interactive_no_at_the_confirmation_changes_nothing() {
    let dir = checkout();
    let p = Arc::new(ScriptedPrompter::new(["n"]));
    let out = interactive(dir.path(), &["init"], &[], p, "");
    assert_eq!(out.code, 7, "declined: {out:?}");
    assert_eq!(snapshot_tree(dir.path()).len(), 0);
}

/// A prompter that edits a file while the user is "thinking" at the confirmation.
struct Meddler(std::path::PathBuf);

impl Prompter for Meddler {
    fn confirm(&self, _: &str, _: bool) -> ghtraf::error::Result<bool> {
        std::fs::create_dir_all(self.0.parent().unwrap()).unwrap();
        std::fs::write(&self.0, "changed behind our back\n").unwrap();
        Ok(true)
    }
    fn overwrite(&self, _: &str, _: &str) -> ghtraf::error::Result<Overwrite> {
        Ok(Overwrite::Yes)
    }
    fn text(&self, _: &str, d: Option<&str>) -> ghtraf::error::Result<String> {
        Ok(d.unwrap_or_default().to_string())
    }
    fn secret(&self, _: &str) -> ghtraf::error::Result<ghtraf_plan::Secret> {
        Ok(ghtraf_plan::Secret::new(""))
    }
}

/// An interactive `ghtraf init ARGS` in `dir` whose confirmation rewrites
/// `target`: its exit code and standard output.
fn meddled_init(dir: &std::path::Path, target: &std::path::Path, args: &[&str]) -> (u8, String) {
    let vars = std::collections::BTreeMap::from([
        ("GHTRAF_NOW".to_string(), NOW.to_string()),
        ("NO_COLOR".to_string(), "1".to_string()),
    ]);
    let sink = Sink::default();
    let io = ghtraf::app::Io {
        env: Arc::new(move |k: &str| vars.get(k).cloned()),
        cwd: dir.to_path_buf(),
        stdin: Box::new(std::io::empty()),
        stdout: Box::new(sink.clone()),
        stderr: Box::new(Sink::default()),
        stdin_is_tty: true,
        stdout_is_tty: true,
        stderr_is_tty: true,
        prompter: Arc::new(Meddler(target.to_path_buf())),
        gh_cli: Arc::new(|| None),
    };
    let argv = ["ghtraf", "init"].iter().chain(args).map(|a| a.into());
    let code = ghtraf::app::run(argv.collect(), io);
    (code, sink.text())
}

#[test]
fn a_config_changed_after_planning_keeps_its_content_and_no_record_is_written() {
    let dir = edited_checkout();
    let config = dir.path().join(".ghtraf.json");
    let out = meddled_init(dir.path(), &config, &["--skip-existing"]);
    assert_eq!(out.0, 4, "stale plan exit code: {}", out.1);
    assert!(
        out.1
            .contains("record your kept edit of docs/stats/README.md"),
        "the plan recorded the kept edit: {}",
        out.1
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "changed behind our back\n",
        "the edit made after planning is not overwritten"
    );
}

#[test]
fn a_file_changed_after_planning_stops_the_run_as_stale() {
    let dir = checkout();
    let target = dir.path().join(".github/workflows/traffic-badges.yml");
    let out = meddled_init(dir.path(), &target, &[]);
    assert_eq!(out.0, 4, "stale plan exit code: {}", out.1);
    assert!(
        out.1.contains("changed since the plan was made"),
        "{}",
        out.1
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "changed behind our back\n",
        "the file changed after planning must not be overwritten"
    );
    assert!(out.1.contains("plan is stale"), "{}", out.1);
}

/// The last action of the plan finds the change: no later action is left to be
/// "not run: plan is stale", so the run's own summary must say it. This was
/// the intermittent failure of the test above under load, when the workflow's
/// action happened to finish after every other action had started.
#[test]
fn a_stale_last_action_still_says_the_plan_is_stale() {
    let dir = checkout();
    let target = dir.path().join(".ghtraf.json");
    let out = meddled_init(dir.path(), &target, &[]);
    assert_eq!(out.0, 4, "stale plan exit code: {}", out.1);
    assert!(
        out.1
            .contains("the plan is stale (config:create:.ghtraf.json changed since it was made)"),
        "{}",
        out.1
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "changed behind our back\n"
    );
}

#[test]
fn malformed_config_is_an_error_and_stays_untouched() {
    let dir = checkout();
    std::fs::write(dir.path().join(".ghtraf.json"), "{\"owner\": \"octo\",,}").unwrap();
    let out = ghtraf(dir.path(), &["init", N], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(".ghtraf.json"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".ghtraf.json")).unwrap(),
        "{\"owner\": \"octo\",,}"
    );
    assert_eq!(snapshot_tree(dir.path()).len(), 1);
}

#[test]
fn invalid_repository_names_are_usage_errors() {
    let dir = checkout();
    let out = ghtraf(dir.path(), &["init", N, "--repo", "octo/bad name!"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("error:"), "{}", out.stderr);
}

#[test]
fn target_discovery_finds_the_config_upwards() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    let sub = dir.path().join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    let out = ghtraf(&sub, &["init", N, "--format", "json"], &[]);
    let doc = json(&out);
    assert!(actions(&doc).iter().all(|(_, op)| op == "skip"), "{doc}");
    assert!(!sub.join(".github").exists());
}

#[test]
fn global_flags_work_after_and_before_the_subcommand() {
    let dir = checkout();
    let a = ghtraf(dir.path(), &["--dry-run", "-n", "init"], &[]);
    let b = ghtraf(dir.path(), &["init", "--dry-run", "-n"], &[]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.code, 0);
}

#[test]
fn detailed_exitcode_reports_pending_changes() {
    let dir = checkout();
    let out = ghtraf(
        dir.path(),
        &["init", N, "--dry-run", "--detailed-exitcode"],
        &[],
    );
    assert_eq!(out.code, 5);
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    let out = ghtraf(
        dir.path(),
        &["init", N, "--dry-run", "--detailed-exitcode"],
        &[],
    );
    assert_eq!(out.code, 0);
    let out = ghtraf(dir.path(), &["init", N, "--detailed-exitcode"], &[]);
    assert_eq!(out.code, 2, "only with --dry-run");
}

#[test]
fn verbosity_quiet_and_show_matrix() {
    let dir = checkout();
    let base = ["init", N, "--dry-run"];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        ghtraf(dir.path(), &args, &[])
    };
    // Default: plan on stdout, no config diagnostics.
    let normal = run(&[]);
    assert!(normal.stdout.contains("Plan:"));
    assert!(!normal.stderr.contains("repository octo/demo in"));
    // -v: plan details (sizes) and the config channel's verbose line.
    let v = run(&["-v"]);
    assert!(v.stdout.contains("size:"), "{}", v.stdout);
    assert!(v.stderr.contains("repository octo/demo in"), "{}", v.stderr);
    // -vv: payload-level details (hashes).
    assert!(run(&["-vv"]).stdout.contains("sha256:"));
    // --show config opens only that channel, tagged.
    let show = run(&["--show", "config"]);
    assert!(
        show.stderr.contains("[config] repository octo/demo"),
        "{}",
        show.stderr
    );
    assert!(!show.stdout.contains("size:"));
    // -QQ: no plan on stdout.
    assert_eq!(run(&["-QQ"]).stdout, "");
    // Errors: shown at -QQQ, not at -QQQQ, not even with --show.
    let err_args = ["init", N, "--created", "someday"];
    let loud = ghtraf(dir.path(), &[&err_args[..], &["-QQQ"]].concat(), &[]);
    assert!(loud.stderr.contains("error:"), "{loud:?}");
    assert!(!loud.stderr.contains("hint:") || loud.stderr.contains("YYYY-MM-DD"));
    let silent = ghtraf(
        dir.path(),
        &[&err_args[..], &["-QQQQ", "--show", "error"]].concat(),
        &[],
    );
    assert_eq!((silent.stdout.as_str(), silent.stderr.as_str()), ("", ""));
    assert_eq!(silent.code, 2);
    // Bad --show values are usage errors; --show help lists the channels.
    assert_eq!(run(&["--show", "nope"]).code, 2);
    let list = ghtraf(dir.path(), &["init", "--show", "help"], &[]);
    assert!(list.stdout.contains("trace"), "{}", list.stdout);
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let dir = checkout();
    let args = ["init", N, "--dry-run"];
    let forced = ghtraf(dir.path(), &args, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.stdout.contains("\x1b["), "{}", forced.stdout);
    let both = ghtraf(
        dir.path(),
        &args,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!both.stdout.contains("\x1b["));
    let flag = ghtraf(
        dir.path(),
        &["init", N, "--dry-run", "--no-color"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!flag.stdout.contains("\x1b["));
    let pipe = ghtraf(dir.path(), &args, &[]);
    assert!(!pipe.stdout.contains("\x1b["), "not a terminal: no colour");
}

#[test]
fn json_mode_keeps_stdout_pure() {
    let dir = checkout();
    let out = ghtraf(dir.path(), &["init", N, "--format", "json", "-v"], &[]);
    let doc = json(&out);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["plan"]["command"], "init");
    let first = &doc["plan"]["actions"][0];
    for key in [
        "id",
        "step",
        "category",
        "operation",
        "target",
        "description",
        "details",
        "requires_input",
        "depends_on",
    ] {
        assert!(first.get(key).is_some(), "action lacks {key}");
    }
    let err = ghtraf(
        dir.path(),
        &["init", N, "--format", "json", "--created", "x"],
        &[],
    );
    assert_eq!(json(&err)["error"]["exit_code"], 2);
}

#[test]
fn text_plan_snapshot_for_a_fresh_checkout() {
    let dir = checkout();
    let out = ghtraf(dir.path(), &["init", N, "--dry-run"], &[]);
    let text = out
        .stdout
        .replace(&dir.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!(text);
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let dir = checkout();
    let bash = ghtraf(dir.path(), &["completions", "bash"], &[]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("--dry-run"));
    let man = ghtraf(dir.path(), &["man"], &[]);
    assert!(
        man.stdout.contains(".TH ghtraf"),
        "{}",
        &man.stdout[..man.stdout.len().min(200)]
    );
    let v = ghtraf(dir.path(), &["--version"], &[]);
    assert!(v.stdout.starts_with("ghtraf "));
}

#[test]
fn interactive_runs_ask_only_for_a_repository_nothing_names() {
    let dir = checkout();
    // The origin remote names it: only the plan is asked about (then declined).
    let p = Arc::new(ScriptedPrompter::new(["n"]));
    let out = interactive(dir.path(), &["init"], &[], p.clone(), "");
    assert_eq!(out.code, 7, "declined: {out:?}");
    assert_eq!(p.asked(), ["Apply this plan?"]);
    assert!(out.stdout.contains("in octo/demo"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("Repository octo/demo (from the origin remote)"),
        "{}",
        out.stderr
    );

    let bare = tempfile::tempdir().unwrap();
    let p = Arc::new(ScriptedPrompter::new(["someone", "thing", "n"]));
    let out = interactive(bare.path(), &["init"], &[], p.clone(), "");
    assert_eq!(
        p.asked(),
        ["Repository owner", "Repository name", "Apply this plan?"]
    );
    assert!(out.stdout.contains("in someone/thing"), "{}", out.stdout);
    assert!(
        out.stderr.contains("is not a git checkout"),
        "outside a checkout, create warns: {}",
        out.stderr
    );
    let none = ghtraf(bare.path(), &["init", N], &[]);
    assert_eq!(
        none.code, 2,
        "non-interactive without a repository: {none:?}"
    );
    assert!(
        none.stderr
            .contains("none given, and this is not a git checkout"),
        "{}",
        none.stderr
    );
}

/// A managed JSON file's plan line names the keys of ghtraf's it changes: an
/// edit of the dashboard's `displayName` in `docs/stats/config.json` is
/// replaced (it comes from `.ghtraf.json` or `--display-name`), and the line
/// said only "update our keys, keep yours", so the edit went unnoticed.
#[test]
fn the_config_line_names_the_keys_it_changes() {
    let dir = checkout();
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    let path = dir.path().join("docs/stats/config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ours = config["displayName"].clone();
    config["displayName"] = "Mine".into();
    config["myKey"] = 1.into();
    std::fs::write(&path, serde_json::to_string_pretty(&config).unwrap()).unwrap();

    let dry = ghtraf(dir.path(), &["init", N, "--dry-run"], &[]);
    assert_eq!(dry.code, 0, "{dry:?}");
    let line = dry
        .stdout
        .lines()
        .find(|l| l.contains("config:update:docs/stats/config.json"))
        .unwrap_or_else(|| panic!("{}", dry.stdout));
    assert!(
        line.ends_with("update our keys (displayName), keep yours"),
        "{line}"
    );
    // What the line says is what happens.
    assert_eq!(ghtraf(dir.path(), &["init", N], &[]).code, 0);
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(after["displayName"], ours);
    assert_eq!(after["myKey"], 1);
}
