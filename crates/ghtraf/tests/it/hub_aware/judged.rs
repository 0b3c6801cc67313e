//! `verify` and `status` in a hub checkout judge it as a hub: its workflow as
//! `hub` renders it, `.ghtraf-hub.json`, its badge gist, its one secret, each
//! tracked repository's gists; a hub that is also a `create` deployment is
//! judged as both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ghtraf_github::{Client, ClientConfig, GitHubRead, GitHubWrite, RepoRef, Token};

use super::*;

const SCHEMA: &str = include_str!("../../../../../docs/output.schema.json");

fn valid(doc: &Value) {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

/// Pushes the checkout's `paths` to the hub's default branch (as `git push` would).
pub(super) fn push(hub: &FakeHub, dir: &Path, paths: &[&str]) {
    let client = Client::new(ClientConfig::new(
        hub.url(),
        Token::new("api"),
        "ghtraf-test",
    ))
    .unwrap();
    let repo = RepoRef::parse("octo/traffic").unwrap();
    for path in paths {
        let bytes = std::fs::read(dir.join(path)).unwrap();
        let sha = client.content(&repo, path).unwrap().map(|c| c.sha);
        client
            .put_content(&repo, path, "traffic hub", &bytes, sha.as_deref())
            .unwrap();
    }
}

pub(super) const HUB_FILES: [&str; 2] = [".ghtraf-hub.json", ".github/workflows/traffic-hub.yml"];

/// A hub tracking r000 and r001 (r002 keeps its own workflow), pushed and collected once.
fn set_up_hub(hub: &FakeHub, d: &Path) {
    assert_eq!(run(hub, d, &["hub", "init"]).code, 0);
    let add = run(hub, d, &["hub", "add", "octo/r000", "octo/r001"]);
    assert_eq!(add.code, 0, "{add:?}");
    push(hub, d, &HUB_FILES);
    let collect = on(hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
}

pub(super) fn deviations(doc: &Value) -> Vec<String> {
    doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "deviation")
        .map(|f| format!("{}: {}", f["id"], f["message"]))
        .collect()
}

#[test]
fn verify_judges_a_hub_checkout_as_a_hub() {
    let hub = world(3, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    set_up_hub(&hub, d);
    let out = run(&hub, d, &["verify", "--format", "json"]);
    let doc = out.json();
    valid(&doc);
    assert_eq!(deviations(&doc), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(doc["repository"], "octo/traffic");
    let ids: Vec<&str> = doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for checked in [
        "config:skip:.github/workflows/traffic-hub.yml",
        "config:skip:.ghtraf-hub.json",
        "secret:skip:TRAFFIC_GIST_TOKEN",
        "repos",
        "hub:portfolio",
        "pushed:.github/workflows/traffic-hub.yml",
    ] {
        assert!(ids.contains(&checked), "{checked} is checked: {ids:?}");
    }

    // Drift a hub can have: a tracked repository's gist deleted, the workflow edited
    // and not pushed, the secret gone. Each is named; exit 3.
    let r001 = hub_file(d)["repos"][1]["archiveGistId"]
        .as_str()
        .unwrap()
        .to_string();
    hub.patch_world(json!({"gists": {r001.clone(): null}}))
        .unwrap();
    let wf = d.join(".github/workflows/traffic-hub.yml");
    let edited = std::fs::read_to_string(&wf)
        .unwrap()
        .replace("max-parallel: 1", "max-parallel: 4");
    std::fs::write(&wf, edited).unwrap();
    let out = run(&hub, d, &["verify", "--format", "json"]);
    assert_eq!(out.code, 3, "{out:?}");
    let found = deviations(&out.json()).join("\n");
    assert!(
        found.contains(&format!("its archive gist {r001} is gone")),
        "{found}"
    );
    assert!(found.contains("octo/r001"), "{found}");
    assert!(
        found.contains(".github/workflows/traffic-hub.yml\": \"not as `ghtraf hub init` makes it"),
        "{found}"
    );
    assert!(
        found.contains("pushed:.github/workflows/traffic-hub.yml"),
        "{found}"
    );
    assert!(!found.contains("octo/r000"), "r000 is fine: {found}");
    assert!(
        out.stderr
            .contains("`ghtraf hub init --dry-run` shows what would repair the hub"),
        "{}",
        out.stderr
    );
}

#[test]
fn status_summarises_a_hub() {
    let hub = world(3, &[2]);
    let dir = hub_checkout();
    let d = dir.path();
    set_up_hub(&hub, d);
    // r002 is tracked with its own workflow once its gists exist (made by `create`).
    let own = checkout_of("octo/r002");
    let create = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(own.path(), &["-n", "create", "--repo", "octo/r002"]);
    assert_eq!(create.code, 0, "{create:?}");
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r002"]).code, 0);

    let out = run(&hub, d, &["status"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("octo/traffic (hub)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("3 tracked: 2 collected by the hub, 1 keeps its own workflow"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("2 fresh"), "{}", out.stdout);
    let doc = run(&hub, d, &["status", "--format", "json"]).json();
    valid(&doc);
    assert_eq!(doc["repository"], "octo/traffic");
    assert_eq!(doc["hub"]["tracked"], 3, "{doc:#}");
    assert_eq!(doc["hub"]["fresh"], 2, "{doc:#}");
    assert_eq!(
        doc["hub"]["repositories"][0]["last_collection"], NOW,
        "{doc:#}"
    );

    // A day later than 48 hours, the collections are stale and named.
    let later = on(&hub)
        .now("2026-02-13T03:00:00Z")
        .run(d, &["status", "--format", "json"]);
    let doc = later.json();
    assert_eq!(
        doc["hub"]["stale"],
        json!(["octo/r000", "octo/r001"]),
        "{doc:#}"
    );
}

#[test]
fn a_hub_that_is_also_a_deployment_is_judged_as_both() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    let create = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "create"]);
    assert_eq!(create.code, 0, "{create:?}");
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    set_up_hub(&hub, d);
    push(&hub, d, &[".github/workflows/traffic-badges.yml"]);
    let out = run(&hub, d, &["verify", "--format", "json"]);
    let doc = out.json();
    valid(&doc);
    assert_eq!(deviations(&doc), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(out.code, 0, "{out:?}");
    let ids: Vec<&str> = doc["verification"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"state:identity"),
        "the deployment is checked: {ids:?}"
    );
    assert!(
        ids.contains(&"hub:portfolio"),
        "the hub is checked: {ids:?}"
    );
    // status shows both: the deployment's keys and the hub's.
    let status = run(&hub, d, &["status", "--format", "json"]);
    let doc = status.json();
    valid(&doc);
    assert!(doc["variables"]["TRAFFIC_GIST_ID"].is_string(), "{doc:#}");
    assert_eq!(doc["hub"]["tracked"], 2, "{doc:#}");
    let text = run(&hub, d, &["status"]).stdout;
    assert!(text.starts_with("octo/traffic\n"), "{text}");
    assert!(text.contains("octo/traffic (hub)"), "{text}");
    // The hub's files differing is drift there too.
    std::fs::remove_file(d.join(".github/workflows/traffic-hub.yml")).unwrap();
    let out = run(&hub, d, &["verify"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stdout.contains("traffic-hub.yml"), "{}", out.stdout);
}

/// `hub add` and a plain `hub init` re-render the workflow with what `hub init`
/// was told (`--install-command`, `--gist-token-name`), and `verify` judges it
/// so: they put the defaults back, and the hub lost its install step and secret.
#[test]
fn what_hub_init_was_told_stays_in_the_workflow() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    let init = run(
        &hub,
        d,
        &[
            "hub",
            "init",
            "--install-command",
            "cargo binstall -y ghtraf",
            "--gist-token-name",
            "HUB_TOKEN",
        ],
    );
    assert_eq!(init.code, 0, "{init:?}");
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r000"]).code, 0);
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    let wf = std::fs::read_to_string(d.join(".github/workflows/traffic-hub.yml")).unwrap();
    assert!(wf.contains("cargo binstall -y ghtraf"), "{wf}");
    assert!(wf.contains("secrets.HUB_TOKEN"), "{wf}");
    assert!(
        wf.contains("1 repositories"),
        "re-rendered for the new count: {wf}"
    );
    push(&hub, d, &HUB_FILES);
    let out = run(&hub, d, &["verify", "--format", "json"]);
    let found = deviations(&out.json());
    assert!(
        !found.iter().any(|f| f.contains("traffic-hub.yml")),
        "{found:#?}"
    );
}

/// A hub set up without a workflow token cannot collect: `verify` exits 3, and `status`
/// (it exited 1, calling the missing secret a problem like an unreadable file) exits 3
/// too; with the token stored, `status` exits 0.
#[test]
fn status_calls_a_hub_without_its_secret_a_deviation_as_verify_does() {
    let hub = world(1, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    let init = on(&hub).now(NOW).run(d, &["-n", "hub", "init"]);
    assert_eq!(init.code, 0, "{init:?}");
    let add = on(&hub).now(NOW).run(d, &["-n", "hub", "add", "octo/r000"]);
    assert_eq!(add.code, 0, "{add:?}");
    push(&hub, d, &HUB_FILES);

    let status = on(&hub).now(NOW).run(d, &["status"]);
    assert!(status.stderr.contains("is missing"), "{status:?}");
    let verify = on(&hub).now(NOW).run(d, &["verify"]);
    assert_eq!(verify.code, 3, "{verify:?}");
    assert_eq!(status.code, 3, "{status:?}");

    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    let status = on(&hub).now(NOW).run(d, &["status"]);
    assert_eq!(status.code, 0, "{status:?}");
}
