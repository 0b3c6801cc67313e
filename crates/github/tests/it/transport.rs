//! What goes over the wire, seen from a raw loopback socket: the exact headers GitHub requires,
//! and proxy handling (loopback never goes through a proxy, other hosts use the environment's).
//! The proxy test sets process env vars; the other test here only talks to loopback, which the
//! proxy settings never affect.

use crate::common::*;
use ghtraf_github::{Client, ClientConfig, GitHubRead, Token};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// Accepts one connection, reads the request head, answers `body`; returns the head's lines.
fn answer_once(listener: TcpListener, body: &'static str) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push(line.trim_end().to_string());
        }
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
        head
    })
}

#[test]
fn requests_carry_githubs_required_headers() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "http://127.0.0.1:{}/api/v3",
        listener.local_addr().unwrap().port()
    );
    let server = answer_once(listener, r#"{"login":"octo","id":1}"#);
    let client = Client::new(ClientConfig::new(base, Token::new(CANARY), "ghtraf/9.9.9")).unwrap();
    client.current_user().unwrap();
    let head = server.join().unwrap();
    let lower: Vec<String> = head.iter().map(|l| l.to_ascii_lowercase()).collect();
    assert_eq!(head[0], "GET /api/v3/user HTTP/1.1");
    for expected in [
        format!("authorization: bearer {}", CANARY.to_ascii_lowercase()),
        "accept: application/vnd.github+json".to_string(),
        "x-github-api-version: 2022-11-28".to_string(),
        "user-agent: ghtraf/9.9.9".to_string(),
    ] {
        assert!(
            lower.contains(&expected),
            "{expected} missing from {head:?}"
        );
    }
}

#[test]
fn env_proxy_is_used_for_remote_hosts_and_bypassed_for_loopback() {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.local_addr().unwrap().port());
    std::env::set_var("ALL_PROXY", &proxy_url);
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    // Loopback: straight to fakehub although a (silent) proxy is configured.
    let s = setup();
    let (loopback_client, _) = client_for(&s.hub, CANARY, Arc::clone(&s.sleeper));
    assert_eq!(loopback_client.current_user().unwrap().login, "octo");

    // A remote host: the request is sent to the proxy, which answers for it.
    let answering = answer_once(proxy, r#"{"login":"via-proxy","id":1}"#);
    let mut config =
        ClientConfig::new("http://api.example.test", Token::new(CANARY), "ghtraf/test");
    config.retry = test_policy();
    config.sleeper = Arc::new(RecordingSleeper::default());
    let remote = Client::new(config).unwrap();
    assert_eq!(remote.current_user().unwrap().login, "via-proxy");
    let request_line = answering.join().unwrap().remove(0);
    assert!(
        request_line.starts_with("GET http://api.example.test/user"),
        "{request_line}"
    );
    std::env::remove_var("ALL_PROXY");
    s.assert_contract();
}
