//! `verify` and `status` in a hub checkout: a hub is judged as a hub.
//!
//! A hub checkout has `.ghtraf-hub.json`, the hub workflow and the portfolio
//! page, the hub's badge gist (holding `portfolio.json`) and its one secret;
//! it has none of what `create` deploys, so judging it as a `create`
//! deployment found a dozen "deviations" that were not. Here the hub is
//! re-planned with `hub init`'s own observer pieces and planner (so the
//! workflow is rendered exactly as `hub` renders it, shards and waves
//! included): every change that planner would make is drift. On top of that,
//! what only GitHub can tell: each tracked repository's gists still exist
//! (one gist listing for all of them, not one read each), the portfolio was
//! written recently, and the default branch carries the checkout's workflow
//! and hub file (the workflow reads the hub file from there).
//!
//! A checkout that is also a `create` deployment is judged as both by the
//! caller; this module knows only the hub.

use std::collections::BTreeMap;
use std::path::Path;

use ghtraf_github::{Client, GistSummary, GitHubRead, RepoRef, SecretMeta};
use ghtraf_plan::{Finding, Operation};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{parse_repo, plan_hub, recorded_settings, token_name, HubAction, HubStep, HubWorld};
use crate::api;
use crate::checkout::{Checkout, Local};
use crate::commands::create::{GistStep, TokenSource};
use crate::context::Context;
use crate::deployment::{gist_description, GistRole};
use crate::error::Result;
use crate::fsio;
use crate::hub::portfolio::{Portfolio, PORTFOLIO_FILE};
use crate::hub::workflow::HUB_WORKFLOW_PATH;
use crate::hub::{HubConfig, HUB_FILE};
use crate::managed_file::{ConflictMemory, SkipReason};
use crate::textstyle::same_text;

/// A collection older than this means the hub's workflow is not running
/// (the same rule `verify` applies to one repository).
const STALE_AFTER_HOURS: i64 = 48;
/// The workflow file name of the hub, for its runs.
const HUB_WORKFLOW_FILE: &str = "traffic-hub.yml";

/// A read's answer, or why it could not be made.
type Read<T> = std::result::Result<T, String>;

/// Everything read about the hub, once, for `verify` and `status`.
pub struct Seen {
    pub hub: RepoRef,
    pub config: HubConfig,
    world: HubWorld,
    /// The user's gists, by id: one listing answers for every tracked repository.
    gists: std::result::Result<BTreeMap<String, GistSummary>, String>,
    /// The hub's portfolio as stored in its gist (Err: unreadable, why).
    portfolio: std::result::Result<Option<Portfolio>, String>,
    /// The workflow and the hub file on the default branch (None: absent).
    pushed: Vec<(&'static str, Read<Option<Vec<u8>>>)>,
    /// Each tracked repository's badge gist that carries a hub's mark, by id: the hub
    /// that mark names when it is not this one (read only for marked gists).
    other_marks: BTreeMap<String, Read<Option<String>>>,
    /// The hub workflow's last run, as "conclusion created_at".
    pub last_run: std::result::Result<Option<String>, String>,
    pub secret_name: String,
}

/// Reads the hub: its files, the gist listing, its secret, its portfolio,
/// what the default branch carries and its last run, concurrently.
pub fn observe(ctx: &Context, root: &Path, config: HubConfig) -> Result<Seen> {
    let hub = parse_repo(&config.hub)?;
    let files = super::hub_files(root)?;
    let recorded = recorded_settings(&files);
    let init = init_action();
    let secret_name = token_name(&init, &recorded);
    let client: Client = api::client(ctx)?;
    let (gh, repo) = (&client, &hub);
    let (gists, secret, pushed, runs) = std::thread::scope(|s| {
        let gists = s.spawn(|| client.list_gists());
        let secret = s.spawn(|| client.secret(&hub, &secret_name));
        let pushed: Vec<_> = [HUB_WORKFLOW_PATH, HUB_FILE]
            .into_iter()
            .map(|path| (path, s.spawn(move || gh.content(repo, path))))
            .collect();
        let runs = s.spawn(|| client.latest_runs(&hub, HUB_WORKFLOW_FILE, 1));
        (
            api::join(gists),
            api::join(secret),
            pushed
                .into_iter()
                .map(|(p, h)| (p, api::join(h)))
                .collect::<Vec<_>>(),
            api::join(runs),
        )
    });
    let gists = gists.map_err(|e| api::error(Some("listing gists"), e))?;
    let secret: Option<SecretMeta> = secret
        .map_err(|e| api::error(Some(&format!("reading {hub}'s secret {secret_name}")), e))?;
    let description = gist_description(&hub, GistRole::Badges).to_ascii_lowercase();
    let hub_gist = gists
        .iter()
        .find(|g| g.description.to_ascii_lowercase() == description);
    let gist_owner = hub_gist.map(|g| g.owner_login.clone().unwrap_or_else(|| hub.owner.clone()));
    let hub_gist_id = hub_gist.map(|g| g.id.clone());
    let marked: std::collections::BTreeSet<String> = gists
        .iter()
        .filter(|g| g.files.iter().any(|f| f == crate::hub::MARKER_FILE))
        .map(|g| g.id.clone())
        .collect();
    let other_marks = other_marks(&client, &config, &marked);
    // The portfolio: one read of the hub's gist.
    let portfolio = match &hub_gist_id {
        None => Ok(None),
        Some(id) => match client.gist(id) {
            Ok(Some(g)) => match g.files.get(PORTFOLIO_FILE) {
                Some(f) => Portfolio::parse(&f.content).map(Some),
                None => Ok(None),
            },
            Ok(None) => Ok(None),
            Err(e) => Err(e.message().to_string()),
        },
    };
    let pushed = pushed
        .into_iter()
        .map(|(p, r)| {
            (
                p,
                r.map(|c| c.map(|c| c.bytes))
                    .map_err(|e| e.message().to_string()),
            )
        })
        .collect();
    let last_run = runs
        .map(|runs| runs.and_then(|runs| runs.first().map(crate::commands::status::run_summary)))
        .map_err(|e| e.message().to_string());
    let world = HubWorld {
        root: root.to_path_buf(),
        client: None,
        existing: Some(config.clone()),
        hub_repo: Some(hub.clone()),
        hub_gist: hub_gist_id,
        gist_owner,
        login: None,
        // Not checked here: verifying changes nothing, whatever the token may do.
        scopes: None,
        secret,
        token: TokenSource::Missing,
        api_base: client.base_url().to_string(),
        candidates: Vec::new(),
        own_workflows: BTreeMap::new(),
        untracked_with_gists: Default::default(),
        files,
        recorded,
        marked,
        listed: gists.iter().map(|g| g.id.clone()).collect(),
        memory: ConflictMemory::default(),
        interactive: false,
    };
    Ok(Seen {
        hub,
        config,
        world,
        gists: Ok(gists.into_iter().map(|g| (g.id.clone(), g)).collect()),
        portfolio,
        pushed,
        other_marks,
        last_run,
        secret_name,
    })
}

/// The tracked repositories' marked badge gists, read at once: the hub each mark
/// names when it is not `config`'s (another hub collects that repository).
fn other_marks(
    client: &Client,
    config: &HubConfig,
    marked: &std::collections::BTreeSet<String>,
) -> BTreeMap<String, Read<Option<String>>> {
    let ids: Vec<String> = config
        .repos
        .iter()
        .map(|r| r.badge_gist_id.clone())
        .filter(|id| marked.contains(id))
        .collect();
    let read = ghtraf_github::fan_out(&ids, ghtraf_github::DEFAULT_FAN_OUT, |id| client.gist(id));
    ids.into_iter()
        .zip(read)
        .map(|(id, gist)| {
            let other = gist
                .map(|g| {
                    g.and_then(|g| {
                        let mark = g.files.get(crate::hub::MARKER_FILE)?;
                        crate::hub::Marker::other_than(&mark.content, &config.hub)
                    })
                })
                .map_err(|e| e.message().to_string());
            (id, other)
        })
        .collect()
}

/// `hub init` as a plain re-run would plan it: no flag, no token.
fn init_action() -> HubAction {
    HubAction::Init {
        repo: None,
        install_command: None,
        releases_url: None,
        gist_token_name: None,
        gist_token_stdin: false,
        update_secret: false,
    }
}

/// Whether a deviation among `findings` is one `hub init` repairs (a change
/// its plan would make), not a push, a lost gist or a stale portfolio.
pub fn repairable(findings: &[Finding]) -> bool {
    findings.iter().any(|f| {
        f.status == ghtraf_plan::FindingStatus::Deviation
            && ["secret:", "config:", "file:", "gist:"]
                .iter()
                .any(|p| f.id.starts_with(p))
    })
}

/// The hub's findings; what could not be read goes to `unreadable`.
pub fn findings(
    seen: &Seen,
    now: OffsetDateTime,
    unreadable: &mut Vec<String>,
) -> Result<Vec<Finding>> {
    let plan = plan_hub(&init_action(), &seen.world, now)?;
    let mut out: Vec<Finding> = plan
        .actions
        .iter()
        .map(|a| {
            let drift = match (&a.details, a.operation) {
                (HubStep::Secret(s), Operation::Skip) if s.existing_updated_at.is_none() => Some(
                    format!("secret {} is missing: `ghtraf hub init` stores it", s.name),
                ),
                (HubStep::File(f) | HubStep::HubFile(f), Operation::Skip) => match f.skip_reason {
                    Some(SkipReason::DiffersFromTemplate) => Some(format!(
                        "{}: differs from what `ghtraf hub init` writes (`ghtraf hub init --dry-run --diff` shows it)",
                        f.path
                    )),
                    Some(SkipReason::Refused) => Some(format!("not deployed: {}", a.description)),
                    _ => None,
                },
                (_, Operation::Skip) => None,
                (HubStep::Gist(_), _) => {
                    Some("the hub's badge gist is missing: `ghtraf hub init` makes it".to_string())
                }
                (_, _) => Some(format!(
                    "not as `ghtraf hub init` makes it: it would {}",
                    a.description
                )),
            };
            match (drift, &a.details) {
                (Some(m), _) => Finding::deviation(&a.id, m),
                // Found, not "adopting" it as `hub init`'s plan line says: verify adopts nothing.
                (None, HubStep::Gist(GistStep { id: Some(id), .. })) => {
                    Finding::ok(&a.id, format!("the hub's badge gist {id} exists"))
                }
                (None, _) => Finding::ok(&a.id, a.description.clone()),
            }
        })
        .collect();
    out.extend(tracked_gists(seen, unreadable));
    out.extend(portfolio_finding(seen, now, unreadable));
    out.extend(pushed_findings(seen, unreadable));
    Ok(out)
}

/// Each tracked repository's gists exist, from the one gist listing.
fn tracked_gists(seen: &Seen, unreadable: &mut Vec<String>) -> Vec<Finding> {
    let gists = match &seen.gists {
        Ok(g) => g,
        Err(e) => {
            unreadable.push(format!("the gist list: {e}"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    let mut fine = 0;
    for r in &seen.config.repos {
        let missing: Vec<String> = [
            ("badge", Some(&r.badge_gist_id)),
            ("archive", r.archive_gist_id.as_ref()),
        ]
        .into_iter()
        .filter_map(|(role, id)| Some((role, id?)))
        .filter(|(_, id)| !gists.contains_key(*id))
        .map(|(role, id)| format!("its {role} gist {id} is gone"))
        .collect();
        let other = match seen.other_marks.get(&r.badge_gist_id) {
            Some(Ok(other)) => other.clone(),
            Some(Err(e)) => {
                unreadable.push(format!("{}'s badge gist {}: {e}", r.repo, r.badge_gist_id));
                None
            }
            None => None,
        };
        if let Some(other) = other {
            // Two hubs would write one gist: the one its mark names collects it.
            out.push(Finding::deviation(
                format!("repo:{}", r.repo),
                format!(
                    "its badge gist {}'s {} names the hub {other}, not {}: {other} collects it, and this hub's collect refuses to write it; `ghtraf hub remove {}` here, or in {other}'s checkout if this hub should collect it",
                    r.badge_gist_id,
                    crate::hub::MARKER_FILE,
                    seen.config.hub,
                    r.repo
                ),
            ));
            continue;
        }
        if missing.is_empty() {
            fine += 1;
        } else {
            out.push(Finding::deviation(
                format!("repo:{}", r.repo),
                format!(
                    "{}: `ghtraf hub remove {}`, then `ghtraf hub add {}` makes new gists",
                    missing.join("; "),
                    r.repo,
                    r.repo
                ),
            ));
        }
    }
    out.insert(
        0,
        Finding::ok(
            "repos",
            format!(
                "{fine} of {} tracked repositories have their gists",
                seen.config.repos.len()
            ),
        ),
    );
    if fine < seen.config.repos.len() {
        out[0] = Finding::deviation(
            "repos",
            format!(
                "{} of {} tracked repositories lack a gist or are another hub's (below)",
                seen.config.repos.len() - fine,
                seen.config.repos.len()
            ),
        );
    }
    out
}

fn hours_since(at: &str, now: OffsetDateTime) -> Option<i64> {
    OffsetDateTime::parse(at, &Rfc3339)
        .ok()
        .map(|t| (now - t).whole_hours())
}

/// The portfolio was written lately: the hub's workflow runs.
fn portfolio_finding(
    seen: &Seen,
    now: OffsetDateTime,
    unreadable: &mut Vec<String>,
) -> Option<Finding> {
    let id = "hub:portfolio";
    match &seen.portfolio {
        Err(e) => {
            unreadable.push(format!("the hub's {PORTFOLIO_FILE}: {e}"));
            None
        }
        // No gist is the plan's deviation already.
        Ok(None) if seen.world.hub_gist.is_none() => None,
        Ok(None) => Some(Finding::deviation(
            id,
            format!("the hub's gist has no {PORTFOLIO_FILE}: has the hub workflow run?"),
        )),
        Ok(Some(p)) => Some(match hours_since(&p.generated_at, now) {
            Some(h) if h > STALE_AFTER_HOURS => Finding::deviation(
                id,
                format!(
                    "last written {} ({h} hours ago): is the hub workflow running?",
                    p.generated_at
                ),
            ),
            _ => Finding::ok(
                id,
                format!("written {}, {} repositories", p.generated_at, p.repos.len()),
            ),
        }),
    }
}

/// The default branch carries the hub workflow and the hub file as the checkout has them.
fn pushed_findings(seen: &Seen, unreadable: &mut Vec<String>) -> Vec<Finding> {
    let checkout = Checkout::new(&seen.world.root);
    seen.pushed
        .iter()
        .filter_map(|(path, remote)| {
            let id = format!("pushed:{path}");
            let local = match seen.world.files.get(*path) {
                Some(Local::File(b)) => Some(b.clone()),
                _ => checkout.read(path, fsio::LOCAL_FILE_CAP).ok().flatten(),
            };
            match remote {
                Err(e) => {
                    unreadable.push(format!("{path} on the default branch: {e}"));
                    None
                }
                Ok(Some(r)) if local.as_deref().is_some_and(|l| same_text(l, r)) => Some(
                    Finding::ok(id, "on the default branch, same as the checkout"),
                ),
                Ok(Some(_)) => Some(Finding::deviation(
                    id,
                    "the default branch has a different version: commit and push the hub",
                )),
                Ok(None) => Some(Finding::deviation(
                    id,
                    "not on the default branch yet: commit and push the hub",
                )),
            }
        })
        .collect()
}

/// `status` of a hub: what it tracks and how its collections stand.
#[derive(Debug, Serialize)]
pub struct HubStatus {
    pub hub_gist: Option<String>,
    pub secret: Option<String>,
    /// Repositories in `.ghtraf-hub.json`.
    pub tracked: usize,
    /// Of those, the ones that keep their own workflow (the hub skips them).
    pub own_workflow: usize,
    pub portfolio_written: Option<String>,
    pub last_workflow_run: Option<String>,
    /// Collected within 48 hours, stale, failed at the last collection, never collected.
    pub fresh: usize,
    pub stale: Vec<String>,
    pub failed: Vec<String>,
    pub never: Vec<String>,
    /// Each collected repository's last collection (None: never).
    pub repositories: Vec<RepoStatus>,
}

#[derive(Debug, Serialize)]
pub struct RepoStatus {
    pub repository: String,
    pub last_collection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_workflow: Option<String>,
}

/// The hub's status from what was seen; problems (unreadable parts) go to `problems`.
pub fn status(seen: &Seen, now: OffsetDateTime, problems: &mut Vec<String>) -> HubStatus {
    let portfolio = match &seen.portfolio {
        Ok(p) => p.as_ref(),
        Err(e) => {
            problems.push(format!("the hub's {PORTFOLIO_FILE}: {e}"));
            None
        }
    };
    let last_run = match &seen.last_run {
        Ok(r) => r.clone(),
        Err(e) => {
            problems.push(format!("hub workflow runs: {e}"));
            None
        }
    };
    let mut st = HubStatus {
        hub_gist: seen.world.hub_gist.clone(),
        secret: seen.world.secret.as_ref().map(|s| s.updated_at.clone()),
        tracked: seen.config.repos.len(),
        own_workflow: 0,
        portfolio_written: portfolio.map(|p| p.generated_at.clone()),
        last_workflow_run: last_run,
        fresh: 0,
        stale: Vec::new(),
        failed: Vec::new(),
        never: Vec::new(),
        repositories: Vec::new(),
    };
    if st.hub_gist.is_none() {
        problems.push(format!(
            "the hub's badge gist (\"{}\") is missing: `ghtraf hub init` makes it",
            gist_description(&seen.hub, GistRole::Badges)
        ));
    }
    if st.secret.is_none() {
        problems.push(format!(
            "secret {} is missing: `ghtraf hub init` stores it",
            seen.secret_name
        ));
    }
    for r in &seen.config.repos {
        let entry = portfolio.and_then(|p| p.entry(&r.repo));
        let last = entry.and_then(|e| e.captured_at.clone());
        let error = entry.and_then(|e| e.error.clone());
        if r.own_workflow.is_some() {
            st.own_workflow += 1;
        } else if error.is_some() {
            st.failed.push(r.repo.clone());
        } else {
            match last.as_deref().map(|t| hours_since(t, now)) {
                None => st.never.push(r.repo.clone()),
                Some(Some(h)) if h <= STALE_AFTER_HOURS => st.fresh += 1,
                Some(_) => st.stale.push(r.repo.clone()),
            }
        }
        st.repositories.push(RepoStatus {
            repository: r.repo.clone(),
            last_collection: last,
            error,
            own_workflow: r.own_workflow.clone(),
        });
    }
    st
}

/// `names`, the first three and how many more.
pub fn few(names: &[String]) -> String {
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

/// The hub under `root`, when the command is about it: a hub file is there and
/// no other repository was named (`-R` naming the hub itself is the hub).
pub fn hub_here(root: &Path, named: Option<&str>) -> Result<Option<HubConfig>> {
    let Some(config) = HubConfig::read(root)? else {
        return Ok(None);
    };
    let about_hub = match named {
        None => true,
        Some(name) => match (RepoRef::parse(name), RepoRef::parse(&config.hub)) {
            (Ok(a), Ok(b)) => a.to_string().eq_ignore_ascii_case(&b.to_string()),
            _ => false,
        },
    };
    Ok(about_hub.then_some(config))
}

/// The checkout is also a `create` deployment: `.ghtraf.json`, or the
/// workflow `create` deploys (a hub that collects itself with its own workflow).
pub fn also_deployed(root: &Path, project: &crate::project::Project) -> bool {
    project.config.is_some()
        || Checkout::new(root)
            .check(crate::templates::WORKFLOW_PATH)
            .unwrap_or(true)
}
