//! `hub`, the pure planner: from what was observed to the plan of gists,
//! the hub's secret, workflow retirements and the hub's files. Gists a
//! repository lacks are planned with `create`'s own action, so they are
//! named and filled exactly as `create` makes them.

use ghtraf_github::RepoRef;
use ghtraf_plan::{Action, ActionId, Category, Deferred, Operation, Plan};
use time::OffsetDateTime;

use super::{parse_repo, record, token_name, HubAction, HubStep, HubWorld, OWN_WORKFLOW};
use crate::commands::create;
use crate::deployment::{gist_description, GistRole, DEFAULT_TOKEN_NAME};
use crate::error::{CliError, Result};
use crate::hub::page::{config_json, PAGE_DIR, PAGE_FILES};
use crate::hub::portfolio::{Portfolio, PORTFOLIO_FILE};
use crate::hub::shard::canonical;
use crate::hub::workflow::{render, Install, HUB_WORKFLOW_PATH};
use crate::hub::{HubConfig, Marker, TrackedRepo, HUB_FILE, HUB_SCHEMA, MARKER_FILE};
use crate::managed_file::{plan_files, ConflictPolicy, Content, DesiredFile, Fill};
use ghtraf_traffic::format_timestamp;

/// The hub workflow's plan line when it changes: re-rendered whole, edits to it not kept.
const RERENDER_WORKFLOW: &str =
    "re-render from .ghtraf-hub.json (a generated file: edits to it are not kept)";

pub(super) fn require(existing: &Option<HubConfig>) -> Result<&HubConfig> {
    existing.as_ref().ok_or_else(|| {
        CliError::usage(format!("no {HUB_FILE} here"))
            .with_hint("run `ghtraf hub init --repo OWNER/HUB` in the hub's checkout first")
    })
}

/// What a plan collects while it plans gists: the creations, and the fills
/// a file naming their ids needs.
#[derive(Default)]
struct Creations {
    creators: Vec<ActionId>,
    fills: Vec<Fill>,
}

impl Creations {
    /// `repo`'s gist in `role`: the id known now, or a planned creation (named
    /// and filled as `create` makes it) whose id a file holds as a marker.
    fn gist(
        &mut self,
        plan: &mut Plan<HubStep>,
        known: Option<&String>,
        repo: &RepoRef,
        role: GistRole,
        api_base: &str,
        now: OffsetDateTime,
    ) -> (String, Option<Fill>) {
        if let Some(id) = known {
            return (id.clone(), None);
        }
        let target = format!("{}/{}", canonical(repo), role.name());
        let id = plan.push(create::new_gist_action(repo, role, api_base, now, target));
        let value = Deferred::after(&id, "id");
        self.creators.push(id);
        match create::marker(&value) {
            Some((marker, fill)) => {
                self.fills.push(fill.clone());
                (marker, Some(fill))
            }
            None => (value.to_string(), None),
        }
    }
}

/// Disabling `name`'s own workflow: the hub collects it from now on.
fn retire(name: &str) -> Action<HubStep> {
    Action::new(
        Category::Workflow,
        Operation::Update,
        format!("{name}/{OWN_WORKFLOW}"),
        format!("disable {OWN_WORKFLOW} in {name}: the hub collects it"),
        HubStep::RetireWorkflow {
            repo: name.to_string(),
            workflow: OWN_WORKFLOW.to_string(),
        },
    )
}

/// `hub remove` of `name`: its own workflow, disabled (`--retire-own-workflow`, or by
/// hand), runs again, else nothing collects it once the hub stops and days beyond
/// GitHub's 14 are lost. One that could not be read is said, with the way to enable it.
fn restore(
    plan: &mut Plan<HubStep>,
    name: &str,
    state: Option<&std::result::Result<Option<String>, String>>,
) {
    match state {
        Some(Ok(Some(state))) if state.starts_with("disabled") => {
            plan.push(Action::new(
                Category::Workflow,
                Operation::Update,
                format!("{name}/{OWN_WORKFLOW}"),
                format!("enable {OWN_WORKFLOW} in {name} again ({state}): it collects {name} once the hub stops"),
                HubStep::RestoreWorkflow {
                    repo: name.to_string(),
                    workflow: OWN_WORKFLOW.to_string(),
                    state: state.clone(),
                },
            ));
        }
        Some(Err(e)) => plan.warn(format!(
            "cannot read {name}'s workflows ({e}): if its own {OWN_WORKFLOW} is disabled, nothing collects {name} once the hub stops: `gh workflow enable {OWN_WORKFLOW} -R {name}`"
        )),
        _ => {}
    }
}

/// The hub's badge gist, found by its name: adopted (a skip line naming it, as
/// `create` shows an adopted gist), so the plan says which gist becomes the hub's.
fn adopt(hub: &RepoRef, id: &str) -> Action<HubStep> {
    let description = gist_description(hub, GistRole::Badges);
    Action::new(
        Category::Gist,
        Operation::Skip,
        format!("{}/{}", canonical(hub), GistRole::Badges.name()),
        format!("adopting existing gist {id} (found by its name \"{description}\")"),
        HubStep::Gist(create::GistStep {
            role: GistRole::Badges,
            description,
            public: true,
            id: Some(id.to_string()),
            files: std::collections::BTreeMap::new(),
            request: None,
        }),
    )
}

/// The hub's badge gist, planned just now, is made with an empty
/// `portfolio.json`: from its first day it says it is the hub's (`list` shows it
/// as the hub, not as a repository with zeros), and the portfolio page shows
/// "no repository yet" instead of a missing file.
fn give_empty_portfolio(plan: &mut Plan<HubStep>, now: OffsetDateTime) {
    if let Some(HubStep::Gist(g)) = plan.actions.last_mut().map(|a| &mut a.details) {
        let empty = Portfolio::updated(None, Vec::new(), &[], format_timestamp(now));
        g.files.insert(PORTFOLIO_FILE.to_string(), empty.to_text());
    }
}

/// Putting the hub's marker into `repo`'s badge gist (`hub`), or taking it out.
fn mark(repo: &str, gist: &str, hub: Option<&str>) -> Action<HubStep> {
    let description = match hub {
        Some(_) => {
            format!("mark {repo}'s badge gist {gist} as collected by the hub ({MARKER_FILE})")
        }
        None => format!("take the hub's {MARKER_FILE} out of {repo}'s badge gist {gist}"),
    };
    Action::new(
        Category::Gist,
        Operation::Update,
        format!("{repo}/badges"),
        description,
        HubStep::Mark {
            repo: repo.to_string(),
            gist: gist.to_string(),
            hub: hub.map(str::to_string),
        },
    )
}

/// `hub remove` of `name`, which the hub does not track but whose badge gist exists.
/// Its `hub.json` says who collects it: nobody (nothing to remove: a re-run converges),
/// this hub (a remove that stopped before taking the mark out: it is taken out now), or
/// another hub (not removed: that hub's `hub remove` stops it, exit 3).
fn untracked_gist(
    plan: &mut Plan<HubStep>,
    not_tracked: &mut Undone,
    name: &str,
    hub: &str,
    u: &super::candidates::UntrackedGist,
) {
    let skip = |description: String| {
        Action::new(
            Category::Config,
            Operation::Skip,
            name.to_string(),
            description,
            HubStep::Untracked {
                repo: name.to_string(),
            },
        )
    };
    match &u.mark {
        Ok(None) => {
            plan.push(skip(format!(
                "{name} is not tracked by {hub}: nothing to remove (no hub collects it)"
            )));
        }
        Ok(Some(other)) if other.eq_ignore_ascii_case(hub) => {
            plan.push(skip(format!(
                "{name} is not tracked by {hub}, but its badge gist still carries {hub}'s mark"
            )));
            plan.push(mark(name, &u.gist, None));
        }
        Ok(Some(other)) => not_tracked.add(
            plan,
            name,
            format!("collected by another hub (its badge gist's {MARKER_FILE} names {other}): run `ghtraf hub remove {name}` there"),
        ),
        Err(e) => not_tracked.add(
            plan,
            name,
            format!("it is not tracked by {hub}, and its badge gist {}'s {MARKER_FILE} cannot be read ({e}): which hub collects it is unknown", u.gist),
        ),
    }
}

/// `names`, the first three and how many more: a plan line stays readable for 40.
fn listed(names: &[String]) -> String {
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

/// The plan for `action`. Pure.
pub fn plan_hub(
    action: &HubAction,
    world: &HubWorld,
    now: OffsetDateTime,
) -> Result<Plan<HubStep>> {
    // Named as typed (`hub add`): the JSON envelope's and the hints' `ghtraf hub add`.
    let mut plan = Plan::new(match action {
        HubAction::Init { .. } => "hub init",
        HubAction::Add { .. } => "hub add",
        HubAction::Remove { .. } => "hub remove",
    });
    let mut made = Creations::default();
    // What the hub file's change means, for its line in the plan.
    let (mut tracked_now, mut collected_now, mut untracked) = (Vec::new(), Vec::new(), Vec::new());
    // Repositories named to add that this plan does not add, and why (each also a warning).
    let mut not_added = Undone::new("added");
    // Repositories named to remove that the hub does not track (a typo must not pass as done).
    let mut not_tracked = Undone::new("removed");
    let mut hub_gist = world.hub_gist.clone().map(|id| (id, None));
    let (mut config, install, token) = match action {
        HubAction::Init {
            repo,
            install_command,
            releases_url,
            gist_token_name,
            update_secret,
            ..
        } => {
            let hub = match (&world.hub_repo, repo) {
                (Some(hub), _) => hub.clone(),
                (None, Some(repo)) => parse_repo(repo)?,
                (None, None) => {
                    return Err(CliError::usage("which hub repository? none given")
                        .with_hint("pass -R OWNER/REPO"))
                }
            };
            // The hub's badge gist: its portfolio's home, named as `create` names it.
            let gist = made.gist(
                &mut plan,
                world.hub_gist.as_ref(),
                &hub,
                GistRole::Badges,
                &world.api_base,
                now,
            );
            match &world.hub_gist {
                None => give_empty_portfolio(&mut plan, now),
                // Shown as `create` shows it: the plan names the gist that becomes the hub's.
                Some(id) => {
                    plan.push(adopt(&hub, id));
                }
            }
            hub_gist = Some(gist.clone());
            // The token, stored once: in the hub, as `create` stores it.
            create::plan_secret(
                &mut plan,
                &token_name(action, &world.recorded),
                world.secret.as_ref(),
                *update_secret,
                &world.token,
            );
            let mut config = world.existing.clone().unwrap_or(HubConfig {
                schema_version: HUB_SCHEMA,
                hub: hub.to_string(),
                portfolio_gist_id: None,
                repos: Vec::new(),
            });
            config.hub = hub.to_string();
            config.portfolio_gist_id = Some(gist.0);
            let told = (install_command.as_deref(), releases_url.as_deref());
            (config, told, gist_token_name.clone())
        }
        HubAction::Add { .. } | HubAction::Remove { .. } => {
            (require(&world.existing)?.clone(), (None, None), None)
        }
    };
    plan.set_context("hub", config.hub.clone());
    match action {
        HubAction::Add {
            retire_own_workflow,
            ..
        } => {
            for c in &world.candidates {
                let name = canonical(&c.repo);
                if let Some(tracked) = config
                    .repos
                    .iter_mut()
                    .find(|r| r.repo.eq_ignore_ascii_case(&name))
                {
                    // Kept for its own workflow: adding it again applies the rule again, so
                    // `--retire-own-workflow` (the warning's advice) retires it now, and a
                    // workflow since disabled lets the hub collect it.
                    match (&tracked.own_workflow, &c.own_workflow_active) {
                        (Some(_), Ok(true)) if *retire_own_workflow => {
                            plan.push(retire(&name));
                            tracked.own_workflow = None;
                            collected_now.push(name.clone());
                        }
                        (Some(_), Ok(false)) => {
                            tracked.own_workflow = None;
                            collected_now.push(name.clone());
                        }
                        // Its gist was found by name when it was added; none is now.
                        _ if c.badge_gist_id.is_none() => plan.warn(format!(
                            "{name} is tracked, but no badge gist named for it exists any more (deleted?): `ghtraf hub remove {name}`, then `ghtraf hub add {name}` makes new gists"
                        )),
                        // A converged re-run: a line in the plan, not a warning.
                        _ => {
                            plan.push(Action::new(
                                Category::Config,
                                Operation::Skip,
                                name.clone(),
                                format!("{name} is already tracked (badge gist {})", tracked.badge_gist_id),
                                HubStep::Tracked { repo: name.clone() },
                            ));
                        }
                    }
                    continue;
                }
                if let Err(e) = &c.own_workflow_active {
                    // Said first: a repository GitHub answers 404 for is named as such.
                    not_added.add(&mut plan, &name, e.clone());
                    continue;
                }
                if c.badge_gist_id.is_none() && c.legacy_gists {
                    // New gists would orphan the history the original's gists hold.
                    not_added.add(&mut plan, &name, format!("its gists are named the original tool's way; run `ghtraf upgrade --repo {name}` first (it renames them and keeps their history), then add it"));
                    continue;
                }
                if let Some(other) = &c.other_hub {
                    // Two hubs would write the same gist.
                    not_added.add(&mut plan, &name, format!("the hub {other} collects it (its badge gist says so); run `ghtraf hub remove {name}` in {other}'s checkout first"));
                    continue;
                }
                let creates = c.badge_gist_id.is_none() || c.archive_gist_id.is_none();
                if let (true, Some(e)) = (creates, &c.variables_unread) {
                    // Its variables may name the gists to use: never guess past them.
                    not_added.add(
                        &mut plan,
                        &name,
                        format!("cannot read its variables (which may name its gists): {e}"),
                    );
                    continue;
                }
                let own_workflow = match (&c.own_workflow_active, retire_own_workflow) {
                    (Err(_) | Ok(false), _) => None,
                    (Ok(true), true) => {
                        plan.push(retire(&name));
                        None
                    }
                    (Ok(true), false) if creates => {
                        // The hub would never write gists made now: its own workflow collects it.
                        let missing = match (&c.badge_gist_id, &c.archive_gist_id) {
                            (None, None) => "badge and archive gists",
                            (None, Some(_)) => "badge gist",
                            _ => "archive gist",
                        };
                        not_added.add(&mut plan, &name, format!("its own {OWN_WORKFLOW} is active (it collects {name}, not the hub), and no {missing} named for it exists, so the hub would make gists it never writes; pass --retire-own-workflow to collect it from the hub instead (its gists are made then)"));
                        continue;
                    }
                    (Ok(true), false) => {
                        plan.warn(format!(
                            "{name} keeps its own {OWN_WORKFLOW}; the hub will skip it (pass --retire-own-workflow to collect it from the hub)"
                        ));
                        Some(format!("{OWN_WORKFLOW} is active"))
                    }
                };
                // Its own gists, as `create` makes them: its README badges read the badge gist.
                let api = world.api_base.as_str();
                let (badge, _) = made.gist(
                    &mut plan,
                    c.badge_gist_id.as_ref(),
                    &c.repo,
                    GistRole::Badges,
                    api,
                    now,
                );
                if c.badge_gist_id.is_none() && own_workflow.is_none() {
                    // Made with the hub's marker: no second write to say who collects it.
                    if let Some(HubStep::Gist(g)) = plan.actions.last_mut().map(|a| &mut a.details)
                    {
                        g.files
                            .insert(MARKER_FILE.to_string(), Marker::text(&config.hub));
                    }
                }
                let (archive, _) = made.gist(
                    &mut plan,
                    c.archive_gist_id.as_ref(),
                    &c.repo,
                    GistRole::Archive,
                    api,
                    now,
                );
                tracked_now.push(name.clone());
                config.repos.push(TrackedRepo {
                    repo: name,
                    badge_gist_id: badge,
                    archive_gist_id: Some(archive),
                    display_name: None,
                    dashboard_url: None,
                    own_workflow,
                });
            }
        }
        HubAction::Remove { repos } => {
            for r in repos {
                let name = canonical(&parse_repo(r)?);
                let gone: Vec<TrackedRepo> = config
                    .repos
                    .iter()
                    .filter(|t| t.repo.eq_ignore_ascii_case(&name))
                    .cloned()
                    .collect();
                config.repos.retain(|t| !t.repo.eq_ignore_ascii_case(&name));
                let unknown = world.untracked_with_gists.get(&name.to_ascii_lowercase());
                if let (true, Some(u)) = (gone.is_empty(), unknown) {
                    untracked_gist(&mut plan, &mut not_tracked, &name, &config.hub, u);
                } else if gone.is_empty() {
                    not_tracked.add(
                        &mut plan,
                        &name,
                        format!("it is not tracked by {} (check the OWNER/REPO spelling; `ghtraf status` here lists what it tracks)", config.hub),
                    );
                } else {
                    restore(&mut plan, &name, world.own_workflows.get(&name));
                    untracked.push(name);
                }
                // Its gist no longer says a hub collects it: its own workflow may come back.
                for t in gone
                    .iter()
                    .filter(|t| world.marked.contains(&t.badge_gist_id))
                {
                    plan.push(mark(&t.repo, &t.badge_gist_id, None));
                }
            }
        }
        HubAction::Init { .. } => {}
    }
    // Every repository the hub collects says so in its badge gist (one made now
    // says so from its creation): `create` there refuses a second collector.
    if !matches!(action, HubAction::Remove { .. }) {
        for t in config.repos.iter().filter(|t| t.own_workflow.is_none()) {
            let badges = format!("{}/badges", t.repo);
            let made_now = plan.actions.iter().any(|a| {
                matches!(a.details, HubStep::Gist(_)) && a.target.eq_ignore_ascii_case(&badges)
            });
            // A gist that is gone is said elsewhere (verify, `hub add`), not written to.
            let exists = world.listed.contains(&t.badge_gist_id);
            if !made_now && exists && !world.marked.contains(&t.badge_gist_id) {
                plan.push(mark(&t.repo, &t.badge_gist_id, Some(&config.hub)));
            }
        }
    }
    // What `hub init` was told before stays, unless it is told again.
    let install = Install::resolve(install.0, install.1, &world.recorded)?;
    let token = token
        .or_else(|| world.recorded.token_name.clone())
        .unwrap_or_else(|| DEFAULT_TOKEN_NAME.to_string());
    let mut desired = vec![
        DesiredFile {
            path: HUB_FILE.to_string(),
            content: Content {
                text: config.to_text(),
                fills: made.fills,
            },
            managed: true,
        },
        DesiredFile {
            path: HUB_WORKFLOW_PATH.to_string(),
            content: Content::known(render(&config, &install, &token)?),
            // Re-rendered whenever the repositories change: ours, not a user template.
            managed: true,
        },
    ];
    // The portfolio page, wherever the hub gist is known or planned (init and add).
    let owner = world.gist_owner.clone().or_else(|| world.login.clone());
    if let (Some((gist, fill)), Some(owner)) = (hub_gist, owner) {
        for (name, text) in PAGE_FILES {
            desired.push(DesiredFile {
                path: format!("{PAGE_DIR}/{name}"),
                content: Content::known((*text).to_string()),
                managed: false,
            });
        }
        desired.push(DesiredFile {
            path: format!("{PAGE_DIR}/config.json"),
            content: Content {
                text: config_json(&gist, &owner, &world.api_base),
                fills: fill.into_iter().collect(),
            },
            managed: true,
        });
    }
    let policy = if world.interactive {
        ConflictPolicy::Ask
    } else {
        ConflictPolicy::Keep
    };
    // A token that cannot make what the plan makes stops it here, before any change.
    if let Some(scopes) = &world.scopes {
        create::check_own_token(&plan, scopes)?;
    }
    plan_files(&mut plan, desired, &world.files, policy, &made.creators);
    let meaning: Vec<String> = [
        ("track", &tracked_now, ""),
        ("collect", &collected_now, " from the hub"),
        ("stop tracking", &untracked, ""),
    ]
    .into_iter()
    .filter(|(_, names, _)| !names.is_empty())
    .map(|(verb, names, tail)| format!("{verb} {}{tail}", listed(names)))
    .collect();
    if let Some(action) = plan
        .actions
        .iter_mut()
        .find(|a| a.target == HUB_FILE && a.is_change())
    {
        if !meaning.is_empty() {
            action.description = format!("{}: {}", action.description, meaning.join("; "));
        }
    }
    // The workflow is rendered whole from .ghtraf-hub.json: nothing of an edit to it is kept,
    // so its line must not promise "keep yours" (the JSON files' merge wording).
    if let Some(action) = plan
        .actions
        .iter_mut()
        .find(|a| a.target == HUB_WORKFLOW_PATH && a.is_change())
    {
        action.description = RERENDER_WORKFLOW.to_string();
    }
    record::gather_in_hub_file(&mut plan);
    not_added.record(&mut plan, NOT_ADDED);
    not_tracked.record(&mut plan, NOT_TRACKED);
    Ok(plan)
}

/// The plan's context key listing the repositories named to `hub add` that it does not add
/// (`{repo, why}` each).
pub(super) const NOT_ADDED: &str = "not_added";
/// The plan's context key listing the repositories named to `hub remove` that the hub does
/// not track (`{repo, why}` each).
pub(super) const NOT_TRACKED: &str = "not_tracked";

/// Repositories named on the command line that the plan leaves as they are, each with why:
/// a warning in the plan, then the run's exit 3 (`left_undone`), so a typo is never a success.
struct Undone {
    /// What was not done: "added", "removed".
    verb: &'static str,
    named: Vec<serde_json::Value>,
}

impl Undone {
    fn new(verb: &'static str) -> Undone {
        Undone {
            verb,
            named: Vec::new(),
        }
    }

    fn add(&mut self, plan: &mut Plan<HubStep>, name: &str, why: String) {
        plan.warn(format!("{name} not {}: {why}", self.verb));
        self.named
            .push(serde_json::json!({ "repo": name, "why": why }));
    }

    fn record(self, plan: &mut Plan<HubStep>, key: &str) {
        if !self.named.is_empty() {
            plan.set_context(key, self.named);
        }
    }
}
