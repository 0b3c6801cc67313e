//! Process entry: arguments in, exit code out.
//!
//! Builds the command's [`Context`] from the real process (or, in tests, from
//! an [`Io`] the test controls), prints errors with their hints, maps them to
//! exit codes, and makes sure no panic reaches the user as a Rust backtrace:
//! the panic message is never printed (it could contain data we must not
//! show), only where it happened and how to report it.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{ColorArg, FormatArg};
use crate::clock;
use crate::commands::{self, Cli};
use crate::context::{Context, Env};
use crate::driver::RunMode;
use crate::error::{exit, CliError};
use crate::help;
use crate::output::{color_enabled, Channel, Format, Reporter, Show, Verbosity};
use crate::prompt::{Prompter, TerminalPrompter};

/// What the process provides; tests build their own.
pub struct Io {
    pub env: Env,
    pub cwd: PathBuf,
    pub stdin: Box<dyn Read + Send>,
    pub stdout: Box<dyn Write + Send>,
    pub stderr: Box<dyn Write + Send>,
    pub stdin_is_tty: bool,
    pub stdout_is_tty: bool,
    pub stderr_is_tty: bool,
    pub prompter: Arc<dyn Prompter>,
    pub gh_cli: Arc<dyn Fn() -> Option<String> + Send + Sync>,
}

impl Io {
    pub fn process() -> Io {
        Io {
            env: Arc::new(|k: &str| std::env::var(k).ok()),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            stdin: Box::new(io::stdin()),
            stdout: Box::new(io::stdout()),
            stderr: Box::new(io::stderr()),
            stdin_is_tty: io::stdin().is_terminal(),
            stdout_is_tty: io::stdout().is_terminal(),
            stderr_is_tty: io::stderr().is_terminal(),
            prompter: Arc::new(TerminalPrompter::default()),
            gh_cli: Arc::new(|| {
                let host = std::env::var("GH_HOST").ok();
                ghtraf_github::gh_cli_token(host.as_deref())
            }),
        }
    }
}

/// The width of the real terminal on stdout, measured once by [`main`]
/// (in-process runs, as in tests, have none and never wrap).
static TERMINAL_WIDTH: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();

pub fn main() -> ExitCode {
    let _ = TERMINAL_WIDTH.set(Reporter::terminal_width());
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".to_string());
        eprintln!(
            "error: ghtraf hit an internal error at {place}. Nothing after this point was done.\n  hint: this is a bug; please report it with the command you ran (the message is withheld because it could contain private data)"
        );
    }));
    let args: Vec<OsString> = std::env::args_os().collect();
    match std::panic::catch_unwind(|| run(args, Io::process())) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(exit::INTERNAL),
    }
}

/// Runs one command line and returns its exit code.
pub fn run(args: Vec<OsString>, io: Io) -> u8 {
    let mut stderr = io.stderr;
    let mut stdout = io.stdout;
    let mut definition = Cli::command();
    let args = crate::cli::hoist(help::normalize_help_args(args), &definition);
    let parsed = definition
        .try_get_matches_from_mut(&args)
        .and_then(|m| Ok((Cli::from_arg_matches(&m)?, m)))
        .map_err(|e| crate::cli::with_tip(e, &definition, &args));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
            let text = e.render();
            let rendered = if io.stdout_is_tty || io.stderr_is_tty {
                text.ansi().to_string()
            } else {
                text.to_string()
            };
            let _ = if e.use_stderr() {
                write!(stderr, "{rendered}")
            } else {
                write!(stdout, "{rendered}")
            };
            if e.use_stderr() && wants_json(&args) {
                // A usage error is still one document in the envelope on stdout.
                let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
                let cli = Cli::command();
                let found = words.iter().position(|a| cli.find_subcommand(a).is_some());
                // A command of a command is named as typed (`hub add`), as on success.
                let command = match found {
                    Some(i) => {
                        let outer = cli.find_subcommand(words[i]);
                        let inner = words[i + 1..]
                            .iter()
                            .find(|a| outer.is_some_and(|o| o.find_subcommand(a).is_some()));
                        match inner {
                            Some(inner) => format!("{} {inner}", words[i]),
                            None => words[i].to_string(),
                        }
                    }
                    None => "ghtraf".to_string(),
                };
                let first = text.to_string();
                let message = first.lines().next().unwrap_or("usage error");
                let message = message.strip_prefix("error: ").unwrap_or(message);
                let doc = crate::output::envelope(
                    &command,
                    serde_json::to_value(ErrorReport {
                        format_version: 1,
                        error: ErrorBody {
                            message,
                            hint: Some("ghtraf help COMMAND shows the command's flags"),
                            exit_code: code,
                        },
                    })
                    .unwrap_or_default(),
                );
                let _ = writeln!(
                    stdout,
                    "{}",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                );
            }
            return code;
        }
    };
    if cli.global.show.iter().any(|s| s == "help" || s == "list") {
        let _ = writeln!(
            stdout,
            "Diagnostic channels (--show CHANNEL[:LEVEL], repeatable):"
        );
        for c in Channel::ALL {
            let _ = writeln!(stdout, "  {:<8} {}", c.name(), c.description());
        }
        let _ = writeln!(
            stdout,
            "Levels: 1 = details (-v), 2 = payloads and retries (-vv); a bare channel shows all."
        );
        return exit::SUCCESS;
    }
    let show: Result<Vec<Show>, String> = cli.global.show.iter().map(|s| s.parse()).collect();
    let show = match show {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(stderr, "error: --show: {e}");
            return exit::USAGE;
        }
    };
    let verbosity = Verbosity {
        verbose: cli.global.verbose,
        quiet: cli.global.quiet,
        show,
    };
    let env = io.env.clone();
    let lookup = |k: &str| env(k);
    let shared = cli.command.shared();
    let csv = shared.format == FormatArg::Csv;
    let format = match shared.format {
        FormatArg::Text | FormatArg::Csv => Format::Text,
        FormatArg::Json => Format::Json,
    };
    let color = |tty: bool| match cli.global.color {
        Some(ColorArg::Always) => true,
        Some(ColorArg::Never) => false,
        Some(ColorArg::Auto) | None => color_enabled(cli.global.no_color, &lookup, tty),
    };
    let reporter = Arc::new(
        Reporter::new(
            verbosity,
            format,
            color(io.stdout_is_tty),
            color(io.stderr_is_tty),
            stdout,
            stderr,
        )
        .with_progress(io.stderr_is_tty)
        .with_command(command_name(&matches).as_deref())
        .with_width(if io.stdout_is_tty {
            TERMINAL_WIDTH.get().copied().flatten()
        } else {
            None
        }),
    );
    let ci = lookup("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    let now = match clock::now(&lookup) {
        Ok(n) => n,
        Err(e) => return report(&reporter, &e),
    };
    let mode = match RunMode::new(shared.run) {
        Ok(mode) => mode.never_asking(cli.global.non_interactive || ci),
        Err(e) => return report(&reporter, &e),
    };
    // Questions go to stderr and answers come from stdin: both must be a terminal.
    let interactive = mode.may_ask() && io.stdin_is_tty && io.stderr_is_tty;
    let mut ctx = Context {
        interactive,
        product_on_terminal: io.stdout_is_tty && reporter.shows_product(),
        reporter: reporter.clone(),
        prompter: io.prompter,
        env: io.env,
        cwd: io.cwd,
        now,
        stdin: Mutex::new(io.stdin),
        gh_cli: io.gh_cli,
        config: shared.config.map(PathBuf::from),
        api_url: shared.api_url.map(str::to_string),
    };
    let result = commands::dispatch(&mut ctx, mode, &cli.command, csv);
    match result {
        Ok(status) => status.code(),
        Err(e) => report(&reporter, &e),
    }
}

/// The command as typed, for the JSON envelope: `status`, or `hub add` for a
/// command of a command (docs/output.md).
fn command_name(matches: &clap::ArgMatches) -> Option<String> {
    let (name, sub) = matches.subcommand()?;
    Some(match sub.subcommand_name() {
        Some(action) => format!("{name} {action}"),
        None => name.to_string(),
    })
}

/// `--format json` (or `--format=json`) among the raw arguments.
fn wants_json(args: &[OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json")
}

fn report(reporter: &Reporter, e: &CliError) -> u8 {
    reporter.error(&e.message, &e.hints);
    if reporter.json_mode() {
        reporter.json(&ErrorReport {
            format_version: 1,
            error: ErrorBody {
                message: &e.message,
                hint: e.hint(),
                exit_code: e.exit_code(),
            },
        });
    }
    e.exit_code()
}

/// The machine-readable account of a failed command (`--format json`).
#[derive(serde::Serialize)]
struct ErrorReport<'a> {
    format_version: u32,
    error: ErrorBody<'a>,
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    hint: Option<&'a str>,
    exit_code: u8,
}
