//! The long lists `backfill` and many-repository commands page through: stargazers with
//! `starred_at` (GitHub's 400-page cap, 422 beyond it, 403 when restricted), forks with
//! `created_at`, the workflow list's state after disable/enable, and generated worlds.

use crate::common::{agent, call, send};
use fakehub::{Config, FakeHub, World};
use serde_json::Value;

fn star_page(hub: &FakeHub, page: usize) -> crate::common::Reply {
    let url = format!(
        "{}/repos/octo/demo/stargazers?per_page=100&page={page}",
        hub.url()
    );
    agent()
        .get(&url)
        .set("User-Agent", "t")
        .set("Accept", "application/vnd.github.star+json")
        .call()
        .map(|r| {
            let status = r.status();
            let link = r.header("link").map(str::to_string);
            let text = r.into_string().unwrap();
            crate::common::Reply {
                status,
                headers: link.map(|l| vec![("link".into(), l)]).unwrap_or_default(),
                text,
            }
        })
        .unwrap_or_else(|e| match e {
            ureq::Error::Status(status, r) => crate::common::Reply {
                status,
                headers: vec![],
                text: r.into_string().unwrap(),
            },
            other => panic!("{other}"),
        })
}

#[test]
fn stargazers_page_to_githubs_cap_and_refuse_beyond_it() {
    let mut world = World::demo_on("2026-03-10").unwrap();
    world.repos.get_mut("octo/demo").unwrap().stargazers.clear();
    world.add_stargazers("octo/demo", 40_250);
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let first = star_page(&hub, 1);
    assert_eq!(first.status, 200);
    let link = first.header("link").unwrap();
    assert!(link.contains("page=400>; rel=\"last\""), "{link}");
    let stars: Value = first.json();
    assert_eq!(stars.as_array().unwrap().len(), 100);
    assert!(stars[0]["starred_at"].as_str().unwrap() < stars[99]["starred_at"].as_str().unwrap());
    let last = star_page(&hub, 400);
    assert_eq!(last.status, 200);
    assert_eq!(last.json()[99]["user"]["login"], "fan39999");
    assert!(!last.header("link").unwrap().contains("rel=\"next\""));
    let beyond = star_page(&hub, 401);
    assert_eq!(beyond.status, 422);
    assert!(beyond.json()["message"]
        .as_str()
        .unwrap()
        .contains("pagination is limited"));
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn restricted_stargazers_are_refused_to_non_collaborators() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        ..Config::default()
    })
    .unwrap();
    hub.patch_world(serde_json::json!({"repos": {"octo/demo": {"stargazers_restricted": true}}}))
        .unwrap();
    assert_eq!(
        star_page(&hub, 1).status,
        200,
        "the owner is a collaborator"
    );
    hub.patch_world(serde_json::json!({"repos": {"octo/demo": {"permissions": {"push": false, "admin": false}}}})).unwrap();
    assert_eq!(star_page(&hub, 1).status, 403);
}

#[test]
fn forks_carry_created_at_and_sort_oldest_first() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        ..Config::default()
    })
    .unwrap();
    let forks = call(
        &hub.url(),
        "GET",
        "/repos/octo/demo/forks?sort=oldest&per_page=5",
        None,
    );
    let list = forks.json();
    assert_eq!(list.as_array().unwrap().len(), 5);
    assert_eq!(list[0]["full_name"], "forker0/demo");
    assert!(list[0]["created_at"].as_str().unwrap() < list[4]["created_at"].as_str().unwrap());
    assert!(forks.header("link").unwrap().contains("rel=\"last\""));
    let repo = call(&hub.url(), "GET", "/repos/octo/demo", None).json();
    assert_eq!(repo["forks_count"], 7);
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn disabling_and_enabling_a_workflow_shows_in_the_list() {
    let hub = FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        ..Config::default()
    })
    .unwrap();
    let b = hub.url();
    let state = || {
        call(&b, "GET", "/repos/octo/demo/actions/workflows", None).json()["workflows"][0]["state"]
            .clone()
    };
    assert_eq!(state(), "active");
    assert_eq!(
        call(
            &b,
            "PUT",
            "/repos/octo/demo/actions/workflows/ci.yml/disable",
            None
        )
        .status,
        204
    );
    assert_eq!(state(), "disabled_manually");
    assert_eq!(
        call(
            &b,
            "PUT",
            "/repos/octo/demo/actions/workflows/ci.yml/enable",
            None
        )
        .status,
        204
    );
    assert_eq!(state(), "active");
    assert_eq!(
        call(
            &b,
            "PUT",
            "/repos/octo/demo/actions/workflows/nope.yml/enable",
            None
        )
        .status,
        404
    );
}

#[test]
fn a_world_of_many_repositories_is_generated_cheaply() {
    let world = World::many_repos("octo", 300);
    assert_eq!(world.repos.len(), 300);
    assert_eq!(world.gists.len(), 600);
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap();
    let page = send(
        &agent(),
        "GET",
        &format!("{}/gists?per_page=100", hub.url()),
        Some("t"),
        None,
    )
    .unwrap();
    assert!(page
        .header("link")
        .unwrap()
        .contains("page=6>; rel=\"last\""));
    let repo = call(
        &hub.url(),
        "GET",
        "/repos/octo/r123/actions/variables/TRAFFIC_GIST_ID",
        None,
    )
    .json();
    let gist = call(
        &hub.url(),
        "GET",
        &format!("/gists/{}", repo["value"].as_str().unwrap()),
        None,
    )
    .json();
    assert_eq!(gist["description"], "[GTT] octo/r123 · badges");
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}
