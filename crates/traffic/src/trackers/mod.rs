//! Other trackers' files as backfill input. Users of github-repo-stats,
//! repository-traffic-action, traffic-to-badge, github-clone-count-badge — and of `ghtraf
//! export` itself — have years of history; this reads their files (bytes in, typed
//! [`BackfillInput`] out, no I/O), recognising each file by its header or shape, so
//! `ghtraf backfill` needs no format flag. Column meanings are documented in
//! docs/state-format.md ("Imports of other trackers").
//!
//! Reading is strict about what matters: an empty cell is "not recorded" (never 0), `7.0`
//! is 7, a fraction, a negative or a count above 2^53 − 1 is refused with file, line and
//! column named, and nothing from a file that fails is imported.

mod csv;
mod json;

use std::collections::BTreeMap;
use std::fmt;

use time::Date;

use crate::backfill::{BackfillDay, BackfillInput};
use crate::dates::format_date;
use crate::provenance::{Series, SeriesPoint};
use crate::validate::count_of_cell;

use self::csv::{parse_day_stamp, read_table, Table};

/// Source names recorded in provenance.
pub const GITHUB_REPO_STATS: &str = "github-repo-stats";
pub const GHTRAF_EXPORT: &str = "ghtraf-export";
pub const REPOSITORY_TRAFFIC_ACTION: &str = "repository-traffic-action";
pub const TRAFFIC_TO_BADGE: &str = "traffic-to-badge";
pub const CLONE_COUNT_BADGE: &str = "github-clone-count-badge";
pub const GITHUB_TRAFFIC_JSON: &str = "github-traffic-json";

/// What a file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackerFormat {
    /// github-repo-stats `views_clones_aggregate.csv` (or a series fragment):
    /// `time_iso8601,clones_total,clones_unique,views_total,views_unique`.
    GhrsViewsClones,
    /// github-repo-stats `stargazers.csv`: `time_iso8601,stars_cumulative`.
    GhrsStargazers,
    /// github-repo-stats `stargazer-snapshots.csv`: `time_iso8601,stargazers_cumulative_snapshot`.
    GhrsStargazerSnapshots,
    /// github-repo-stats `forks.csv`: `time_iso8601,forks_cumulative`.
    GhrsForks,
    /// github-repo-stats referrer or path snapshots: recognised, not imported (no days).
    GhrsTopSnapshot,
    /// `ghtraf export --format csv` (and the dashboard's CSV download, which adds columns).
    GhtrafExportCsv,
    /// `ghtraf export --format json`.
    GhtrafExportJson,
    /// repository-traffic-action `views.csv`: `_date,total_views,unique_views`.
    SangonzalViews,
    /// repository-traffic-action `clones.csv`: `_date,total_clones,unique_clones`.
    SangonzalClones,
    /// GitHub's own traffic shape `{count, uniques, views|clones: [{timestamp, count, uniques}]}`
    /// as traffic-to-badge and github-clone-count-badge store it.
    GithubTrafficJson,
}

/// A file that cannot be imported; nothing from the call is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// 1-based line of a CSV row, when the problem is in one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}: {}", self.file, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        write!(f, ". Nothing was imported.")
    }
}

impl std::error::Error for ImportError {}

/// Recognises `bytes` (named `name`, a path or file name) by its header or JSON shape.
pub fn detect_format(name: &str, bytes: &[u8]) -> Result<TrackerFormat, ImportError> {
    let text = as_text(name, bytes)?;
    detect_text(name, text)
}

/// Reads tracker files — any mix, in any order — into one [`BackfillInput`] per source
/// (github-repo-stats' CSVs together, repository-traffic-action's views and clones
/// together, …), sorted by source name. A day two files of one source both give keeps the
/// higher figure of each field.
pub fn import_tracker_files(files: &[(&str, &[u8])]) -> Result<Vec<BackfillInput>, ImportError> {
    let mut sources: BTreeMap<&'static str, Gathered> = BTreeMap::new();
    for (name, bytes) in files {
        let text = as_text(name, bytes)?;
        let format = detect_text(name, text)?;
        let source = source_of(format, name);
        let gathered = sources.entry(source).or_default();
        let reader = Reader { file: name };
        match format {
            TrackerFormat::GhrsViewsClones => reader.ghrs_views_clones(text, gathered)?,
            TrackerFormat::GhrsStargazers => {
                reader.series(text, "stars_cumulative", &mut gathered.stars)?
            }
            TrackerFormat::GhrsStargazerSnapshots => reader.series(
                text,
                "stargazers_cumulative_snapshot",
                &mut gathered.star_snapshots,
            )?,
            TrackerFormat::GhrsForks => {
                reader.series(text, "forks_cumulative", &mut gathered.forks)?
            }
            TrackerFormat::GhrsTopSnapshot => gathered.notes.push(format!(
                "{name}: referrer and path snapshots are not imported (no per-day figures)"
            )),
            TrackerFormat::GhtrafExportCsv => reader.export_csv(text, gathered)?,
            TrackerFormat::GhtrafExportJson => json::export_json(name, text, gathered)?,
            TrackerFormat::SangonzalViews => reader.sangonzal(text, false, gathered)?,
            TrackerFormat::SangonzalClones => reader.sangonzal(text, true, gathered)?,
            TrackerFormat::GithubTrafficJson => json::github_traffic(name, text, gathered)?,
        }
    }
    Ok(sources
        .into_iter()
        .map(|(source, gathered)| gathered.into_input(source))
        .collect())
}

fn as_text<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|_| ImportError {
        file: name.to_string(),
        line: None,
        message: "not UTF-8 text: not a tracker's CSV or JSON file".to_string(),
    })
}

fn detect_text(name: &str, text: &str) -> Result<TrackerFormat, ImportError> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('[') || body.starts_with('{') {
        return json::detect(name, body);
    }
    let header: Vec<String> = read_table(body.lines().next().unwrap_or_default())
        .map(|table| table.header)
        .unwrap_or_default();
    let has = |names: &[&str]| names.iter().all(|n| header.iter().any(|h| h == n));
    let format = if has(&["time_iso8601", "clones_total", "views_total"]) {
        TrackerFormat::GhrsViewsClones
    } else if has(&["time_iso8601", "stars_cumulative"]) {
        TrackerFormat::GhrsStargazers
    } else if has(&["time_iso8601", "stargazers_cumulative_snapshot"]) {
        TrackerFormat::GhrsStargazerSnapshots
    } else if has(&["time_iso8601", "forks_cumulative"]) {
        TrackerFormat::GhrsForks
    } else if has(&["views_total", "views_unique"]) && (has(&["referrer"]) || has(&["url_path"])) {
        TrackerFormat::GhrsTopSnapshot
    } else if has(&["date", "clones", "unique_clones", "views", "unique_views"]) {
        TrackerFormat::GhtrafExportCsv
    } else if has(&["_date", "total_views", "unique_views"]) {
        TrackerFormat::SangonzalViews
    } else if has(&["_date", "total_clones", "unique_clones"]) {
        TrackerFormat::SangonzalClones
    } else {
        return Err(ImportError {
            file: name.to_string(),
            line: Some(1),
            message: format!(
                "header `{}` is none this version reads (github-repo-stats' \
                 views_clones_aggregate/stargazers/forks CSVs, `ghtraf export` CSV or JSON, \
                 repository-traffic-action's views/clones CSVs, GitHub-shaped traffic JSON)",
                header.join(",")
            ),
        });
    };
    Ok(format)
}

fn source_of(format: TrackerFormat, name: &str) -> &'static str {
    match format {
        TrackerFormat::GhrsViewsClones
        | TrackerFormat::GhrsStargazers
        | TrackerFormat::GhrsStargazerSnapshots
        | TrackerFormat::GhrsForks
        | TrackerFormat::GhrsTopSnapshot => GITHUB_REPO_STATS,
        TrackerFormat::GhtrafExportCsv | TrackerFormat::GhtrafExportJson => GHTRAF_EXPORT,
        TrackerFormat::SangonzalViews | TrackerFormat::SangonzalClones => REPOSITORY_TRAFFIC_ACTION,
        TrackerFormat::GithubTrafficJson => {
            let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
            if base == "clone.json" {
                CLONE_COUNT_BADGE
            } else if base.starts_with("traffic_") {
                TRAFFIC_TO_BADGE
            } else {
                GITHUB_TRAFFIC_JSON
            }
        }
    }
}

/// What one source's files gave so far.
#[derive(Default)]
pub(super) struct Gathered {
    days: BTreeMap<Date, BackfillDay>,
    stars: Vec<SeriesPoint>,
    star_snapshots: Vec<SeriesPoint>,
    forks: Vec<SeriesPoint>,
    notes: Vec<String>,
}

impl Gathered {
    /// The day's record, for a file to fill in; two files giving a field keep the higher.
    pub(super) fn day(&mut self, date: Date) -> &mut BackfillDay {
        self.days
            .entry(date)
            .or_insert_with(|| BackfillDay::new(date))
    }

    pub(super) fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn into_input(self, source: &str) -> BackfillInput {
        let mut notes = self.notes;
        let stars = (!self.stars.is_empty() || !self.star_snapshots.is_empty()).then(|| {
            let capped = self.stars.iter().any(|p| p.count >= STARGAZER_CAP);
            let mut points = self.stars;
            points.extend(self.star_snapshots);
            let series = Series {
                points,
                complete: !capped,
                note: capped.then(|| {
                    format!(
                        "{STARGAZER_CAP}-star API cap: {source} lists at most {STARGAZER_CAP} \
                         stargazers; later days come from its count snapshots"
                    )
                }),
                source: source.to_string(),
                at: None,
            }
            .normalized();
            if let Some(pair) = series.points.windows(2).find(|p| p[1].count < p[0].count) {
                notes.push(format!(
                    "stars fall from {} to {} on {} (unstars, or the snapshots disagree)",
                    pair[0].count,
                    pair[1].count,
                    format_date(pair[1].date)
                ));
            }
            series
        });
        let forks = (!self.forks.is_empty()).then(|| {
            Series {
                points: self.forks,
                complete: true,
                note: None,
                source: source.to_string(),
                at: None,
            }
            .normalized()
        });
        BackfillInput {
            source: source.to_string(),
            days: self.days.into_values().collect(),
            stars,
            forks,
            notes,
        }
    }
}

/// GitHub's REST stargazer list stops at 400 pages of 100.
const STARGAZER_CAP: u64 = 40_000;

/// Keeps the higher of two readings of one field.
pub(super) fn keep_higher(slot: &mut Option<u64>, value: Option<u64>) {
    if let Some(value) = value {
        *slot = Some(slot.map_or(value, |held| held.max(value)));
    }
}

/// CSV readers, with the file name for messages.
struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn error(&self, line: Option<usize>, message: String) -> ImportError {
        ImportError {
            file: self.file.to_string(),
            line,
            message,
        }
    }

    fn table(&self, text: &str) -> Result<Table, ImportError> {
        read_table(text).map_err(|(line, message)| self.error(Some(line), message))
    }

    fn column(&self, table: &Table, name: &str) -> Result<usize, ImportError> {
        table
            .column(name)
            .ok_or_else(|| self.error(Some(1), format!("no `{name}` column")))
    }

    fn count(
        &self,
        row: &[String],
        column: Option<usize>,
        name: &str,
        line: usize,
    ) -> Result<Option<u64>, ImportError> {
        let Some(column) = column else {
            return Ok(None);
        };
        let cell = row.get(column).map(String::as_str).unwrap_or_default();
        count_of_cell(cell).map_err(|message| self.error(Some(line), format!("{name}: {message}")))
    }

    fn date(&self, row: &[String], column: usize, line: usize) -> Result<Date, ImportError> {
        let cell = row.get(column).map(String::as_str).unwrap_or_default();
        parse_day_stamp(cell).map_err(|message| self.error(Some(line), message))
    }

    fn ghrs_views_clones(&self, text: &str, gathered: &mut Gathered) -> Result<(), ImportError> {
        let table = self.table(text)?;
        let time = self.column(&table, "time_iso8601")?;
        let columns = [
            "clones_total",
            "clones_unique",
            "views_total",
            "views_unique",
        ]
        .map(|name| (name, table.column(name)));
        for (line, row) in &table.rows {
            let date = self.date(row, time, *line)?;
            let mut figures = Vec::with_capacity(columns.len());
            for (name, column) in columns {
                figures.push(self.count(row, column, name, *line)?);
            }
            let day = gathered.day(date);
            for (slot, value) in [
                &mut day.clones,
                &mut day.unique_clones,
                &mut day.views,
                &mut day.unique_views,
            ]
            .into_iter()
            .zip(figures)
            {
                keep_higher(slot, value);
            }
        }
        Ok(())
    }

    fn series(
        &self,
        text: &str,
        column: &str,
        points: &mut Vec<SeriesPoint>,
    ) -> Result<(), ImportError> {
        let table = self.table(text)?;
        let time = self.column(&table, "time_iso8601")?;
        let value = self.column(&table, column)?;
        for (line, row) in &table.rows {
            let cell = row.get(time).map(String::as_str).unwrap_or_default();
            let date = json::instant_day(cell).map_err(|m| self.error(Some(*line), m))?;
            if let Some(count) = self.count(row, Some(value), column, *line)? {
                points.push(SeriesPoint { date, count });
            }
        }
        Ok(())
    }

    fn export_csv(&self, text: &str, gathered: &mut Gathered) -> Result<(), ImportError> {
        let table = self.table(text)?;
        let date_column = self.column(&table, "date")?;
        let columns = [
            "clones",
            "unique_clones",
            "views",
            "unique_views",
            "downloads",
            "ci_checkouts",
            "ci_runs",
        ]
        .map(|name| (name, table.column(name)));
        for (line, row) in &table.rows {
            let date = self.date(row, date_column, *line)?;
            let mut figures = Vec::with_capacity(columns.len());
            for (name, column) in columns {
                figures.push(self.count(row, column, name, *line)?);
            }
            let day = gathered.day(date);
            for (slot, value) in [
                &mut day.clones,
                &mut day.unique_clones,
                &mut day.views,
                &mut day.unique_views,
                &mut day.downloads,
                &mut day.ci_checkouts,
                &mut day.ci_runs,
            ]
            .into_iter()
            .zip(figures)
            {
                keep_higher(slot, value);
            }
        }
        Ok(())
    }

    fn sangonzal(
        &self,
        text: &str,
        clones: bool,
        gathered: &mut Gathered,
    ) -> Result<(), ImportError> {
        let table = self.table(text)?;
        let date_column = self.column(&table, "_date")?;
        let (total, unique) = if clones {
            ("total_clones", "unique_clones")
        } else {
            ("total_views", "unique_views")
        };
        let total_column = table.column(total);
        let unique_column = table.column(unique);
        for (line, row) in &table.rows {
            let date = self.date(row, date_column, *line)?;
            let count = self.count(row, total_column, total, *line)?;
            let uniques = self.count(row, unique_column, unique, *line)?;
            let day = gathered.day(date);
            if clones {
                keep_higher(&mut day.clones, count);
                keep_higher(&mut day.unique_clones, uniques);
            } else {
                keep_higher(&mut day.views, count);
                keep_higher(&mut day.unique_views, uniques);
            }
        }
        Ok(())
    }
}
