//! `create`, phase 2: read GitHub and the checkout through read-only
//! handles, concurrently.
//!
//! A first setup (no gist id known yet, from a flag or `.ghtraf.json`) sends every read it
//! needs in one round trip: the gist list's first [`GIST_PAGES_AT_ONCE`] pages are asked
//! for before the first answer says how many there are, and a workflow token given up front
//! is checked alongside the other reads. An account with up to 1,000 gists therefore costs
//! it no extra round trip. A re-run, which usually changes nothing, guesses nothing: it
//! reads the list page by page count and checks a token only when it will store it.

use super::*;
use crate::deployment::names_gist;
use crate::templates::WORKFLOW_PATH;
use ghtraf_traffic::{parse_state, STATE_FILE};

/// Pages of the gist list (100 gists each) asked for at once: an account with up to 1,000
/// gists is read in the same round trip as everything else. A smaller account gets an
/// empty answer for each page past its end (up to 9 cheap requests, once per `create`);
/// a larger one costs one more round trip for the remaining pages, fetched at once.
pub(super) const GIST_PAGES_AT_ONCE: usize = 10;

/// The repo-relative paths `create` may write.
pub(super) fn managed_paths() -> Vec<String> {
    let mut paths: Vec<String> = TEMPLATES.iter().map(|t| t.path.to_string()).collect();
    paths.push(DASHBOARD_CONFIG_PATH.to_string());
    paths.push(CONFIG_FILE.to_string());
    paths
}

/// Reads the checkout and (unless files-only) GitHub, concurrently where it can.
pub fn observe(
    ctx: &Context,
    inputs: &Inputs,
    project: &Project,
    gh: Option<&dyn GitHubRead>,
) -> Result<Observed> {
    let mut files = BTreeMap::new();
    let mut leftovers = std::collections::BTreeSet::new();
    if !inputs.skip_files {
        // Through the confined layer: a symlink or FIFO is seen, not followed.
        let checkout = Checkout::new(&inputs.root);
        for path in managed_paths() {
            let local = checkout
                .observe(&path, fsio::LOCAL_FILE_CAP)
                .map_err(|e| CliError::runtime(format!("cannot read {e}")))?;
            leftovers.extend(
                checkout
                    .stale_temps(&path)
                    .map_err(|e| CliError::runtime(format!("cannot list {e}")))?,
            );
            files.insert(path, local);
        }
    }
    let github = match gh {
        None => None,
        Some(gh) => Some(observe_github(ctx, inputs, gh)?),
    };
    Ok(Observed {
        project: project.clone(),
        files,
        leftovers: leftovers.into_iter().collect(),
        github,
    })
}

/// Reads what `create` needs from GitHub: one named read per thread, each
/// typed; a read the inputs rule out is not made.
pub(super) fn observe_github(
    ctx: &Context,
    inputs: &Inputs,
    gh: &dyn GitHubRead,
) -> Result<GitHubSide> {
    let repo = &inputs.repo;
    let first_setup = inputs.badge_gist_id.is_none();
    let gist_pages = if first_setup { GIST_PAGES_AT_ONCE } else { 1 };
    // A token given up front is checked in the same round trip as the other reads, before
    // knowing whether the secret will be stored: a first setup stores it.
    let given = match &inputs.token {
        TokenSource::Given(token) => Some(ghtraf_github::Token::new(token.expose())),
        _ => None,
    };
    let check_now = given.as_ref().filter(|_| first_setup);
    let (user, repo_read, gists, variables, secret, pages, token_check, hints, workflow) =
        std::thread::scope(|s| {
            let user = s.spawn(|| gh.whoami());
            let repo_read = s.spawn(|| gh.repo(repo));
            let gists = s.spawn(|| gh.list_gists_at_once(gist_pages));
            let variables = (!inputs.skip_variables).then(|| s.spawn(|| gh.list_variables(repo)));
            let secret = s.spawn(|| gh.secret(repo, &inputs.gist_token_name));
            let pages = inputs.enable_pages.then(|| s.spawn(|| gh.pages(repo)));
            let token_check = check_now
                .map(|token| s.spawn(move || execute::check_workflow_token(gh, repo, token)));
            // For the closing hints (push it? start the first collection?) and verify's
            // comparison with the checkout: a failed read leaves a hint unsaid rather
            // than failing the run.
            let workflow = s.spawn(|| gh.content(repo, WORKFLOW_PATH));
            let state = (inputs.badge_gist_id.as_deref()).map(|id| s.spawn(move || gh.gist(id)));
            let workflow = api::join(workflow)
                .map(|c| c.map(|c| c.bytes))
                .map_err(|e| e.message().to_string());
            let hints = Hints {
                workflow_pushed: workflow.as_ref().ok().map(Option::is_some),
                collected: state
                    .and_then(|t| api::join(t).ok().flatten())
                    .map(|g| records_a_collection(&g)),
            };
            (
                api::join(user),
                api::join(repo_read),
                api::join(gists),
                variables.map(api::join),
                api::join(secret),
                pages.map(api::join),
                token_check.map(api::join),
                hints,
                workflow,
            )
        });
    // Errors surface in the order the reads are listed, as before.
    let user = user?;
    let (login, scopes) = (user.login, user.scopes);
    let r = repo_read.map_err(|e| crate::repo_name::unseen(repo, e))?;
    // GitHub's names are case-insensitive; its answer spells the repository
    // as it was created, and every name and comparison uses that spelling.
    let full_name = canonical_repo(repo, &r.full_name);
    let gists = gists?;
    let raw_base = gists.iter().find_map(|g| g.raw_base.clone());
    let variables: BTreeMap<String, String> = match variables {
        Some(v) => v?.into_iter().map(|v| (v.name, v.value)).collect(),
        None => BTreeMap::new(),
    };
    // The original's gists carry other names (`O/R traffic badges`): a gist a variable
    // names, or one named the original's way for this repository, is kept so `create`
    // adopts it instead of orphaning its history.
    let named_by_variable = |id: &String| {
        [BADGE_VARIABLE, ARCHIVE_VARIABLE]
            .iter()
            .any(|v| variables.get(*v) == Some(id))
    };
    let gists: Vec<GistSummary> = gists
        .into_iter()
        .filter(|g| {
            names_gist(&g.description, &full_name, GistRole::Badges)
                || names_gist(&g.description, &full_name, GistRole::Archive)
                || Some(&g.id) == inputs.badge_gist_id.as_ref()
                || Some(&g.id) == inputs.archive_gist_id.as_ref()
                || named_by_variable(&g.id)
                || legacy_role(&g.description, &full_name).is_some()
        })
        .collect();
    let history = duplicate_history(gh, &full_name, &gists)?;
    let collected_by = crate::target::hub_collecting(gh, &full_name, &gists)?;
    let secret = secret?;
    // A workflow token given up front is checked now, read-only, before anything changes:
    // one that cannot do the job stops the run here instead of half-applying it.
    let will_store = secret.is_none() || inputs.update_secret;
    let mut token_checked = None;
    if let (Some(token), true) = (&given, will_store) {
        let check = token_check.unwrap_or_else(|| execute::check_workflow_token(gh, repo, token));
        token_checked = Some(check.map_err(|why| unusable_token(&inputs.gist_token_name, &why))?);
    }
    let pages = match pages {
        Some(p) => Some(p?.map(|p| p.source.map(|s| (s.branch, s.path)).unwrap_or_default())),
        None => None,
    };
    let side = GitHubSide {
        history,
        full_name,
        login,
        scopes,
        repo_created_at: r.created_at,
        default_branch: r.default_branch,
        gists,
        raw_base,
        variables,
        secret,
        pages,
        token_checked,
        collected_by,
        hints,
        default_branch_workflow: workflow,
    };
    ctx.reporter.diag(
        Channel::Gist,
        level::VERBOSE,
        &format!(
            "{} matching gist(s) among the user's gists",
            side.gists.len()
        ),
    );
    Ok(side)
}

/// The repository as GitHub spells it (`full_name`), or `asked` when the
/// answer does not parse as a repository (a fake or a proxy answering oddly).
pub(super) fn canonical_repo(asked: &RepoRef, full_name: &str) -> RepoRef {
    RepoRef::parse(full_name)
        .ok()
        .filter(|r| r.to_string().eq_ignore_ascii_case(&asked.to_string()))
        .unwrap_or_else(|| asked.clone())
}

/// How much history each gist holds that shares its name with another one
/// (only those are read: a deployment without duplicates costs no request).
fn duplicate_history(
    gh: &dyn GitHubRead,
    repo: &RepoRef,
    gists: &[GistSummary],
) -> Result<BTreeMap<String, GistHistory>> {
    let mut ids = Vec::new();
    for role in [GistRole::Badges, GistRole::Archive] {
        let named: Vec<&GistSummary> = gists
            .iter()
            .filter(|g| names_gist(&g.description, repo, role))
            .collect();
        if named.len() > 1 {
            ids.extend(named.into_iter().map(|g| (g.id.clone(), role)));
        }
    }
    let read = fan_out(&ids, ghtraf_github::DEFAULT_FAN_OUT, |(id, role)| {
        gh.gist(id).map(|g| g.map(|g| GistHistory::of(&g, *role)))
    });
    let mut out = BTreeMap::new();
    for ((id, _), found) in ids.iter().zip(read) {
        let found = found.map_err(|e| api::error(Some("reading a duplicate gist"), e))?;
        out.insert(id.clone(), found.unwrap_or_default());
    }
    Ok(out)
}

/// Whether a badge gist's state records a collection.
fn records_a_collection(gist: &ghtraf_github::Gist) -> bool {
    (gist.files.get(STATE_FILE))
        .and_then(|f| parse_state(&f.content).ok())
        .is_some_and(|p| p.state.last_collection().is_some())
}

/// The role a description gives a gist under the original's pre-0.2.7 naming
/// (`O/R traffic badges|archive`) for this repository, if it is one.
pub(crate) fn legacy_role(description: &str, repo: &RepoRef) -> Option<GistRole> {
    use crate::commands::upgrade::fingerprint::{classify_description, Naming, Role};
    match classify_description(description, &repo.owner, &repo.name) {
        Naming::Legacy(Role::Badges) => Some(GistRole::Badges),
        Naming::Legacy(Role::Archive) => Some(GistRole::Archive),
        _ => None,
    }
}

/// A workflow token given up front that cannot do what `collect` does stops
/// the run before anything changes (checked read-only, with the token itself).
pub(crate) fn refuse_unusable_token(
    gh: &dyn GitHubRead,
    repo: &RepoRef,
    secret_name: &str,
    token: &TokenSource,
) -> Result<()> {
    let TokenSource::Given(token) = token else {
        return Ok(());
    };
    let token = ghtraf_github::Token::new(token.expose());
    execute::check_workflow_token(gh, repo, &token)
        .map(|_| ())
        .map_err(|why| unusable_token(secret_name, &why))
}

/// The refusal of a workflow token that cannot do what `collect` does.
fn unusable_token(secret_name: &str, why: &str) -> CliError {
    CliError::usage(format!(
        "the workflow token for {secret_name} cannot be used: {why}"
    ))
    .with_hint(format!(
        "give the workflow a token that can ({}); nothing was changed",
        crate::tokens::describe(crate::tokens::WORKFLOW)
    ))
}
