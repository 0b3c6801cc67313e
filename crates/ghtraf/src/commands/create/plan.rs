//! `create`, phase 3: the pure planner, from inputs and observations to a
//! plan of gists, variables, the secret, Pages and files.

use super::files::{config_file, desired_files, kept_after, written_after, Ids};
use super::*;
use crate::deployment::names_gist;

/// How the planner settled one gist.
pub(super) enum GistChoice {
    Adopt { id: String, why: String },
    Create,
}

pub(super) fn choose_gist(
    plan: &mut Plan<SetupStep>,
    gh: &GitHubSide,
    repo: &RepoRef,
    role: GistRole,
    candidates: &[(&str, Option<&String>)],
) -> GistChoice {
    let description = gist_description(repo, role);
    let history = |g: &GistSummary| gh.history.get(&g.id).copied().unwrap_or_default();
    let mut matching: Vec<&GistSummary> = gh
        .gists
        .iter()
        .filter(|g| names_gist(&g.description, repo, role))
        .collect();
    // The one with history first (not the newest stub a lost response left),
    // then the most recently updated.
    matching.sort_by(|a, b| {
        history(b)
            .cmp(&history(a))
            .then(b.updated_at.cmp(&a.updated_at))
            .then(a.id.cmp(&b.id))
    });
    let named = candidates.iter().find_map(|(source, id)| {
        let id = (*id)?;
        if let Some(g) = gh.gists.iter().find(|g| &g.id == id) {
            if !names_gist(&g.description, repo, role) {
                plan.warn(format!(
                    "gist {id} (\"{}\") keeps its name; `ghtraf upgrade` renames it and takes \
                     over the rest of an earlier deployment",
                    g.description
                ));
            }
            Some((*source, id.clone()))
        } else {
            plan.warn(format!(
                "{source} names {} gist {id}, which does not exist or is not yours: it will be replaced",
                role.name()
            ));
            None
        }
    });
    if named.is_none() && matching.is_empty() {
        // The original's pre-0.2.7 name: adopt it (its history and badge URLs live there).
        let mut legacy: Vec<&GistSummary> = gh
            .gists
            .iter()
            .filter(|g| super::observe::legacy_role(&g.description, repo) == Some(role))
            .collect();
        legacy.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        if let Some(newest) = legacy.first() {
            plan.warn(format!(
                "adopting gist {} named the original's way (\"{}\"){}; `ghtraf upgrade` renames \
                 it, chooses among duplicates by their history and takes over the rest",
                newest.id,
                newest.description,
                if legacy.len() > 1 {
                    format!(", the newest of {}", legacy.len())
                } else {
                    String::new()
                }
            ));
            return GistChoice::Adopt {
                id: newest.id.clone(),
                why: format!("adopting existing gist {}", newest.id),
            };
        }
    }
    let chosen = named
        .as_ref()
        .map(|(_, id)| id.clone())
        .or_else(|| matching.first().map(|g| g.id.clone()));
    if let (Some(chosen), [_, _, ..]) = (&chosen, matching.as_slice()) {
        let list: Vec<String> = matching
            .iter()
            .map(|g| format!("{} ({})", g.id, history(g).describe()))
            .collect();
        let why = match &named {
            Some((source, _)) => format!("the one {source} names"),
            None => "the one with the most history".to_string(),
        };
        plan.warn(format!(
            "{} gists are named \"{description}\": {}; using {chosen}, {why}, and leaving the others alone. {DUPLICATES_FIX}",
            matching.len(),
            list.join(", ")
        ));
    }
    match (named, chosen) {
        (Some((source, id)), _) => GistChoice::Adopt {
            why: format!("adopting existing gist {id} (from {source})"),
            id,
        },
        (None, Some(id)) => GistChoice::Adopt {
            why: format!("adopting existing gist {id}"),
            id,
        },
        (None, None) => GistChoice::Create,
    }
}

/// What to do about duplicate gists, said wherever they are reported.
pub const DUPLICATES_FIX: &str = "To reconcile them, run `ghtraf upgrade` (it keeps the one with history and merges the others into it), or check each with `gh gist view ID` and delete the extra ones with `gh gist delete ID` (docs/hostile-worlds.md, \"Duplicate gists\")";

/// The initial files of each gist.
pub(super) fn initial_gist_files(
    repo: &RepoRef,
    role: GistRole,
    now: OffsetDateTime,
) -> BTreeMap<String, String> {
    let full = format!("{}/{}", repo.owner, repo.name);
    match role {
        GistRole::Badges => {
            let state = ghtraf_traffic::initial_state(&full, now);
            ghtraf_traffic::badge_gist_files(&state, now.date())
        }
        GistRole::Archive => {
            let index =
                ghtraf_traffic::ArchiveIndex::empty(&full, &ghtraf_traffic::format_timestamp(now));
            let mut text = index.to_json();
            text.push('\n');
            BTreeMap::from([(ARCHIVE_INDEX_FILE.to_string(), text)])
        }
    }
}

pub(super) fn plan_gist(
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
                    role,
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
            let id = plan.push(new_gist_action(
                &inputs.repo,
                role,
                &inputs.api_base,
                now,
                role.name(),
            ));
            (Deferred::after(&id, "id"), Some(id))
        }
    }
}

/// Creating `repo`'s gist in `role`, named and filled exactly as `create`
/// makes it (so a later `create` or `hub add` finds and adopts it); `target`
/// names the action. Its step produces `id` and `raw_base`.
pub(crate) fn new_gist_action<P: From<GistStep>>(
    repo: &RepoRef,
    role: GistRole,
    api_base: &str,
    now: OffsetDateTime,
    target: impl Into<String>,
) -> Action<P> {
    let description = gist_description(repo, role);
    let public = role == GistRole::Badges;
    Action::new(
        Category::Gist,
        Operation::Create,
        target,
        format!(
            "create {} gist \"{description}\"",
            if public { "public" } else { "secret" }
        ),
        P::from(GistStep {
            role,
            description,
            public,
            id: None,
            request: Some(format!("POST {api_base}/gists")),
            files: initial_gist_files(repo, role, now),
        }),
    )
}

pub(super) fn plan_variable(
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
        (None, _) => format!("set to the {} gist's id (new variable)", gist_word(name)),
        (Some(cur), _) => format!("set to the {} gist's id (was {cur})", gist_word(name)),
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

pub(super) fn gist_word(variable: &str) -> &'static str {
    if variable == ARCHIVE_VARIABLE {
        "archive"
    } else {
        "badge"
    }
}

/// Storing the workflow token in the secret `name` (`existing`: the secret as
/// observed): kept when it exists (unless `update_secret`), else set from the
/// given token, asked for at apply, or skipped with a warning when there is none.
pub(crate) fn plan_secret<P: ghtraf_plan::Payload + From<SecretStep>>(
    plan: &mut Plan<P>,
    name: &str,
    existing: Option<&SecretMeta>,
    update_secret: bool,
    token: &TokenSource,
) {
    let name = name.to_string();
    let existing = existing.map(|s| s.updated_at.clone());
    let step = |token: Option<Secret>| {
        P::from(SecretStep {
            name: name.clone(),
            token,
            existing_updated_at: existing.clone(),
        })
    };
    if let (Some(updated), false) = (&existing, update_secret) {
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
    match token {
        TokenSource::Given(t) => {
            plan.push(Action::new(
                Category::Secret,
                Operation::Set,
                &name,
                format!(
                    "{verb} the workflow token (checked first, encrypted with the repository key)"
                ),
                step(Some(t.clone())),
            ));
        }
        TokenSource::Ask => {
            plan.push(
                Action::new(
                    Category::Secret,
                    Operation::Set,
                    &name,
                    format!("{verb} the workflow token, asked for at apply and checked first"),
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
                "the workflow cannot collect until the secret {name} holds a token that can ({})",
                crate::tokens::describe(crate::tokens::WORKFLOW)
            ));
        }
    }
}

pub(super) fn plan_pages(plan: &mut Plan<SetupStep>, gh: &GitHubSide) {
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

/// The plan: pure, from settled inputs and the observed world.
/// ghtraf's own token: a classic token that lacks a scope an action of this plan needs is
/// found here, before any change, naming the actions that could not work (today's failure
/// mode was a half-applied run: gists failed, the secret and files were still written).
/// A fine-grained token's permissions are not listed by GitHub; its refusals name them.
pub(crate) fn check_own_token<P>(
    plan: &Plan<P>,
    scopes: &ghtraf_github::TokenScopes,
) -> Result<(), CliError> {
    use crate::tokens::{missing_scopes, name_missing, Need, GISTS, PAGES, SECRETS, VARIABLES};
    let mut blocked: Vec<(String, Need)> = Vec::new();
    for action in &plan.actions {
        if action.operation == Operation::Skip {
            continue;
        }
        let need = match action.category {
            Category::Gist => GISTS,
            Category::Variable => VARIABLES,
            Category::Secret => SECRETS,
            Category::Pages => PAGES,
            _ => continue,
        };
        if !missing_scopes(&[need], scopes).is_empty() {
            blocked.push((action.id.to_string(), need));
        }
    }
    if blocked.is_empty() {
        return Ok(());
    }
    let mut needs: Vec<Need> = Vec::new();
    for (_, need) in &blocked {
        if !needs.contains(need) {
            needs.push(*need);
        }
    }
    let actions: Vec<&str> = blocked.iter().map(|(id, _)| id.as_str()).collect();
    Err(CliError::usage(format!(
        "ghtraf's token cannot do what this plan needs: {} ({}); nothing was changed",
        name_missing(&needs),
        actions.join(", ")
    ))
    .with_hint(format!(
        "give ghtraf's token (GH_TOKEN) {}",
        crate::tokens::describe(crate::tokens::OWN)
    )))
}

/// Names, in the `.ghtraf.json` action's description, the kept edits it
/// records or clears, so the plan says it without `--diff`.
fn say_kept(
    plan: &mut Plan<SetupStep>,
    recorded: &BTreeMap<String, crate::project::KeptEdit>,
    kept: &BTreeMap<String, crate::project::KeptEdit>,
) {
    // The action just planned for `.ghtraf.json`.
    if let (Some(config), Some(said)) = (
        plan.actions.last_mut().filter(|a| a.is_change()),
        crate::managed_file::kept_change(recorded, kept),
    ) {
        config.description.push_str(&said);
    }
}

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
    let mut raw_base = None;

    if let Some(gh) = &observed.github {
        plan.set_context("user", gh.login.clone());
        gist_owner = Some(gh.login.clone());
        if created.is_none() {
            created = gh.repo_created_at.get(..10).map(str::to_string);
        }
        let (b, b_id) = plan_gist(&mut plan, gh, inputs, observed, GistRole::Badges, now);
        let (a, a_id) = plan_gist(&mut plan, gh, inputs, observed, GistRole::Archive, now);
        raw_base = match (&gh.raw_base, &b_id) {
            (Some(known), _) => Some(Deferred::Known(known.clone())),
            (None, Some(creator)) => Some(Deferred::after(creator, "raw_base")),
            (None, None) => None,
        };
        if !inputs.skip_variables {
            plan_variable(&mut plan, gh, BADGE_VARIABLE, &b, b_id.as_ref());
            plan_variable(&mut plan, gh, ARCHIVE_VARIABLE, &a, a_id.as_ref());
        }
        plan_secret(
            &mut plan,
            &inputs.gist_token_name,
            gh.secret.as_ref(),
            inputs.update_secret,
            &inputs.token,
        );
        if inputs.enable_pages {
            plan_pages(&mut plan, gh);
        }
        producers.extend(b_id);
        producers.extend(a_id);
        badge = Some(b);
        archive = Some(a);
        check_own_token(&plan, &gh.scopes)?;
    }

    if !inputs.skip_files {
        let ids = Ids {
            badge: badge.as_ref(),
            archive: archive.as_ref(),
            gist_owner,
            created: created.unwrap_or_else(|| date_string(now)),
            raw_base: raw_base.as_ref(),
        };
        let desired = desired_files(&mut plan, inputs, observed, &ids)?;
        let config = observed.project.config.as_ref();
        let was_written = config.map(|c| c.written_sha256.clone()).unwrap_or_default();
        let recorded = config.map(|c| c.kept_edits.clone()).unwrap_or_default();
        crate::managed_file::plan_files_written(
            &mut plan,
            desired,
            &observed.files,
            inputs.policy,
            &producers,
            (&was_written, &inputs.answers, &recorded),
        );
        // .ghtraf.json last: it records the template edits kept above, and
        // what ghtraf wrote.
        let (kept, written) = if inputs.record_kept {
            (
                kept_after(&plan, &recorded),
                written_after(&plan, &was_written, &observed.files),
            )
        } else {
            (recorded.clone(), was_written)
        };
        let config = config_file(inputs, observed, &ids, &kept, &written);
        plan_files(
            &mut plan,
            vec![config],
            &observed.files,
            inputs.policy,
            &producers,
        );
        say_kept(&mut plan, &recorded, &kept);
        plan_leftovers(&mut plan, &observed.leftovers);
    }
    Ok(plan)
}
