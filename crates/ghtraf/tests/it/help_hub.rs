//! What `hub add` and `hub remove` say about themselves: their man pages show the
//! repositories as several and in every form `-R` takes, `--detailed-exitcode` names
//! exit 3, and the tip for a flag they do not take (`-R`, which `hub init` takes)
//! names them as they are, computed from the CLI definition.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

/// `hub init` takes -R and `hub add`/`hub remove` do not: the tip names each of them
/// as it is, for `hub add -R` as for `list -R`.
#[test]
fn the_tip_counts_a_flag_of_a_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["list", "-R", "octo/demo"][..],
        &["hub", "add", "-R", "octo/demo", "octo/a"],
        &["hub", "remove", "-R", "octo/demo", "octo/a"],
    ] {
        let out = ghtraf(dir.path(), args, &[]);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr.contains(
                "tip: -R is a flag of every command but list, hub add, hub remove, apply, completions, man\n"
            ),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// `ghtraf-hub-add(1)` and `ghtraf-hub-remove(1)` show the repositories as several
/// (`<OWNER/REPO...>`, as `--help` writes `<OWNER/REPO>...`) and the forms they take;
/// `--detailed-exitcode` names exit 3, which a dry run of such a plan gives.
#[test]
fn hub_add_and_remove_pages_take_several_repositories_in_any_form() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["add", "remove"] {
        let page = ghtraf(dir.path(), &["man", "hub", command], &[]).stdout;
        let synopsis = page
            .split(".SH SYNOPSIS\n")
            .nth(1)
            .and_then(|s| s.lines().next())
            .unwrap_or_default();
        assert!(
            synopsis.ends_with("<\\fIOWNER/REPO...\\fR> "),
            "hub {command}: {synopsis}"
        );
        assert!(
            page.contains("or any form \\-R takes"),
            "hub {command}: {page}"
        );
        assert!(
            page.contains(
                "0 when it has none, 3 when the real run would not do all that was asked"
            ),
            "hub {command}: {page}"
        );
        let help = ghtraf(dir.path(), &["hub", command, "--help"], &[]).stdout;
        assert!(help.contains("<OWNER/REPO>...  "), "{help}");
    }
}
