//! ghtraf's GitHub REST client: typed operations for everything ghtraf reads and writes, with
//! reads and writes split at the type level ([`GitHubRead`] for observers and planners,
//! [`GitHubWrite`] only for executors), errors that tell the user what to do, safe retries and
//! rate-limit handling, and a bounded [`fan_out`] for observing many repositories at once.
//! It knows nothing about plans; it is a thin, honest layer over HTTP.
//!
//! ```no_run
//! use ghtraf_github::*;
//! let env = |k: &str| std::env::var(k).ok();
//! let base = resolve_api_base(None, &env);
//! let token = resolve_token(&env, &|| gh_cli_token(None))?;
//! let client = Client::new(ClientConfig::new(base, token, "ghtraf/0.1.0"))?;
//! let me = client.current_user()?;
//! # Ok::<(), Error>(())
//! ```

mod api;
mod client;
mod config;
mod error;
mod fanout;
mod repo_ref;
mod secret;
mod types;

pub use api::{GitHubRead, GitHubWrite};
pub use client::Client;
pub use config::{
    gh_cli_token, resolve_api_base, resolve_token, ClientConfig, RequestEvent, RequestHook,
    RetryPolicy, Sleeper, ThreadSleeper, Token, DEFAULT_API_URL,
};
pub use error::{Error, ErrorKind};
pub use fanout::{fan_out, DEFAULT_FAN_OUT};
pub use repo_ref::RepoRef;
pub use secret::seal_secret;
pub use types::*;
