//! Proxy environment handling: loopback (fakehub, demos) never goes through a proxy, other
//! hosts use the environment's proxy. One test per binary, because it sets process env vars.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use ghtraf_github::{Client, ClientConfig, GitHubRead, Token};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

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
    let answering = std::thread::spawn(move || {
        let (mut stream, _) = proxy.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let body = r#"{"login":"via-proxy","id":1}"#;
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
        request_line
    });
    let mut config =
        ClientConfig::new("http://api.example.test", Token::new(CANARY), "ghtraf/test");
    config.retry = test_policy();
    config.sleeper = Arc::new(RecordingSleeper::default());
    let remote = Client::new(config).unwrap();
    assert_eq!(remote.current_user().unwrap().login, "via-proxy");
    let request_line = answering.join().unwrap();
    assert!(
        request_line.starts_with("GET http://api.example.test/user"),
        "{request_line}"
    );
    std::env::remove_var("ALL_PROXY");
    s.assert_contract();
}
