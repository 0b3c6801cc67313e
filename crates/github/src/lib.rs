//! ghtraf's GitHub REST client: typed operations for everything ghtraf reads and writes, with
//! reads and writes split at the type level ([`GitHubRead`] for observers and planners,
//! [`GitHubWrite`] only for executors), errors that tell the user what to do, safe retries and
//! rate-limit handling, and a bounded [`fan_out`] for observing many repositories at once.
//! It knows nothing about plans; it is a thin, honest layer over HTTP.
//!
//! Configuration: [`resolve_api_base`] (`--api-url`, `GHTRAF_API_URL`, `GH_HOST` for GitHub
//! Enterprise, else `https://api.github.com`) and [`resolve_token`] (`GH_TOKEN`, `GITHUB_TOKEN`,
//! `gh auth token` via [`gh_cli_token`]) feed a [`ClientConfig`]. Every request carries
//! `Authorization: Bearer`, `Accept: application/vnd.github+json`,
//! `X-GitHub-Api-Version: 2022-11-28` and the configured `User-Agent` (`ghtraf/<version>`).
//! Environment proxies are used except for loopback hosts and `NO_PROXY` matches.
//!
//! Retries ([`RetryPolicy`], waits go through the injectable [`Sleeper`]):
//! - GET/PUT/PATCH/DELETE: retried on 5xx and lost connections, exponential backoff + jitter.
//! - `POST /gists` and workflow dispatches: never resent after a 5xx or a lost connection
//!   (it may have been applied); the caller re-observes, e.g. finds the gist by description.
//! - `POST` variables / Pages and contents `PUT`: resent; a refusal (409/422) after a resend
//!   means an earlier attempt landed and is resolved by reading the current state back
//!   ([`Error::after_retry`] tells callers when it could not be resolved).
//! - Rate limits (403/429 with `retry-after`, or `x-ratelimit-remaining: 0` + reset) are waited
//!   out for any method up to [`RetryPolicy::max_rate_limit_wait`], then fail with the time.
//!
//! Errors ([`ErrorKind`]): 401 = bad token; 404 on a gist write = missing `gist` scope /
//! "Gists: write"; other 403 = [`ErrorKind::MissingPermission`] naming the scope or fine-grained
//! permission; 422 = GitHub's message; connection failures name the host. The token is never
//! formatted ([`Token`] prints `***`) and is scrubbed from any server text we quote.
//! The optional [`ClientConfig::on_request`] hook gets one [`RequestEvent`] per send for `-v api`.
//!
//! Tokens: [`GitHubRead::whoami`] reads a token's classic scopes (`X-OAuth-Scopes`) or tells a
//! fine-grained token by the header's absence; [`GitHubRead::as_token`] makes the same reads
//! with another token (the workflow token before it is stored). A 403 keeps GitHub's message
//! and the permission GitHub says the request accepts.
//!
//! Lists: pages 2..N are fetched at once (bounded by [`ClientConfig::page_fan_out`]) from the
//! first page's `Link: rel="last"`; stargazers stop at GitHub's 400-page cap
//! ([`StarList::capped`]).
//!
//! Gists: [`Gist::revision`] is the revision observed while planning;
//! [`GitHubWrite::update_gist_at`] refuses ([`ErrorKind::StaleRevision`]) when the gist moved
//! since, and reports a write that raced its re-read. [`gist_raw_base`] derives the
//! dashboard's raw base from a `raw_url` (github.com, Enterprise and fakehub alike).
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
mod raw_base;
mod repo_ref;
mod secret;
mod types;

pub use api::{GitHubRead, GitHubWrite};
pub use client::Client;
pub use config::{
    gh_cli_token, resolve_api_base, resolve_token, resolve_token_with_source, ClientConfig,
    RequestEvent, RequestHook, RetryPolicy, Sleeper, ThreadSleeper, Token, TokenSource,
    DEFAULT_API_URL, DEFAULT_PAGE_FAN_OUT,
};
pub use error::{Error, ErrorKind};
pub use fanout::{fan_out, DEFAULT_FAN_OUT};
pub use raw_base::gist_raw_base;
pub use repo_ref::RepoRef;
pub use secret::seal_secret;
pub use types::*;
