//! The GitHub Enterprise Server layout: the API under `/api/v3`, gist files under another
//! path, and every URL fakehub hands out (raw_url, Link) following that layout, so ghtraf can
//! be tested deriving the dashboard's raw base from what the API returns.

use crate::common::{agent, send};
use fakehub::{Config, FakeHub, World};
use serde_json::json;

fn enterprise() -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on("2026-03-10").unwrap(),
        api_prefix: "/api/v3/".to_string(),
        raw_prefix: "gist".to_string(),
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn the_api_lives_under_its_prefix_and_raw_urls_under_theirs() {
    let hub = enterprise();
    let origin = hub.origin();
    assert_eq!(hub.url(), format!("{origin}/api/v3"));
    assert_eq!(hub.raw_base(), format!("{origin}/gist"));
    let agent = agent();
    let created = send(
        &agent,
        "POST",
        &format!("{}/gists", hub.url()),
        Some("t"),
        Some(&json!({"description": "d", "public": true, "files": {"state.json": {"content": "{\"a\":1}"}}})),
    )
    .unwrap();
    assert_eq!(created.status, 201, "{}", created.text);
    let gist = created.json();
    let id = gist["id"].as_str().unwrap();
    let raw_url = gist["files"]["state.json"]["raw_url"].as_str().unwrap();
    assert!(
        raw_url.starts_with(&format!("{origin}/gist/octo/{id}/raw/")),
        "{raw_url}"
    );
    assert_eq!(gist["url"], format!("{origin}/api/v3/gists/{id}"));
    let raw = send(&agent, "GET", raw_url, None, None).unwrap();
    assert_eq!((raw.status, raw.text.as_str()), (200, "{\"a\":1}"));
    // Nothing answers outside the layout: not the API at the root, not raw files elsewhere.
    assert_eq!(
        send(&agent, "GET", &format!("{origin}/user"), Some("t"), None)
            .unwrap()
            .status,
        404
    );
    let elsewhere = raw_url.replace("/gist/", "/gist-raw/");
    assert_eq!(
        send(&agent, "GET", &elsewhere, None, None).unwrap().status,
        404
    );
    // The control API stays at the origin.
    assert_eq!(
        send(
            &agent,
            "GET",
            &format!("{origin}/_fakehub/state"),
            None,
            None
        )
        .unwrap()
        .status,
        200
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn pagination_links_keep_the_prefix() {
    let hub = enterprise();
    for n in 0..3 {
        hub.add_gist("octo", &format!("g{n}"), true, &[("a.txt", "x")]);
    }
    let page = send(
        &agent(),
        "GET",
        &format!("{}/gists?per_page=1", hub.url()),
        Some("t"),
        None,
    )
    .unwrap();
    let link = page.header("link").unwrap().to_string();
    assert!(
        link.contains(&format!(
            "<{}/gists?per_page=1&page=2>; rel=\"next\"",
            hub.url()
        )),
        "{link}"
    );
    let logged = hub.requests();
    assert_eq!(logged.last().unwrap().path, "/api/v3/gists");
    assert_eq!(
        logged.last().unwrap().operation_id.as_deref(),
        Some("gists/list")
    );
}

#[test]
fn a_raw_prefix_that_collides_with_the_api_is_refused() {
    let result = FakeHub::start(Config {
        api_prefix: "/api/v3".to_string(),
        raw_prefix: "/api/v3".to_string(),
        ..Config::default()
    });
    assert!(result.is_err());
}
