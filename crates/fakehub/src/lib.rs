//! fakehub: a stateful fake of the slice of GitHub's REST API that ghtraf uses, served on
//! loopback. It exists so ghtraf's client, CLI and dashboard can be tested end to end (and
//! demoed offline) against GitHub's real status codes, pagination and shapes, with faults
//! injected on demand, while every request and response is checked against GitHub's own
//! OpenAPI description.

// GitHub's repository object is a large json! literal.
#![recursion_limit = "256"]

mod api;
mod control;
mod gate;
mod http;
mod openapi;
mod schema;
mod world;

pub use world::{
    Asset, Fork, Gist, GistRevision, Job, Pages, Permissions, PopularPath, Referrer, Release, Repo,
    Run, SecretMeta, Stargazer, TokenGrant, TrafficDay, User, Variable, Workflow, World,
};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Every operation fakehub serves, as `(METHOD, path template, operationId)` from the
/// OpenAPI subset, so tests can prove they exercised all of them.
pub fn operations() -> Vec<(String, String, String)> {
    openapi::spec()
        .operations
        .iter()
        .map(|op| {
            (
                op.method.clone(),
                op.template.clone(),
                op.operation_id.clone(),
            )
        })
        .collect()
}

/// How to start a server.
#[derive(Clone)]
pub struct Config {
    /// When set, only `Authorization: Bearer <token>` (or `token <token>`) is accepted.
    pub token: Option<String>,
    /// The initial world (default: `World::demo()`).
    pub world: World,
    /// Latency added to every API request (concurrently, per request).
    pub latency: Duration,
    /// Path the API is served under: `""` (github.com: `https://api.github.com/user`) or
    /// e.g. `/api/v3` (GitHub Enterprise Server: `https://HOST/api/v3/user`).
    pub api_prefix: String,
    /// Path gist files are served under (`{raw_prefix}/{owner}/{id}/raw/...`), which every
    /// `raw_url` follows: `/gist-raw` by default, e.g. `/gist` for an Enterprise layout.
    pub raw_prefix: String,
}

/// `/a/b/` -> `/a/b`, `a` -> `/a`, `/` or `` -> ``.
fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// Redacts the token: secrets never appear in Debug output.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("today", &self.world.today)
            .field("latency", &self.latency)
            .field("api_prefix", &self.api_prefix)
            .field("raw_prefix", &self.raw_prefix)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: None,
            world: World::demo(),
            latency: Duration::ZERO,
            api_prefix: String::new(),
            raw_prefix: "/gist-raw".to_string(),
        }
    }
}

/// One API request as the server saw it (control API excluded), in arrival order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    /// Path without query string, as sent (percent-encoded).
    pub path: String,
    /// Raw query string without `?` (empty when none).
    pub query: String,
    /// Status sent; 0 when the connection was dropped by a fault.
    pub status: u16,
    /// POST/PUT/PATCH/DELETE.
    pub mutation: bool,
    /// The OpenAPI operationId the request was routed to (None: unknown path, raw gist, fault).
    pub operation_id: Option<String>,
}

/// A fault for the next `times` requests matching `method` and `path`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// HTTP method, or `*` for any.
    pub method: String,
    /// Exact path (no query), or a prefix ending in `*`.
    pub path: String,
    pub times: u32,
    pub kind: FaultKind,
}

/// What an injected fault does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status, headers and body instead of handling the request.
    Status {
        status: u16,
        #[serde(default)]
        headers: Vec<(String, String)>,
        #[serde(default)]
        body: String,
    },
    /// Close the connection without applying the request.
    DropBefore,
    /// Apply the request, then close the connection without answering.
    DropAfter,
    /// Wait this long (or until [`FakeHub::end_delays`]), then handle the request normally
    /// (JSON: milliseconds).
    Delay(#[serde(with = "millis")] Duration),
}

/// Durations as whole milliseconds in the control API's JSON.
mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(duration.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self.method == "*" || self.method.eq_ignore_ascii_case(method);
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        method_ok && path_ok && self.times > 0
    }
}

/// A running fake GitHub on `127.0.0.1:<port>`; dropping it shuts the server down.
pub struct FakeHub {
    shared: Arc<Shared>,
    listener: http::Listener,
}

struct LogEntry {
    sequence: u64,
    request: LoggedRequest,
    done: bool,
    /// When the request arrived and when its answer was ready (or the connection dropped).
    arrived: Instant,
    answered: Option<Instant>,
}

/// How many round trips requests took, from each one's `(arrived, answered)`: the longest
/// chain of requests each of which arrived after the one before it was answered. Requests in
/// flight together count once; a request that had to wait for another's answer counts again.
/// (Greedy by earliest answer: the largest set of pairwise disjoint intervals.)
pub fn round_trips_of(mut spans: Vec<(Instant, Instant)>) -> usize {
    spans.sort_by_key(|&(_, answered)| answered);
    let mut count = 0;
    let mut free_from: Option<Instant> = None;
    for (arrived, answered) in spans {
        if free_from.is_none_or(|end| arrived >= end) {
            count += 1;
            free_from = Some(answered);
        }
    }
    count
}

/// Everything the connection threads share.
struct Shared {
    /// `http://127.0.0.1:PORT`.
    base_url: Mutex<String>,
    api_prefix: String,
    raw_prefix: String,
    token: Option<String>,
    state: Mutex<api::State>,
    latency: Mutex<Duration>,
    faults: Mutex<Vec<Fault>>,
    /// Faults that also need the request body to contain a text.
    body_faults: Mutex<Vec<(String, Fault)>>,
    log: Mutex<(u64, Vec<LogEntry>)>,
    violations: Mutex<Vec<String>>,
    /// The start of the server: log times are reported relative to it.
    epoch: Instant,
    /// Answers held for a test, and Delay faults it can end.
    gate: gate::Gate,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeHub {
    /// Starts a server on a random loopback port.
    pub fn start(config: Config) -> std::io::Result<FakeHub> {
        FakeHub::start_on(config, 0)
    }

    /// Starts a server on `port` (0 = random).
    pub fn start_on(config: Config, port: u16) -> std::io::Result<FakeHub> {
        let api_prefix = normalize_prefix(&config.api_prefix);
        let raw_prefix = match normalize_prefix(&config.raw_prefix) {
            prefix if prefix.is_empty() || prefix == api_prefix => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "raw_prefix must be a path of its own (e.g. /gist-raw)",
                ))
            }
            prefix => prefix,
        };
        let shared = Arc::new(Shared {
            base_url: Mutex::new(String::new()),
            api_prefix,
            raw_prefix,
            token: config.token,
            state: Mutex::new(api::State::new(config.world)),
            latency: Mutex::new(config.latency),
            faults: Mutex::new(Vec::new()),
            body_faults: Mutex::new(Vec::new()),
            log: Mutex::new((0, Vec::new())),
            violations: Mutex::new(Vec::new()),
            epoch: Instant::now(),
            gate: gate::Gate::default(),
        });
        let handler_shared = Arc::clone(&shared);
        let handler: http::Handler = Arc::new(move |request| handler_shared.handle(request));
        let listener = http::Listener::start(port, handler)?;
        *lock(&shared.base_url) = format!("http://127.0.0.1:{}", listener.port);
        Ok(FakeHub { shared, listener })
    }

    /// Base URL of the API, `http://127.0.0.1:PORT` plus the API prefix (no trailing slash).
    pub fn url(&self) -> String {
        format!("{}{}", self.origin(), self.shared.api_prefix)
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.listener.port
    }

    /// `http://127.0.0.1:PORT`: where the control API (`/_fakehub/`) lives.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.listener.port)
    }

    /// Where gist files are served: `{origin}{raw_prefix}`; every `raw_url` starts with it.
    pub fn raw_base(&self) -> String {
        format!("{}{}", self.origin(), self.shared.raw_prefix)
    }

    /// Every completed API request (and raw gist fetch), in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log)
            .1
            .iter()
            .filter(|entry| entry.done)
            .map(|entry| entry.request.clone())
            .collect()
    }

    /// Requests that have arrived but not been answered yet (e.g. held by a Delay fault).
    pub fn pending(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log)
            .1
            .iter()
            .filter(|entry| !entry.done)
            .map(|entry| entry.request.clone())
            .collect()
    }

    /// The completed requests that were mutations.
    pub fn mutations(&self) -> Vec<LoggedRequest> {
        self.requests()
            .into_iter()
            .filter(|request| request.mutation)
            .collect()
    }

    pub fn clear_log(&self) {
        lock(&self.shared.log).1.clear();
    }

    /// How many round trips the completed requests in the log took ([`round_trips_of`]).
    /// Meaningful with some latency (`Config::latency`), so that requests sent together are
    /// in flight together.
    pub fn round_trips(&self) -> usize {
        self.shared.round_trips()
    }

    /// A JSON dump of the world (gists, repos with variables, secret metadata, Pages, contents).
    pub fn state(&self) -> Value {
        serde_json::to_value(&lock(&self.shared.state).world).unwrap_or(Value::Null)
    }

    /// Applies a JSON merge patch (RFC 7386) to the world, e.g.
    /// `{"repos":{"octo/demo":{"traffic":{"2026-01-02":{"views":5}}}}}` or `{"today":"2026-01-03"}`.
    pub fn patch_world(&self, patch: Value) -> Result<(), String> {
        lock(&self.shared.state).patch_world(&patch)
    }

    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Forgets every injected fault not yet used up.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
        lock(&self.shared.body_faults).clear();
    }

    /// Like [`FakeHub::inject`], for requests whose body contains `needle`
    /// too: one repository's `POST /gists` among many (its description).
    pub fn inject_where_body(&self, needle: &str, fault: Fault) {
        lock(&self.shared.body_faults).push((needle.to_string(), fault));
    }

    /// While on, every API request waits after arriving until [`FakeHub::release_held`]
    /// (its wave); turning it off answers everything held. Round trips counted this way
    /// depend on what the client waits for, never on how fast anything ran.
    pub fn hold_answers(&self, on: bool) {
        self.shared.gate.set_holding(on);
    }

    /// How many requests are held, waiting for [`FakeHub::release_held`].
    pub fn held(&self) -> usize {
        self.shared.gate.held()
    }

    /// Answers every held request (later ones are held again); returns how many.
    pub fn release_held(&self) -> usize {
        self.shared.gate.release()
    }

    /// Ends every `Delay` fault now under way: its request is answered at once, so a test
    /// can hold a request for as long as it needs and no longer.
    pub fn end_delays(&self) {
        self.shared.gate.end_delays();
    }

    pub fn set_latency(&self, latency: Duration) {
        *lock(&self.shared.latency) = latency;
    }

    /// The decrypted value of an Actions secret (tests only; GitHub never reveals it).
    pub fn secret_plaintext(&self, owner: &str, repo: &str, name: &str) -> Option<String> {
        lock(&self.shared.state).plaintext(owner, repo, name)
    }

    /// Request and response contract violations recorded so far.
    pub fn contract_violations(&self) -> Vec<String> {
        lock(&self.shared.violations).clone()
    }

    /// Seeds a gist and returns its id.
    pub fn add_gist(
        &self,
        owner: &str,
        description: &str,
        public: bool,
        files: &[(&str, &str)],
    ) -> String {
        lock(&self.shared.state).add_gist(owner, description, public, files)
    }

    /// Seeds (creates or overwrites) an Actions variable; creates the repo if missing.
    pub fn set_variable(&self, owner: &str, repo: &str, name: &str, value: &str) {
        lock(&self.shared.state).set_variable(owner, repo, name, value);
    }
}

/// Answers a CORS preflight the way api.github.com does, so browser code may call the API.
fn preflight() -> http::Response {
    let header = |name: &str, value: &str| (name.to_string(), value.to_string());
    http::Response {
        status: 204,
        headers: vec![
            header("Access-Control-Allow-Origin", "*"),
            header(
                "Access-Control-Allow-Methods",
                "GET, POST, PATCH, PUT, DELETE",
            ),
            header(
                "Access-Control-Allow-Headers",
                "Authorization, Content-Type, Accept, X-GitHub-Api-Version, If-None-Match",
            ),
            header("Access-Control-Max-Age", "86400"),
        ],
        body: Vec::new(),
    }
}

impl Shared {
    /// The API base: origin plus API prefix.
    fn base_url(&self) -> String {
        format!("{}{}", lock(&self.base_url), self.api_prefix)
    }

    /// The base of gist `raw_url`s: origin plus raw prefix.
    fn raw_base(&self) -> String {
        format!("{}{}", lock(&self.base_url), self.raw_prefix)
    }

    fn record_violation(&self, violation: String) {
        lock(&self.violations).push(violation);
    }

    fn log_arrival(&self, request: &http::Request) -> u64 {
        let mut log = lock(&self.log);
        let sequence = log.0;
        log.0 += 1;
        log.1.push(LogEntry {
            sequence,
            request: LoggedRequest {
                method: request.method.clone(),
                path: request.path.clone(),
                query: request.query.clone(),
                status: 0,
                mutation: matches!(request.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"),
                operation_id: None,
            },
            done: false,
            arrived: Instant::now(),
            answered: None,
        });
        sequence
    }

    /// Round trips of the completed requests in the log.
    fn round_trips(&self) -> usize {
        let log = lock(&self.log);
        round_trips_of(
            log.1
                .iter()
                .filter_map(|entry| Some((entry.arrived, entry.answered?)))
                .collect(),
        )
    }

    fn log_done(&self, sequence: u64, status: u16, operation_id: Option<String>) {
        let mut log = lock(&self.log);
        if let Some(entry) = log.1.iter_mut().find(|entry| entry.sequence == sequence) {
            entry.request.status = status;
            entry.request.operation_id = operation_id;
            entry.done = true;
            entry.answered = Some(Instant::now());
        }
    }

    /// Takes one use of the first fault matching the request.
    fn take_fault(&self, method: &str, path: &str, body: &[u8]) -> Option<FaultKind> {
        {
            let mut faults = lock(&self.body_faults);
            let body = String::from_utf8_lossy(body);
            if let Some(index) = faults
                .iter()
                .position(|(needle, f)| f.matches(method, path) && body.contains(needle.as_str()))
            {
                let fault = &mut faults[index].1;
                fault.times -= 1;
                let kind = fault.kind.clone();
                if fault.times == 0 {
                    faults.remove(index);
                }
                return Some(kind);
            }
        }
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|f| f.matches(method, path))?;
        faults[index].times -= 1;
        let kind = faults[index].kind.clone();
        if faults[index].times == 0 {
            faults.remove(index);
        }
        Some(kind)
    }

    fn handle(&self, request: http::Request) -> http::Outcome {
        if request.path.starts_with("/_fakehub/") {
            return http::Outcome::Respond(control::handle(self, &request));
        }
        if request.method == "OPTIONS" {
            return http::Outcome::Respond(preflight());
        }
        let sequence = self.log_arrival(&request);
        self.gate.pass();
        let mut drop_after = false;
        match self.take_fault(&request.method, &request.path, &request.body) {
            Some(FaultKind::Status {
                status,
                headers,
                body,
            }) => {
                self.log_done(sequence, status, None);
                return http::Outcome::Respond(http::Response {
                    status,
                    headers,
                    body: body.into_bytes(),
                });
            }
            Some(FaultKind::DropBefore) => {
                self.log_done(sequence, 0, None);
                return http::Outcome::Drop;
            }
            Some(FaultKind::DropAfter) => drop_after = true,
            Some(FaultKind::Delay(delay)) => self.gate.delay(delay),
            None => {}
        }
        let latency = *lock(&self.latency);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        let (response, operation_id) = api::serve(self, &request);
        if drop_after {
            self.log_done(sequence, 0, operation_id);
            return http::Outcome::Drop;
        }
        self.log_done(sequence, response.status, operation_id);
        http::Outcome::Respond(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_count_chains_not_requests() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // Nothing logged: no round trip.
        assert_eq!(round_trips_of(Vec::new()), 0);
        // Three requests in flight together, then two together after them: 2.
        let waves = vec![
            (at(0), at(50)),
            (at(1), at(52)),
            (at(2), at(51)),
            (at(53), at(100)),
            (at(54), at(101)),
        ];
        assert_eq!(round_trips_of(waves), 2);
        // One after another: each counts.
        let chain = vec![(at(0), at(10)), (at(10), at(20)), (at(21), at(30))];
        assert_eq!(round_trips_of(chain), 3);
        // A long request overlapping a short chain of two does not hide the chain.
        let overlap = vec![(at(0), at(100)), (at(1), at(40)), (at(41), at(80))];
        assert_eq!(round_trips_of(overlap), 2);
    }
}
