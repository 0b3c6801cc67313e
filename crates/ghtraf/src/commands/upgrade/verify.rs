//! Checking, after execution, that the world is what the plan promised.
//!
//! Pure: it compares the world observed before planning, the results of the
//! run and the world re-observed afterwards. Besides one finding per action
//! that ran, it checks what the upgrade exists to protect: every day held
//! before is still held, no total dropped, the badge gist still serves the
//! four badge files under the same id, the state's identities hold, and the
//! original's workflow can no longer run against a converted state.

use std::collections::BTreeSet;

use ghtraf_plan::{ActionResult, Finding, Outputs, Plan, ResultStatus};
use serde_json::Value;

use super::fingerprint::{classify_workflow, summarize_state, StateSchema, WorkflowKind};
use super::observed::{GistSeen, Observed};
use super::step::UpgradeStep;

const BADGE_FILES: [&str; 4] = [
    "installs.json",
    "downloads.json",
    "clones.json",
    "views.json",
];

/// One finding per action that ran, then the named checks (`history:days`,
/// `state:totals`, `state:identity`, `gist:badge-urls`, `workflow:original`).
pub fn verify_upgrade(
    plan: &Plan<UpgradeStep>,
    results: &[ActionResult],
    outputs: &Outputs,
    before: &Observed,
    after: &Observed,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for action in &plan.actions {
        let ran = results
            .iter()
            .any(|r| r.id == action.id && r.status == ResultStatus::Ok);
        if !action.is_change() || !ran {
            continue;
        }
        let id = &action.id;
        let finding = match &action.details {
            UpgradeStep::Backup(_) | UpgradeStep::Keep(_) => continue,
            UpgradeStep::Rename(r) => match gist(after, &r.gist_id) {
                Some(g) if g.description == r.to => Finding::ok(id, "renamed; same id"),
                Some(g) => Finding::deviation(id, format!("described \"{}\"", g.description)),
                None => Finding::deviation(id, format!("gist {} is gone", r.gist_id)),
            },
            UpgradeStep::CreateGist(c) => {
                let created = outputs
                    .resolve(&ghtraf_plan::Deferred::after(id, "id"))
                    .ok()
                    .and_then(|gid| gist(after, &gid));
                match created {
                    Some(g) if g.description == c.description => {
                        Finding::ok(id, format!("gist {} exists", g.id))
                    }
                    _ => Finding::deviation(id, "the created gist is not there"),
                }
            }
            UpgradeStep::WriteGist(w) => match gist(after, &w.gist_id) {
                Some(g) => match w.files.iter().find(|(n, t)| g.files.get(*n) != Some(*t)) {
                    None => Finding::ok(id, "written as planned"),
                    Some((n, _)) => {
                        Finding::deviation(id, format!("{n} differs from what was written"))
                    }
                },
                None => Finding::deviation(id, format!("gist {} is gone", w.gist_id)),
            },
            UpgradeStep::DeleteGist(d) => match gist(after, &d.gist_id) {
                None => Finding::ok(id, "deleted"),
                Some(_) => Finding::deviation(id, "still exists"),
            },
            UpgradeStep::Variable(v) => {
                let want = outputs.resolve(&v.value).ok();
                let have = after.github.variables.get(&v.name);
                if want.is_some() && want.as_ref() == have {
                    Finding::ok(id, format!("is {}", have.map_or("", String::as_str)))
                } else {
                    Finding::deviation(
                        id,
                        format!("is {}", have.map_or("(not set)", String::as_str)),
                    )
                }
            }
            UpgradeStep::Secret(s) => match &after.github.secret {
                Some(m) if Some(&m.updated_at) != s.updated_at.as_ref() => {
                    Finding::ok(id, format!("stored (updated {})", m.updated_at))
                }
                _ => Finding::deviation(id, "the secret was not updated"),
            },
            UpgradeStep::File(f) => {
                let want = f.content.resolve(outputs).ok();
                let have = after.files.get(&f.path).cloned().flatten();
                if want.is_some() && want.map(String::into_bytes) == have {
                    Finding::ok(id, "written as planned")
                } else {
                    Finding::deviation(id, "differs from what was planned")
                }
            }
            UpgradeStep::Commit(c) => match &after.github.default_branch_workflow {
                Some(r) if r.text == c.content => {
                    Finding::ok(id, format!("{} runs ghtraf", c.branch))
                }
                _ => Finding::deviation(id, format!("{} does not hold the new file", c.branch)),
            },
            UpgradeStep::WorkflowState(w) => {
                let want = if w.enable {
                    "active"
                } else {
                    "disabled_manually"
                };
                match &after.github.workflow {
                    Some(wf) if wf.state == want => Finding::ok(id, want),
                    Some(wf) => Finding::deviation(id, format!("is {}", wf.state)),
                    None => Finding::deviation(id, "the workflow is gone"),
                }
            }
        };
        findings.push(finding);
    }
    findings.extend(history_checks(plan, before, after));
    findings
}

fn gist<'a>(world: &'a Observed, id: &str) -> Option<&'a GistSeen> {
    world.github.gists.iter().find(|g| g.id == id)
}

/// Every day any relevant gist holds (state and archive months), by date.
pub fn days_held(world: &Observed, ids: &[&str]) -> BTreeSet<String> {
    let mut days = BTreeSet::new();
    for g in world
        .github
        .gists
        .iter()
        .filter(|g| ids.contains(&g.id.as_str()))
    {
        for (name, text) in &g.files {
            if name != "state.json" && ghtraf_traffic::archive_period_of_file(name).is_none() {
                continue;
            }
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            for d in v["dailyHistory"].as_array().into_iter().flatten() {
                if let Some(date) = d["date"].as_str() {
                    days.insert(date.get(..10).unwrap_or(date).to_string());
                }
            }
        }
    }
    days
}

fn history_checks(plan: &Plan<UpgradeStep>, before: &Observed, after: &Observed) -> Vec<Finding> {
    let mut findings = Vec::new();
    let badge = plan.context.get("badge_gist").and_then(Value::as_str);
    let archive_before = plan.context.get("archive_gist").and_then(Value::as_str);
    let archive_after = after
        .github
        .variables
        .get("TRAFFIC_ARCHIVE_GIST_ID")
        .map(String::as_str);
    let Some(badge) = badge else {
        return findings;
    };
    let ids_before: Vec<&str> = [Some(badge), archive_before]
        .into_iter()
        .flatten()
        .collect();
    let ids_after: Vec<&str> = [Some(badge), archive_before, archive_after]
        .into_iter()
        .flatten()
        .collect();
    let held = days_held(before, &ids_before);
    let now_held = days_held(after, &ids_after);
    let lost: Vec<&String> = held.difference(&now_held).collect();
    findings.push(if lost.is_empty() {
        Finding::ok(
            "history:days",
            format!("all {} day(s) still held", held.len()),
        )
    } else {
        Finding::deviation(
            "history:days",
            format!(
                "{} day(s) no longer held: {}",
                lost.len(),
                lost.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    });

    match gist(after, badge) {
        Some(g) => {
            // A badge file the gist served before and no longer does breaks its URL.
            let served_before =
                |f: &str| gist(before, badge).is_some_and(|b| b.files.contains_key(f));
            let missing: Vec<&str> = BADGE_FILES
                .iter()
                .copied()
                .filter(|f| served_before(f) && !g.files.contains_key(*f))
                .collect();
            findings.push(if missing.is_empty() {
                Finding::ok(
                    "gist:badge-urls",
                    format!("gist {badge} serves the four badges"),
                )
            } else {
                Finding::deviation(
                    "gist:badge-urls",
                    format!("gist {badge} lacks {}", missing.join(", ")),
                )
            });
        }
        None => findings.push(Finding::deviation(
            "gist:badge-urls",
            format!("the badge gist {badge} is gone: every badge URL is broken"),
        )),
    }

    let state_of = |w: &Observed| {
        gist(w, badge)
            .and_then(|g| g.files.get("state.json"))
            .and_then(|t| ghtraf_traffic::parse_state(t).ok())
    };
    if let (Some(old), Some(new)) = (state_of(before), state_of(after)) {
        // Derived totals: what every later run recomputes, whatever a file claims.
        let (old_totals, new_totals) = (old.state.derived_totals(), new.state.derived_totals());
        let dropped: Vec<String> = ghtraf_traffic::TOTAL_FIELDS
            .iter()
            .filter(|f| new_totals.get(f) < old_totals.get(f))
            .map(|f| format!("{f} {} → {}", old_totals.get(f), new_totals.get(f)))
            .collect();
        findings.push(if dropped.is_empty() {
            Finding::ok("state:totals", "no total dropped")
        } else {
            Finding::deviation("state:totals", format!("dropped: {}", dropped.join(", ")))
        });
        if new.source_schema == ghtraf_traffic::SCHEMA_VERSION {
            let months: Vec<ghtraf_traffic::ArchiveMonth> = archive_after
                .or(archive_before)
                .and_then(|id| gist(after, id))
                .map(|g| {
                    g.files
                        .iter()
                        .filter_map(|(n, t)| ghtraf_traffic::parse_archive_month(n, t).ok())
                        .collect()
                })
                .unwrap_or_default();
            let problems = ghtraf_traffic::check_identity(&new.state, &months);
            findings.push(if problems.is_empty() {
                Finding::ok("state:identity", "totals = baseline + archived + days")
            } else {
                Finding::deviation("state:identity", problems.join("; "))
            });
        }
    }

    let converted = gist(after, badge)
        .and_then(|g| g.files.get("state.json"))
        .map(|t| summarize_state(t).schema);
    let original_runs = after
        .github
        .default_branch_workflow
        .as_ref()
        .is_some_and(|r| matches!(classify_workflow(&r.text), WorkflowKind::Original { .. }))
        && after
            .github
            .workflow
            .as_ref()
            .is_some_and(|w| w.state == "active");
    if matches!(converted, Some(StateSchema::Ghtraf | StateSchema::Mixed)) && original_runs {
        findings.push(Finding::deviation(
            "workflow:original",
            "the original's workflow is active on the default branch and can trim the converted state",
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_from_state_and_archive_months_only() {
        let mut world = crate::commands::upgrade::tests::original_legacy_world();
        let all: Vec<String> = world.github.gists.iter().map(|g| g.id.clone()).collect();
        let ids: Vec<&str> = all.iter().map(String::as_str).collect();
        let days = days_held(&world, &ids);
        assert!(days.contains("2025-12-01"), "{days:?}");
        assert!(days.contains("2026-02-26"));
        world.github.gists[0].files.insert(
            "notes.json".to_string(),
            r#"{"dailyHistory": [{"date": "1999-01-01"}]}"#.to_string(),
        );
        assert_eq!(days_held(&world, &ids), days);
    }
}
