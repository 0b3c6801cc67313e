//! Two collectors never write the same gist: a hub marks the badge gist of
//! every repository it collects (`hub.json`), `collect` keeps the mark,
//! `create` in such a repository refuses to deploy a second collector (in a
//! dry run too) and says the way forward, `hub remove` takes the mark out, and
//! a second hub does not add a repository the first one collects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn marker(hub: &FakeHub, gist: &str) -> Option<Value> {
    hub.state()["gists"][gist]["files"]["hub.json"]
        .as_str()
        .map(|t| serde_json::from_str(t).unwrap())
}

fn create_in(hub: &FakeHub, repo: &str, extra: &[&str]) -> Output {
    let dir = checkout_of(repo);
    let mut args = vec!["-n", "create", "--repo", repo];
    args.extend_from_slice(extra);
    on(hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &args)
}

#[test]
fn create_refuses_a_second_collector_where_a_hub_collects() {
    let hub = world(3, &[2]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    // r001 already has the gists `create` made (adopted, marked by a write);
    // r000 gets new ones (marked from their creation).
    let r001 = create_in(&hub, "octo/r001", &[]);
    assert_eq!(r001.code, 0, "{r001:?}");
    let r001_dir = checkout();
    let add = run(&hub, d, &["hub", "add", "octo/r000", "octo/r001"]);
    assert_eq!(add.code, 0, "{add:?}");
    let gists = gists_by_description(&hub);
    for name in ["octo/r000", "octo/r001"] {
        let id = &gists[&format!("[GTT] {name} · badges")];
        assert_eq!(
            marker(&hub, id).unwrap()["hub"],
            "octo/traffic",
            "{name}'s badge gist says the hub collects it"
        );
    }
    let r000 = gists["[GTT] octo/r000 · badges"].clone();
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    assert!(marker(&hub, &r000).is_some(), "collect keeps the mark");

    // create there: refused, in the dry run as in the run, and nothing changes.
    hub.clear_log();
    for extra in [&["--dry-run"][..], &[]] {
        let out = create_in(&hub, "octo/r000", extra);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr
                .contains("the hub octo/traffic collects octo/r000"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("`ghtraf hub remove octo/r000` in octo/traffic's checkout"),
            "the way forward: {}",
            out.stderr
        );
    }
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    drop(r001_dir);

    // A second hub does not add what the first collects.
    hub.patch_world(json!({"repos": {"octo/hub2": {}}}))
        .unwrap();
    let other = checkout();
    let o = other.path();
    assert_eq!(run(&hub, o, &["hub", "init", "-R", "octo/hub2"]).code, 0);
    hub.clear_log();
    let add = run(&hub, o, &["hub", "add", "octo/r000"]);
    // What was asked is not done: a deviation, not a success.
    assert_eq!(add.code, 3, "{add:?}");
    assert!(
        add.stderr
            .contains("not deployed: octo/r000 was not added to the hub"),
        "{add:?}"
    );
    assert!(
        add.stdout
            .contains("octo/r000 not added: the hub octo/traffic collects it"),
        "{}",
        add.stdout
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());

    // hub remove takes the mark out; create may then deploy there.
    let rm = run(&hub, d, &["hub", "remove", "octo/r000"]);
    assert_eq!(rm.code, 0, "{rm:?}");
    assert!(marker(&hub, &r000).is_none(), "the mark is gone");
    let out = create_in(&hub, "octo/r000", &["--dry-run"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn a_repository_that_keeps_its_own_workflow_is_not_marked() {
    let hub = world(3, &[2]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    // r002 runs its own workflow with the gists `create` made: kept, not marked.
    assert_eq!(create_in(&hub, "octo/r002", &[]).code, 0);
    let add = run(&hub, d, &["hub", "add", "octo/r002"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert_eq!(
        hub_file(d)["repos"][0]["ownWorkflow"],
        "traffic-badges.yml is active"
    );
    let id = gists_by_description(&hub)["[GTT] octo/r002 · badges"].clone();
    assert!(marker(&hub, &id).is_none(), "the hub does not collect it");
    let again = create_in(&hub, "octo/r002", &["--dry-run"]);
    assert_eq!(again.code, 0, "its own create still runs: {again:?}");
    // Retired, the hub collects it and says so in its gist.
    let retired = run(
        &hub,
        d,
        &["hub", "add", "octo/r002", "--retire-own-workflow"],
    );
    assert_eq!(retired.code, 0, "{retired:?}");
    assert!(marker(&hub, &id).is_some());
}

#[test]
fn a_hub_set_up_before_the_mark_is_marked_by_hub_init_and_verify_says_so() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r000"]).code, 0);
    let id = gists_by_description(&hub)["[GTT] octo/r000 · badges"].clone();
    // As an earlier ghtraf left it: no mark.
    hub.patch_world(json!({"gists": {id.clone(): {"files": {"hub.json": null}}}}))
        .unwrap();
    assert!(marker(&hub, &id).is_none());
    let out = run(&hub, d, &["verify", "--format", "json"]);
    let found = out.json()["verification"].to_string();
    assert!(found.contains("mark octo/r000's badge gist"), "{found}");
    assert_eq!(out.code, 3, "{out:?}");
    let init = run(&hub, d, &["hub", "init"]);
    assert_eq!(init.code, 0, "{init:?}");
    assert!(marker(&hub, &id).is_some(), "hub init marks it");
}

/// A repository the hub collects has no variable and no `.ghtraf.json`: `status`
/// and `export` find its gists by name (they said "run `ghtraf create` first",
/// which refuses there), `status` says which hub collects it, and `verify`
/// checks its history instead of a deployment's missing pieces.
#[test]
fn status_and_export_of_a_repository_the_hub_collects() {
    let hub = world(2, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r000"]).code, 0);
    let collect = on(&hub)
        .now(NOW)
        .gist_token(GIST_TOKEN)
        .run(d, &["-n", "collect", "--all"]);
    assert_eq!(collect.code, 0, "{collect:?}");
    let elsewhere = checkout();
    let e = elsewhere.path();
    let status = run(&hub, e, &["status", "-R", "octo/r000"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status
            .stdout
            .contains("collected by   the hub octo/traffic"),
        "{}",
        status.stdout
    );
    // No variable and no secret on purpose: not "(not set)" and "(missing)".
    assert!(
        status
            .stdout
            .contains("  secret         none here (the hub octo/traffic holds the token)\n"),
        "{}",
        status.stdout
    );
    assert!(!status.stdout.contains("variable"), "{}", status.stdout);
    assert!(!status.stdout.contains("(missing)"), "{}", status.stdout);
    let doc = run(&hub, e, &["status", "-R", "octo/r000", "--format", "json"]).json();
    assert_eq!(doc["collected_by"], "octo/traffic", "{doc:#}");
    assert_eq!(doc["variables"], serde_json::json!({}), "{doc:#}");
    let badge = gists_by_description(&hub)["[GTT] octo/r000 · badges"].clone();
    assert_eq!(doc["badge_gist"], badge.as_str(), "{doc:#}");
    let export = run(&hub, e, &["export", "-R", "octo/r000"]);
    assert_eq!(export.code, 0, "{export:?}");
    assert!(export.stdout.starts_with("date,"), "{}", export.stdout);
    // verify there checks the history the hub writes, not a deployment it never had.
    let verify = run(&hub, e, &["verify", "-R", "octo/r000", "--format", "json"]);
    assert_eq!(verify.code, 0, "{verify:?}");
    let found = verify.json()["verification"].to_string();
    assert!(
        found.contains("collected by the hub octo/traffic"),
        "{found}"
    );
    assert!(found.contains("state:identity"), "{found}");
    // Its own collection (say, its workflow enabled again) is refused: a second collector.
    hub.clear_log();
    let own = on(&hub).now(NOW).gist_token(GIST_TOKEN).run(
        e,
        &[
            "-n",
            "collect",
            "-R",
            "octo/r000",
            "--gist-id",
            badge.as_str(),
        ],
    );
    assert_eq!(own.code, 2, "{own:?}");
    assert!(
        own.stderr
            .contains("the hub octo/traffic collects octo/r000"),
        "{own:?}"
    );
    assert!(hub.mutations().is_empty(), "{:?}", hub.mutations());
    // A repository nothing names and no gist is named for still says so.
    let none = run(&hub, e, &["status", "-R", "octo/r001"]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(
        none.stderr.contains("no badge gist known for octo/r001"),
        "{none:?}"
    );
}

/// `verify` in a checkout `create` deployed, for a repository a hub now
/// collects: it said "not on the default branch yet: commit and push it" of
/// the workflow (a second collector of one gist) and hinted at `create
/// --dry-run`, which refuses there. It names the hub and the two ways to
/// keep one collector instead; with the workflow deleted, nothing is left to say.
#[test]
fn verify_where_a_hub_collects_a_deployed_checkout_does_not_say_push_it() {
    let hub = world(3, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    let repo_dir = checkout_of("octo/r001");
    let r = repo_dir.path();
    let create = run(&hub, r, &["create", "--repo", "octo/r001"]);
    assert_eq!(create.code, 0, "{create:?}");
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r001"]).code, 0);

    let verify = run(&hub, r, &["verify", "--format", "json"]);
    assert_eq!(verify.code, 3, "{verify:?}");
    let doc = verify.json();
    let findings = doc["verification"].as_array().unwrap();
    let hub_line = findings
        .iter()
        .find(|f| f["id"] == "hub")
        .unwrap_or_else(|| panic!("no hub finding: {doc:#}"));
    assert_eq!(hub_line["status"], "deviation");
    let message = hub_line["message"].as_str().unwrap();
    assert!(
        message.contains("the hub octo/traffic collects octo/r001"),
        "{message}"
    );
    assert!(message.contains("second collector"), "{message}");
    assert!(
        message.contains("`ghtraf hub remove octo/r001`"),
        "{message}"
    );
    assert!(
        !findings.iter().any(|f| f["id"] == "workflow:pushed"),
        "no 'commit and push it': {doc:#}"
    );
    assert!(
        !verify.stderr.contains("ghtraf create --dry-run"),
        "{verify:?}"
    );

    // Without the workflow here, one collector is left: the hub.
    std::fs::remove_file(r.join(".github/workflows/traffic-badges.yml")).unwrap();
    let verify = run(&hub, r, &["verify", "--format", "json"]);
    let doc = verify.json();
    assert!(
        !doc["verification"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "hub"
                || f["id"] == "workflow:pushed"
                || f["id"]
                    .as_str()
                    .unwrap()
                    .ends_with(":.github/workflows/traffic-badges.yml")),
        "{doc:#}"
    );
}

/// `status` there said "collected by the hub …, not a workflow here" next to
/// "workflow in checkout: yes": it says the workflow here is a second collector.
#[test]
fn status_where_a_hub_collects_a_deployed_checkout_names_the_second_collector() {
    let hub = world(3, &[]);
    let dir = hub_checkout();
    let d = dir.path();
    assert_eq!(run(&hub, d, &["hub", "init"]).code, 0);
    let repo_dir = checkout_of("octo/r001");
    let r = repo_dir.path();
    assert_eq!(run(&hub, r, &["create", "--repo", "octo/r001"]).code, 0);
    assert_eq!(run(&hub, d, &["hub", "add", "octo/r001"]).code, 0);
    let line = |out: &Output| {
        out.stdout
            .lines()
            .find(|l| l.trim_start().starts_with("collected by"))
            .unwrap_or_default()
            .to_string()
    };
    // A deviation, as `verify` and the README's exit codes call it: exit 3, and a
    // problem in JSON (it exited 0 with `"problems": []`).
    let status = run(&hub, r, &["status"]);
    assert_eq!(status.code, 3, "{status:?}");
    let json = run(&hub, r, &["status", "--format", "json"]);
    assert_eq!(json.code, 3, "{json:?}");
    let problems = json.json()["problems"].to_string();
    assert!(problems.contains("a second collector"), "{problems}");
    assert!(
        line(&status).contains("the hub octo/traffic"),
        "{}",
        status.stdout
    );
    assert!(
        line(&status).contains("a second collector"),
        "{}",
        status.stdout
    );
    assert!(
        !line(&status).contains("not a workflow here"),
        "{}",
        status.stdout
    );

    std::fs::remove_file(r.join(".github/workflows/traffic-badges.yml")).unwrap();
    let status = run(&hub, r, &["status"]);
    assert!(
        line(&status).ends_with("not a workflow here"),
        "{}",
        status.stdout
    );
    assert_eq!(status.code, 0, "{status:?}");
}
