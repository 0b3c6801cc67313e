//! Verification after an upgrade catches what the upgrade must protect.

use super::*;

#[test]
fn verification_catches_what_the_upgrade_must_protect() {
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    let before = original_legacy_world();
    let p = plan(&i, &before);
    let mut after = before.clone();
    let (results, outputs) = apply(&p, &mut after);
    let deviations = |after: &Observed| -> Vec<String> {
        verify_upgrade(&p, &results, &outputs, &before, after)
            .into_iter()
            .filter(|f| f.status == FindingStatus::Deviation)
            .map(|f| f.id)
            .collect()
    };
    assert!(deviations(&after).is_empty());

    // A day dropped from the converted state (the original's 31-day trim).
    let mut trimmed = after.clone();
    let g = trimmed
        .github
        .gists
        .iter_mut()
        .find(|g| g.id == BADGE)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&g.files["state.json"]).unwrap();
    v["dailyHistory"].as_array_mut().unwrap().remove(0);
    g.files.insert("state.json".to_string(), v.to_string());
    let found = deviations(&trimmed);
    assert!(found.contains(&"history:days".to_string()), "{found:?}");
    assert!(found.contains(&"state:totals".to_string()), "{found:?}");
    assert!(
        found.contains(&"gist:update:badges.state".to_string()),
        "{found:?}"
    );

    // The badge gist lost a badge file, or the original's workflow came back.
    let mut broken = after.clone();
    let g = broken
        .github
        .gists
        .iter_mut()
        .find(|g| g.id == BADGE)
        .unwrap();
    g.files.remove("clones.json");
    broken.github.default_branch_workflow.as_mut().unwrap().text = GTT_WORKFLOW.to_string();
    let found = deviations(&broken);
    assert!(found.contains(&"gist:badge-urls".to_string()), "{found:?}");
    assert!(
        found.contains(&"workflow:original".to_string()),
        "{found:?}"
    );

    // A rename that did not stick, and a variable someone changed since.
    let mut drifted = after.clone();
    drifted
        .github
        .gists
        .iter_mut()
        .find(|g| g.id == BADGE)
        .unwrap()
        .description = "octo/demo traffic badges".to_string();
    let found = deviations(&drifted);
    assert_eq!(found, ["gist:update:badges.description"]);
}
