//! `collect`, phase 1: read both gists, the traffic window, repository
//! figures, releases and yesterday's and today's CI runs, concurrently.

use super::*;

/// A job clones the repository when one of its steps checks it out.
pub(super) fn is_checkout_job(job: &Job) -> bool {
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
    let github_name = r.full_name.clone();
    // GitHub's names are case-insensitive: use its spelling from here on.
    let spelled = ghtraf_github::RepoRef::parse(&r.full_name)
        .ok()
        .filter(|c| c.to_string().eq_ignore_ascii_case(&repo.to_string()));
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
    // Another repository's gist is never written (merges cannot be taken back).
    crate::deployment::check_state_repo(gh, &badge_gist, repo, &github_name)?;
    if target.archive_gist_id.is_some() && archive_gist.is_none() {
        ctx.reporter.warn(&format!(
            "the archive gist {} does not exist; months cannot be archived until it does",
            target.archive_gist_id.as_deref().unwrap_or_default()
        ));
    }

    // CI checkouts: every job of the runs created yesterday or today, except runs of today
    // still going (in Actions, this collect's own run is one): tomorrow's collect reads them
    // finished (its window is today and tomorrow) and the merge keeps the higher count, so
    // their jobs now would cost a request for a partial count a day early.
    let today = ghtraf_traffic::format_date(now.date());
    let (runs, unfinished): (Vec<_>, Vec<_>) = runs.into_iter().partition(|run| {
        !(run.created_at.starts_with(&today)
            && run.status.as_deref().is_some_and(|s| s != "completed"))
    });
    if !unfinished.is_empty() {
        ctx.reporter.diag(
            Channel::Gist,
            level::VERBOSE,
            &format!(
                "{} run(s) of today still going: counted by tomorrow's collect",
                unfinished.len()
            ),
        );
    }
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
    let target = match spelled {
        Some(repo) => Target { repo, ..target },
        None => target,
    };
    Ok(CollectObserved {
        target,
        badge_gist,
        archive_gist,
        observation: obs,
    })
}
