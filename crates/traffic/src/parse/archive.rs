//! The archive gist's files: our month files and index, and the original's overlapping
//! month files, regrouped so each month holds exactly its own days.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{parse_day, take_string, Ctx, StateError};
use crate::dates::{format_date, parse_bucket};
use crate::merge::max_into;
use crate::model::{
    period_of, ArchiveIndex, ArchiveIndexEntry, ArchiveMonth, Archived, State, Totals,
    SCHEMA_VERSION, TOTAL_FIELDS,
};

/// Reads archive month files — ours or the original's, whose months overlap by a day —
/// and regroups their days so each month holds exactly its own days; a day found in two
/// files keeps the higher figure of each field. `files` are `(file name, text)`.
/// Keys a file has beyond its days stay with the month the file is named after.
pub fn import_archives(files: &[(&str, &str)]) -> Result<Vec<ArchiveMonth>, StateError> {
    let mut months: BTreeMap<String, ArchiveMonth> = BTreeMap::new();
    for (name, text) in files {
        let ctx = Ctx::new(name);
        let root = ctx.parse_json(text)?;
        let Value::Object(mut map) = root else {
            return Err(ctx.invalid("$", "expected an object"));
        };
        let schema = ctx.schema_version(&map)?;
        map.shift_remove("schemaVersion");
        let repo = take_string(&ctx, &mut map, "repo", "$")?.unwrap_or_default();
        let named_period =
            take_string(&ctx, &mut map, "period", "$")?.or_else(|| period_from_file_name(name));
        let generated_at = take_string(&ctx, &mut map, "generatedAt", "$")?.unwrap_or_default();
        if schema == SCHEMA_VERSION {
            // Our totals are derived from the days; they are recomputed below.
            map.shift_remove("totals");
        }
        let days = match map.shift_remove("dailyHistory") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_day(&ctx, item, &format!("$.dailyHistory[{i}]")))
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err(ctx.invalid("$.dailyHistory", "expected an array")),
            None => Vec::new(),
        };
        if schema == SCHEMA_VERSION {
            if let Some(period) = &named_period {
                if let Some(stray) = days.iter().find(|day| &day.period() != period) {
                    return Err(ctx.invalid(
                        "$.dailyHistory",
                        &format!(
                            "day {} is outside the file's month {period}",
                            format_date(stray.date)
                        ),
                    ));
                }
            }
        }
        for day in days {
            let month = month_entry(&mut months, &day.period(), &repo, &generated_at);
            match month
                .daily_history
                .iter_mut()
                .find(|known| known.date == day.date)
            {
                Some(known) => max_into(known, &day),
                None => month.daily_history.push(day),
            }
        }
        if let Some(period) = named_period {
            let month = month_entry(&mut months, &period, &repo, &generated_at);
            for (key, value) in map {
                // An original key spelled like one of ours would be written twice; it is
                // kept under a prefixed name instead.
                let key = if ARCHIVE_MONTH_KEYS.contains(&key.as_str()) {
                    format!("original_{key}")
                } else {
                    key
                };
                month.extra.entry(key).or_insert(value);
            }
        }
    }
    let mut result: Vec<ArchiveMonth> = months.into_values().collect();
    for month in &mut result {
        month.daily_history.sort_by_key(|day| day.date);
        month.totals = Totals::of_days(&month.daily_history);
    }
    Ok(result)
}

/// Keys an [`ArchiveMonth`] writes itself.
const ARCHIVE_MONTH_KEYS: [&str; 6] = [
    "schemaVersion",
    "repo",
    "period",
    "generatedAt",
    "totals",
    "dailyHistory",
];

/// Reads one of our `archive-YYYY-MM.json` files (schema 4: one month, its own days only).
/// The original's month files may overlap; read those with [`import_archives`].
pub fn parse_archive_month(file_name: &str, json: &str) -> Result<ArchiveMonth, StateError> {
    let ctx = Ctx::new(file_name);
    let root = ctx.parse_json(json)?;
    let schema = match &root {
        Value::Object(map) => ctx.schema_version(map)?,
        _ => return Err(ctx.invalid("$", "expected an object")),
    };
    if schema != SCHEMA_VERSION {
        return Err(ctx.invalid(
            "$.schemaVersion",
            "an archive of the original tool: import it with its neighbours (import_archives)",
        ));
    }
    let Some(Value::String(period)) = root.get("period") else {
        return Err(ctx.invalid("$.period", "missing"));
    };
    let period = period.clone();
    let mut months = import_archives(&[(file_name, json)])?;
    match months.iter().position(|month| month.period == period) {
        Some(found) if months.len() == 1 => Ok(months.swap_remove(found)),
        _ => Err(ctx.invalid(
            "$.period",
            &format!("`{period}` is not YYYY-MM or not the month of its days"),
        )),
    }
}

/// Reads `archive.json`. The original's index stub carries no month list: it comes back with
/// `months` empty (rebuild it from the month files) and its keys kept in `extra`.
pub fn parse_archive_index(json: &str) -> Result<ArchiveIndex, StateError> {
    let ctx = Ctx::new("archive.json");
    let root = ctx.parse_json(json)?;
    let Value::Object(mut map) = root else {
        return Err(ctx.invalid("$", "expected an object"));
    };
    let schema = ctx.schema_version(&map)?;
    if schema != SCHEMA_VERSION {
        return Ok(ArchiveIndex {
            extra: map,
            ..ArchiveIndex::empty("", "")
        });
    }
    map.shift_remove("schemaVersion");
    let repo = take_string(&ctx, &mut map, "repo", "$")?.unwrap_or_default();
    let updated_at = take_string(&ctx, &mut map, "updatedAt", "$")?.unwrap_or_default();
    let months: Vec<ArchiveIndexEntry> = match map.shift_remove("months") {
        Some(value) => ctx.typed(value, "$.months")?,
        None => Vec::new(),
    };
    Ok(ArchiveIndex {
        schema_version: SCHEMA_VERSION,
        repo,
        updated_at,
        months,
        extra: map,
    })
}

/// After importing an original state, hands it the original's archive months (from
/// [`import_archives`]): a day held by both keeps the higher figures in `dailyHistory` and
/// leaves the month, the months' totals move from `baseline` to `archived` (the original's
/// counters included archived days), and the months to write back are returned with
/// `repo`/`generatedAt` set. Call it once, right after [`parse_state`] on a v1–v3 state.
pub fn adopt_original_archives(
    state: &mut State,
    months: Vec<ArchiveMonth>,
    generated_at: &str,
) -> (Vec<ArchiveMonth>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut kept = Vec::new();
    for mut month in months {
        month.daily_history.retain(|day| {
            match state
                .daily_history
                .iter_mut()
                .find(|held| held.date == day.date)
            {
                Some(held) => {
                    max_into(held, day);
                    false
                }
                None => true,
            }
        });
        if month.daily_history.is_empty() {
            continue;
        }
        month.totals = Totals::of_days(&month.daily_history);
        month.repo = state.repo.clone();
        month.generated_at = generated_at.to_string();
        month.schema_version = SCHEMA_VERSION;
        kept.push(month);
    }
    let archived_totals = kept
        .iter()
        .fold(Totals::default(), |sum, month| sum.plus(&month.totals));
    for field in TOTAL_FIELDS {
        let baseline = state.baseline.get(field);
        let archived = archived_totals.get(field);
        if archived > baseline {
            warnings.push(format!(
                "archives hold {archived} {field} beyond the original's total; baseline floored at 0"
            ));
        }
        state.baseline.set(field, baseline.saturating_sub(archived));
    }
    state.archived = Archived {
        months: kept.iter().map(|month| month.period.clone()).collect(),
        totals: archived_totals,
    };
    state.refresh_totals();
    (kept, warnings)
}

fn month_entry<'a>(
    months: &'a mut BTreeMap<String, ArchiveMonth>,
    period: &str,
    repo: &str,
    generated_at: &str,
) -> &'a mut ArchiveMonth {
    months
        .entry(period.to_string())
        .or_insert_with(|| ArchiveMonth {
            schema_version: SCHEMA_VERSION,
            repo: repo.to_string(),
            period: period.to_string(),
            generated_at: generated_at.to_string(),
            totals: Totals::default(),
            daily_history: Vec::new(),
            extra: Map::new(),
        })
}

/// The `YYYY-MM` of an archive month file name (`archive-2026-01.json`), or `None` for any
/// other file of the archive gist (the index, a README, …).
pub fn archive_period_of_file(name: &str) -> Option<String> {
    period_from_file_name(name)
}

pub(super) fn period_from_file_name(name: &str) -> Option<String> {
    let base = name.rsplit('/').next()?;
    let period = base.strip_prefix("archive-")?.strip_suffix(".json")?;
    parse_bucket(&format!("{period}-01")).ok().map(period_of)
}
