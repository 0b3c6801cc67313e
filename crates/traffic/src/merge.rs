//! Folding one collection run into the state. The rules that make the history permanent live
//! here: a stored figure never goes down, an absent unique never becomes 0 unless GitHub
//! reports it, totals are recomputed from their parts instead of accumulating deltas, and
//! complete months move to their archive file exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::ci::{organic_clones, organic_unique_clones};
use crate::dates::{format_date, format_timestamp};
use crate::model::{
    period_of, ArchiveIndex, ArchiveMonth, Day, DownloadSnapshot, PopularPath, Referrer, RepoStats,
    State, Totals, WorkflowCi, GENERATOR, SCHEMA_VERSION,
};

/// The archive gist's index file.
pub const ARCHIVE_INDEX_FILE: &str = "archive.json";

/// Days of GitHub's traffic window (today included); older days can no longer change.
pub const TRAFFIC_WINDOW_DAYS: i64 = 14;

/// Days `state.json` keeps before a month may leave it: the badges' longest lookback.
/// A month is archived once the day this many days back is in a later month; that is
/// always after the traffic window has left it, so archived days never change.
pub const RETAINED_DAYS: i64 = 30;

/// One day bucket of GitHub's clones or views series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrafficPoint {
    pub date: Date,
    pub count: u64,
    pub uniques: u64,
}

/// CI figures of one day: jobs with a checkout step in that day's workflow runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CiDay {
    pub checkouts: u64,
    pub runs: u64,
    /// Per workflow name.
    pub workflows: BTreeMap<String, WorkflowCi>,
}

/// Repository figures at collection time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoSnapshot {
    pub stars: u64,
    pub forks: u64,
    pub open_issues: u64,
    pub created_at: Option<String>,
}

/// Everything one collection run observed. `None`/empty means "not observed this run":
/// the stored value is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub now: OffsetDateTime,
    /// The 14-day clones series (days GitHub omitted are simply absent).
    pub clones: Vec<TrafficPoint>,
    /// The 14-day views series.
    pub views: Vec<TrafficPoint>,
    pub referrers: Option<Vec<Referrer>>,
    pub popular_paths: Option<Vec<PopularPath>>,
    pub repo: Option<RepoSnapshot>,
    /// Sum of `download_count` over all release assets right now.
    pub release_downloads: Option<u64>,
    /// CI figures per day (usually today and yesterday).
    pub ci: BTreeMap<Date, CiDay>,
}

impl Observation {
    /// An observation of nothing at `now`.
    pub fn empty(now: OffsetDateTime) -> Observation {
        Observation {
            now,
            clones: Vec::new(),
            views: Vec::new(),
            referrers: None,
            popular_paths: None,
            repo: None,
            release_downloads: None,
            ci: BTreeMap::new(),
        }
    }
}

/// One field of a day that a merge changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// JSON name, e.g. `uniqueClones`.
    pub field: &'static str,
    pub before: Option<u64>,
    pub after: Option<u64>,
}

/// A day a merge added or changed, for plan details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayChange {
    pub date: Date,
    pub added: bool,
    pub fields: Vec<FieldChange>,
}

impl fmt::Display for DayChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}:",
            format_date(self.date),
            if self.added { "added" } else { "raised" }
        )?;
        let show = |value: Option<u64>| value.map_or_else(|| "—".to_string(), |v| v.to_string());
        for change in &self.fields {
            write!(
                f,
                " {} {}→{}",
                change.field,
                show(change.before),
                show(change.after)
            )?;
        }
        Ok(())
    }
}

/// What [`merge`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    pub state: State,
    /// Days added or changed, ascending.
    pub changes: Vec<DayChange>,
    /// Months that left `state.json`, one file each, ascending. See
    /// [`MergeOutcome::periods_to_extend`] for months whose file already exists.
    pub archive: Vec<ArchiveMonth>,
    /// False when nothing but capture times would change: no write is needed.
    pub changed: bool,
    /// Observations that were ignored and why (e.g. a day of an archived month).
    pub notes: Vec<String>,
}

impl MergeOutcome {
    /// Periods in [`MergeOutcome::archive`] whose file already exists (listed in the old
    /// state's `archived.months`; happens only after importing the original's archives):
    /// fetch those files and pass each to [`MergeOutcome::absorb_existing`] before writing.
    pub fn periods_to_extend(&self, old: &State) -> Vec<String> {
        self.archive
            .iter()
            .filter(|month| old.archived.months.contains(&month.period))
            .map(|month| month.period.clone())
            .collect()
    }

    /// Folds an existing archive file into the month about to be written (same period), so
    /// the written file and [`MergeOutcome::updated_index`] hold the whole month.
    pub fn absorb_existing(&mut self, existing: &ArchiveMonth) {
        if let Some(month) = self
            .archive
            .iter_mut()
            .find(|month| month.period == existing.period)
        {
            month.absorb(existing);
        }
    }

    /// The archive gist files to write: each archived month and the updated `archive.json`.
    /// Empty when no month left `state.json`.
    pub fn archive_files(&self, existing_index: Option<&ArchiveIndex>) -> BTreeMap<String, String> {
        if self.archive.is_empty() {
            return BTreeMap::new();
        }
        let mut files: BTreeMap<String, String> = self
            .archive
            .iter()
            .map(|month| (month.file_name(), month.to_json()))
            .collect();
        files.insert(
            ARCHIVE_INDEX_FILE.to_string(),
            self.updated_index(existing_index).to_json(),
        );
        files
    }

    /// `archive.json` after writing [`MergeOutcome::archive`].
    pub fn updated_index(&self, existing: Option<&ArchiveIndex>) -> ArchiveIndex {
        let updated_at = self.state.captured_at.clone().unwrap_or_default();
        let mut index = existing
            .cloned()
            .unwrap_or_else(|| ArchiveIndex::empty(&self.state.repo, &updated_at));
        index.schema_version = SCHEMA_VERSION;
        index.repo.clone_from(&self.state.repo);
        if !self.archive.is_empty() {
            index.updated_at = updated_at;
        }
        for month in &self.archive {
            index.upsert(month);
        }
        index
    }
}

/// The state `ghtraf create` writes: no days, zero totals, and no `capturedAt`:
/// nothing has been collected yet (the first `collect` sets it). `now` is the
/// day tracking starts.
pub fn initial_state(repo: &str, now: OffsetDateTime) -> State {
    State {
        schema_version: SCHEMA_VERSION,
        generator: GENERATOR.to_string(),
        repo: repo.to_string(),
        tracking_since: Some(format_date(utc_date(now))),
        captured_at: None,
        totals: Totals::default(),
        baseline: Totals::default(),
        archived: Default::default(),
        daily_history: Vec::new(),
        downloads: None,
        repo_stats: None,
        referrers: Vec::new(),
        popular_paths: Vec::new(),
        ci_workflows: None,
        series: Default::default(),
        provenance: Vec::new(),
        imported: None,
        extra: Default::default(),
    }
}

fn utc_date(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::UTC).date()
}

/// Folds `obs` into `state`. Pure: the same inputs always give the same outcome.
pub fn merge(state: &State, obs: &Observation) -> MergeOutcome {
    let mut next = state.clone();
    let now_text = format_timestamp(obs.now);
    let today = utc_date(obs.now);
    // An observation older than the last collection (a re-run of an old job) may still
    // raise days, but must not roll snapshots (downloads, stars, referrers) back in time.
    let stale = state
        .captured_at
        .as_deref()
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
        .is_some_and(|last| obs.now < last);
    let last_archived = state.archived.months.iter().max().cloned();
    let is_archived = |date: Date| {
        last_archived
            .as_ref()
            .is_some_and(|last| period_of(date) <= *last)
    };

    let before: BTreeMap<Date, Day> = state
        .daily_history
        .iter()
        .map(|day| (day.date, day.clone()))
        .collect();
    let mut touched: BTreeSet<Date> = BTreeSet::new();
    let mut notes = Vec::new();
    let mut days: BTreeMap<Date, Day> = before.clone();

    for (series, points) in [("clones", &obs.clones), ("views", &obs.views)] {
        for point in points {
            if is_archived(point.date) {
                notes.push(format!(
                    "ignored {series} of {}: its month is already archived",
                    format_date(point.date)
                ));
                continue;
            }
            let day = days
                .entry(point.date)
                .or_insert_with(|| Day::empty(point.date));
            let (count, uniques) = if series == "clones" {
                (&mut day.clones, &mut day.unique_clones)
            } else {
                (&mut day.views, &mut day.unique_views)
            };
            *count = (*count).max(point.count);
            *uniques = Some(uniques.map_or(point.uniques, |held| held.max(point.uniques)));
            touched.insert(point.date);
        }
    }

    for (date, ci) in &obs.ci {
        if is_archived(*date) {
            notes.push(format!(
                "ignored CI figures of {}: its month is already archived",
                format_date(*date)
            ));
            continue;
        }
        let day = days.entry(*date).or_insert_with(|| Day::empty(*date));
        let held = day.ci_checkouts.unwrap_or(0);
        // The breakdown follows the highest count; an equal count keeps the stored one so a
        // replayed run cannot flip it.
        if (day.ci_workflows.is_none() || ci.checkouts > held) && !ci.workflows.is_empty() {
            day.ci_workflows = Some(ci.workflows.clone());
        }
        day.ci_checkouts = Some(held.max(ci.checkouts));
        day.ci_runs = Some(day.ci_runs.unwrap_or(0).max(ci.runs));
        touched.insert(*date);
    }

    let mut baseline_downloads = next.baseline.downloads;
    if !stale {
        if let Some(total) = obs.release_downloads {
            match &next.downloads {
                // The first snapshot holds every download before tracking began.
                None => baseline_downloads = baseline_downloads.saturating_add(total),
                Some(previous) => {
                    let delta = total.saturating_sub(previous.total);
                    if delta > 0 && !is_archived(today) {
                        let day = days.entry(today).or_insert_with(|| Day::empty(today));
                        day.downloads = day.downloads.saturating_add(delta);
                        touched.insert(today);
                    }
                }
            }
            next.downloads = Some(DownloadSnapshot {
                snapshot_at: Some(now_text.clone()),
                total,
            });
        }
        if let Some(repo) = &obs.repo {
            next.repo_stats = Some(RepoStats {
                stars: Some(repo.stars),
                forks: Some(repo.forks),
                open_issues: Some(repo.open_issues),
                created_at: repo.created_at.clone().or_else(|| {
                    next.repo_stats
                        .as_ref()
                        .and_then(|stats| stats.created_at.clone())
                }),
                observed_at: Some(now_text.clone()),
            });
            if !is_archived(today) {
                let day = days.entry(today).or_insert_with(|| Day::empty(today));
                day.stars = Some(repo.stars);
                day.forks = Some(repo.forks);
                day.open_issues = Some(repo.open_issues);
                touched.insert(today);
            }
        }
        if let Some(referrers) = &obs.referrers {
            next.referrers.clone_from(referrers);
        }
        if let Some(paths) = &obs.popular_paths {
            next.popular_paths.clone_from(paths);
        }
    }
    next.baseline.downloads = baseline_downloads;

    let mut changes = Vec::new();
    for date in &touched {
        let Some(day) = days.get_mut(date) else {
            continue;
        };
        let ci = day.ci_checkouts.unwrap_or(0);
        day.organic_clones = Some(organic_clones(day.clones, ci));
        if let Some(uniques) = day.unique_clones {
            day.organic_unique_clones =
                Some(organic_unique_clones(uniques, day.clones, ci, day.ci_runs));
        }
        let previous = before.get(date);
        let fields = field_changes(previous, day);
        // A figure GitHub now reports higher is collected, no longer backfilled.
        if let Some(provenance) = &mut day.backfill {
            provenance
                .fields
                .retain(|field| !fields.iter().any(|change| change.field == field));
            if provenance.fields.is_empty() {
                day.backfill = None;
            }
        }
        if previous.is_none() || !fields.is_empty() {
            day.captured_at = Some(now_text.clone());
            changes.push(DayChange {
                date: *date,
                added: previous.is_none(),
                fields,
            });
        }
    }

    next.daily_history = days.into_values().collect();
    if let Some(latest) = next
        .daily_history
        .iter()
        .rev()
        .find_map(|day| day.ci_workflows.clone())
    {
        next.ci_workflows = Some(latest);
    }
    if next.tracking_since.is_none() {
        next.tracking_since = next.daily_history.first().map(|day| format_date(day.date));
    }

    let archive = archive_complete_months(&mut next, today, &now_text);
    next.generator = GENERATOR.to_string();
    if !stale {
        next.captured_at = Some(now_text);
    }
    next.refresh_totals();

    let changed = !same_but_stamps(state, &next);
    MergeOutcome {
        state: next,
        changes,
        archive,
        changed,
        notes,
    }
}

/// Moves every month that is complete and out of the retained lookback to an archive file.
pub(crate) fn archive_complete_months(
    state: &mut State,
    today: Date,
    now_text: &str,
) -> Vec<ArchiveMonth> {
    let Some(cutoff) = today.checked_sub(Duration::days(RETAINED_DAYS)) else {
        return Vec::new();
    };
    let first_kept_period = period_of(cutoff);
    let mut months: BTreeMap<String, Vec<Day>> = BTreeMap::new();
    state.daily_history.retain(|day| {
        let period = day.period();
        if period < first_kept_period {
            months.entry(period).or_default().push(day.clone());
            false
        } else {
            true
        }
    });
    let mut archive = Vec::new();
    for (period, days) in months {
        let totals = Totals::of_days(&days);
        state.archived.totals = state.archived.totals.plus(&totals);
        if !state.archived.months.contains(&period) {
            state.archived.months.push(period.clone());
        }
        archive.push(ArchiveMonth {
            schema_version: SCHEMA_VERSION,
            repo: state.repo.clone(),
            period,
            generated_at: now_text.to_string(),
            totals,
            daily_history: days,
            extra: Default::default(),
        });
    }
    state.archived.months.sort();
    archive
}

/// Equal apart from the fields that record when something was looked at.
fn same_but_stamps(old: &State, new: &State) -> bool {
    let mut normalized = new.clone();
    // The first collection is a change even when it found nothing: from then
    // on the state says when it was collected.
    if old.captured_at.is_some() {
        normalized.captured_at.clone_from(&old.captured_at);
    }
    normalized.generator.clone_from(&old.generator);
    if let (Some(stats), Some(old_stats)) = (&mut normalized.repo_stats, &old.repo_stats) {
        stats.observed_at.clone_from(&old_stats.observed_at);
    }
    if let (Some(snapshot), Some(old_snapshot)) = (&mut normalized.downloads, &old.downloads) {
        snapshot.snapshot_at.clone_from(&old_snapshot.snapshot_at);
    }
    normalized == *old
}

fn day_figures(day: &Day) -> [(&'static str, Option<u64>); 12] {
    [
        ("clones", Some(day.clones)),
        ("uniqueClones", day.unique_clones),
        ("views", Some(day.views)),
        ("uniqueViews", day.unique_views),
        ("downloads", Some(day.downloads)),
        ("ciCheckouts", day.ci_checkouts),
        ("ciRuns", day.ci_runs),
        ("organicClones", day.organic_clones),
        ("organicUniqueClones", day.organic_unique_clones),
        ("stars", day.stars),
        ("forks", day.forks),
        ("openIssues", day.open_issues),
    ]
}

/// The figures two records of the same day disagree on, as `clones (12 and 15)`; an absent
/// figure shows as `absent`.
pub(crate) fn differing_figures(a: &Day, b: &Day) -> Vec<String> {
    let show = |value: Option<u64>| value.map_or_else(|| "absent".to_string(), |v| v.to_string());
    day_figures(a)
        .iter()
        .zip(day_figures(b))
        .filter(|((_, x), (_, y))| x != y)
        .map(|((field, x), (_, y))| format!("{field} ({} and {})", show(*x), show(y)))
        .collect()
}

pub(crate) fn field_changes(before: Option<&Day>, after: &Day) -> Vec<FieldChange> {
    let after_figures = day_figures(after);
    let before_figures = before.map(day_figures);
    let mut changes = Vec::new();
    for (i, (field, value)) in after_figures.iter().enumerate() {
        let previous = before_figures.as_ref().and_then(|figures| figures[i].1);
        if before.is_none() && value.is_none() {
            continue;
        }
        if previous != *value {
            changes.push(FieldChange {
                field,
                before: previous,
                after: *value,
            });
        }
    }
    if before.is_some_and(|day| day.ci_workflows != after.ci_workflows) {
        changes.push(FieldChange {
            field: "ciWorkflows",
            before: before
                .and_then(|day| day.ci_workflows.as_ref())
                .map(|flows| flows.len() as u64),
            after: after.ci_workflows.as_ref().map(|flows| flows.len() as u64),
        });
    }
    changes
}

fn max_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Keeps the higher figure of each field of two records of the same day (the original's
/// overlapping archives, duplicated days). Keys only `other` has are added.
pub(crate) fn max_into(mine: &mut Day, other: &Day) {
    let other_has_more_ci = other.ci_checkouts.unwrap_or(0) > mine.ci_checkouts.unwrap_or(0);
    if (other_has_more_ci || mine.ci_workflows.is_none()) && other.ci_workflows.is_some() {
        mine.ci_workflows.clone_from(&other.ci_workflows);
    }
    mine.clones = mine.clones.max(other.clones);
    mine.views = mine.views.max(other.views);
    mine.downloads = mine.downloads.max(other.downloads);
    mine.unique_clones = max_opt(mine.unique_clones, other.unique_clones);
    mine.unique_views = max_opt(mine.unique_views, other.unique_views);
    mine.ci_checkouts = max_opt(mine.ci_checkouts, other.ci_checkouts);
    mine.ci_runs = max_opt(mine.ci_runs, other.ci_runs);
    mine.organic_clones = max_opt(mine.organic_clones, other.organic_clones);
    mine.organic_unique_clones = max_opt(mine.organic_unique_clones, other.organic_unique_clones);
    mine.stars = max_opt(mine.stars, other.stars);
    mine.forks = max_opt(mine.forks, other.forks);
    mine.open_issues = max_opt(mine.open_issues, other.open_issues);
    if mine.backfill.is_none() {
        mine.backfill.clone_from(&other.backfill);
    }
    if mine.captured_at < other.captured_at {
        mine.captured_at.clone_from(&other.captured_at);
    }
    for (key, value) in &other.extra {
        mine.extra
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
}
