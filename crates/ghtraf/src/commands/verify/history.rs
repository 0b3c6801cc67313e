//! What only the stored data can tell, for `verify`: the badge gist's state
//! parses, its totals equal baseline + archived months + days, and the last
//! collection is recent. Kept apart from the judgement of the deployment
//! (`mod.rs`), which asks `create`'s planner; this asks the history itself.

use ghtraf_github::GitHubRead;
use ghtraf_plan::Finding;
use ghtraf_traffic::{check_identity, parse_state, STATE_FILE};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::deployment::archive_months;

/// A collection older than this means the workflow is not running.
const STALE_AFTER_HOURS: i64 = 48;

/// Findings about the stored history. What could not be read goes to
/// `unreadable`: a read failure is not a deviation (nothing is known to
/// differ), but it is not a pass either.
pub(super) fn state_findings(
    gh: &dyn GitHubRead,
    badge_id: Option<&str>,
    archive_id: Option<&str>,
    now: OffsetDateTime,
    unreadable: &mut Vec<String>,
) -> Vec<Finding> {
    let Some(badge_id) = badge_id else {
        return Vec::new();
    };
    let gist = match gh.gist(badge_id) {
        Ok(Some(g)) => g,
        Ok(None) => {
            return vec![Finding::deviation(
                "state",
                format!("gist {badge_id} is gone"),
            )]
        }
        Err(e) => {
            unreadable.push(format!("the badge gist {badge_id}: {}", e.message()));
            return Vec::new();
        }
    };
    let Some(file) = gist.files.get(STATE_FILE) else {
        return vec![Finding::deviation(
            "state",
            format!("gist {badge_id} has no {STATE_FILE}"),
        )];
    };
    let state = match parse_state(&file.content) {
        Ok(p) => p.state,
        Err(e) => return vec![Finding::deviation("state", e.to_string())],
    };
    let archive = match archive_id.map(|id| (id, gh.gist(id))) {
        Some((_, Ok(found))) => found,
        Some((id, Err(e))) => {
            unreadable.push(format!("the archive gist {id}: {}", e.message()));
            return Vec::new();
        }
        None => None,
    };
    let mut findings = Vec::new();
    match archive_months(archive.as_ref()) {
        Ok(months) => {
            let problems = check_identity(&state, &months);
            findings.push(if problems.is_empty() {
                Finding::ok(
                    "state:identity",
                    format!(
                        "totals = baseline + {} archived month(s) + {} day(s)",
                        months.len(),
                        state.daily_history.len()
                    ),
                )
            } else {
                Finding::deviation("state:identity", problems.join("; "))
            });
        }
        Err(e) => findings.push(Finding::deviation("state:identity", e.message)),
    }
    findings.push(freshness(&state, now));
    findings
}

/// Whether the state is collected often enough. A state never collected is
/// new, not stale, until its first day plus the stale delay has passed (the
/// daily workflow, or `gh workflow run traffic-badges.yml`, collects it).
fn freshness(state: &ghtraf_traffic::State, now: OffsetDateTime) -> Finding {
    let Some(last) = state.last_collection() else {
        let since = state.tracking_since.as_deref().unwrap_or("?");
        let start = ghtraf_traffic::parse_bucket(since)
            .ok()
            .map(|d| d.midnight().assume_utc());
        // The day it was created, whole: creation may have come at its end.
        return match start {
            Some(t) if (now - t).whole_hours() > STALE_AFTER_HOURS + 24 => Finding::deviation(
                "state:freshness",
                format!(
                    "never collected, though tracking began {since}: is the workflow running? (`gh workflow run traffic-badges.yml` starts it)"
                ),
            ),
            _ => Finding::ok(
                "state:freshness",
                format!("never collected yet (tracking began {since}); the daily workflow collects it"),
            ),
        };
    };
    match OffsetDateTime::parse(last, &Rfc3339) {
        Ok(t) if (now - t).whole_hours() > STALE_AFTER_HOURS => Finding::deviation(
            "state:freshness",
            format!(
                "last collection {last} ({} hours ago): is the workflow running?",
                (now - t).whole_hours()
            ),
        ),
        Ok(_) => Finding::ok("state:freshness", format!("last collection {last}")),
        Err(_) => Finding::deviation(
            "state:freshness",
            format!("the last collection time is not a time: {last:?}"),
        ),
    }
}
