//! The GitHub client as commands use it: built once from the command's
//! context (base URL, token, the `api` verbosity channel), and GitHub errors
//! turned into the CLI's errors without losing their hint.

use std::sync::Arc;

use ghtraf_github::{Client, ClientConfig};
use ghtraf_plan::StepError;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{level, Channel};

/// The client for this run; every request is reported on the `api` channel (`-v`).
pub fn client(ctx: &Context) -> Result<Client> {
    let env = |k: &str| ctx.env(k);
    let base = ghtraf_github::resolve_api_base(ctx.api_url.as_deref(), &env);
    let gh_cli = ctx.gh_cli.clone();
    // No token (GH_TOKEN empty or unset, no gh) and a malformed API URL are
    // missing or wrong input: exit 2, as the README documents.
    let (token, source) =
        ghtraf_github::resolve_token_with_source(&env, &move || gh_cli()).map_err(usage)?;
    let mut config =
        ClientConfig::new(base, token, format!("ghtraf/{}", env!("CARGO_PKG_VERSION")));
    // A 401 then says "GitHub rejected the token from GH_TOKEN" (or GITHUB_TOKEN, gh).
    config.token_source = Some(source);
    let reporter = ctx.reporter.clone();
    config.on_request = Some(Arc::new(move |ev| {
        reporter.diag(Channel::Api, level::VERBOSE, &ev.to_string());
    }));
    Client::new(config).map_err(usage)
}

/// A configuration error of the client (no token, a bad base URL) as the
/// usage error it is; anything else as it comes.
fn usage(e: ghtraf_github::Error) -> CliError {
    let config = matches!(e.kind, ghtraf_github::ErrorKind::Config);
    let mut c = CliError::from(e);
    if config {
        c.kind = crate::error::ErrorKind::Usage;
    }
    c
}

/// A GitHub error as a CLI error, optionally saying what we were doing.
pub fn error(doing: Option<&str>, e: ghtraf_github::Error) -> CliError {
    let mut c = CliError::from(e);
    if let Some(d) = doing {
        c.message = format!("{d}: {}", c.message);
    }
    c
}

/// A GitHub error as an executor's step error, hint on its own line.
pub fn step_error(e: ghtraf_github::Error) -> StepError {
    let mut m = e.message().to_string();
    if let Some(h) = e.hint() {
        m.push_str(&format!("\nhint: {h}"));
    }
    StepError::new(m)
}

/// The value of a scoped read; a panic in the read goes on unwinding (the
/// process's panic hook reports it), as it would have without the thread.
pub fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    match handle.join() {
        Ok(value) => value,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}
