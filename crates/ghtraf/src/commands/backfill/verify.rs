//! `backfill`, phase 4: re-read every written gist, compare each file with
//! what was written, and check the history's identity (totals = baseline +
//! archives + days) on what is now stored.

use ghtraf_github::GitHubRead;
use ghtraf_plan::{ActionResult, Finding, Plan};
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
    let done = crate::written::succeeded(plan, results);
    let mut findings = crate::written::verify_gist_writes(
        &done,
        gh,
        |w: &BackfillWrite| (w.gist_id.as_str(), &w.files),
        "",
    );
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
