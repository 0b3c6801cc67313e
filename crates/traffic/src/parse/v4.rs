//! Reading our own `state.json` (schema 4): every key has one meaning, so anything that
//! breaks the format is an error rather than something to convert.

use serde_json::{Map, Value};

use super::archive::period_from_file_name;
use super::{optional_typed, parse_days, parse_totals, take_string, Ctx, StateError};
use crate::model::{
    Archived, DownloadSnapshot, PopularPath, Referrer, RepoStats, State, SCHEMA_VERSION,
};
use crate::provenance::{Provenance, SeriesSet};

/// Keys a v4 [`State`] writes itself.
pub(super) const STATE_KEYS: [&str; 17] = [
    "schemaVersion",
    "generator",
    "repo",
    "trackingSince",
    "capturedAt",
    "totals",
    "baseline",
    "archived",
    "dailyHistory",
    "downloads",
    "repoStats",
    "referrers",
    "popularPaths",
    "ciWorkflows",
    "series",
    "provenance",
    "imported",
];

pub(super) fn parse_v4_state(
    ctx: &mut Ctx,
    mut map: Map<String, Value>,
) -> Result<State, StateError> {
    map.shift_remove("schemaVersion");
    let generator = take_string(ctx, &mut map, "generator", "$")?.unwrap_or_default();
    let repo =
        take_string(ctx, &mut map, "repo", "$")?.ok_or_else(|| ctx.invalid("$.repo", "missing"))?;
    let tracking_since = take_string(ctx, &mut map, "trackingSince", "$")?;
    let captured_at = take_string(ctx, &mut map, "capturedAt", "$")?;
    let totals = parse_totals(ctx, map.shift_remove("totals"), "$.totals")?;
    let baseline = parse_totals(ctx, map.shift_remove("baseline"), "$.baseline")?;
    let archived = match map.shift_remove("archived") {
        Some(Value::Object(mut archived)) => {
            let months: Vec<String> = match archived.shift_remove("months") {
                Some(value) => ctx.typed(value, "$.archived.months")?,
                None => Vec::new(),
            };
            for (i, period) in months.iter().enumerate() {
                if period_from_file_name(&format!("archive-{period}.json")).as_deref()
                    != Some(period.as_str())
                {
                    return Err(ctx.invalid(&format!("$.archived.months[{i}]"), "expected YYYY-MM"));
                }
            }
            let totals = parse_totals(ctx, archived.shift_remove("totals"), "$.archived.totals")?;
            Archived { months, totals }
        }
        None => Archived::default(),
        Some(other) => {
            return Err(ctx.invalid("$.archived", &format!("expected an object, found {other}")))
        }
    };
    let daily_history = parse_days(ctx, map.shift_remove("dailyHistory"))?;
    for (i, pair) in daily_history.windows(2).enumerate() {
        if pair[1].date <= pair[0].date {
            return Err(ctx.invalid(
                &format!("$.dailyHistory[{}].date", i + 1),
                &format!(
                    "days must be ascending with no date twice; day {} comes after {}",
                    crate::dates::format_date(pair[1].date),
                    crate::dates::format_date(pair[0].date)
                ),
            ));
        }
    }
    let downloads: Option<DownloadSnapshot> = optional_typed(ctx, &mut map, "downloads")?;
    let repo_stats: Option<RepoStats> = optional_typed(ctx, &mut map, "repoStats")?;
    let referrers: Option<Vec<Referrer>> = optional_typed(ctx, &mut map, "referrers")?;
    let popular_paths: Option<Vec<PopularPath>> = optional_typed(ctx, &mut map, "popularPaths")?;
    let ci_workflows = optional_typed(ctx, &mut map, "ciWorkflows")?;
    let series: Option<SeriesSet> = optional_typed(ctx, &mut map, "series")?;
    let provenance: Option<Vec<Provenance>> = optional_typed(ctx, &mut map, "provenance")?;
    // The original's fields, verbatim: numbers there are kept as written, not checked.
    let imported: Option<Map<String, Value>> = match map.shift_remove("imported") {
        None | Some(Value::Null) => None,
        Some(value) => Some(ctx.typed_verbatim(value, "$.imported")?),
    };
    Ok(State {
        schema_version: SCHEMA_VERSION,
        generator,
        repo,
        tracking_since,
        captured_at,
        totals,
        baseline,
        archived,
        daily_history,
        downloads,
        repo_stats,
        referrers: referrers.unwrap_or_default(),
        popular_paths: popular_paths.unwrap_or_default(),
        ci_workflows,
        series: series.unwrap_or_default(),
        provenance: provenance.unwrap_or_default(),
        imported,
        extra: map,
    })
}
