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
use crate::secret::seal_secret;
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

/// Responses larger than this are refused rather than exhausting memory.
const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;
/// A pagination chain longer than this is a server bug, not data.
const MAX_PAGES: usize = 10_000;

/// GitHub's JSON media type.
const JSON: &str = "application/vnd.github+json";
/// The stargazers media type that adds `starred_at`.
const STAR_JSON: &str = "application/vnd.github.star+json";

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
}

/// What one send produced.
enum Sent {
    Response {
        status: u16,
        headers: FailureHeaders,
        next: Option<String>,
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

/// `(origin, host)` of an http(s) URL, e.g. `("https://api.github.com", "api.github.com")`.
fn split_origin(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("").to_string()
    } else {
        authority.split(':').next().unwrap_or("").to_string()
    };
    Some((format!("{scheme}://{authority}"), host))
}

/// Loopback hosts never go through a proxy (tests, fakehub, local demos).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether to use the environment's proxy (`ALL_PROXY`/`HTTPS_PROXY`/`HTTP_PROXY`) for `host`:
/// never for loopback, and not for hosts matched by `NO_PROXY` (which ureq 2 itself ignores):
/// `*`, an exact host, or a domain suffix (`.corp` or `corp` both match `ghe.corp`).
fn proxy_allowed(host: &str, no_proxy: Option<&str>) -> bool {
    if is_loopback(host) {
        return false;
    }
    let host = host.to_ascii_lowercase();
    !no_proxy.unwrap_or("").split(',').any(|entry| {
        let entry = entry.trim().trim_start_matches('.').to_ascii_lowercase();
        !entry.is_empty() && (entry == "*" || host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// Percent-encodes one URL path segment or query value.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `rel="next"` URL of a `Link` header, if any.
pub(crate) fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url_part, params) = part.split_once(';')?;
        let url = url_part.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim();
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.to_string())
    })
}

fn header_u64(response: &ureq::Response, name: &str) -> Option<u64> {
    response.header(name).and_then(|v| v.trim().parse().ok())
}

fn repo_path(r: &RepoRef, rest: &str) -> String {
    format!("/repos/{}/{}{rest}", encode(&r.owner), encode(&r.name))
}

/// `/repos/{o}/{r}/contents/{path}` with each path segment encoded but the slashes kept.
fn contents_path(r: &RepoRef, path: &str) -> String {
    let encoded: Vec<String> = path.trim_matches('/').split('/').map(encode).collect();
    repo_path(r, &format!("/contents/{}", encoded.join("/")))
}

#[derive(Deserialize)]
struct WireOwner {
    login: String,
}

#[derive(Deserialize)]
struct WireGistFile {
    #[serde(default)]
    raw_url: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    truncated: Option<bool>,
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct WireGist {
    id: String,
    #[serde(default)]
    description: Option<String>,
    public: bool,
    html_url: String,
    updated_at: String,
    files: BTreeMap<String, Option<WireGistFile>>,
    #[serde(default)]
    owner: Option<WireOwner>,
    #[serde(default)]
    user: Option<WireOwner>,
}

impl WireGist {
    fn owner_login(&mut self) -> Option<String> {
        self.owner
            .take()
            .or_else(|| self.user.take())
            .map(|o| o.login)
    }
}

#[derive(Deserialize)]
struct WireContent {
    path: String,
    sha: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
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
        };
        let next = response.header("link").and_then(next_link);
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
            let failure = failure.with_request(&format!("{method} {shown}"));
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
                status, next, body, ..
            } if (200..300).contains(&status) => Next::Done(Answer { status, body, next }),
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

    /// Follows `Link: rel="next"` from `first_path`; `items_key` names the array inside wrapped
    /// answers (`{"total_count":..,"variables":[..]}`), None for bare arrays.
    fn get_all<T: DeserializeOwned>(
        &self,
        first_path: &str,
        items_key: Option<&str>,
    ) -> Result<Vec<T>, Error> {
        self.get_all_as(first_path, items_key, JSON)
    }

    /// [`Client::get_all`] asking for the `accept` media type.
    fn get_all_as<T: DeserializeOwned>(
        &self,
        first_path: &str,
        items_key: Option<&str>,
        accept: &str,
    ) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut answer =
            self.execute_as("GET", Target::Api(first_path), None, Retry::Safe, accept)?;
        let mut request = format!("GET {first_path}");
        for _ in 0..MAX_PAGES {
            let page: Value = self.decode(&request, &answer.body)?;
            let list = match items_key {
                Some(key) => page.get(key).cloned().unwrap_or(Value::Null),
                None => page,
            };
            let mut page_items: Vec<T> =
                serde_json::from_value(list).map_err(|e| Error::decode(&request, e))?;
            items.append(&mut page_items);
            let Some(next) = answer.next.take() else {
                return Ok(items);
            };
            if split_origin(&next).is_none_or(|(origin, _)| origin != self.origin) {
                return Err(Error::decode(
                    &request,
                    "a pagination link pointed to another host",
                ));
            }
            answer = self.execute_as("GET", Target::Next(&next), None, Retry::Safe, accept)?;
            request = format!("GET {}", self.resolve(&Target::Next(&next)).1);
        }
        Err(Error::decode(&request, "pagination did not end"))
    }

    /// Converts a full gist answer, fetching the raw text of truncated files.
    fn complete_gist(&self, request: &str, body: &str) -> Result<Gist, Error> {
        let mut wire: WireGist = self.decode(request, body)?;
        let owner_login = wire.owner_login();
        let mut files = BTreeMap::new();
        for (name, file) in std::mem::take(&mut wire.files) {
            let Some(file) = file else { continue };
            let content = match (file.content, file.truncated.unwrap_or(false)) {
                (Some(content), false) => content,
                _ => {
                    let raw_url = file.raw_url.as_deref().ok_or_else(|| {
                        Error::decode(
                            request,
                            format!("file `{name}` is truncated and has no raw_url"),
                        )
                    })?;
                    self.execute("GET", Target::Raw(raw_url), None, Retry::Safe)?
                        .body
                }
            };
            let size = file.size.unwrap_or(content.len() as u64);
            files.insert(
                name,
                GistFile {
                    content,
                    raw_url: file.raw_url,
                    size,
                },
            );
        }
        Ok(Gist {
            id: wire.id,
            description: wire.description.unwrap_or_default(),
            public: wire.public,
            owner_login,
            html_url: wire.html_url,
            updated_at: wire.updated_at,
            files,
        })
    }
}

impl GitHubRead for Client {
    fn current_user(&self) -> Result<User, Error> {
        self.get("/user")
    }

    fn repo(&self, r: &RepoRef) -> Result<Repo, Error> {
        self.get(&repo_path(r, ""))
    }

    fn list_repos(&self, scope: &RepoScope) -> Result<Vec<RepoSummary>, Error> {
        let path = match scope {
            RepoScope::Mine => "/user/repos?per_page=100".to_string(),
            RepoScope::User(login) => format!("/users/{}/repos?per_page=100", encode(login)),
            RepoScope::Org(org) => format!("/orgs/{}/repos?per_page=100", encode(org)),
        };
        self.get_all(&path, None)
    }

    fn stargazers(&self, r: &RepoRef) -> Result<Vec<Stargazer>, Error> {
        #[derive(Deserialize)]
        struct Starred {
            starred_at: String,
            user: WireOwner,
        }
        let path = repo_path(r, "/stargazers?per_page=100");
        let starred: Vec<Starred> = self.get_all_as(&path, None, STAR_JSON)?;
        Ok(starred
            .into_iter()
            .map(|s| Stargazer {
                login: s.user.login,
                starred_at: s.starred_at,
            })
            .collect())
    }

    fn list_gists(&self) -> Result<Vec<GistSummary>, Error> {
        let wire: Vec<WireGist> = self.get_all("/gists?per_page=100", None)?;
        Ok(wire
            .into_iter()
            .map(|mut gist| GistSummary {
                owner_login: gist.owner_login(),
                id: gist.id,
                description: gist.description.unwrap_or_default(),
                public: gist.public,
                files: gist.files.into_keys().collect(),
                html_url: gist.html_url,
                updated_at: gist.updated_at,
            })
            .collect())
    }

    fn gist(&self, id: &str) -> Result<Option<Gist>, Error> {
        let path = format!("/gists/{}", encode(id));
        match self.execute("GET", Target::Api(&path), None, Retry::Safe) {
            Ok(answer) => self
                .complete_gist(&format!("GET {path}"), &answer.body)
                .map(Some),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn list_variables(&self, r: &RepoRef) -> Result<Vec<Variable>, Error> {
        self.get_all(
            &repo_path(r, "/actions/variables?per_page=30"),
            Some("variables"),
        )
    }

    fn variable(&self, r: &RepoRef, name: &str) -> Result<Option<Variable>, Error> {
        self.get_optional(&repo_path(
            r,
            &format!("/actions/variables/{}", encode(name)),
        ))
    }

    fn secret_public_key(&self, r: &RepoRef) -> Result<SecretPublicKey, Error> {
        self.get(&repo_path(r, "/actions/secrets/public-key"))
    }

    fn secret(&self, r: &RepoRef, name: &str) -> Result<Option<SecretMeta>, Error> {
        self.get_optional(&repo_path(r, &format!("/actions/secrets/{}", encode(name))))
    }

    fn traffic_clones(&self, r: &RepoRef) -> Result<TrafficSeries, Error> {
        self.get(&repo_path(r, "/traffic/clones?per=day"))
    }

    fn traffic_views(&self, r: &RepoRef) -> Result<TrafficSeries, Error> {
        self.get(&repo_path(r, "/traffic/views?per=day"))
    }

    fn top_referrers(&self, r: &RepoRef) -> Result<Vec<Referrer>, Error> {
        self.get(&repo_path(r, "/traffic/popular/referrers"))
    }

    fn top_paths(&self, r: &RepoRef) -> Result<Vec<PopularPath>, Error> {
        self.get(&repo_path(r, "/traffic/popular/paths"))
    }

    fn releases(&self, r: &RepoRef) -> Result<Vec<Release>, Error> {
        self.get_all(&repo_path(r, "/releases?per_page=100"), None)
    }

    fn workflow_runs(&self, r: &RepoRef, created: &str) -> Result<Vec<WorkflowRun>, Error> {
        let path = repo_path(
            r,
            &format!("/actions/runs?created={}&per_page=100", encode(created)),
        );
        self.get_all(&path, Some("workflow_runs"))
    }

    fn latest_runs(
        &self,
        r: &RepoRef,
        workflow: &str,
        count: u32,
    ) -> Result<Option<Vec<WorkflowRun>>, Error> {
        #[derive(Deserialize)]
        struct Page {
            workflow_runs: Vec<WorkflowRun>,
        }
        let path = repo_path(
            r,
            &format!(
                "/actions/workflows/{}/runs?per_page={}",
                encode(workflow),
                count.clamp(1, 100)
            ),
        );
        let page: Option<Page> = self.get_optional(&path)?;
        Ok(page.map(|page| {
            let mut runs = page.workflow_runs;
            runs.truncate(count as usize);
            runs
        }))
    }

    fn run_jobs(&self, r: &RepoRef, run_id: u64) -> Result<Vec<Job>, Error> {
        self.get_all(
            &repo_path(r, &format!("/actions/runs/{run_id}/jobs?per_page=100")),
            Some("jobs"),
        )
    }

    fn workflows(&self, r: &RepoRef) -> Result<Vec<Workflow>, Error> {
        self.get_all(
            &repo_path(r, "/actions/workflows?per_page=100"),
            Some("workflows"),
        )
    }

    fn pages(&self, r: &RepoRef) -> Result<Option<Pages>, Error> {
        self.get_optional(&repo_path(r, "/pages"))
    }

    fn content(&self, r: &RepoRef, path: &str) -> Result<Option<Content>, Error> {
        let api_path = contents_path(r, path);
        let request = format!("GET {api_path}");
        let Some(value) = self.get_optional::<Value>(&api_path)? else {
            return Ok(None);
        };
        if value.is_array() {
            return Err(Error::decode(
                &request,
                format!("`{path}` is a directory, not a file"),
            ));
        }
        let wire: WireContent =
            serde_json::from_value(value).map_err(|e| Error::decode(&request, e))?;
        let bytes = match (wire.content, wire.encoding.as_deref()) {
            (Some(content), Some("base64")) => {
                let compact: String = content.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|e| Error::decode(&request, e))?
            }
            (Some(_), Some("none")) => {
                return Err(Error::decode(
                    &request,
                    format!("`{path}` is too large for the contents API"),
                ))
            }
            (Some(content), _) => content.into_bytes(),
            (None, _) => {
                return Err(Error::decode(
                    &request,
                    format!("`{path}` has no content (not a file)"),
                ))
            }
        };
        Ok(Some(Content {
            path: wire.path,
            sha: wire.sha,
            bytes,
        }))
    }

    fn rate_limit(&self) -> Result<RateLimit, Error> {
        #[derive(Deserialize)]
        struct Resources {
            core: RateLimit,
        }
        #[derive(Deserialize)]
        struct Answer {
            resources: Resources,
        }
        Ok(self.get::<Answer>("/rate_limit")?.resources.core)
    }
}

impl GitHubWrite for Client {
    fn create_gist(
        &self,
        description: &str,
        public: bool,
        files: &BTreeMap<String, String>,
    ) -> Result<Gist, Error> {
        let files: serde_json::Map<String, Value> = files
            .iter()
            .map(|(name, content)| (name.clone(), json!({ "content": content })))
            .collect();
        let body = json!({ "description": description, "public": public, "files": files });
        let answer = self.execute("POST", Target::Api("/gists"), Some(&body), Retry::Never)?;
        self.complete_gist("POST /gists", &answer.body)
    }

    fn update_gist(
        &self,
        id: &str,
        files: &BTreeMap<String, Option<String>>,
    ) -> Result<Gist, Error> {
        let files: serde_json::Map<String, Value> = files
            .iter()
            .map(|(name, content)| {
                let value = match content {
                    Some(content) => json!({ "content": content }),
                    None => Value::Null,
                };
                (name.clone(), value)
            })
            .collect();
        let path = format!("/gists/{}", encode(id));
        let body = json!({ "files": files });
        let answer = self.execute("PATCH", Target::Api(&path), Some(&body), Retry::Safe)?;
        self.complete_gist(&format!("PATCH {path}"), &answer.body)
    }

    fn delete_gist(&self, id: &str) -> Result<(), Error> {
        self.delete(&format!("/gists/{}", encode(id)))
    }

    fn delete_variable(&self, r: &RepoRef, name: &str) -> Result<(), Error> {
        self.delete(&repo_path(
            r,
            &format!("/actions/variables/{}", encode(name)),
        ))
    }

    fn create_variable(&self, r: &RepoRef, name: &str, value: &str) -> Result<(), Error> {
        let path = repo_path(r, "/actions/variables");
        let body = json!({ "name": name, "value": value });
        match self.execute(
            "POST",
            Target::Api(&path),
            Some(&body),
            Retry::RefusedWhenRepeated,
        ) {
            Ok(_) => Ok(()),
            Err(error) if error.kind == ErrorKind::Conflict && error.after_retry() => {
                match self.variable(r, name)? {
                    Some(existing) if existing.value == value => Ok(()),
                    _ => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    fn update_variable(&self, r: &RepoRef, name: &str, value: &str) -> Result<(), Error> {
        let path = repo_path(r, &format!("/actions/variables/{}", encode(name)));
        let body = json!({ "value": value });
        self.execute("PATCH", Target::Api(&path), Some(&body), Retry::Safe)
            .map(|_| ())
    }

    fn put_secret(&self, r: &RepoRef, name: &str, plaintext: &str) -> Result<SecretWrite, Error> {
        let key = self.secret_public_key(r)?;
        let sealed = seal_secret(&key.key, plaintext)?;
        let path = repo_path(r, &format!("/actions/secrets/{}", encode(name)));
        let body = json!({ "encrypted_value": sealed, "key_id": key.key_id });
        let answer = self.execute("PUT", Target::Api(&path), Some(&body), Retry::Safe)?;
        Ok(if answer.status == 201 {
            SecretWrite::Created
        } else {
            SecretWrite::Updated
        })
    }

    fn put_content(
        &self,
        r: &RepoRef,
        path: &str,
        message: &str,
        bytes: &[u8],
        sha: Option<&str>,
    ) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Written {
            sha: String,
        }
        #[derive(Deserialize)]
        struct Answer {
            content: Written,
        }
        let api_path = contents_path(r, path);
        let mut body = json!({
            "message": message,
            "content": base64::engine::general_purpose::STANDARD.encode(bytes),
        });
        if let Some(sha) = sha {
            body["sha"] = json!(sha);
        }
        let refused_resend = |error: &Error| {
            error.after_retry()
                && matches!(
                    error.kind,
                    ErrorKind::Conflict | ErrorKind::Validation { .. }
                )
        };
        match self.execute(
            "PUT",
            Target::Api(&api_path),
            Some(&body),
            Retry::RefusedWhenRepeated,
        ) {
            Ok(answer) => Ok(self
                .decode::<Answer>(&format!("PUT {api_path}"), &answer.body)?
                .content
                .sha),
            Err(error) if refused_resend(&error) => match self.content(r, path)? {
                Some(now) if now.bytes == bytes => Ok(now.sha),
                _ => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    fn create_pages(&self, r: &RepoRef, branch: &str, path: &str) -> Result<Pages, Error> {
        let api_path = repo_path(r, "/pages");
        let body = json!({ "source": { "branch": branch, "path": path } });
        match self.execute(
            "POST",
            Target::Api(&api_path),
            Some(&body),
            Retry::RefusedWhenRepeated,
        ) {
            Ok(answer) => self.decode(&format!("POST {api_path}"), &answer.body),
            Err(error) if error.kind == ErrorKind::Conflict && error.after_retry() => {
                self.pages(r)?.ok_or(error)
            }
            Err(error) => Err(error),
        }
    }

    fn update_pages(&self, r: &RepoRef, branch: &str, path: &str) -> Result<(), Error> {
        let api_path = repo_path(r, "/pages");
        let body = json!({ "source": { "branch": branch, "path": path } });
        self.execute("PUT", Target::Api(&api_path), Some(&body), Retry::Safe)
            .map(|_| ())
    }

    fn dispatch_workflow(&self, r: &RepoRef, workflow: &str, git_ref: &str) -> Result<(), Error> {
        let path = repo_path(
            r,
            &format!("/actions/workflows/{}/dispatches", encode(workflow)),
        );
        let body = json!({ "ref": git_ref });
        self.execute("POST", Target::Api(&path), Some(&body), Retry::Never)
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next() {
        let header = r#"<https://api.github.com/gists?page=2&per_page=100>; rel="next", <https://api.github.com/gists?page=5&per_page=100>; rel="last""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.github.com/gists?page=2&per_page=100")
        );
        let last_page = r#"<https://api.github.com/gists?page=1>; rel="prev", <https://api.github.com/gists?page=1>; rel="first""#;
        assert_eq!(next_link(last_page), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn origins_and_loopback() {
        assert_eq!(
            split_origin("http://127.0.0.1:8080/api/v3"),
            Some(("http://127.0.0.1:8080".into(), "127.0.0.1".into()))
        );
        assert_eq!(
            split_origin("https://[::1]:9/x").map(|o| o.1),
            Some("::1".into())
        );
        assert_eq!(split_origin("ftp://x"), None);
        assert_eq!(split_origin("https://user:pw@x"), None);
        assert!(
            is_loopback("127.0.0.1")
                && is_loopback("127.5.0.1")
                && is_loopback("localhost")
                && is_loopback("::1")
        );
        assert!(!is_loopback("api.github.com") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn proxies_skip_loopback_and_no_proxy_hosts() {
        assert!(proxy_allowed("api.github.com", None));
        assert!(!proxy_allowed("127.0.0.1", None));
        assert!(!proxy_allowed("localhost", Some("")));
        assert!(!proxy_allowed("ghe.corp", Some("foo, .corp")));
        assert!(!proxy_allowed("GHE.corp", Some("corp")));
        assert!(!proxy_allowed("api.github.com", Some("*")));
        assert!(proxy_allowed("notcorp.com", Some("corp")));
        assert!(proxy_allowed("api.github.com", Some("ghe.corp,")));
    }

    #[test]
    fn encoding_keeps_unreserved() {
        assert_eq!(encode("traffic-badges.yml"), "traffic-badges.yml");
        assert_eq!(encode(">=2024-05-01"), "%3E%3D2024-05-01");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }

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

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn decode_percent(text: &str) -> Vec<u8> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn encode_is_reversible_and_url_safe(text in ".*") {
            let encoded = encode(&text);
            prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert_eq!(decode_percent(&encoded), text.as_bytes());
        }

        #[test]
        fn next_link_is_found_in_any_position(
            page in 1u32..1000,
            others in proptest::collection::vec(prop_oneof!["prev", "first", "last"], 0..3),
            at in 0usize..4,
        ) {
            let next = format!("http://127.0.0.1:1/gists?per_page=100&page={page}");
            let mut parts: Vec<String> = others
                .iter()
                .map(|rel| format!("<http://127.0.0.1:1/gists?page=1>; rel=\"{rel}\""))
                .collect();
            parts.insert(at.min(parts.len()), format!("<{next}>; rel=\"next\""));
            prop_assert_eq!(next_link(&parts.join(", ")), Some(next));
        }
    }
}
