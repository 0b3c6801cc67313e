//! Errors the user sees, and the exit codes they map to.
//!
//! Every failure that reaches `main` carries a kind (which decides the exit
//! code, so scripts can tell "you typed it wrong" from "GitHub said no" from
//! "the deployment drifted") and, where we know it, a hint saying what to do.

use std::fmt;

/// Exit codes, documented in the README.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// Something failed at run time (network, GitHub, files).
    pub const RUNTIME: u8 = 1;
    /// The command line or configuration is wrong.
    pub const USAGE: u8 = 2;
    /// Verification found the world differs from what the plan promised.
    pub const DEVIATION: u8 = 3;
    /// A precondition recorded in the plan no longer holds.
    pub const STALE_PLAN: u8 = 4;
    /// `--dry-run --detailed-exitcode`: the plan has changes.
    pub const CHANGES_PENDING: u8 = 5;
    /// The user stopped the command at a prompt.
    pub const INTERRUPTED: u8 = 130;
    /// A bug in ghtraf (an internal panic was caught).
    pub const INTERNAL: u8 = 70;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Usage,
    Runtime,
    StalePlan,
    Interrupted,
}

#[derive(Debug, Clone)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: None,
        }
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        CliError {
            kind: ErrorKind::Runtime,
            message: message.into(),
            hint: None,
        }
    }

    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Usage => exit::USAGE,
            ErrorKind::Runtime => exit::RUNTIME,
            ErrorKind::StalePlan => exit::STALE_PLAN,
            ErrorKind::Interrupted => exit::INTERRUPTED,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}
