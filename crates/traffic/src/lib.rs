//! ghtraf's traffic history as pure data: the v4 state format, lossless import of the
//! original tool's v1–v3 states and archives, the never-lowering merge of one collection
//! run, badges, monthly archives and exports, the backfill of history `collect` cannot see
//! (other trackers' files, star and fork series). No I/O and no clock (callers pass `now`), so
//! the rules that keep the history permanent are testable in isolation; the CLI wires them
//! into observe → merge → plan → execute → verify.
//!
//! The format contract is docs/state-format.md; the JSON Schema is docs/state.schema.json.

mod backfill;
mod badges;
pub mod ci;
mod dates;
mod export;
mod identity;
mod merge;
mod model;
mod parse;
mod provenance;
mod trackers;
mod validate;

pub use backfill::{
    archived_periods_touched, backfill, ArchiveUpdate, BackfillDay, BackfillError, BackfillInput,
    BackfillMode, BackfillOutcome, SourceReport, BACKFILL_FIELDS,
};
pub use badges::{badge_files, badge_gist_files, thousands, STATE_FILE};
pub use dates::{format_bucket, format_date, format_timestamp, parse_bucket};
pub use export::{export_rows, to_csv, to_json, ExportRow};
pub use identity::check_identity;
pub use merge::{
    initial_state, merge, CiDay, DayChange, FieldChange, MergeOutcome, Observation, RepoSnapshot,
    TrafficPoint, ARCHIVE_INDEX_FILE, RETAINED_DAYS, TRAFFIC_WINDOW_DAYS,
};
pub use model::{
    archive_file_name, period_of, ArchiveIndex, ArchiveIndexEntry, ArchiveMonth, Archived, Day,
    DownloadSnapshot, PopularPath, Referrer, RepoStats, State, Totals, WorkflowCi, GENERATOR,
    SCHEMA_VERSION, TOTAL_FIELDS,
};
pub use parse::{
    adopt_original_archives, archive_period_of_file, import_archives, parse_archive_index,
    parse_archive_month, parse_state, ParsedState, StateError,
};
pub use provenance::{DayBackfill, Provenance, Series, SeriesPoint, SeriesSet};
pub use trackers::{
    detect_format, import_tracker_files, ImportError, TrackerFormat, CLONE_COUNT_BADGE,
    GHTRAF_EXPORT, GITHUB_REPO_STATS, GITHUB_TRAFFIC_JSON, REPOSITORY_TRAFFIC_ACTION,
    TRAFFIC_TO_BADGE,
};
pub use validate::{check_plausible, latest_plausible_day, MAX_COUNT};
