//! `backfill`, phase 1: read the gists, the repository and the rate limit,
//! check the budget, then read every source (concurrently), each one ending
//! as backfill input or as "not available" with its reason.
//!
//! Only reads happen here (the client is a `&dyn GitHubRead`). The budget is
//! checked before the expensive reads, and again with exact counts before the
//! second stage of the staged sources (jobs of the runs found, revisions
//! selected).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ghtraf_github::{fan_out, Gist, GitHubRead, RateLimit, Repo, RepoRef};
use ghtraf_traffic::{
    format_date, parse_state, ArchiveMonth, BackfillInput, BackfillMode, State, SCHEMA_VERSION,
    STATE_FILE,
};
use time::{Date, Duration};

use super::budget::{self, BudgetReport, Known};
use super::ci::{self, DayRuns, RunJobs};
use super::gist_history::{self, Revision, REVISION_STRIDE_DAYS};
use super::imports;
use super::input::SourceReading;
use super::range::DateRange;
use super::series::{self, Entry, Listing, SeriesKind};
use super::source::{self, ImportLocation, Source};
use super::BackfillArgs;
use crate::api;
use crate::context::Context;
use crate::deployment;
use crate::error::{CliError, Result};
use crate::output::{level, Channel};
use crate::target::Target;

/// Requests in flight at once while reading one source's pages or items.
const IN_FLIGHT: usize = ghtraf_github::DEFAULT_FAN_OUT;

/// A local import file larger than this is refused (no tracker writes files this big).
const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Everything read before planning.
#[derive(Debug, Clone)]
pub struct BackfillObserved {
    pub target: Target,
    pub badge_gist: Gist,
    pub archive_gist: Option<Gist>,
    /// The stored state and every archive month it lists, as read.
    pub state: State,
    pub state_warnings: Vec<String>,
    pub archives: Vec<ArchiveMonth>,
    pub range: DateRange,
    pub mode: BackfillMode,
    pub budget: BudgetReport,
    pub readings: Vec<SourceReading>,
}

fn gh_err(what: &str, e: ghtraf_github::Error) -> CliError {
    api::error(Some(what), e)
}

/// Reads everything `backfill` plans from. `fail_fast`: a source that is not
/// available stops the run (nothing is written) instead of being reported.
pub fn observe(
    ctx: &Context,
    args: &BackfillArgs,
    target: Target,
    gh: &dyn GitHubRead,
    fail_fast: bool,
) -> Result<BackfillObserved> {
    let range =
        DateRange::parse(args.since.as_deref(), args.until.as_deref()).map_err(CliError::usage)?;
    let sources = source::normalize(&args.from);

    enum Read {
        Gist(Option<Gist>),
        Archive(Option<Gist>),
        Repo(Box<Repo>),
        Rate(RateLimit),
    }
    let jobs = ["gist", "archive", "repo", "rate"];
    let reads = fan_out(&jobs, jobs.len(), |job| -> Result<Read> {
        Ok(match *job {
            "gist" => Read::Gist(
                gh.gist(&target.badge_gist_id)
                    .map_err(|e| gh_err("reading the badge gist", e))?,
            ),
            "archive" => Read::Archive(match &target.archive_gist_id {
                Some(id) => gh
                    .gist(id)
                    .map_err(|e| gh_err("reading the archive gist", e))?,
                None => None,
            }),
            "repo" => Read::Repo(Box::new(
                gh.repo(&target.repo)
                    .map_err(|e| gh_err("reading the repository", e))?,
            )),
            _ => Read::Rate(
                gh.rate_limit()
                    .map_err(|e| gh_err("reading the rate limit", e))?,
            ),
        })
    });
    let (mut badge_gist, mut archive_gist, mut repo, mut rate) = (None, None, None, None);
    for read in reads {
        match read? {
            Read::Gist(g) => badge_gist = g,
            Read::Archive(g) => archive_gist = g,
            Read::Repo(r) => repo = Some(r),
            Read::Rate(r) => rate = Some(r),
        }
    }
    let (Some(repo), Some(rate)) = (repo, rate) else {
        return Err(CliError::internal("internal error: a read went missing"));
    };
    let badge_gist = badge_gist.ok_or_else(|| {
        CliError::runtime(format!(
            "the badge gist {} does not exist or is not readable with this token",
            target.badge_gist_id
        ))
        .with_hint("check TRAFFIC_GIST_ID, or run `ghtraf create` to repair it")
    })?;
    let (state, state_warnings) = stored_state(&badge_gist)?;
    if target.archive_gist_id.is_some() && archive_gist.is_none() {
        return Err(CliError::runtime(format!(
            "the archive gist {} does not exist; nothing was read",
            target.archive_gist_id.as_deref().unwrap_or_default()
        ))
        .with_hint("run `ghtraf create` to repair the deployment"));
    }
    let archives = deployment::archive_months(archive_gist.as_ref())?;

    let held: Vec<&ghtraf_traffic::Day> = archives
        .iter()
        .flat_map(|m| &m.daily_history)
        .chain(&state.daily_history)
        .collect();
    let ci_days = ci::days_needing_ci(held.iter().copied(), args.raise, &range);
    let known = Known {
        stargazers_count: repo.stargazers_count,
        forks_count: repo.forks_count,
        ci_days: ci_days.len() as u64,
        ci_runs: None,
        revisions: None,
        import_files: imports::branch_candidates(&target.repo).len() as u64,
    };
    let estimates = sources
        .iter()
        .map(|s| budget::estimate(s, &known))
        .collect();
    let budget = budget::check(estimates, rate.remaining, args.max_requests)
        .map_err(|e| CliError::runtime(format!("{e}; nothing was read")))?;
    ctx.reporter.diag(
        Channel::Api,
        level::VERBOSE,
        &format!("backfill budget: {}", budget.summary()),
    );

    let created = series::utc_day(&repo.created_at);
    let reader = Reader {
        ctx,
        gh,
        repo: &target.repo,
        badge_gist_id: &target.badge_gist_id,
        created,
        stargazers_count: repo.stargazers_count,
        forks_count: repo.forks_count,
        ci_days: &ci_days,
        budget: &budget,
    };
    // CI last: it also covers the days the other sources bring (an import has clones
    // but no CI figures), and its input is folded in after theirs.
    let (ci_sources, others): (Vec<Source>, Vec<Source>) =
        sources.into_iter().partition(|s| *s == Source::Ci);
    let mut readings = fan_out(&others, others.len(), |s| reader.read(s, &[]));
    if !ci_sources.is_empty() {
        let mut extra: Vec<Date> = readings
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .flat_map(|r| r.inputs(&range))
            .flat_map(|input| input.days)
            .filter(|d| d.clones.is_some_and(|c| c > 0) && (args.raise || d.ci_checkouts.is_none()))
            .map(|d| d.date)
            .collect();
        extra.retain(|d| !ci_days.contains(d));
        readings.push(reader.read(&Source::Ci, &extra));
    }
    let mut out = Vec::with_capacity(readings.len());
    for reading in readings {
        let reading = reading?;
        if let Err(u) = &reading.data {
            if fail_fast {
                return Err(CliError::runtime(format!(
                    "{} is not available: {}; nothing was written (--fail-fast)",
                    reading.source, u.reason
                ))
                .with_hint(
                    "without --fail-fast, the other sources are applied and this one is reported",
                ));
            }
        }
        out.push(reading);
    }
    let mode = if args.raise {
        BackfillMode::Raise
    } else {
        BackfillMode::FillAbsent
    };
    Ok(BackfillObserved {
        target,
        badge_gist,
        archive_gist,
        state,
        state_warnings,
        archives,
        range,
        mode,
        budget,
        readings: out,
    })
}

/// The badge gist's state; the original tool's state must be converted by `collect` first
/// (it also adopts the original's archives), and a state that does not parse stops the run.
fn stored_state(gist: &Gist) -> Result<(State, Vec<String>)> {
    let file = gist.files.get(STATE_FILE).ok_or_else(|| {
        CliError::runtime(format!(
            "gist {} has no {STATE_FILE}; nothing was read",
            gist.id
        ))
        .with_hint("run `ghtraf create` to repair the deployment")
    })?;
    let parsed = parse_state(&file.content).map_err(|e| {
        CliError::runtime(format!("gist {}: {e}", gist.id)).with_hint(
            "fix or restore state.json from the gist's revision history; ghtraf will not overwrite it",
        )
    })?;
    if parsed.source_schema < SCHEMA_VERSION {
        return Err(CliError::runtime(format!(
            "gist {} holds the original tool's schema-{} state; backfill works on schema {SCHEMA_VERSION}",
            gist.id, parsed.source_schema
        ))
        .with_hint("run `ghtraf collect` once: it converts the state and adopts the original's archives"));
    }
    Ok((parsed.state, parsed.warnings))
}

/// What every source reader needs.
struct Reader<'a> {
    ctx: &'a Context,
    gh: &'a dyn GitHubRead,
    repo: &'a RepoRef,
    badge_gist_id: &'a str,
    created: Option<Date>,
    stargazers_count: u64,
    forks_count: u64,
    ci_days: &'a [Date],
    budget: &'a BudgetReport,
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
    /// Requests this source may still make in its second stage: the budget minus what
    /// the other sources were estimated to take.
    fn stage_two_allowance(&self, source: &Source) -> u64 {
        let others: u64 = self
            .budget
            .estimates
            .iter()
            .filter(|e| e.source != source.label())
            .map(|e| e.calls)
            .sum();
        self.budget.budget.saturating_sub(others)
    }

    fn over_budget(&self, source: &Source, needed: u64) -> Option<SourceReading> {
        let allowed = self.stage_two_allowance(source);
        (needed > allowed).then(|| {
            SourceReading::unavailable(
                source.clone(),
                format!(
                    "it needs {needed} requests, more than the {allowed} left in the budget \
                     ({}); pass --max-requests to allow more, or narrow it with --since/--until",
                    self.budget.basis
                ),
                None,
            )
        })
    }

    /// Reads one source; `extra_ci_days` are days other sources bring that need CI.
    fn read(&self, source: &Source, extra_ci_days: &[Date]) -> Result<SourceReading> {
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
