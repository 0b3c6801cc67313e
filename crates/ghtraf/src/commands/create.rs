//! `ghtraf create` (and `init`, which is `create --files-only`).
//!
//! Reads top to bottom as the architecture: [`resolve_inputs`] settles every
//! value and question that can be settled before planning; [`observe`] reads
//! GitHub and the checkout through read-only handles; [`plan_create`] is a
//! pure function from those two values to a plan; [`step`] carries out one
//! action exactly as planned; [`verify`] re-reads the world and compares.
//! The driver decides whether execution happens at all.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ghtraf_github::{fan_out, GistSummary, GitHubRead, GitHubWrite, RepoRef, SecretMeta};
use ghtraf_plan::{
    Action, ActionId, ActionResult, Category, Deferred, Finding, Operation, Outcome, Outputs, Plan,
    ResultStatus, Secret, StepError,
};
use time::OffsetDateTime;

use super::setup::{
    execute_file, plan_files, verify_file, ConflictMemory, ConflictPolicy, Content, DesiredFile,
    Fill, GistStep, PagesStep, SecretStep, SetupStep, VariableStep,
};
use crate::api;
use crate::cli::{CreateArgs, DeployArgs};
use crate::clock::date_string;
use crate::driver::{drive, Context};
use crate::error::{exit, CliError, Result};
use crate::fsio;
use crate::output::{level, Channel};
use crate::project::{self, Project, ProjectConfig, CONFIG_FILE};
use crate::prompt::Prompter;
use crate::templates::{fill, DASHBOARD_CONFIG_PATH, TEMPLATES};

pub const DEFAULT_TOKEN_NAME: &str = "TRAFFIC_GIST_TOKEN";
pub const BADGE_VARIABLE: &str = "TRAFFIC_GIST_ID";
pub const ARCHIVE_VARIABLE: &str = "TRAFFIC_ARCHIVE_GIST_ID";
pub const BADGE_FILES: [&str; 5] = [
    "state.json",
    "installs.json",
    "downloads.json",
    "clones.json",
    "views.json",
];
pub const ARCHIVE_INDEX_FILE: &str = "archive.json";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The gist naming convention other commands (and `list`) find gists by.
pub fn gist_description(repo: &RepoRef, role: GistRole) -> String {
    format!("[GTT] {}/{} · {}", repo.owner, repo.name, role.name())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GistRole {
    Badges,
    Archive,
}

impl GistRole {
    pub fn name(self) -> &'static str {
        match self {
            GistRole::Badges => "badges",
            GistRole::Archive => "archive",
        }
    }
}

/// Where the workflow token will come from.
#[derive(Debug, Clone)]
pub enum TokenSource {
    Given(Secret),
    /// Ask at execution (interactive run).
    Ask,
    /// Non-interactive and none given.
    Missing,
}

/// Everything settled before planning.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub repo: RepoRef,
    pub root: PathBuf,
    pub display_name: String,
    pub created: Option<String>,
    pub badge_gist_id: Option<String>,
    pub archive_gist_id: Option<String>,
    pub gist_owner: Option<String>,
    pub ci_workflows: Vec<String>,
    pub gist_token_name: String,
    /// A custom install step (`--install-command` or `.ghtraf.json`); None: the default
    /// verified download of the release binary.
    pub install_command: Option<String>,
    pub api_base: String,
    pub files_only: bool,
    pub skip_variables: bool,
    pub skip_files: bool,
    pub update_secret: bool,
    pub enable_pages: bool,
    pub policy: ConflictPolicy,
    pub token: TokenSource,
}

/// What GitHub looks like, as far as `create` cares.
#[derive(Debug, Clone)]
pub struct GitHubSide {
    pub login: String,
    pub repo_created_at: String,
    pub default_branch: String,
    pub gists: Vec<GistSummary>,
    pub variables: BTreeMap<String, String>,
    pub secret: Option<SecretMeta>,
    /// `Some(None)`: Pages observed and not enabled; `None`: not observed.
    pub pages: Option<Option<(String, String)>>,
}

/// The world `plan_create` decides from.
#[derive(Debug, Clone)]
pub struct Observed {
    pub project: Project,
    /// Repo-relative path → current bytes (None: absent).
    pub files: BTreeMap<String, Option<Vec<u8>>>,
    pub github: Option<GitHubSide>,
}

fn gh_err(e: ghtraf_github::Error) -> CliError {
    api::error(None, e)
}

// ---------------------------------------------------------------- inputs

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
    if let Some(c) = &d.created {
        validate_date(c)?;
    }
    let gist_token_name = d
        .gist_token_name
        .clone()
        .or(cfg.gist_token_name.clone())
        .unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string());
    if gist_token_name.is_empty()
        || !gist_token_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || gist_token_name.starts_with("GITHUB_")
    {
        return Err(
            CliError::usage(format!("`{gist_token_name}` is not a valid secret name"))
                .with_hint("use letters, digits and underscores, not starting with GITHUB_"),
        );
    }
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
    let api_base = ghtraf_github::resolve_api_base(ctx.global.api_url.as_deref(), &|k| ctx.env(k));
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

fn validate_date(text: &str) -> Result<()> {
    let ok = text.len() == 10
        && time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_ok();
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(format!("--created `{text}` is not a date"))
            .with_hint("use YYYY-MM-DD"))
    }
}

fn resolve_repo(
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
        let name = ctx.prompter.text(
            "Repository name",
            name.as_deref().or(origin.as_ref().map(|(_, n)| n.as_str())),
        )?;
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

// ---------------------------------------------------------------- observe

/// The repo-relative paths `create` may write.
fn managed_paths() -> Vec<String> {
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

fn observe_github(ctx: &Context, inputs: &Inputs, gh: &dyn GitHubRead) -> Result<GitHubSide> {
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
        match result.map_err(gh_err)? {
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

// ---------------------------------------------------------------- plan

/// How the planner settled one gist.
enum GistChoice {
    Adopt { id: String, why: String },
    Create,
}

fn choose_gist(
    plan: &mut Plan<SetupStep>,
    gh: &GitHubSide,
    repo: &RepoRef,
    role: GistRole,
    candidates: &[(&str, Option<&String>)],
) -> GistChoice {
    for (source, id) in candidates {
        let Some(id) = id else { continue };
        if gh.gists.iter().any(|g| &g.id == *id) {
            return GistChoice::Adopt {
                id: (*id).clone(),
                why: format!("adopting existing gist {id} (from {source})"),
            };
        }
        plan.warn(format!(
            "{source} names {} gist {id}, which does not exist or is not yours: it will be replaced",
            role.name()
        ));
    }
    let description = gist_description(repo, role);
    let mut matching: Vec<&GistSummary> = gh
        .gists
        .iter()
        .filter(|g| g.description == description)
        .collect();
    matching.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    match matching.as_slice() {
        [] => GistChoice::Create,
        [one] => GistChoice::Adopt {
            id: one.id.clone(),
            why: format!("adopting existing gist {}", one.id),
        },
        [newest, rest @ ..] => {
            let others: Vec<&str> = rest.iter().map(|g| g.id.as_str()).collect();
            plan.warn(format!(
                "several gists are named \"{description}\"; using the newest ({}), ignoring {}",
                newest.id,
                others.join(", ")
            ));
            GistChoice::Adopt {
                id: newest.id.clone(),
                why: format!("adopting existing gist {}", newest.id),
            }
        }
    }
}

/// The initial files of each gist.
fn initial_gist_files(
    repo: &RepoRef,
    role: GistRole,
    now: OffsetDateTime,
) -> BTreeMap<String, String> {
    let full = format!("{}/{}", repo.owner, repo.name);
    match role {
        GistRole::Badges => {
            let state = ghtraf_traffic::initial_state(&full, now);
            let mut files = ghtraf_traffic::badge_files(&state, now.date());
            files.insert("state.json".to_string(), state.to_json());
            files
        }
        GistRole::Archive => {
            let index =
                ghtraf_traffic::ArchiveIndex::empty(&full, &ghtraf_traffic::format_timestamp(now));
            let mut text =
                serde_json::to_string_pretty(&index).unwrap_or_else(|_| "{}".to_string());
            text.push('\n');
            BTreeMap::from([(ARCHIVE_INDEX_FILE.to_string(), text)])
        }
    }
}

fn plan_gist(
    plan: &mut Plan<SetupStep>,
    gh: &GitHubSide,
    inputs: &Inputs,
    observed: &Observed,
    role: GistRole,
    now: OffsetDateTime,
) -> (Deferred, Option<ActionId>) {
    let (variable, flag, config) = match role {
        GistRole::Badges => (
            BADGE_VARIABLE,
            inputs.badge_gist_id.as_ref(),
            observed
                .project
                .config
                .as_ref()
                .and_then(|c| c.badge_gist_id.as_ref()),
        ),
        GistRole::Archive => (
            ARCHIVE_VARIABLE,
            inputs.archive_gist_id.as_ref(),
            observed
                .project
                .config
                .as_ref()
                .and_then(|c| c.archive_gist_id.as_ref()),
        ),
    };
    let from_var = gh.variables.get(variable);
    let flag = flag.filter(|f| Some(*f) != config);
    let candidates = [
        ("the command line", flag),
        (variable, from_var),
        (CONFIG_FILE, config),
    ];
    let description = gist_description(&inputs.repo, role);
    let public = role == GistRole::Badges;
    match choose_gist(plan, gh, &inputs.repo, role, &candidates) {
        GistChoice::Adopt { id, why } => {
            plan.push(Action::new(
                Category::Gist,
                Operation::Skip,
                role.name(),
                why,
                SetupStep::Gist(GistStep {
                    role: role.name().to_string(),
                    description,
                    public,
                    id: Some(id.clone()),
                    files: BTreeMap::new(),
                    request: None,
                }),
            ));
            (Deferred::Known(id), None)
        }
        GistChoice::Create => {
            let files = initial_gist_files(&inputs.repo, role, now);
            let id = plan.push(Action::new(
                Category::Gist,
                Operation::Create,
                role.name(),
                format!(
                    "create {} gist \"{description}\"",
                    if public { "public" } else { "secret" }
                ),
                SetupStep::Gist(GistStep {
                    role: role.name().to_string(),
                    description,
                    public,
                    id: None,
                    request: Some(format!("POST {}/gists", inputs.api_base)),
                    files,
                }),
            ));
            (Deferred::after(&id, "id"), Some(id))
        }
    }
}

fn plan_variable(
    plan: &mut Plan<SetupStep>,
    gh: &GitHubSide,
    name: &str,
    value: &Deferred,
    producer: Option<&ActionId>,
) {
    let current = gh.variables.get(name).cloned();
    if let (Some(v), Some(cur)) = (value.known(), &current) {
        if v == cur {
            plan.push(Action::new(
                Category::Variable,
                Operation::Skip,
                name,
                format!("already set to {v}"),
                SetupStep::Variable(VariableStep {
                    name: name.to_string(),
                    value: value.clone(),
                    current,
                }),
            ));
            return;
        }
    }
    let description = match (&current, value.known()) {
        (None, _) => format!("create with the {} gist's id", gist_word(name)),
        (Some(cur), _) => format!("change from {cur} to the {} gist's id", gist_word(name)),
    };
    plan.push(
        Action::new(
            Category::Variable,
            Operation::Set,
            name,
            description,
            SetupStep::Variable(VariableStep {
                name: name.to_string(),
                value: value.clone(),
                current,
            }),
        )
        .depends_on(producer.cloned()),
    );
}

fn gist_word(variable: &str) -> &'static str {
    if variable == ARCHIVE_VARIABLE {
        "archive"
    } else {
        "badge"
    }
}

fn plan_secret(plan: &mut Plan<SetupStep>, gh: &GitHubSide, inputs: &Inputs) {
    let name = inputs.gist_token_name.clone();
    let existing = gh.secret.as_ref().map(|s| s.updated_at.clone());
    let step = |token: Option<Secret>| {
        SetupStep::Secret(SecretStep {
            name: name.clone(),
            token,
            existing_updated_at: existing.clone(),
        })
    };
    if let (Some(updated), false) = (&existing, inputs.update_secret) {
        plan.push(Action::new(
            Category::Secret,
            Operation::Skip,
            &name,
            format!("exists (updated {updated}); --update-secret to replace"),
            step(None),
        ));
        return;
    }
    let verb = if existing.is_some() {
        "replace"
    } else {
        "store"
    };
    match &inputs.token {
        TokenSource::Given(t) => {
            plan.push(Action::new(
                Category::Secret,
                Operation::Set,
                &name,
                format!("{verb} the workflow token (encrypted with the repository key)"),
                step(Some(t.clone())),
            ));
        }
        TokenSource::Ask => {
            plan.push(
                Action::new(
                    Category::Secret,
                    Operation::Set,
                    &name,
                    format!("{verb} the workflow token, asked for at apply"),
                    step(None),
                )
                .requires_input(true),
            );
        }
        TokenSource::Missing => {
            plan.push(Action::new(
                Category::Secret,
                Operation::Skip,
                &name,
                "no token given (non-interactive): set GHTRAF_GIST_TOKEN or use --gist-token-stdin",
                step(None),
            ));
            plan.warn(format!(
                "the workflow cannot collect until the secret {name} holds a token with the gist scope"
            ));
        }
    }
}

fn plan_pages(plan: &mut Plan<SetupStep>, gh: &GitHubSide) {
    let branch = gh.default_branch.clone();
    let path = "/docs".to_string();
    let step = |exists| {
        SetupStep::Pages(PagesStep {
            branch: branch.clone(),
            path: path.clone(),
            exists,
        })
    };
    match &gh.pages {
        Some(Some((b, p))) if *b == branch && *p == path => {
            plan.push(Action::new(
                Category::Pages,
                Operation::Skip,
                "github-pages",
                format!("already served from {b} {p}"),
                step(true),
            ));
        }
        Some(Some((b, p))) => {
            plan.push(Action::new(
                Category::Pages,
                Operation::Update,
                "github-pages",
                format!("serve from {branch} /docs instead of {b} {p}"),
                step(true),
            ));
        }
        _ => {
            plan.push(Action::new(
                Category::Pages,
                Operation::Create,
                "github-pages",
                format!("enable GitHub Pages from {branch} /docs"),
                step(false),
            ));
        }
    }
}

/// Marker text for a deferred value inside a generated file.
fn marker(value: &Deferred) -> Option<(String, Fill)> {
    value.producer().map(|p| {
        let m = format!("@@ghtraf:{p}@@");
        (
            m.clone(),
            Fill {
                marker: m,
                value: value.clone(),
            },
        )
    })
}

/// Sets `key` to a deferred value in a JSON object, collecting its fill.
fn put_deferred(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    fills: &mut Vec<Fill>,
    key: &str,
    value: Option<&Deferred>,
) {
    match value {
        None => {
            obj.insert(key.to_string(), serde_json::Value::Null);
        }
        Some(v) => match marker(v) {
            Some((m, f)) => {
                obj.insert(key.to_string(), m.into());
                if !fills.contains(&f) {
                    fills.push(f);
                }
            }
            None => {
                obj.insert(key.to_string(), v.to_string().into());
            }
        },
    }
}

/// Our keys first in a fixed order, then the user's in theirs: the same
/// values always give the same bytes, so a re-run sees "up to date".
fn canonical(
    ours: serde_json::Map<String, serde_json::Value>,
    existing: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = ours;
    for (k, v) in existing {
        if !out.contains_key(&k) && !DROPPED_KEYS.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    out
}

/// Keys we own but may leave out (absent means "not known yet").
const DROPPED_KEYS: [&str; 4] = [
    "badgeGistId",
    "archiveGistId",
    "ciWorkflows",
    "installCommand",
];

fn json_content(obj: serde_json::Map<String, serde_json::Value>, fills: Vec<Fill>) -> Content {
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(obj))
        .unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    Content { text, fills }
}

/// Existing JSON object of a managed file, or None if absent; Err if unreadable.
fn existing_object(
    observed: &Observed,
    path: &str,
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, String> {
    match observed.files.get(path).cloned().flatten() {
        None => Ok(serde_json::Map::new()),
        Some(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(m)) => Ok(m),
            Ok(_) => Err("is not a JSON object".to_string()),
            Err(e) => Err(e.to_string()),
        },
    }
}

struct Ids<'a> {
    badge: Option<&'a Deferred>,
    archive: Option<&'a Deferred>,
    gist_owner: Option<String>,
    created: String,
}

fn desired_files(
    plan: &mut Plan<SetupStep>,
    inputs: &Inputs,
    observed: &Observed,
    ids: &Ids<'_>,
) -> Result<Vec<DesiredFile>, CliError> {
    let trigger = if inputs.ci_workflows.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = inputs
            .ci_workflows
            .iter()
            .map(|w| serde_json::to_string(w).unwrap_or_default())
            .collect();
        format!(
            "  workflow_run:\n    workflows: [{}]\n    types: [completed]\n",
            names.join(", ")
        )
    };
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("OWNER", inputs.repo.owner.clone()),
        ("REPO", inputs.repo.name.clone()),
        ("DISPLAY_NAME", inputs.display_name.clone()),
        ("CREATED", ids.created.clone()),
        ("VERSION", VERSION.to_string()),
        (
            "INSTALL",
            crate::install::step_script(inputs.install_command.as_deref()),
        ),
        ("RELEASES", crate::install::DEFAULT_RELEASES.to_string()),
        ("GIST_TOKEN_NAME", inputs.gist_token_name.clone()),
        ("WORKFLOW_RUN_TRIGGER", trigger),
    ]);
    let mut files = Vec::new();
    for t in TEMPLATES {
        files.push(DesiredFile {
            path: t.path.to_string(),
            content: Content::known(fill(t.path, t.text, &values)?),
            managed: false,
        });
    }

    // The dashboard's configuration: our keys set, the user's kept.
    match existing_object(observed, DASHBOARD_CONFIG_PATH) {
        Ok(existing) => {
            let mut fills = Vec::new();
            let mut obj = serde_json::Map::new();
            obj.insert("owner".into(), inputs.repo.owner.clone().into());
            obj.insert("repo".into(), inputs.repo.name.clone().into());
            obj.insert("displayName".into(), inputs.display_name.clone().into());
            obj.insert("created".into(), ids.created.clone().into());
            put_deferred(&mut obj, &mut fills, "badgeGistId", ids.badge);
            put_deferred(&mut obj, &mut fills, "archiveGistId", ids.archive);
            obj.insert(
                "gistOwner".into(),
                ids.gist_owner
                    .clone()
                    .unwrap_or_else(|| inputs.repo.owner.clone())
                    .into(),
            );
            let default_api = inputs.api_base == ghtraf_github::DEFAULT_API_URL;
            // The user may point these elsewhere: set them only when absent.
            let raw_base = existing.get("gistRawBase").cloned().unwrap_or_else(|| {
                if default_api {
                    "https://gist.githubusercontent.com".into()
                } else {
                    format!("{}/gist-raw", inputs.api_base).into()
                }
            });
            obj.insert("gistRawBase".into(), raw_base);
            let api = existing
                .get("apiBase")
                .cloned()
                .unwrap_or_else(|| inputs.api_base.clone().into());
            obj.insert("apiBase".into(), api);
            files.push(DesiredFile {
                path: DASHBOARD_CONFIG_PATH.to_string(),
                content: json_content(canonical(obj, existing), fills),
                managed: true,
            });
        }
        Err(why) => {
            plan.warn(format!(
                "{DASHBOARD_CONFIG_PATH} {why}; left alone — fix or delete it and run again"
            ));
        }
    }

    // .ghtraf.json: what later commands read instead of flags.
    let existing = match &observed.project.config {
        Some(c) => match serde_json::to_value(c) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        },
        None => serde_json::Map::new(),
    };
    let mut obj = serde_json::Map::new();
    let mut fills = Vec::new();
    obj.insert("owner".into(), inputs.repo.owner.clone().into());
    obj.insert("repo".into(), inputs.repo.name.clone().into());
    obj.insert("displayName".into(), inputs.display_name.clone().into());
    obj.insert("created".into(), ids.created.clone().into());
    if ids.badge.is_some() {
        put_deferred(&mut obj, &mut fills, "badgeGistId", ids.badge);
    }
    if ids.archive.is_some() {
        put_deferred(&mut obj, &mut fills, "archiveGistId", ids.archive);
    }
    if let Some(o) = &ids.gist_owner {
        obj.insert("gistOwner".into(), o.clone().into());
    }
    obj.insert(
        "gistTokenName".into(),
        inputs.gist_token_name.clone().into(),
    );
    if !inputs.ci_workflows.is_empty() {
        obj.insert("ciWorkflows".into(), inputs.ci_workflows.clone().into());
    }
    if let Some(command) = &inputs.install_command {
        obj.insert("installCommand".into(), command.clone().into());
    }
    let obj = canonical(obj, existing);
    let config_rel = observed
        .project
        .config_path
        .strip_prefix(&inputs.root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| CONFIG_FILE.to_string());
    files.push(DesiredFile {
        path: config_rel,
        content: json_content(obj, fills),
        managed: true,
    });
    Ok(files)
}

/// The plan: pure, from settled inputs and the observed world.
pub fn plan_create(
    inputs: &Inputs,
    observed: &Observed,
    now: OffsetDateTime,
) -> Result<Plan<SetupStep>> {
    let command = if inputs.files_only { "init" } else { "create" };
    let mut plan = Plan::new(command);
    plan.set_context(
        "repository",
        format!("{}/{}", inputs.repo.owner, inputs.repo.name),
    );
    plan.set_context("repo_dir", inputs.root.display().to_string());
    plan.set_context("api_base", inputs.api_base.clone());

    let mut badge = inputs.badge_gist_id.clone().map(Deferred::Known);
    let mut archive = inputs.archive_gist_id.clone().map(Deferred::Known);
    let mut producers = Vec::new();
    let mut gist_owner = inputs.gist_owner.clone();
    let mut created = inputs.created.clone();

    if let Some(gh) = &observed.github {
        plan.set_context("user", gh.login.clone());
        gist_owner = Some(gh.login.clone());
        if created.is_none() {
            created = gh.repo_created_at.get(..10).map(str::to_string);
        }
        let (b, b_id) = plan_gist(&mut plan, gh, inputs, observed, GistRole::Badges, now);
        let (a, a_id) = plan_gist(&mut plan, gh, inputs, observed, GistRole::Archive, now);
        if !inputs.skip_variables {
            plan_variable(&mut plan, gh, BADGE_VARIABLE, &b, b_id.as_ref());
            plan_variable(&mut plan, gh, ARCHIVE_VARIABLE, &a, a_id.as_ref());
        }
        plan_secret(&mut plan, gh, inputs);
        if inputs.enable_pages {
            plan_pages(&mut plan, gh);
        }
        producers.extend(b_id);
        producers.extend(a_id);
        badge = Some(b);
        archive = Some(a);
    }

    if !inputs.skip_files {
        let ids = Ids {
            badge: badge.as_ref(),
            archive: archive.as_ref(),
            gist_owner,
            created: created.unwrap_or_else(|| date_string(now)),
        };
        let desired = desired_files(&mut plan, inputs, observed, &ids)?;
        plan_files(
            &mut plan,
            desired,
            &observed.files,
            inputs.policy,
            &producers,
        );
    }
    Ok(plan)
}

// ---------------------------------------------------------------- execute

/// Carries out one action against GitHub or the checkout.
pub fn step(
    action: &Action<SetupStep>,
    outputs: &Outputs,
    gh: Option<&dyn GitHubWrite>,
    inputs: &Inputs,
    prompter: &dyn Prompter,
    memory: &ConflictMemory,
) -> std::result::Result<Outcome, StepError> {
    let need_gh = || gh.ok_or_else(|| StepError::new("internal: no GitHub client"));
    let fail = api::step_error;
    match &action.details {
        SetupStep::File(f) => execute_file(&inputs.root, action, f, outputs, prompter, memory),
        SetupStep::Gist(g) => {
            let gh = need_gh()?;
            match gh.create_gist(&g.description, g.public, &g.files) {
                Ok(created) => Ok(Outcome::done(format!("created gist {}", created.id))
                    .with_output("id", created.id)),
                Err(e) => {
                    // A lost response may have created it: look before anyone tries again.
                    let found = gh
                        .list_gists()
                        .ok()
                        .and_then(|all| all.into_iter().find(|x| x.description == g.description));
                    match found {
                        Some(x) => Ok(Outcome::done(format!(
                            "created gist {} (the response was lost; found it by its description)",
                            x.id
                        ))
                        .with_output("id", x.id)),
                        None => Err(fail(e)),
                    }
                }
            }
        }
        SetupStep::Variable(v) => {
            let gh = need_gh()?;
            let value = outputs.resolve(&v.value)?;
            match &v.current {
                None => gh.create_variable(&inputs.repo, &v.name, &value),
                Some(_) => gh.update_variable(&inputs.repo, &v.name, &value),
            }
            .map_err(fail)?;
            Ok(Outcome::done(format!("{} = {value}", v.name)).with_output("value", value))
        }
        SetupStep::Secret(s) => {
            let gh = need_gh()?;
            let token = match &s.token {
                Some(t) => t.clone(),
                None => {
                    let t = prompter
                        .secret(&format!(
                            "Token for the workflow's {} secret (needs the gist scope; empty to skip)",
                            s.name
                        ))
                        .map_err(|e| StepError::new(e.message))?;
                    if t.expose().is_empty() {
                        return Ok(Outcome::declined("skipped: no token entered"));
                    }
                    t
                }
            };
            let how = gh
                .put_secret(&inputs.repo, &s.name, token.expose())
                .map_err(fail)?;
            Ok(Outcome::done(format!(
                "{} ({how:?}, encrypted with the repository key)",
                s.name
            )))
        }
        SetupStep::Pages(p) => {
            let gh = need_gh()?;
            if p.exists {
                gh.update_pages(&inputs.repo, &p.branch, &p.path)
                    .map_err(fail)?;
            } else {
                gh.create_pages(&inputs.repo, &p.branch, &p.path)
                    .map_err(fail)?;
            }
            Ok(Outcome::done(format!("serving {} {}", p.branch, p.path)))
        }
    }
}

// ---------------------------------------------------------------- verify

/// Re-reads what the run changed and compares it with the plan.
pub fn verify(
    plan: &Plan<SetupStep>,
    results: &[ActionResult],
    gh: Option<&dyn GitHubRead>,
    inputs: &Inputs,
) -> Vec<Finding> {
    let done: BTreeMap<&ActionId, &ActionResult> = results
        .iter()
        .filter(|r| r.status == ResultStatus::Ok)
        .map(|r| (&r.id, r))
        .collect();
    let mut outputs = Outputs::default();
    for r in results {
        outputs.record(&r.id, &r.produced);
    }
    let checks: Vec<&Action<SetupStep>> = plan
        .actions
        .iter()
        .filter(|a| done.contains_key(&a.id))
        .collect();
    fan_out(&checks, 8, |a| {
        let result = done.get(&a.id).copied();
        match (&a.details, gh) {
            (SetupStep::File(f), _) => match result.and_then(|r| r.produced.get("sha256")) {
                Some(sha) => verify_file(&inputs.root, &a.id, f, sha),
                None => Finding::deviation(&a.id, "no hash recorded for the write"),
            },
            (SetupStep::Gist(g), Some(gh)) => {
                let Some(id) = result.and_then(|r| r.produced.get("id")) else {
                    return Finding::deviation(&a.id, "no gist id recorded");
                };
                match gh.gist(id) {
                    Ok(Some(found)) => {
                        let missing: Vec<&String> = g
                            .files
                            .keys()
                            .filter(|f| !found.files.contains_key(*f))
                            .collect();
                        if !missing.is_empty() {
                            Finding::deviation(&a.id, format!("gist {id} lacks {missing:?}"))
                        } else if found.public != g.public {
                            Finding::deviation(&a.id, format!("gist {id} has the wrong visibility"))
                        } else {
                            Finding::ok(
                                &a.id,
                                format!("gist {id} has its {} file(s)", g.files.len()),
                            )
                        }
                    }
                    Ok(None) => Finding::deviation(&a.id, format!("gist {id} not found")),
                    Err(e) => {
                        Finding::deviation(&a.id, format!("cannot read gist {id}: {}", e.message()))
                    }
                }
            }
            (SetupStep::Variable(v), Some(gh)) => {
                let want = outputs.resolve(&v.value).unwrap_or_default();
                match gh.variable(&inputs.repo, &v.name) {
                    Ok(Some(have)) if have.value == want => {
                        Finding::ok(&a.id, format!("{} = {want}", v.name))
                    }
                    Ok(Some(have)) => Finding::deviation(
                        &a.id,
                        format!("{} is {}, expected {want}", v.name, have.value),
                    ),
                    Ok(None) => Finding::deviation(&a.id, format!("{} is not set", v.name)),
                    Err(e) => Finding::deviation(
                        &a.id,
                        format!("cannot read {}: {}", v.name, e.message()),
                    ),
                }
            }
            (SetupStep::Secret(s), Some(gh)) => match gh.secret(&inputs.repo, &s.name) {
                Ok(Some(meta))
                    if s.existing_updated_at.as_deref() != Some(meta.updated_at.as_str()) =>
                {
                    Finding::ok(
                        &a.id,
                        format!("{} present, updated {}", s.name, meta.updated_at),
                    )
                }
                Ok(Some(meta)) => Finding::deviation(
                    &a.id,
                    format!("{} was not updated (still {})", s.name, meta.updated_at),
                ),
                Ok(None) => Finding::deviation(&a.id, format!("{} is missing", s.name)),
                Err(e) => {
                    Finding::deviation(&a.id, format!("cannot read the secret: {}", e.message()))
                }
            },
            (SetupStep::Pages(_), Some(gh)) => match gh.pages(&inputs.repo) {
                Ok(Some(_)) => Finding::ok(&a.id, "Pages enabled"),
                Ok(None) => Finding::deviation(&a.id, "Pages is not enabled"),
                Err(e) => Finding::deviation(&a.id, format!("cannot read Pages: {}", e.message())),
            },
            (_, None) => Finding::deviation(&a.id, "internal: no GitHub client to verify with"),
        }
    })
}

// ---------------------------------------------------------------- command

pub fn run(ctx: &Context, args: &CreateArgs) -> Result<u8> {
    let root = project::discover_root(args.deploy.repo_dir.as_deref(), &ctx.cwd);
    let project = project::observe(&root, ctx.global.config.as_deref())?;
    let inputs = resolve_inputs(ctx, args, &project)?;
    let client = if inputs.files_only {
        None
    } else {
        Some(api::client(ctx)?)
    };
    let read: Option<&dyn GitHubRead> = client.as_ref().map(|c| c as &dyn GitHubRead);
    let observed = observe(ctx, &inputs, &project, read)?;
    let plan = plan_create(&inputs, &observed, ctx.now)?;

    let heading = format!(
        "Plan for `ghtraf {}` in {}/{} ({}):",
        plan.command,
        inputs.repo.owner,
        inputs.repo.name,
        inputs.root.display()
    );
    let memory = ConflictMemory::default();
    let write: Option<&dyn GitHubWrite> = client.as_ref().map(|c| c as &dyn GitHubWrite);
    let prompter = ctx.prompter.clone();
    let step_fn =
        |a: &Action<SetupStep>, o: &Outputs| step(a, o, write, &inputs, prompter.as_ref(), &memory);
    let min_level = if args.deploy.diff { 1 } else { 0 };
    let driven = drive(ctx, &plan, &heading, min_level, &step_fn, &|results| {
        verify(&plan, results, read, &inputs)
    })?;
    if driven.ran && driven.exit_code == exit::SUCCESS {
        finish(ctx, &plan, &driven.results, &inputs);
    }
    Ok(driven.exit_code)
}

/// Badge Markdown, the dashboard URL and what is left to do.
fn finish(ctx: &Context, plan: &Plan<SetupStep>, results: &[ActionResult], inputs: &Inputs) {
    let r = &ctx.reporter;
    let RepoRef { owner, name } = &inputs.repo;
    let dashboard = format!("https://{owner}.github.io/{name}/stats/");
    let mut badge_id = None;
    let mut gist_owner = None;
    for a in &plan.actions {
        if let SetupStep::Gist(g) = &a.details {
            if g.role == GistRole::Badges.name() {
                badge_id = g.id.clone().or_else(|| {
                    results
                        .iter()
                        .find(|r| r.id == a.id)
                        .and_then(|r| r.produced.get("id").cloned())
                });
            }
        }
    }
    if let Some(serde_json::Value::String(u)) = plan.context.get("user") {
        gist_owner = Some(u.clone());
    }
    if let (Some(id), Some(user)) = (badge_id, gist_owner) {
        r.say("\nBadges (Markdown):");
        for (label, file, tab) in [
            ("Installs", "installs", "installs"),
            ("Downloads", "downloads", "installs"),
            ("Clones", "clones", "clones"),
            ("Views", "views", "views"),
        ] {
            r.say(&format!(
                "[![{label}](https://img.shields.io/endpoint?url=https://gist.githubusercontent.com/{user}/{id}/raw/{file}.json)]({dashboard}#{tab})"
            ));
        }
    }
    r.say(&format!("\nDashboard: {dashboard}"));
    if !inputs.skip_files
        && plan
            .actions
            .iter()
            .any(|a| a.category == Category::File && a.is_change())
    {
        r.hint("commit and push: git add .github/workflows/traffic-badges.yml docs/stats .ghtraf.json && git commit -m \"Track traffic with ghtraf\" && git push");
    }
    if !inputs.files_only && !inputs.enable_pages {
        r.hint("enable GitHub Pages from the default branch's /docs folder (or run again with --enable-pages)");
    }
    if !inputs.files_only {
        r.hint("start the first collection: gh workflow run traffic-badges.yml");
    }
}
