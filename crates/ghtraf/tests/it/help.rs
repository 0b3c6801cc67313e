//! Help, man pages, completions and colour: examples in every command's
//! help, the command's flags before the global ones, flags that do nothing
//! refused, `ghtraf-COMMAND(1)` pages with ENVIRONMENT, EXIT STATUS and
//! EXAMPLES, `ghtraf help -h`, no file names offered after `--show`, and
//! `--color WHEN`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const COMMANDS: [&str; 12] = [
    "create",
    "init",
    "collect",
    "upgrade",
    "hub",
    "status",
    "list",
    "verify",
    "export",
    "apply",
    "completions",
    "man",
];

#[test]
fn every_command_has_examples_and_its_own_flags_first() {
    let dir = tempfile::tempdir().unwrap();
    for command in COMMANDS {
        let out = ghtraf(dir.path(), &[command, "--help"], &[]);
        assert_eq!(out.code, 0, "{command}: {out:?}");
        assert!(
            out.stdout.contains("\nExamples:\n  ghtraf "),
            "{command}: {}",
            out.stdout
        );
        let global = out.stdout.find("Global options:").expect("Global options");
        let own = out.stdout.find("Options:").expect("Options");
        assert!(own < global, "{command}: own flags first: {}", out.stdout);
    }
    let help = ghtraf(dir.path(), &["help", "-h"], &[]);
    assert_eq!(help.code, 0, "{help:?}");
    assert!(help.stdout.contains("Usage: ghtraf"), "{}", help.stdout);
}

#[test]
fn flags_that_do_nothing_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = ghtraf(dir.path(), &["list", "--dry-run"], &[]);
    insta::assert_snapshot!(out.transcript(), @r"
    exit: 2
    --- stderr
    error: --dry-run does nothing for `ghtraf list`: it changes nothing
    ");
    for args in [
        &["status", "--yes"][..],
        &["verify", "--plan-out", "p.json"][..],
        &["export", "--fail-fast"][..],
        &["man", "--format", "json"][..],
        &["completions", "bash", "--format", "json"][..],
    ] {
        let out = ghtraf(dir.path(), args, &[]);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains("does nothing for"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn each_command_has_its_man_page_with_environment_exit_status_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    let top = ghtraf(dir.path(), &["man"], &[]);
    assert!(
        top.stdout.contains("ghtraf\\-create(1)"),
        "the page points to it"
    );
    for command in COMMANDS {
        let out = ghtraf(dir.path(), &["man", command], &[]);
        assert_eq!(out.code, 0, "{command}: {out:?}");
        assert!(
            out.stdout.contains(&format!(".TH ghtraf-{command} 1")),
            "{command}: {}",
            &out.stdout[..200.min(out.stdout.len())]
        );
        for section in [".SH EXAMPLES", ".SH ENVIRONMENT", ".SH \"EXIT STATUS\""] {
            assert!(out.stdout.contains(section), "{command}: {section}");
        }
    }
    let nope = ghtraf(dir.path(), &["man", "nope"], &[]);
    assert_eq!(nope.code, 2, "{nope:?}");
}

#[test]
fn completion_offers_channels_not_file_names_after_show() {
    let dir = tempfile::tempdir().unwrap();
    let out = ghtraf(dir.path(), &["completions", "bash"], &[]);
    let show = out.stdout.find("--show)").expect("a --show case");
    let case = &out.stdout[show..show + 400];
    let reply = case.lines().nth(1).unwrap();
    assert!(reply.contains("api:1") && reply.contains("help"), "{reply}");
    assert!(!reply.contains("compgen -f"), "{reply}");
}

#[test]
fn color_when_beats_the_environment_and_conflicts_with_no_color() {
    let dir = checkout();
    let plan = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["init", "-n", "--dry-run"];
        all.extend_from_slice(args);
        ghtraf(dir.path(), &all, env).stdout
    };
    assert!(plan(&["--color", "always"], &[]).contains("\x1b["));
    assert!(plan(&["--color", "always"], &[("NO_COLOR", "1")]).contains("\x1b["));
    assert!(!plan(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]).contains("\x1b["));
    assert!(
        !plan(&["--color", "auto"], &[]).contains("\x1b["),
        "not a terminal"
    );
    assert!(plan(&[], &[("CLICOLOR_FORCE", "1")]).contains("\x1b["));
    let both = ghtraf(
        dir.path(),
        &["init", "--no-color", "--color", "always"],
        &[],
    );
    assert_eq!(both.code, 2, "{both:?}");
}
