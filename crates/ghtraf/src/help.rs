//! What ghtraf tells a person about using it: each command's examples, the
//! man pages (`ghtraf man [COMMAND]`, with ENVIRONMENT, EXIT STATUS and
//! EXAMPLES), and `ghtraf help -h`. (Flags that would do nothing for a
//! command are not among its flags at all: see `cli`.)
//!
//! A leaf over `clap`: it names commands by their names, so a new command
//! needs only its examples here.

use crate::error::{CliError, Result};

/// Examples shown under each command's `--help` and in its man page.
pub const CREATE: &str = "\
Examples:
  ghtraf create --dry-run                    # what would happen: gists, variables, secret, files
  ghtraf create                              # do it (asks before applying in a terminal)
  ghtraf create -R octo/demo --yes           # approve without asking (scripts, pipes)
  ghtraf create --dry-run --plan-out p.json  # save the reviewed plan for `ghtraf apply p.json`";
pub const INIT: &str = "\
Examples:
  ghtraf init --dry-run --diff   # which files differ from the templates, as diffs
  ghtraf init                    # deploy or refresh the workflow and dashboard files
  ghtraf init --skip-existing -y # add what is missing, keep every edited file";
pub const COLLECT: &str = "\
Examples:
  ghtraf collect --dry-run       # the days this run would record, changing nothing
  ghtraf collect                 # merge the 14-day window into the history
  ghtraf collect -R octo/demo -n # as the daily workflow runs it";
pub const UPGRADE: &str = "\
Examples:
  ghtraf upgrade --dry-run       # what would change: workflow, dashboard, gists, config
  ghtraf upgrade                 # do it, keeping every day and every badge URL";
pub const HUB: &str = "\
Examples:
  ghtraf hub init --dry-run              # what making this checkout a hub would do
  ghtraf hub add octo/demo octo/other    # collect these repositories from the hub
  ghtraf hub remove octo/other           # stop (its gists and history stay)";
pub const HUB_INIT: &str = "\
Examples:
  ghtraf hub init -R octo/traffic --dry-run       # what making this checkout the hub would do
  ghtraf hub init -R octo/traffic                 # do it (asks for the workflow's token in a terminal)
  GHTRAF_GIST_TOKEN=ghp_… ghtraf hub init -R octo/traffic -n   # the token from the environment, no questions";
pub const HUB_ADD: &str = "\
Examples:
  ghtraf hub add octo/a octo/b org/c --dry-run    # which gists would be made or adopted
  ghtraf hub add octo/a --retire-own-workflow     # collect it from the hub, not its own workflow";
pub const HUB_REMOVE: &str = "\
Examples:
  ghtraf hub remove octo/b                        # stop collecting it (its gists and history stay;
                                                  # its own traffic-badges.yml, if disabled, is enabled again)";
pub const STATUS: &str = "\
Examples:
  ghtraf status                  # the repository of this checkout (in a hub's: the hub)
  ghtraf status -R octo/demo     # any repository you track
  ghtraf status --format json    # one JSON document";
pub const LIST: &str = "\
Examples:
  ghtraf list                    # every repository your token's user tracks
  ghtraf list --format json";
pub const VERIFY: &str = "\
Examples:
  ghtraf verify                  # exit 3 when anything differs from what create makes
                                 # (in a hub's checkout: from what hub init makes)
  ghtraf verify -R octo/demo --format json";
pub const EXPORT: &str = "\
Examples:
  ghtraf export > traffic.csv    # the whole daily history, with a header row
  ghtraf export --format json    # the same as one JSON document";
pub const BACKFILL: &str = "\
Examples:
  ghtraf backfill --from stars --from forks --dry-run  # the days each source would add
  ghtraf backfill --from gist-history                  # days the original tool's window dropped
  ghtraf backfill --from import:stats/ --since 2024-01-01";
pub const APPLY: &str = "\
Examples:
  ghtraf create --dry-run --plan-out plan.json   # review this plan...
  ghtraf apply plan.json                         # ...then run exactly it, or exit 4";
pub const COMPLETIONS: &str = "\
Examples:
  ghtraf completions bash > ~/.local/share/bash-completion/completions/ghtraf
  ghtraf completions zsh > ~/.zfunc/_ghtraf";
pub const MAN: &str = "\
Examples:
  ghtraf man > ~/.local/share/man/man1/ghtraf.1
  ghtraf man create > ~/.local/share/man/man1/ghtraf-create.1
  ghtraf man hub add             # ghtraf-hub-add(1); `ghtraf man hub-add` too
  for p in $(ghtraf man --list); do ghtraf man $p > ~/.local/share/man/man1/$p.1; done";

/// `ghtraf help -h` and `ghtraf help COMMAND --help` mean the help itself:
/// drops the flag clap would refuse after `help`.
pub fn normalize_help_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let is_help = args.get(1).is_some_and(|a| a == "help");
    if !is_help {
        return args;
    }
    args.into_iter()
        .filter(|a| a != "-h" && a != "--help")
        .collect()
}

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBGH_TOKEN\fR, else \fBGITHUB_TOKEN\fR, else \fBgh auth token\fR
ghtraf's own token (classic: gist and repo scopes). Never a command-line flag.
.TP
\fBGHTRAF_GIST_TOKEN\fR
the token \fBcreate\fR stores as the workflow's secret (or \fB\-\-gist\-token\-stdin\fR, or a no-echo prompt).
.TP
\fBGHTRAF_API_URL\fR, \fBGH_HOST\fR
the API base: \fB\-\-api\-url\fR, else GHTRAF_API_URL, else https://$GH_HOST/api/v3, else https://api.github.com.
.TP
\fBGITHUB_REPOSITORY\fR
the repository, after \fB\-R\fR/\fB\-\-repo\fR; then .ghtraf.json, then the origin remote.
.TP
\fBTRAFFIC_GIST_ID\fR, \fBTRAFFIC_ARCHIVE_GIST_ID\fR
the gists of collect, export and status (set by the workflow).
.TP
\fBGHTRAF_NOW\fR
an RFC 3339 time that replaces the clock (reproducible runs).
.TP
\fBNO_COLOR\fR, \fBCLICOLOR_FORCE\fR
colour off / on regardless of the terminal (NO_COLOR wins; \fB\-\-color\fR wins over both).
.TP
\fBCI\fR
when set (not false or 0), ghtraf never asks, as with \fB\-n\fR.
"#;

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
success (with \-\-dry\-run \-\-detailed\-exitcode: no changes pending)
.TP
\fB1\fR
runtime error: GitHub, network or file failure, an action failed; status: a problem it names that is not a deviation (something it could not read, a hub's stale or failed collections)
.TP
\fB2\fR
usage error: bad flags or repository name, malformed .ghtraf.json, a plan that needs approval and no terminal to ask on
.TP
\fB3\fR
verification found a deviation (status: a second collector, duplicate gists, or the secret, a variable or the hub's gist the workflow needs missing), or not all that was asked could be done (a repository named to hub add and not added, or to hub remove and not tracked; a backfill \-\-from source not read); with \-\-dry\-run \-\-detailed\-exitcode: the real run of that plan would end so
.TP
\fB4\fR
the plan is stale: something changed between planning and applying; nothing further was done
.TP
\fB5\fR
\-\-dry\-run \-\-detailed\-exitcode: the plan has changes
.TP
\fB6\fR
collect over many repositories: some could not be collected (each is named); the others were
.TP
\fB7\fR
you declined the plan at the confirmation; nothing was changed
.TP
\fB70\fR
internal error (a bug)
.TP
\fB130\fR
input ended (Ctrl\-D) or Ctrl\-C at a prompt
"#;

/// Examples of one command (`None`: the whole tool).
fn examples(command: Option<&str>) -> &'static str {
    match command {
        Some("create") => CREATE,
        Some("init") => INIT,
        Some("collect") => COLLECT,
        Some("upgrade") => UPGRADE,
        Some("hub") => HUB,
        Some("hub init") => HUB_INIT,
        Some("hub add") => HUB_ADD,
        Some("hub remove") => HUB_REMOVE,
        Some("status") => STATUS,
        Some("list") => LIST,
        Some("verify") => VERIFY,
        Some("export") => EXPORT,
        Some("backfill") => BACKFILL,
        Some("apply") => APPLY,
        Some("completions") => COMPLETIONS,
        Some("man") => MAN,
        Some(_) => "",
        None => {
            "\
Examples:
  ghtraf create --dry-run && ghtraf create
  ghtraf status
  ghtraf export > traffic.csv"
        }
    }
}

fn roff_examples(text: &str) -> String {
    let body: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| l.trim_start().replace('\\', "\\\\").replace('-', "\\-"))
        .collect();
    if body.is_empty() {
        return String::new();
    }
    format!(".SH EXAMPLES\n.nf\n{}\n.fi\n", body.join("\n"))
}

/// The words after `ghtraf` that name a man page: `hub add`, `hub-add`,
/// `ghtraf-hub-add` and `ghtraf hub add` all name `ghtraf-hub-add(1)`; no
/// word, or `ghtraf` alone, names ghtraf(1).
fn page_words(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = words
        .iter()
        .flat_map(|w| w.split('-').map(str::to_string).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    if out.first().is_some_and(|w| w == "ghtraf") {
        out.remove(0);
    }
    out
}

/// The name of every man page ghtraf can print (`ghtraf man --list`), in the
/// order of `--help`: `ghtraf`, `ghtraf-create`, …, `ghtraf-hub-add`, ….
pub fn man_pages(root: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, name: &str, out: &mut Vec<String>) {
        out.push(name.to_string());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, &format!("{name}-{}", sub.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(root, "ghtraf", &mut out);
    out
}

/// No `help` subcommand anywhere, so no page lists a `ghtraf-…-help(1)` that
/// does not exist (`ghtraf help COMMAND` is `ghtraf COMMAND --help`).
fn without_help_commands(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names
        .into_iter()
        .fold(cmd.disable_help_subcommand(true), |cmd, name| {
            cmd.mut_subcommand(name, without_help_commands)
        })
}

/// A positional taking several values is written `<OWNER/REPO...>`, as `--help`
/// writes `<OWNER/REPO>...`: clap_mangen's SYNOPSIS leaves the dots out, and
/// `ghtraf-hub-add(1)` then read as taking one repository.
fn variadic_marked(page: clap::Command) -> clap::Command {
    let variadic: Vec<(String, String)> = page
        .get_positionals()
        .filter(|a| a.get_num_args().is_some_and(|n| n.max_values() > 1))
        .filter_map(|a| {
            let names = a.get_value_names()?;
            Some((a.get_id().to_string(), names.join(" ")))
        })
        .collect();
    variadic.into_iter().fold(page, |page, (id, name)| {
        // clap names are &'static str without its `string` feature; one page is
        // rendered per process, so the name is leaked once.
        let marked: &'static str = Box::leak(format!("{name}...").into_boxed_str());
        page.mut_arg(id, |a| a.value_name(marked))
    })
}

/// The man page of ghtraf (no words) or of one command, as
/// `ghtraf-COMMAND(1)` (`ghtraf-hub-add(1)` for `hub add`).
pub fn man_page(root: clap::Command, words: &[String]) -> Result<String> {
    let words = page_words(words);
    // Built, so a command of a command carries the flags its parent passes down
    // (`hub init` takes hub's run-mode flags), as its --help shows them.
    let mut root = without_help_commands(root);
    root.build();
    let command = (!words.is_empty()).then(|| words.join(" "));
    let version = root.get_version().map(str::to_string);
    let page = match &command {
        None => root,
        Some(name) => {
            let mut sub = &root;
            for word in &words {
                sub = sub.find_subcommand(word).ok_or_else(|| {
                    CliError::usage(format!("no command `{name}`"))
                        .with_hint("`ghtraf man --list` lists the pages")
                })?;
            }
            let sub = sub.clone();
            // clap names are &'static str without its `string` feature; one
            // page is rendered per process, so the name is leaked once.
            let title: &'static str =
                Box::leak(format!("ghtraf-{}", words.join("-")).into_boxed_str());
            let sub = sub.name(title).bin_name(format!("ghtraf {name}"));
            // The footer says which ghtraf the page is of, as ghtraf(1)'s does.
            match version {
                Some(v) => sub.version(&*Box::leak(v.into_boxed_str())),
                None => sub,
            }
        }
    };
    let command = command.as_deref();
    // The examples get their own EXAMPLES section instead of clap's EXTRA, which
    // keeps only what is not an example (backfill's sources).
    let extra = page.get_after_long_help().and_then(|text| {
        let text = text.to_string();
        let rest = text
            .strip_suffix(examples(command))
            .unwrap_or(&text)
            .trim_end();
        (!rest.is_empty()).then(|| rest.to_string())
    });
    let page = variadic_marked(page.after_help(None::<&'static str>));
    let page = match extra {
        Some(text) => page.after_long_help(text),
        None => page.after_long_help(None::<&'static str>),
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .map_err(|e| CliError::runtime(format!("cannot render the man page: {e}")))?;
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    text.push_str(&roff_examples(examples(command)));
    text.push_str(ENVIRONMENT);
    text.push_str(EXIT_STATUS);
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::SHOW_VALUES;
    use crate::output::{Channel, Show};

    #[test]
    fn show_values_are_the_channels() {
        for v in SHOW_VALUES
            .iter()
            .filter(|v| !matches!(**v, "help" | "list"))
        {
            assert!(v.parse::<Show>().is_ok(), "{v}");
        }
        for c in Channel::ALL {
            assert!(SHOW_VALUES.contains(&c.name()), "{}", c.name());
        }
    }

    #[test]
    fn help_after_help_is_the_help_itself() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            normalize_help_args(args(&["ghtraf", "help", "-h"])),
            args(&["ghtraf", "help"])
        );
        assert_eq!(
            normalize_help_args(args(&["ghtraf", "help", "create", "--help"])),
            args(&["ghtraf", "help", "create"])
        );
        assert_eq!(
            normalize_help_args(args(&["ghtraf", "create", "-h"])),
            args(&["ghtraf", "create", "-h"])
        );
    }
}
