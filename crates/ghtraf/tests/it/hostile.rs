//! Hostile and careless local worlds, through the real binary: symlinked
//! managed paths (inside and out of the checkout), a key behind a symlink
//! with every way of printing content turned on, `/dev/zero` and FIFOs where
//! files belong, leftovers of killed writes and what `git add` makes of them,
//! BOM, CRLF and read-only files. Each names what must hold; see
//! docs/hostile-worlds.md.
//!
//! Runs that could hang (a FIFO, `/dev/zero`) go through coreutils `timeout`
//! as a guard only: a pass never depends on time, a hang fails instead of
//! blocking the suite.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Command;

use crate::common::*;

const N: &str = "--non-interactive";
const WORKFLOW: &str = ".github/workflows/traffic-badges.yml";
const KEY_MATERIAL: &str = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB";

/// The binary under a generous `timeout` (exit 124 means it hung). A token
/// and an API URL nobody listens on let `status`/`collect` get as far as
/// reading the checkout.
fn guarded(dir: &Path, args: &[&str]) -> Output {
    guarded_with_stdin(dir, args, std::process::Stdio::null())
}

fn guarded_with_stdin(dir: &Path, args: &[&str], stdin: std::process::Stdio) -> Output {
    let out = Command::new("timeout")
        .arg("60")
        .arg(env!("CARGO_BIN_EXE_ghtraf"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GHTRAF_NOW", NOW)
        .env("GH_TOKEN", "api")
        .env("GHTRAF_API_URL", "http://127.0.0.1:9")
        .stdin(stdin)
        .output()
        .unwrap();
    let out = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(out.code, 124, "ghtraf hung: {}", brief(&out));
    out
}

/// A run in a few lines, for assertion messages (plans are long).
fn brief(out: &Output) -> String {
    let head: String = out.stdout.chars().take(1500).collect();
    format!(
        "exit {}\n--- stderr\n{}\n--- stdout (first 1500 chars)\n{head}",
        out.code, out.stderr
    )
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// Every entry under `dir`, recursively (symlinks not followed).
fn entries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        out.push(e.file_name().to_string_lossy().into_owned());
        if e.file_type().unwrap().is_dir() {
            out.extend(entries(&e.path()));
        }
    }
    out.sort();
    out
}

/// The plan action of a JSON document for `target`.
fn action_for(doc: &serde_json::Value, target: &str) -> serde_json::Value {
    doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["target"] == target)
        .unwrap_or_else(|| panic!("no action for {target}: {doc}"))
        .clone()
}

#[test]
fn a_symlinked_workflows_dir_leading_outside_gets_nothing_and_says_why() {
    let dir = checkout();
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".github")).unwrap();
    symlink(outside.path(), dir.path().join(".github/workflows")).unwrap();
    for force in [false, true] {
        let mut args = vec!["init", N, "--format", "json"];
        if force {
            args.push("--force");
        }
        let out = guarded(dir.path(), &args);
        assert_eq!(out.code, 3, "{}", brief(&out));
        let doc = json(&out);
        let a = action_for(&doc, WORKFLOW);
        assert_eq!(a["operation"], "skip", "{a}");
        let why = a["description"].as_str().unwrap();
        assert!(
            why.starts_with("refused: `.github/workflows` is a symlink"),
            "{why}"
        );
        assert!(why.contains("outside the checkout"), "{why}");
        assert!(entries(outside.path()).is_empty(), "written outside");
        // The rest of the deployment went ahead.
        assert!(dir.path().join("docs/stats/index.html").is_file());
    }
    let text = guarded(dir.path(), &["init", N]);
    assert_eq!(text.code, 3);
    assert!(
        text.stderr.contains("not deployed") && text.stderr.contains(".github/workflows"),
        "{}",
        brief(&text)
    );
    // The dry run shows the same planned conflict and writes nothing.
    let dry = guarded(dir.path(), &["init", N, "--dry-run", "--force"]);
    assert_eq!(dry.code, 0, "{}", brief(&dry));
    assert!(
        dry.stdout
            .contains("refused: `.github/workflows` is a symlink"),
        "{}",
        brief(&dry)
    );
}

#[test]
fn a_symlinked_docs_stats_leading_outside_gets_nothing() {
    let dir = checkout();
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("docs")).unwrap();
    symlink(outside.path(), dir.path().join("docs/stats")).unwrap();
    let out = guarded(dir.path(), &["init", N, "--force", "--format", "json"]);
    assert_eq!(out.code, 3, "{}", brief(&out));
    let doc = json(&out);
    for t in ["docs/stats/index.html", "docs/stats/config.json"] {
        let a = action_for(&doc, t);
        assert_eq!(a["operation"], "skip", "{a}");
        assert!(a["description"]
            .as_str()
            .unwrap()
            .contains("`docs/stats` is a symlink"));
    }
    assert!(entries(outside.path()).is_empty(), "written outside");
    assert!(dir.path().join(WORKFLOW).is_file());
    assert!(fs::symlink_metadata(dir.path().join("docs/stats"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_key_behind_a_managed_symlink_is_never_printed() {
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("id_ed25519");
    let pem = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_MATERIAL}\n-----END OPENSSH PRIVATE KEY-----\n"
    );
    fs::write(&key, &pem).unwrap();
    let init_runs: Vec<Vec<&str>> = vec![
        vec!["init", N, "--dry-run", "--force", "--diff", "-vv"],
        vec![
            "init",
            N,
            "--dry-run",
            "--force",
            "--diff",
            "-vv",
            "--format",
            "json",
        ],
        vec!["init", N, "--force", "--diff", "-vv"],
    ];
    // Templates and the dashboard config linked to the key: planned conflicts.
    let dir = checkout();
    assert_eq!(guarded(dir.path(), &["init", N]).code, 0);
    for managed in [WORKFLOW, "docs/stats/config.json", "docs/stats/README.md"] {
        let p = dir.path().join(managed);
        fs::remove_file(&p).unwrap();
        symlink(&key, &p).unwrap();
    }
    let mut runs = init_runs.clone();
    runs.push(vec!["status", N, "-vv"]);
    for args in &runs {
        let out = guarded(dir.path(), args);
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !stream.contains(KEY_MATERIAL),
                "{args:?} printed the key: {}",
                brief(&out)
            );
            assert!(!stream.contains("PRIVATE KEY"), "{args:?}: {}", brief(&out));
        }
        if args[0] == "init" {
            assert!(
                out.stdout.contains("is a symlink to"),
                "{args:?}: {}",
                brief(&out)
            );
        }
    }
    // .ghtraf.json linked to the key: the configuration cannot be used.
    let dir2 = checkout();
    symlink(&key, dir2.path().join(".ghtraf.json")).unwrap();
    for args in &init_runs {
        let out = guarded(dir2.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", brief(&out));
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !stream.contains(KEY_MATERIAL),
                "{args:?} printed the key: {}",
                brief(&out)
            );
        }
    }
    assert_eq!(
        fs::read_to_string(&key).unwrap(),
        pem,
        "the key was changed"
    );
    assert!(fs::symlink_metadata(dir.path().join(WORKFLOW))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn the_key_link_at_a_managed_file_is_a_planned_skip_under_force() {
    let dir = checkout();
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("id_rsa");
    fs::write(&key, KEY_MATERIAL).unwrap();
    fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    symlink(&key, dir.path().join(WORKFLOW)).unwrap();
    let out = guarded(
        dir.path(),
        &[
            "init",
            N,
            "--dry-run",
            "--force",
            "--diff",
            "-vv",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", brief(&out));
    let a = action_for(&json(&out), WORKFLOW);
    assert_eq!(a["operation"], "skip");
    let why = a["description"].as_str().unwrap();
    assert!(why.contains("is a symlink to"), "{why}");
    assert!(a["details"].get("diff").is_none(), "{a}");
}

#[test]
fn dev_zero_and_fifos_are_clear_errors_or_conflicts_without_hanging() {
    // At the workflow path: a planned conflict naming what is there.
    for kind in ["dev-zero", "fifo"] {
        let dir = checkout();
        fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
        let p = dir.path().join(WORKFLOW);
        if kind == "fifo" {
            mkfifo(&p);
        } else {
            symlink("/dev/zero", &p).unwrap();
        }
        let out = guarded(dir.path(), &["init", N, "--force", "--diff", "-vv"]);
        assert_eq!(out.code, 3, "{kind}: {}", brief(&out));
        let want = if kind == "fifo" {
            "is a FIFO (named pipe), not a regular file"
        } else {
            "is a symlink to `/dev/zero`"
        };
        assert!(out.stdout.contains(want), "{kind}: {}", brief(&out));
    }
    // At .ghtraf.json: the configuration cannot be read, exit 2, nothing written.
    for kind in ["dev-zero", "fifo"] {
        let dir = checkout();
        let p = dir.path().join(".ghtraf.json");
        if kind == "fifo" {
            mkfifo(&p);
        } else {
            symlink("/dev/zero", &p).unwrap();
        }
        for cmd in [vec!["init", N], vec!["status", N], vec!["collect", N]] {
            let out = guarded(dir.path(), &cmd);
            assert_eq!(out.code, 2, "{kind} {cmd:?}: {}", brief(&out));
            assert!(
                out.stderr.contains(".ghtraf.json"),
                "{kind}: {}",
                brief(&out)
            );
            let want = if kind == "fifo" { "FIFO" } else { "/dev/zero" };
            assert!(out.stderr.contains(want), "{kind}: {}", brief(&out));
        }
        assert!(!dir.path().join(WORKFLOW).exists());
    }
}

#[test]
fn a_huge_ghtraf_json_is_refused_by_its_size() {
    let dir = checkout();
    let f = fs::File::create(dir.path().join(".ghtraf.json")).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap(); // sparse: costs no disk
    let out = guarded(dir.path(), &["init", N]);
    assert_eq!(out.code, 2, "{}", brief(&out));
    assert!(out.stderr.contains("too large"), "{}", brief(&out));
}

/// A real git checkout of octo/demo.
fn git_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(ok.status.success(), "git {args:?}: {ok:?}");
    };
    git(&["init", "-q"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/octo/demo.git",
    ]);
    dir
}

/// What `git add` would stage of the paths ghtraf's hint names.
fn would_stage(dir: &Path) -> String {
    let out = Command::new("git")
        .args([
            "add",
            "--dry-run",
            "--",
            ".github",
            "docs/stats",
            ".ghtraf.json",
        ])
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The id of a process that has certainly ended: one we killed.
fn killed_pid() -> u32 {
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    let pid = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    pid
}

#[test]
fn leftovers_of_a_killed_write_are_never_staged() {
    let dir = git_checkout();
    // A complete deployment, then what a kill -9 mid-write leaves behind.
    assert_eq!(guarded(dir.path(), &["init", N]).code, 0);
    let pid = killed_pid();
    let leftovers = [
        format!("docs/stats/.config.json.ghtraf-{pid}.tmp"),
        format!(".github/workflows/.traffic-badges.yml.ghtraf-{pid}.tmp"),
        format!("./.ghtraf.json.ghtraf-{pid}.tmp"),
    ];
    for l in &leftovers {
        fs::write(dir.path().join(l), "{\"half\":").unwrap();
    }
    let staged = would_stage(dir.path());
    assert!(
        staged.contains(".tmp"),
        "the premise: git add stages them: {staged}"
    );
    // Nothing else to do: the run still plans and removes them.
    let dry = guarded(dir.path(), &["init", N, "--dry-run"]);
    assert!(
        dry.stdout.contains("leftover of a killed write"),
        "{}",
        brief(&dry)
    );
    assert!(dir.path().join(&leftovers[0]).exists(), "dry run removed");
    let out = guarded(dir.path(), &["init", N]);
    assert_eq!(out.code, 0, "{}", brief(&out));
    let staged = would_stage(dir.path());
    assert!(!staged.contains(".tmp"), "{staged}");
    // A temp file of a live process (another run writing now) is left alone.
    let live = format!(
        "docs/stats/.index.html.ghtraf-{}.tmp",
        std::os::unix::process::parent_id()
    );
    fs::write(dir.path().join(&live), "in progress").unwrap();
    assert_eq!(guarded(dir.path(), &["init", N]).code, 0);
    assert!(dir.path().join(&live).exists());
}

#[test]
fn a_bom_in_ghtraf_json_is_accepted_and_kept() {
    let dir = checkout();
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(br#"{"owner":"octo","repo":"demo","mine":1}"#);
    fs::write(dir.path().join(".ghtraf.json"), &text).unwrap();
    let out = guarded(dir.path(), &["init", N]);
    assert_eq!(out.code, 0, "{}", brief(&out));
    let after = fs::read(dir.path().join(".ghtraf.json")).unwrap();
    assert!(after.starts_with(b"\xEF\xBB\xBF"), "BOM dropped");
    let v: serde_json::Value = serde_json::from_slice(&after[3..]).unwrap();
    assert_eq!(
        (v["owner"].as_str(), v["mine"].as_i64()),
        (Some("octo"), Some(1))
    );
    // And a second run sees nothing to do.
    let again = json(&guarded(dir.path(), &["init", N, "--format", "json"]));
    assert_eq!(action_for(&again, ".ghtraf.json")["operation"], "skip");
}

#[test]
fn created_in_ghtraf_json_is_validated_like_the_flag() {
    let dir = checkout();
    fs::write(
        dir.path().join(".ghtraf.json"),
        r#"{"owner":"octo","repo":"demo","created":"yesterday"}"#,
    )
    .unwrap();
    for cmd in [vec!["init", N], vec!["status", N], vec!["collect", N]] {
        let out = guarded(dir.path(), &cmd);
        assert_eq!(out.code, 2, "{cmd:?}: {}", brief(&out));
        assert!(
            out.stderr
                .contains(".ghtraf.json: key \"created\": `yesterday` is not a date"),
            "{}",
            brief(&out)
        );
    }
    assert!(!dir.path().join("docs/stats/config.json").exists());
    let flag = guarded(dir.path(), &["init", N, "--created", "yesterday"]);
    assert_eq!(flag.code, 2, "{}", brief(&flag));
}

#[test]
fn crlf_checkouts_are_not_drift_and_writes_keep_crlf() {
    let dir = checkout();
    assert_eq!(guarded(dir.path(), &["init", N]).code, 0);
    let wf = dir.path().join(WORKFLOW);
    let lf = fs::read_to_string(&wf).unwrap();
    let crlf = lf.replace('\n', "\r\n");
    fs::write(&wf, &crlf).unwrap();
    // Same text, other line endings: identical, not a conflict.
    let doc = json(&guarded(dir.path(), &["init", N, "--format", "json"]));
    let a = action_for(&doc, WORKFLOW);
    assert_eq!(a["operation"], "skip", "{a}");
    assert!(
        a["description"].as_str().unwrap().starts_with("identical"),
        "{a}"
    );
    assert_eq!(fs::read_to_string(&wf).unwrap(), crlf);
    // An edited CRLF file overwritten with --force stays CRLF throughout.
    fs::write(&wf, crlf.replacen("name:", "name: mine", 1)).unwrap();
    let out = guarded(dir.path(), &["init", N, "--force"]);
    assert_eq!(out.code, 0, "{}", brief(&out));
    let written = fs::read_to_string(&wf).unwrap();
    assert_eq!(written, crlf, "not the template in CRLF");
    // A CRLF dashboard config is merged and written back as CRLF.
    let cfg = dir.path().join("docs/stats/config.json");
    let text = fs::read_to_string(&cfg).unwrap();
    fs::write(
        &cfg,
        text.replace("\"demo\"", "\"old\"").replace('\n', "\r\n"),
    )
    .unwrap();
    assert_eq!(guarded(dir.path(), &["init", N]).code, 0);
    let merged = fs::read_to_string(&cfg).unwrap();
    assert_eq!(merged, text.replace('\n', "\r\n"));
}

#[test]
fn a_read_only_file_overwritten_with_force_keeps_its_mode() {
    let dir = checkout();
    assert_eq!(guarded(dir.path(), &["init", N]).code, 0);
    let css = dir.path().join("docs/stats/README.md");
    let template = fs::read(&css).unwrap();
    fs::write(&css, "/* mine */\n").unwrap();
    fs::set_permissions(&css, fs::Permissions::from_mode(0o444)).unwrap();
    let out = guarded(dir.path(), &["init", N, "--force"]);
    assert_eq!(out.code, 0, "{}", brief(&out));
    assert_eq!(fs::read(&css).unwrap(), template);
    let mode = fs::metadata(&css).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

#[test]
fn verify_reports_a_symlinked_managed_path_as_drift() {
    let hub = demo_hub_on("2026-02-26");
    let url = hub.url();
    let env = [
        ("GHTRAF_API_URL", url.as_str()),
        ("GH_TOKEN", "api"),
        ("GHTRAF_GIST_TOKEN", "workflow-token"),
    ];
    let dir = checkout();
    let out = ghtraf(dir.path(), &["create", N, "--repo", "octo/demo"], &env);
    assert_eq!(out.code, 0, "{}", brief(&out));
    // The dashboard moved out of the checkout and linked back.
    let outside = tempfile::tempdir().unwrap();
    let moved = outside.path().join("stats");
    fs::rename(dir.path().join("docs/stats"), &moved).unwrap();
    symlink(&moved, dir.path().join("docs/stats")).unwrap();
    let out = ghtraf(dir.path(), &["verify", N, "--format", "json"], &env);
    assert_eq!(out.code, 3, "{}", brief(&out));
    let doc = json(&out);
    let refused: Vec<String> = doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "deviation")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .filter(|m| m.contains("`docs/stats` is a symlink"))
        .collect();
    assert!(!refused.is_empty(), "{}", brief(&out));
}

#[test]
fn a_saved_plan_or_a_token_from_dev_zero_is_an_error_not_a_hang() {
    let dir = checkout();
    let out = guarded(dir.path(), &["apply", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", brief(&out));
    assert!(out.stderr.contains("character device"), "{}", brief(&out));
    let fifo = dir.path().join("plan.json");
    mkfifo(&fifo);
    let out = guarded(dir.path(), &["apply", "plan.json"]);
    assert_eq!(out.code, 2, "{}", brief(&out));
    assert!(out.stderr.contains("FIFO"), "{}", brief(&out));
    let zero = fs::File::open("/dev/zero").unwrap();
    let out = guarded_with_stdin(
        dir.path(),
        &["create", N, "--repo", "octo/demo", "--gist-token-stdin"],
        zero.into(),
    );
    assert_eq!(out.code, 2, "{}", brief(&out));
    assert!(
        out.stderr.contains("standard input is longer than"),
        "{}",
        brief(&out)
    );
}
