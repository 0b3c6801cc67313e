//! One error type whose message says what went wrong *and what the user must do*, because the
//! CLI prints these straight to people. GitHub's statuses are ambiguous (404 means "missing" or
//! "no permission", 403 means "forbidden" or "rate limited"), so the mapping lives here, once.
//! No constructor takes a token, and the client scrubs it from server text before it gets here.

use std::fmt;

/// What kind of failure happened; callers branch on this, people read [`Error`]'s Display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: the token is invalid, expired or revoked.
    Unauthorized,
    /// The token works but lacks a scope or fine-grained permission (`needed` names it).
    MissingPermission { needed: String },
    /// 404 on something that has to exist (the repository, a workflow, ...).
    NotFound,
    /// Primary rate limit exhausted; requests work again at `reset_at` (Unix seconds).
    RateLimited { reset_at: u64 },
    /// Secondary (abuse) rate limit; `retry_after` seconds if GitHub said so.
    SecondaryRateLimit { retry_after: Option<u64> },
    /// 422 with GitHub's explanation.
    Validation { message: String },
    /// 409: the thing already exists or changed concurrently.
    Conflict,
    /// A write's precondition failed: the gist is no longer at the revision observed while
    /// planning (the message names both); `found` is its revision now, None when it is gone.
    /// Nothing was written.
    StaleRevision { found: Option<String> },
    /// Could not talk to the host at all (DNS, refused, reset, timeout).
    Network { host: String },
    /// 5xx after retries were exhausted (or not allowed).
    Server { status: u16 },
    /// Any other unexpected HTTP status.
    Http { status: u16 },
    /// The server answered with something we could not understand.
    Decode,
    /// Local configuration problem: no token, bad base URL, bad repository name.
    Config,
}

/// A failed GitHub operation. Display is one sentence naming the request, then what to do.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    message: String,
    hint: Option<String>,
    status: Option<u16>,
    request: Option<String>,
    after_retry: bool,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hint: None,
            status: None,
            request: None,
            after_retry: false,
        }
    }

    /// The precondition error of a gist write whose revision moved.
    pub(crate) fn stale_revision(id: &str, expected: &str, found: Option<&str>) -> Error {
        let message = match found {
            Some(found) => format!(
                "gist {id} changed since the plan was made (revision {found}, planned against {expected})"
            ),
            None => format!("gist {id} no longer exists (planned against revision {expected})"),
        };
        Error::new(
            ErrorKind::StaleRevision {
                found: found.map(str::to_string),
            },
            message,
        )
        .with_hint("someone else wrote it meanwhile (the daily workflow?); nothing was written: run the command again")
    }

    pub(crate) fn config(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message).with_hint(hint)
    }

    pub(crate) fn decode(request: &str, detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorKind::Decode,
            format!("GitHub sent a response ghtraf could not read: {detail}"),
        )
        .with_request(request)
        .with_hint("this is likely a ghtraf bug or an incompatible GitHub Enterprise version; please report it")
    }

    /// Names where a rejected token came from (a 401 only).
    pub(crate) fn with_token_source(mut self, source: crate::TokenSource) -> Error {
        if self.kind == ErrorKind::Unauthorized {
            self.message = self.message.replacen(
                "GitHub rejected the token",
                &format!("GitHub rejected the token from {source}"),
                1,
            );
            self.hint = Some(source.fix().to_string());
        }
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn with_request(mut self, request: &str) -> Error {
        self.request = Some(request.to_string());
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.status = Some(status);
        self
    }

    pub(crate) fn mark_after_retry(mut self) -> Error {
        self.after_retry = true;
        self
    }

    /// The sentence describing what went wrong (without request or hint).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the user should do about it, if we know.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// `METHOD /path` of the failed request, when there was one.
    pub fn request(&self) -> Option<&str> {
        self.request.as_deref()
    }

    /// True when the request was sent more than once: an earlier attempt may have been applied
    /// even though its response was lost (e.g. a 409 on a retried create means "it now exists").
    pub fn after_retry(&self) -> bool {
        self.after_retry
    }

    /// Worth trying again later (network trouble, server errors, rate limits).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Network { .. }
                | ErrorKind::Server { .. }
                | ErrorKind::RateLimited { .. }
                | ErrorKind::SecondaryRateLimit { .. }
        )
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(request) = &self.request {
            write!(f, " ({request})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The response headers that decide how a failure is classified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FailureHeaders {
    pub retry_after: Option<u64>,
    pub ratelimit_remaining: Option<u64>,
    pub ratelimit_reset: Option<u64>,
    /// What GitHub says the endpoint accepts (`X-Accepted-GitHub-Permissions` for fine-grained
    /// tokens, `X-Accepted-OAuth-Scopes` for classic ones).
    pub accepted: Option<String>,
}

/// A rate-limit answer: the request was rejected unapplied, so any method may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RateLimitSignal {
    Primary { reset_at: u64 },
    Secondary { retry_after: Option<u64> },
}

/// Recognises GitHub's rate-limit answers: `retry-after` on 403/429 is a secondary limit,
/// `x-ratelimit-remaining: 0` on 403/429 is the primary limit, and a 429 or a 403 whose message
/// mentions a secondary rate limit without either header is a secondary limit too.
pub(crate) fn rate_limit_signal(
    status: u16,
    headers: &FailureHeaders,
    body: &str,
) -> Option<RateLimitSignal> {
    if status != 403 && status != 429 {
        return None;
    }
    if let Some(seconds) = headers.retry_after {
        return Some(RateLimitSignal::Secondary {
            retry_after: Some(seconds),
        });
    }
    if headers.ratelimit_remaining == Some(0) {
        if let Some(reset_at) = headers.ratelimit_reset {
            return Some(RateLimitSignal::Primary { reset_at });
        }
    }
    let message = github_message(body).to_ascii_lowercase();
    if status == 429 || message.contains("secondary rate limit") {
        return Some(RateLimitSignal::Secondary { retry_after: None });
    }
    None
}

/// GitHub's `message` (plus `errors[].message`/`code` details), or the raw body if not JSON.
pub(crate) fn github_message(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.trim().chars().take(300).collect();
    };
    let mut message = value
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("")
        .to_string();
    if let Some(errors) = value.get("errors").and_then(|e| e.as_array()) {
        let details: Vec<String> = errors
            .iter()
            .filter_map(|e| match e {
                serde_json::Value::String(s) => Some(s.clone()),
                other => other
                    .get("message")
                    .or_else(|| other.get("code"))
                    .and_then(|m| m.as_str())
                    .map(str::to_string),
            })
            .collect();
        if !details.is_empty() {
            message = format!("{message}: {}", details.join("; "));
        }
    }
    message
}

/// Formats Unix seconds as an RFC 3339 UTC time for messages.
pub(crate) fn format_unix(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("Unix time {seconds}"))
}

/// The permission a request needs, phrased for both classic and fine-grained tokens.
fn needed_permission(method: &str, path: &str) -> String {
    let write = method != "GET";
    let access = if write { "write" } else { "read" };
    if path.starts_with("/gists") {
        "the `gist` scope (classic token) or \"Gists: write\" (fine-grained token)".to_string()
    } else if path.contains("/actions/variables") {
        format!("the `repo` scope (classic token) or \"Variables: {access}\" on the repository (fine-grained token)")
    } else if path.contains("/actions/secrets") {
        format!("the `repo` scope (classic token) or \"Secrets: {access}\" on the repository (fine-grained token)")
    } else if path.contains("/traffic/") {
        "push access to the repository: the `repo` scope (classic token) or \"Administration: read\" (fine-grained token)".to_string()
    } else if path.ends_with("/pages") {
        format!("admin access to the repository: the `repo` scope (classic token) or \"Pages: {access}\" (fine-grained token)")
    } else if path.contains("/actions/") {
        format!("the `repo` and `workflow` scopes (classic token) or \"Actions: {access}\" (fine-grained token)")
    } else if path.contains("/contents/") {
        format!("the `repo` scope (classic token) or \"Contents: {access}\" (fine-grained token)")
    } else {
        "the `repo` scope (classic token) or \"Metadata: read\" on the repository (fine-grained token)"
            .to_string()
    }
}

/// Maps a non-success HTTP answer to an [`Error`] telling the user what to do.
/// `body` must already be scrubbed of the token.
pub(crate) fn from_status(
    method: &str,
    path: &str,
    status: u16,
    headers: &FailureHeaders,
    body: &str,
) -> Error {
    let request = format!("{method} {path}");
    let github = github_message(body);
    let said = if github.is_empty() {
        String::new()
    } else {
        format!(": {github}")
    };
    let error = match rate_limit_signal(status, headers, body) {
        Some(RateLimitSignal::Primary { reset_at }) => Error::new(
            ErrorKind::RateLimited { reset_at },
            format!("GitHub's API rate limit for this token is used up until {}", format_unix(reset_at)),
        )
        .with_hint("wait until then, or use a different token"),
        Some(RateLimitSignal::Secondary { retry_after }) => Error::new(
            ErrorKind::SecondaryRateLimit { retry_after },
            match retry_after {
                Some(s) => format!("GitHub's secondary rate limit was hit; it asks to wait {s} seconds"),
                None => "GitHub's secondary rate limit was hit".to_string(),
            },
        )
        .with_hint("wait a few minutes and run the command again, with fewer repositories at once"),
        None => match status {
            401 => Error::new(ErrorKind::Unauthorized, format!("GitHub rejected the token (401{said})"))
                .with_hint("the token is invalid, expired or revoked: create a new one and set GH_TOKEN, or run `gh auth login`"),
            404 if path.starts_with("/gists") && method != "GET" => {
                let needed = needed_permission(method, path);
                Error::new(
                    ErrorKind::MissingPermission { needed: needed.clone() },
                    if method == "POST" {
                        "GitHub refused to create the gist (404): the token cannot write gists".to_string()
                    } else {
                        "GitHub refused to change the gist (404): the gist does not exist or the token cannot write gists".to_string()
                    },
                )
                .with_hint(format!("give the token {needed}"))
            }
            404 => Error::new(ErrorKind::NotFound, format!("GitHub has no such resource (404{said})"))
                .with_hint("check the OWNER/REPO spelling; private repositories also need a token that can see them"),
            403 => {
                let needed = needed_permission(method, path);
                let accepted = headers
                    .accepted
                    .as_deref()
                    .map(|accepted| format!(" (GitHub says this request accepts: {accepted})"))
                    .unwrap_or_default();
                Error::new(
                    ErrorKind::MissingPermission { needed: needed.clone() },
                    format!("GitHub denied access (403{said})"),
                )
                .with_hint(format!("the token needs {needed}{accepted}"))
            }
            409 => Error::new(ErrorKind::Conflict, format!("GitHub reported a conflict (409{said})"))
                .with_hint("it already exists or was changed at the same time; look at its current state and run the command again"),
            422 => Error::new(
                ErrorKind::Validation { message: github.clone() },
                format!("GitHub rejected the request as invalid (422{said})"),
            )
            .with_hint("fix the value GitHub names above"),
            500..=599 => Error::new(ErrorKind::Server { status }, format!("GitHub had a server error ({status}{said})"))
                .with_hint("GitHub may be having trouble (https://www.githubstatus.com); try again later"),
            _ => Error::new(ErrorKind::Http { status }, format!("GitHub answered with HTTP {status}{said}")),
        },
    };
    error.with_request(&request).with_status(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(
        retry_after: Option<u64>,
        remaining: Option<u64>,
        reset: Option<u64>,
    ) -> FailureHeaders {
        FailureHeaders {
            retry_after,
            ratelimit_remaining: remaining,
            ratelimit_reset: reset,
            accepted: None,
        }
    }

    #[test]
    fn unauthorized_says_how_to_fix_the_token() {
        let e = from_status(
            "GET",
            "/user",
            401,
            &FailureHeaders::default(),
            r#"{"message":"Bad credentials"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Unauthorized);
        assert_eq!(e.status(), Some(401));
        let text = e.to_string();
        assert!(
            text.contains("Bad credentials")
                && text.contains("GET /user")
                && text.contains("GH_TOKEN"),
            "{text}"
        );
    }

    #[test]
    fn gist_write_404_is_a_missing_gist_scope() {
        let e = from_status(
            "POST",
            "/gists",
            404,
            &FailureHeaders::default(),
            r#"{"message":"Not Found"}"#,
        );
        match &e.kind {
            ErrorKind::MissingPermission { needed } => {
                assert!(needed.contains("gist") && needed.contains("Gists: write"))
            }
            other => panic!("{other:?}"),
        }
        let read = from_status("GET", "/gists/abc", 404, &FailureHeaders::default(), "");
        assert_eq!(read.kind, ErrorKind::NotFound);
    }

    #[test]
    fn primary_rate_limit_names_the_reset_time() {
        let e = from_status(
            "GET",
            "/user",
            403,
            &headers(None, Some(0), Some(1_700_000_000)),
            r#"{"message":"API rate limit exceeded"}"#,
        );
        assert_eq!(
            e.kind,
            ErrorKind::RateLimited {
                reset_at: 1_700_000_000
            }
        );
        assert!(e.to_string().contains("2023-11-14T22:13:20Z"), "{e}");
        assert!(e.is_transient());
    }

    #[test]
    fn retry_after_is_a_secondary_limit_on_403_and_429() {
        for status in [403, 429] {
            let e = from_status(
                "GET",
                "/user",
                status,
                &headers(Some(30), Some(10), None),
                "",
            );
            assert_eq!(
                e.kind,
                ErrorKind::SecondaryRateLimit {
                    retry_after: Some(30)
                }
            );
        }
        let by_message = from_status(
            "POST",
            "/gists",
            403,
            &FailureHeaders::default(),
            r#"{"message":"You have exceeded a secondary rate limit"}"#,
        );
        assert_eq!(
            by_message.kind,
            ErrorKind::SecondaryRateLimit { retry_after: None }
        );
        let bare_429 = rate_limit_signal(429, &FailureHeaders::default(), "");
        assert_eq!(
            bare_429,
            Some(RateLimitSignal::Secondary { retry_after: None })
        );
    }

    #[test]
    fn plain_403_names_the_missing_permission() {
        let body = r#"{"message":"Resource not accessible by integration"}"#;
        let e = from_status(
            "POST",
            "/repos/o/r/actions/variables",
            403,
            &headers(None, Some(4000), Some(1)),
            body,
        );
        match &e.kind {
            ErrorKind::MissingPermission { needed } => {
                assert!(needed.contains("Variables: write"), "{needed}")
            }
            other => panic!("{other:?}"),
        }
        let traffic = from_status(
            "GET",
            "/repos/o/r/traffic/views",
            403,
            &FailureHeaders::default(),
            body,
        );
        assert!(
            traffic.to_string().contains("Administration: read"),
            "{traffic}"
        );
        let secrets = from_status(
            "GET",
            "/repos/o/r/actions/secrets/public-key",
            403,
            &FailureHeaders::default(),
            body,
        );
        assert!(secrets.to_string().contains("Secrets: read"), "{secrets}");
    }

    #[test]
    fn validation_carries_githubs_message_and_details() {
        let body = r#"{"message":"Validation Failed","errors":[{"resource":"Gist","code":"missing_field","message":"files cannot be empty"}]}"#;
        let e = from_status("POST", "/gists", 422, &FailureHeaders::default(), body);
        assert_eq!(
            e.kind,
            ErrorKind::Validation {
                message: "Validation Failed: files cannot be empty".into()
            }
        );
        assert!(e.to_string().contains("files cannot be empty"));
    }

    #[test]
    fn other_statuses_map_to_their_kinds() {
        let none = FailureHeaders::default();
        assert_eq!(
            from_status("POST", "/repos/o/r/actions/variables", 409, &none, "").kind,
            ErrorKind::Conflict
        );
        assert_eq!(
            from_status("GET", "/user", 502, &none, "").kind,
            ErrorKind::Server { status: 502 }
        );
        assert_eq!(
            from_status("GET", "/user", 418, &none, "").kind,
            ErrorKind::Http { status: 418 }
        );
        assert_eq!(
            from_status("GET", "/repos/o/r", 404, &none, "").kind,
            ErrorKind::NotFound
        );
        assert!(!from_status("GET", "/repos/o/r", 404, &none, "").is_transient());
    }

    #[test]
    fn non_json_bodies_are_quoted_briefly() {
        let long = "x".repeat(1000);
        assert_eq!(github_message(&long).len(), 300);
        assert_eq!(
            github_message(r#"{"message":"m","errors":["a","b"]}"#),
            "m: a; b"
        );
    }
}
