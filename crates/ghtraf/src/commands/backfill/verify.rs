//! `backfill`, phase 4: re-read every written gist, compare each file with
//! what was written, and check the history's identity (totals = baseline +
//! archives + days) on what is now stored.

use ghtraf_github::{fan_out, GitHubRead};
use ghtraf_plan::{Action, ActionResult, Finding, Plan, ResultStatus};
use ghtraf_traffic::{check_identity, parse_state, STATE_FILE};

use super::payload::BackfillWrite;
use crate::deployment;
use crate::target::Target;

/// One finding per written gist, then one for the history's identity.
pub fn verify(
    plan: &Plan<BackfillWrite>,
    results: &[ActionResult],
    target: &Target,
    gh: &dyn GitHubRead,
) -> Vec<Finding> {
    let done: Vec<&Action<BackfillWrite>> = plan
        .actions
        .iter()
        .filter(|a| {
            results
                .iter()
                .any(|r| r.id == a.id && r.status == ResultStatus::Ok)
        })
        .collect();
    let mut findings = fan_out(&done, 4, |a| match gh.gist(&a.details.gist_id) {
        Ok(Some(g)) => {
            let wrong: Vec<&String> = a
                .details
                .files
                .iter()
                .filter(|(n, c)| g.files.get(*n).is_none_or(|f| f.content != **c))
                .map(|(n, _)| n)
                .collect();
            if wrong.is_empty() {
                Finding::ok(
                    &a.id,
                    format!("{} file(s) as written", a.details.files.len()),
                )
            } else {
                Finding::deviation(&a.id, format!("differs from what was written: {wrong:?}"))
            }
        }
        Ok(None) => Finding::deviation(&a.id, format!("gist {} is gone", a.details.gist_id)),
        Err(e) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
    });
    if !done.is_empty() {
        findings.push(identity(target, gh));
    }
    findings
}

/// `verify`'s identity on the stored state and archives.
fn identity(target: &Target, gh: &dyn GitHubRead) -> Finding {
    let id = "history:identity";
    let badge = match gh.gist(&target.badge_gist_id) {
        Ok(Some(g)) => g,
        Ok(None) => return Finding::deviation(id, "the badge gist is gone"),
        Err(e) => return Finding::deviation(id, format!("cannot re-read: {}", e.message())),
    };
    let archive = match &target.archive_gist_id {
        Some(aid) => match gh.gist(aid) {
            Ok(g) => g,
            Err(e) => return Finding::deviation(id, format!("cannot re-read: {}", e.message())),
        },
        None => None,
    };
    let Some(file) = badge.files.get(STATE_FILE) else {
        return Finding::deviation(id, format!("the badge gist has no {STATE_FILE}"));
    };
    let state = match parse_state(&file.content) {
        Ok(p) => p.state,
        Err(e) => return Finding::deviation(id, format!("{STATE_FILE} does not parse: {e}")),
    };
    let months = match deployment::archive_months(archive.as_ref()) {
        Ok(m) => m,
        Err(e) => return Finding::deviation(id, e.message),
    };
    let problems = check_identity(&state, &months);
    if problems.is_empty() {
        Finding::ok(id, "totals = baseline + archives + days")
    } else {
        Finding::deviation(id, problems.join("; "))
    }
}
