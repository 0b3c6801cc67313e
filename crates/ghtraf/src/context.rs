//! What a command may read from the process, and nothing more.
//!
//! A leaf: it names no command, no driver and no flag struct. The run mode
//! (dry-run, `--plan-out`, `--detailed-exitcode`, `--fail-fast`, the plan
//! `apply` expects) is deliberately absent: it lives privately in
//! [`crate::driver`], so no command can branch on it — the promise "the
//! preview is the real run" is kept by the type, not by review.

use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::error::{CliError, Result};
use crate::output::Reporter;
use crate::prompt::Prompter;

/// Environment lookup, injectable for tests.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What a command gets from the process: never read from globals directly.
pub struct Context {
    pub reporter: Arc<Reporter>,
    pub prompter: Arc<dyn Prompter>,
    pub env: Env,
    pub cwd: PathBuf,
    pub now: OffsetDateTime,
    /// Questions may be asked (stdin and stderr are terminals, not --non-interactive, not CI).
    pub interactive: bool,
    /// What the command prints to stdout reaches a person: stdout is a terminal
    /// and the product is shown (text format, not quieted). The driver asks to
    /// approve a plan only when this holds, so nobody approves a plan unseen.
    pub product_on_terminal: bool,
    /// Standard input, for `--gist-token-stdin`.
    pub stdin: Mutex<Box<dyn Read + Send>>,
    /// How to ask the gh CLI for a token (absent in tests).
    pub gh_cli: Arc<dyn Fn() -> Option<String> + Send + Sync>,
    /// `--config`: the .ghtraf.json to use instead of the one found.
    pub config: Option<PathBuf>,
    /// `--api-url`: the GitHub API base URL, when given.
    pub api_url: Option<String>,
}

/// The most [`Context::read_stdin`] takes.
const STDIN_CAP: u64 = 64 * 1024;

impl Context {
    pub fn env(&self, key: &str) -> Option<String> {
        (self.env)(key)
    }

    pub fn read_stdin(&self) -> Result<String> {
        let mut text = String::new();
        let mut guard = self
            .stdin
            .lock()
            .map_err(|_| CliError::runtime("standard input is unavailable"))?;
        // A token is a few hundred bytes; `< /dev/zero` must not fill memory.
        (&mut *guard)
            .take(STDIN_CAP + 1)
            .read_to_string(&mut text)
            .map_err(|e| CliError::runtime(format!("cannot read standard input: {e}")))?;
        if text.len() as u64 > STDIN_CAP {
            return Err(CliError::usage(format!(
                "standard input is longer than {} KiB; --gist-token-stdin expects one token",
                STDIN_CAP / 1024
            )));
        }
        Ok(text)
    }
}
