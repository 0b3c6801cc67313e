//! `create`, phase 1: settle every value and question before planning
//! (flags, `.ghtraf.json`, the origin remote, the environment, prompts).
//! Nothing here writes.

use super::*;
use crate::values::{self, Source};

/// Settles every value from flags, `.ghtraf.json`, the origin remote, the
/// environment and (interactive runs) questions. Nothing here writes.
pub fn resolve_inputs(ctx: &Context, args: &CreateArgs, project: &Project) -> Result<Inputs> {
    let d = &args.deploy;
    let cfg = project.config.clone().unwrap_or_default();
    let r = &ctx.reporter;
    let (owner, name) = resolve_repo(ctx, d, &cfg, project)?;
    let repo = RepoRef::parse(&format!("{owner}/{name}")).map_err(|e| {
        CliError::usage(e.message().to_string())
            .with_hint("repository names look like OWNER/REPO, e.g. octo/demo")
    })?;
    r.diag(
        Channel::Config,
        level::VERBOSE,
        &format!(
            "repository {}/{} in {}",
            repo.owner,
            repo.name,
            project.root.display()
        ),
    );
    let policy = match (d.force, d.skip_existing, ctx.interactive) {
        (true, true, _) => {
            return Err(CliError::usage(
                "--force and --skip-existing contradict each other",
            ))
        }
        (true, false, _) => ConflictPolicy::Force,
        (false, true, _) => ConflictPolicy::SkipExisting,
        (false, false, true) => ConflictPolicy::Ask,
        (false, false, false) => ConflictPolicy::Keep,
    };
    // One validator per value whatever its source: .ghtraf.json's values
    // went through the same functions when it was read (project.rs).
    if let Some(c) = &d.created {
        values::date(c, Source::Flag("--created"))?;
    }
    if let Some(t) = &d.gist_token_name {
        values::secret_name(t, Source::Flag("--gist-token-name"))?;
    }
    for (flag, id) in [
        ("--gist-id", &d.gist_id),
        ("--archive-gist-id", &d.archive_gist_id),
    ] {
        if let Some(id) = id {
            values::gist_id(id, Source::Flag(flag))?;
        }
    }
    let gist_token_name = d
        .gist_token_name
        .clone()
        .or(cfg.gist_token_name.clone())
        .unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string());
    let token = if args.files_only {
        TokenSource::Missing
    } else if args.gist_token_stdin {
        let text = ctx.read_stdin()?;
        let t = text.trim();
        if t.is_empty() {
            return Err(CliError::usage(
                "--gist-token-stdin: standard input was empty",
            ));
        }
        TokenSource::Given(Secret::new(t))
    } else if let Some(t) = ctx
        .env("GHTRAF_GIST_TOKEN")
        .filter(|t| !t.trim().is_empty())
    {
        TokenSource::Given(Secret::new(t.trim()))
    } else if ctx.interactive {
        TokenSource::Ask
    } else {
        if args.update_secret {
            return Err(CliError::usage(
                "--update-secret needs the token: set GHTRAF_GIST_TOKEN or use --gist-token-stdin",
            ));
        }
        TokenSource::Missing
    };
    let api_base = ghtraf_github::resolve_api_base(ctx.api_url.as_deref(), &|k| ctx.env(k));
    // .ghtraf.json's value was checked when the file was read.
    let releases_url = match (&d.releases_url, &cfg.releases_url) {
        (Some(url), _) => {
            crate::install::check_releases_url(url, crate::values::Source::Flag("--releases-url"))?
        }
        (None, Some(url)) => url.trim().trim_end_matches('/').to_string(),
        (None, None) => crate::install::DEFAULT_RELEASES.to_string(),
    };
    Ok(Inputs {
        display_name: d
            .display_name
            .clone()
            .or(cfg.display_name.clone())
            .unwrap_or_else(|| repo.name.clone()),
        created: d.created.clone().or(cfg.created.clone()),
        badge_gist_id: d.gist_id.clone().or(cfg.badge_gist_id.clone()),
        archive_gist_id: d.archive_gist_id.clone().or(cfg.archive_gist_id.clone()),
        gist_owner: cfg.gist_owner.clone(),
        ci_workflows: if d.ci_workflows.is_empty() {
            cfg.ci_workflows.clone()
        } else {
            d.ci_workflows.clone()
        },
        install_command: d.install_command.clone().or(cfg
            .install_command
            .clone()
            .filter(|c| !crate::install::is_legacy_default(c))),
        releases_url,
        gist_token_name,
        api_base,
        files_only: args.files_only,
        skip_variables: args.skip_variables,
        skip_files: args.skip_files,
        update_secret: args.update_secret,
        enable_pages: args.enable_pages,
        policy,
        token,
        repo,
        root: project.root.clone(),
    })
}

pub(super) fn resolve_repo(
    ctx: &Context,
    d: &DeployArgs,
    cfg: &ProjectConfig,
    project: &Project,
) -> Result<(String, String)> {
    let from_flag = match (&d.repo, &d.owner) {
        (Some(r), _) if r.contains('/') => {
            let (o, n) = r.split_once('/').unwrap_or((r, ""));
            if let Some(owner) = &d.owner {
                if owner != o {
                    return Err(CliError::usage(format!(
                        "--owner {owner} contradicts --repo {r}"
                    )));
                }
            }
            Some((o.to_string(), n.to_string()))
        }
        (Some(r), Some(o)) => Some((o.clone(), r.clone())),
        (Some(r), None) => cfg
            .owner
            .clone()
            .or(project.origin.as_ref().map(|(o, _)| o.clone()))
            .map(|o| (o, r.clone())),
        (None, _) => None,
    };
    if let Some(found) = from_flag {
        return Ok(found);
    }
    let owner = d.owner.clone().or(cfg.owner.clone());
    let name = cfg.repo.clone();
    if let (Some(o), Some(n)) = (&owner, &name) {
        return Ok((o.clone(), n.clone()));
    }
    let origin = project.origin.clone();
    if ctx.interactive {
        let owner = ctx.prompter.text(
            "Repository owner",
            owner
                .as_deref()
                .or(origin.as_ref().map(|(o, _)| o.as_str())),
        )?;
        values::owner(&owner, Source::Prompt("Repository owner"))?;
        let name = ctx.prompter.text(
            "Repository name",
            name.as_deref().or(origin.as_ref().map(|(_, n)| n.as_str())),
        )?;
        values::repo_name(&name, Source::Prompt("Repository name"))?;
        return Ok((owner, name));
    }
    match (owner, name, origin) {
        (None, None, Some(o)) => Ok(o),
        (Some(o), None, Some((oo, n))) if o == oo => Ok((o, n)),
        _ => Err(
            CliError::usage("which repository? none given and none found").with_hint(
                "pass --repo OWNER/REPO (or run inside a clone whose origin is on GitHub)",
            ),
        ),
    }
}
