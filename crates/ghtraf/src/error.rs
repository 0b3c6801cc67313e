//! Errors the user sees, and the exit codes they map to.
//!
//! Every failure that reaches `main` carries a kind (which decides the exit
//! code, so scripts can tell "you typed it wrong" from "GitHub said no" from
//! "ghtraf has a bug"), the hints saying what to do where we know them, and
//! the error that caused it. The success side is typed too: [`ExitStatus`]
//! says why a run that did not fail still exits non-zero.

use std::fmt;
use std::sync::Arc;

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
    /// `collect` over many repositories: some could not be collected; the
    /// others were.
    pub const PARTIAL: u8 = 6;
    /// You declined the plan at the confirmation: nothing was changed. Not an error.
    pub const DECLINED: u8 = 7;
    /// Input ended (Ctrl-D) or Ctrl-C was typed at a prompt.
    pub const INTERRUPTED: u8 = 130;
    /// A bug in ghtraf (a broken internal invariant, or a caught panic).
    pub const INTERNAL: u8 = 70;
}

/// How a command that returned (rather than failed) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything asked for was done, or there was nothing to do.
    Success,
    /// Some actions failed; the rest were done and reported.
    Failed,
    /// The world differs from what the plan promised (or `verify` found drift).
    Deviation,
    /// A saved plan's precondition no longer holds; nothing after it was done.
    StalePlan,
    /// `--dry-run --detailed-exitcode`: the plan has changes.
    ChangesPending,
    /// Some of many repositories could not be collected; the others were.
    Partial,
    /// The person declined the plan at the confirmation; nothing was changed.
    Declined,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => exit::SUCCESS,
            ExitStatus::Failed => exit::RUNTIME,
            ExitStatus::Deviation => exit::DEVIATION,
            ExitStatus::StalePlan => exit::STALE_PLAN,
            ExitStatus::ChangesPending => exit::CHANGES_PENDING,
            ExitStatus::Partial => exit::PARTIAL,
            ExitStatus::Declined => exit::DECLINED,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Usage,
    Runtime,
    StalePlan,
    Interrupted,
    /// A broken internal invariant: a bug, exit 70.
    Internal,
}

/// The cause of an error, kept for `source()`.
type Cause = Arc<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Clone)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    /// What to do about it, most useful first.
    pub hints: Vec<String>,
    source: Option<Cause>,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(ErrorKind::Usage, message)
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        CliError::new(ErrorKind::Runtime, message)
    }

    /// A broken invariant of ghtraf itself (exit 70), never the user's fault.
    pub fn internal(message: impl Into<String>) -> Self {
        CliError::new(ErrorKind::Internal, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Keeps `cause` as this error's source.
    pub fn with_source(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(cause));
        self
    }

    /// The first hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hints.first().map(String::as_str)
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Usage => exit::USAGE,
            ErrorKind::Runtime => exit::RUNTIME,
            ErrorKind::StalePlan => exit::STALE_PLAN,
            ErrorKind::Interrupted => exit::INTERRUPTED,
            ErrorKind::Internal => exit::INTERNAL,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A GitHub error keeps its message, its hint and itself as the cause.
impl From<ghtraf_github::Error> for CliError {
    fn from(e: ghtraf_github::Error) -> Self {
        let mut c = CliError::runtime(e.message().to_string());
        if let Some(h) = e.hint() {
            c = c.with_hint(h.to_string());
        }
        c.with_source(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_breaches_exit_70_and_causes_are_kept() {
        assert_eq!(CliError::internal("x").exit_code(), 70);
        let io = std::io::Error::other("disk on fire");
        let e = CliError::runtime("cannot write").with_source(io);
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("disk on fire"));
    }
}
