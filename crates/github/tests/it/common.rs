//! Shared setup for the integration tests: a fakehub with a canary token, a client whose
//! sleeper records waits instead of sleeping, and the end-of-test contract check.

use fakehub::{Config, FakeHub, Fault, FaultKind, World};
use ghtraf_github::{Client, ClientConfig, RepoRef, RequestEvent, RetryPolicy, Sleeper, Token};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The token every test uses; it must never show up in any error text.
pub const CANARY: &str = "ghp_CANARY0123456789abcdefghijklmnopqrstuv";
/// The pinned "now" of the recording sleeper (Unix seconds).
pub const NOW: u64 = 1_750_000_000;

/// Records requested waits and reports a fixed clock.
#[derive(Default)]
pub struct RecordingSleeper {
    pub sleeps: Mutex<Vec<Duration>>,
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) {
        self.sleeps.lock().unwrap().push(duration);
    }
    fn now_unix(&self) -> u64 {
        NOW
    }
}

impl RecordingSleeper {
    pub fn recorded(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
}

pub struct Setup {
    pub hub: FakeHub,
    pub client: Client,
    pub sleeper: Arc<RecordingSleeper>,
    pub events: Arc<Mutex<Vec<RequestEvent>>>,
}

pub fn demo_world() -> World {
    World::demo_on("2025-06-15").unwrap()
}

pub fn demo_repo() -> RepoRef {
    RepoRef::parse("octo/demo").unwrap()
}

/// Deterministic retries: no jitter, 100 ms doubling to 1 s, rate-limit waits up to 120 s.
pub fn test_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        max_rate_limit_wait: Duration::from_secs(120),
        jitter: false,
    }
}

pub fn client_for(
    hub: &FakeHub,
    token: &str,
    sleeper: Arc<RecordingSleeper>,
) -> (Client, Arc<Mutex<Vec<RequestEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let mut config = ClientConfig::new(hub.url(), Token::new(token), "ghtraf/test");
    config.retry = test_policy();
    config.sleeper = sleeper;
    config.on_request = Some(Arc::new(move |event: &RequestEvent| {
        sink.lock().unwrap().push(event.clone())
    }));
    (Client::new(config).unwrap(), events)
}

pub fn setup_with(world: World) -> Setup {
    let hub = FakeHub::start(Config {
        token: Some(CANARY.to_string()),
        world,
        latency: Duration::ZERO,
        ..Config::default()
    })
    .unwrap();
    let sleeper = Arc::new(RecordingSleeper::default());
    let (client, events) = client_for(&hub, CANARY, Arc::clone(&sleeper));
    Setup {
        hub,
        client,
        sleeper,
        events,
    }
}

/// Like [`setup_with`], but the world's `tokens` decide who is accepted (no `--token`).
pub fn setup_open(world: World) -> Setup {
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let sleeper = Arc::new(RecordingSleeper::default());
    let (client, events) = client_for(&hub, CANARY, Arc::clone(&sleeper));
    Setup {
        hub,
        client,
        sleeper,
        events,
    }
}

pub fn setup() -> Setup {
    setup_with(demo_world())
}

pub fn status_fault(
    method: &str,
    path: &str,
    times: u32,
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> Fault {
    Fault {
        method: method.to_string(),
        path: path.to_string(),
        times,
        kind: FaultKind::Status {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
        },
    }
}

pub fn fault(method: &str, path: &str, times: u32, kind: FaultKind) -> Fault {
    Fault {
        method: method.to_string(),
        path: path.to_string(),
        times,
        kind,
    }
}

/// Requests the server saw for `method` and `path`.
pub fn count(hub: &FakeHub, method: &str, path: &str) -> usize {
    hub.requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

impl Setup {
    /// Every request and response must have matched GitHub's OpenAPI description.
    pub fn assert_contract(&self) {
        assert_eq!(self.hub.contract_violations(), Vec::<String>::new());
    }
}

/// An error's Display and Debug must never carry the token.
pub fn assert_no_token(error: &ghtraf_github::Error) {
    let display = error.to_string();
    let debug = format!("{error:?}");
    assert!(
        !display.contains("CANARY") && !debug.contains("CANARY"),
        "{display} / {debug}"
    );
}
