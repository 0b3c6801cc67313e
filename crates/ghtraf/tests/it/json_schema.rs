//! Every `--format json` document of every command, validated against the
//! one documented envelope, docs/output.schema.json.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const SCHEMA: &str = include_str!("../../../../docs/output.schema.json");

fn check(what: &str, out: &Output) -> serde_json::Value {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc = out.json();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{doc:#}");
    doc
}

#[test]
fn every_command_prints_one_document_in_the_documented_envelope() {
    let hub = demo_hub_on("2026-02-26");
    let dir = checkout();
    let run = on(&hub).gist_token(GIST_TOKEN);
    let json = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--format", "json"]);
        run.run(dir.path(), &all)
    };
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("verify before create", vec!["verify"], "verify"),
        (
            "create --dry-run",
            vec!["create", "-n", "--dry-run"],
            "create",
        ),
        ("create refused", vec!["create"], "create"),
        ("create", vec!["create", "-n"], "create"),
        ("init", vec!["init", "-n", "--dry-run"], "init"),
        ("collect", vec!["collect", "-n"], "collect"),
        ("status", vec!["status"], "status"),
        ("list", vec!["list"], "list"),
        ("verify", vec!["verify"], "verify"),
        ("export", vec!["export"], "export"),
        ("an error", vec!["status", "-R", "octo/nope"], "status"),
        ("upgrade", vec!["upgrade", "-n", "--dry-run"], "upgrade"),
        // A command of a command is named as typed, in success and failure alike.
        (
            "hub init",
            vec!["hub", "init", "-n", "--dry-run"],
            "hub init",
        ),
        ("hub add", vec!["hub", "add", "octo/a", "-n"], "hub add"),
        (
            "hub remove",
            vec!["hub", "remove", "octo/a", "-n"],
            "hub remove",
        ),
        (
            "a hub usage error",
            vec!["hub", "add", "octo/a", "--no-such-flag"],
            "hub add",
        ),
        ("a usage error", vec!["status", "--no-such-flag"], "status"),
    ];
    for (what, args, command) in cases {
        let doc = check(what, &json(&args));
        assert_eq!(doc["command"], command, "{what}");
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        assert_eq!(
            keys[..2],
            ["format_version", "command"],
            "{what}: the envelope opens the document"
        );
    }
    let hub_init = json(&["hub", "init", "-n", "--dry-run"]);
    assert_eq!(
        hub_init.json()["plan"]["command"],
        "hub init",
        "the plan is named as the envelope names it"
    );
    // A saved plan applied: the apply command's document.
    let saved = run.run(
        dir.path(),
        &["collect", "-n", "--dry-run", "--plan-out", "p.json"],
    );
    assert_eq!(saved.code, 0, "{saved:?}");
    let applied = check("apply", &json(&["apply", "p.json"]));
    assert_eq!(applied["command"], "apply");

    // The shapes the envelope fixed: lists under names, variables as an object.
    let list = check("list", &json(&["list"]));
    assert!(list["repositories"].is_array(), "{list:#}");
    let days = check("export", &json(&["export"]));
    assert!(days["days"].as_array().unwrap().len() >= 14, "{days:#}");
    let status = check("status", &json(&["status"]));
    assert!(
        status["variables"]["TRAFFIC_GIST_ID"].is_string(),
        "{status:#}"
    );
    // verify's kept edits: an edited template kept by init.
    std::fs::write(dir.path().join("docs/stats/README.md"), "/* mine */\n").unwrap();
    assert_eq!(run.run(dir.path(), &["init", "-n"]).code, 0);
    let verify = check("verify with a kept edit", &json(&["verify"]));
    assert_eq!(verify["kept"][0]["state"], "kept", "{verify:#}");
    assert_eq!(verify["summary"]["kept"], 1, "{verify:#}");
}

#[test]
fn a_document_outside_the_envelope_is_rejected() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // What `list` and `export` printed before: a bare array.
    assert!(!validator.is_valid(&serde_json::json!([{"repository": "octo/demo"}])));
    // No command named.
    assert!(!validator.is_valid(&serde_json::json!({"format_version": 1, "repositories": []})));
    // verify's old count instead of a summary.
    assert!(!validator.is_valid(&serde_json::json!({
        "format_version": 1, "command": "verify", "repository": "o/r",
        "verification": [], "deviations": 0
    })));
}
