//! The backfill merge: history `collect` can no longer see (other trackers' files, our own
//! gist revisions, CI runs, star and fork lists) folded into a state and its archive months.
//! Pure, like [`crate::merge`]: the `backfill` command reads the sources and the gists, calls
//! [`backfill`], shows the outcome as a plan and writes it.
//!
//! The rules (issue 13): days only gain — by default a field is written only where it is
//! absent, [`BackfillMode::Raise`] takes the higher of held and source; an absent unique stays
//! absent; counts added before the first day held anywhere come out of the baseline (they
//! were already inside an imported total); totals stay derived; a day of an archived month
//! is an explicit [`ArchiveUpdate`]; the same backfill twice changes nothing.

mod report;

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime, UtcOffset};

use crate::ci::{organic_clones, organic_unique_clones};
use crate::dates::{format_date, format_timestamp};
use crate::merge::{archive_complete_months, field_changes};
use crate::model::{period_of, ArchiveMonth, Day, State, Totals, GENERATOR, TOTAL_FIELDS};
use crate::provenance::{DayBackfill, Provenance, Series};
use crate::validate::{check_totals, latest_plausible_day, MAX_COUNT};

pub use report::{ArchiveUpdate, BackfillError, BackfillOutcome, SourceReport};

/// How a source's figure meets a held one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackfillMode {
    /// Write a field only where the day does not hold it (the default). `clones`, `views` and
    /// `downloads` always exist on a day; a held 0 counts as absent for them (GitHub omits zero days and
    /// a day seen in one series gets 0 in the other), so only a held 0 is filled.
    #[default]
    FillAbsent,
    /// Also raise held figures the source reports higher (`--raise`). Never lowers.
    Raise,
}

/// One day as a source knows it. `None` = the source says nothing about that figure (an
/// empty cell); it never becomes 0, except that a day the backfill creates needs `clones`
/// and `views` and gets 0 for the one the source lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillDay {
    pub date: Date,
    pub clones: Option<u64>,
    pub unique_clones: Option<u64>,
    pub views: Option<u64>,
    pub unique_views: Option<u64>,
    /// Release downloads credited to the day (only a `ghtraf export` knows them).
    pub downloads: Option<u64>,
    pub ci_checkouts: Option<u64>,
    pub ci_runs: Option<u64>,
}

/// JSON names of the day fields a backfill writes, in [`BackfillDay`] order.
pub const BACKFILL_FIELDS: [&str; 7] = [
    "clones",
    "uniqueClones",
    "views",
    "uniqueViews",
    "downloads",
    "ciCheckouts",
    "ciRuns",
];

impl BackfillDay {
    /// A day the source says nothing about yet.
    pub fn new(date: Date) -> BackfillDay {
        BackfillDay {
            date,
            clones: None,
            unique_clones: None,
            views: None,
            unique_views: None,
            downloads: None,
            ci_checkouts: None,
            ci_runs: None,
        }
    }

    /// The figures with their JSON names, in [`BACKFILL_FIELDS`] order.
    pub fn figures(&self) -> [(&'static str, Option<u64>); 7] {
        [
            ("clones", self.clones),
            ("uniqueClones", self.unique_clones),
            ("views", self.views),
            ("uniqueViews", self.unique_views),
            ("downloads", self.downloads),
            ("ciCheckouts", self.ci_checkouts),
            ("ciRuns", self.ci_runs),
        ]
    }
}

/// What one source offers: per-day partial figures and optional cumulative series.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackfillInput {
    /// Recorded in provenance, e.g. `github-repo-stats`, `ghtraf-export`, `gist-history`.
    pub source: String,
    /// Any order; one entry per date.
    pub days: Vec<BackfillDay>,
    pub stars: Option<Series>,
    pub forks: Option<Series>,
    /// What the reader of the source wants the user to know (rows it skipped, monthly sums
    /// it could not place); copied into the report.
    pub notes: Vec<String>,
}

impl BackfillInput {
    /// The days every revision of a state ever held (`gist-history`: days that fell out of
    /// the original's 31-day window without reaching an archive), each field the highest any
    /// revision recorded; a unique absent from every revision stays absent. Pass the
    /// revisions as read by [`crate::parse_state`], any order.
    pub fn from_revisions(source: &str, revisions: &[State]) -> BackfillInput {
        let mut days: BTreeMap<Date, BackfillDay> = BTreeMap::new();
        for day in revisions.iter().flat_map(|state| &state.daily_history) {
            let entry = days
                .entry(day.date)
                .or_insert_with(|| BackfillDay::new(day.date));
            for (slot, value) in [
                (&mut entry.clones, Some(day.clones)),
                (&mut entry.unique_clones, day.unique_clones),
                (&mut entry.views, Some(day.views)),
                (&mut entry.unique_views, day.unique_views),
                (&mut entry.downloads, Some(day.downloads)),
                (&mut entry.ci_checkouts, day.ci_checkouts),
                (&mut entry.ci_runs, day.ci_runs),
            ] {
                if let Some(value) = value {
                    *slot = Some(slot.map_or(value, |held: u64| held.max(value)));
                }
            }
        }
        BackfillInput {
            source: source.to_string(),
            days: days.into_values().collect(),
            ..BackfillInput::default()
        }
    }

    /// Only the days from `since` to `until` (inclusive, either open); series are kept whole.
    pub fn within(mut self, since: Option<Date>, until: Option<Date>) -> BackfillInput {
        self.days.retain(|day| {
            since.is_none_or(|since| day.date >= since)
                && until.is_none_or(|until| day.date <= until)
        });
        self
    }
}

/// Folds `inputs`, in order, into `state` and its archive months. `archives` must be every
/// month file listed in `state.archived.months` (a day of an archived month is written there;
/// the baseline rule needs the first day held anywhere). `at` is the run's clock: recorded in
/// provenance, and days after `at` + 1 day are refused.
///
/// Errors leave nothing half-done (nothing is returned to write): an input with an impossible
/// value (a future day, a count above 2^53 − 1, a date twice), archives that do not match the
/// state, or totals that would pass 2^53 − 1.
pub fn backfill(
    state: &State,
    archives: &[ArchiveMonth],
    inputs: &[BackfillInput],
    mode: BackfillMode,
    at: OffsetDateTime,
) -> Result<BackfillOutcome, BackfillError> {
    let periods: Vec<&str> = archives.iter().map(|month| month.period.as_str()).collect();
    let listed: Vec<&str> = state.archived.months.iter().map(String::as_str).collect();
    if periods != listed {
        return Err(BackfillError::new(
            None,
            format!(
                "state.json lists the archive months {listed:?} but the archive files given are \
                 {periods:?}; run `ghtraf verify`"
            ),
        ));
    }
    let at_text = format_timestamp(at);
    let latest = latest_plausible_day(at);
    for input in inputs {
        validate_input(input, latest)?;
    }

    let mut work = Work::new(state, archives);
    let first_held = work.first_held();
    let mut reports = Vec::new();
    for input in inputs {
        reports.push(work.apply(input, mode, first_held, &at_text));
    }
    let outcome = work.finish(archives, reports, at, &at_text);
    check_totals(crate::STATE_FILE, &outcome.state)
        .map_err(|err| BackfillError::new(None, err.to_string()))?;
    Ok(outcome)
}

/// Refuses a source holding a day twice, a day after tomorrow or a count the dashboard
/// cannot show; the message names the source, the day and the field.
fn validate_input(input: &BackfillInput, latest: Date) -> Result<(), BackfillError> {
    let fail = |message: String| Err(BackfillError::new(Some(&input.source), message));
    let mut dates: Vec<Date> = input.days.iter().map(|day| day.date).collect();
    dates.sort();
    if let Some(pair) = dates.windows(2).find(|pair| pair[0] == pair[1]) {
        return fail(format!("day {} appears twice", format_date(pair[0])));
    }
    for day in &input.days {
        if day.date > latest {
            return fail(format!(
                "day {} is after {} (tomorrow): a day that has not happened yet",
                format_date(day.date),
                format_date(latest)
            ));
        }
        for (field, value) in day.figures() {
            if value.is_some_and(|count| count > MAX_COUNT) {
                return fail(format!(
                    "day {}: {field} is above 2^53 − 1 ({MAX_COUNT}): not a real count",
                    format_date(day.date)
                ));
            }
        }
    }
    for (name, series) in [("stars", &input.stars), ("forks", &input.forks)] {
        let Some(series) = series else { continue };
        for point in &series.points {
            if point.date > latest || point.count > MAX_COUNT {
                return fail(format!(
                    "{name} series: point {} = {} is in the future or above 2^53 − 1",
                    format_date(point.date),
                    point.count
                ));
            }
        }
    }
    Ok(())
}

/// The days being changed: `state.json`'s by date, and each archived month's.
struct Work {
    state: State,
    days: BTreeMap<Date, Day>,
    months: BTreeMap<String, BTreeMap<Date, Day>>,
}

impl Work {
    fn new(state: &State, archives: &[ArchiveMonth]) -> Work {
        Work {
            state: state.clone(),
            days: state
                .daily_history
                .iter()
                .map(|day| (day.date, day.clone()))
                .collect(),
            months: archives
                .iter()
                .map(|month| {
                    let days = month
                        .daily_history
                        .iter()
                        .map(|day| (day.date, day.clone()))
                        .collect();
                    (month.period.clone(), days)
                })
                .collect(),
        }
    }

    /// The first day held anywhere (archives or `state.json`); `None` for a state with none.
    fn first_held(&self) -> Option<Date> {
        self.months
            .values()
            .flat_map(|days| days.keys())
            .chain(self.days.keys())
            .min()
            .copied()
    }

    fn totals(&self) -> Totals {
        self.state.baseline.plus(&Totals::of_days(
            self.months
                .values()
                .flat_map(|days| days.values())
                .chain(self.days.values()),
        ))
    }

    fn slot(&mut self, date: Date) -> &mut BTreeMap<Date, Day> {
        let period = period_of(date);
        if self.months.contains_key(&period) {
            self.months.entry(period).or_default()
        } else {
            &mut self.days
        }
    }

    /// Applies one source; its report says what changed.
    fn apply(
        &mut self,
        input: &BackfillInput,
        mode: BackfillMode,
        first_held: Option<Date>,
        at_text: &str,
    ) -> SourceReport {
        let mut report = SourceReport::new(&input.source, self.totals());
        report.notes.clone_from(&input.notes);
        let mut before_first = Totals::default();
        let mut fields_written: Vec<&'static str> = Vec::new();
        let mut sorted: Vec<&BackfillDay> = input.days.iter().collect();
        sorted.sort_by_key(|day| day.date);
        for source_day in sorted {
            let slot = self.slot(source_day.date);
            let held = slot.get(&source_day.date).cloned();
            if held.is_none() && source_day.clones.is_none() && source_day.views.is_none() {
                if source_day
                    .figures()
                    .iter()
                    .any(|(_, value)| value.is_some())
                {
                    report.notes.push(format!(
                        "{}: no clones or views, only uniques or CI figures; a day is not created \
                         from those",
                        format_date(source_day.date)
                    ));
                }
                continue;
            }
            let mut day = held.clone().unwrap_or_else(|| Day::empty(source_day.date));
            let (written, raised) = fill(&mut day, source_day, mode, held.is_none());
            if written.is_empty() && held.is_some() {
                continue;
            }
            // Organic figures follow the figures they are computed from; a day whose clones
            // and CI did not change keeps them as stored (an imported day's included).
            let clone_figures = ["clones", "uniqueClones", "ciCheckouts", "ciRuns"];
            if held.is_none() || written.iter().any(|field| clone_figures.contains(field)) {
                let ci = day.ci_checkouts.unwrap_or(0);
                day.organic_clones = Some(organic_clones(day.clones, ci));
                day.organic_unique_clones = day
                    .unique_clones
                    .map(|uniques| organic_unique_clones(uniques, day.clones, ci, day.ci_runs));
            }
            day.backfill = Some(DayBackfill {
                source: input.source.clone(),
                fields: sorted_names(&written),
            });
            day.captured_at = Some(at_text.to_string());
            if first_held.is_none_or(|first| source_day.date < first) {
                let old = held.as_ref().map(Totals::of_day).unwrap_or_default();
                let new = Totals::of_day(&day);
                for field in TOTAL_FIELDS {
                    let gain = new.get(field).saturating_sub(old.get(field));
                    before_first.set(field, before_first.get(field).saturating_add(gain));
                }
            }
            for field in &written {
                if !fields_written.contains(field) {
                    fields_written.push(field);
                }
            }
            let mut changes = field_changes(held.as_ref(), &day);
            changes.retain(|change| change.before != change.after);
            report.record(source_day.date, held.is_none(), raised, changes);
            slot.insert(source_day.date, day);
        }
        for field in TOTAL_FIELDS {
            let gain = before_first.get(field);
            let held = self.state.baseline.get(field);
            let taken = gain.min(held);
            self.state.baseline.set(field, held - taken);
            report.from_baseline.set(field, taken);
            report.beyond_baseline.set(field, gain - taken);
        }
        report.fields = sorted_names(&fields_written);
        for (name, offered) in [("stars", &input.stars), ("forks", &input.forks)] {
            if let Some(offered) = offered {
                self.apply_series(name, offered, at_text, &mut report);
            }
        }
        report.totals_after = self.totals();
        if report.changed() {
            let mut range = input.days.iter().map(|day| day.date).chain(
                [&input.stars, &input.forks]
                    .into_iter()
                    .flatten()
                    .flat_map(|series| series.points.iter().map(|point| point.date)),
            );
            let first = range.next();
            let (from, to) = range.fold((first, first), |(low, high), date| {
                (low.min(Some(date)), high.max(Some(date)))
            });
            self.state.provenance.push(Provenance {
                source: input.source.clone(),
                at: at_text.to_string(),
                from: from.map(format_date).unwrap_or_default(),
                to: to.map(format_date).unwrap_or_default(),
                days_added: report.days_added,
                days_raised: report.days_raised,
                days_filled: report.days_filled,
                fields: report.fields.clone(),
            });
        }
        report
    }

    /// Stores a series unless it equals the held one, or would replace a complete series by
    /// an incomplete one (a later read that hit the cap or a 403 loses nothing).
    fn apply_series(
        &mut self,
        name: &str,
        offered: &Series,
        at_text: &str,
        report: &mut SourceReport,
    ) {
        let offered = offered.clone().normalized();
        let held = match name {
            "stars" => &mut self.state.series.stars,
            _ => &mut self.state.series.forks,
        };
        let same = held.as_ref().is_some_and(|held| {
            held.points == offered.points
                && held.complete == offered.complete
                && held.note == offered.note
                && held.source == offered.source
        });
        if same {
            return;
        }
        if held.as_ref().is_some_and(|held| held.complete) && !offered.complete {
            report.notes.push(format!(
                "{name}: kept the complete series held; this read is incomplete ({})",
                offered.note.as_deref().unwrap_or("no reason given")
            ));
            return;
        }
        let last = offered.points.last().map_or(0, |point| point.count);
        report.series.push(format!(
            "{name}: {} points, {last} at the end{}",
            offered.points.len(),
            if offered.complete {
                ""
            } else {
                " (incomplete)"
            }
        ));
        *held = Some(Series {
            at: Some(at_text.to_string()),
            ..offered
        });
    }

    /// Reassembles the state and the month files, archives complete months of new days, and
    /// lists every archive file that changed.
    fn finish(
        mut self,
        archives: &[ArchiveMonth],
        reports: Vec<SourceReport>,
        at: OffsetDateTime,
        at_text: &str,
    ) -> BackfillOutcome {
        let changed = reports.iter().any(SourceReport::changed);
        let mut next = self.state;
        next.daily_history = self.days.into_values().collect();
        let mut updates = Vec::new();
        let mut months = Vec::new();
        for old_month in archives {
            let days: Vec<Day> = self
                .months
                .remove(&old_month.period)
                .map(|days| days.into_values().collect())
                .unwrap_or_default();
            let mut month = old_month.clone();
            if days != old_month.daily_history {
                month.daily_history = days;
                month.totals = Totals::of_days(&month.daily_history);
                updates.push(ArchiveUpdate {
                    period: month.period.clone(),
                    before: Some(old_month.totals),
                    after: month.totals,
                    month: month.clone(),
                });
            }
            months.push(month);
        }
        next.archived.totals = months
            .iter()
            .fold(Totals::default(), |sum, month| sum.plus(&month.totals));
        if changed {
            // Whole months of added days leave state.json by the rule `collect` follows, so
            // an import of years keeps state.json small.
            let today = at.to_offset(UtcOffset::UTC).date();
            for month in archive_complete_months(&mut next, today, at_text) {
                updates.push(ArchiveUpdate {
                    period: month.period.clone(),
                    before: None,
                    after: month.totals,
                    month: month.clone(),
                });
                months.push(month);
            }
            months.sort_by(|a, b| a.period.cmp(&b.period));
            updates.sort_by(|a, b| a.period.cmp(&b.period));
            next.generator = GENERATOR.to_string();
        }
        next.refresh_totals();
        BackfillOutcome {
            changed,
            state: next,
            archives: months,
            archive_updates: updates,
            reports,
        }
    }
}

/// Writes the source's figures into `day` by `mode`; returns the fields that changed,
/// and whether any of them raised a figure the day held (rather than filling an absent
/// one: a count of 0, an unknown unique or CI figure).
fn fill(
    day: &mut Day,
    source: &BackfillDay,
    mode: BackfillMode,
    created: bool,
) -> (Vec<&'static str>, bool) {
    let mut written = Vec::new();
    let mut raised = false;
    let raise = mode == BackfillMode::Raise;
    for (field, held, offered) in [
        ("clones", &mut day.clones, source.clones),
        ("views", &mut day.views, source.views),
        ("downloads", &mut day.downloads, source.downloads),
    ] {
        let Some(offered) = offered else { continue };
        let takes = created || if raise { offered > *held } else { *held == 0 };
        if takes && (created || offered != *held) {
            raised |= !created && *held != 0;
            *held = offered;
            written.push(field);
        }
    }
    for (field, held, offered) in [
        ("uniqueClones", &mut day.unique_clones, source.unique_clones),
        ("uniqueViews", &mut day.unique_views, source.unique_views),
        ("ciCheckouts", &mut day.ci_checkouts, source.ci_checkouts),
        ("ciRuns", &mut day.ci_runs, source.ci_runs),
    ] {
        let Some(offered) = offered else { continue };
        let next = match *held {
            None => offered,
            Some(current) if raise => current.max(offered),
            Some(current) => current,
        };
        if *held != Some(next) {
            raised |= held.is_some();
            *held = Some(next);
            written.push(field);
        }
    }
    (written, raised)
}

fn sorted_names(fields: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = fields.iter().map(|field| field.to_string()).collect();
    names.sort();
    names
}

/// The archive months a backfill of `inputs` writes into: the periods of their days that
/// `state` lists as archived. (`backfill` still needs every month file, for the first day
/// held; this tells the plan which files it will rewrite.)
pub fn archived_periods_touched(state: &State, inputs: &[BackfillInput]) -> Vec<String> {
    let mut periods: Vec<String> = inputs
        .iter()
        .flat_map(|input| &input.days)
        .map(|day| period_of(day.date))
        .filter(|period| state.archived.months.contains(period))
        .collect();
    periods.sort();
    periods.dedup();
    periods
}
