//! `ghtraf status` (one repository, or a hub) and, in [`list`], `ghtraf list`
//! (every tracked one).
//!
//! Read-only, so no plan: they observe concurrently and print. `list` finds
//! tracked repositories by the gist naming convention `create` uses, which
//! works for every repository the token's user set up, whoever owns it.

use ghtraf_github::GitHubRead;
use ghtraf_traffic::{parse_state, thousands, State, STATE_FILE};
use serde::Serialize;

use crate::api;
use crate::commands::hub::check;
use crate::context::Context;
use crate::deployment::{
    gist_description, names_gist, GistRole, ARCHIVE_VARIABLE, BADGE_VARIABLE, DEFAULT_TOKEN_NAME,
};
use crate::error::{ExitStatus, Result};
use crate::hub::{Marker, MARKER_FILE};
use crate::target::{self, Target, TargetArgs};

mod list;
use crate::templates::WORKFLOW_PATH;
pub use list::{list, ListArgs, LIST_IN_FLIGHT};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Name of the workflow token secret to look for.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_TOKEN_NAME)]
    pub gist_token_name: String,
}

/// The headline numbers of a state.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub tracking_since: Option<String>,
    pub last_collection: Option<String>,
    pub days_held: usize,
    pub archived_months: usize,
    pub clones: u64,
    pub organic_clones: u64,
    pub views: u64,
    pub downloads: u64,
    pub installs: u64,
}

impl Summary {
    pub fn of(state: &State) -> Summary {
        let t = &state.totals;
        // The dashboard's definition: the earlier of the state's own record and
        // the first day it holds (an imported history can start before it).
        let first_day = state
            .daily_history
            .iter()
            .map(|d| {
                let (y, m, day) = (d.date.year(), u8::from(d.date.month()), d.date.day());
                format!("{y:04}-{m:02}-{day:02}")
            })
            .min();
        let tracking_since = [state.tracking_since.clone(), first_day]
            .into_iter()
            .flatten()
            .min();
        Summary {
            tracking_since,
            last_collection: state.last_collection().map(str::to_string),
            days_held: state.daily_history.len(),
            archived_months: state.archived.months.len(),
            clones: t.clones,
            organic_clones: t.organic_clones,
            views: t.views,
            downloads: t.downloads,
            installs: t.downloads + t.organic_clones,
        }
    }

    fn line(&self) -> String {
        format!(
            "installs {} (downloads {} + organic clones {}), clones {} (raw, CI checkouts included), views {}",
            thousands(self.installs),
            thousands(self.downloads),
            thousands(self.organic_clones),
            thousands(self.clones),
            thousands(self.views)
        )
    }
}

#[derive(Debug, Serialize)]
struct Status {
    repository: String,
    badge_gist: Option<String>,
    archive_gist: Option<String>,
    /// In JSON an object, name → value (null: not set).
    #[serde(serialize_with = "as_object")]
    variables: Vec<(String, Option<String>)>,
    secret: Option<String>,
    workflow_in_checkout: bool,
    workflow_on_default_branch: Option<bool>,
    last_workflow_run: Option<String>,
    summary: Option<Summary>,
    problems: Vec<String>,
    /// The hub that collects the repository (its badge gist's `hub.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    collected_by: Option<String>,
    /// A deviation among the problems (a second collector, duplicate gists, a missing
    /// secret or variable the workflow needs): exit 3, not 1.
    #[serde(skip)]
    deviation: bool,
}

pub fn status(ctx: &Context, args: &StatusArgs) -> Result<ExitStatus> {
    let root = crate::project::discover_root(args.target.repo_dir.as_deref(), &ctx.cwd);
    // In a hub checkout, the hub; one that is also a deployment shows both.
    let hub = match check::hub_here(&root, args.target.repo.as_deref())? {
        Some(config) => {
            let project = crate::project::observe(&root, ctx.config.as_deref())?;
            let seen = check::observe(ctx, &root, config)?;
            if !check::also_deployed(&root, &project) {
                return hub_status(ctx, &seen, None);
            }
            Some(seen)
        }
        None => None,
    };
    let gh = api::client(ctx)?;
    let target = target::resolve_reading(ctx, &args.target, &gh)?;
    let repo = &target.repo;
    let mut problems = Vec::new();
    // Two gists of one role: `verify` calls it a deviation, and so does `status` (exit 3).
    let mut duplicates = false;

    // One named, typed read per thread; a failed read is a problem, not an error.
    let (state, variables, secret, content, runs, gists) = std::thread::scope(|s| {
        let state = s.spawn(|| gh.gist(&target.badge_gist_id));
        let variables = s.spawn(|| gh.list_variables(repo));
        let secret = s.spawn(|| gh.secret(repo, &args.gist_token_name));
        let content = s.spawn(|| gh.content(repo, WORKFLOW_PATH));
        let runs = s.spawn(|| gh.latest_runs(repo, "traffic-badges.yml", 1));
        let gists = s.spawn(|| gh.list_gists());
        (
            api::join(state),
            api::join(variables),
            api::join(secret),
            api::join(content),
            api::join(runs),
            api::join(gists),
        )
    });
    // Several gists with the deployment's name: say so (create picks one,
    // collect writes the one the variable names, the others are forgotten).
    match gists {
        Ok(gists) => {
            for role in [GistRole::Badges, GistRole::Archive] {
                let ids: Vec<&str> = gists
                    .iter()
                    .filter(|g| names_gist(&g.description, repo, role))
                    .map(|g| g.id.as_str())
                    .collect();
                if ids.len() > 1 {
                    duplicates = true;
                    problems.push(format!(
                        "{} gists are named \"{}\": {}; only one is used. Reconcile them with `ghtraf upgrade`, or delete the extra ones (docs/hostile-worlds.md, \"Duplicate gists\")",
                        ids.len(),
                        gist_description(repo, role),
                        ids.join(", ")
                    ));
                }
            }
        }
        Err(e) => problems.push(format!("gists: {}", e.message())),
    }
    let mut st = Status {
        repository: format!("{}/{}", repo.owner, repo.name),
        badge_gist: Some(target.badge_gist_id.clone()),
        archive_gist: target.archive_gist_id.clone(),
        variables: Vec::new(),
        secret: None,
        workflow_in_checkout: false,
        workflow_on_default_branch: None,
        last_workflow_run: None,
        summary: None,
        problems: Vec::new(),
        collected_by: None,
        deviation: duplicates,
    };
    if let Ok(Some(g)) = &state {
        st.collected_by = g
            .files
            .get(MARKER_FILE)
            .map(|f| Marker::hub_of(&f.content).unwrap_or_else(|| "a ghtraf hub".to_string()));
    }
    match state {
        Ok(Some(g)) => match g.files.get(STATE_FILE).map(|f| parse_state(&f.content)) {
            Some(Ok(p)) => {
                if let Err(e) = ghtraf_traffic::check_plausible(&p.state, &[], ctx.now) {
                    problems.push(format!(
                        "gist {}: {e}; `ghtraf collect` will refuse to write until it is fixed",
                        g.id
                    ));
                }
                st.summary = Some(Summary::of(&p.state));
            }
            Some(Err(e)) => problems.push(e.to_string()),
            None => problems.push(format!("gist {} has no {STATE_FILE}", g.id)),
        },
        Ok(None) => problems.push(format!("badge gist {} not found", target.badge_gist_id)),
        Err(e) => problems.push(e.message().to_string()),
    }
    match variables {
        Ok(vars) => {
            for name in [BADGE_VARIABLE, ARCHIVE_VARIABLE] {
                let v = vars
                    .iter()
                    .find(|v| v.name == name)
                    .map(|v| v.value.clone());
                // A repository a hub collects has no variable on purpose: none to show.
                if v.is_some() || st.collected_by.is_none() {
                    st.variables.push((name.to_string(), v));
                }
            }
        }
        Err(e) => problems.push(format!("variables: {}", e.message())),
    }
    let secret_read = secret.is_ok();
    match secret {
        Ok(meta) => st.secret = meta.map(|m| m.updated_at),
        Err(e) => problems.push(format!("secret: {}", e.message())),
    }
    // What the workflow here needs to collect, read and missing: a deviation, as `verify`
    // judges it (a repository a hub collects has none of them, on purpose).
    if st.collected_by.is_none() {
        let mut missing = cannot_collect(&st, secret_read, &args.gist_token_name, &target);
        st.deviation |= !missing.is_empty();
        problems.append(&mut missing);
    }
    match content {
        Ok(c) => st.workflow_on_default_branch = Some(c.is_some()),
        Err(e) => problems.push(format!("workflow file: {}", e.message())),
    }
    match runs {
        Ok(Some(runs)) => st.last_workflow_run = runs.first().map(run_summary),
        Ok(None) => {}
        Err(e) => problems.push(format!("workflow runs: {}", e.message())),
    }
    let root = crate::project::discover_root(args.target.repo_dir.as_deref(), &ctx.cwd);
    // Through the confined layer: a symlink there is not "in the checkout".
    // Another repository's checkout (its .ghtraf.json says so) holds nothing of this one's.
    st.workflow_in_checkout = match crate::checkout::Checkout::new(&root).check(WORKFLOW_PATH) {
        _ if target.other_checkout => false,
        Ok(present) => present,
        Err(e) => {
            problems.push(format!("workflow: {e}"));
            false
        }
    };
    // A hub collects it and a workflow here would too: two writers of one gist.
    let here = st.workflow_in_checkout || st.workflow_on_default_branch == Some(true);
    if let (Some(hub), true) = (&st.collected_by, here) {
        problems.push(format!(
            "a second collector: the hub {hub} collects {}, and traffic-badges.yml is here too (`ghtraf verify` says how to keep one)",
            st.repository
        ));
        st.deviation = true;
    }
    st.problems = problems;

    let r = &ctx.reporter;
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    r.say(&st.repository);
    r.say(&format!("  badge gist     {}", target.badge_gist_id));
    r.say(&format!(
        "  archive gist   {}",
        st.archive_gist.as_deref().unwrap_or("(none)")
    ));
    for (name, value) in &st.variables {
        r.say(&format!(
            "  variable       {name} = {}",
            value.as_deref().unwrap_or("(not set)")
        ));
    }
    r.say(&format!(
        "  secret         {}",
        match (&st.secret, &st.collected_by) {
            (Some(u), _) => format!("{} (updated {u})", args.gist_token_name),
            // Not missing: the hub's workflow collects it with the hub's token.
            (None, Some(hub)) => format!("none here (the hub {hub} holds the token)"),
            (None, None) => format!("{} (missing)", args.gist_token_name),
        }
    ));
    if let Some(hub) = &st.collected_by {
        // "not a workflow here" is only true where no workflow is: one here is a second collector.
        r.say(&format!(
            "  collected by   the hub {hub} (its badge gist says so), {}",
            if here {
                "but traffic-badges.yml is here too: a second collector (`ghtraf verify` says how to keep one)"
            } else {
                "not a workflow here"
            }
        ));
    }
    r.say(&format!(
        "  workflow       in checkout: {}; on default branch: {}; last run: {}",
        yes_no(st.workflow_in_checkout),
        st.workflow_on_default_branch
            .map(yes_no)
            .unwrap_or("unknown"),
        st.last_workflow_run.as_deref().unwrap_or("none")
    ));
    if let Some(s) = &st.summary {
        let collected = s.last_collection.as_deref().map_or_else(
            || "never collected".to_string(),
            |t| format!("last collection {t}"),
        );
        // A state without its first day says nothing of it rather than "since ?".
        let since = s
            .tracking_since
            .as_deref()
            .map(|d| format!("tracking since {d}, "))
            .unwrap_or_default();
        r.say(&format!(
            "  history        {since}{collected}, {} day(s) held, {} month(s) archived",
            s.days_held, s.archived_months
        ));
        r.say(&format!("  totals         {}", s.line()));
    }
    if let Some(seen) = &hub {
        return hub_status(ctx, seen, Some(st));
    }
    for p in &st.problems {
        r.warn(p);
    }
    r.json(&serde_json::to_value(&st).unwrap_or_default());
    Ok(exit_status(st.deviation, !st.problems.is_empty()))
}

/// What a repository that collects itself lacks for its workflow to collect, one line each:
/// the token secret (when it was read), a gist variable (when the variables were read; the
/// archive's only where an archive gist exists). `status` shows them as "(missing)" and
/// "(not set)"; `verify` calls them deviations, and so does `status`.
fn cannot_collect(
    st: &Status,
    secret_read: bool,
    token_name: &str,
    target: &Target,
) -> Vec<String> {
    let mut missing = Vec::new();
    if secret_read && st.secret.is_none() {
        missing.push(format!(
            "secret {token_name} is missing: the workflow cannot collect until its token is \
             stored: GHTRAF_GIST_TOKEN=… ghtraf create -R {} (or --gist-token-stdin)",
            st.repository
        ));
    }
    for (name, value) in &st.variables {
        let needed = name == BADGE_VARIABLE || target.archive_gist_id.is_some();
        if value.is_none() && needed {
            missing.push(format!(
                "variable {name} is not set: the workflow cannot find its gist \
                 (`ghtraf create -R {}` sets it)",
                st.repository
            ));
        }
    }
    missing
}

/// As `verify`: 3 when something deviates (two collectors of one gist, two gists of one
/// role, or a workflow that cannot collect for a secret, variable or gist missing), else
/// 1 when something could not be read or is unusable, else 0.
fn exit_status(deviation: bool, problems: bool) -> ExitStatus {
    if deviation {
        ExitStatus::Deviation
    } else if problems {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    }
}

/// A hub at a glance: what it tracks and how its collections stand, after
/// the status of its own deployment when it is one (`own`).
fn hub_status(ctx: &Context, seen: &check::Seen, own: Option<Status>) -> Result<ExitStatus> {
    let r = &ctx.reporter;
    let mut problems = own.as_ref().map(|s| s.problems.clone()).unwrap_or_default();
    let st = check::status(seen, ctx.now, &mut problems);
    r.say(&format!("{} (hub)", seen.hub));
    r.say(&format!(
        "  hub gist       {}",
        st.hub_gist.as_deref().unwrap_or("(missing)")
    ));
    r.say(&format!(
        "  secret         {} {}",
        seen.secret_name,
        st.secret
            .as_deref()
            .map(|u| format!("(updated {u})"))
            .unwrap_or_else(|| "(missing)".to_string())
    ));
    r.say(&format!(
        "  hub workflow   last run: {}",
        st.last_workflow_run.as_deref().unwrap_or("none")
    ));
    let collected = st.tracked - st.own_workflow;
    r.say(&format!(
        "  repositories   {} tracked: {collected} collected by the hub, {} {} its own workflow",
        st.tracked,
        st.own_workflow,
        if st.own_workflow == 1 {
            "keeps"
        } else {
            "keep"
        }
    ));
    let named = |what: &str, names: &[String]| {
        (!names.is_empty()).then(|| format!("{} {what} ({})", names.len(), check::few(names)))
    };
    let parts: Vec<String> = [Some(format!("{} fresh", st.fresh))]
        .into_iter()
        .chain([
            named("stale", &st.stale),
            named("failed", &st.failed),
            named("never collected", &st.never),
        ])
        .flatten()
        .collect();
    r.say(&format!(
        "  collections    {}; portfolio written {}",
        parts.join(", "),
        st.portfolio_written.as_deref().unwrap_or("never")
    ));
    for p in &problems {
        r.warn(p);
    }
    let mut doc = match &own {
        Some(own) => serde_json::to_value(own).unwrap_or_default(),
        None => serde_json::json!({ "repository": seen.hub.to_string() }),
    };
    if let Some(map) = doc.as_object_mut() {
        map.insert("hub".into(), serde_json::to_value(&st).unwrap_or_default());
        map.insert("problems".into(), serde_json::json!(problems));
    }
    r.json(&doc);
    // Stale or failed collections are problems of the hub: say so in the exit code.
    let failing = !st.stale.is_empty() || !st.failed.is_empty();
    // Without its gist or its token the hub's workflow cannot collect: a deviation, as
    // `verify` judges it (the lines saying so are among the problems).
    let deviation =
        own.as_ref().is_some_and(|s| s.deviation) || st.hub_gist.is_none() || st.secret.is_none();
    Ok(exit_status(deviation, !problems.is_empty() || failing))
}

/// Name/value pairs as one JSON object (names are unique), in their order.
fn as_object<S: serde::Serializer>(
    pairs: &[(String, Option<String>)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (name, value) in pairs {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// A workflow run as `status` shows it: "conclusion created_at" (the status while it runs).
pub(crate) fn run_summary(r: &ghtraf_github::WorkflowRun) -> String {
    let outcome = r
        .conclusion
        .clone()
        .or(r.status.clone())
        .unwrap_or_default();
    format!("{outcome} {}", r.created_at)
}
