//! Reading states and archives, ours (v4) and the original tool's (v1–v3). A state that does
//! not parse must stop the run before anything is written, so every failure is a
//! [`StateError`] naming the file and the JSON path of the offending value; nothing here
//! falls back to an empty state (the original's worst defect).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use time::Date;

use crate::dates::{format_date, parse_bucket};
use crate::merge::max_into;
use crate::model::{
    period_of, ArchiveIndex, ArchiveIndexEntry, ArchiveMonth, Archived, Day, DownloadSnapshot,
    PopularPath, Referrer, RepoStats, State, Totals, WorkflowCi, GENERATOR, SCHEMA_VERSION,
    TOTAL_FIELDS,
};

/// Why a state or archive file could not be read. The file must then be left untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateError {
    /// Not JSON at all, or cut off (a truncated gist response).
    Malformed {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but a value breaks the format: `path` is like `$.dailyHistory[3].clones`.
    Invalid {
        file: String,
        path: String,
        message: String,
    },
    /// Written by a later ghtraf with a schema this build does not know.
    NewerSchema { file: String, found: u64 },
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::Malformed {
                file,
                line,
                column,
                message,
            } => write!(
                f,
                "{file} is not valid JSON (line {line}, column {column}: {message}); \
                 it may be truncated. It was left unchanged."
            ),
            StateError::Invalid {
                file,
                path,
                message,
            } => {
                write!(f, "{file}: {path}: {message}. It was left unchanged.")
            }
            StateError::NewerSchema { file, found } => write!(
                f,
                "{file} has schemaVersion {found}, written by a newer ghtraf (this one reads up \
                 to {SCHEMA_VERSION}); upgrade ghtraf. It was left unchanged."
            ),
        }
    }
}

impl std::error::Error for StateError {}

/// A state read from text, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedState {
    pub state: State,
    /// Schema of the text: 1–3 = the original's (absent counts as 1), 4 = ours.
    pub source_schema: u64,
    /// Things a human should know, e.g. an original total smaller than its own days.
    pub warnings: Vec<String>,
}

const STATE_FILE: &str = "state.json";

/// Parses `state.json` of any known schema. v1–v3 are converted to v4 losslessly:
/// every day, unique (present or absent), CI figure and unknown key is kept; the original's
/// totals not explained by its days become `baseline`.
pub fn parse_state(json: &str) -> Result<ParsedState, StateError> {
    let mut ctx = Ctx::new(STATE_FILE);
    let root = ctx.parse_json(json)?;
    let Value::Object(map) = root else {
        return Err(ctx.invalid("$", "expected an object"));
    };
    let schema = ctx.schema_version(&map)?;
    let state = if schema == SCHEMA_VERSION {
        parse_v4_state(&mut ctx, map)?
    } else {
        import_original_state(&mut ctx, map, schema)?
    };
    if state.totals != state.derived_totals() {
        ctx.warnings.push(format!(
            "{STATE_FILE}: totals do not equal baseline + archived + days; they will be recomputed"
        ));
    }
    Ok(ParsedState {
        state,
        source_schema: schema,
        warnings: ctx.warnings,
    })
}

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

/// Keys a v4 [`State`] writes itself.
const STATE_KEYS: [&str; 15] = [
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
    "imported",
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

fn period_from_file_name(name: &str) -> Option<String> {
    let base = name.rsplit('/').next()?;
    let period = base.strip_prefix("archive-")?.strip_suffix(".json")?;
    parse_bucket(&format!("{period}-01")).ok().map(period_of)
}

/// Parse context: file name for messages, and warnings gathered on the way.
struct Ctx {
    file: String,
    warnings: Vec<String>,
}

impl Ctx {
    fn new(file: &str) -> Ctx {
        Ctx {
            file: file.to_string(),
            warnings: Vec::new(),
        }
    }

    fn parse_json(&self, json: &str) -> Result<Value, StateError> {
        serde_json::from_str(json).map_err(|err| StateError::Malformed {
            file: self.file.clone(),
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        })
    }

    fn invalid(&self, path: &str, message: &str) -> StateError {
        StateError::Invalid {
            file: self.file.clone(),
            path: path.to_string(),
            message: message.to_string(),
        }
    }

    fn schema_version(&self, map: &Map<String, Value>) -> Result<u64, StateError> {
        match map.get("schemaVersion") {
            None | Some(Value::Null) => Ok(1),
            Some(value) => {
                let version = self.count(value, "$.schemaVersion")?;
                if version > SCHEMA_VERSION {
                    Err(StateError::NewerSchema {
                        file: self.file.clone(),
                        found: version,
                    })
                } else if version == 0 {
                    Err(self.invalid("$.schemaVersion", "must be 1 or more"))
                } else {
                    Ok(version)
                }
            }
        }
    }

    fn count(&self, value: &Value, path: &str) -> Result<u64, StateError> {
        value
            .as_u64()
            .ok_or_else(|| self.invalid(path, &format!("expected an integer ≥ 0, found {value}")))
    }

    fn typed<T: DeserializeOwned>(&self, value: Value, path: &str) -> Result<T, StateError> {
        serde_json::from_value(value).map_err(|err| self.invalid(path, &err.to_string()))
    }
}

fn take_count(
    ctx: &Ctx,
    map: &mut Map<String, Value>,
    key: &str,
    parent: &str,
) -> Result<Option<u64>, StateError> {
    match map.shift_remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => ctx.count(&value, &format!("{parent}.{key}")).map(Some),
    }
}

fn take_string(
    ctx: &Ctx,
    map: &mut Map<String, Value>,
    key: &str,
    parent: &str,
) -> Result<Option<String>, StateError> {
    match map.shift_remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(ctx.invalid(
            &format!("{parent}.{key}"),
            &format!("expected a string, found {other}"),
        )),
    }
}

/// One day, in either schema: the day fields are spelled the same in v1–v4.
fn parse_day(ctx: &Ctx, value: &Value, path: &str) -> Result<Day, StateError> {
    let Value::Object(map) = value else {
        return Err(ctx.invalid(path, "expected an object"));
    };
    let mut map = map.clone();
    let date_text = take_string(ctx, &mut map, "date", path)?
        .ok_or_else(|| ctx.invalid(&format!("{path}.date"), "missing"))?;
    let date =
        parse_bucket(&date_text).map_err(|err| ctx.invalid(&format!("{path}.date"), &err))?;
    let required = |map: &mut Map<String, Value>, key: &str| -> Result<u64, StateError> {
        take_count(ctx, map, key, path)?
            .ok_or_else(|| ctx.invalid(&format!("{path}.{key}"), "missing"))
    };
    let clones = required(&mut map, "clones")?;
    let views = required(&mut map, "views")?;
    let downloads = take_count(ctx, &mut map, "downloads", path)?.unwrap_or(0);
    let ci_workflows = match map.shift_remove("ciWorkflows") {
        None | Some(Value::Null) => None,
        Some(value) => {
            Some(ctx.typed::<BTreeMap<String, WorkflowCi>>(value, &format!("{path}.ciWorkflows"))?)
        }
    };
    let mut day = Day {
        date,
        captured_at: take_string(ctx, &mut map, "capturedAt", path)?,
        clones,
        unique_clones: take_count(ctx, &mut map, "uniqueClones", path)?,
        views,
        unique_views: take_count(ctx, &mut map, "uniqueViews", path)?,
        downloads,
        ci_checkouts: take_count(ctx, &mut map, "ciCheckouts", path)?,
        ci_runs: take_count(ctx, &mut map, "ciRuns", path)?,
        ci_workflows,
        organic_clones: take_count(ctx, &mut map, "organicClones", path)?,
        organic_unique_clones: take_count(ctx, &mut map, "organicUniqueClones", path)?,
        stars: take_count(ctx, &mut map, "stars", path)?,
        forks: take_count(ctx, &mut map, "forks", path)?,
        open_issues: take_count(ctx, &mut map, "openIssues", path)?,
        extra: Map::new(),
    };
    // The original's `total` is clones + downloads; it is dropped when it says exactly that
    // (readers recompute it) and kept verbatim when it says something else.
    if let Some(total) = map.get("total") {
        if total.as_u64() == Some(clones.saturating_add(downloads)) {
            map.shift_remove("total");
        }
    }
    day.extra = map;
    Ok(day)
}

fn parse_days(ctx: &Ctx, value: Option<Value>) -> Result<Vec<Day>, StateError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_day(ctx, item, &format!("$.dailyHistory[{i}]")))
            .collect(),
        Some(other) => Err(ctx.invalid(
            "$.dailyHistory",
            &format!("expected an array, found {other}"),
        )),
    }
}

fn parse_totals(ctx: &mut Ctx, value: Option<Value>, path: &str) -> Result<Totals, StateError> {
    let Some(Value::Object(mut map)) = value else {
        return Err(ctx.invalid(path, "expected an object with the eight totals"));
    };
    let mut totals = Totals::default();
    for field in TOTAL_FIELDS {
        let figure = take_count(ctx, &mut map, field, path)?
            .ok_or_else(|| ctx.invalid(&format!("{path}.{field}"), "missing"))?;
        totals.set(field, figure);
    }
    if let Some(unknown) = map.keys().next() {
        ctx.warnings.push(format!(
            "{}: {path}.{unknown}: unknown total ignored",
            ctx.file
        ));
    }
    Ok(totals)
}

fn parse_v4_state(ctx: &mut Ctx, mut map: Map<String, Value>) -> Result<State, StateError> {
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
                "days must be ascending with no date twice",
            ));
        }
    }
    let downloads: Option<DownloadSnapshot> = optional_typed(ctx, &mut map, "downloads")?;
    let repo_stats: Option<RepoStats> = optional_typed(ctx, &mut map, "repoStats")?;
    let referrers: Option<Vec<Referrer>> = optional_typed(ctx, &mut map, "referrers")?;
    let popular_paths: Option<Vec<PopularPath>> = optional_typed(ctx, &mut map, "popularPaths")?;
    let ci_workflows = optional_typed(ctx, &mut map, "ciWorkflows")?;
    let imported: Option<Map<String, Value>> = optional_typed(ctx, &mut map, "imported")?;
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
        imported,
        extra: map,
    })
}

fn optional_typed<T: DeserializeOwned>(
    ctx: &Ctx,
    map: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, StateError> {
    match map.shift_remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => ctx.typed(value, &format!("$.{key}")).map(Some),
    }
}

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

fn import_original_state(
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
                ctx.warnings.push(format!(
                    "{}: day {} appears twice; kept the higher figures",
                    ctx.file,
                    format_date(day.date)
                ));
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
