//! Long lists through the client: pages 2..N are fetched at once from the first page's
//! `rel="last"` (stargazers up to GitHub's 400-page cap, gists, forks), in order, without a
//! request past the cap; plus the workflow state after disable/enable.

use crate::common::*;
use ghtraf_github::{ErrorKind, GitHubRead, GitHubWrite};

#[test]
fn stargazers_come_back_in_order_up_to_the_cap_without_a_request_beyond_it() {
    let mut world = demo_world();
    world.repos.get_mut("octo/demo").unwrap().stargazers.clear();
    world.add_stargazers("octo/demo", 40_123);
    let s = setup_with(world);
    let stars = s.client.stargazers(&demo_repo()).unwrap();
    assert!(stars.capped);
    assert_eq!(stars.stargazers.len(), 40_000);
    assert_eq!(stars.stargazers[0].login, "fan0");
    assert_eq!(stars.stargazers[39_999].login, "fan39999");
    assert!(stars
        .stargazers
        .windows(2)
        .all(|pair| pair[0].starred_at <= pair[1].starred_at));
    let pages = s
        .hub
        .requests()
        .iter()
        .filter(|r| r.path == "/repos/octo/demo/stargazers")
        .count();
    assert_eq!(pages, 400);
    assert!(s.hub.requests().iter().all(|r| r.status == 200));

    let small = setup();
    let few = small.client.stargazers(&demo_repo()).unwrap();
    assert_eq!((few.stargazers.len(), few.capped), (42, false));
}

#[test]
fn a_restricted_stargazer_list_is_a_missing_permission() {
    let mut world = demo_world();
    let repo = world.repos.get_mut("octo/demo").unwrap();
    repo.stargazers_restricted = true;
    repo.permissions.push = false;
    repo.permissions.admin = false;
    let s = setup_with(world);
    let error = s.client.stargazers(&demo_repo()).unwrap_err();
    assert!(
        matches!(error.kind, ErrorKind::MissingPermission { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(403));
}

#[test]
fn gist_pages_are_fetched_at_once_and_keep_their_order() {
    let s = setup_with(fakehub::World::many_repos("octo", 260));
    let gists = s.client.list_gists().unwrap();
    assert_eq!(gists.len(), 520);
    let pages: Vec<String> = s
        .hub
        .requests()
        .iter()
        .filter(|r| r.path == "/gists")
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(pages.len(), 6);
    assert!(
        pages
            .iter()
            .skip(1)
            .all(|q| q.contains("per_page=100&page=")),
        "{pages:?}"
    );
    let mut ids: Vec<&str> = gists.iter().map(|g| g.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 520, "no page twice, none missing");
    s.assert_contract();
}

#[test]
fn sequential_paging_still_works_with_a_fan_out_of_one() {
    let s = setup_with(fakehub::World::many_repos("octo", 120));
    let mut config = ghtraf_github::ClientConfig::new(
        s.hub.url(),
        ghtraf_github::Token::new(CANARY),
        "ghtraf/test",
    );
    config.page_fan_out = 1;
    let client = ghtraf_github::Client::new(config).unwrap();
    assert_eq!(client.list_gists().unwrap().len(), 240);
}

#[test]
fn forks_and_workflow_state() {
    let s = setup();
    let forks = s.client.forks(&demo_repo()).unwrap();
    assert_eq!(forks.len(), 7);
    assert!(forks
        .windows(2)
        .all(|pair| pair[0].created_at <= pair[1].created_at));
    s.client.disable_workflow(&demo_repo(), "ci.yml").unwrap();
    let state = |s: &Setup| s.client.workflows(&demo_repo()).unwrap()[0].state.clone();
    assert_eq!(state(&s), "disabled_manually");
    s.client.enable_workflow(&demo_repo(), "ci.yml").unwrap();
    assert_eq!(state(&s), "active");
    let missing = s
        .client
        .enable_workflow(&demo_repo(), "nope.yml")
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    s.assert_contract();
}
