//! The gist half of the upgrade plan: which gist of each role is kept, how
//! its duplicates and orphans are reported or pruned (only when provably
//! empty), the renames to today's names, the repository variables and the
//! secret. Split from `plan` so each decision reads on its own.

use super::*;

/// Chooses the gist of one role: the id the user or deployment names (first that is a
/// candidate), else the one holding the most history, then the latest capture, then the
/// current name, then the smallest id (so equal worlds give equal plans).
pub(super) fn choose<'a>(
    plan: &mut Plan<UpgradeStep>,
    all: &'a [Candidate],
    role: Role,
    named: &NamedIds,
) -> Option<&'a Candidate> {
    let of_role: Vec<&Candidate> = all.iter().filter(|c| c.role == role).collect();
    for (source, id) in named.ordered() {
        if let Some(c) = of_role.iter().find(|c| c.id == id) {
            return Some(c);
        }
        plan.warn(format!(
            "{source} names {} gist {id}, which is not among your gists for this repository; \
             it is ignored (nothing is replaced)",
            role.name()
        ));
    }
    of_role.into_iter().max_by(|a, b| {
        let key = |c: &Candidate| {
            (
                c.days() + c.months,
                c.state.as_ref().and_then(|s| s.latest_capture.clone()),
                matches!(c.naming, Naming::Current(_)),
            )
        };
        key(a).cmp(&key(b)).then(b.id.cmp(&a.id))
    })
}

pub(super) fn report_orphans(
    plan: &mut Plan<UpgradeStep>,
    all: &[Candidate],
    badge: &Candidate,
    archive: Option<&Candidate>,
) {
    let mut orphans = Vec::new();
    for c in all {
        if c.id == badge.id || archive.is_some_and(|a| a.id == c.id) {
            continue;
        }
        let held = match c.role {
            Role::Badges => format!("{} day(s)", c.days()),
            Role::Archive => format!("{} archived month(s)", c.months),
        };
        plan.warn(format!(
            "{} gist {} is not used ({held}); it is kept. Its days can be recovered with \
             `ghtraf backfill --from gist-history:{}`",
            c.role.name(),
            c.id,
            c.id
        ));
        orphans.push(serde_json::json!({
            "id": c.id, "role": c.role.name(), "days": c.days(), "months": c.months,
        }));
    }
    if !orphans.is_empty() {
        plan.set_context("orphans", orphans);
    }
}

pub(super) fn plan_rename(
    gh: &super::super::observed::GitHubSide,
    inputs: &UpgradeInputs,
    chosen: &Candidate,
) -> Option<Action<UpgradeStep>> {
    let g = gist(gh, &chosen.id)?;
    let to = current_description(&inputs.owner, &inputs.repo, chosen.role);
    if g.description == to {
        return None;
    }
    Some(Action::new(
        Category::Gist,
        Operation::Update,
        format!("{}.description", chosen.role.name()),
        format!(
            "rename gist {} from \"{}\" to \"{to}\" (description only: the id in every badge URL stays)",
            g.id, g.description
        ),
        UpgradeStep::Rename(RenameStep {
            gist_id: g.id.clone(),
            from: g.description.clone(),
            to,
            expect_revision: g.revision.clone(),
        }),
    ))
}

pub(super) fn plan_variable(
    gh: &super::super::observed::GitHubSide,
    name: &str,
    value: Deferred,
    producer: Option<ActionId>,
) -> Action<UpgradeStep> {
    let current = gh.variables.get(name).cloned();
    let step = UpgradeStep::Variable(VariableStep {
        name: name.to_string(),
        value: value.clone(),
        current: current.clone(),
    });
    if value.known().is_some() && value.known() == current.as_deref() {
        return Action::new(
            Category::Variable,
            Operation::Skip,
            name,
            format!("already {value}"),
            step,
        );
    }
    let description = match &current {
        None => format!("set to {value}"),
        Some(cur) => format!("change from {cur} to {value}"),
    };
    Action::new(Category::Variable, Operation::Set, name, description, step).depends_on(producer)
}

pub(super) fn plan_secret(
    plan: &mut Plan<UpgradeStep>,
    gh: &super::super::observed::GitHubSide,
    inputs: &UpgradeInputs,
    generation: &Generation,
) -> Action<UpgradeStep> {
    let name = inputs.gist_token_name.clone();
    let updated_at = gh.secret.as_ref().map(|s| s.updated_at.clone());
    let from_original = matches!(
        generation,
        Generation::Original | Generation::OriginalLegacy | Generation::Mixed
    );
    if from_original && !inputs.update_secret && updated_at.is_some() {
        plan.warn(format!(
            "the secret {name} probably dates from the original tool, which told users to create \
             a token with only the `gist` scope; ghtraf collect also reads traffic, which needs a \
             classic token with `repo`/`public_repo` or a fine-grained one with Administration: \
             read, Gists: write and Actions: read. Replace it with --update-secret if needed"
        ));
    }
    match (&inputs.token, inputs.update_secret || updated_at.is_none()) {
        (Some(token), true) => Action::new(
            Category::Secret,
            Operation::Set,
            &name,
            format!(
                "{} the workflow token (encrypted with the repository key)",
                if updated_at.is_some() {
                    "replace"
                } else {
                    "store"
                }
            ),
            UpgradeStep::Secret(SecretStep {
                name: name.clone(),
                token: Some(token.clone()),
                updated_at,
            }),
        ),
        _ => {
            let why = match &updated_at {
                Some(at) => format!(
                    "exists (updated {at}); its value cannot be read back, so it cannot be checked"
                ),
                None => {
                    plan.warn(format!(
                        "the secret {name} does not exist: the workflow cannot collect until it \
                         holds a token (GHTRAF_GIST_TOKEN or --gist-token-stdin)"
                    ));
                    "missing, and no token was given".to_string()
                }
            };
            Action::new(
                Category::Secret,
                Operation::Skip,
                &name,
                why,
                UpgradeStep::Secret(SecretStep {
                    name: name.clone(),
                    token: None,
                    updated_at,
                }),
            )
        }
    }
}

/// `--prune-orphans`: deletes only duplicates that are provably empty, by the same
/// predicates as the original's own cleanup; anything else is kept and said so.
pub(super) fn plan_prune(
    actions: &mut Vec<Action<UpgradeStep>>,
    plan: &mut Plan<UpgradeStep>,
    gh: &super::super::observed::GitHubSide,
    all: &[Candidate],
    badge: &Candidate,
    archive: Option<&Candidate>,
    full: &str,
) {
    for c in all {
        if c.id == badge.id || archive.is_some_and(|a| a.id == c.id) {
            continue;
        }
        let Some(g) = gist(gh, &c.id) else { continue };
        match provably_empty(g, c.role, full) {
            Ok(why) => actions.push(Action::new(
                Category::Gist,
                Operation::Delete,
                g.id.clone(),
                format!(
                    "delete the empty duplicate {} gist \"{}\"",
                    c.role.name(),
                    g.description
                ),
                UpgradeStep::DeleteGist(DeleteGistStep {
                    gist_id: g.id.clone(),
                    description: g.description.clone(),
                    expect_revision: g.revision.clone(),
                    why_empty: why,
                }),
            )),
            Err(why) => plan.warn(format!("--prune-orphans keeps gist {}: {why}", g.id)),
        }
    }
}

/// Whether a gist holds nothing: badges only the five standard files and a state whose
/// every counter is 0 and every list empty, with no CI figures; an archive only its index
/// (or the pre-GTT `archive-init.json`) listing no month.
pub fn provably_empty(g: &GistSeen, role: Role, full: &str) -> std::result::Result<String, String> {
    match role {
        Role::Badges => {
            if let Some(extra) = g.files.keys().find(|n| !BADGE_FILES.contains(&n.as_str())) {
                return Err(format!("it holds {extra}, which a badge gist does not"));
            }
            let state = g.files.get(STATE_FILE).ok_or("it has no state.json")?;
            let value: Value = serde_json::from_str(state)
                .map_err(|e| format!("its state.json cannot be read ({e})"))?;
            if value
                .get("ciCheckouts")
                .is_some_and(|c| c.as_object().is_none_or(|m| !m.is_empty()))
            {
                return Err("its state records CI checkouts".to_string());
            }
            match nonzero(&value, "$") {
                Some(path) => Err(format!("its state holds data at {path}")),
                None => Ok("every counter is 0 and every list is empty".to_string()),
            }
        }
        Role::Archive => {
            if let Some(extra) = g
                .files
                .keys()
                .find(|n| n.as_str() != ARCHIVE_INDEX_FILE && n.as_str() != "archive-init.json")
            {
                return Err(format!("it holds {extra}"));
            }
            for (name, text) in &g.files {
                let value: Value = serde_json::from_str(text)
                    .map_err(|e| format!("its {name} cannot be read ({e})"))?;
                if let Some(repo) = value.get("repo").and_then(Value::as_str) {
                    if !repo.eq_ignore_ascii_case(full) {
                        return Err(format!("its {name} belongs to {repo}"));
                    }
                }
                for list in ["archives", "months"] {
                    if value
                        .get(list)
                        .is_some_and(|l| l.as_array().is_none_or(|a| !a.is_empty()))
                    {
                        return Err(format!("its {name} lists archived months"));
                    }
                }
            }
            Ok("only an index listing no month".to_string())
        }
    }
}

/// The first place in a JSON value holding a non-zero number or a non-empty list.
/// `schemaVersion` is a marker, not a counter.
pub(super) fn nonzero(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Number(n) => (n.as_f64() != Some(0.0)).then(|| path.to_string()),
        Value::Array(a) => (!a.is_empty()).then(|| path.to_string()),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| k.as_str() != "schemaVersion")
            .find_map(|(k, v)| nonzero(v, &format!("{path}.{k}"))),
        _ => None,
    }
}
