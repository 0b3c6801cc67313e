//! The HTTP client behind [`GitHubRead`] and [`GitHubWrite`]: one place for headers, pagination,
//! retries with backoff, rate-limit waits, error mapping and token hygiene.
//!
//! Retry rules (why): GET/PUT/PATCH/DELETE are idempotent, so 5xx and connection errors are
//! retried with bounded exponential backoff and jitter. `POST /gists` and workflow dispatches
//! are never blindly retried, because a lost response may hide a created gist or a started run;
//! callers re-observe instead. Writes that GitHub refuses (409/422) when repeated (creating a
//! variable or Pages, writing a file) are retried, and such a refusal after a retry is resolved
//! by reading the current state.
//! Rate-limit answers mean "rejected, not applied", so every method waits (up to a cap) and retries.

use crate::api::{GitHubRead, GitHubWrite};
use crate::config::{ClientConfig, RequestEvent};
use crate::error::{
    from_status, rate_limit_signal, Error, ErrorKind, FailureHeaders, RateLimitSignal,
};
use crate::repo_ref::RepoRef;
use crate::types::*;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::time::{Duration, Instant};

mod reads;
mod urls;
mod writes;

mod pages;

pub(crate) use urls::next_link;
use urls::{
    contents_path, encode, header_u64, link_rel, page_number, proxy_allowed, repo_path,
    split_origin, with_page,
};
/// Responses larger than this are refused rather than exhausting memory.
const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;
/// A pagination chain longer than this is a server bug, not data.
const MAX_PAGES: usize = 10_000;

/// GitHub's JSON media type.
const JSON: &str = "application/vnd.github+json";
/// The stargazers media type that adds `starred_at`.
const STAR_JSON: &str = "application/vnd.github.star+json";
/// GitHub lists at most this many pages of stargazers (40,000 at 100 a page).
const STARGAZER_PAGE_CAP: usize = 400;

/// Whether a request may be sent again after a 5xx or a lost connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Idempotent: retry freely.
    Safe,
    /// A write that is refused (409/422) when repeated: resend, and the caller resolves such
    /// a refusal after a resend by reading the current state.
    RefusedWhenRepeated,
    /// Might duplicate a side effect: never resend (rate-limit rejections excepted).
    Never,
}

/// Where a request goes: relative to the API base, or an absolute URL GitHub handed us.
enum Target<'a> {
    Api(&'a str),
    /// A pagination link.
    Next(&'a str),
    /// A gist file's `raw_url` (plain text, possibly on another host).
    Raw(&'a str),
}

/// One send of a request, as [`Client::decide`] needs to know it.
struct Call<'a> {
    method: &'a str,
    shown: &'a str,
    retry: Retry,
    /// 1-based.
    attempt: u32,
    /// No attempts remain after this one.
    last: bool,
}

/// What happens after a send.
enum Next {
    Done(Answer),
    RetryAfter(Duration),
    Fail(Error),
    /// No answer and no resend: the detail of the transport failure.
    Unreachable(String),
}

/// A successful (2xx) answer.
struct Answer {
    status: u16,
    body: String,
    next: Option<String>,
    /// The `Link: rel="last"` URL, when the list has more pages.
    last: Option<String>,
    /// `X-OAuth-Scopes` of the answer (classic tokens only).
    scopes: Option<String>,
}

/// What one send produced.
enum Sent {
    Response {
        status: u16,
        headers: FailureHeaders,
        next: Option<String>,
        last: Option<String>,
        /// `X-OAuth-Scopes`: present for classic tokens only.
        scopes: Option<String>,
        body: String,
    },
    NoResponse(String),
}

/// The GitHub REST client. Cheap to share by reference across threads (see [`crate::fan_out`]).
pub struct Client {
    agent: ureq::Agent,
    base: String,
    origin: String,
    host: String,
    config: ClientConfig,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds the client; fails only on an unusable base URL.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let base = config.base_url.trim_end_matches('/').to_string();
        let (origin, host) = split_origin(&base).ok_or_else(|| {
            Error::config(
                format!("`{base}` is not a usable GitHub API URL"),
                "use an http(s) URL such as https://api.github.com or https://HOST/api/v3 (--api-url or GHTRAF_API_URL)",
            )
        })?;
        let use_proxy = proxy_allowed(
            &host,
            std::env::var("NO_PROXY")
                .or_else(|_| std::env::var("no_proxy"))
                .ok()
                .as_deref(),
        );
        // ureq checks pooled connections for a server-side close before reusing them, so
        // keep-alive is safe even for requests that are never resent.
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(config.connect_timeout)
            .timeout(config.timeout)
            .try_proxy_from_env(use_proxy)
            .redirect_auth_headers(ureq::RedirectAuthHeaders::SameHost)
            .build();
        Ok(Client {
            agent,
            base,
            origin,
            host,
            config,
        })
    }

    /// The same client (host, retries, hooks) speaking with another token.
    pub fn with_token(&self, token: crate::Token) -> Client {
        let mut config = self.config.clone();
        config.token = token;
        config.token_source = None;
        Client {
            agent: self.agent.clone(),
            base: self.base.clone(),
            origin: self.origin.clone(),
            host: self.host.clone(),
            config,
        }
    }

    /// The API base URL this client talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Replaces any occurrence of the token in server-provided text.
    fn scrub(&self, text: &str) -> String {
        let token = self.config.token.expose();
        if token.is_empty() {
            text.to_string()
        } else {
            text.replace(token, "***")
        }
    }

    /// The URL to send to and the short form used in logs and errors.
    fn resolve(&self, target: &Target<'_>) -> (String, String) {
        match target {
            Target::Api(path) => (format!("{}{path}", self.base), (*path).to_string()),
            Target::Next(url) | Target::Raw(url) => {
                let shown = url
                    .strip_prefix(self.base.as_str())
                    .filter(|rest| rest.starts_with('/'))
                    .map_or_else(|| self.scrub(url), str::to_string);
                ((*url).to_string(), shown)
            }
        }
    }

    fn send_once(&self, method: &str, url: &str, body: Option<&str>, accept: &str) -> Sent {
        let mut request = self
            .agent
            .request(method, url)
            .set("User-Agent", &self.config.user_agent)
            .set("X-GitHub-Api-Version", "2022-11-28")
            .set("Accept", accept);
        // The token only goes to the configured API origin, never to hosts named in responses.
        if split_origin(url).is_some_and(|(origin, _)| origin == self.origin) {
            request = request.set(
                "Authorization",
                &format!("Bearer {}", self.config.token.expose()),
            );
        }
        let result = match body {
            Some(json) => request
                .set("Content-Type", "application/json")
                .send_string(json),
            None => request.call(),
        };
        let response = match result {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(transport)) => {
                return Sent::NoResponse(self.scrub(&transport.to_string()))
            }
        };
        let status = response.status();
        let headers = FailureHeaders {
            retry_after: header_u64(&response, "retry-after"),
            ratelimit_remaining: header_u64(&response, "x-ratelimit-remaining"),
            ratelimit_reset: header_u64(&response, "x-ratelimit-reset"),
            accepted: response
                .header("x-accepted-github-permissions")
                .or_else(|| response.header("x-accepted-oauth-scopes"))
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty()),
        };
        let scopes = response.header("x-oauth-scopes").map(str::to_string);
        let link = response.header("link");
        let next = link.and_then(next_link);
        let last = link.and_then(|header| link_rel(header, "last"));
        let mut bytes = Vec::new();
        if let Err(error) = response
            .into_reader()
            .take(MAX_BODY_BYTES)
            .read_to_end(&mut bytes)
        {
            return Sent::NoResponse(format!("the response was cut off: {error}"));
        }
        Sent::Response {
            status,
            headers,
            next,
            last,
            scopes,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Backoff before retry number `retry` (1-based): base·2^(retry-1), capped, with jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let policy = &self.config.retry;
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let delay = policy
            .base_delay
            .checked_mul(factor)
            .unwrap_or(policy.max_delay)
            .min(policy.max_delay);
        if !policy.jitter {
            return delay;
        }
        let random = std::hash::RandomState::new().build_hasher().finish();
        let half = delay / 2;
        let spread = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(if spread == 0 {
            0
        } else {
            random % (spread + 1)
        })
    }

    /// How long a rate-limit answer asks us to wait.
    fn rate_limit_wait(&self, signal: RateLimitSignal, secondary_waits: u32) -> Duration {
        match signal {
            RateLimitSignal::Primary { reset_at } => {
                Duration::from_secs(reset_at.saturating_sub(self.config.sleeper.now_unix()) + 1)
            }
            RateLimitSignal::Secondary {
                retry_after: Some(seconds),
            } => Duration::from_secs(seconds),
            // GitHub: without retry-after, wait at least a minute, backing off exponentially.
            RateLimitSignal::Secondary { retry_after: None } => {
                Duration::from_secs(60u64.saturating_mul(1u64 << secondary_waits.min(16)))
            }
        }
    }

    /// Sends with retries; returns the 2xx answer or the mapped error.
    fn execute(
        &self,
        method: &str,
        target: Target<'_>,
        body: Option<&Value>,
        retry: Retry,
    ) -> Result<Answer, Error> {
        self.execute_as(method, target, body, retry, JSON)
    }

    /// [`Client::execute`] asking for the `accept` media type.
    fn execute_as(
        &self,
        method: &str,
        target: Target<'_>,
        body: Option<&Value>,
        retry: Retry,
        accept: &str,
    ) -> Result<Answer, Error> {
        let (url, shown) = self.resolve(&target);
        let host = split_origin(&url).map_or_else(|| self.host.clone(), |(_, host)| host);
        let accept = if matches!(target, Target::Raw(_)) {
            "*/*"
        } else {
            accept
        };
        let body_text = body.map(Value::to_string);
        let max_attempts = self.config.retry.max_attempts.max(1);
        let mut secondary_waits = 0;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let sent = self.send_once(method, &url, body_text.as_deref(), accept);
            let elapsed = started.elapsed();
            let status = match &sent {
                Sent::Response { status, .. } => Some(*status),
                Sent::NoResponse(_) => None,
            };
            let call = Call {
                method,
                shown: &shown,
                retry,
                attempt,
                last: attempt >= max_attempts,
            };
            let next = self.decide(&call, sent, &mut secondary_waits);
            if let Some(hook) = &self.config.on_request {
                hook(&RequestEvent {
                    method: method.to_string(),
                    path: shown.clone(),
                    status,
                    elapsed,
                    attempt,
                    retry_in: match &next {
                        Next::RetryAfter(wait) => Some(*wait),
                        _ => None,
                    },
                });
            }
            let failure = match next {
                Next::Done(answer) => return Ok(answer),
                Next::RetryAfter(wait) => {
                    self.config.sleeper.sleep(wait);
                    continue;
                }
                Next::Fail(failure) => failure,
                Next::Unreachable(detail) => Error::new(
                    ErrorKind::Network { host: host.clone() },
                    format!("could not get an answer from {host}: {detail}"),
                )
                .with_hint(if retry == Retry::Never {
                    "check your connection; the request may have been applied although no answer arrived, so look at the current state before trying again"
                } else {
                    "check your network connection, proxy settings (HTTPS_PROXY, NO_PROXY) and --api-url / GH_HOST"
                }),
            };
            let mut failure = failure.with_request(&format!("{method} {shown}"));
            if let Some(source) = self.config.token_source {
                failure = failure.with_token_source(source);
            }
            return Err(if attempt > 1 {
                failure.mark_after_retry()
            } else {
                failure
            });
        }
    }

    /// What to do after one send: return, wait and resend, or fail.
    fn decide(&self, call: &Call<'_>, sent: Sent, secondary_waits: &mut u32) -> Next {
        let attempts_left = !call.last;
        let may_resend = call.retry != Retry::Never && attempts_left;
        match sent {
            Sent::Response {
                status,
                next,
                last,
                body,
                scopes,
                ..
            } if (200..300).contains(&status) => Next::Done(Answer {
                status,
                body,
                next,
                last,
                scopes,
            }),
            Sent::Response {
                status,
                headers,
                body,
                ..
            } => {
                let body = self.scrub(&body);
                if let Some(signal) = rate_limit_signal(status, &headers, &body) {
                    // Rejected, not applied: every method may wait and resend.
                    let wait = self.rate_limit_wait(signal, *secondary_waits);
                    if attempts_left && wait <= self.config.retry.max_rate_limit_wait {
                        if matches!(signal, RateLimitSignal::Secondary { retry_after: None }) {
                            *secondary_waits += 1;
                        }
                        return Next::RetryAfter(wait);
                    }
                } else if status >= 500 && may_resend {
                    return Next::RetryAfter(self.backoff(call.attempt));
                }
                Next::Fail(from_status(
                    call.method,
                    call.shown,
                    status,
                    &headers,
                    &body,
                ))
            }
            Sent::NoResponse(_) if may_resend => Next::RetryAfter(self.backoff(call.attempt)),
            Sent::NoResponse(detail) => Next::Unreachable(detail),
        }
    }

    fn decode<T: DeserializeOwned>(&self, request: &str, body: &str) -> Result<T, Error> {
        serde_json::from_str(body).map_err(|e| Error::decode(request, e))
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let answer = self.execute("GET", Target::Api(path), None, Retry::Safe)?;
        self.decode(&format!("GET {path}"), &answer.body)
    }

    /// DELETE where "already gone" (a 404 on the first attempt or after a lost one) is done.
    fn delete(&self, path: &str) -> Result<(), Error> {
        match self.execute("DELETE", Target::Api(path), None, Retry::Safe) {
            Ok(_) => Ok(()),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// GET that turns 404 into `None`.
    fn get_optional<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>, Error> {
        match self.get(path) {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_base_url_is_a_config_error() {
        let config = ClientConfig::new("api.github.com", crate::Token::new("t"), "ghtraf/test");
        assert_eq!(Client::new(config).unwrap_err().kind, ErrorKind::Config);
    }

    #[test]
    fn backoff_is_bounded_and_jittered() {
        let mut config =
            ClientConfig::new("http://127.0.0.1:1", crate::Token::new("t"), "ghtraf/test");
        config.retry.base_delay = Duration::from_millis(100);
        config.retry.max_delay = Duration::from_millis(350);
        config.retry.jitter = false;
        let client = Client::new(config.clone()).unwrap();
        let delays: Vec<u128> = (1..=5).map(|n| client.backoff(n).as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 350, 350, 350]);
        config.retry.jitter = true;
        let client = Client::new(config).unwrap();
        for n in 1..=40 {
            let ms = client.backoff(n).as_millis();
            assert!((50..=350).contains(&ms), "{ms}");
        }
    }
}
