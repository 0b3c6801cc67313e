//! `create`, phase 2: read GitHub and the checkout through read-only
//! handles, concurrently.

use super::*;

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
    if !inputs.skip_files {
        for path in managed_paths() {
            let bytes = fsio::read_optional(&inputs.root.join(&path))
                .map_err(|e| CliError::runtime(format!("cannot read {path}: {e}")))?;
            files.insert(path, bytes);
        }
    }
    let github = match gh {
        None => None,
        Some(gh) => Some(observe_github(ctx, inputs, gh)?),
    };
    Ok(Observed {
        project: project.clone(),
        files,
        github,
    })
}

enum Seen {
    User(String),
    Repo(String, String),
    Gists(Vec<GistSummary>),
    Vars(BTreeMap<String, String>),
    Secret(Option<SecretMeta>),
    Pages(Option<(String, String)>),
    Skipped,
}

pub(super) fn observe_github(
    ctx: &Context,
    inputs: &Inputs,
    gh: &dyn GitHubRead,
) -> Result<GitHubSide> {
    let repo = &inputs.repo;
    let jobs = ["user", "repo", "gists", "variables", "secret", "pages"];
    let results = fan_out(
        &jobs,
        jobs.len(),
        |job| -> std::result::Result<Seen, ghtraf_github::Error> {
            Ok(match *job {
                "user" => Seen::User(gh.current_user()?.login),
                "repo" => {
                    let r = gh.repo(repo)?;
                    Seen::Repo(r.created_at, r.default_branch)
                }
                "gists" => Seen::Gists(gh.list_gists()?),
                "variables" if !inputs.skip_variables => Seen::Vars(
                    gh.list_variables(repo)?
                        .into_iter()
                        .map(|v| (v.name, v.value))
                        .collect(),
                ),
                "secret" => Seen::Secret(gh.secret(repo, &inputs.gist_token_name)?),
                "pages" if inputs.enable_pages => Seen::Pages(
                    gh.pages(repo)?
                        .map(|p| p.source.map(|s| (s.branch, s.path)).unwrap_or_default()),
                ),
                _ => Seen::Skipped,
            })
        },
    );
    let mut side = GitHubSide {
        login: String::new(),
        repo_created_at: String::new(),
        default_branch: "main".to_string(),
        gists: Vec::new(),
        variables: BTreeMap::new(),
        secret: None,
        pages: None,
    };
    for result in results {
        match result? {
            Seen::User(l) => side.login = l,
            Seen::Repo(c, b) => {
                side.repo_created_at = c;
                side.default_branch = b;
            }
            Seen::Gists(g) => {
                side.gists = g
                    .into_iter()
                    .filter(|g| {
                        g.description == gist_description(repo, GistRole::Badges)
                            || g.description == gist_description(repo, GistRole::Archive)
                            || Some(&g.id) == inputs.badge_gist_id.as_ref()
                            || Some(&g.id) == inputs.archive_gist_id.as_ref()
                    })
                    .collect();
            }
            Seen::Vars(v) => side.variables = v,
            Seen::Secret(s) => side.secret = s,
            Seen::Pages(p) => side.pages = Some(p),
            Seen::Skipped => {}
        }
    }
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
