//! `backfill`, phase 1's second half: one reader per source (stars, forks,
//! CI, gist history, imports), each ending as backfill input or as "not
//! available" with its reason. Split from `observe.rs`, which reads the gists
//! and the rate limit, checks the budget and runs these readers concurrently.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ghtraf_github::{fan_out, GitHubRead, RepoRef};
use ghtraf_traffic::{format_date, BackfillInput, STATE_FILE};
use time::{Date, Duration};

use super::budget::BudgetReport;
use super::ci::{self, DayRuns, RunJobs};
use super::gist_history::{self, Revision, REVISION_STRIDE_DAYS};
use super::imports;
use super::input::SourceReading;
use super::series::{self, Entry, Listing, SeriesKind};
use super::source::{ImportLocation, Source};
use crate::context::Context;
use crate::error::{CliError, Result};

/// Requests in flight at once while reading one source's pages or items.
const IN_FLIGHT: usize = ghtraf_github::DEFAULT_FAN_OUT;

/// A local import file larger than this is refused (no tracker writes files this big).
const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// What every source reader needs.
pub(super) struct Reader<'a> {
    pub(super) ctx: &'a Context,
    pub(super) gh: &'a dyn GitHubRead,
    pub(super) repo: &'a RepoRef,
    pub(super) badge_gist_id: &'a str,
    pub(super) created: Option<Date>,
    pub(super) stargazers_count: u64,
    pub(super) forks_count: u64,
    pub(super) ci_days: &'a [Date],
    pub(super) budget: &'a BudgetReport,
}

/// A GitHub error as the reason a source is not available.
fn unavailable(source: &Source, what: &str, e: &ghtraf_github::Error) -> SourceReading {
    let mut reason = format!("{what}: {}", e.message());
    if let Some(h) = e.hint() {
        reason.push_str(&format!(" ({h})"));
    }
    SourceReading::unavailable(source.clone(), reason, e.status())
}

impl Reader<'_> {
    /// Requests the other sources were estimated to take: this source may make
    /// the budget minus these in its second stage.
    fn others(&self, source: &Source) -> u64 {
        self.budget
            .estimates
            .iter()
            .filter(|e| e.source != source.label())
            .map(|e| e.calls)
            .sum()
    }

    fn over_budget(&self, source: &Source, needed: u64) -> Option<SourceReading> {
        let others = self.others(source);
        let allowed = self.budget.budget.saturating_sub(others);
        // Now the cost is known: name the figure that allows it, not "more".
        (needed > allowed).then(|| {
            SourceReading::over_budget(
                source.clone(),
                format!(
                    "it needs {needed} requests, more than the {allowed} left in the budget \
                     ({}); pass --max-requests {} to allow it, or narrow it with --since/--until",
                    self.budget.basis,
                    others + needed
                ),
            )
        })
    }

    /// Reads one source; `extra_ci_days` are days other sources bring that need CI.
    pub(super) fn read(&self, source: &Source, extra_ci_days: &[Date]) -> Result<SourceReading> {
        Ok(match source {
            Source::Stars => self.stars(source),
            Source::Forks => self.forks(source),
            Source::Ci => {
                let mut days: Vec<Date> = self.ci_days.to_vec();
                days.extend_from_slice(extra_ci_days);
                days.sort();
                days.dedup();
                self.ci(source, &days)
            }
            Source::GistHistory(id) => {
                self.gist_history(source, id.as_deref().unwrap_or(self.badge_gist_id))
            }
            Source::Import(ImportLocation::Path(path)) => self.import_path(source, path)?,
            Source::Import(ImportLocation::Branch { repo, branch }) => {
                self.import_branch(source, repo, branch)?
            }
        })
    }

    fn stars(&self, source: &Source) -> SourceReading {
        let list = match self.gh.stargazers(self.repo) {
            Ok(list) => list,
            Err(e) => return unavailable(source, "listing stargazers", &e),
        };
        let (pages, _) = series::rest_pages(list.stargazers.len() as u64);
        let entries: Vec<Entry> = list
            .stargazers
            .into_iter()
            .map(|s| Entry {
                key: s.login,
                at: s.starred_at,
            })
            .collect();
        let listing = if list.capped {
            Listing::Capped
        } else {
            Listing::Complete
        };
        let s = series::cumulative(
            SeriesKind::Stars,
            &entries,
            &listing,
            self.stargazers_count,
            self.created,
        );
        let input = BackfillInput {
            source: "stars".to_string(),
            stars: Some(s.to_traffic("stargazers")),
            ..BackfillInput::default()
        };
        SourceReading::ok(source.clone(), vec![input], pages)
    }

    fn forks(&self, source: &Source) -> SourceReading {
        let forks = match self.gh.forks(self.repo) {
            Ok(list) => list,
            Err(e) => return unavailable(source, "listing forks", &e),
        };
        let (pages, _) = series::rest_pages(forks.len() as u64);
        let entries: Vec<Entry> = forks
            .into_iter()
            .map(|f| Entry {
                key: f.full_name,
                at: f.created_at,
            })
            .collect();
        let s = series::cumulative(
            SeriesKind::Forks,
            &entries,
            &Listing::Complete,
            self.forks_count,
            self.created,
        );
        let input = BackfillInput {
            source: "forks".to_string(),
            forks: Some(s.to_traffic("forks")),
            ..BackfillInput::default()
        };
        SourceReading::ok(source.clone(), vec![input], pages)
    }

    fn ci(&self, source: &Source, ci_days: &[Date]) -> SourceReading {
        if ci_days.is_empty() {
            let mut r = SourceReading::ok(source.clone(), Vec::new(), 0);
            r.notes
                .push("no held day needs CI figures (days with clones and none)".to_string());
            return r;
        }
        let listed = fan_out(ci_days, IN_FLIGHT, |d| {
            self.gh.workflow_runs(self.repo, &format_date(*d))
        });
        let mut days = Vec::with_capacity(listed.len());
        for (date, runs) in ci_days.iter().zip(listed) {
            match runs {
                Ok(runs) => days.push((*date, runs)),
                Err(e) => return unavailable(source, "listing workflow runs", &e),
            }
        }
        let runs: u64 = days.iter().map(|(_, r)| r.len() as u64).sum();
        let needed = ci_days.len() as u64 + runs;
        if let Some(refused) = self.over_budget(source, needed) {
            return refused;
        }
        let all_runs: Vec<&ghtraf_github::WorkflowRun> =
            days.iter().flat_map(|(_, r)| r.iter()).collect();
        let jobs = fan_out(&all_runs, IN_FLIGHT, |run| {
            self.gh.run_jobs(self.repo, run.id)
        });
        let mut jobs = jobs.into_iter();
        let mut listed = Vec::with_capacity(days.len());
        for (date, runs) in days {
            let mut with_jobs = Vec::with_capacity(runs.len());
            for run in runs {
                match jobs.next() {
                    Some(Ok(j)) => with_jobs.push(RunJobs { run, jobs: j }),
                    Some(Err(e)) => return unavailable(source, "listing workflow jobs", &e),
                    None => {
                        return SourceReading::unavailable(
                            source.clone(),
                            "internal error: a job list went missing",
                            None,
                        )
                    }
                }
            }
            listed.push(DayRuns {
                date,
                runs: with_jobs,
            });
        }
        let outcomes = ci::ci_for_days(ci_days, &listed);
        let (input, notes) = ci::to_input(&outcomes);
        let mut r = SourceReading::ok(source.clone(), vec![input], needed);
        r.notes = notes;
        r
    }

    fn gist_history(&self, source: &Source, id: &str) -> SourceReading {
        let commits = match self.gh.gist_commits(id) {
            Ok(Some(c)) => c,
            Ok(None) => {
                return SourceReading::unavailable(
                    source.clone(),
                    format!("gist {id} does not exist or is not readable with this token"),
                    Some(404),
                )
            }
            Err(e) => return unavailable(source, "listing the gist's revisions", &e),
        };
        let revisions: Vec<Revision> = commits
            .into_iter()
            .map(|c| Revision {
                version: c.version,
                committed_at: c.committed_at,
            })
            .collect();
        let picked =
            gist_history::select_revisions(&revisions, Duration::days(REVISION_STRIDE_DAYS));
        let pages = (revisions.len() as u64).div_ceil(100).max(1);
        let needed = pages + picked.len() as u64;
        if let Some(refused) = self.over_budget(source, needed) {
            return refused;
        }
        let gists = fan_out(&picked, IN_FLIGHT, |r| self.gh.gist_at(id, &r.version));
        let mut states = Vec::new();
        let mut notes = Vec::new();
        for (rev, gist) in picked.iter().zip(gists) {
            let content = match gist {
                Ok(Some(g)) => g.files.get(STATE_FILE).map(|f| f.content.clone()),
                Ok(None) => None,
                Err(e) => return unavailable(source, "reading a gist revision", &e),
            };
            let Some(content) = content else {
                notes.push(format!(
                    "revision {} ({}) has no {STATE_FILE}",
                    rev.version, rev.committed_at
                ));
                continue;
            };
            match gist_history::parse_revision(rev, &content) {
                Ok(state) => states.push(state),
                Err(e) => notes.push(format!("skipped: {e}")),
            }
        }
        notes.insert(
            0,
            format!(
                "read {} of {} revisions (one a week)",
                picked.len(),
                revisions.len()
            ),
        );
        let input = BackfillInput::from_revisions(&source.label(), &states);
        let mut r = SourceReading::ok(source.clone(), vec![input], needed);
        r.notes = notes;
        r
    }

    /// Another tracker's files on a branch, through the contents API (`?ref=`): every
    /// file a known layout may hold for the tracked repository, read at once.
    fn import_branch(
        &self,
        source: &Source,
        data: &RepoRef,
        branch: &str,
    ) -> Result<SourceReading> {
        let candidates = imports::branch_candidates(self.repo);
        let reads = fan_out(&candidates, IN_FLIGHT, |c| {
            self.gh.content_at(data, &c.path, branch)
        });
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (c, read) in candidates.iter().zip(reads) {
            match read {
                Ok(Some(content)) => files.push((c.path.clone(), content.bytes)),
                Ok(None) => {}
                Err(e) => {
                    return Ok(unavailable(
                        source,
                        &format!(
                            "reading {} on {}/{}@{branch}",
                            c.path, data.owner, data.name
                        ),
                        &e,
                    ))
                }
            }
        }
        let requests = candidates.len() as u64;
        if files.is_empty() {
            let mut r = SourceReading::unavailable(
                source.clone(),
                format!(
                    "{}/{}@{branch} holds none of the files other trackers write for {}/{} \
                     (or the branch does not exist)",
                    data.owner, data.name, self.repo.owner, self.repo.name
                ),
                None,
            );
            r.requests = requests;
            return Ok(r);
        }
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let inputs = ghtraf_traffic::import_tracker_files(&refs).map_err(|e| {
            CliError::runtime(format!("{}/{}@{branch}: {e}", data.owner, data.name))
        })?;
        let mut r = SourceReading::ok(source.clone(), inputs, requests);
        r.notes.push(format!(
            "read {}",
            files
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        Ok(r)
    }

    /// A local file or directory named by the user. A file that is not a tracker's (or
    /// is malformed) stops the run with the file and line: bad input is never guessed at.
    fn import_path(&self, source: &Source, path: &Path) -> Result<SourceReading> {
        let full: PathBuf = self.ctx.cwd.join(path);
        let meta = match std::fs::metadata(&full) {
            Ok(m) => m,
            Err(e) => {
                return Ok(SourceReading::unavailable(
                    source.clone(),
                    format!("cannot read {}: {e}", path.display()),
                    None,
                ))
            }
        };
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        if meta.is_dir() {
            let mut seen = BTreeSet::new();
            for c in imports::directory_candidates(self.repo) {
                if !imports::is_contained(&c.path) || !seen.insert(c.path.clone()) {
                    continue;
                }
                let file = full.join(&c.path);
                if file.is_file() {
                    files.push((c.path.clone(), read_limited(&file)?));
                }
            }
            if files.is_empty() {
                return Ok(SourceReading::unavailable(
                    source.clone(),
                    format!(
                        "{} holds none of the files other trackers write (github-repo-stats' \
                         ghrs-data, repository-traffic-action's traffic/, traffic-to-badge's \
                         traffic-{}/)",
                        path.display(),
                        self.repo.name
                    ),
                    None,
                ));
            }
        } else {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            files.push((name, read_limited(&full)?));
        }
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let inputs = ghtraf_traffic::import_tracker_files(&refs).map_err(|e| {
            CliError::usage(format!("{}: {e}", path.display()))
                .with_hint("backfill reads github-repo-stats, repository-traffic-action, traffic-to-badge and `ghtraf export` files")
        })?;
        let mut r = SourceReading::ok(source.clone(), inputs, 0);
        r.notes.push(format!(
            "read {}",
            files
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        Ok(r)
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let len = std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| CliError::runtime(format!("cannot read {}: {e}", path.display())))?;
    if len > MAX_IMPORT_BYTES {
        return Err(CliError::usage(format!(
            "{} is {len} bytes; an import file is at most {MAX_IMPORT_BYTES}",
            path.display()
        )));
    }
    std::fs::read(path)
        .map_err(|e| CliError::runtime(format!("cannot read {}: {e}", path.display())))
}
