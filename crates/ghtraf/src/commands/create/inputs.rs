//! `create`, phase 1: settle every value and question before planning
//! (flags, `.ghtraf.json`, the origin remote, the environment, prompts).
//! Nothing here writes.

use super::*;
use crate::repo_name;
use crate::values::{self, Source};

/// Settles every value from flags, `.ghtraf.json`, the origin remote, the
/// environment and (interactive runs) questions. Nothing here writes. A
/// checkout that is another repository's than the one named is refused
/// first: its files are that repository's ([`crate::whose_checkout`]).
pub fn resolve_inputs(ctx: &Context, args: &CreateArgs, project: &Project) -> Result<Inputs> {
    settle(ctx, args, project, true).map(|(inputs, _)| inputs)
}

/// [`resolve_inputs`] without the refusal of another repository's checkout,
/// and where the repository's name came from: for `verify`, which judges the
/// checkout's files only when the repository has a deployment of its own
/// (and refuses then).
pub fn resolve_inputs_unjudged(
    ctx: &Context,
    args: &CreateArgs,
    project: &Project,
) -> Result<(Inputs, repo_name::Source)> {
    settle(ctx, args, project, false)
}

fn settle(
    ctx: &Context,
    args: &CreateArgs,
    project: &Project,
    refuse_other: bool,
) -> Result<(Inputs, repo_name::Source)> {
    let d = &args.deploy;
    let cfg = project.config.clone().unwrap_or_default();
    let r = &ctx.reporter;
    let (repo, source) = resolve_repo(ctx, d, project)?;
    if refuse_other {
        // The checkout's files (and .ghtraf.json's gist ids) are the repository it is.
        refuse_other_checkout(ctx, project, &repo, &source)?;
    }
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
    let policy = match (d.common.force, d.common.skip_existing, ctx.interactive) {
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
    if let Some(t) = &d.common.gist_token_name {
        values::secret_name(t, Source::Flag("--gist-token-name"))?;
    }
    for (flag, id) in [
        ("--gist-id", &d.common.gist_id),
        ("--archive-gist-id", &d.common.archive_gist_id),
    ] {
        if let Some(id) = id {
            values::gist_id(id, Source::Flag(flag))?;
        }
    }
    let gist_token_name = d
        .common
        .gist_token_name
        .clone()
        .or(cfg.gist_token_name.clone())
        .unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string());
    let token = if args.files_only {
        TokenSource::Missing
    } else {
        token_source(ctx, args.secret.gist_token_stdin, args.secret.update_secret)?
    };
    let api_base = ghtraf_github::resolve_api_base(ctx.api_url.as_deref(), &|k| ctx.env(k));
    // .ghtraf.json's value was checked when the file was read.
    let releases_url = match (&d.common.releases_url, &cfg.releases_url) {
        (Some(url), _) => {
            crate::install::check_releases_url(url, crate::values::Source::Flag("--releases-url"))?
        }
        (None, Some(url)) => url.trim().trim_end_matches('/').to_string(),
        (None, None) => crate::install::DEFAULT_RELEASES.to_string(),
    };
    let inputs = Inputs {
        display_name: d
            .common
            .display_name
            .clone()
            .or(cfg.display_name.clone())
            .unwrap_or_else(|| repo.name.clone()),
        created: d.created.clone().or(cfg.created.clone()),
        badge_gist_id: d.common.gist_id.clone().or(cfg.badge_gist_id.clone()),
        archive_gist_id: d
            .common
            .archive_gist_id
            .clone()
            .or(cfg.archive_gist_id.clone()),
        gist_owner: cfg.gist_owner.clone(),
        ci_workflows: if d.ci_workflows.is_empty() {
            cfg.ci_workflows.clone()
        } else {
            d.ci_workflows.clone()
        },
        install_command: d.common.install_command.clone().or(cfg
            .install_command
            .clone()
            .filter(|c| !crate::install::is_legacy_default(c))),
        releases_url,
        gist_token_name,
        api_base,
        files_only: args.files_only,
        skip_variables: args.skip_variables,
        skip_files: args.skip_files,
        update_secret: args.secret.update_secret,
        enable_pages: args.enable_pages,
        policy,
        record_kept: true,
        answers: BTreeMap::new(),
        token,
        repo,
        root: project.root.clone(),
    };
    Ok((inputs, source))
}

/// [`crate::whose_checkout::refuse_other_checkout`] for the checkout `project` is.
pub fn refuse_other_checkout(
    ctx: &Context,
    project: &Project,
    repo: &RepoRef,
    source: &repo_name::Source,
) -> Result<()> {
    crate::whose_checkout::refuse_other_checkout(
        &project.root,
        &repo_name::hosts(&|k| ctx.env(k)),
        project.config.as_ref(),
        repo,
        source,
    )
}

/// The repository by the one rule of [`repo_name`] (`-R`, `$GITHUB_REPOSITORY`,
/// `.ghtraf.json`, origin); asked for only when none names it, and said where
/// it came from in a terminal.
pub(super) fn resolve_repo(
    ctx: &Context,
    d: &DeployArgs,
    project: &Project,
) -> Result<(RepoRef, repo_name::Source)> {
    let hosts = repo_name::hosts(&|k| ctx.env(k));
    let origin = repo_name::origin(&project.root, &hosts);
    let found = repo_name::resolve(
        &repo_name::Candidates {
            flag: d.common.repo.as_deref(),
            owner: d.common.owner.as_deref(),
            environment: ctx.env("GITHUB_REPOSITORY"),
            config: project.config.as_ref(),
            origin: &origin,
        },
        &hosts,
    )?;
    let (repo, source) = match found {
        Some(found) => found,
        None if ctx.interactive => {
            let cfg = project.config.clone().unwrap_or_default();
            let owner = ctx.prompter.text(
                "Repository owner",
                d.common.owner.as_deref().or(cfg.owner.as_deref()),
            )?;
            values::owner(&owner, Source::Prompt("Repository owner"))?;
            let name = ctx.prompter.text("Repository name", cfg.repo.as_deref())?;
            values::repo_name(&name, Source::Prompt("Repository name"))?;
            let repo = repo_name::parse(&format!("{owner}/{name}"), &hosts)?;
            (repo, repo_name::Source::Answer)
        }
        None => return Err(repo_name::not_found(&origin)),
    };
    // What the person typed needs no echo; a value found elsewhere is shown.
    let level = if ctx.interactive && source != repo_name::Source::Flag {
        level::INFO
    } else {
        level::VERBOSE
    };
    ctx.reporter.diag(
        Channel::Config,
        level,
        &format!("Repository {}/{} ({source})", repo.owner, repo.name),
    );
    Ok((repo, source))
}

/// Where the workflow token comes from: standard input (`--gist-token-stdin`),
/// `$GHTRAF_GIST_TOKEN`, a question at apply (interactive), or nowhere.
/// `update_secret` without a token is refused: there is nothing to replace it with.
pub(crate) fn token_source(
    ctx: &Context,
    from_stdin: bool,
    update_secret: bool,
) -> Result<TokenSource> {
    if from_stdin {
        let text = ctx.read_stdin()?;
        let t = text.trim();
        if t.is_empty() {
            return Err(CliError::usage(
                "--gist-token-stdin: standard input was empty",
            ));
        }
        return Ok(TokenSource::Given(Secret::new(t)));
    }
    if let Some(t) = ctx
        .env("GHTRAF_GIST_TOKEN")
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(TokenSource::Given(Secret::new(t.trim())));
    }
    if ctx.interactive {
        return Ok(TokenSource::Ask);
    }
    if update_secret {
        return Err(CliError::usage(
            "--update-secret needs the token: set GHTRAF_GIST_TOKEN or use --gist-token-stdin",
        ));
    }
    Ok(TokenSource::Missing)
}
