//! Converting the original tool's states (schema 1–3) to v4 without losing a day, a unique,
//! a CI figure or an unknown key: its counters become a baseline, its CI map moves onto the
//! days, and what v4 replaces is kept verbatim under `imported`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use time::Date;

use super::v4::STATE_KEYS;
use super::{optional_typed, parse_days, take_count, take_string, Ctx, StateError};
use crate::dates::{format_date, parse_bucket};
use crate::merge::max_into;
use crate::model::{
    Archived, Day, DownloadSnapshot, PopularPath, Referrer, RepoStats, State, Totals, WorkflowCi,
    GENERATOR, SCHEMA_VERSION,
};

/// The original's top-level counters, by the [`Totals`] field they become.
const ORIGINAL_TOTALS: [(&str, &str); 8] = [
    ("clones", "totalClones"),
    ("uniqueClones", "totalUniqueClones"),
    ("views", "totalViews"),
    ("uniqueViews", "totalUniqueViews"),
    ("downloads", "totalDownloads"),
    ("ciCheckouts", "totalCiCheckouts"),
    ("organicClones", "totalOrganicClones"),
    ("organicUniqueClones", "totalOrganicUniqueClones"),
];

/// The original's fields v4 replaces and does not carry elsewhere; kept verbatim under
/// `imported` so an audit can compare.
const ORIGINAL_BOOKKEEPING: [&str; 10] = [
    "previousTotalDownloads",
    "totalCiUniqueClones",
    "_previousOrganicToday",
    "_previousCiUniqueToday",
    "lastSeenCloneCounts",
    "_lastSeenUniqueClones",
    "lastSeenViewCounts",
    "_lastSeenUniqueViews",
    "lastSeenDates",
    "lastSeenViewDates",
];

pub(super) fn import_original_state(
    ctx: &mut Ctx,
    mut map: Map<String, Value>,
    schema: u64,
) -> Result<State, StateError> {
    map.shift_remove("schemaVersion");
    let mut imported = Map::new();
    imported.insert("fromSchemaVersion".to_string(), Value::from(schema));

    let mut days = parse_days(ctx, map.shift_remove("dailyHistory"))?;
    days.sort_by_key(|day| day.date);
    let mut deduplicated: Vec<Day> = Vec::with_capacity(days.len());
    for day in days {
        match deduplicated.last_mut() {
            Some(last) if last.date == day.date => {
                let differences = crate::merge::differing_figures(last, &day);
                ctx.warnings.push(if differences.is_empty() {
                    format!(
                        "{}: day {} appears twice with the same figures; kept once",
                        ctx.file,
                        format_date(day.date)
                    )
                } else {
                    format!(
                        "{}: day {} appears twice with different {}; kept the higher of each, \
                         never their sum",
                        ctx.file,
                        format_date(day.date),
                        differences.join(", ")
                    )
                });
                max_into(last, &day);
            }
            _ => deduplicated.push(day),
        }
    }
    let mut days = deduplicated;

    if let Some(value) = map.shift_remove("ciCheckouts") {
        let leftover = fold_original_ci(ctx, value, &mut days)?;
        if !leftover.is_empty() {
            imported.insert("ciCheckouts".to_string(), Value::Object(leftover));
        }
    }

    let mut original_totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (field, key) in ORIGINAL_TOTALS {
        let raw = map.get(key).cloned();
        if let Some(figure) = take_count(ctx, &mut map, key, "$")? {
            original_totals.insert(field, figure);
        }
        if let Some(raw) = raw {
            imported.insert(key.to_string(), raw);
        }
    }
    let snapshot = original_totals
        .get("downloads")
        .map(|total| DownloadSnapshot {
            snapshot_at: None,
            total: *total,
        });

    let stars = take_count(ctx, &mut map, "stars", "$")?;
    let forks = take_count(ctx, &mut map, "forks", "$")?;
    let open_issues = take_count(ctx, &mut map, "openIssues", "$")?;
    let created_at = take_string(ctx, &mut map, "repoCreatedAt", "$")?;
    let repo_stats =
        (stars.is_some() || forks.is_some() || open_issues.is_some() || created_at.is_some())
            .then_some(RepoStats {
                stars,
                forks,
                open_issues,
                created_at,
                observed_at: None,
            });
    for (key, value) in [
        ("stars", stars),
        ("forks", forks),
        ("openIssues", open_issues),
    ] {
        if let Some(value) = value {
            imported.insert(key.to_string(), Value::from(value));
        }
    }
    for key in ORIGINAL_BOOKKEEPING {
        if let Some(value) = map.shift_remove(key) {
            imported.insert(key.to_string(), value);
        }
    }
    let tracking_since = take_string(ctx, &mut map, "trackingSince", "$")?
        .or_else(|| days.first().map(|day| format_date(day.date)));
    let referrers: Option<Vec<Referrer>> = optional_typed(ctx, &mut map, "referrers")?;
    let popular_paths: Option<Vec<PopularPath>> = optional_typed(ctx, &mut map, "popularPaths")?;

    let sums = Totals::of_days(&days);
    let mut baseline = Totals::default();
    for (field, key) in ORIGINAL_TOTALS {
        let Some(original) = original_totals.get(field) else {
            continue;
        };
        let held = sums.get(field);
        if *original < held {
            ctx.warnings.push(format!(
                "{}: {key} is {original} but its days sum to {held}; the days win, the total rises by {}",
                ctx.file,
                held - original
            ));
        }
        baseline.set(field, original.saturating_sub(held));
    }
    // Before the original separated CI, every clone counted as organic: its pre-tracking
    // clones are organic too unless it kept an organic total of its own.
    if !original_totals.contains_key("organicClones") {
        baseline.organic_clones = baseline.clones;
    }
    if !original_totals.contains_key("organicUniqueClones") {
        baseline.organic_unique_clones = baseline.unique_clones;
    }

    // An original key spelled like one of ours would be written twice: it goes to `imported`.
    let colliding: Vec<String> = map
        .keys()
        .filter(|key| STATE_KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in colliding {
        if let Some(value) = map.shift_remove(&key) {
            imported.insert(key, value);
        }
    }
    let ci_workflows = days.iter().rev().find_map(|day| day.ci_workflows.clone());
    let mut state = State {
        schema_version: SCHEMA_VERSION,
        generator: GENERATOR.to_string(),
        repo: String::new(),
        tracking_since,
        captured_at: None,
        totals: Totals::default(),
        baseline,
        archived: Archived::default(),
        daily_history: days,
        downloads: snapshot,
        repo_stats,
        referrers: referrers.unwrap_or_default(),
        popular_paths: popular_paths.unwrap_or_default(),
        ci_workflows,
        series: Default::default(),
        provenance: Vec::new(),
        imported: Some(imported),
        extra: map,
    };
    state.refresh_totals();
    Ok(state)
}

/// Moves the original's `ciCheckouts` map ({date → {total, runs, byWorkflow}}) onto the
/// days. An entry that has no day, disagrees with its day, or has keys we do not know is
/// returned to be kept verbatim.
fn fold_original_ci(
    ctx: &Ctx,
    value: Value,
    days: &mut [Day],
) -> Result<Map<String, Value>, StateError> {
    let Value::Object(entries) = value else {
        return Err(ctx.invalid("$.ciCheckouts", "expected an object of date → CI figures"));
    };
    let mut leftover = Map::new();
    for (key, entry) in entries {
        let path = format!("$.ciCheckouts[\"{key}\"]");
        let date: Date = parse_bucket(&key).map_err(|err| ctx.invalid(&path, &err))?;
        let Value::Object(mut fields) = entry.clone() else {
            return Err(ctx.invalid(&path, "expected an object"));
        };
        let total = take_count(ctx, &mut fields, "total", &path)?;
        let runs = take_count(ctx, &mut fields, "runs", &path)?;
        let by_workflow: Option<BTreeMap<String, WorkflowCi>> =
            match fields.shift_remove("byWorkflow") {
                None | Some(Value::Null) => None,
                Some(value) => Some(ctx.typed(value, &format!("{path}.byWorkflow"))?),
            };
        let Some(day) = days.iter_mut().find(|day| day.date == date) else {
            leftover.insert(key, entry);
            continue;
        };
        let agrees = |held: Option<u64>, given: Option<u64>| {
            held.is_none() || given.is_none() || held == given
        };
        if !fields.is_empty()
            || !agrees(day.ci_checkouts, total)
            || !agrees(day.ci_runs, runs)
            || day.ci_workflows.is_some() && by_workflow.is_some()
        {
            leftover.insert(key, entry);
            continue;
        }
        day.ci_checkouts = day.ci_checkouts.or(total);
        day.ci_runs = day.ci_runs.or(runs);
        if by_workflow.is_some() {
            day.ci_workflows = by_workflow;
        }
    }
    Ok(leftover)
}
