//! GitHub Enterprise Server's layout through the client: the API under `/api/v3`, gist files
//! under another path, pagination links and `raw_url`s following it, and the dashboard's raw
//! base derived from what the API returned.

use crate::common::*;
use fakehub::{Config, FakeHub};
use ghtraf_github::{GitHubRead, GitHubWrite};
use std::collections::BTreeMap;
use std::sync::Arc;

#[test]
fn the_client_works_under_api_v3_and_derives_the_raw_base_from_raw_url() {
    let hub = FakeHub::start(Config {
        world: demo_world(),
        api_prefix: "/api/v3".to_string(),
        raw_prefix: "/gist".to_string(),
        ..Config::default()
    })
    .unwrap();
    let (client, _) = client_for(&hub, CANARY, Arc::new(RecordingSleeper::default()));
    assert!(client.base_url().ends_with("/api/v3"));
    let files = BTreeMap::from([("state.json".to_string(), "{}".to_string())]);
    let created = client
        .create_gist("[GTT] octo/demo · badges", true, &files)
        .unwrap();
    assert_eq!(created.raw_base(), Some(hub.raw_base()));
    assert!(hub.raw_base().ends_with("/gist"));
    for n in 0..4 {
        hub.add_gist("octo", &format!("other {n}"), true, &[("a.txt", "x")]);
    }
    let listed = client.list_gists().unwrap();
    assert_eq!(listed.len(), 5);
    let fetched = client.gist(&created.id).unwrap().unwrap();
    assert_eq!(fetched.raw_base(), Some(hub.raw_base()));
    assert!(hub
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/api/v3/")));
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}
