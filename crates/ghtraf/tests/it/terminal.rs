//! Prompts and terminals: a plan is approved only by someone who can see it,
//! `--yes` is an explicit approval distinct from `-n`, declining is not an
//! error, ended input at any prompt exits 130, and the hidden token prompt
//! gives the terminal back as it found it (Ctrl-C included, through a real pty).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use ghtraf::prompt::ScriptedPrompter;

use crate::common::*;

const WORKFLOW: &str = ".github/workflows/traffic-badges.yml";

fn scrub(out: &Output, dir: &Path) -> String {
    out.transcript()
        .replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn without_a_terminal_a_plan_needs_an_explicit_choice() {
    let dir = checkout();
    let out = ghtraf(dir.path(), &["init", "--repo", "octo/demo"], &[]);
    insta::assert_snapshot!(scrub(&out, dir.path()), @r"
    exit: 2
    --- stdout
    Plan for `ghtraf init` in octo/demo ([DIR]):
      + file:copy:.github/workflows/traffic-badges.yml  copy from template
      + file:copy:docs/stats/index.html                 copy from template
      + file:copy:docs/stats/README.md                  copy from template
      + config:create:docs/stats/config.json            create
      + config:create:.ghtraf.json                      create
    Plan: 2 to create, 3 to copy.
    --- stderr
    error: not applied: this plan needs your approval, and the plan is not shown on a terminal
      hint: review it (`--dry-run`), then approve it with --yes, or run with -n to never ask
    ");
    assert!(!dir.path().join(WORKFLOW).exists(), "nothing was written");

    for choice in ["--yes", "-y", "-n"] {
        let dir = checkout();
        let out = ghtraf(dir.path(), &["init", "--repo", "octo/demo", choice], &[]);
        assert_eq!(out.code, 0, "{choice}: {out:?}");
        assert!(dir.path().join(WORKFLOW).exists(), "{choice} applies");
    }
}

#[test]
fn a_plan_piped_away_or_printed_as_json_is_never_asked_about() {
    // Each refusal names its actual cause: on a terminal, `--format json` and
    // `-QQ` are why the plan is not shown (it said "not shown on a terminal").
    for (args, stdout_is_tty, why) in [
        (
            &["init", "--repo", "octo/demo"][..],
            false,
            "the plan is not shown on a terminal",
        ),
        (
            &["init", "--repo", "octo/demo", "--format", "json"][..],
            true,
            "--format json prints the plan as a document, not for approval",
        ),
        (
            &["init", "--repo", "octo/demo", "-QQ"][..],
            true,
            "-QQ hides the plan",
        ),
    ] {
        let dir = checkout();
        let p = Arc::new(ScriptedPrompter::new(["y"]));
        let out = session(dir.path(), args, &[], p.clone(), "", stdout_is_tty);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains(&format!("this plan needs your approval, and {why}\n")),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("--yes"), "{args:?}: {}", out.stderr);
        assert!(
            p.asked().is_empty(),
            "{args:?}: asked {:?} about a plan nobody sees",
            p.asked()
        );
        assert!(!dir.path().join(WORKFLOW).exists(), "{args:?}");
    }
    // With --yes, the JSON run applies and prints one document.
    let dir = checkout();
    let p = Arc::new(ScriptedPrompter::new(Vec::<String>::new()));
    let args = ["init", "--repo", "octo/demo", "--format", "json", "--yes"];
    let out = session(dir.path(), &args, &[], p.clone(), "", true);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["dry_run"], false);
    assert!(p.asked().is_empty());
}

#[test]
fn yes_approves_the_plan_but_other_questions_are_still_asked() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let url = hub.url();
    let p = Arc::new(ScriptedPrompter::new([CANARY]));
    let out = interactive(
        dir.path(),
        &["create", "--repo", "octo/demo", "--skip-files", "--yes"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p.clone(),
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.asked().len(), 1, "{:?}", p.asked());
    assert!(
        p.asked()[0].contains("TRAFFIC_GIST_TOKEN"),
        "{:?}",
        p.asked()
    );
}

#[test]
fn declining_is_not_an_error() {
    let dir = checkout();
    let p = Arc::new(ScriptedPrompter::new(["n"]));
    let out = interactive(dir.path(), &["init", "--repo", "octo/demo"], &[], p, "");
    assert_eq!(out.code, 7, "{out:?}");
    assert_eq!(out.stderr, "", "no error for a person who declines");
    assert!(
        out.stdout
            .ends_with("Not applied: you answered no. Nothing was changed.\n"),
        "{}",
        out.stdout
    );
    assert!(!dir.path().join(WORKFLOW).exists());
}

#[test]
fn input_ended_at_the_token_prompt_exits_130_without_a_verification() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let url = hub.url();
    // Approve, then input ends (Ctrl-D) at the hidden token prompt.
    let p = Arc::new(ScriptedPrompter::new(["y"]));
    let out = interactive(
        dir.path(),
        &["create", "--repo", "octo/demo", "--skip-files"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p,
        "",
    );
    assert_eq!(out.code, 130, "{out:?}");
    assert!(!out.stdout.contains("Verification"), "{}", out.stdout);
    assert!(
        out.stderr
            .starts_with("error: stopped: input ended at a prompt\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("(stopped: input ended at a prompt)"),
        "{}",
        out.stdout
    );
}

#[test]
fn input_ended_before_the_plan_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    // No origin, no flag: the repository is asked for, and input ends.
    let p = Arc::new(ScriptedPrompter::new(Vec::<String>::new()));
    let out = interactive(dir.path(), &["init"], &[], p, "");
    assert_eq!(out.code, 130, "{out:?}");
    assert_eq!(out.stdout, "");
}

/// Drives the real binary on a pseudo-terminal (its controlling terminal, so
/// Ctrl-C is a real keypress): approve the plan, press Ctrl-C at the hidden
/// token prompt, then read the terminal's settings after the process is gone.
const PTY_DRIVER: &str = r#"
import fcntl, json, os, pty, select, subprocess, sys, termios
binary, cwd = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
def make_controlling():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(
    [binary, "create", "--repo", "octo/demo", "--skip-files"],
    cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
    start_new_session=True, preexec_fn=make_controlling)
seen = b""
def read_until(marker):
    global seen
    while marker not in seen:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            return False
        try:
            chunk = os.read(master, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        seen += chunk
    return True
ok = read_until(b"Apply this plan?")
if ok:
    os.write(master, b"y\r")
    ok = read_until(b"Token for the workflow")
    if ok:
        os.write(master, b"\x03")
try:
    code = child.wait(timeout=120)
except subprocess.TimeoutExpired:
    child.kill()
    code = "hung"
echo = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
print(json.dumps({"reached_prompt": ok, "code": code, "echo": echo,
                  "output": seen.decode("utf-8", "replace")}))
"#;

#[test]
#[cfg(unix)]
fn ctrl_c_at_the_hidden_token_prompt_restores_echo_and_exits_130() {
    let hub = hub_on("2026-02-26");
    let dir = checkout();
    let out = std::process::Command::new("python3")
        .args(["-c", PTY_DRIVER, env!("CARGO_BIN_EXE_ghtraf")])
        .arg(dir.path())
        .env("GHTRAF_API_URL", hub.url())
        .env("GH_TOKEN", API_TOKEN)
        .env("GHTRAF_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("CI")
        .env_remove("GHTRAF_GIST_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_HOST")
        .output()
        .expect("python3 runs the pty driver");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(report["reached_prompt"], true, "{report:#}");
    assert_eq!(report["echo"], true, "echo left off: {report:#}");
    assert_eq!(report["code"], 130, "{report:#}");
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN"),
        None
    );
}

#[test]
fn collect_in_a_terminal_shows_the_days_it_will_record_before_asking() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    let setup = on(&hub)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let url = hub.url();
    let env = [("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)];
    let p = Arc::new(ScriptedPrompter::new(["n"]));
    let asked = interactive(dir.path(), &["collect"], &env, p.clone(), "");
    assert_eq!(asked.code, 7, "{asked:?}");
    assert_eq!(p.asked(), ["Apply this plan?"]);
    assert!(
        asked.stdout.contains("      changes:\n"),
        "{}",
        asked.stdout
    );
    assert!(
        asked.stdout.contains("2026-02-26 added: clones —→"),
        "the day-level numbers are on screen: {}",
        asked.stdout
    );
    // Piped, the plan stays at its summary line unless -v.
    let piped = on(&hub).run(dir.path(), &["collect", "-n", "--dry-run"]);
    assert!(!piped.stdout.contains("changes:"), "{}", piped.stdout);
}

/// Runs the binary with a pty of 40 rows × 60 columns as stdout; prints what it wrote.
const PTY_WIDTH: &str = r#"
import fcntl, os, pty, struct, subprocess, sys, termios
binary, cwd = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 60, 0, 0))
child = subprocess.Popen([binary] + sys.argv[3:], cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=slave, stderr=subprocess.DEVNULL)
os.close(slave)
seen = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
child.wait(timeout=120)
sys.stdout.write(seen.decode("utf-8", "replace").replace("\r\n", "\n"))
"#;

#[test]
#[cfg(unix)]
fn plans_wrap_to_the_terminal_and_stay_whole_in_a_pipe() {
    let dir = checkout();
    let args = ["init", "--dry-run", "-R", "octo/demo", "--no-color"];
    let out = std::process::Command::new("python3")
        .args(["-c", PTY_WIDTH, env!("CARGO_BIN_EXE_ghtraf")])
        .arg(dir.path())
        .args(args)
        .env("GHTRAF_NOW", NOW)
        .env_remove("CI")
        .output()
        .expect("python3 runs the pty driver");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("traffic-badges.yml"), "{text}");
    assert!(
        text.lines().all(|l| l.chars().count() <= 60),
        "every line fits 60 columns:\n{text}"
    );
    let piped = ghtraf(dir.path(), &args, &[]);
    assert!(
        piped.stdout.lines().any(|l| l.chars().count() > 60),
        "a pipe keeps whole lines: {}",
        piped.stdout
    );
}
