//! CI checkouts of past days, recovered from the workflow runs GitHub still lists.
//!
//! Days imported from other trackers (or recovered from gist history) carry
//! clones but no CI figures, so their organic clones would count every CI
//! checkout as a person. While a day's runs still exist, the same rule as
//! `collect` (a job with a checkout step is one clone) fills them in. GitHub
//! deletes old runs, and a day without runs can mean "no CI" or "runs gone":
//! the earliest day read that still has runs is taken as the horizon, and
//! days before it are reported "not available" instead of being given an
//! invented zero (conservative: a day before it that truly had no CI is
//! reported too, at no extra request).
//!
//! Pure: the observer lists the runs and jobs; this module only counts.

use std::collections::BTreeMap;

use ghtraf_github::{Job, WorkflowRun};
use ghtraf_traffic::{format_date, BackfillDay, BackfillInput, CiDay, Day};
use serde::Serialize;
use time::Date;

use super::range::DateRange;
use super::series::utc_day;

/// GitHub's `created=` search returns at most this many runs for one day.
pub const RUNS_PER_SEARCH: usize = 1000;

/// A run with its jobs.
#[derive(Debug, Clone)]
pub struct RunJobs {
    pub run: WorkflowRun,
    pub jobs: Vec<Job>,
}

/// The runs listed for one day (`created=YYYY-MM-DD`).
#[derive(Debug, Clone)]
pub struct DayRuns {
    pub date: Date,
    pub runs: Vec<RunJobs>,
}

/// What the CI source found for one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum CiOutcome {
    /// The day's runs exist: its CI figures (possibly zero: CI did not run that day).
    Figures {
        checkouts: u64,
        runs: u64,
        #[serde(skip)]
        detail: CiDay,
    },
    /// The day's figures cannot be known.
    NotAvailable { reason: String },
}

/// A job clones the repository when one of its steps checks it out (the rule `collect` uses).
pub fn is_checkout_job(job: &Job) -> bool {
    job.steps
        .iter()
        .any(|s| s.name.to_ascii_lowercase().contains("checkout"))
}

/// Held days that need CI figures: they have clones and no `ciCheckouts`, or (with
/// `recount`) every day with clones. Ascending, within `range`.
pub fn days_needing_ci<'a>(
    days: impl IntoIterator<Item = &'a Day>,
    recount: bool,
    range: &DateRange,
) -> Vec<Date> {
    let mut out: Vec<Date> = days
        .into_iter()
        .filter(|d| d.clones > 0 && range.contains(d.date))
        .filter(|d| recount || d.ci_checkouts.is_none())
        .map(|d| d.date)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The creation day of the earliest run among the days read: GitHub keeps runs from
/// then on, so a later day without runs had no CI.
pub fn horizon(listed: &[DayRuns]) -> Option<Date> {
    listed
        .iter()
        .flat_map(|d| &d.runs)
        .filter_map(|rj| utc_day(&rj.run.created_at))
        .min()
}

/// CI figures for every needed day, from the runs listed for each.
pub fn ci_for_days(needed: &[Date], listed: &[DayRuns]) -> BTreeMap<Date, CiOutcome> {
    let oldest_run = horizon(listed);
    let by_day: BTreeMap<Date, &DayRuns> = listed.iter().map(|d| (d.date, d)).collect();
    let mut out = BTreeMap::new();
    for &date in needed {
        let outcome = match (oldest_run, by_day.get(&date)) {
            (None, _) => CiOutcome::NotAvailable {
                reason: "GitHub lists no workflow runs for these days (deleted or expired)"
                    .to_string(),
            },
            (Some(oldest), _) if date < oldest => CiOutcome::NotAvailable {
                reason: format!(
                    "GitHub lists no runs from before {}",
                    format_date(oldest)
                ),
            },
            (Some(_), None) => CiOutcome::NotAvailable {
                reason: "its runs were not read".to_string(),
            },
            (Some(_), Some(day)) if day.runs.len() >= RUNS_PER_SEARCH => {
                CiOutcome::NotAvailable {
                    reason: format!(
                        "GitHub lists at most {RUNS_PER_SEARCH} runs for one day, and this day has that many"
                    ),
                }
            }
            (Some(_), Some(day)) => figures(date, &day.runs),
        };
        out.insert(date, outcome);
    }
    out
}

/// The figures as backfill input (CI fields only), and one note per reason a day is
/// not available.
pub fn to_input(outcomes: &BTreeMap<Date, CiOutcome>) -> (BackfillInput, Vec<String>) {
    let mut days = Vec::new();
    let mut missing: BTreeMap<&str, Vec<Date>> = BTreeMap::new();
    for (date, outcome) in outcomes {
        match outcome {
            CiOutcome::Figures {
                checkouts, runs, ..
            } => {
                let mut day = BackfillDay::new(*date);
                day.ci_checkouts = Some(*checkouts);
                day.ci_runs = Some(*runs);
                days.push(day);
            }
            CiOutcome::NotAvailable { reason } => {
                missing.entry(reason.as_str()).or_default().push(*date)
            }
        }
    }
    let notes = missing
        .into_iter()
        .map(|(reason, dates)| {
            let first = dates.first().map(|d| format_date(*d)).unwrap_or_default();
            let last = dates.last().map(|d| format_date(*d)).unwrap_or_default();
            format!(
                "CI not available for {} day(s) ({first} to {last}): {reason}",
                dates.len()
            )
        })
        .collect();
    let input = BackfillInput {
        source: "ci".to_string(),
        days,
        ..BackfillInput::default()
    };
    (input, notes)
}

fn figures(date: Date, runs: &[RunJobs]) -> CiOutcome {
    let mut ci = CiDay::default();
    for rj in runs {
        // The search is by day; a run outside it (clock skew, a bad timestamp) is not counted.
        if utc_day(&rj.run.created_at) != Some(date) {
            continue;
        }
        let checkouts = rj.jobs.iter().filter(|j| is_checkout_job(j)).count() as u64;
        if checkouts == 0 {
            continue;
        }
        ci.checkouts += checkouts;
        ci.runs += 1;
        let name = rj.run.name.clone().unwrap_or_else(|| rj.run.path.clone());
        let wf = ci.workflows.entry(name).or_default();
        wf.runs += 1;
        wf.checkouts_per_run.push(checkouts);
    }
    CiOutcome::Figures {
        checkouts: ci.checkouts,
        runs: ci.runs,
        detail: ci,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ghtraf_github::Step;
    use time::macros::date;

    fn run(id: u64, name: &str, created_at: &str) -> WorkflowRun {
        WorkflowRun {
            id,
            name: Some(name.into()),
            workflow_id: 1,
            path: ".github/workflows/ci.yml".into(),
            run_number: id,
            event: "push".into(),
            status: Some("completed".into()),
            conclusion: Some("success".into()),
            head_branch: Some("main".into()),
            html_url: String::new(),
            created_at: created_at.into(),
            updated_at: created_at.into(),
        }
    }

    fn job(run_id: u64, steps: &[&str]) -> Job {
        Job {
            id: run_id * 10,
            run_id,
            name: "build".into(),
            status: "completed".into(),
            conclusion: Some("success".into()),
            started_at: None,
            completed_at: None,
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, s)| Step {
                    name: (*s).into(),
                    status: "completed".into(),
                    conclusion: None,
                    number: i as u64 + 1,
                })
                .collect(),
        }
    }

    fn day(date: Date, clones: u64, ci: Option<u64>) -> Day {
        let mut d = Day::empty(date);
        d.clones = clones;
        d.ci_checkouts = ci;
        d
    }

    #[test]
    fn only_days_with_clones_and_no_ci_need_it() {
        let days = [
            day(date!(2024 - 03 - 01), 5, None),
            day(date!(2024 - 03 - 02), 0, None),
            day(date!(2024 - 03 - 03), 7, Some(2)),
            day(date!(2024 - 03 - 04), 9, None),
        ];
        let all = DateRange::default();
        assert_eq!(
            days_needing_ci(&days, false, &all),
            vec![date!(2024 - 03 - 01), date!(2024 - 03 - 04)]
        );
        assert_eq!(days_needing_ci(&days, true, &all).len(), 3);
        let since = DateRange {
            since: Some(date!(2024 - 03 - 02)),
            until: None,
        };
        assert_eq!(
            days_needing_ci(&days, false, &since),
            vec![date!(2024 - 03 - 04)]
        );
    }

    #[test]
    fn counts_checkout_jobs_per_day_and_workflow() {
        let d = date!(2024 - 03 - 01);
        let listed = [DayRuns {
            date: d,
            runs: vec![
                RunJobs {
                    run: run(1, "CI", "2024-03-01T08:00:00Z"),
                    jobs: vec![
                        job(1, &["Set up job", "Run actions/checkout@v4", "Test"]),
                        job(1, &["Checkout"]),
                        job(1, &["Lint"]),
                    ],
                },
                RunJobs {
                    run: run(2, "Docs", "2024-03-01T09:00:00Z"),
                    jobs: vec![job(2, &["Build"])],
                },
                // Listed under the day but created on another: ignored.
                RunJobs {
                    run: run(3, "CI", "2024-03-02T00:00:01Z"),
                    jobs: vec![job(3, &["checkout"])],
                },
            ],
        }];
        let out = ci_for_days(&[d], &listed);
        let CiOutcome::Figures {
            checkouts,
            runs,
            detail,
        } = &out[&d]
        else {
            panic!("{out:?}")
        };
        assert_eq!((*checkouts, *runs), (2, 1));
        assert_eq!(detail.workflows["CI"].checkouts_per_run, vec![2]);
        assert!(!detail.workflows.contains_key("Docs"));
    }

    #[test]
    fn days_after_the_horizon_without_runs_had_no_ci_and_days_before_are_not_available() {
        let early = date!(2024 - 02 - 27);
        let first_run = date!(2024 - 03 - 01);
        let quiet = date!(2024 - 03 - 05);
        let listed = [
            DayRuns {
                date: early,
                runs: vec![],
            },
            DayRuns {
                date: first_run,
                runs: vec![RunJobs {
                    run: run(1, "CI", "2024-03-01T08:00:00Z"),
                    jobs: vec![job(1, &["Checkout"])],
                }],
            },
            DayRuns {
                date: quiet,
                runs: vec![],
            },
        ];
        assert_eq!(horizon(&listed), Some(first_run));
        let out = ci_for_days(&[early, first_run, quiet], &listed);
        match &out[&early] {
            CiOutcome::NotAvailable { reason } => {
                assert!(reason.contains("2024-03-01"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            out[&quiet],
            CiOutcome::Figures {
                checkouts: 0,
                runs: 0,
                detail: CiDay::default()
            }
        );
        let (input, notes) = to_input(&out);
        assert_eq!(input.days.len(), 2);
        assert_eq!(input.days[0].ci_checkouts, Some(1));
        assert_eq!(input.days[1].ci_checkouts, Some(0));
        assert_eq!(
            input.days[1].clones, None,
            "CI input says nothing about clones"
        );
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains("1 day(s) (2024-02-27 to 2024-02-27)"),
            "{notes:?}"
        );
    }

    #[test]
    fn no_runs_at_all_means_nothing_is_known() {
        let d = date!(2024 - 03 - 05);
        let out = ci_for_days(
            &[d],
            &[DayRuns {
                date: d,
                runs: vec![],
            }],
        );
        assert!(matches!(out[&d], CiOutcome::NotAvailable { .. }));
        assert!(to_input(&out).0.days.is_empty());
    }

    #[test]
    fn a_day_at_the_search_limit_is_not_available() {
        let d = date!(2024 - 03 - 01);
        let runs = (0..RUNS_PER_SEARCH as u64)
            .map(|i| RunJobs {
                run: run(i, "CI", "2024-03-01T08:00:00Z"),
                jobs: vec![],
            })
            .collect();
        let out = ci_for_days(&[d], &[DayRuns { date: d, runs }]);
        assert!(matches!(out[&d], CiOutcome::NotAvailable { .. }));
    }
}
