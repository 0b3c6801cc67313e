//! Fault injection: each kind does what a flaky GitHub would do, for exactly the
//! requests it targets, and DropAfter really applies the mutation first.

use crate::common::{call, send};
use fakehub::{Config, FakeHub, Fault, FaultKind, World};
use serde_json::json;
use std::time::Duration;

fn hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        ..Config::default()
    })
    .unwrap()
}

fn fault(method: &str, path: &str, times: u32, kind: FaultKind) -> Fault {
    Fault {
        method: method.to_string(),
        path: path.to_string(),
        times,
        kind,
    }
}

fn post_gist(hub: &FakeHub) -> Result<crate::common::Reply, Box<ureq::Transport>> {
    let body = json!({"description": "ghtraf state", "public": false, "files": {"state.json": {"content": "{}"}}});
    send(
        &crate::common::agent(),
        "POST",
        &format!("{}/gists", hub.url()),
        Some("t"),
        Some(&body),
    )
}

#[test]
fn status_fault_answers_for_exactly_n_matching_requests() {
    let hub = hub();
    hub.inject(fault(
        "GET",
        "/user",
        2,
        FaultKind::Status {
            status: 403,
            headers: vec![("Retry-After".to_string(), "7".to_string())],
            body: "{\"message\":\"secondary rate limit\"}".to_string(),
        },
    ));
    let b = hub.url();
    assert_eq!(call(&b, "GET", "/rate_limit", None).status, 200);
    for _ in 0..2 {
        let reply = call(&b, "GET", "/user", None);
        assert_eq!(reply.status, 403);
        assert_eq!(reply.header("retry-after"), Some("7"));
        assert_eq!(reply.json()["message"], "secondary rate limit");
    }
    assert_eq!(call(&b, "GET", "/user", None).status, 200);
    let statuses: Vec<u16> = hub.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![200, 403, 403, 200]);
}

#[test]
fn prefix_and_any_method_faults_match() {
    let hub = hub();
    hub.inject(fault(
        "*",
        "/repos/octo/demo/actions/*",
        1,
        FaultKind::Status {
            status: 502,
            headers: vec![],
            body: String::new(),
        },
    ));
    let b = hub.url();
    assert_eq!(call(&b, "GET", "/repos/octo/demo", None).status, 200);
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/actions/variables", None).status,
        502
    );
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/actions/variables", None).status,
        200
    );
}

#[test]
fn drop_before_closes_without_creating_anything() {
    let hub = hub();
    hub.inject(fault("POST", "/gists", 1, FaultKind::DropBefore));
    assert!(post_gist(&hub).is_err());
    assert!(hub.state()["gists"].as_object().unwrap().is_empty());
    let log = hub.requests();
    assert_eq!((log[0].status, log[0].mutation), (0, true));
    assert_eq!(post_gist(&hub).unwrap().status, 201);
}

#[test]
fn drop_after_creates_the_gist_then_closes() {
    let hub = hub();
    hub.inject(fault("POST", "/gists", 1, FaultKind::DropAfter));
    assert!(post_gist(&hub).is_err());
    let listed = call(&hub.url(), "GET", "/gists", None).json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["description"], "ghtraf state");
    assert_eq!(
        hub.requests()[0].operation_id.as_deref(),
        Some("gists/create")
    );
}

#[test]
fn delay_holds_one_request_while_others_are_served() {
    let hub = hub();
    // Longer than any run: the delay ends when the test says (end_delays), so a slow
    // machine cannot let /user be answered before the checks below.
    hub.inject(fault(
        "GET",
        "/user",
        1,
        FaultKind::Delay(Duration::from_secs(600)),
    ));
    let base = hub.url();
    let slow = std::thread::spawn(move || call(&base, "GET", "/user", None).status);
    while hub.pending().is_empty() {
        std::thread::yield_now();
    }
    assert_eq!(call(&hub.url(), "GET", "/rate_limit", None).status, 200);
    let pending: Vec<String> = hub.pending().into_iter().map(|r| r.path).collect();
    assert_eq!(pending, vec!["/user".to_string()]);
    hub.end_delays();
    assert_eq!(slow.join().unwrap(), 200);
    assert!(hub
        .requests()
        .iter()
        .any(|r| r.path == "/user" && r.status == 200));
}

#[test]
fn faults_and_latency_can_be_set_over_http() {
    let hub = hub();
    let b = hub.url();
    let agent = crate::common::agent();
    let injected = agent
        .post(&format!("{b}/_fakehub/faults"))
        .send_json(json!({
            "method": "GET", "path": "/user", "times": 1,
            "kind": {"status": {"status": 503, "headers": [["Retry-After", "1"]], "body": ""}}
        }));
    assert_eq!(injected.unwrap().status(), 204);
    let delay = agent.post(&format!("{b}/_fakehub/faults")).send_json(
        json!({"method": "GET", "path": "/rate_limit", "times": 1, "kind": {"delay": 1}}),
    );
    assert_eq!(delay.unwrap().status(), 204);
    let dropped = agent
        .post(&format!("{b}/_fakehub/faults"))
        .send_json(json!({"method": "POST", "path": "/gists", "times": 1, "kind": "drop_after"}));
    assert_eq!(dropped.unwrap().status(), 204);
    assert_eq!(
        agent
            .post(&format!("{b}/_fakehub/latency"))
            .send_json(json!({"ms": 1}))
            .unwrap()
            .status(),
        204
    );
    assert_eq!(call(&b, "GET", "/user", None).status, 503);
    assert_eq!(call(&b, "GET", "/rate_limit", None).status, 200);
    assert!(post_gist(&hub).is_err());
    assert_eq!(hub.state()["gists"].as_object().unwrap().len(), 1);
    let bad = agent
        .post(&format!("{b}/_fakehub/faults"))
        .send_json(json!({"method": "GET"}));
    assert!(matches!(bad, Err(ureq::Error::Status(422, _))));
}
