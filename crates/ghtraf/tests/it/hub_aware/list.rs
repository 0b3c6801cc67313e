//! `list` shows the hub's own gist once, as the hub, without a row of zeros.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const SCHEMA: &str = include_str!("../../../../../docs/output.schema.json");

fn valid(doc: &Value) {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

#[test]
fn list_shows_the_hub_as_the_hub_not_as_a_repository_with_zeros() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r000"]).code, 0);
    let listed = run(&hub, d, &["list"]);
    assert_eq!(listed.code, 0, "{listed:?}");
    let line = listed
        .stdout
        .lines()
        .find(|l| l.starts_with("octo/traffic"))
        .unwrap_or_else(|| panic!("the hub is listed once: {}", listed.stdout));
    assert!(
        line.contains("hub: its portfolio lists 0 repositories"),
        "{line}"
    );
    assert!(!line.contains(" 0  "), "no zeros: {line}");

    // Collected: the portfolio lists the repository; the hub still has no numbers of its own.
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    let doc = run(&hub, d, &["list", "--format", "json"]).json();
    valid(&doc);
    let rows = doc["repositories"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["repository"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["octo/r000", "octo/traffic"]);
    assert!(rows[0]["summary"].is_object(), "{doc:#}");
    assert!(rows[0].get("hub").is_none(), "{doc:#}");
    assert!(rows[1]["summary"].is_null(), "no fake zeros: {doc:#}");
    assert_eq!(rows[1]["hub"]["repositories"], 1, "{doc:#}");
    assert!(rows[1]["problem"].is_null(), "{doc:#}");
}
