//! `backfill`, phase 1: read the gists, the repository and the rate limit,
//! check the budget, then read every source (concurrently), each one ending
//! as backfill input or as "not available" with its reason.
//!
//! Only reads happen here (the client is a `&dyn GitHubRead`). The budget is
//! checked before the expensive reads, and again with exact counts before the
//! second stage of the staged sources (jobs of the runs found, revisions
//! selected).

use ghtraf_github::{fan_out, Gist, GitHubRead, RateLimit, Repo};
use ghtraf_traffic::{parse_state, ArchiveMonth, BackfillMode, State, SCHEMA_VERSION, STATE_FILE};
use time::Date;

use super::budget::{self, BudgetReport, Known};
use super::ci::{self};
use super::imports;
use super::input::SourceReading;
use super::range::DateRange;
use super::reader::Reader;
use super::series::{self};
use super::source::{self, Source};
use super::BackfillArgs;
use crate::api;
use crate::context::Context;
use crate::deployment;
use crate::error::{CliError, Result};
use crate::output::{level, Channel};
use crate::target::Target;

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
    // Before any source is read: another repository's gist is never written.
    crate::deployment::check_state_repo(gh, &badge_gist, &target.repo, &repo.full_name)?;
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
