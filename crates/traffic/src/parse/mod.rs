//! Reading states and archives, ours (v4) and the original tool's (v1–v3). A state that does
//! not parse must stop the run before anything is written, so every failure is a
//! [`StateError`] naming the file and the JSON path of the offending value; nothing here
//! falls back to an empty state (the original's worst defect).
//!
//! This module holds the error type, the entry point for `state.json` and the readers shared
//! by every schema (a day, the totals, counts and strings); `v4`, `original` and `archive`
//! hold what is specific to ours, to the original's states and to the archive gist.

mod archive;
mod original;
mod v4;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use time::Date;

use crate::dates::{format_date, parse_bucket};
use crate::model::{Day, State, Totals, WorkflowCi, SCHEMA_VERSION, TOTAL_FIELDS};
use crate::validate::{check_totals, count_of_json, normalize_counts};

pub use archive::{
    adopt_original_archives, archive_period_of_file, import_archives, parse_archive_index,
    parse_archive_month,
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
        v4::parse_v4_state(&mut ctx, map)?
    } else {
        original::import_original_state(&mut ctx, map, schema)?
    };
    check_totals(STATE_FILE, &state)?;
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
        count_of_json(value).map_err(|message| self.invalid(path, &message))
    }

    /// A typed read of a value made of counts: whole floats become integers and numbers
    /// above [`crate::MAX_COUNT`] are refused first, as for a single count.
    fn typed<T: DeserializeOwned>(&self, mut value: Value, path: &str) -> Result<T, StateError> {
        normalize_counts(&mut value).map_err(|message| self.invalid(path, &message))?;
        self.typed_verbatim(value, path)
    }

    /// A typed read that leaves numbers as written (the original's fields kept for audit).
    fn typed_verbatim<T: DeserializeOwned>(
        &self,
        value: Value,
        path: &str,
    ) -> Result<T, StateError> {
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
    day_fields(ctx, map, date, path).map_err(|err| match err {
        StateError::Invalid {
            file,
            path,
            message,
        } => StateError::Invalid {
            file,
            path,
            message: format!("day {}: {message}", format_date(date)),
        },
        other => other,
    })
}

/// The figures of a day whose date is known (errors are prefixed with it by [`parse_day`]).
fn day_fields(
    ctx: &Ctx,
    mut map: Map<String, Value>,
    date: Date,
    path: &str,
) -> Result<Day, StateError> {
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
        backfill: match map.shift_remove("backfill") {
            None | Some(Value::Null) => None,
            Some(value) => Some(ctx.typed(value, &format!("{path}.backfill"))?),
        },
        extra: Map::new(),
    };
    // The original's `total` is clones + downloads; it is dropped when it says exactly that
    // (readers recompute it) and kept verbatim when it says something else.
    if let Some(total) = map.get("total") {
        if count_of_json(total).ok() == Some(clones.saturating_add(downloads)) {
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
