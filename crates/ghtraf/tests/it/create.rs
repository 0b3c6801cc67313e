//! `ghtraf create` through the binary against fakehub and temp checkouts:
//! the plan equals the mutations, the dry-run is inert, a second run
//! converges, faults leave no duplicates, and the token never leaks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use crate::common::*;
use fakehub::{Config, FakeHub, Fault, FaultKind, World};
use proptest::prelude::*;

fn hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-02-26").unwrap(),
        ..Config::default()
    })
    .unwrap()
}

fn create(hub: &FakeHub, dir: &std::path::Path, extra: &[&str]) -> Output {
    let url = hub.url();
    let mut args = vec!["create", "-n", "--repo", "octo/demo"];
    args.extend_from_slice(extra);
    ghtraf(
        dir,
        &args,
        &[
            ("GHTRAF_API_URL", url.as_str()),
            ("GH_TOKEN", API_TOKEN),
            ("GHTRAF_GIST_TOKEN", CANARY),
        ],
    )
}

/// A fault answering the next `times` matching requests with `status`.
fn status_fault(
    method: &str,
    path: &str,
    times: u32,
    status: u16,
    headers: Vec<(String, String)>,
    body: &str,
) -> Fault {
    Fault {
        method: method.into(),
        path: path.into(),
        times,
        kind: FaultKind::Status {
            status,
            headers,
            body: body.into(),
        },
    }
}

/// A mutation's kind, comparable with a plan action's kind.
fn mutation_kind(method: &str, path: &str) -> String {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        ("POST", ["gists"]) => "gist:create".into(),
        ("PATCH", ["gists", _]) => "gist:update".into(),
        ("POST", ["repos", _, _, "actions", "variables"]) => "variable:set".into(),
        ("PATCH", ["repos", _, _, "actions", "variables", _]) => "variable:set".into(),
        ("PUT", ["repos", _, _, "actions", "secrets", name]) => format!("secret:set:{name}"),
        ("POST", ["repos", _, _, "pages"]) => "pages:create".into(),
        ("PUT", ["repos", _, _, "pages"]) => "pages:update".into(),
        other => panic!("unexpected mutation {other:?}"),
    }
}

fn action_kind(id: &str) -> String {
    let parts: Vec<&str> = id.splitn(3, ':').collect();
    match parts[0] {
        "secret" => id.to_string(),
        _ => format!("{}:{}", parts[0], parts[1]),
    }
}

/// Plan = mutations: every non-skip GitHub action has exactly one mutating
/// request and vice versa; every non-skip file action is exactly one file
/// written, and nothing else changed on disk.
fn assert_plan_equals_mutations(
    hub: &FakeHub,
    doc: &serde_json::Value,
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) {
    let acts = doc["plan"]["actions"].as_array().unwrap();
    let mut planned: Vec<String> = acts
        .iter()
        .filter(|a| a["operation"] != "skip")
        .filter(|a| a["category"] != "file" && a["category"] != "config")
        .map(|a| action_kind(a["id"].as_str().unwrap()))
        .collect();
    let mut seen: Vec<String> = hub
        .mutations()
        .iter()
        .map(|m| mutation_kind(&m.method, &m.path))
        .collect();
    planned.sort();
    seen.sort();
    assert_eq!(planned, seen, "GitHub mutations differ from the plan");

    let mut planned_files: Vec<String> = acts
        .iter()
        .filter(|a| a["operation"] != "skip")
        .filter(|a| a["category"] == "file" || a["category"] == "config")
        .map(|a| a["target"].as_str().unwrap().to_string())
        .collect();
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(before.keys().filter(|k| !after.contains_key(*k)).cloned())
        .collect();
    planned_files.sort();
    changed.sort();
    assert_eq!(planned_files, changed, "files written differ from the plan");
}

fn our_gists(hub: &FakeHub, role: &str) -> Vec<String> {
    let state = hub.state();
    let want = format!("[GTT] octo/demo · {role}");
    let mut found = Vec::new();
    match &state["gists"] {
        serde_json::Value::Array(list) => {
            for g in list {
                if g["description"] == want.as_str() {
                    found.push(g["id"].as_str().unwrap().to_string());
                }
            }
        }
        serde_json::Value::Object(map) => {
            for (id, g) in map {
                if g["description"] == want.as_str() {
                    found.push(g["id"].as_str().unwrap_or(id).to_string());
                }
            }
        }
        other => panic!("unexpected gists dump: {other}"),
    }
    found
}

#[test]
fn fresh_create_makes_exactly_the_planned_changes_and_verifies() {
    let hub = hub();
    let dir = checkout();
    let dry = create(&hub, dir.path(), &["--dry-run", "--format", "json"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        hub.mutations().is_empty(),
        "dry-run mutated: {:?}",
        hub.mutations()
    );
    assert_eq!(snapshot_tree(dir.path()).len(), 0, "dry-run wrote files");

    let before = snapshot_tree(dir.path());
    let out = create(&hub, dir.path(), &["--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc = json(&out);
    // The real run made the plan the dry-run showed, byte for byte.
    assert_eq!(json(&dry)["plan"], doc["plan"]);
    assert_plan_equals_mutations(&hub, &doc, &before, &snapshot_tree(dir.path()));
    assert!(
        doc["verification"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "ok"),
        "{doc}"
    );

    // The world is what the plan promised.
    let badges = our_gists(&hub, "badges");
    let archive = our_gists(&hub, "archive");
    assert_eq!((badges.len(), archive.len()), (1, 1));
    let state = hub.state().to_string();
    assert!(state.contains(&badges[0]) && state.contains(&archive[0]));
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY)
    );
    let project: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(".ghtraf.json")).unwrap()).unwrap();
    assert_eq!(project["badgeGistId"], badges[0].as_str());
    assert_eq!(project["archiveGistId"], archive[0].as_str());
    let dash: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("docs/stats/config.json")).unwrap())
            .unwrap();
    assert_eq!(dash["badgeGistId"], badges[0].as_str());
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn a_second_run_plans_only_skips_and_mutates_nothing() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    hub.clear_log();
    let before = snapshot_tree(dir.path());
    let out = create(&hub, dir.path(), &["--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc = json(&out);
    assert!(actions(&doc).iter().all(|(_, op)| op == "skip"), "{doc}");
    assert!(hub.mutations().is_empty());
    assert_eq!(snapshot_tree(dir.path()), before);
}

#[test]
fn the_token_never_appears_in_any_output() {
    let hub = hub();
    let dir = checkout();
    for extra in [
        &["--dry-run", "-vv", "--show", "api", "--show", "trace"][..],
        &["--dry-run", "--format", "json", "-vv"][..],
        &["-vv", "--show", "api"][..],
        &["--format", "json", "--update-secret"][..],
    ] {
        let out = create(&hub, dir.path(), extra);
        for text in [&out.stdout, &out.stderr] {
            assert!(
                !text.contains(CANARY),
                "workflow token leaked with {extra:?}"
            );
            assert!(!text.contains(API_TOKEN), "API token leaked with {extra:?}");
        }
    }
}

#[test]
fn without_a_token_non_interactive_skips_the_secret_and_says_why() {
    let hub = hub();
    let dir = checkout();
    let url = hub.url();
    let out = ghtraf(
        dir.path(),
        &["create", "-n", "--repo", "octo/demo", "--dry-run"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("secret:skip:TRAFFIC_GIST_TOKEN"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("GHTRAF_GIST_TOKEN"), "{}", out.stdout);
    let demanded = ghtraf(
        dir.path(),
        &["create", "-n", "--repo", "octo/demo", "--update-secret"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
    );
    assert_eq!(demanded.code, 2, "{demanded:?}");
}

#[test]
fn an_existing_secret_is_kept_unless_asked_to_replace_it() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    let out = create(&hub, dir.path(), &["--dry-run"]);
    assert!(
        out.stdout.contains("--update-secret to replace"),
        "{}",
        out.stdout
    );
    hub.clear_log();
    let out = create(&hub, dir.path(), &["--update-secret", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let kinds: Vec<String> = hub
        .mutations()
        .iter()
        .map(|m| mutation_kind(&m.method, &m.path))
        .collect();
    assert_eq!(kinds, vec!["secret:set:TRAFFIC_GIST_TOKEN"]);
}

#[test]
fn token_from_stdin() {
    let hub = hub();
    let dir = checkout();
    let url = hub.url();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ghtraf"));
    cmd.args([
        "create",
        "-n",
        "--repo",
        "octo/demo",
        "--gist-token-stdin",
        "--skip-files",
    ])
    .current_dir(dir.path())
    .env_clear()
    .env("GHTRAF_API_URL", &url)
    .env("GH_TOKEN", API_TOKEN)
    .env("GHTRAF_NOW", NOW)
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from-stdin-token\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some("from-stdin-token")
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("from-stdin-token"));
}

#[test]
fn a_502_on_gist_creation_fails_cleanly_and_the_rerun_converges() {
    let hub = hub();
    let dir = checkout();
    hub.inject(status_fault(
        "POST",
        "/gists",
        1,
        502,
        vec![],
        "{\"message\":\"Bad Gateway\"}",
    ));
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("FAILED"), "{}", out.stdout);
    assert!(
        out.stdout.contains("not run: gist:create:"),
        "dependents skipped: {}",
        out.stdout
    );
    assert!(out.stderr.contains("again"), "re-run hint: {}", out.stderr);
    let again = create(&hub, dir.path(), &[]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(our_gists(&hub, "badges").len(), 1);
    assert_eq!(our_gists(&hub, "archive").len(), 1);
    let third = json(&create(&hub, dir.path(), &["--format", "json"]));
    assert!(actions(&third).iter().all(|(_, op)| op == "skip"));
}

#[test]
fn a_lost_gist_response_is_found_by_description_not_created_twice() {
    let hub = hub();
    let dir = checkout();
    hub.inject(Fault {
        method: "POST".into(),
        path: "/gists".into(),
        times: 2,
        kind: FaultKind::DropAfter,
    });
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("found it by its description"),
        "{}",
        out.stdout
    );
    assert_eq!(our_gists(&hub, "badges").len(), 1);
    assert_eq!(our_gists(&hub, "archive").len(), 1);
}

#[test]
fn a_dropped_connection_while_creating_a_variable_is_retried_safely() {
    let hub = hub();
    let dir = checkout();
    hub.inject(Fault {
        method: "POST".into(),
        path: "/repos/octo/demo/actions/variables".into(),
        times: 1,
        kind: FaultKind::DropAfter,
    });
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let again = json(&create(&hub, dir.path(), &["--format", "json"]));
    assert!(
        actions(&again).iter().all(|(_, op)| op == "skip"),
        "{again}"
    );
}

#[test]
fn a_secondary_rate_limit_is_waited_out() {
    let hub = hub();
    let dir = checkout();
    hub.inject(status_fault(
        "PUT",
        "/repos/octo/demo/actions/secrets/*",
        1,
        403,
        vec![("retry-after".into(), "0".into())],
        "{\"message\":\"You have exceeded a secondary rate limit.\"}",
    ));
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY)
    );
}

#[test]
fn a_token_without_gist_scope_gets_a_precise_message() {
    let hub = hub();
    let dir = checkout();
    hub.inject(status_fault(
        "POST",
        "/gists",
        2,
        404,
        vec![],
        "{\"message\":\"Not Found\"}",
    ));
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("gist"), "{}", out.stdout);
    assert!(
        out.stdout.to_lowercase().contains("scope") || out.stdout.contains("Gists: write"),
        "names the missing permission: {}",
        out.stdout
    );
    assert!(our_gists(&hub, "badges").is_empty());
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    assert_eq!(our_gists(&hub, "badges").len(), 1);
}

#[test]
fn enable_pages_is_planned_only_when_asked() {
    let hub = hub();
    let dir = checkout();
    let plain = create(&hub, dir.path(), &["--dry-run"]);
    assert!(!plain.stdout.contains("pages:"));
    let out = create(&hub, dir.path(), &["--enable-pages", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(actions(&json(&out)).contains(&("pages:create:github-pages".into(), "create".into())));
    let again = json(&create(
        &hub,
        dir.path(),
        &["--enable-pages", "--format", "json"],
    ));
    assert!(
        actions(&again).iter().all(|(_, op)| op == "skip"),
        "{again}"
    );
}

#[test]
fn text_plan_snapshots_fresh_and_set_up() {
    let hub = hub();
    let dir = checkout();
    let scrub = |s: &str| {
        let mut s = s.replace(&dir.path().display().to_string(), "[DIR]");
        s = s.replace(&hub.url(), "[API]");
        for id in our_gists(&hub, "badges")
            .into_iter()
            .chain(our_gists(&hub, "archive"))
        {
            s = s.replace(&id, "[GIST-ID]");
        }
        s
    };
    let fresh = create(&hub, dir.path(), &["--dry-run"]);
    insta::assert_snapshot!("create_fresh", scrub(&fresh.stdout));
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    let set_up = create(&hub, dir.path(), &["--dry-run"]);
    let text = scrub(&set_up.stdout);
    // Secret timestamps come from the fake's clock.
    let text = regex_lite_replace_updated(&text);
    insta::assert_snapshot!("create_set_up", text);
}

fn regex_lite_replace_updated(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("exists (updated ") {
            Some(i) => format!(
                "{}exists (updated [TIME]); --update-secret to replace",
                &l[..i]
            ),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------ generated worlds

#[derive(Debug, Clone)]
enum GistWorld {
    Absent,
    Present,
    /// The variable points at a gist that no longer exists.
    Ghost,
    /// Present, but behind 120 other gists (second page of the list).
    SecondPage,
}

#[derive(Debug, Clone)]
enum VarWorld {
    Absent,
    Correct,
    Stale,
}

#[derive(Debug, Clone)]
enum FileWorld {
    Missing,
    Identical,
    Edited,
}

fn gist_world() -> impl Strategy<Value = GistWorld> {
    prop_oneof![
        Just(GistWorld::Absent),
        Just(GistWorld::Present),
        Just(GistWorld::Ghost),
        Just(GistWorld::SecondPage)
    ]
}

fn var_world() -> impl Strategy<Value = VarWorld> {
    prop_oneof![
        Just(VarWorld::Absent),
        Just(VarWorld::Correct),
        Just(VarWorld::Stale)
    ]
}

fn file_world() -> impl Strategy<Value = FileWorld> {
    prop_oneof![
        Just(FileWorld::Missing),
        Just(FileWorld::Identical),
        Just(FileWorld::Edited)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn any_world_plan_equals_mutations_and_converges(
        badges in gist_world(),
        archive in gist_world(),
        var in var_world(),
        secret in any::<bool>(),
        files in file_world(),
    ) {
        let hub = hub();
        let dir = checkout();
        if matches!(badges, GistWorld::SecondPage) || matches!(archive, GistWorld::SecondPage) {
            for i in 0..120 {
                hub.add_gist("octo", &format!("unrelated {i}"), true, &[("a.txt", "x")]);
            }
        }
        let mut ids = BTreeMap::new();
        for (role, world, variable) in [
            ("badges", &badges, "TRAFFIC_GIST_ID"),
            ("archive", &archive, "TRAFFIC_ARCHIVE_GIST_ID"),
        ] {
            let desc = format!("[GTT] octo/demo · {role}");
            let id = match world {
                GistWorld::Absent => None,
                GistWorld::Ghost => Some("0000000000000000000000000000dead".to_string()),
                GistWorld::Present | GistWorld::SecondPage => {
                    Some(hub.add_gist("octo", &desc, role == "badges", &[("state.json", "{}")]))
                }
            };
            if matches!(world, GistWorld::SecondPage) {
                for i in 0..120 {
                    hub.add_gist("octo", &format!("newer unrelated {i}"), true, &[("a.txt", "x")]);
                }
            }
            match (&var, &id) {
                (VarWorld::Correct, Some(id)) => hub.set_variable("octo", "demo", variable, id),
                (VarWorld::Stale, _) => hub.set_variable("octo", "demo", variable, "stale-id"),
                (VarWorld::Correct, None) | (VarWorld::Absent, _) => {}
            }
            if matches!(world, GistWorld::Ghost) && !matches!(var, VarWorld::Absent) {
                hub.set_variable("octo", "demo", variable, id.as_deref().unwrap_or_default());
            }
            ids.insert(role, id);
        }
        if secret {
            use ghtraf_github::{Client, ClientConfig, GitHubWrite, RepoRef, Token};
            let client = Client::new(ClientConfig::new(hub.url(), Token::new(API_TOKEN), "ghtraf-test")).unwrap();
            let repo = RepoRef::parse("octo/demo").unwrap();
            client.put_secret(&repo, "TRAFFIC_GIST_TOKEN", "older-token").unwrap();
        }
        match files {
            FileWorld::Missing => {}
            FileWorld::Identical | FileWorld::Edited => {
                assert_eq!(ghtraf(dir.path(), &["init", "-n", "--repo", "octo/demo"], &[]).code, 0);
                if matches!(files, FileWorld::Edited) {
                    std::fs::write(dir.path().join("docs/stats/README.md"), "/* mine */").unwrap();
                }
            }
        }
        hub.clear_log();
        let before = snapshot_tree(dir.path());
        let out = create(&hub, dir.path(), &["--format", "json"]);
        prop_assert_eq!(out.code, 0, "{:?}", out);
        let doc = json(&out);
        assert_plan_equals_mutations(&hub, &doc, &before, &snapshot_tree(dir.path()));
        prop_assert!(doc["verification"].as_array().unwrap().iter().all(|f| f["status"] == "ok"), "{}", doc);
        prop_assert_eq!(our_gists(&hub, "badges").len(), 1);
        prop_assert_eq!(our_gists(&hub, "archive").len(), 1);
        prop_assert!(hub.contract_violations().is_empty(), "{:?}", hub.contract_violations());

        // Convergence: planning again yields only skips, and nothing is mutated.
        hub.clear_log();
        let again = json(&create(&hub, dir.path(), &["--format", "json"]));
        prop_assert!(actions(&again).iter().all(|(_, op)| op == "skip"), "{}", again);
        prop_assert!(hub.mutations().is_empty());
    }
}

#[test]
fn interactive_create_asks_for_the_token_at_apply_and_never_prints_it() {
    let hub = hub();
    let dir = checkout();
    let url = hub.url();
    // Confirm the plan, then type the token at the no-echo prompt.
    let p = std::sync::Arc::new(ghtraf::prompt::ScriptedPrompter::new(["y", CANARY]));
    let out = interactive(
        dir.path(),
        &["create", "--repo", "octo/demo"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p.clone(),
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("secret:set:TRAFFIC_GIST_TOKEN"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("(will ask)"), "{}", out.stdout);
    assert_eq!(p.asked().len(), 2, "{:?}", p.asked());
    assert!(p.asked()[1].contains("TRAFFIC_GIST_TOKEN"));
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN")
            .as_deref(),
        Some(CANARY)
    );
    assert!(!out.stdout.contains(CANARY) && !out.stderr.contains(CANARY));
}

#[test]
fn interactive_empty_token_skips_the_secret() {
    let hub = hub();
    let dir = checkout();
    let url = hub.url();
    let p = std::sync::Arc::new(ghtraf::prompt::ScriptedPrompter::new(["y", ""]));
    let out = interactive(
        dir.path(),
        &["create", "--repo", "octo/demo", "--skip-files"],
        &[("GHTRAF_API_URL", url.as_str()), ("GH_TOKEN", API_TOKEN)],
        p,
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("skipped: no token entered"),
        "{}",
        out.stdout
    );
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "TRAFFIC_GIST_TOKEN"),
        None
    );
}
