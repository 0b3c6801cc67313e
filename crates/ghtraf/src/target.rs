//! Which repository and gists a data command works on.
//!
//! `collect` runs inside the daily workflow (where `GITHUB_REPOSITORY` and the
//! gist-id variables are in the environment) and on a maintainer's machine
//! (where `.ghtraf.json` knows them); `export` likewise. One resolver keeps the
//! precedence identical for both: flag, then environment, then the
//! repository variables, then `.ghtraf.json` — only when it is that
//! repository's (`-R` in another repository's checkout takes nothing from it).
//! When none names the badge gist, a repository a hub collects (given
//! nothing by the hub) is found by its gists' names: `status`, `export` and
//! `backfill` take them, `collect` says the hub collects it.

use ghtraf_github::{GistSummary, GitHubRead, RepoRef};

use crate::context::Context;
use crate::deployment::{gist_description, names_gist, GistRole, ARCHIVE_VARIABLE, BADGE_VARIABLE};
use crate::error::{CliError, Result};
use crate::hub::{Marker, MARKER_FILE};
use crate::output::{level, Channel};
use crate::project::{self, ProjectConfig};
use crate::repo_name;

/// The flags data commands share.
#[derive(Debug, Clone, Default, clap::Args, serde::Serialize, serde::Deserialize)]
pub struct TargetArgs {
    /// Repository OWNER/REPO or its URL (default: $GITHUB_REPOSITORY, .ghtraf.json, origin).
    #[arg(short = 'R', long, value_name = "OWNER/REPO")]
    pub repo: Option<String>,

    /// Badge gist id (default: $TRAFFIC_GIST_ID, the repository variable, .ghtraf.json).
    #[arg(long, value_name = "ID")]
    pub gist_id: Option<String>,

    /// Archive gist id (default: $TRAFFIC_ARCHIVE_GIST_ID, the variable, .ghtraf.json).
    #[arg(long, value_name = "ID")]
    pub archive_gist_id: Option<String>,

    /// The repository checkout whose .ghtraf.json to read (default: found upwards).
    #[arg(long, value_name = "DIR")]
    pub repo_dir: Option<std::path::PathBuf>,
}

/// A resolved target.
#[derive(Debug, Clone)]
pub struct Target {
    pub repo: RepoRef,
    pub badge_gist_id: String,
    pub archive_gist_id: Option<String>,
    /// The checkout's `.ghtraf.json` is another repository's (`-R` or
    /// `$GITHUB_REPOSITORY` named this one): nothing in the checkout is this
    /// repository's.
    pub other_checkout: bool,
}

/// The project config, if any (a malformed one is an error, not "none").
pub fn project_config(ctx: &Context, args: &TargetArgs) -> Result<Option<ProjectConfig>> {
    let root = project::discover_root(args.repo_dir.as_deref(), &ctx.cwd);
    Ok(project::observe(&root, ctx.config.as_deref())?.config)
}

/// The repository, by the one rule of [`repo_name`]: `-R/--repo`,
/// `GITHUB_REPOSITORY`, `.ghtraf.json`, the origin remote of the checkout.
pub fn resolve_repo(
    ctx: &Context,
    args: &TargetArgs,
    config: Option<&ProjectConfig>,
) -> Result<RepoRef> {
    let root = project::discover_root(args.repo_dir.as_deref(), &ctx.cwd);
    repo_name::resolve_for(ctx, &root, args.repo.as_deref(), None, config)
}

/// For commands that only read (`status`, `export`): [`resolve`], and when
/// nothing names the badge gist, the gists named for the repository (as
/// `list` and `hub add` find them). A repository a hub collects has no
/// variable and no `.ghtraf.json` (it is given nothing); its gists are found
/// by name, instead of "run `ghtraf create` first", which would refuse there.
pub fn resolve_reading(ctx: &Context, args: &TargetArgs, gh: &dyn GitHubRead) -> Result<Target> {
    let Unnamed {
        repo,
        archive,
        other,
        gists,
    } = match named_or_listed(ctx, args, gh)? {
        Ok(target) => return Ok(target),
        Err(unnamed) => unnamed,
    };
    let named = |role| {
        gists
            .iter()
            .find(|g| names_gist(&g.description, &repo, role))
            .map(|g| g.id.clone())
    };
    let badge = named(GistRole::Badges).ok_or_else(|| no_badge_gist(&repo))?;
    let archive = archive.or_else(|| named(GistRole::Archive));
    target(ctx, repo, badge, archive, other)
}

/// What the resolvers that fall back to the gist listing have when nothing
/// names the badge gist: the repository, any archive gist named, whether the
/// checkout is another repository's, and the user's gists to search by name.
struct Unnamed {
    repo: RepoRef,
    archive: Option<String>,
    other: bool,
    gists: Vec<GistSummary>,
}

/// [`resolve`]'s target when something names the badge gist; else the gist
/// listing to search (one request, only then).
fn named_or_listed(
    ctx: &Context,
    args: &TargetArgs,
    gh: &dyn GitHubRead,
) -> Result<std::result::Result<Target, Unnamed>> {
    let (repo, badge, archive, other) = named_ids(ctx, args, gh)?;
    if let Some(badge) = badge {
        return Ok(Ok(target(ctx, repo, badge, archive, other)?));
    }
    let gists = gh
        .list_gists()
        .map_err(|e| crate::api::error(Some("listing gists"), e))?;
    Ok(Err(Unnamed {
        repo,
        archive,
        other,
        gists,
    }))
}

fn no_badge_gist(repo: &RepoRef) -> CliError {
    CliError::usage(format!(
        "no badge gist known for {}/{}",
        repo.owner, repo.name
    ))
    .with_hint("run `ghtraf create` first, or pass --gist-id")
}

/// Gist ids: flag, environment, repository variable, `.ghtraf.json`.
pub fn resolve(ctx: &Context, args: &TargetArgs, gh: &dyn GitHubRead) -> Result<Target> {
    let (repo, badge, archive, other) = named_ids(ctx, args, gh)?;
    let badge = badge.ok_or_else(|| no_badge_gist(&repo))?;
    target(ctx, repo, badge, archive, other)
}

/// For `collect` of one repository: [`resolve`]; when nothing names the badge
/// gist and a gist named for the repository carries a hub's `hub.json`, the
/// refusal that the hub collects it (it has no variable or `.ghtraf.json`
/// because the hub is its collector: collecting it here would be a second
/// one), with the command that collects it in the hub, instead of "run
/// `ghtraf create` first", which refuses there too.
pub fn resolve_collecting(ctx: &Context, args: &TargetArgs, gh: &dyn GitHubRead) -> Result<Target> {
    let Unnamed { repo, gists, .. } = match named_or_listed(ctx, args, gh)? {
        Ok(target) => return Ok(target),
        Err(unnamed) => unnamed,
    };
    match hub_collecting(gh, &repo, &gists)? {
        Some((gist, hub)) => Err(CliError::usage(format!(
            "the hub {hub} collects {repo} into gist {gist} (its {MARKER_FILE} says so): collecting it here would be a second collector; nothing was written"
        ))
        .with_hint(format!(
            "`ghtraf collect --only {repo}` in {hub}'s checkout collects it (the hub's workflow does, daily)"
        ))),
        None => Err(no_badge_gist(&repo)),
    }
}

/// For `backfill`: [`resolve`], and when nothing names the badge gist, the
/// one gist named for the repository (a repository a hub collects has no
/// variable and no `.ghtraf.json`; its history is still its own to fill),
/// said in a note. Several gists with its name are refused: which one holds
/// its history is not known, and backfill writes it.
pub fn resolve_by_name(ctx: &Context, args: &TargetArgs, gh: &dyn GitHubRead) -> Result<Target> {
    let Unnamed {
        repo,
        archive,
        other,
        gists,
    } = match named_or_listed(ctx, args, gh)? {
        Ok(target) => return Ok(target),
        Err(unnamed) => unnamed,
    };
    let named = |role| -> Result<Option<String>> {
        let ids: Vec<&str> = gists
            .iter()
            .filter(|g| names_gist(&g.description, &repo, role))
            .map(|g| g.id.as_str())
            .collect();
        match ids[..] {
            [] => Ok(None),
            [id] => Ok(Some(id.to_string())),
            _ => Err(CliError::usage(format!(
                "{} gists are named \"{}\" ({}), and nothing else names {repo}'s: which one holds its history is not known",
                ids.len(),
                gist_description(&repo, role),
                ids.join(", ")
            ))
            .with_hint(format!(
                "pass --gist-id with the one holding {repo}'s history (`ghtraf status -R {repo}` shows it), and reconcile the others (docs/hostile-worlds.md, \"Duplicate gists\")"
            ))),
        }
    };
    let badge = named(GistRole::Badges)?.ok_or_else(|| no_badge_gist(&repo))?;
    let archive = match archive {
        Some(a) => Some(a),
        None => named(GistRole::Archive)?,
    };
    ctx.reporter.diag(
        Channel::Config,
        level::INFO,
        &format!(
            "note: {repo}'s badge gist {badge} is found by its name (no variable or .ghtraf.json names one)"
        ),
    );
    target(ctx, repo, badge, archive, other)
}

/// The hub that collects `repo`, when a badge gist named for it carries a
/// hub's marker (the gist listing shows the file; only then is it read):
/// that gist's id and the hub's name.
pub fn hub_collecting(
    gh: &dyn GitHubRead,
    repo: &RepoRef,
    gists: &[GistSummary],
) -> Result<Option<(String, String)>> {
    let marked = gists.iter().find(|g| {
        names_gist(&g.description, repo, GistRole::Badges)
            && g.files.iter().any(|f| f == MARKER_FILE)
    });
    let Some(marked) = marked else {
        return Ok(None);
    };
    let gist = gh
        .gist(&marked.id)
        .map_err(|e| crate::api::error(Some("reading the hub's marker in the badge gist"), e))?;
    let hub = gist
        .and_then(|g| g.files.get(MARKER_FILE).map(|f| Marker::hub_of(&f.content)))
        .map(|hub| hub.unwrap_or_else(|| "a ghtraf hub".to_string()));
    Ok(hub.map(|hub| (marked.id.clone(), hub)))
}

/// The repository, the gist ids something names (flag, environment,
/// repository variable, `.ghtraf.json`), and whether the checkout's
/// `.ghtraf.json` is another repository's: then none of its ids are taken
/// (they are that repository's gists), and a note says so.
fn named_ids(
    ctx: &Context,
    args: &TargetArgs,
    gh: &dyn GitHubRead,
) -> Result<(RepoRef, Option<String>, Option<String>, bool)> {
    let config = project_config(ctx, args)?;
    let repo = resolve_repo(ctx, args, config.as_ref())?;
    let other = repo_name::other_repository(config.as_ref(), &repo);
    if let Some(other) = &other {
        ctx.reporter.diag(
            Channel::Config,
            level::INFO,
            &format!(
                "note: this checkout's .ghtraf.json is for {other}; {}/{}'s gists are not taken from it",
                repo.owner, repo.name
            ),
        );
    }
    let config = config.filter(|_| other.is_none());
    let pick = |flag: &Option<String>, env: &str| -> Option<String> {
        flag.clone()
            .or_else(|| ctx.env(env).filter(|s| !s.trim().is_empty()))
    };
    let mut badge = pick(&args.gist_id, BADGE_VARIABLE);
    let mut archive = pick(&args.archive_gist_id, ARCHIVE_VARIABLE);
    if badge.is_none() || archive.is_none() {
        // The variables are the deployed truth; read them only when needed.
        match gh.list_variables(&repo) {
            Ok(vars) => {
                for v in vars {
                    if v.name == BADGE_VARIABLE && badge.is_none() {
                        badge = Some(v.value);
                    } else if v.name == ARCHIVE_VARIABLE && archive.is_none() {
                        archive = Some(v.value);
                    }
                }
            }
            Err(e) if e.is_not_found() => return Err(repo_name::unseen(&repo, e)),
            // A rejected token is the cause of everything that follows: say so, not "no gist".
            Err(e) if e.kind == ghtraf_github::ErrorKind::Unauthorized => {
                return Err(crate::api::error(None, e));
            }
            Err(e) => ctx.reporter.diag(
                Channel::Config,
                level::VERBOSE,
                &format!("could not read the repository variables: {}", e.message()),
            ),
        }
    }
    let badge = badge.or_else(|| config.as_ref().and_then(|c| c.badge_gist_id.clone()));
    let archive = archive.or_else(|| config.as_ref().and_then(|c| c.archive_gist_id.clone()));
    Ok((repo, badge, archive, other.is_some()))
}

fn target(
    ctx: &Context,
    repo: RepoRef,
    badge: String,
    archive: Option<String>,
    other_checkout: bool,
) -> Result<Target> {
    ctx.reporter.diag(
        Channel::Config,
        level::VERBOSE,
        &format!(
            "target {}/{}: badge gist {badge}, archive gist {}",
            repo.owner,
            repo.name,
            archive.as_deref().unwrap_or("(none)")
        ),
    );
    Ok(Target {
        repo,
        badge_gist_id: badge,
        archive_gist_id: archive,
        other_checkout,
    })
}
