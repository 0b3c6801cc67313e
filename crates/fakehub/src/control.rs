//! The control API under `/_fakehub/`: the same powers as the library methods, over HTTP,
//! so the binary can be driven by scripts and the dashboard's browser tests.

use crate::http::{self, Request, Response};
use crate::{lock, Fault, Shared};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn json_response(status: u16, value: &Value) -> Response {
    Response {
        status,
        headers: vec![(
            "Content-Type".to_string(),
            "application/json; charset=utf-8".to_string(),
        )],
        body: serde_json::to_vec(value).unwrap_or_default(),
    }
}

fn empty() -> Response {
    Response {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

fn parse_body(request: &Request) -> Result<Value, Response> {
    serde_json::from_slice(&request.body)
        .map_err(|e| http::plain(400, &format!("invalid JSON body: {e}")))
}

pub fn handle(shared: &Shared, request: &Request) -> Response {
    let route = request.path.trim_start_matches("/_fakehub/");
    match (request.method.as_str(), route) {
        ("GET", "log") => {
            // Each request with when it arrived and was answered (µs since the server
            // started), so scripts can see which requests were in flight together.
            let since = |at: Instant| at.saturating_duration_since(shared.epoch).as_micros();
            let log: Vec<Value> = lock(&shared.log)
                .1
                .iter()
                .filter(|entry| entry.done)
                .map(|entry| {
                    let mut item = json!(entry.request);
                    item["arrived_us"] = json!(since(entry.arrived));
                    item["answered_us"] = json!(entry.answered.map(since));
                    item
                })
                .collect();
            json_response(200, &json!(log))
        }
        ("GET", "round_trips") => {
            let requests = lock(&shared.log).1.iter().filter(|e| e.done).count();
            json_response(
                200,
                &json!({"round_trips": shared.round_trips(), "requests": requests}),
            )
        }
        ("DELETE", "log") => {
            lock(&shared.log).1.clear();
            empty()
        }
        ("GET", "state") => {
            let state = serde_json::to_value(&lock(&shared.state).world).unwrap_or(Value::Null);
            json_response(200, &state)
        }
        ("GET", "violations") => json_response(200, &json!(*lock(&shared.violations))),
        ("POST", "world") => match parse_body(request) {
            Ok(patch) => match lock(&shared.state).patch_world(&patch) {
                Ok(()) => empty(),
                Err(message) => http::plain(422, &message),
            },
            Err(response) => response,
        },
        ("POST", "faults") => match parse_body(request).map(serde_json::from_value::<Fault>) {
            Ok(Ok(fault)) => {
                lock(&shared.faults).push(fault);
                empty()
            }
            Ok(Err(e)) => http::plain(422, &format!("invalid fault: {e}")),
            Err(response) => response,
        },
        ("POST", "latency") => {
            match parse_body(request).map(|body| body.get("ms").and_then(Value::as_u64)) {
                Ok(Some(ms)) => {
                    *lock(&shared.latency) = Duration::from_millis(ms);
                    empty()
                }
                Ok(None) => http::plain(422, "expected {\"ms\": N}"),
                Err(response) => response,
            }
        }
        ("GET", secret) if secret.starts_with("secrets/") => {
            let parts: Vec<&str> = secret.splitn(4, '/').collect();
            match parts.as_slice() {
                ["secrets", owner, repo, name] => {
                    match lock(&shared.state).plaintext(owner, repo, name) {
                        Some(text) => http::plain(200, &text),
                        None => http::plain(404, "no such secret"),
                    }
                }
                _ => http::plain(404, "no such secret"),
            }
        }
        _ => http::plain(404, "unknown control endpoint"),
    }
}
