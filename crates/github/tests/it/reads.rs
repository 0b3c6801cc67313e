//! Every read operation against fakehub, including pagination and truncated gist files.

use crate::common::*;
use ghtraf_github::{GitHubRead, RepoRef};

#[test]
fn user_and_repo() {
    let s = setup();
    assert_eq!(s.client.current_user().unwrap().login, "octo");
    let repo = s.client.repo(&demo_repo()).unwrap();
    assert_eq!(repo.full_name, "octo/demo");
    assert_eq!(repo.default_branch, "main");
    assert_eq!(repo.stargazers_count, 42);
    assert!(
        repo.created_at.starts_with("2024-06-15"),
        "{}",
        repo.created_at
    );
    assert!(repo.permissions.unwrap().push);
    let missing = s
        .client
        .repo(&RepoRef::parse("octo/nope").unwrap())
        .unwrap_err();
    assert!(missing.is_not_found());
    s.assert_contract();
}

#[test]
fn list_gists_follows_every_page() {
    let s = setup();
    for n in 0..105 {
        s.hub.add_gist(
            "octo",
            &format!("gist {n}"),
            n % 2 == 0,
            &[("state.json", "{}")],
        );
    }
    let gists = s.client.list_gists().unwrap();
    assert_eq!(gists.len(), 105);
    let mut descriptions: Vec<_> = gists.iter().map(|g| g.description.clone()).collect();
    descriptions.sort();
    descriptions.dedup();
    assert_eq!(descriptions.len(), 105, "no page was read twice");
    assert!(gists
        .iter()
        .all(|g| g.files == vec!["state.json".to_string()]));
    assert!(gists
        .iter()
        .all(|g| g.owner_login.as_deref() == Some("octo")));
    assert_eq!(count(&s.hub, "GET", "/gists"), 2);
    s.assert_contract();
}

#[test]
fn gist_returns_full_content_of_truncated_files() {
    let s = setup();
    let big: String = (0..1_200_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let id = s.hub.add_gist(
        "octo",
        "archive",
        false,
        &[("big.json", &big), ("small.json", "{\"a\":1}")],
    );
    let gist = s.client.gist(&id).unwrap().unwrap();
    assert_eq!(gist.description, "archive");
    assert!(!gist.public);
    assert_eq!(gist.files["big.json"].content.len(), big.len());
    assert_eq!(gist.files["big.json"].content, big);
    assert_eq!(gist.files["small.json"].content, "{\"a\":1}");
    assert!(
        s.hub
            .requests()
            .iter()
            .any(|r| r.path.contains("/raw/") && r.path.ends_with("/big.json")),
        "raw_url was followed"
    );
    assert!(
        !s.hub
            .requests()
            .iter()
            .any(|r| r.path.contains("/raw/small.json")),
        "complete files are not refetched"
    );
    assert_eq!(
        s.client.gist("0123456789abcdef0123456789abcdef").unwrap(),
        None
    );
    s.assert_contract();
}

#[test]
fn variables_paginate_and_read() {
    let s = setup();
    for n in 0..35 {
        s.hub.set_variable(
            "octo",
            "demo",
            &format!("VAR_{n:02}"),
            &format!("value {n}"),
        );
    }
    let repo = demo_repo();
    let variables = s.client.list_variables(&repo).unwrap();
    assert_eq!(variables.len(), 35);
    assert_eq!(
        count(&s.hub, "GET", "/repos/octo/demo/actions/variables"),
        2
    );
    let one = s.client.variable(&repo, "VAR_07").unwrap().unwrap();
    assert_eq!(one.value, "value 7");
    assert_eq!(s.client.variable(&repo, "MISSING").unwrap(), None);
    s.assert_contract();
}

#[test]
fn secret_key_and_metadata() {
    let s = setup();
    let repo = demo_repo();
    let key = s.client.secret_public_key(&repo).unwrap();
    assert!(!key.key_id.is_empty());
    assert_eq!(
        ghtraf_github::seal_secret(&key.key, "x").unwrap().len(),
        4 * (49usize).div_ceil(3)
    );
    assert_eq!(s.client.secret(&repo, "TRAFFIC_TOKEN").unwrap(), None);
    s.assert_contract();
}

#[test]
fn traffic_series_and_top_lists() {
    let s = setup();
    let repo = demo_repo();
    let clones = s.client.traffic_clones(&repo).unwrap();
    let views = s.client.traffic_views(&repo).unwrap();
    assert_eq!(clones.days.len(), 14);
    assert_eq!(views.days.len(), 14);
    assert_eq!(views.count, views.days.iter().map(|d| d.count).sum::<u64>());
    assert!(views
        .days
        .last()
        .unwrap()
        .timestamp
        .starts_with("2025-06-15"));
    let referrers = s.client.top_referrers(&repo).unwrap();
    assert_eq!(referrers[0].referrer, "github.com");
    let paths = s.client.top_paths(&repo).unwrap();
    assert_eq!(paths[0].path, "/octo/demo");
    let query = s
        .hub
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/traffic/views"))
        .unwrap()
        .query;
    assert_eq!(query, "per=day");
    s.assert_contract();
}

#[test]
fn releases_runs_jobs_workflows() {
    let s = setup();
    let repo = demo_repo();
    let releases = s.client.releases(&repo).unwrap();
    assert_eq!(releases.len(), 3);
    assert_eq!(
        releases
            .iter()
            .flat_map(|r| &r.assets)
            .map(|a| a.download_count)
            .sum::<u64>(),
        412 + 96 + 233 + 51 + 87 + 12
    );
    let workflows = s.client.workflows(&repo).unwrap();
    assert_eq!(workflows[0].path, ".github/workflows/ci.yml");
    let runs = s.client.workflow_runs(&repo, "2025-06-15").unwrap();
    assert!(!runs.is_empty());
    assert!(
        runs.iter().all(|r| r.created_at.starts_with("2025-06-15")),
        "{runs:?}"
    );
    let all_since = s.client.workflow_runs(&repo, ">=2025-05-01").unwrap();
    assert!(all_since.len() > runs.len());
    let latest = s.client.latest_runs(&repo, "ci.yml", 2).unwrap().unwrap();
    assert_eq!(latest.len(), 2);
    assert!(latest[0].created_at >= latest[1].created_at, "newest first");
    assert!(latest[0].created_at.starts_with("2025-06-15"), "{latest:?}");
    assert_eq!(
        s.client
            .latest_runs(&repo, "traffic-badges.yml", 1)
            .unwrap(),
        None
    );
    let jobs = s.client.run_jobs(&repo, runs[0].id).unwrap();
    assert!(jobs[0]
        .steps
        .iter()
        .any(|step| step.name == "Run actions/checkout@v4"));
    s.assert_contract();
}

#[test]
fn pages_content_and_rate_limit() {
    let s = setup();
    let repo = demo_repo();
    assert_eq!(s.client.pages(&repo).unwrap(), None);
    let readme = s.client.content(&repo, "README.md").unwrap().unwrap();
    assert_eq!(
        String::from_utf8(readme.bytes).unwrap(),
        "# demo\n\nA demo repository served by fakehub.\n"
    );
    assert!(!readme.sha.is_empty());
    let nested = s
        .client
        .content(&repo, ".github/workflows/ci.yml")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8(nested.bytes)
        .unwrap()
        .starts_with("name: CI"));
    assert_eq!(
        s.client.content(&repo, "docs/stats/index.html").unwrap(),
        None
    );
    let limit = s.client.rate_limit().unwrap();
    assert!(limit.limit >= limit.remaining);
    s.assert_contract();
}

#[test]
fn request_hook_sees_every_request_without_the_token() {
    let s = setup();
    s.client.current_user().unwrap();
    s.client.repo(&demo_repo()).unwrap();
    let events = s.events.lock().unwrap().clone();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].method, "GET");
    assert_eq!(events[0].path, "/user");
    assert_eq!(events[0].status, Some(200));
    assert_eq!(events[1].path, "/repos/octo/demo");
    assert!(events
        .iter()
        .all(|e| !format!("{e} {e:?}").contains("CANARY")));
    s.assert_contract();
}

#[test]
fn fan_out_observes_many_repos_like_sequential_reads() {
    let mut world = demo_world();
    for n in 0..12 {
        world
            .repos
            .insert(format!("octo/r{n}"), fakehub::Repo::default());
    }
    let s = setup_with(world);
    for n in 0..12 {
        s.hub
            .set_variable("octo", &format!("r{n}"), "N", &n.to_string());
    }
    let repos: Vec<RepoRef> = (0..12)
        .map(|n| RepoRef::parse(&format!("octo/r{n}")).unwrap())
        .collect();
    let observed = ghtraf_github::fan_out(&repos, ghtraf_github::DEFAULT_FAN_OUT, |r| {
        s.client.list_variables(r).unwrap()
    });
    let sequential: Vec<_> = repos
        .iter()
        .map(|r| s.client.list_variables(r).unwrap())
        .collect();
    assert_eq!(observed, sequential);
    assert_eq!(observed[7][0].value, "7");
    s.assert_contract();
}

#[test]
fn stargazers_with_their_dates() {
    let s = setup();
    let stars = s.client.stargazers(&demo_repo()).unwrap().stargazers;
    assert_eq!(stars.len(), 42);
    assert_eq!(stars[0].login, "stargazer0");
    assert!(
        stars[0].starred_at.starts_with("2024-06-18"),
        "{:?}",
        stars[0]
    );
    s.assert_contract();
}
