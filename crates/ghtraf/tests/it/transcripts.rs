//! Whole transcripts (exit status, stdout and stderr together) where the full
//! message is what the user gets: the run-mode refusals the driver owns.
//! A changed word shows up here as a diff of the whole text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

fn transcript(args: &[&str]) -> String {
    let dir = checkout();
    ghtraf(dir.path(), args, &[])
        .transcript()
        .replace(&dir.path().display().to_string(), "[DIR]")
}

#[test]
fn plan_out_needs_dry_run() {
    insta::assert_snapshot!(transcript(&["init", "-n", "--plan-out", "plan.json"]), @r"
    exit: 2
    --- stderr
    error: --plan-out saves a preview: use it with --dry-run
    ");
}

#[test]
fn detailed_exitcode_needs_dry_run() {
    insta::assert_snapshot!(transcript(&["init", "-n", "--detailed-exitcode"]), @r"
    exit: 2
    --- stderr
    error: --detailed-exitcode only makes sense with --dry-run
    ");
}

#[test]
fn apply_is_never_a_preview() {
    insta::assert_snapshot!(transcript(&["apply", "plan.json", "--dry-run"]), @r"
    exit: 2
    --- stderr
    error: unexpected argument '--dry-run' found

      tip: apply runs a reviewed plan; to preview, run the planning command with --dry-run

    Usage: ghtraf apply <PATH>

    For more information, try '--help'.
    ");
}

#[test]
fn apply_of_a_missing_file_names_it() {
    insta::assert_snapshot!(transcript(&["apply", "missing.json"]), @r"
    exit: 2
    --- stderr
    error: cannot read [DIR]/missing.json: No such file or directory (os error 2)
    ");
}

#[test]
fn csv_is_only_for_export() {
    insta::assert_snapshot!(transcript(&["init", "-n", "--format", "csv"]), @r"
    exit: 2
    --- stderr
    error: invalid value 'csv' for '--format <FORMAT>'
      [possible values: text, json]

      tip: --format csv is only for `ghtraf export`

    For more information, try '--help'.
    ");
}
