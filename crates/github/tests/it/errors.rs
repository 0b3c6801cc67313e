//! Error mapping, retries and rate-limit waits, driven by fakehub fault injection and a
//! recording sleeper (no real sleeping). The canary token must never appear in any error.

use crate::common::*;
use fakehub::FaultKind;
use ghtraf_github::{ErrorKind, GitHubRead, GitHubWrite};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

fn one_file() -> BTreeMap<String, String> {
    BTreeMap::from([("state.json".to_string(), "{}".to_string())])
}

#[test]
fn wrong_token_is_unauthorized_and_never_echoed() {
    let s = setup();
    let (wrong, _) = client_for(
        &s.hub,
        "ghp_CANARY_wrong_token_value",
        Arc::clone(&s.sleeper),
    );
    let error = wrong.current_user().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unauthorized);
    assert!(error.to_string().contains("GH_TOKEN"));
    assert_no_token(&error);
    assert_eq!(count(&s.hub, "GET", "/user"), 1, "401 is not retried");
    s.assert_contract();
}

#[test]
fn error_text_echoing_the_token_is_scrubbed() {
    let s = setup();
    let body = format!("{{\"message\":\"token {CANARY} is bad\"}}");
    s.hub
        .inject(status_fault("GET", "/user", 1, 422, &[], &body));
    let error = s.client.current_user().unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Validation { .. }));
    assert_no_token(&error);
    assert!(error.to_string().contains("token *** is bad"), "{error}");
    s.assert_contract();
}

#[test]
fn gist_create_404_means_missing_gist_scope() {
    let s = setup();
    s.hub.inject(status_fault(
        "POST",
        "/gists",
        1,
        404,
        &[],
        r#"{"message":"Not Found"}"#,
    ));
    let error = s.client.create_gist("d", true, &one_file()).unwrap_err();
    match &error.kind {
        ErrorKind::MissingPermission { needed } => assert!(needed.contains("`gist` scope")),
        other => panic!("{other:?}"),
    }
    assert_no_token(&error);
    s.assert_contract();
}

/// `GET /user` answers once that the hourly limit is spent until `reset_at`.
fn primary_limit_until(s: &Setup, reset_at: u64) {
    let reset = reset_at.to_string();
    s.hub.inject(status_fault(
        "GET",
        "/user",
        1,
        403,
        &[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &reset),
        ],
        r#"{"message":"API rate limit exceeded"}"#,
    ));
}

#[test]
fn primary_rate_limit_beyond_the_cap_fails_with_reset_time() {
    let s = setup();
    primary_limit_until(&s, NOW + 3600);
    let error = s.client.current_user().unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::RateLimited {
            reset_at: NOW + 3600
        }
    );
    assert!(
        error.to_string().contains("2025-06-15T16:06:40Z"),
        "{error}"
    );
    assert!(
        s.sleeper.recorded().is_empty(),
        "an hour is too long to wait"
    );
    assert_no_token(&error);
    s.assert_contract();
}

#[test]
fn primary_rate_limit_within_the_cap_waits_until_reset() {
    let s = setup();
    primary_limit_until(&s, NOW + 30);
    assert_eq!(s.client.current_user().unwrap().login, "octo");
    assert_eq!(s.sleeper.recorded(), vec![Duration::from_secs(31)]);
    s.assert_contract();
}

#[test]
fn retry_after_is_honoured_on_403_and_429_even_for_gist_creation() {
    let s = setup();
    s.hub.inject(status_fault(
        "GET",
        "/user",
        1,
        429,
        &[("retry-after", "7")],
        "",
    ));
    s.hub.inject(status_fault(
        "POST",
        "/gists",
        1,
        403,
        &[("retry-after", "3")],
        r#"{"message":"You have exceeded a secondary rate limit"}"#,
    ));
    s.client.current_user().unwrap();
    s.client.create_gist("d", false, &one_file()).unwrap();
    assert_eq!(
        s.sleeper.recorded(),
        vec![Duration::from_secs(7), Duration::from_secs(3)]
    );
    assert_eq!(
        count(&s.hub, "POST", "/gists"),
        2,
        "a rate-limited POST was not applied, so it is resent"
    );
    s.assert_contract();
}

#[test]
fn retry_after_beyond_the_cap_is_a_secondary_limit_error() {
    let s = setup();
    s.hub.inject(status_fault(
        "GET",
        "/user",
        1,
        403,
        &[("retry-after", "900")],
        "",
    ));
    let error = s.client.current_user().unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::SecondaryRateLimit {
            retry_after: Some(900)
        }
    );
    assert!(s.sleeper.recorded().is_empty());
    s.assert_contract();
}

#[test]
fn validation_error_carries_githubs_message() {
    let s = setup();
    s.hub.inject(status_fault("PATCH", "/repos/octo/demo/actions/variables/X", 1, 422, &[], r#"{"message":"Validation Failed","errors":[{"code":"invalid","message":"value is too long"}]}"#));
    let error = s
        .client
        .update_variable(&demo_repo(), "X", "v")
        .unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::Validation {
            message: "Validation Failed: value is too long".into()
        }
    );
    assert_eq!(error.status(), Some(422));
    s.assert_contract();
}

#[test]
fn server_error_then_success_is_retried_with_backoff() {
    let s = setup();
    s.hub.inject(status_fault(
        "GET",
        "/repos/octo/demo",
        2,
        502,
        &[],
        "Bad Gateway",
    ));
    assert_eq!(s.client.repo(&demo_repo()).unwrap().name, "demo");
    assert_eq!(count(&s.hub, "GET", "/repos/octo/demo"), 3);
    assert_eq!(
        s.sleeper.recorded(),
        vec![Duration::from_millis(100), Duration::from_millis(200)]
    );
    let attempts: Vec<(u32, Option<u16>, Option<Duration>)> = s
        .events
        .lock()
        .unwrap()
        .iter()
        .map(|e| (e.attempt, e.status, e.retry_in))
        .collect();
    assert_eq!(
        attempts,
        vec![
            (1, Some(502), Some(Duration::from_millis(100))),
            (2, Some(502), Some(Duration::from_millis(200))),
            (3, Some(200), None)
        ]
    );
    s.assert_contract();
}

#[test]
fn persistent_server_errors_stop_after_max_attempts() {
    let s = setup();
    s.hub.inject(status_fault("GET", "/user", 10, 503, &[], ""));
    let error = s.client.current_user().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Server { status: 503 });
    assert!(error.after_retry());
    assert_eq!(count(&s.hub, "GET", "/user"), 4);
    assert_eq!(s.sleeper.recorded().len(), 3);
    s.assert_contract();
}

#[test]
fn gist_creation_is_never_retried_on_server_errors() {
    let s = setup();
    s.hub
        .inject(status_fault("POST", "/gists", 1, 502, &[], ""));
    let error = s.client.create_gist("d", true, &one_file()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Server { status: 502 });
    assert_eq!(count(&s.hub, "POST", "/gists"), 1);
    s.assert_contract();
}

#[test]
fn dropped_connection_is_retried_for_get() {
    let s = setup();
    s.hub
        .inject(fault("GET", "/user", 1, FaultKind::DropBefore));
    assert_eq!(s.client.current_user().unwrap().login, "octo");
    assert_eq!(s.sleeper.recorded(), vec![Duration::from_millis(100)]);
    s.assert_contract();
}

#[test]
fn dropped_gist_creation_is_not_retried_and_says_to_reobserve() {
    let s = setup();
    s.hub
        .inject(fault("POST", "/gists", 1, FaultKind::DropAfter));
    let error = s
        .client
        .create_gist("ghtraf badges", true, &one_file())
        .unwrap_err();
    assert!(
        matches!(&error.kind, ErrorKind::Network { host } if host == "127.0.0.1"),
        "{error:?}"
    );
    assert!(error.to_string().contains("127.0.0.1"));
    assert_no_token(&error);
    assert_eq!(count(&s.hub, "POST", "/gists"), 1);
    let found = s.client.list_gists().unwrap();
    assert_eq!(
        found
            .iter()
            .filter(|g| g.description == "ghtraf badges")
            .count(),
        1,
        "the lost create did happen"
    );
    s.assert_contract();
}

#[test]
fn lost_variable_create_is_retried_and_409_resolved() {
    let s = setup();
    let repo = demo_repo();
    s.hub.inject(fault(
        "POST",
        "/repos/octo/demo/actions/variables",
        1,
        FaultKind::DropAfter,
    ));
    s.client
        .create_variable(&repo, "TRAFFIC_GIST_ID", "abc")
        .unwrap();
    assert_eq!(
        count(&s.hub, "POST", "/repos/octo/demo/actions/variables"),
        2
    );
    assert_eq!(
        s.client
            .variable(&repo, "TRAFFIC_GIST_ID")
            .unwrap()
            .unwrap()
            .value,
        "abc"
    );
    s.assert_contract();
}

#[test]
fn retried_variable_create_409_with_another_value_is_a_conflict() {
    let s = setup();
    let repo = demo_repo();
    s.hub
        .set_variable("octo", "demo", "TRAFFIC_GIST_ID", "someone-else");
    s.hub.inject(status_fault(
        "POST",
        "/repos/octo/demo/actions/variables",
        1,
        502,
        &[],
        "",
    ));
    let error = s
        .client
        .create_variable(&repo, "TRAFFIC_GIST_ID", "abc")
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Conflict);
    assert!(error.after_retry());
    s.assert_contract();
}

#[test]
fn unreachable_host_is_a_network_error_naming_it() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let sleeper = Arc::new(RecordingSleeper::default());
    let mut config = ghtraf_github::ClientConfig::new(
        format!("http://127.0.0.1:{port}"),
        ghtraf_github::Token::new(CANARY),
        "ghtraf/test",
    );
    config.retry = test_policy();
    config.sleeper = sleeper.clone();
    let client = ghtraf_github::Client::new(config).unwrap();
    let error = client.current_user().unwrap_err();
    assert!(matches!(&error.kind, ErrorKind::Network { host } if host == "127.0.0.1"));
    assert!(error.is_transient());
    assert_eq!(sleeper.recorded().len(), 3, "retried before giving up");
    assert_no_token(&error);
}

#[test]
fn secondary_limit_without_retry_after_waits_at_least_a_minute() {
    let s = setup();
    s.hub.inject(status_fault("GET", "/user", 1, 403, &[], r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#));
    s.client.current_user().unwrap();
    assert_eq!(s.sleeper.recorded(), vec![Duration::from_secs(60)]);
    s.assert_contract();
}

#[test]
fn gist_update_404_names_the_gist_permission() {
    let s = setup();
    let id = s.hub.add_gist("octo", "d", true, &[("a.txt", "a")]);
    s.hub.inject(status_fault(
        "PATCH",
        &format!("/gists/{id}"),
        1,
        404,
        &[],
        r#"{"message":"Not Found"}"#,
    ));
    let changes = BTreeMap::from([("a.txt".to_string(), Some("b".to_string()))]);
    let error = s.client.update_gist(&id, &changes).unwrap_err();
    assert!(
        matches!(&error.kind, ErrorKind::MissingPermission { needed } if needed.contains("Gists: write")),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("does not exist or the token cannot write gists"),
        "{error}"
    );
    s.assert_contract();
}

#[test]
fn unreadable_answers_are_decode_errors() {
    let s = setup();
    s.hub.inject(status_fault(
        "GET",
        "/user",
        1,
        200,
        &[],
        "<html>proxy login</html>",
    ));
    let error = s.client.current_user().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Decode);
    assert!(error.to_string().contains("GET /user"), "{error}");
    let too_large = r#"{"type":"file","path":"big.bin","name":"big.bin","sha":"abc","size":2000000,"content":"","encoding":"none"}"#;
    s.hub.inject(status_fault(
        "GET",
        "/repos/octo/demo/contents/big.bin",
        1,
        200,
        &[],
        too_large,
    ));
    let error = s.client.content(&demo_repo(), "big.bin").unwrap_err();
    assert_eq!(error.kind, ErrorKind::Decode);
    assert!(error.to_string().contains("too large"), "{error}");
    let directory = s.client.content(&demo_repo(), ".github").unwrap_err();
    assert!(
        directory.to_string().contains("is a directory"),
        "{directory}"
    );
}

#[test]
fn request_timeout_counts_as_a_lost_answer_and_is_retried() {
    let s = setup();
    let mut config = ghtraf_github::ClientConfig::new(
        s.hub.url(),
        ghtraf_github::Token::new(CANARY),
        "ghtraf/test",
    );
    config.retry = test_policy();
    config.sleeper = s.sleeper.clone();
    config.timeout = Duration::from_secs(2);
    let client = ghtraf_github::Client::new(config).unwrap();
    // The first attempt is never answered in time (the delay outlasts the test and is
    // ended below); the retry is answered.
    s.hub.inject(fault(
        "GET",
        "/user",
        1,
        FaultKind::Delay(Duration::from_secs(600)),
    ));
    assert_eq!(client.current_user().unwrap().login, "octo");
    // The backoff after the timeout comes first. On a machine so loaded that a retry also
    // outlasts the timeout, that one is retried too (the policy's next backoffs): how many
    // retries it took depends on the machine, that the timeout was retried does not.
    let waits = s.sleeper.recorded();
    assert_eq!(
        waits.first(),
        Some(&Duration::from_millis(100)),
        "a backoff after the timeout: {waits:?}"
    );
    assert!(
        waits
            .iter()
            .zip([100, 200, 400].map(Duration::from_millis))
            .all(|(wait, backoff)| *wait == backoff)
            && waits.len() <= 3,
        "only backoffs of lost answers: {waits:?}"
    );
    s.assert_contract();
    s.hub.end_delays();
}

#[test]
fn traffic_without_push_access_names_the_permission() {
    let mut world = demo_world();
    world.repos.get_mut("octo/demo").unwrap().permissions.push = false;
    let s = setup_with(world);
    let error = s.client.traffic_views(&demo_repo()).unwrap_err();
    match &error.kind {
        ErrorKind::MissingPermission { needed } => assert!(
            needed.contains("push access") && needed.contains("Administration: read"),
            "{needed}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        error.to_string().contains("Must have push access"),
        "{error}"
    );
    s.assert_contract();
}
