//! Every write operation against fakehub, checked through fakehub's state.

use crate::common::*;
use ghtraf_github::{ErrorKind, GitHubRead, GitHubWrite, SecretWrite};
use std::collections::BTreeMap;

#[test]
fn create_and_update_gist() {
    let s = setup();
    let files = BTreeMap::from([
        ("state.json".to_string(), "{\"v\":4}".to_string()),
        ("old.txt".to_string(), "bye".to_string()),
    ]);
    let created = s
        .client
        .create_gist("ghtraf octo/demo", true, &files)
        .unwrap();
    assert!(created.public);
    assert_eq!(created.files["state.json"].content, "{\"v\":4}");
    assert_eq!(created.owner_login.as_deref(), Some("octo"));
    let changes = BTreeMap::from([
        ("state.json".to_string(), Some("{\"v\":5}".to_string())),
        ("new.svg".to_string(), Some("<svg/>".to_string())),
        ("old.txt".to_string(), None),
    ]);
    let updated = s.client.update_gist(&created.id, &changes).unwrap();
    assert_eq!(
        updated.files.keys().collect::<Vec<_>>(),
        vec!["new.svg", "state.json"]
    );
    let fetched = s.client.gist(&created.id).unwrap().unwrap();
    assert_eq!(fetched.files["state.json"].content, "{\"v\":5}");
    assert_eq!(fetched.files["new.svg"].content, "<svg/>");
    assert_eq!(s.hub.mutations().len(), 2);
    s.assert_contract();
}

#[test]
fn create_and_update_variable() {
    let s = setup();
    let repo = demo_repo();
    s.client
        .create_variable(&repo, "TRAFFIC_GIST_ID", "abc")
        .unwrap();
    assert_eq!(
        s.client
            .variable(&repo, "TRAFFIC_GIST_ID")
            .unwrap()
            .unwrap()
            .value,
        "abc"
    );
    let again = s
        .client
        .create_variable(&repo, "TRAFFIC_GIST_ID", "abc")
        .unwrap_err();
    assert_eq!(
        again.kind,
        ErrorKind::Conflict,
        "a first-attempt 409 is reported"
    );
    assert!(!again.after_retry());
    s.client
        .update_variable(&repo, "TRAFFIC_GIST_ID", "def")
        .unwrap();
    assert_eq!(
        s.client
            .variable(&repo, "TRAFFIC_GIST_ID")
            .unwrap()
            .unwrap()
            .value,
        "def"
    );
    s.assert_contract();
}

#[test]
fn put_secret_is_sealed_and_opened_by_the_server() {
    let s = setup();
    let repo = demo_repo();
    let value = "ghp_CANARY_secret_value_for_the_workflow";
    assert_eq!(
        s.client.put_secret(&repo, "TRAFFIC_TOKEN", value).unwrap(),
        SecretWrite::Created
    );
    assert_eq!(
        s.hub
            .secret_plaintext("octo", "demo", "TRAFFIC_TOKEN")
            .as_deref(),
        Some(value)
    );
    assert_eq!(
        s.client
            .put_secret(&repo, "TRAFFIC_TOKEN", "second")
            .unwrap(),
        SecretWrite::Updated
    );
    assert_eq!(
        s.hub
            .secret_plaintext("octo", "demo", "TRAFFIC_TOKEN")
            .as_deref(),
        Some("second")
    );
    let meta = s.client.secret(&repo, "TRAFFIC_TOKEN").unwrap().unwrap();
    assert_eq!(meta.name, "TRAFFIC_TOKEN");
    s.assert_contract();
}

#[test]
fn create_and_update_pages() {
    let s = setup();
    let repo = demo_repo();
    let pages = s.client.create_pages(&repo, "main", "/docs").unwrap();
    assert_eq!(pages.source.as_ref().unwrap().path, "/docs");
    s.client.update_pages(&repo, "main", "/").unwrap();
    let now = s.client.pages(&repo).unwrap().unwrap();
    assert_eq!(now.source.unwrap().path, "/");
    let again = s.client.create_pages(&repo, "main", "/docs").unwrap_err();
    assert_eq!(again.kind, ErrorKind::Conflict);
    s.assert_contract();
}

#[test]
fn dispatch_workflow() {
    let s = setup();
    s.client
        .dispatch_workflow(&demo_repo(), "ci.yml", "main")
        .unwrap();
    let posted = s.hub.mutations();
    assert_eq!(posted.len(), 1);
    assert_eq!(
        posted[0].path,
        "/repos/octo/demo/actions/workflows/ci.yml/dispatches"
    );
    s.assert_contract();
}

#[test]
fn delete_gist() {
    let s = setup();
    let id = s.hub.add_gist("octo", "old", true, &[("a.txt", "a")]);
    s.client.delete_gist(&id).unwrap();
    assert_eq!(s.client.gist(&id).unwrap(), None);
    s.assert_contract();
}

#[test]
fn put_content_creates_and_updates_files() {
    let s = setup();
    let repo = demo_repo();
    let sha = s
        .client
        .put_content(
            &repo,
            "docs/stats/index.html",
            "Add dashboard",
            b"<html>1</html>",
            None,
        )
        .unwrap();
    let stored = s
        .client
        .content(&repo, "docs/stats/index.html")
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.bytes.as_slice(), stored.sha.as_str()),
        (&b"<html>1</html>"[..], sha.as_str())
    );
    let stale = s
        .client
        .put_content(
            &repo,
            "docs/stats/index.html",
            "again",
            b"<html>x</html>",
            Some("0000"),
        )
        .unwrap_err();
    assert_eq!(stale.kind, ErrorKind::Conflict);
    let newer = s
        .client
        .put_content(
            &repo,
            "docs/stats/index.html",
            "Update dashboard",
            b"<html>2</html>",
            Some(&sha),
        )
        .unwrap();
    assert_ne!(newer, sha);
    s.assert_contract();
}

#[test]
fn lost_put_content_answer_is_resolved_by_reading_back() {
    let s = setup();
    let repo = demo_repo();
    s.hub.inject(crate::common::fault(
        "PUT",
        "/repos/octo/demo/contents/docs/a.txt",
        1,
        fakehub::FaultKind::DropAfter,
    ));
    let sha = s
        .client
        .put_content(&repo, "docs/a.txt", "Add a", b"a", None)
        .unwrap();
    assert_eq!(
        count(&s.hub, "PUT", "/repos/octo/demo/contents/docs/a.txt"),
        2,
        "resent, refused, read back"
    );
    assert_eq!(
        s.client.content(&repo, "docs/a.txt").unwrap().unwrap().sha,
        sha
    );
    s.assert_contract();
}
