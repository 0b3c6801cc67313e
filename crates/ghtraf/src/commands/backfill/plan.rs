//! `backfill`, phase 2: the merge and the writes it needs. Pure: the traffic
//! crate folds every available source into the state and the archive months
//! (fill absent, or raise; never lower; baseline reconciled), and this turns
//! the outcome into at most one PATCH per gist, archive first, each carrying
//! the revision observed while planning.

use std::collections::BTreeMap;

use ghtraf_plan::{Action, Category, Operation, Plan};
use ghtraf_traffic::{
    backfill, badge_gist_files, format_timestamp, parse_archive_index, ArchiveIndex,
    BackfillOutcome, ARCHIVE_INDEX_FILE,
};
use time::OffsetDateTime;

use super::input::Unavailable;
use super::observe::BackfillObserved;
use super::payload::{totals_change, BackfillWrite};
use crate::deployment::GistRole;
use crate::error::{CliError, Result};

/// One line per source for the plan: what it adds, or why it is not available.
pub fn source_lines(observed: &BackfillObserved, outcome: Option<&BackfillOutcome>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut reports = outcome.map(|o| o.reports.iter()).into_iter().flatten();
    for reading in &observed.readings {
        let label = reading.source.label();
        let requests = format!("{} request(s)", reading.requests);
        match &reading.data {
            Err(u) => lines.push(format!("{label}: not available: {}", u.reason)),
            Ok(inputs) if inputs.is_empty() => {
                lines.push(format!("{label}: nothing to offer ({requests})"));
            }
            Ok(inputs) => {
                for _ in inputs {
                    if let Some(report) = reports.next() {
                        if report.source == label {
                            lines.push(format!("{report} ({requests})"));
                        } else {
                            lines.push(format!("{label}: {report} ({requests})"));
                        }
                    }
                }
            }
        }
    }
    // The estimate, not the remaining rate limit: that changes with every request, and a
    // saved plan must plan the same again (the heading shows it).
    lines.push(format!(
        "requests: {} estimated, {} made",
        observed.budget.total,
        observed.readings.iter().map(|r| r.requests).sum::<u64>()
    ));
    lines
}

/// The plan's context key listing the sources named with `--from` that were not read
/// (`{source, cause, why}` each): the run ends with exit 3 (`left_undone`), as every source is one
/// the user asked for.
pub const NOT_READ: &str = "not_read";

/// Why a source was not read, in a few words: "over the request budget", "not available".
fn cause(u: &Unavailable) -> &'static str {
    if u.over_budget {
        "over the request budget"
    } else {
        "not available"
    }
}

/// The skip line's words when nothing changes: sources read that offered nothing new are
/// told apart from sources not read (over the request budget, or not available), whose
/// days and series are not known to be held.
fn nothing_to_add(observed: &BackfillObserved) -> String {
    let (read, unread): (Vec<_>, Vec<_>) = observed.readings.iter().partition(|r| r.data.is_ok());
    let causes: Vec<String> = unread
        .iter()
        .filter_map(|r| r.data.as_ref().err().map(|u| (r.source.label(), u)))
        .map(|(label, u)| format!("{label} was {}", cause(u)))
        .collect();
    if causes.is_empty() {
        return "nothing to add: every day and series the sources offer is already held"
            .to_string();
    }
    if read.is_empty() {
        return format!("nothing read: {}", causes.join(", "));
    }
    let labels: Vec<String> = read.iter().map(|r| r.source.label()).collect();
    format!(
        "nothing to add from {}: every day and series read is already held; not read: {}",
        labels.join(", "),
        causes.join(", ")
    )
}

/// The plan of a backfill at `now`.
pub fn plan_backfill(
    observed: &BackfillObserved,
    now: OffsetDateTime,
) -> Result<Plan<BackfillWrite>> {
    let target = &observed.target;
    let at = format_timestamp(now);
    let mut plan = Plan::new("backfill");
    plan.set_context(
        "repository",
        format!("{}/{}", target.repo.owner, target.repo.name),
    );
    plan.set_context("badge_gist", target.badge_gist_id.clone());
    plan.set_context("at", at.clone());
    plan.set_context("range", observed.range.describe());
    for w in &observed.state_warnings {
        plan.warn(w.clone());
    }

    let inputs: Vec<_> = observed
        .readings
        .iter()
        .flat_map(|r| r.inputs(&observed.range))
        .collect();
    let outcome = backfill(
        &observed.state,
        &observed.archives,
        &inputs,
        observed.mode,
        now,
    )
    .map_err(|e| CliError::runtime(format!("{e}; nothing was written")))?;

    let lines = source_lines(observed, Some(&outcome));
    plan.set_context("sources", lines.clone());
    let mut not_read = Vec::new();
    for reading in &observed.readings {
        if let Err(u) = &reading.data {
            plan.warn(format!("{} is not available: {}", reading.source, u.reason));
            not_read.push(serde_json::json!({
                "source": reading.source.label(),
                "cause": cause(u),
                "why": u.reason,
            }));
        }
    }
    if !not_read.is_empty() {
        plan.set_context(NOT_READ, not_read);
    }
    for report in &outcome.reports {
        for note in &report.notes {
            plan.warn(format!("{}: {note}", report.source));
        }
    }

    let totals_before = observed.state.derived_totals();
    let totals_after = outcome.state.totals;

    // Archive first: a month's days are written there before the state that counts them.
    let mut archive_action = None;
    if !outcome.archive_updates.is_empty() {
        let (Some(archive_id), Some(archive_gist)) =
            (&target.archive_gist_id, &observed.archive_gist)
        else {
            return Err(CliError::runtime(format!(
                "{} archived month(s) would change but no archive gist is configured; nothing was written",
                outcome.archive_updates.len()
            ))
            .with_hint("run `ghtraf create` to repair the deployment"));
        };
        let existing_index: Option<ArchiveIndex> = archive_gist
            .files
            .get(ARCHIVE_INDEX_FILE)
            .and_then(|f| parse_archive_index(&f.content).ok());
        let files = outcome.archive_files(existing_index.as_ref(), &at);
        let changes: Vec<String> = outcome
            .archive_updates
            .iter()
            .map(|u| {
                let before = u.before.unwrap_or_default();
                format!(
                    "{} ({}): {}",
                    u.period,
                    if u.before.is_some() {
                        "rewritten"
                    } else {
                        "new"
                    },
                    totals_change(&before, &u.after)
                )
            })
            .collect();
        let periods: Vec<&str> = outcome
            .archive_updates
            .iter()
            .map(|u| u.period.as_str())
            .collect();
        let id = plan.push(Action::new(
            Category::Gist,
            Operation::Update,
            "archive",
            format!(
                "update archived month(s) {} in gist {archive_id}",
                periods.join(", ")
            ),
            BackfillWrite {
                role: GistRole::Archive,
                gist_id: archive_id.clone(),
                revision: archive_gist.revision.clone(),
                files,
                changes,
                totals_before: observed
                    .archives
                    .iter()
                    .fold(Default::default(), |t: ghtraf_traffic::Totals, m| {
                        t.plus(&m.totals)
                    }),
                totals_after: outcome
                    .archives
                    .iter()
                    .fold(Default::default(), |t: ghtraf_traffic::Totals, m| {
                        t.plus(&m.totals)
                    }),
            },
        ));
        archive_action = Some(id);
    }

    let mut files: BTreeMap<String, String> = if outcome.changed {
        badge_gist_files(&outcome.state, now.date())
    } else {
        BTreeMap::new()
    };
    files.retain(|name, content| {
        observed
            .badge_gist
            .files
            .get(name)
            .is_none_or(|f| f.content != *content)
    });
    let payload = BackfillWrite {
        role: GistRole::Badges,
        gist_id: target.badge_gist_id.clone(),
        revision: observed.badge_gist.revision.clone(),
        files,
        changes: lines,
        totals_before,
        totals_after,
    };
    if payload.files.is_empty() && archive_action.is_none() {
        plan.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "badges",
            nothing_to_add(observed),
            payload,
        ));
        return Ok(plan);
    }
    let added: u64 = outcome.reports.iter().map(|r| r.days_added).sum();
    let raised: u64 = outcome.reports.iter().map(|r| r.days_raised).sum();
    let filled: u64 = outcome.reports.iter().map(|r| r.days_filled).sum();
    let series = outcome
        .reports
        .iter()
        .map(|r| r.series.len())
        .sum::<usize>();
    let mut what = vec![
        format!("{added} day(s) added"),
        format!("{filled} filled"),
        format!("{raised} raised"),
    ];
    if series > 0 {
        what.push(format!("{series} series"));
    }
    let description = format!(
        "backfill gist {}: {}; totals {}",
        target.badge_gist_id,
        what.join(", "),
        totals_change(&totals_before, &totals_after)
    );
    plan.push(
        Action::new(
            Category::Gist,
            Operation::Update,
            "badges",
            description,
            payload,
        )
        .depends_on(archive_action),
    );
    Ok(plan)
}
