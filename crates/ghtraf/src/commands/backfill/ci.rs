//! CI checkouts of past days, recovered from the workflow runs GitHub still lists.
//!
//! Days imported from other trackers (or recovered from gist history) carry
//! clones but no CI figures, so their organic clones would count every CI
//! checkout as a person. While a day's runs still exist, the same rule as
//! `collect` (a job with a checkout step is one clone) fills them in. GitHub
//! deletes old runs, and a day without runs can mean "no CI" or "runs gone":
//! the oldest run still listed tells the two apart, and days before it are
//! reported "not available" instead of being given an invented zero.
//!
//! Pure: the observer lists the runs and jobs; this module only counts.

use std::collections::BTreeMap;

use ghtraf_github::{Job, WorkflowRun};
use ghtraf_traffic::{format_date, CiDay, Day};
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

/// Days whose runs can still be listed: not before the oldest run GitHub lists.
/// The others are answered without a request.
pub fn listable(needed: &[Date], oldest_run: Option<Date>) -> Vec<Date> {
    match oldest_run {
        Some(oldest) => needed.iter().copied().filter(|d| *d >= oldest).collect(),
        None => Vec::new(),
    }
}

/// CI figures for every needed day. `oldest_run` is the creation day of the oldest run
/// GitHub still lists for the repository (`None`: it lists none).
pub fn ci_for_days(
    needed: &[Date],
    listed: &[DayRuns],
    oldest_run: Option<Date>,
) -> BTreeMap<Date, CiOutcome> {
    let by_day: BTreeMap<Date, &DayRuns> = listed.iter().map(|d| (d.date, d)).collect();
    let mut out = BTreeMap::new();
    for &date in needed {
        let outcome = match (oldest_run, by_day.get(&date)) {
            (None, _) => CiOutcome::NotAvailable {
                reason: "GitHub lists no workflow runs for this repository (deleted or expired)"
                    .to_string(),
            },
            (Some(oldest), _) if date < oldest => CiOutcome::NotAvailable {
                reason: format!(
                    "GitHub no longer lists runs from before {}",
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
        let out = ci_for_days(&[d], &listed, Some(date!(2024 - 01 - 01)));
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
    fn a_day_after_the_oldest_run_without_runs_had_no_ci() {
        let d = date!(2024 - 03 - 05);
        let out = ci_for_days(
            &[d],
            &[DayRuns {
                date: d,
                runs: vec![],
            }],
            Some(date!(2024 - 03 - 01)),
        );
        assert_eq!(
            out[&d],
            CiOutcome::Figures {
                checkouts: 0,
                runs: 0,
                detail: CiDay::default()
            }
        );
    }

    #[test]
    fn days_before_the_oldest_run_are_not_available() {
        let early = date!(2023 - 11 - 30);
        let late = date!(2024 - 03 - 05);
        let needed = [early, late];
        let oldest = Some(date!(2024 - 01 - 01));
        assert_eq!(listable(&needed, oldest), vec![late]);
        assert!(listable(&needed, None).is_empty());
        let out = ci_for_days(&needed, &[], oldest);
        match &out[&early] {
            CiOutcome::NotAvailable { reason } => assert!(reason.contains("2024-01-01")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(out[&late], CiOutcome::NotAvailable { .. }));
        let none = ci_for_days(&needed, &[], None);
        assert!(none
            .values()
            .all(|o| matches!(o, CiOutcome::NotAvailable { .. })));
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
        let out = ci_for_days(&[d], &[DayRuns { date: d, runs }], Some(d));
        assert!(matches!(out[&d], CiOutcome::NotAvailable { .. }));
    }
}
