//! How a client is configured: where the API is, which token, how patiently to retry, and the
//! hooks tests and the CLI inject (a clock/sleeper so no test really sleeps, a per-request
//! callback for `-v api`). Resolution of base URL and token takes the environment as a function
//! so it is testable without touching the process environment.

use crate::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The public API of github.com.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// A GitHub token. Debug and Display print `***`, so it cannot leak through formatting.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The secret itself: only for the Authorization header (and `put_secret` callers that must
    /// store it). Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Waiting, injectable: tests record the requested waits instead of sleeping, and pin "now" so
/// rate-limit reset times are deterministic.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, duration: Duration);
    /// Seconds since the Unix epoch (compared with `x-ratelimit-reset`).
    fn now_unix(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// The real thing: `std::thread::sleep` and the system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// How failures are retried. Attempts count every send, including the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Maximum sends of one request (1 = never retry).
    pub max_attempts: u32,
    /// First backoff after a 5xx or connection error; doubles each retry.
    pub base_delay: Duration,
    /// Cap of one backoff.
    pub max_delay: Duration,
    /// Longest single rate-limit wait we accept; a longer one fails with the reset time.
    pub max_rate_limit_wait: Duration,
    /// Randomise backoffs (to [delay/2, delay]) so parallel observers do not retry in lockstep.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(120),
            jitter: true,
        }
    }
}

/// One line for the CLI's `api` verbosity channel. Contains no token and no bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    pub method: String,
    /// Path and query relative to the API host (or the full URL for other hosts).
    pub path: String,
    /// None when no response arrived (connection error, timeout).
    pub status: Option<u16>,
    pub elapsed: Duration,
    /// 1 for the first send, 2 for the first retry, ...
    pub attempt: u32,
    /// Set when the client will wait this long and send again (backoff or rate limit), so the
    /// CLI can say why nothing seems to happen.
    pub retry_in: Option<Duration>,
}

impl fmt::Display for RequestEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self
            .status
            .map_or_else(|| "no response".to_string(), |s| s.to_string());
        write!(
            f,
            "{} {} -> {} in {} ms",
            self.method,
            self.path,
            status,
            self.elapsed.as_millis()
        )?;
        if self.attempt > 1 {
            write!(f, " (attempt {})", self.attempt)?;
        }
        if let Some(wait) = self.retry_in {
            write!(f, "; retrying in {} ms", wait.as_millis())?;
        }
        Ok(())
    }
}

/// Callback receiving a [`RequestEvent`] after every send.
pub type RequestHook = Arc<dyn Fn(&RequestEvent) + Send + Sync>;

/// Everything a [`crate::Client`] needs.
#[derive(Clone)]
pub struct ClientConfig {
    /// API root without trailing slash, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`.
    pub base_url: String,
    pub token: Token,
    /// `ghtraf/<version>`.
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub sleeper: Arc<dyn Sleeper>,
    pub connect_timeout: Duration,
    /// Whole-request timeout (connect + send + receive).
    pub timeout: Duration,
    pub on_request: Option<RequestHook>,
    /// Pages of a list fetched at once once the first page's `Link: rel="last"` is known
    /// (1 = one after the other). GitHub's secondary limits allow 100 concurrent requests.
    pub page_fan_out: usize,
    /// Where [`ClientConfig::token`] came from; a 401 then names it.
    pub token_source: Option<TokenSource>,
}

/// Default of [`ClientConfig::page_fan_out`].
pub const DEFAULT_PAGE_FAN_OUT: usize = 16;

impl ClientConfig {
    /// Defaults: retry policy above, real sleeping, 10 s connect / 60 s request timeouts, no hook.
    pub fn new(
        base_url: impl Into<String>,
        token: Token,
        user_agent: impl Into<String>,
    ) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into(),
            token,
            user_agent: user_agent.into(),
            retry: RetryPolicy::default(),
            sleeper: Arc::new(ThreadSleeper),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            on_request: None,
            page_fan_out: DEFAULT_PAGE_FAN_OUT,
            token_source: None,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("on_request", &self.on_request.is_some())
            .field("page_fan_out", &self.page_fan_out)
            .finish_non_exhaustive()
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The API base URL: `--api-url`, else `GHTRAF_API_URL`, else `https://HOST/api/v3` when
/// `GH_HOST` names a GitHub Enterprise Server host (`http://HOST` keeps http), else
/// `https://api.github.com`.
/// Trailing slashes are removed.
pub fn resolve_api_base(flag: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> String {
    let chosen = non_empty(flag.map(str::to_string))
        .or_else(|| non_empty(env("GHTRAF_API_URL")))
        .or_else(|| {
            non_empty(env("GH_HOST")).and_then(|host| {
                // A bare host is served over https; an explicit `http://` is kept (a lab
                // appliance, or fakehub in tests).
                let (scheme, host) = match host.strip_prefix("http://") {
                    Some(rest) => ("http", rest.to_string()),
                    None => ("https", host.trim_start_matches("https://").to_string()),
                };
                let host = host.trim_end_matches('/').to_string();
                let github_com = host.eq_ignore_ascii_case("github.com")
                    || host.eq_ignore_ascii_case("api.github.com");
                (!github_com).then(|| format!("{scheme}://{host}/api/v3"))
            })
        })
        .unwrap_or_else(|| DEFAULT_API_URL.to_string());
    chosen.trim_end_matches('/').to_string()
}

/// Where a token came from: a 401 names it, so the user knows which token to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    GhToken,
    GithubToken,
    /// `gh auth token`.
    GhCli,
}

impl TokenSource {
    /// What to do about a rejected token from this source.
    pub fn fix(self) -> &'static str {
        match self {
            TokenSource::GhToken => "GH_TOKEN holds a token GitHub does not accept (invalid, expired or revoked): put a valid one in GH_TOKEN, or unset it to use GITHUB_TOKEN or `gh auth login`",
            TokenSource::GithubToken => "GITHUB_TOKEN holds a token GitHub does not accept (invalid, expired or revoked): put a valid one in GH_TOKEN (it wins over GITHUB_TOKEN)",
            TokenSource::GhCli => "the GitHub CLI's token was not accepted: run `gh auth login` again, or set GH_TOKEN",
        }
    }
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenSource::GhToken => "GH_TOKEN",
            TokenSource::GithubToken => "GITHUB_TOKEN",
            TokenSource::GhCli => "the GitHub CLI (`gh auth token`)",
        })
    }
}

/// The token: `GH_TOKEN`, else `GITHUB_TOKEN`, else what `gh_cli` returns (normally
/// [`gh_cli_token`]). The error says exactly how to provide one.
pub fn resolve_token(
    env: &dyn Fn(&str) -> Option<String>,
    gh_cli: &dyn Fn() -> Option<String>,
) -> Result<Token, Error> {
    resolve_token_with_source(env, gh_cli).map(|(token, _)| token)
}

/// [`resolve_token`], also saying where the token came from (for [`ClientConfig::token_source`]).
pub fn resolve_token_with_source(
    env: &dyn Fn(&str) -> Option<String>,
    gh_cli: &dyn Fn() -> Option<String>,
) -> Result<(Token, TokenSource), Error> {
    non_empty(env("GH_TOKEN"))
        .map(|t| (Token(t), TokenSource::GhToken))
        .or_else(|| non_empty(env("GITHUB_TOKEN")).map(|t| (Token(t), TokenSource::GithubToken)))
        .or_else(|| non_empty(gh_cli()).map(|t| (Token(t), TokenSource::GhCli)))
        .ok_or_else(|| {
            Error::config(
                "no GitHub token found",
                "set GH_TOKEN (or GITHUB_TOKEN) to a token with the `gist` and `repo` scopes \
                 (fine-grained: \"Gists: write\" plus \"Variables: write\", \"Secrets: write\", \
                 \"Administration: read\", \"Actions: read\" on the repository), \
                 or install the GitHub CLI and run `gh auth login`",
            )
        })
}

/// Asks the GitHub CLI for its token (`gh auth token [--hostname HOST]`); None when gh is not
/// installed, not logged in, or fails.
pub fn gh_cli_token(host: Option<&str>) -> Option<String> {
    let mut command = std::process::Command::new("gh");
    command.args(["auth", "token"]);
    if let Some(host) = host {
        command.args(["--hostname", host]);
    }
    let output = command
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    non_empty(String::from_utf8(output.stdout).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn api_base_precedence() {
        let all = env_of(&[
            ("GHTRAF_API_URL", "http://127.0.0.1:9/"),
            ("GH_HOST", "ghe.corp"),
        ]);
        assert_eq!(resolve_api_base(Some("http://flag/"), &all), "http://flag");
        assert_eq!(resolve_api_base(None, &all), "http://127.0.0.1:9");
        assert_eq!(resolve_api_base(Some(""), &all), "http://127.0.0.1:9");
        let ghe = env_of(&[("GH_HOST", "ghe.corp")]);
        assert_eq!(resolve_api_base(None, &ghe), "https://ghe.corp/api/v3");
        let lab = env_of(&[("GH_HOST", "http://127.0.0.1:8080/")]);
        assert_eq!(resolve_api_base(None, &lab), "http://127.0.0.1:8080/api/v3");
        let explicit = env_of(&[("GH_HOST", "https://ghe.corp")]);
        assert_eq!(resolve_api_base(None, &explicit), "https://ghe.corp/api/v3");
        let dotcom = env_of(&[("GH_HOST", "github.com")]);
        assert_eq!(resolve_api_base(None, &dotcom), DEFAULT_API_URL);
        assert_eq!(resolve_api_base(None, &env_of(&[])), DEFAULT_API_URL);
    }

    #[test]
    fn token_precedence_and_gh_fallback() {
        let both = env_of(&[("GH_TOKEN", "a"), ("GITHUB_TOKEN", "b")]);
        let no_gh = || None;
        assert_eq!(resolve_token(&both, &no_gh).unwrap().expose(), "a");
        let github_only = env_of(&[("GH_TOKEN", " "), ("GITHUB_TOKEN", "b")]);
        assert_eq!(resolve_token(&github_only, &no_gh).unwrap().expose(), "b");
        let gh = || Some("c\n".to_string());
        assert_eq!(resolve_token(&env_of(&[]), &gh).unwrap().expose(), "c");
    }

    #[test]
    fn missing_token_error_says_how_to_provide_one() {
        let err = resolve_token(&env_of(&[]), &|| None).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Config);
        let text = err.to_string();
        assert!(
            text.contains("GH_TOKEN") && text.contains("gh auth login") && text.contains("gist"),
            "{text}"
        );
    }

    #[test]
    fn token_never_formats() {
        let token = Token::new("ghp_CANARY_config");
        let config = ClientConfig::new("http://x", token.clone(), "ghtraf/test");
        for text in [
            format!("{token}"),
            format!("{token:?}"),
            format!("{config:?}"),
        ] {
            assert!(!text.contains("CANARY"), "{text}");
        }
    }

    #[test]
    fn request_event_line() {
        let event = RequestEvent {
            method: "GET".into(),
            path: "/user".into(),
            status: Some(200),
            elapsed: Duration::from_millis(12),
            attempt: 2,
            retry_in: None,
        };
        assert_eq!(event.to_string(), "GET /user -> 200 in 12 ms (attempt 2)");
        let waiting = RequestEvent {
            status: Some(502),
            attempt: 1,
            retry_in: Some(Duration::from_millis(500)),
            ..event
        };
        assert_eq!(
            waiting.to_string(),
            "GET /user -> 502 in 12 ms; retrying in 500 ms"
        );
    }
}
