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

/// A world whose user has `count` gists and nothing else.
fn gists_world(count: usize) -> fakehub::World {
    let mut world = fakehub::World::many_repos("octo", 0);
    world.add_other_gists(count);
    world
}

/// The `page` of each `GET /gists` the hub saw (1 when none is named).
fn gist_pages(s: &Setup) -> Vec<usize> {
    let mut pages: Vec<usize> = s
        .hub
        .requests()
        .iter()
        .filter(|r| r.path == "/gists")
        .map(|r| {
            r.query
                .split('&')
                .find_map(|pair| pair.strip_prefix("page="))
                .map_or(1, |page| page.parse().unwrap())
        })
        .collect();
    pages.sort_unstable();
    pages
}

#[test]
fn guessed_gist_pages_find_every_gist_once_whatever_the_count() {
    // (gists, guess) -> the pages asked for: the guessed ones, then the rest from rel="last".
    for (count, guess, asked) in [
        (0, 10, (1..=10).collect::<Vec<usize>>()),
        (1, 10, (1..=10).collect()),
        (100, 10, (1..=10).collect()),
        (101, 10, (1..=10).collect()),
        (1000, 10, (1..=10).collect()),
        (1001, 10, (1..=11).collect()),
        (450, 2, (1..=5).collect()),
        (250, 1, (1..=3).collect()),
    ] {
        let s = setup_with(gists_world(count));
        let gists = s.client.list_gists_at_once(guess).unwrap();
        let mut ids: Vec<&str> = gists.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids.len(), count, "{count} gists, guess {guess}");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            count,
            "a gist twice ({count} gists, guess {guess})"
        );
        assert_eq!(gist_pages(&s), asked, "{count} gists, guess {guess}");
        // Newest first, as GitHub lists them, across the guessed and the linked pages.
        assert!(gists
            .windows(2)
            .all(|pair| pair[0].updated_at >= pair[1].updated_at));
        s.assert_contract();
    }
}

#[test]
fn the_newest_gists_are_one_request() {
    let s = setup_with(gists_world(250));
    let newest = s.client.newest_gists(1).unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].description, "notes 249");
    assert_eq!(gist_pages(&s), vec![1]);
}
