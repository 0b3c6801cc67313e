//! Gist revisions through the client: the revision observed while planning comes with the
//! gist, a write is refused (nothing written) when the gist moved since, a write that raced
//! the re-read is reported rather than lost silently, and old revisions can be read back.

use crate::common::*;
use ghtraf_github::{ErrorKind, GitHubRead, GitHubWrite};
use std::collections::BTreeMap;

fn files(text: &str) -> BTreeMap<String, Option<String>> {
    BTreeMap::from([("state.json".to_string(), Some(text.to_string()))])
}

#[test]
fn a_write_at_the_observed_revision_lands_and_a_moved_gist_is_refused() {
    let s = setup();
    let id = s.hub.add_gist(
        "octo",
        "[GTT] octo/demo · badges",
        true,
        &[("state.json", "1")],
    );
    let observed = s.client.gist(&id).unwrap().unwrap();
    let planned = observed.revision.clone().unwrap();
    assert_eq!(
        s.client.gist_revision(&id).unwrap().as_deref(),
        Some(planned.as_str())
    );

    let written = s.client.update_gist_at(&id, &files("2"), &planned).unwrap();
    assert_eq!(written.overwritten_revision, None);
    let after = written.gist.revision.clone().unwrap();
    assert_ne!(after, planned);

    // The daily workflow writes meanwhile: the stale plan is refused, nothing is written.
    s.client.update_gist(&id, &files("3")).unwrap();
    let patches_before = count(&s.hub, "PATCH", &format!("/gists/{id}"));
    let error = s
        .client
        .update_gist_at(&id, &files("stale"), &after)
        .unwrap_err();
    assert!(
        matches!(&error.kind, ErrorKind::StaleRevision { found: Some(found) } if found != &after)
            && error.to_string().contains(&after),
        "{error:?}"
    );
    assert_eq!(
        count(&s.hub, "PATCH", &format!("/gists/{id}")),
        patches_before
    );
    assert_eq!(
        s.client.gist(&id).unwrap().unwrap().files["state.json"].content,
        "3"
    );
    let gone = s
        .client
        .update_gist_at("0123456789abcdef0123456789abcdef", &files("x"), &after);
    assert!(matches!(
        gone.unwrap_err().kind,
        ErrorKind::StaleRevision { found: None }
    ));
    s.assert_contract();
}

#[test]
fn a_write_racing_the_reread_is_reported_not_lost_silently() {
    let s = setup();
    let id = s.hub.add_gist("octo", "g", false, &[("state.json", "1")]);
    let planned = s.client.gist_revision(&id).unwrap().unwrap();
    s.client.update_gist(&id, &files("other writer")).unwrap();
    let intruder = s.client.gist_revision(&id).unwrap().unwrap();
    // The re-read answers as it would have just before the other write landed.
    let stale_view = format!(
        r#"[{{"url":"x","version":"{planned}","user":null,"change_status":{{}},"committed_at":"2025-06-15T12:00:00Z"}}]"#
    );
    s.hub.inject(status_fault(
        "GET",
        &format!("/gists/{id}/commits"),
        1,
        200,
        &[],
        &stale_view,
    ));
    let written = s
        .client
        .update_gist_at(&id, &files("ours"), &planned)
        .unwrap();
    assert_eq!(
        written.overwritten_revision.as_deref(),
        Some(intruder.as_str())
    );
}

#[test]
fn every_revision_is_listed_and_readable_as_it_was() {
    let s = setup();
    let id = s.hub.add_gist("octo", "g", false, &[("state.json", "0")]);
    for n in 1..=3 {
        s.client.update_gist(&id, &files(&n.to_string())).unwrap();
    }
    let commits = s.client.gist_commits(&id).unwrap().unwrap();
    assert_eq!(commits.len(), 4);
    assert_eq!(commits[0].additions, 1);
    let oldest = s.client.gist_at(&id, &commits[3].version).unwrap().unwrap();
    assert_eq!(oldest.files["state.json"].content, "0");
    assert_eq!(
        oldest.revision.as_deref(),
        Some(commits[3].version.as_str())
    );
    assert!(s.client.gist_at(&id, &"f".repeat(40)).unwrap().is_none());
    assert!(s
        .client
        .gist_commits("0123456789abcdef0123456789abcdef")
        .unwrap()
        .is_none());
    s.assert_contract();
}

#[test]
fn a_rename_keeps_the_id_and_makes_no_revision() {
    let s = setup();
    let id = s.hub.add_gist(
        "octo",
        "octo/demo traffic badges",
        true,
        &[("state.json", "{}")],
    );
    let before = s.client.gist_revision(&id).unwrap();
    let renamed = s
        .client
        .rename_gist(&id, "[GTT] octo/demo · badges")
        .unwrap();
    assert_eq!(renamed.id, id);
    assert_eq!(renamed.description, "[GTT] octo/demo · badges");
    assert_eq!(s.client.gist_revision(&id).unwrap(), before);
    assert_eq!(renamed.files["state.json"].content, "{}");
    s.assert_contract();
}
