//! `ghtraf collect`: the daily job. Merges GitHub's 14-day traffic window into
//! the permanent history in the badge gist, and moves finished months to the
//! archive gist.
//!
//! Same shape as every mutating command: [`observe`] reads the gists and the
//! traffic API (concurrently); [`plan_collect`] is pure — it parses the stored
//! state (a state that does not parse stops everything: the gist is never
//! overwritten with less than it had), merges, and plans at most one PATCH per
//! gist; the archive is written before the state that drops those days, so a
//! failure between the two loses nothing; [`verify`] re-reads both gists.

use std::collections::BTreeMap;

use ghtraf_github::{fan_out, Gist, GitHubRead, GitHubWrite, Job};
use ghtraf_plan::{
    Action, ActionResult, Category, Detail, Finding, Operation, Outcome, Outputs, Payload, Plan,
    ResultStatus, StepError,
};
use ghtraf_traffic::{
    adopt_original_archives, archive_period_of_file, badge_gist_files, format_timestamp,
    import_archives, merge, parse_archive_index, parse_archive_month, parse_bucket, parse_state,
    ArchiveMonth, Observation, RepoSnapshot, Totals, TrafficPoint, ARCHIVE_INDEX_FILE, STATE_FILE,
};
use serde::Serialize;
use time::Duration;

use crate::api;
use crate::context::Context;
use crate::deployment::GistRole;
use crate::driver::MutatingCommand;
use crate::error::{CliError, Result};
use crate::output::{level, Channel};
use crate::target::{self, Target, TargetArgs};

#[derive(Debug, Clone, Default, clap::Args, serde::Serialize, serde::Deserialize)]
pub struct CollectArgs {
    #[command(flatten)]
    pub target: TargetArgs,
}

/// One PATCH of one gist.
#[derive(Debug, Clone, Serialize)]
pub struct GistWrite {
    pub role: GistRole,
    pub gist_id: String,
    /// File name → new content.
    pub files: BTreeMap<String, String>,
    /// Human summary of what changed (days added/raised, months archived).
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
}

impl Payload for GistWrite {
    fn details(&self) -> Vec<Detail> {
        let mut d = Vec::new();
        if !self.changes.is_empty() {
            d.push(Detail::new(1, "changes", self.changes.join("\n")));
        }
        if let Some(t) = &self.totals {
            d.push(Detail::new(
                1,
                "totals",
                format!(
                    "clones {} (organic {}), views {}, downloads {}",
                    t.clones, t.organic_clones, t.views, t.downloads
                ),
            ));
        }
        if !self.files.is_empty() {
            let names: Vec<String> = self
                .files
                .iter()
                .map(|(n, c)| format!("{n} ({} bytes)", c.len()))
                .collect();
            d.push(Detail::new(2, "files", names.join(", ")));
        }
        d
    }
}

/// Everything read before planning.
#[derive(Debug, Clone)]
pub struct CollectObserved {
    pub target: Target,
    pub badge_gist: Gist,
    pub archive_gist: Option<Gist>,
    pub observation: Observation,
}

fn gh_err(what: &str, e: ghtraf_github::Error) -> CliError {
    api::error(Some(what), e)
}

/// A job clones the repository when one of its steps checks it out.
fn is_checkout_job(job: &Job) -> bool {
    job.steps
        .iter()
        .any(|s| s.name.to_ascii_lowercase().contains("checkout"))
}

/// Reads both gists, the traffic window, repo figures, releases and the CI runs
/// of yesterday and today.
pub fn observe(ctx: &Context, target: Target, gh: &dyn GitHubRead) -> Result<CollectObserved> {
    let repo = &target.repo;
    let now = ctx.now;
    let yesterday = now.date() - Duration::days(1);
    let since = format!(">={}", ghtraf_traffic::format_date(yesterday));

    let points =
        |s: ghtraf_github::TrafficSeries| -> std::result::Result<Vec<TrafficPoint>, String> {
            s.days
                .into_iter()
                .map(|d| {
                    Ok(TrafficPoint {
                        date: parse_bucket(&d.timestamp)?,
                        count: d.count,
                        uniques: d.uniques,
                    })
                })
                .collect()
        };
    let e = |what: &str| {
        let what = what.to_string();
        move |err| gh_err(&what, err)
    };
    // One named, typed read per thread.
    let (gist, archive, clones, views, referrers, paths, repo_read, releases, runs) =
        std::thread::scope(|s| {
            let gist = s.spawn(|| gh.gist(&target.badge_gist_id));
            let archive = s.spawn(|| match &target.archive_gist_id {
                Some(id) => gh.gist(id),
                None => Ok(None),
            });
            let clones = s.spawn(|| gh.traffic_clones(repo));
            let views = s.spawn(|| gh.traffic_views(repo));
            let referrers = s.spawn(|| gh.top_referrers(repo));
            let paths = s.spawn(|| gh.top_paths(repo));
            let repo_read = s.spawn(|| gh.repo(repo));
            let releases = s.spawn(|| gh.releases(repo));
            let runs = s.spawn(|| gh.workflow_runs(repo, &since));
            (
                api::join(gist),
                api::join(archive),
                api::join(clones),
                api::join(views),
                api::join(referrers),
                api::join(paths),
                api::join(repo_read),
                api::join(releases),
                api::join(runs),
            )
        });
    // Errors surface in the order the reads are listed, as before.
    let badge_gist = gist.map_err(e("reading the badge gist"))?;
    let archive_gist = archive.map_err(e("reading the archive gist"))?;
    let mut obs = Observation::empty(now);
    obs.clones = points(clones.map_err(e("reading clones"))?).map_err(CliError::runtime)?;
    obs.views = points(views.map_err(e("reading views"))?).map_err(CliError::runtime)?;
    obs.referrers = Some(
        referrers
            .map_err(e("reading referrers"))?
            .into_iter()
            .map(|r| ghtraf_traffic::Referrer {
                source: r.referrer,
                count: r.count,
                uniques: r.uniques,
                extra: Default::default(),
            })
            .collect(),
    );
    obs.popular_paths = Some(
        paths
            .map_err(e("reading popular paths"))?
            .into_iter()
            .map(|p| ghtraf_traffic::PopularPath {
                path: p.path,
                title: p.title,
                count: p.count,
                uniques: p.uniques,
                extra: Default::default(),
            })
            .collect(),
    );
    let r = repo_read.map_err(e("reading the repository"))?;
    obs.repo = Some(RepoSnapshot {
        stars: r.stargazers_count,
        forks: r.forks_count,
        open_issues: r.open_issues_count,
        created_at: Some(r.created_at),
    });
    obs.release_downloads = Some(
        releases
            .map_err(e("reading releases"))?
            .iter()
            .flat_map(|r| &r.assets)
            .map(|a| a.download_count)
            .sum(),
    );
    let runs = runs.map_err(e("reading workflow runs"))?;
    let badge_gist = badge_gist.ok_or_else(|| {
        CliError::runtime(format!(
            "the badge gist {} does not exist or is not readable with this token",
            target.badge_gist_id
        ))
        .with_hint("check TRAFFIC_GIST_ID, or run `ghtraf create` to repair it")
    })?;
    if target.archive_gist_id.is_some() && archive_gist.is_none() {
        ctx.reporter.warn(&format!(
            "the archive gist {} does not exist; months cannot be archived until it does",
            target.archive_gist_id.as_deref().unwrap_or_default()
        ));
    }

    // CI checkouts: every job of the runs created yesterday or today.
    let job_lists = fan_out(&runs, 8, |run| gh.run_jobs(repo, run.id));
    for (run, jobs) in runs.iter().zip(job_lists) {
        let jobs = jobs.map_err(|e| gh_err("reading workflow jobs", e))?;
        let checkouts = jobs.iter().filter(|j| is_checkout_job(j)).count() as u64;
        // The run's UTC day (the timestamp itself is not a day bucket).
        let Some(Ok(date)) = run.created_at.get(..10).map(parse_bucket) else {
            ctx.reporter.warn(&format!(
                "run {} has an unreadable created_at `{}`; its checkouts are not counted",
                run.id, run.created_at
            ));
            continue;
        };
        if checkouts == 0 {
            continue;
        }
        let day = obs.ci.entry(date).or_default();
        day.checkouts += checkouts;
        day.runs += 1;
        let name = run.name.clone().unwrap_or_else(|| run.path.clone());
        let wf = day.workflows.entry(name).or_default();
        wf.runs += 1;
        wf.checkouts_per_run.push(checkouts);
    }
    ctx.reporter.diag(
        Channel::Gist,
        level::VERBOSE,
        &format!(
            "observed {} clone days, {} view days, {} workflow runs",
            obs.clones.len(),
            obs.views.len(),
            runs.len()
        ),
    );
    Ok(CollectObserved {
        target,
        badge_gist,
        archive_gist,
        observation: obs,
    })
}

/// The merge and the writes it needs. Pure.
pub fn plan_collect(observed: &CollectObserved) -> Result<Plan<GistWrite>> {
    let target = &observed.target;
    let repo_name = format!("{}/{}", target.repo.owner, target.repo.name);
    let now = observed.observation.now;
    let mut plan = Plan::new("collect");
    plan.set_context("repository", repo_name.clone());
    plan.set_context("badge_gist", target.badge_gist_id.clone());
    plan.set_context("captured_at", format_timestamp(now));

    let state_file = observed.badge_gist.files.get(STATE_FILE).ok_or_else(|| {
        CliError::runtime(format!(
            "gist {} has no {STATE_FILE}; nothing was written",
            target.badge_gist_id
        ))
        .with_hint("run `ghtraf create` to repair the deployment")
    })?;
    let parsed = parse_state(&state_file.content).map_err(|e| {
        CliError::runtime(format!("gist {}: {e}", target.badge_gist_id))
            .with_hint("fix or restore state.json from the gist's revision history; ghtraf will not overwrite it")
    })?;
    for w in &parsed.warnings {
        plan.warn(w.clone());
    }
    let mut state = parsed.state;
    if state.repo.is_empty() {
        state.repo = repo_name.clone();
    }
    let archive_files: BTreeMap<String, String> = observed
        .archive_gist
        .as_ref()
        .map(|g| {
            g.files
                .iter()
                .map(|(n, f)| (n.clone(), f.content.clone()))
                .collect()
        })
        .unwrap_or_default();

    // The original tool's state: adopt its archive months once, converted.
    let mut rewrites: Vec<ArchiveMonth> = Vec::new();
    let imported = parsed.source_schema < ghtraf_traffic::SCHEMA_VERSION;
    if imported {
        plan.warn(format!(
            "importing the original tool's schema-{} state into schema {}",
            parsed.source_schema,
            ghtraf_traffic::SCHEMA_VERSION
        ));
        let months: Vec<(&str, &str)> = archive_files
            .iter()
            .filter(|(n, _)| archive_period_of_file(n).is_some())
            .map(|(n, c)| (n.as_str(), c.as_str()))
            .collect();
        if !months.is_empty() {
            let parsed_months = import_archives(&months)
                .map_err(|e| CliError::runtime(format!("archive gist: {e}")))?;
            let (kept, warnings) =
                adopt_original_archives(&mut state, parsed_months, &format_timestamp(now));
            rewrites = kept;
            for w in warnings {
                plan.warn(w);
            }
        }
    }

    let mut outcome = merge(&state, &observed.observation);
    for period in outcome.periods_to_extend(&state) {
        let name = ghtraf_traffic::archive_file_name(&period);
        let existing = match rewrites.iter().find(|m| m.period == period) {
            Some(m) => m.clone(),
            None => {
                let text = archive_files.get(&name).ok_or_else(|| {
                    CliError::runtime(format!(
                        "{name} is listed as archived but missing from the archive gist; nothing was written"
                    ))
                })?;
                parse_archive_month(&name, text)
                    .map_err(|e| CliError::runtime(format!("archive gist: {e}")))?
            }
        };
        outcome.absorb_existing(&existing);
    }
    for note in &outcome.notes {
        plan.warn(note.clone());
    }

    // Archive first: the state that drops those days is written only after.
    let mut archive_action = None;
    let mut months: Vec<ArchiveMonth> = rewrites;
    for m in &outcome.archive {
        months.retain(|r| r.period != m.period);
        months.push(m.clone());
    }
    if !months.is_empty() {
        let Some(archive_id) = &target.archive_gist_id else {
            return Err(CliError::runtime(format!(
                "{} month(s) are complete but no archive gist is configured; nothing was written",
                months.len()
            ))
            .with_hint("run `ghtraf create` to create the archive gist"));
        };
        if observed.archive_gist.is_none() {
            return Err(CliError::runtime(format!(
                "archive gist {archive_id} is missing; nothing was written"
            ))
            .with_hint("run `ghtraf create` to repair the deployment"));
        }
        let existing_index = archive_files
            .get(ARCHIVE_INDEX_FILE)
            .and_then(|t| parse_archive_index(t).ok());
        let changes: Vec<String> = months
            .iter()
            .map(|m| {
                format!(
                    "{}: {} day(s), {} clones, {} views",
                    m.period,
                    m.daily_history.len(),
                    m.totals.clones,
                    m.totals.views
                )
            })
            .collect();
        // The months to write are the merge's plus the original tool's
        // rewritten ones: one tested function makes the files and the index.
        outcome.archive = months.clone();
        let files = outcome.archive_files(existing_index.as_ref());
        let id = plan.push(Action::new(
            Category::Gist,
            Operation::Update,
            "archive",
            format!("archive {} month(s) in gist {archive_id}", months.len()),
            GistWrite {
                role: GistRole::Archive,
                gist_id: archive_id.clone(),
                files,
                changes,
                totals: None,
            },
        ));
        archive_action = Some(id);
    }

    let today = now.date();
    let mut desired = badge_gist_files(&outcome.state, today);
    let state_changed = outcome.changed || imported || archive_action.is_some();
    if !state_changed {
        // Only the capture time would change: keep the stored state as it is.
        desired.remove(STATE_FILE);
    }
    desired.retain(|name, content| {
        observed
            .badge_gist
            .files
            .get(name)
            .is_none_or(|f| f.content != *content)
    });
    if desired.is_empty() {
        plan.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "badges",
            "no new data: only the capture time would change",
            GistWrite {
                role: GistRole::Badges,
                gist_id: target.badge_gist_id.clone(),
                files: BTreeMap::new(),
                changes: Vec::new(),
                totals: Some(outcome.state.totals),
            },
        ));
    } else {
        let mut changes: Vec<String> = outcome.changes.iter().map(ToString::to_string).collect();
        if changes.is_empty() {
            changes.push("badges only (their recency window moved)".to_string());
        }
        let n = outcome.changes.len();
        let description = if n > 0 {
            format!(
                "record {n} new or raised day(s) in gist {}",
                target.badge_gist_id
            )
        } else {
            format!("refresh gist {}", target.badge_gist_id)
        };
        plan.push(
            Action::new(
                Category::Gist,
                Operation::Update,
                "badges",
                description,
                GistWrite {
                    role: GistRole::Badges,
                    gist_id: target.badge_gist_id.clone(),
                    files: desired,
                    changes,
                    totals: Some(outcome.state.totals),
                },
            )
            .depends_on(archive_action),
        );
    }
    Ok(plan)
}

pub fn step(
    action: &Action<GistWrite>,
    gh: &dyn GitHubWrite,
) -> std::result::Result<Outcome, StepError> {
    let w = &action.details;
    let files: BTreeMap<String, Option<String>> = w
        .files
        .iter()
        .map(|(n, c)| (n.clone(), Some(c.clone())))
        .collect();
    gh.update_gist(&w.gist_id, &files)
        .map_err(api::step_error)?;
    Ok(Outcome::done(format!(
        "wrote {} file(s) to gist {}",
        w.files.len(),
        w.gist_id
    )))
}

/// Re-reads every written gist and compares each file with what was written.
pub fn verify(
    plan: &Plan<GistWrite>,
    results: &[ActionResult],
    gh: &dyn GitHubRead,
) -> Vec<Finding> {
    let done: Vec<&Action<GistWrite>> = plan
        .actions
        .iter()
        .filter(|a| {
            results
                .iter()
                .any(|r| r.id == a.id && r.status == ResultStatus::Ok)
        })
        .collect();
    fan_out(&done, 4, |a| match gh.gist(&a.details.gist_id) {
        Ok(Some(g)) => {
            let wrong: Vec<&String> = a
                .details
                .files
                .iter()
                .filter(|(n, c)| g.files.get(*n).is_none_or(|f| f.content != **c))
                .map(|(n, _)| n)
                .collect();
            if wrong.is_empty() {
                Finding::ok(
                    &a.id,
                    format!("{} file(s) as written", a.details.files.len()),
                )
            } else {
                Finding::deviation(&a.id, format!("differs from what was written: {wrong:?}"))
            }
        }
        Ok(None) => Finding::deviation(&a.id, format!("gist {} is gone", a.details.gist_id)),
        Err(e) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
    })
}

/// `ghtraf collect` as the driver runs it.
pub struct Collect {
    pub args: CollectArgs,
}

/// What `collect` observed, and the client its steps write with.
pub struct CollectWorld {
    client: ghtraf_github::Client,
    observed: CollectObserved,
}

impl MutatingCommand for Collect {
    type Payload = GistWrite;
    type World = CollectWorld;

    fn observe(&self, ctx: &Context) -> Result<CollectWorld> {
        let client = api::client(ctx)?;
        let target = target::resolve(ctx, &self.args.target, &client)?;
        let observed = observe(ctx, target, &client)?;
        Ok(CollectWorld { client, observed })
    }

    fn plan(&self, _ctx: &Context, world: &CollectWorld) -> Result<Plan<GistWrite>> {
        plan_collect(&world.observed)
    }

    fn heading(&self, ctx: &Context, world: &CollectWorld, _plan: &Plan<GistWrite>) -> String {
        format!(
            "Plan for `ghtraf collect` in {}/{} at {}:",
            world.observed.target.repo.owner,
            world.observed.target.repo.name,
            format_timestamp(ctx.now)
        )
    }

    fn step(
        &self,
        _ctx: &Context,
        world: &CollectWorld,
        action: &Action<GistWrite>,
        _outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        step(action, &world.client)
    }

    fn verify(
        &self,
        _ctx: &Context,
        world: &CollectWorld,
        plan: &Plan<GistWrite>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        verify(plan, results, &world.client)
    }
}
