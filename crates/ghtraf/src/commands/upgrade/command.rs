//! `ghtraf upgrade` as the driver runs it: settle the inputs, observe GitHub
//! and the checkout concurrently, plan purely, carry out each action through
//! the GitHub client, and verify by observing again.
//!
//! Everything that decides lives in the sibling modules; this one only reads
//! and adapts. The repository root is the nearest `.git` upwards (not the
//! nearest `.ghtraf.json`, as for other commands), because the original tool
//! wrote its `.ghtraf.json` into whatever directory it ran in: such a stray
//! copy is reported and carried to the root rather than mistaken for it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ghtraf_github::{Client, GitHubRead, RepoRef};
use ghtraf_plan::{Action, ActionResult, Finding, Outcome, Outputs, Plan, Secret, StepError};

use super::args::{default_backup_dir, UpgradeArgs};
use super::backup::write_journal;
use super::client_ops::ClientOps;
use super::execute::{step, StepContext};
use super::generation::{worth_fetching, NamedIds, CONFIG_FILE, WORKFLOW_PATH};
use super::observed::{GistSeen, GitHubSide, Observed, RemoteFile, SecretSeen, WorkflowSeen};
use super::plan::{plan_upgrade, UpgradeInputs, ARCHIVE_VARIABLE, BADGE_VARIABLE};
use super::step::UpgradeStep;
use super::verify::verify_upgrade;
use crate::api;
use crate::checkout::{Checkout, Local};
use crate::context::Context;
use crate::deployment::DEFAULT_TOKEN_NAME;
use crate::driver::MutatingCommand;
use crate::error::{CliError, Result};
use crate::fsio;
use crate::project;
use crate::prompt::Overwrite;
use crate::repo_name;
use crate::templates::{DASHBOARD_CONFIG_PATH, TEMPLATES};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const IMAGES: [&str; 2] = [
    "docs/images/ghtraf-banner.png",
    "docs/images/ghtraf-logo.png",
];

/// `ghtraf upgrade` as the driver runs it.
pub struct Upgrade {
    pub args: UpgradeArgs,
}

/// What `upgrade` observed, and what its steps need.
pub struct UpgradeWorld {
    inputs: UpgradeInputs,
    observed: Observed,
    repo: RepoRef,
    client: Client,
    /// "All" / "skip all" answered to an earlier file question.
    answered_for_all: Mutex<Option<bool>>,
}

impl MutatingCommand for Upgrade {
    type Payload = UpgradeStep;
    type World = UpgradeWorld;

    fn observe(&self, ctx: &Context) -> Result<UpgradeWorld> {
        let root = repository_root(self.args.common.repo_dir.as_deref(), &ctx.cwd);
        let config = read_config(&root);
        let repo = resolve_repo(ctx, &self.args, config.as_ref(), &root)?;
        let inputs = resolve_inputs(ctx, &self.args, &repo, root)?;
        let client = api::client(ctx)?;
        let observed = observe(ctx, &inputs, &repo, &client)?;
        Ok(UpgradeWorld {
            inputs,
            observed,
            repo,
            client,
            answered_for_all: Mutex::new(None),
        })
    }

    fn plan(&self, ctx: &Context, world: &UpgradeWorld) -> Result<Plan<UpgradeStep>> {
        plan_upgrade(&world.inputs, &world.observed, ctx.now)
    }

    fn heading(&self, _ctx: &Context, world: &UpgradeWorld, plan: &Plan<UpgradeStep>) -> String {
        let generation = plan
            .context
            .get("generation_summary")
            .and_then(|v| v.as_str())
            .unwrap_or("unknown");
        format!(
            "Plan for `ghtraf upgrade` of {}/{} ({}; found: {generation}):",
            world.repo.owner,
            world.repo.name,
            world.inputs.root.display()
        )
    }

    fn detail_level(&self) -> i32 {
        i32::from(self.args.common.diff)
    }

    fn settle(
        &self,
        ctx: &Context,
        world: &mut UpgradeWorld,
        plan: &Plan<UpgradeStep>,
    ) -> Result<bool> {
        let open = plan.actions.iter().filter_map(|a| match &a.details {
            UpgradeStep::File(f) if a.requires_input => {
                Some((f.path.as_str(), f.diff.as_deref().unwrap_or_default()))
            }
            _ => None,
        });
        let answers = crate::prompt::ask_overwrites(ctx.prompter.as_ref(), open)?;
        let changed = !answers.is_empty();
        world.inputs.answers.extend(answers);
        Ok(changed)
    }

    fn step(
        &self,
        ctx: &Context,
        world: &UpgradeWorld,
        action: &Action<UpgradeStep>,
        outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError> {
        if action.requires_input {
            if let UpgradeStep::File(f) = &action.details {
                if !may_overwrite(ctx, world, &f.path, f.diff.as_deref().unwrap_or_default())? {
                    return Ok(Outcome::declined(format!("{} kept, as answered", f.path)));
                }
            }
        }
        let ops = ClientOps {
            client: &world.client,
            repo: &world.repo,
        };
        let now = ghtraf_traffic::format_timestamp(ctx.now);
        let repository = format!("{}/{}", world.repo.owner, world.repo.name);
        let cx = StepContext {
            root: &world.inputs.root,
            repository: &repository,
            now: &now,
        };
        step(action, outputs, &ops, &cx)
    }

    fn verify(
        &self,
        ctx: &Context,
        world: &UpgradeWorld,
        plan: &Plan<UpgradeStep>,
        results: &[ActionResult],
    ) -> Vec<Finding> {
        if world.inputs.backup_dir.exists() {
            if let Err(e) = write_journal(&world.inputs.backup_dir, results) {
                ctx.reporter
                    .warn(&format!("cannot write the journal next to the backup: {e}"));
            }
        }
        let mut outputs = Outputs::default();
        for r in results {
            outputs.record(&r.id, &r.produced);
        }
        match observe(ctx, &world.inputs, &world.repo, &world.client) {
            Ok(after) => verify_upgrade(plan, results, &outputs, &world.observed, &after),
            Err(e) => vec![Finding::deviation(
                "upgrade:reobserve",
                format!("could not read the world again: {}", e.message),
            )],
        }
    }

    fn finish(
        &self,
        ctx: &Context,
        world: &UpgradeWorld,
        plan: &Plan<UpgradeStep>,
        _results: &[ActionResult],
    ) {
        if plan
            .actions
            .iter()
            .any(|a| a.is_change() && matches!(a.details, UpgradeStep::Backup(_)))
        {
            ctx.reporter.say(&format!(
                "Backup: {} (manifest.json says how to roll back).",
                world.inputs.backup_dir.display()
            ));
        }
        let disabled = plan.actions.iter().any(|a| {
            matches!(&a.details, UpgradeStep::WorkflowState(w) if !w.enable) && a.is_change()
        });
        if disabled {
            ctx.reporter.say(&format!(
                "Next: commit and push {WORKFLOW_PATH} (and docs/stats), then run `ghtraf upgrade` \
                 again: it re-enables the workflow and can convert the state."
            ));
        }
    }
}

/// Asks whether an edited file may be replaced, remembering "all" and "skip all".
fn may_overwrite(
    ctx: &Context,
    world: &UpgradeWorld,
    path: &str,
    diff: &str,
) -> std::result::Result<bool, StepError> {
    let mut memory = world
        .answered_for_all
        .lock()
        .map_err(|_| StepError::new("internal: the answers were lost"))?;
    if let Some(all) = *memory {
        return Ok(all);
    }
    let answer = ctx
        .prompter
        .overwrite(path, diff)
        .map_err(|e| StepError::new(e.message))?;
    Ok(match answer {
        Overwrite::Yes => true,
        Overwrite::No => false,
        Overwrite::All => {
            *memory = Some(true);
            true
        }
        Overwrite::SkipAll => {
            *memory = Some(false);
            false
        }
    })
}

/// `--repo-dir`, else the nearest directory upwards holding `.git`, else the usual discovery.
fn repository_root(repo_dir: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(dir) = repo_dir {
        return dir.to_path_buf();
    }
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| project::discover_root(None, cwd))
}

/// `.ghtraf.json` at the root as a raw object (either spelling), through the confined
/// layer; None when absent, refused or unreadable (the plan reports those and leaves them).
fn read_config(root: &Path) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = Checkout::new(root)
        .read(CONFIG_FILE, fsio::LOCAL_FILE_CAP)
        .ok()
        .flatten()?;
    match serde_json::from_slice(&bytes) {
        Ok(serde_json::Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// The repository by the one rule of [`repo_name`] (`-R/--repo`,
/// `$GITHUB_REPOSITORY`, `.ghtraf.json`, the origin remote), every form gh
/// accepts and the same errors as every other command. `.ghtraf.json` is read
/// raw here (the original's spelling is not ours), so only its `owner` and
/// `repo` are taken.
fn resolve_repo(
    ctx: &Context,
    args: &UpgradeArgs,
    config: Option<&serde_json::Map<String, serde_json::Value>>,
    root: &Path,
) -> Result<RepoRef> {
    let get = |k: &str| {
        config
            .and_then(|c| c.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let named = project::ProjectConfig {
        owner: get("owner"),
        repo: get("repo"),
        ..project::ProjectConfig::default()
    };
    let named = config.map(|_| named);
    let (repo, source) = repo_name::resolve_sourced(
        ctx,
        root,
        args.common.repo.as_deref(),
        args.common.owner.as_deref(),
        named.as_ref(),
    )?;
    // The checkout's files (and .ghtraf.json's gist ids) are the repository it is.
    let hosts = repo_name::hosts(&|k| ctx.env(k));
    crate::whose_checkout::refuse_other_checkout(root, &hosts, named.as_ref(), &repo, &source)?;
    Ok(repo)
}

fn resolve_inputs(
    ctx: &Context,
    args: &UpgradeArgs,
    repo: &RepoRef,
    root: PathBuf,
) -> Result<UpgradeInputs> {
    let token = if args.secret.gist_token_stdin {
        let text = ctx.read_stdin()?;
        let t = text.trim();
        if t.is_empty() {
            return Err(CliError::usage(
                "--gist-token-stdin: standard input was empty",
            ));
        }
        Some(Secret::new(t))
    } else {
        ctx.env("GHTRAF_GIST_TOKEN")
            .filter(|t| !t.trim().is_empty())
            .map(|t| Secret::new(t.trim()))
    };
    if args.secret.update_secret && token.is_none() {
        return Err(CliError::usage(
            "--update-secret needs the token: set GHTRAF_GIST_TOKEN or use --gist-token-stdin",
        ));
    }
    let backup_dir = match &args.backup_dir {
        Some(d) => lexical(&ctx.cwd.join(d)),
        None => default_backup_dir(&|k| ctx.env(k), &repo.owner, &repo.name, ctx.now).ok_or_else(
            || {
                CliError::usage("no place for the backup: neither XDG_STATE_HOME nor HOME is set")
                    .with_hint("pass --backup-dir DIR (outside the repository)")
            },
        )?,
    };
    Ok(UpgradeInputs {
        owner: repo.owner.clone(),
        repo: repo.name.clone(),
        root,
        backup_dir,
        gist_id: args.common.gist_id.clone(),
        archive_gist_id: args.common.archive_gist_id.clone(),
        display_name: args.common.display_name.clone(),
        convert_state: args.convert_state.into(),
        commit: args.commit,
        edited: args.edited_files(ctx.interactive),
        answers: Default::default(),
        keep_old_workflow: args.keep_old_workflow,
        prune_orphans: args.prune_orphans,
        update_secret: args.secret.update_secret,
        token,
        gist_token_name: args
            .common
            .gist_token_name
            .clone()
            .unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string()),
        install_command: args.common.install_command.clone(),
        releases_url: match &args.common.releases_url {
            Some(url) => Some(crate::install::check_releases_url(
                url,
                crate::values::Source::Flag("--releases-url"),
            )?),
            None => None,
        },
        api_base: ghtraf_github::resolve_api_base(ctx.api_url.as_deref(), &|k| ctx.env(k)),
        version: VERSION.to_string(),
    })
}

/// `a/b/../c` → `a/c` without touching the file system, so `--backup-dir ../x` is
/// judged by where it points, not by how it is spelled.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The repo-relative paths upgrade may write or report.
fn checkout_paths() -> Vec<String> {
    let mut paths: Vec<String> = TEMPLATES.iter().map(|t| t.path.to_string()).collect();
    paths.push(DASHBOARD_CONFIG_PATH.to_string());
    paths.push(CONFIG_FILE.to_string());
    paths.extend(IMAGES.iter().map(|p| p.to_string()));
    paths
}

/// Reads the checkout and GitHub; every GitHub read runs on its own thread.
fn observe(
    ctx: &Context,
    inputs: &UpgradeInputs,
    repo: &RepoRef,
    gh: &dyn GitHubRead,
) -> Result<Observed> {
    let mut files = BTreeMap::new();
    let mut refused = BTreeMap::new();
    let checkout = Checkout::new(&inputs.root);
    for path in checkout_paths() {
        let local = checkout
            .observe(&path, fsio::LOCAL_FILE_CAP)
            .map_err(|e| CliError::runtime(format!("cannot read {path}: {e}")))?;
        match local {
            Local::Absent => {
                files.insert(path, None);
            }
            Local::File(bytes) => {
                files.insert(path, Some(bytes));
            }
            Local::Refused(r) => {
                refused.insert(path, r.reason);
            }
        }
    }
    let stray_config = if ctx.cwd != inputs.root && ctx.cwd.starts_with(&inputs.root) {
        let rel = ctx
            .cwd
            .join(CONFIG_FILE)
            .strip_prefix(&inputs.root)
            .map(|rel| rel.to_string_lossy().replace('\\', "/"))
            .ok();
        rel.and_then(|rel| {
            checkout
                .read(&rel, fsio::LOCAL_FILE_CAP)
                .ok()
                .flatten()
                .map(|b| (rel, b))
        })
    } else {
        None
    };
    let config = files
        .get(CONFIG_FILE)
        .cloned()
        .flatten()
        .or_else(|| stray_config.as_ref().map(|(_, b)| b.clone()))
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    let config_id = |camel: &str, snake: &str| {
        config
            .as_ref()
            .and_then(|c| c.get(camel).or_else(|| c.get(snake)))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };

    let (user, repo_read, listed, variables, secret, workflows, remote) = std::thread::scope(|s| {
        let user = s.spawn(|| gh.current_user());
        let repo_read = s.spawn(|| gh.repo(repo));
        let listed = s.spawn(|| gh.list_gists());
        let variables = s.spawn(|| gh.list_variables(repo));
        let secret = s.spawn(|| gh.secret(repo, &inputs.gist_token_name));
        let workflows = s.spawn(|| gh.workflows(repo));
        let remote = s.spawn(|| gh.content(repo, WORKFLOW_PATH));
        (
            api::join(user),
            api::join(repo_read),
            api::join(listed),
            api::join(variables),
            api::join(secret),
            api::join(workflows),
            api::join(remote),
        )
    });
    let user = user?;
    // A 404 on the repository names it, as for every command.
    let repo_read = repo_read.map_err(|e| repo_name::unseen(repo, e))?;
    let listed = listed?;
    let variables: BTreeMap<String, String> =
        variables?.into_iter().map(|v| (v.name, v.value)).collect();
    let secret = secret?;
    let workflows = workflows?;
    let remote = remote?;

    let badges = NamedIds {
        flag: inputs.gist_id.clone(),
        variable: variables.get(BADGE_VARIABLE).cloned(),
        config: config_id("badgeGistId", "badge_gist_id"),
    };
    let archive = NamedIds {
        flag: inputs.archive_gist_id.clone(),
        variable: variables.get(ARCHIVE_VARIABLE).cloned(),
        config: config_id("archiveGistId", "archive_gist_id"),
    };
    let raw_base = listed.iter().find_map(|g| g.raw_base.clone());
    let mut wanted = worth_fetching(
        listed.iter().map(|g| {
            (
                g.id.as_str(),
                g.description.as_str(),
                g.files.iter().map(String::as_str).collect(),
            )
        }),
        &inputs.owner,
        &inputs.repo,
        &badges,
        &archive,
    );
    // Ids named by a variable or config but not listed (another owner's gist) are tried too.
    for (_, id) in badges.ordered().into_iter().chain(archive.ordered()) {
        if !wanted.iter().any(|w| w == id) {
            wanted.push(id.to_string());
        }
    }
    let fetched: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = wanted
            .iter()
            .map(|id| s.spawn(move || gh.gist(id)))
            .collect();
        handles.into_iter().map(api::join).collect()
    });
    let mut gists = Vec::new();
    for g in fetched {
        let Some(g) = g? else { continue };
        let revision = match &g.revision {
            Some(r) => r.clone(),
            None => gh.gist_revision(&g.id)?.unwrap_or_default(),
        };
        gists.push(GistSeen {
            id: g.id,
            description: g.description,
            public: g.public,
            owner_login: g.owner_login,
            revision,
            updated_at: g.updated_at,
            files: g.files.into_iter().map(|(n, f)| (n, f.content)).collect(),
        });
    }
    let registered = workflows.into_iter().find(|w| w.path == WORKFLOW_PATH);
    let workflow = match registered {
        Some(w) => {
            let runs = gh
                .latest_runs(repo, &w.id.to_string(), 20)?
                .unwrap_or_default();
            let busy = runs
                .iter()
                .filter(|r| {
                    matches!(
                        r.status.as_deref(),
                        Some("queued" | "in_progress" | "waiting" | "requested" | "pending")
                    )
                })
                .count();
            Some(WorkflowSeen {
                id: w.id,
                name: w.name,
                path: w.path,
                state: w.state,
                runs_in_progress: u32::try_from(busy).unwrap_or(u32::MAX),
            })
        }
        None => None,
    };
    Ok(Observed {
        files,
        refused,
        stray_config,
        github: GitHubSide {
            login: user.login,
            default_branch: repo_read.default_branch,
            repo_created_at: repo_read.created_at,
            gists,
            variables,
            secret: secret.map(|s| SecretSeen {
                name: s.name,
                updated_at: s.updated_at,
            }),
            workflow,
            raw_base,
            default_branch_workflow: remote.map(|c| RemoteFile {
                sha: c.sha,
                text: String::from_utf8_lossy(&c.bytes).into_owned(),
            }),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_paths_are_judged_by_where_they_point() {
        assert_eq!(
            lexical(Path::new("/repo/../elsewhere/b")),
            PathBuf::from("/elsewhere/b")
        );
        assert_eq!(
            lexical(Path::new("/repo/./x/../y")),
            PathBuf::from("/repo/y")
        );
        assert!(!lexical(Path::new("/repo/../x")).starts_with("/repo"));
    }
}
