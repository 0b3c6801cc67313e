//! How many API requests a backfill will make, checked against the rate limit
//! before the expensive reads start.
//!
//! A backfill reads far more than a daily collection (400 pages of
//! stargazers, a job list per workflow run, a request per gist revision), and
//! the token's 5,000 requests an hour are shared with the daily workflow. So
//! each source estimates its calls from what is known up front (counts from
//! `GET /repos`, the days held), the plan shows them against the remaining
//! limit, and more than the budget is refused unless `--max-requests` says
//! otherwise. Some sources only know their full cost after a cheap first
//! listing (runs per day, revisions): their estimate is a lower bound, and the
//! check runs again with the exact count before the second stage.

use serde::Serialize;

use super::series::rest_pages;
use super::source::{ImportLocation, Source};

/// Share of the remaining rate limit a backfill may use without `--max-requests`.
pub const DEFAULT_SHARE_PERCENT: u64 = 50;

/// One source's expected requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub source: String,
    pub calls: u64,
    /// False when `calls` is a lower bound (the rest depends on what the first reads find).
    pub exact: bool,
    /// How the figure was reached, for the plan.
    pub basis: String,
}

/// What is known before a source is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Known {
    pub stargazers_count: u64,
    pub forks_count: u64,
    /// Held days that need CI figures.
    pub ci_days: u64,
    /// Workflow runs found on those days, once listed.
    pub ci_runs: Option<u64>,
    /// Revisions of the gist, once listed, and how many of them will be read.
    pub revisions: Option<(u64, u64)>,
    /// Files a branch import looks for.
    pub import_files: u64,
}

/// The requests `source` will make.
pub fn estimate(source: &Source, known: &Known) -> Estimate {
    let label = source.label();
    let (calls, exact, basis) = match source {
        Source::Stars => {
            let (pages, capped) = rest_pages(known.stargazers_count);
            let basis = if capped {
                format!(
                    "{pages} pages of 100 (GitHub's cap; {} stargazers)",
                    known.stargazers_count
                )
            } else {
                format!(
                    "{pages} page(s) of 100 for {} stargazers",
                    known.stargazers_count
                )
            };
            (pages, true, basis)
        }
        Source::Forks => {
            let pages = known.forks_count.div_ceil(100).max(1);
            (
                pages,
                true,
                format!("{pages} page(s) of 100 for {} forks", known.forks_count),
            )
        }
        Source::Ci => match known.ci_runs {
            Some(runs) => (
                known.ci_days + runs,
                true,
                format!("{} day list(s), {runs} job list(s)", known.ci_days),
            ),
            None => (
                known.ci_days,
                false,
                format!(
                    "{} day list(s), then one job list per run found",
                    known.ci_days
                ),
            ),
        },
        Source::GistHistory(_) => match known.revisions {
            Some((all, read)) => (
                all.div_ceil(100).max(1) + read,
                true,
                format!(
                    "{} page(s) of revisions, {read} of {all} revisions read",
                    all.div_ceil(100).max(1)
                ),
            ),
            None => (
                1,
                false,
                "1 page of revisions, then one per revision read (one a week)".to_string(),
            ),
        },
        Source::Import(ImportLocation::Path(_)) => (0, true, "local files".to_string()),
        Source::Import(ImportLocation::Branch { .. }) => (
            known.import_files,
            true,
            format!("{} file(s) through the contents API", known.import_files),
        ),
    };
    Estimate {
        source: label,
        calls,
        exact,
        basis,
    }
}

/// The estimates against the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    pub estimates: Vec<Estimate>,
    pub total: u64,
    pub remaining: u64,
    pub budget: u64,
    /// Where the budget comes from, for the plan.
    pub basis: String,
}

impl BudgetReport {
    /// One line for the plan: "about 412 API requests of 4,980 remaining (budget 2,490)".
    pub fn summary(&self) -> String {
        let about = if self.estimates.iter().all(|e| e.exact) {
            ""
        } else {
            "at least "
        };
        format!(
            "{about}{} API request(s) of {} remaining (budget {}: {})",
            self.total, self.remaining, self.budget, self.basis
        )
    }
}

/// Checks the estimates against the budget: `max_requests`, else
/// [`DEFAULT_SHARE_PERCENT`] of `remaining`. Never more than `remaining`.
pub fn check(
    estimates: Vec<Estimate>,
    remaining: u64,
    max_requests: Option<u64>,
) -> Result<BudgetReport, String> {
    let total: u64 = estimates.iter().map(|e| e.calls).sum();
    let (budget, basis) = match max_requests {
        Some(n) if n > remaining => {
            return Err(format!(
                "--max-requests {n} is more than the {remaining} requests the token has left \
                 this hour; wait for the rate limit to reset or lower it"
            ))
        }
        Some(n) => (n, "--max-requests".to_string()),
        None => (
            remaining * DEFAULT_SHARE_PERCENT / 100,
            format!("{DEFAULT_SHARE_PERCENT}% of the remaining rate limit"),
        ),
    };
    let report = BudgetReport {
        estimates,
        total,
        remaining,
        budget,
        basis,
    };
    if total > budget {
        let worst = report
            .estimates
            .iter()
            .max_by_key(|e| e.calls)
            .map(|e| format!(" (most: {} with {})", e.source, e.calls))
            .unwrap_or_default();
        // A lower bound cannot promise that its figure is enough: say so, and why.
        let pass = match report.estimates.iter().find(|e| !e.exact) {
            None => format!("pass --max-requests {total} to allow it"),
            Some(e) => format!(
                "pass --max-requests {total} or more (what {} costs in all is known only after \
                 its first listing, and is checked again then)",
                e.source
            ),
        };
        return Err(format!(
            "this backfill needs {}{worst}, more than its budget; {pass}, or read less \
             (--since/--until, fewer --from)",
            report.summary()
        ));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_cost_pages_up_to_the_cap() {
        let known = Known {
            stargazers_count: 52_000,
            ..Known::default()
        };
        let e = estimate(&Source::Stars, &known);
        assert_eq!(e.calls, 400);
        assert!(e.basis.contains("cap"), "{}", e.basis);
        let small = Known {
            stargazers_count: 250,
            forks_count: 0,
            ..Known::default()
        };
        assert_eq!(estimate(&Source::Stars, &small).calls, 3);
        assert_eq!(estimate(&Source::Forks, &small).calls, 1);
    }

    #[test]
    fn staged_sources_are_lower_bounds_until_listed() {
        let mut known = Known {
            ci_days: 30,
            ..Known::default()
        };
        let first = estimate(&Source::Ci, &known);
        assert_eq!((first.calls, first.exact), (30, false));
        known.ci_runs = Some(120);
        let second = estimate(&Source::Ci, &known);
        assert_eq!((second.calls, second.exact), (150, true));

        let mut known = Known::default();
        assert!(!estimate(&Source::GistHistory(None), &known).exact);
        known.revisions = Some((365, 54));
        assert_eq!(estimate(&Source::GistHistory(None), &known).calls, 4 + 54);
    }

    #[test]
    fn local_imports_are_free() {
        let s: Source = "import:x.csv".parse().unwrap();
        assert_eq!(estimate(&s, &Known::default()).calls, 0);
        let b: Source = "import:o/r@b".parse().unwrap();
        let known = Known {
            import_files: 4,
            ..Known::default()
        };
        assert_eq!(estimate(&b, &known).calls, 4);
    }

    fn est(calls: u64) -> Estimate {
        Estimate {
            source: "stars".into(),
            calls,
            exact: true,
            basis: String::new(),
        }
    }

    #[test]
    fn default_budget_is_half_the_remaining_limit() {
        let ok = check(vec![est(2_000), est(500)], 5_000, None).unwrap();
        assert_eq!((ok.total, ok.budget), (2_500, 2_500));
        assert!(ok.summary().starts_with("2500 API request(s) of 5000"));
        let err = check(vec![est(2_501)], 5_000, None).unwrap_err();
        assert!(err.contains("--max-requests 2501"), "{err}");
        assert!(err.contains("most: stars"), "{err}");
    }

    #[test]
    fn max_requests_raises_the_budget_but_not_past_the_limit() {
        assert!(check(vec![est(4_000)], 5_000, Some(4_000)).is_ok());
        assert!(check(vec![est(4_001)], 5_000, Some(4_000)).is_err());
        let err = check(vec![est(10)], 5_000, Some(6_000)).unwrap_err();
        assert!(err.contains("left"), "{err}");
        // A small explicit budget also refuses.
        assert!(check(vec![est(11)], 5_000, Some(10)).is_err());
    }

    #[test]
    fn lower_bounds_say_at_least() {
        let mut e = est(5);
        e.exact = false;
        let r = check(vec![e.clone()], 100, None).unwrap();
        assert!(r.summary().starts_with("at least 5"), "{}", r.summary());
        // Refused, it does not promise that the lower bound is enough.
        let err = check(vec![e], 100, Some(4)).unwrap_err();
        assert!(err.contains("--max-requests 5 or more"), "{err}");
        assert!(err.contains("known only after"), "{err}");
    }
}
