//! Help, man pages, completions and colour: examples in every command's
//! help; each command's help, man page and completions list exactly the
//! flags that act for it (its own, then the run-mode ones, then the inherited
//! ones), clap refuses the rest, and `--config` and `--api-url` act wherever
//! they are taken; `ghtraf-COMMAND(1)` pages with ENVIRONMENT, EXIT STATUS and
//! EXAMPLES, `ghtraf help -h`, no file names offered after `--show`, and
//! `--color WHEN`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const COMMANDS: [&str; 13] = [
    "create",
    "backfill",
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

/// The flags every command takes (besides `-h` and `-V`).
const GLOBAL: [&str; 6] = [
    "--verbose",
    "--quiet",
    "--show",
    "--no-color",
    "--color",
    "--non-interactive",
];
/// The run-mode flags of the commands that plan and change something.
const RUN: [&str; 5] = [
    "--yes",
    "--dry-run",
    "--detailed-exitcode",
    "--plan-out",
    "--fail-fast",
];
/// The other shared flags, each taken only where it acts.
const SHARED: [&str; 3] = ["--format", "--config", "--api-url"];

/// What each command takes of [`RUN`] and [`SHARED`]: the flags that act for
/// it. A command missing here fails every test below until it is added.
fn acting(path: &str) -> (&'static [&'static str], &'static [&'static str]) {
    const ALL: &[&str] = &["--format", "--config", "--api-url"];
    const NO_CONFIG: &[&str] = &["--format", "--api-url"];
    match path {
        // `init` calls no GitHub API, but the dashboard config records --api-url.
        "create" | "init" | "collect" | "backfill" => (&RUN, ALL),
        // upgrade reads .ghtraf.json itself, from the checkout; hub has no .ghtraf.json.
        "upgrade" | "hub" | "hub init" | "hub add" | "hub remove" => (&RUN, NO_CONFIG),
        "status" | "verify" | "export" => (&[], ALL),
        // list reads the token's user's gists, no checkout.
        "list" => (&[], NO_CONFIG),
        // A saved plan was reviewed: no question, no preview; it records its config.
        "apply" => (&["--fail-fast"], NO_CONFIG),
        "completions" | "man" => (&[], &[]),
        other => panic!("`ghtraf {other}` is not in the table of acting flags: add it"),
    }
}

/// Every command and subcommand, as its words after `ghtraf`.
fn command_paths() -> Vec<String> {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = format!("{prefix}{}", sub.get_name());
            out.push(path.clone());
            walk(sub, &format!("{path} "), out);
        }
    }
    let mut out = Vec::new();
    walk(&ghtraf::commands::Cli::command(), "", &mut out);
    out
}

/// The long flags of each section of a `--help` text, by heading.
fn help_sections(help: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in help.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            sections.push((line.trim_end_matches(':').to_string(), Vec::new()));
            continue;
        }
        let item = line.trim_start();
        let item = match item.strip_prefix('-') {
            Some(rest) if !rest.starts_with('-') && rest.len() > 2 && &rest[1..3] == ", " => {
                &rest[3..]
            }
            _ => item,
        };
        // Only flag lines (the item starts at column 2 or 6), not wrapped help text.
        let indent = line.len() - line.trim_start().len();
        if item.starts_with("--") && (indent == 2 || indent == 6) {
            let name: String = item
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '.')
                .collect();
            if let Some(last) = sections.last_mut() {
                last.1.push(name);
            }
        }
    }
    sections
}

#[test]
fn every_command_help_lists_exactly_the_flags_that_act_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let paths = command_paths();
    assert!(paths.len() >= 15, "{paths:?}");
    for path in &paths {
        let (run, shared) = acting(path);
        let mut args: Vec<&str> = path.split(' ').collect();
        args.push("--help");
        let out = ghtraf(dir.path(), &args, &[]);
        assert_eq!(out.code, 0, "{path}: {out:?}");
        let sections = help_sections(&out.stdout);
        let names: Vec<&str> = sections.iter().map(|(h, _)| h.as_str()).collect();
        let flags = |heading: &str| -> Vec<String> {
            sections
                .iter()
                .find(|(h, _)| h == heading)
                .map(|(_, f)| f.clone())
                .unwrap_or_default()
        };
        // Grouped: the command's own flags, then the run-mode flags, then the inherited ones.
        let order: Vec<&str> = names
            .iter()
            .copied()
            .filter(|h| matches!(*h, "Options" | "Run-mode options" | "Global options"))
            .collect();
        let want: Vec<&str> = if run.is_empty() {
            vec!["Options", "Global options"]
        } else {
            vec!["Options", "Run-mode options", "Global options"]
        };
        assert_eq!(order, want, "{path}: {}", out.stdout);
        // Exactly the acting flags, in the same order in every command's help.
        let want_run: Vec<String> = run.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            flags("Run-mode options"),
            want_run,
            "{path}: run-mode flags"
        );
        let want_global: Vec<String> = GLOBAL.iter().chain(shared).map(|f| f.to_string()).collect();
        assert_eq!(
            flags("Global options"),
            want_global,
            "{path}: inherited flags"
        );
        for own in flags("Options") {
            assert!(
                !RUN.contains(&own.as_str())
                    && !SHARED.contains(&own.as_str())
                    && !GLOBAL.contains(&own.as_str()),
                "{path}: {own} listed among the command's own flags"
            );
        }
        // (hub's actions share hub's examples.)
        if !path.starts_with("hub ") {
            assert!(
                out.stdout.contains("\nExamples:\n  ghtraf "),
                "{path}: {}",
                out.stdout
            );
        }
    }
    let help = ghtraf(dir.path(), &["help", "-h"], &[]);
    assert_eq!(help.code, 0, "{help:?}");
    assert!(help.stdout.contains("Usage: ghtraf"), "{}", help.stdout);
    // ghtraf itself lists only the flags every command takes.
    let top = ghtraf(dir.path(), &["--help"], &[]);
    let global = help_sections(&top.stdout)
        .into_iter()
        .find(|(h, _)| h == "Global options")
        .map(|(_, f)| f)
        .unwrap_or_default();
    let want: Vec<String> = GLOBAL.iter().map(|f| f.to_string()).collect();
    assert_eq!(global, want, "{}", top.stdout);
}

#[test]
fn every_hub_action_has_examples() {
    let dir = tempfile::tempdir().unwrap();
    for action in ["init", "add", "remove"] {
        let out = ghtraf(dir.path(), &["hub", action, "--help"], &[]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout.contains("Examples:\n  ")
                && out.stdout.contains(&format!("ghtraf hub {action} ")),
            "hub {action}: {}",
            out.stdout
        );
    }
}

#[test]
fn flags_that_do_nothing_are_refused_by_clap() {
    let dir = tempfile::tempdir().unwrap();
    let out = ghtraf(dir.path(), &["list", "--dry-run"], &[]);
    insta::assert_snapshot!(out.transcript(), @r"
    exit: 2
    --- stderr
    error: unexpected argument '--dry-run' found

      tip: --dry-run is a flag of create, init, collect, upgrade, hub, backfill only

    Usage: ghtraf list [OPTIONS]

    For more information, try '--help'.
    ");
    let out = ghtraf(dir.path(), &["man", "--format", "json"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with(
            "error: unexpected argument '--format' found\n\n  tip: --format is a flag of every command but completions, man\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains(".TH"), "no roff: {}", out.stdout);
    let csv = ghtraf(dir.path(), &["status", "--format", "csv"], &[]);
    assert_eq!(csv.code, 2, "{csv:?}");
    assert!(
        csv.stderr
            .contains("invalid value 'csv' for '--format <FORMAT>'")
            && csv
                .stderr
                .contains("tip: --format csv is only for `ghtraf export`"),
        "{}",
        csv.stderr
    );
    // Every shared flag a command does not take, after it and before it.
    for path in command_paths() {
        let (run, shared) = acting(&path);
        let words: Vec<&str> = path.split(' ').collect();
        for flag in RUN.iter().chain(&SHARED) {
            if run.contains(flag) || shared.contains(flag) {
                continue;
            }
            let mut given = vec![*flag];
            if matches!(*flag, "--plan-out" | "--format" | "--config" | "--api-url") {
                given.push(if *flag == "--format" { "json" } else { "x" });
            }
            for before in [false, true] {
                let args: Vec<&str> = if before {
                    given.iter().chain(&words).copied().collect()
                } else {
                    words.iter().chain(&given).copied().collect()
                };
                let out = ghtraf(dir.path(), &args, &[]);
                assert_eq!(out.code, 2, "{args:?}: {out:?}");
                assert!(
                    out.stderr
                        .contains(&format!("error: unexpected argument '{flag}' found")),
                    "{args:?}: {}",
                    out.stderr
                );
            }
        }
    }
}

#[test]
fn mutating_commands_accept_every_run_mode_flag_before_and_after_their_name() {
    use clap::CommandFactory;
    // The words each needs to parse, then what clap should see.
    let commands: [&[&str]; 9] = [
        &["create"],
        &["init"],
        &["collect"],
        &["upgrade"],
        &["backfill", "--from", "stars"],
        &["hub", "init", "--repo", "octo/hub"],
        &["hub", "add", "octo/demo"],
        &["hub", "remove", "octo/demo"],
        &["apply", "plan.json"],
    ];
    let flags = [
        "--yes",
        "--dry-run",
        "--detailed-exitcode",
        "--plan-out",
        "p.json",
        "--fail-fast",
        "-n",
        "--format",
        "json",
        "--api-url",
        "http://127.0.0.1:1",
    ];
    for words in commands {
        let apply = words[0] == "apply";
        let given: Vec<&str> = if apply {
            vec!["--fail-fast", "-n", "--format", "json"]
        } else {
            flags.to_vec()
        };
        let mut positions = vec![
            words.iter().chain(&given).copied().collect::<Vec<_>>(),
            given.iter().chain(words).copied().collect::<Vec<_>>(),
        ];
        if words[0] == "hub" {
            // Between `hub` and its action, where hub's own flags stand.
            let mut between = vec!["hub"];
            between.extend(&given);
            between.extend(&words[1..]);
            positions.push(between);
        }
        for args in positions {
            let mut argv = vec!["ghtraf".to_string()];
            argv.extend(args.iter().map(|a| a.to_string()));
            let argv: Vec<std::ffi::OsString> = argv.into_iter().map(Into::into).collect();
            let hoisted = ghtraf::cli::hoist(argv, &ghtraf::commands::Cli::command());
            let matches = ghtraf::commands::Cli::command()
                .try_get_matches_from(&hoisted)
                .unwrap_or_else(|e| panic!("{args:?} -> {hoisted:?}: {e}"));
            let mut leaf = &matches;
            while let Some((_, sub)) = leaf.subcommand() {
                leaf = sub;
            }
            assert!(leaf.get_flag("fail_fast"), "{args:?}");
            assert!(leaf.get_flag("non_interactive"), "{args:?}");
            if !apply {
                for id in ["yes", "dry_run", "detailed_exitcode"] {
                    assert!(leaf.get_flag(id), "{args:?}: {id}");
                }
                assert_eq!(
                    leaf.get_one::<std::path::PathBuf>("plan_out"),
                    Some(&std::path::PathBuf::from("p.json")),
                    "{args:?}"
                );
                assert_eq!(
                    leaf.get_one::<String>("api_url").map(String::as_str),
                    Some("http://127.0.0.1:1"),
                    "{args:?}"
                );
            }
        }
    }
}

#[test]
fn man_pages_and_completions_offer_only_the_flags_that_act() {
    let dir = tempfile::tempdir().unwrap();
    let bash = ghtraf(dir.path(), &["completions", "bash"], &[]).stdout;
    for path in command_paths() {
        let (run, shared) = acting(&path);
        let case = format!("ghtraf__subcmd__{})", path.replace(' ', "__subcmd__"));
        let at = bash.find(&case).unwrap_or_else(|| panic!("{case}"));
        let opts = bash[at..].lines().nth(1).unwrap();
        let offered: Vec<&str> = opts
            .trim()
            .trim_start_matches("opts=\"")
            .trim_end_matches('"')
            .split(' ')
            .collect();
        for flag in RUN.iter().chain(&SHARED).chain(&GLOBAL) {
            let acts = run.contains(flag) || shared.contains(flag) || GLOBAL.contains(flag);
            assert_eq!(offered.contains(flag), acts, "{path}: {flag} in {opts}");
        }
        let mut man = vec!["man"];
        man.extend(path.split(' '));
        let page = ghtraf(dir.path(), &man, &[]).stdout;
        // The options, not the EXAMPLES or EXIT STATUS that name other commands' flags.
        let options = &page[..page.find(".SH EXAMPLES").unwrap_or(page.len())];
        for flag in RUN.iter().chain(&SHARED) {
            let roff = format!("\\fB{}\\fR", flag.replace('-', "\\-"));
            let acts = run.contains(flag) || shared.contains(flag);
            assert_eq!(options.contains(&roff), acts, "man {path}: {flag}");
        }
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

/// Every page a page refers to can be printed, under each name a person
/// would try, and carries ghtraf's version; `man --list` names them all (the
/// README's install loop), and no `help` page is promised.
#[test]
fn every_man_page_referred_to_can_be_printed_with_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let list = ghtraf(dir.path(), &["man", "--list"], &[]);
    assert_eq!(list.code, 0, "{list:?}");
    let pages: Vec<&str> = list.stdout.lines().collect();
    for path in command_paths() {
        let name = format!("ghtraf-{}", path.replace(' ', "-"));
        assert!(pages.contains(&name.as_str()), "{name} in {pages:?}");
    }
    let version = env!("CARGO_PKG_VERSION");
    for page in &pages {
        let out = ghtraf(dir.path(), &["man", page], &[]);
        assert_eq!(out.code, 0, "{page}: {out:?}");
        assert!(
            out.stdout
                .contains(&format!(".TH {page} 1  \"{page} {version}\"")),
            "{page}: {}",
            &out.stdout[..200.min(out.stdout.len())]
        );
        // Each page it refers to is one of the pages.
        for line in out.stdout.lines().filter(|l| l.ends_with("(1)")) {
            let named = line.replace("\\-", "-");
            assert!(
                pages.contains(&named.trim_end_matches("(1)")),
                "{page} refers to {named}"
            );
        }
    }
    let hub_add = ghtraf(dir.path(), &["man", "hub", "add"], &[]);
    assert!(
        hub_add.stdout.contains(".TH ghtraf-hub-add 1"),
        "{hub_add:?}"
    );
    for other in ["hub-add", "ghtraf-hub-add"] {
        assert_eq!(
            ghtraf(dir.path(), &["man", other], &[]).stdout,
            hub_add.stdout
        );
    }
    for missing in [&["help"][..], &["hub", "help"], &["hub", "nope"]] {
        let mut args = vec!["man"];
        args.extend_from_slice(missing);
        let out = ghtraf(dir.path(), &args, &[]);
        assert_eq!(out.code, 2, "{missing:?}: {out:?}");
    }
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

/// The table above keeps `--config` and `--api-url` where they act: each
/// command that takes them reads the file named, or talks to the API given.
#[test]
fn config_and_api_url_act_for_every_command_that_takes_them() {
    let hub = hub_on("2026-02-26");
    let url = hub.url();
    let dir = checkout();
    let d = dir.path();
    std::fs::write(d.join("broken.json"), "{nope").unwrap();
    // GitHub is named by --api-url only, never by the environment.
    let env = [("GH_TOKEN", API_TOKEN), ("GHTRAF_GIST_TOKEN", "y")];
    fn words(path: &str) -> Vec<&str> {
        match path {
            "backfill" => vec!["backfill", "--from", "stars", "--gist-id", "abc"],
            "collect" | "status" | "export" => vec![path, "--gist-id", "abc"],
            "hub" | "hub init" => vec!["hub", "init", "--repo", "octo/demo"],
            other => other.split(' ').collect(),
        }
    }
    for path in command_paths() {
        let (_, shared) = acting(&path);
        if shared.contains(&"--config") {
            let mut args = words(&path);
            args.extend(["--config", "broken.json"]);
            let out = ghtraf(d, &args, &env);
            assert!(
                out.stderr.contains("cannot read broken.json"),
                "{args:?}: {out:?}"
            );
        }
        // init calls no API (below); apply's is checked against its plan's (apply.rs);
        // hub add/remove need a hub set up first, and `hub init` stands for them.
        let skip = matches!(path.as_str(), "init" | "apply" | "hub add" | "hub remove");
        if shared.contains(&"--api-url") && !skip {
            let before = hub.requests().len();
            let mut args = words(&path);
            args.extend(["--dry-run", "--api-url", &url]);
            if !acting(&path).0.contains(&"--dry-run") {
                args.retain(|a| *a != "--dry-run");
            }
            let out = ghtraf(d, &args, &env);
            assert!(hub.requests().len() > before, "{args:?}: {out:?}");
        }
    }
    // init calls no GitHub API: the dashboard's config records the base it reads.
    let out = ghtraf(
        d,
        &["init", "-n", "--api-url", "https://ghe.example/api/v3"],
        &[],
    );
    assert!(out.code == 0 || out.code == 3, "{out:?}");
    let config = std::fs::read_to_string(d.join("docs/stats/config.json")).unwrap();
    assert!(
        config.contains("\"apiBase\": \"https://ghe.example/api/v3\""),
        "{config}"
    );
}

/// A positional argument is explained in its command's help like any flag
/// (`hub add`'s and `hub remove`'s repositories were listed with no words).
#[test]
fn every_positional_argument_says_what_it_is() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, bare: &mut Vec<String>) {
        for arg in cmd.get_positionals() {
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                bare.push(format!("{path} <{}>", arg.get_id()));
            }
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, &format!("{path} {}", sub.get_name()), bare);
        }
    }
    let mut bare = Vec::new();
    walk(&ghtraf::commands::Cli::command(), "ghtraf", &mut bare);
    assert!(
        bare.is_empty(),
        "positional arguments without help: {bare:?}"
    );
}
