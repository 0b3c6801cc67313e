//! The flags commands share, as clap sees them, grouped by what they act on.
//!
//! Only what acts for every command is global on `ghtraf` itself
//! ([`GlobalArgs`]: how much is printed and in what colour, errors included,
//! and `-n`, the promise never to ask).
//! The rest come in groups, and a command takes a group only when its flags
//! act for it: [`RunModeArgs`] for the commands that change something,
//! [`FormatArgs`] for those that print plans or reports, [`ConfigArgs`] for
//! those that read `.ghtraf.json`, [`ApiArgs`] for those that talk to GitHub.
//! Each command's variant in `commands::Command` flattens its groups, so clap
//! itself refuses a flag the command does not take (exit 2, with a tip naming
//! the commands that do), and its help, man page and completions never offer
//! it. [`hoist`] keeps a command's flags usable before its name
//! (`ghtraf --dry-run create`), as they were when every flag was global.
//!
//! A leaf: each command's own flags live beside it (`commands/*/args.rs`),
//! the subcommand list in `commands`, and the run-mode flags are read only by
//! the driver's one constructor.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, ValueEnum};

/// `--format` of `export`: its text is CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FormatArg {
    #[default]
    Text,
    Json,
    /// Only for `export`.
    Csv,
}

/// `--format` of every other command that prints plans or reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
}

/// `--color WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// What `--show` accepts (and completion offers instead of file names): the
/// channels of `output::Channel`, bare or with a level, and `help`.
pub const SHOW_VALUES: [&str; 34] = [
    "help",
    "list",
    "api",
    "api:0",
    "api:1",
    "api:2",
    "config",
    "config:0",
    "config:1",
    "config:2",
    "gist",
    "gist:0",
    "gist:1",
    "gist:2",
    "setup",
    "setup:0",
    "setup:1",
    "setup:2",
    "general",
    "general:0",
    "general:1",
    "general:2",
    "hint",
    "hint:0",
    "hint:1",
    "hint:2",
    "error",
    "error:0",
    "error:1",
    "error:2",
    "trace",
    "trace:0",
    "trace:1",
    "trace:2",
];

/// Flags every command takes: they shape what is printed (errors included);
/// `--help` lists them last (gh's INHERITED FLAGS).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// More detail: -v shows plan details and API calls, -vv payloads and diffs.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Less output: -Q hides hints, -QQ leaves warnings and errors, -QQQ errors only, -QQQQ silent.
    #[arg(short = 'Q', long = "quiet", action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,

    /// Show one diagnostic channel (api, config, gist, setup, general, hint, error, trace)
    /// up to LEVEL, or all its levels; repeatable. `--show help` lists the channels.
    #[arg(
        long = "show",
        value_name = "CHANNEL[:LEVEL]",
        global = true,
        value_parser = clap::builder::PossibleValuesParser::new(SHOW_VALUES),
        hide_possible_values = true
    )]
    pub show: Vec<String>,

    /// Never colour output (also: NO_COLOR=1; CLICOLOR_FORCE=1 forces colour).
    #[arg(long, global = true, conflicts_with = "color")]
    pub no_color: bool,

    /// When to colour output: auto (a terminal, NO_COLOR and CLICOLOR_FORCE respected),
    /// always or never.
    #[arg(long, value_enum, value_name = "WHEN", global = true)]
    pub color: Option<ColorArg>,

    /// Never ask: questions are answered by flags, or the action is skipped with a reason;
    /// the plan is applied as shown (also: CI=true). A promise every command keeps, so
    /// scripts may give it to any.
    #[arg(short = 'n', long, global = true)]
    pub non_interactive: bool,
}

// The groups below are `global = true` only so that a command with
// subcommands (`hub`) passes them on to `hub init|add|remove`; on a command
// without subcommands it changes nothing.

/// The flags of commands that plan and change something (read only by
/// `driver::RunMode::new`); `--help` lists them after the command's own.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Run-mode options")]
pub struct RunModeArgs {
    /// Apply the plan shown without asking for approval (other questions are still asked
    /// in a terminal). Needed to apply when the plan cannot be shown and asked about
    /// (stdin or stdout not a terminal, --format json), unless -n.
    #[arg(short = 'y', long, global = true)]
    pub(crate) yes: bool,

    /// Show the plan and change nothing.
    #[arg(long, global = true)]
    pub(crate) dry_run: bool,

    /// With --dry-run: exit 5 when the plan has changes, 0 when it has none, 3 when the real
    /// run would not do all that was asked (a path create refuses to touch, a name hub add
    /// would not add or hub remove would not remove).
    #[arg(long, global = true)]
    pub(crate) detailed_exitcode: bool,

    /// With --dry-run: save the plan to PATH for `ghtraf apply PATH`.
    #[arg(long, value_name = "PATH", global = true)]
    pub(crate) plan_out: Option<PathBuf>,

    /// Stop at the first failed action instead of continuing with independent ones.
    #[arg(long, global = true)]
    pub(crate) fail_fast: bool,
}

/// The one run-mode flag that acts for `apply`: a saved plan is already
/// reviewed (no question, no preview), so only how failures stop it is left.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Run-mode options")]
pub struct ApplyModeArgs {
    /// Stop at the first failed action instead of continuing with independent ones.
    #[arg(long)]
    pub(crate) fail_fast: bool,
}

/// The run-mode flags a command took, for the driver's constructor.
#[derive(Debug, Clone, Copy)]
pub enum RunFlags<'a> {
    /// A command that changes nothing: it has no run mode.
    None,
    /// A planning command.
    Plan(&'a RunModeArgs),
    /// `ghtraf apply`.
    Apply(&'a ApplyModeArgs),
}

// `display_order` 900+: listed after the flags every command takes, in the same
// order in every command's help (clap numbers each struct's flags from where it is
// flattened).

/// `--format text|json`.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct FormatArgs {
    /// Output format of plans and results.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text, global = true, display_order = 900)]
    pub format: TextOrJson,
}

/// `--format text|json|csv` (`export` only).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct ExportFormatArgs {
    /// Output format: CSV (text and csv are the same), or one JSON document.
    #[arg(long, value_enum, default_value_t = FormatArg::Text, display_order = 900)]
    pub format: FormatArg,
}

/// `--config PATH`: for commands that read `.ghtraf.json`.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct ConfigArgs {
    /// Use this .ghtraf.json instead of the one found in the repository.
    #[arg(long, value_name = "PATH", global = true, display_order = 901)]
    pub config: Option<PathBuf>,
}

/// `--api-url URL`: for commands that talk to GitHub (and `init`, whose dashboard
/// reads GitHub from that base).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct ApiArgs {
    /// GitHub API base URL (default: $GHTRAF_API_URL, GH_HOST's /api/v3, or https://api.github.com).
    #[arg(long, value_name = "URL", global = true, display_order = 902)]
    pub api_url: Option<String>,
}

/// What a command took of the shared groups, read by `app` (and the run-mode
/// flags by the driver).
#[derive(Debug, Clone, Copy)]
pub struct Shared<'a> {
    pub run: RunFlags<'a>,
    pub format: FormatArg,
    pub config: Option<&'a Path>,
    pub api_url: Option<&'a str>,
}

impl Shared<'_> {
    /// A command that takes none of the groups (`man`, `completions`).
    pub const NONE: Shared<'static> = Shared {
        run: RunFlags::None,
        format: FormatArg::Text,
        config: None,
        api_url: None,
    };
}

impl From<TextOrJson> for FormatArg {
    fn from(f: TextOrJson) -> Self {
        match f {
            TextOrJson::Text => FormatArg::Text,
            TextOrJson::Json => FormatArg::Json,
        }
    }
}

/// The argument of `name` (`--long` or `-s`) among `cmd`'s, if it has one.
fn find_arg<'c>(cmd: &'c clap::Command, name: &str) -> Option<&'c clap::Arg> {
    cmd.get_arguments().find(|a| {
        if let Some(long) = name.strip_prefix("--") {
            a.get_long() == Some(long) || a.get_all_aliases().is_some_and(|al| al.contains(&long))
        } else {
            let mut chars = name.chars().skip(1);
            matches!((chars.next(), chars.next()), (Some(c), None) if a.get_short() == Some(c))
        }
    })
}

/// Whether `cmd` or one of its subcommands (`hub init`…) has the flag `name`,
/// so the tip naming the commands that take it counts `hub` when `hub init` does.
fn takes_flag(cmd: &clap::Command, name: &str) -> bool {
    find_arg(cmd, name).is_some() || cmd.get_subcommands().any(|c| takes_flag(c, name))
}

/// Each command under `cmd` (named after `prefix`) and whether it takes the flag
/// `name`: a command whose commands all agree is one entry (`hub`), otherwise each of
/// them is (`hub init` takes -R, `hub add` does not), so a tip never names a command
/// that refuses the flag as one taking it.
fn commands_taking(cmd: &clap::Command, prefix: &str, name: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for c in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        let full = format!("{prefix}{}", c.get_name());
        let inner = commands_taking(c, &format!("{full} "), name);
        let all = find_arg(c, name).is_some() || inner.iter().all(|(_, t)| *t);
        let none = !takes_flag(c, name);
        if inner.is_empty() || all || none {
            out.push((full, !none));
        } else {
            out.extend(inner);
        }
    }
    out
}

/// Whether a flag named `name` takes a value, looking at `root`'s flags and
/// then its commands'.
fn takes_value(root: &clap::Command, name: &str) -> bool {
    std::iter::once(root)
        .chain(root.get_subcommands())
        .find_map(|c| find_arg(c, name))
        .is_some_and(|a| a.get_action().takes_values())
}

/// Whether `name` is a flag of `ghtraf` itself (clap's own -h/-V are added
/// when it builds the command, so are not listed yet).
fn is_own(root: &clap::Command, name: &str) -> bool {
    matches!(name, "-h" | "--help" | "-V" | "--version") || find_arg(root, name).is_some()
}

/// Moves the flags written before the command's name that are not `ghtraf`'s
/// own (`ghtraf --dry-run -n create`) to just after it (`ghtraf create
/// --dry-run -n`), where clap looks for them; a flag the command does not take
/// is then refused by clap as if written after it. Anything it does not
/// understand (no command name, `--`, `help`) is left as it is, for clap to judge.
pub fn hoist(args: Vec<OsString>, root: &clap::Command) -> Vec<OsString> {
    let Some((program, rest)) = args.split_first() else {
        return args;
    };
    let mut stay: Vec<OsString> = Vec::new();
    let mut moved: Vec<OsString> = Vec::new();
    let mut i = 0;
    let command_at = loop {
        let Some(token) = rest.get(i) else {
            return args;
        };
        let Some(text) = token.to_str() else {
            return args;
        };
        if text == "--" {
            return args;
        }
        if !text.starts_with('-') || text == "-" {
            break i;
        }
        let (name, inline_value) = match text.split_once('=') {
            Some((n, _)) if text.starts_with("--") => (n, true),
            _ => (text, false),
        };
        let mut tokens = vec![token.clone()];
        let needs_value = if name.starts_with("--") || name.len() == 2 {
            !inline_value && takes_value(root, name)
        } else {
            // A cluster of short flags (`-vn`): split it when none takes a value.
            let shorts: Vec<String> = name.chars().skip(1).map(|c| format!("-{c}")).collect();
            if shorts.iter().any(|s| takes_value(root, s)) {
                false
            } else {
                for short in shorts {
                    if is_own(root, &short) {
                        stay.push(short.into());
                    } else {
                        moved.push(short.into());
                    }
                }
                i += 1;
                continue;
            }
        };
        if needs_value {
            if let Some(value) = rest.get(i + 1) {
                tokens.push(value.clone());
                i += 1;
            }
        }
        if is_own(root, name) {
            stay.extend(tokens);
        } else {
            moved.extend(tokens);
        }
        i += 1;
    };
    let Some(command) = rest.get(command_at).and_then(|c| c.to_str()) else {
        return args;
    };
    if moved.is_empty() || command == "help" || root.find_subcommand(command).is_none() {
        return args;
    }
    let mut out = vec![program.clone()];
    out.extend(stay);
    out.push(rest[command_at].clone());
    out.extend(moved);
    out.extend(rest[command_at + 1..].iter().cloned());
    out
}

/// Adds a tip to clap's refusal of a flag the command does not take: which
/// commands take it (`--dry-run` given to `list`), or that CSV is `export`'s.
/// `args` is the command line clap refused.
pub fn with_tip(mut error: clap::Error, root: &clap::Command, args: &[OsString]) -> clap::Error {
    let arg = match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => return error,
    };
    let tip = match error.kind() {
        ErrorKind::UnknownArgument => {
            let name = arg.split('=').next().unwrap_or(&arg).to_string();
            let commands = commands_taking(root, "", &name);
            let listed = |taking: bool| -> Vec<&str> {
                commands
                    .iter()
                    .filter(|(_, takes)| *takes == taking)
                    .map(|(c, _)| c.as_str())
                    .collect()
            };
            let (takers, others) = (listed(true), listed(false));
            let names = |cs: Vec<&str>| cs.join(", ");
            let command = args
                .iter()
                .skip(1)
                .filter_map(|a| a.to_str())
                .find(|a| root.find_subcommand(a).is_some());
            if takers.is_empty() {
                return error;
            }
            if command == Some("apply") && name == "--dry-run" {
                "apply runs a reviewed plan; to preview, run the planning command with --dry-run"
                    .to_string()
            } else if takers.len() > others.len() {
                format!("{name} is a flag of every command but {}", names(others))
            } else {
                format!("{name} is a flag of {} only", names(takers))
            }
        }
        ErrorKind::InvalidValue
            if arg.starts_with("--format")
                && matches!(error.get(ContextKind::InvalidValue), Some(ContextValue::String(v)) if v == "csv") =>
        {
            "--format csv is only for `ghtraf export`".to_string()
        }
        _ => return error,
    };
    error.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![tip.into()]),
    );
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn hoisted(line: &str) -> String {
        let args = line.split(' ').map(OsString::from).collect();
        let out = hoist(args, &crate::commands::Cli::command());
        out.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_commands_flags_before_its_name_move_after_it() {
        assert_eq!(
            hoisted("ghtraf --dry-run -n init"),
            "ghtraf -n init --dry-run"
        );
        assert_eq!(
            hoisted("ghtraf --plan-out p.json --dry-run create -R o/r"),
            "ghtraf create --plan-out p.json --dry-run -R o/r"
        );
        assert_eq!(
            hoisted("ghtraf --plan-out=p.json create"),
            "ghtraf create --plan-out=p.json"
        );
        assert_eq!(hoisted("ghtraf -vy create"), "ghtraf -v create -y");
        assert_eq!(
            hoisted("ghtraf --config c.json --show api status"),
            "ghtraf --show api status --config c.json"
        );
        // hub's flags stand between `hub` and its action, and pass on to it.
        assert_eq!(
            hoisted("ghtraf --dry-run hub add o/r"),
            "ghtraf hub --dry-run add o/r"
        );
        // Moved even where the command does not take it: clap refuses it there.
        assert_eq!(hoisted("ghtraf --dry-run list"), "ghtraf list --dry-run");
    }

    #[test]
    fn what_is_not_understood_is_left_for_clap() {
        for line in [
            "ghtraf -v create",
            "ghtraf --dry-run",
            "ghtraf --dry-run nope",
            "ghtraf --dry-run -- create",
            "ghtraf help create",
            "ghtraf -h",
        ] {
            assert_eq!(hoisted(line), line);
        }
    }
}
