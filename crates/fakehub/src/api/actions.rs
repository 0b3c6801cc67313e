//! Actions workflows, runs and jobs: what `collect` counts as CI clones and what `status`,
//! `verify` and `upgrade` read about the deployed workflow.

use super::*;

/// Finds a workflow by numeric id or by file name (`ci.yml`), as GitHub accepts both.
pub(super) fn find_workflow<'r>(
    repo: &'r Repo,
    id_or_file: &str,
) -> Option<(u64, &'r world::Workflow)> {
    repo.workflows.iter().find_map(|(id, workflow)| {
        let file = workflow.path.rsplit('/').next().unwrap_or_default();
        (id == id_or_file || file == id_or_file).then(|| (id.parse().unwrap_or(0), workflow))
    })
}

pub(super) fn workflow_json(base: &str, key: &str, id: u64, workflow: &world::Workflow) -> Value {
    json!({
        "id": id, "node_id": format!("W_{id}"), "name": workflow.name, "path": workflow.path,
        "state": workflow.state, "created_at": workflow.created_at, "updated_at": workflow.created_at,
        "url": format!("{base}/repos/{key}/actions/workflows/{id}"),
        "html_url": format!("{base}/{key}/blob/main/{}", workflow.path),
        "badge_url": format!("{base}/{key}/workflows/{}/badge.svg", workflow.name),
    })
}

pub(super) fn list_workflows(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let mut items: Vec<(u64, Value)> = repo
        .workflows
        .iter()
        .map(|(id, w)| {
            let id = id.parse().unwrap_or(0);
            (id, workflow_json(call.base, &key, id, w))
        })
        .collect();
    items.sort_by_key(|(id, _)| *id);
    paged_wrapped(
        call,
        "workflows",
        items.into_iter().map(|(_, v)| v).collect(),
        100,
    )
}

pub(super) fn get_workflow(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    match state
        .world
        .repos
        .get(&key)
        .and_then(|r| find_workflow(r, call.param("workflow_id")))
    {
        Some((id, workflow)) => reply(200, workflow_json(call.base, &key, id, workflow)),
        None => not_found(),
    }
}

pub(super) fn dispatch_workflow(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let now = state.now();
    let run_id = 8_000_000_000 + state.fresh_id();
    let Some(repo) = state.world.repos.get_mut(&key) else {
        return not_found();
    };
    let Some((workflow_id, workflow)) = find_workflow(repo, call.param("workflow_id")) else {
        return not_found();
    };
    let run_number = repo
        .runs
        .values()
        .filter(|r| r.workflow_id == workflow_id)
        .count() as u64
        + 1;
    let run = Run {
        workflow_id,
        name: workflow.name.clone(),
        event: "workflow_dispatch".to_string(),
        status: "completed".to_string(),
        conclusion: Some("success".to_string()),
        head_branch: call
            .body
            .get("ref")
            .and_then(Value::as_str)
            .unwrap_or("main")
            .to_string(),
        run_number,
        created_at: now,
        jobs: vec![world::Job {
            id: run_id * 10 + 1,
            name: "collect".to_string(),
            steps: vec![
                "Set up job".to_string(),
                "Run actions/checkout@v4".to_string(),
                "Run ghtraf collect".to_string(),
                "Complete job".to_string(),
            ],
        }],
    };
    repo.runs.insert(run_id.to_string(), run);
    if call.body.get("return_run_details").and_then(Value::as_bool) == Some(true) {
        return reply(
            200,
            json!({
                "workflow_run_id": run_id,
                "run_url": format!("{}/repos/{key}/actions/runs/{run_id}", call.base),
                "html_url": format!("{}/{key}/actions/runs/{run_id}", call.base),
            }),
        );
    }
    no_content()
}

/// GitHub's `created` filter: `YYYY-MM-DD`, `>=D`, `<=D`, `>D`, `<D` or `A..B`.
pub(super) fn created_matches(filter: &str, created_at: &str) -> bool {
    let day = created_at.get(..10).unwrap_or_default();
    if let Some((from, to)) = filter.split_once("..") {
        return (from == "*" || day >= from) && (to == "*" || day <= to);
    }
    if let Some(date) = filter.strip_prefix(">=") {
        return day >= date;
    }
    if let Some(date) = filter.strip_prefix("<=") {
        return day <= date;
    }
    if let Some(date) = filter.strip_prefix('>') {
        return day > date;
    }
    if let Some(date) = filter.strip_prefix('<') {
        return day < date;
    }
    day == filter
}

pub(super) fn run_json(
    base: &str,
    world: &World,
    key: &str,
    id: u64,
    run: &Run,
    repo: &Repo,
) -> Value {
    let api = format!("{base}/repos/{key}/actions/runs/{id}");
    let sha = format!(
        "{:040x}",
        u128::from(splitmix(id)) << 64 | u128::from(splitmix(id ^ 1))
    );
    let path = repo
        .workflows
        .get(&run.workflow_id.to_string())
        .map(|w| w.path.clone())
        .unwrap_or_default();
    let repository = repo_json(base, world, key, repo);
    json!({
        "id": id, "node_id": format!("WFR_{id}"), "name": run.name, "display_title": run.name,
        "head_branch": run.head_branch, "head_sha": sha, "path": path, "run_number": run.run_number,
        "run_attempt": 1, "event": run.event, "status": run.status, "conclusion": run.conclusion,
        "workflow_id": run.workflow_id, "url": api, "html_url": format!("{base}/{key}/actions/runs/{id}"),
        "created_at": run.created_at, "updated_at": run.created_at, "run_started_at": run.created_at,
        "jobs_url": format!("{api}/jobs"), "logs_url": format!("{api}/logs"),
        "check_suite_url": format!("{base}/repos/{key}/check-suites/{id}"),
        "cancel_url": format!("{api}/cancel"), "rerun_url": format!("{api}/rerun"),
        "artifacts_url": format!("{api}/artifacts"),
        "workflow_url": format!("{base}/repos/{key}/actions/workflows/{}", run.workflow_id),
        "pull_requests": [], "head_commit": null,
        "repository": repository.clone(), "head_repository": repository,
    })
}

pub(super) fn list_runs(state: &mut State, call: &Call<'_>, workflow: Option<u64>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let mut runs: Vec<(u64, &Run)> = repo
        .runs
        .iter()
        .map(|(id, run)| (id.parse().unwrap_or(0), run))
        .filter(|(_, run)| workflow.is_none_or(|w| run.workflow_id == w))
        .filter(|(_, run)| {
            call.query
                .get("created")
                .is_none_or(|f| created_matches(f, &run.created_at))
        })
        .filter(|(_, run)| call.query.get("event").is_none_or(|e| &run.event == e))
        .filter(|(_, run)| {
            call.query
                .get("branch")
                .is_none_or(|b| &run.head_branch == b)
        })
        .filter(|(_, run)| {
            call.query
                .get("status")
                .is_none_or(|s| &run.status == s || run.conclusion.as_ref() == Some(s))
        })
        .collect();
    runs.sort_by(|a, b| b.1.created_at.cmp(&a.1.created_at).then(b.0.cmp(&a.0)));
    let items = runs
        .into_iter()
        .map(|(id, run)| run_json(call.base, &state.world, &key, id, run, repo))
        .collect();
    paged_wrapped(call, "workflow_runs", items, 100)
}

pub(super) fn list_jobs(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let run_id = call.param("run_id");
    let Some(run) = state.world.repos.get(&key).and_then(|r| r.runs.get(run_id)) else {
        return not_found();
    };
    let items = run
        .jobs
        .iter()
        .map(|job| {
            let steps: Vec<Value> = job
                .steps
                .iter()
                .enumerate()
                .map(|(index, name)| {
                    json!({"name": name, "status": "completed", "conclusion": "success", "number": index + 1,
                           "started_at": run.created_at, "completed_at": run.created_at})
                })
                .collect();
            json!({
                "id": job.id, "run_id": run_id.parse::<u64>().unwrap_or(0), "node_id": format!("J_{}", job.id),
                "run_url": format!("{}/repos/{key}/actions/runs/{run_id}", call.base),
                "head_sha": "0000000000000000000000000000000000000000", "workflow_name": run.name,
                "head_branch": run.head_branch, "name": job.name,
                "url": format!("{}/repos/{key}/actions/jobs/{}", call.base, job.id),
                "html_url": format!("{}/{key}/actions/runs/{run_id}/job/{}", call.base, job.id),
                "status": run.status, "conclusion": run.conclusion,
                "created_at": run.created_at, "started_at": run.created_at, "completed_at": run.created_at,
                "check_run_url": format!("{}/repos/{key}/check-runs/{}", call.base, job.id),
                "labels": ["ubuntu-latest"], "runner_id": 1, "runner_name": "GitHub Actions 1",
                "runner_group_id": 2, "runner_group_name": "GitHub Actions", "steps": steps,
            })
        })
        .collect();
    paged_wrapped(call, "jobs", items, 100)
}

/// `PUT .../workflows/{id}/disable|enable`: the state the workflow list then shows.
pub(super) fn set_workflow_state(state: &mut State, call: &Call<'_>, to: &str) -> Reply {
    let Some(repo) = repo_mut(state, call) else {
        return not_found();
    };
    let Some((id, _)) = find_workflow(repo, call.param("workflow_id")) else {
        return not_found();
    };
    match repo.workflows.get_mut(&id.to_string()) {
        Some(workflow) => {
            workflow.state = to.to_string();
            no_content()
        }
        None => not_found(),
    }
}
