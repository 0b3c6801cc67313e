//! The fakehub binary prints its base URL first and serves until killed, honouring --token
//! and --world.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn binary_prints_url_first_and_serves_the_given_world_with_token() {
    let dir = std::env::temp_dir().join(format!("fakehub-bin-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let world = dir.join("world.json");
    std::fs::write(
        &world,
        r#"{"today":"2026-01-02","user":{"login":"alice"},"repos":{"alice/site":{}}}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fakehub"))
        .args(["--port", "0", "--token", "sekrit", "--world"])
        .arg(&world)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().to_string();
    let agent = crate::common::agent();
    let user = crate::common::send(&agent, "GET", &format!("{base}/user"), Some("sekrit"), None);
    let denied = crate::common::send(&agent, "GET", &format!("{base}/user"), Some("other"), None);
    let repo = crate::common::send(
        &agent,
        "GET",
        &format!("{base}/repos/alice/site"),
        Some("sekrit"),
        None,
    );
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(user.unwrap().json()["login"], "alice");
    assert_eq!(denied.unwrap().status, 401);
    assert_eq!(repo.unwrap().status, 200);
}

#[test]
fn binary_rejects_unknown_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_fakehub"))
        .arg("--bogus")
        .arg("1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown argument"));
}

#[test]
fn binary_today_pins_the_demo_worlds_date() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fakehub"))
        .args(["--port", "0", "--today", "2026-02-26"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().to_string();
    let agent = crate::common::agent();
    let views = crate::common::send(
        &agent,
        "GET",
        &format!("{base}/repos/octo/demo/traffic/views"),
        None,
        None,
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let views = views.unwrap().json();
    let days = views["views"].as_array().unwrap();
    assert_eq!(days.len(), 14, "{views}");
    assert_eq!(days[13]["timestamp"], "2026-02-26T00:00:00Z", "{views}");
    let bad = Command::new(env!("CARGO_BIN_EXE_fakehub"))
        .args(["--today", "26/02/2026"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a YYYY-MM-DD date"));
}
