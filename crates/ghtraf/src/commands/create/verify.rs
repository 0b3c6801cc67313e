//! `create`, phase 5: re-read the world and compare it with the plan.

use super::*;

/// Re-reads what the run changed and compares it with the plan. `gh` is
/// absent only in files-only runs, whose plans hold no GitHub action.
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
            (SetupStep::File(f), _) => verify_file(
                &Checkout::new(&inputs.root),
                &a.id,
                f,
                result
                    .and_then(|r| r.produced.get("sha256"))
                    .map(String::as_str),
            ),
            (SetupStep::Gist(g), Some(gh)) => {
                verify_gist(gh, &a.id, g, result.and_then(|r| r.produced.get("id")))
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
            (SetupStep::Secret(s), Some(gh)) => verify_secret(gh, &inputs.repo, &a.id, s),
            (SetupStep::Pages(_), Some(gh)) => match gh.pages(&inputs.repo) {
                Ok(Some(_)) => Finding::ok(&a.id, "Pages enabled"),
                Ok(None) => Finding::deviation(&a.id, "Pages is not enabled"),
                Err(e) => Finding::deviation(&a.id, format!("cannot read Pages: {}", e.message())),
            },
            (_, None) => Finding::deviation(
                &a.id,
                "a files-only run has no GitHub action to check; this one should not exist",
            ),
        }
    })
}

/// Re-reads the gist a run created (`created`: the id its step produced) and
/// compares it with the plan: every planned file, the planned visibility.
fn verify_gist(
    gh: &dyn GitHubRead,
    action: &ActionId,
    g: &GistStep,
    created: Option<&String>,
) -> Finding {
    let Some(id) = created else {
        return Finding::deviation(action, "no gist id recorded");
    };
    match gh.gist(id) {
        Ok(Some(found)) => compare_gist(action, g, id, found.files.keys(), found.public),
        Ok(None) => Finding::deviation(action, format!("gist {id} not found")),
        Err(e) => Finding::deviation(action, format!("cannot read gist {id}: {}", e.message())),
    }
}

/// Compares a created gist as read back (its file names and visibility)
/// with the plan: every planned file is there, the visibility is the planned one.
pub(crate) fn compare_gist<'a>(
    action: &ActionId,
    g: &GistStep,
    id: &str,
    files: impl IntoIterator<Item = &'a String>,
    public: bool,
) -> Finding {
    let found: std::collections::BTreeSet<&String> = files.into_iter().collect();
    let missing: Vec<&String> = g.files.keys().filter(|f| !found.contains(f)).collect();
    if !missing.is_empty() {
        Finding::deviation(action, format!("gist {id} lacks {missing:?}"))
    } else if public != g.public {
        Finding::deviation(action, format!("gist {id} has the wrong visibility"))
    } else {
        Finding::ok(
            action,
            format!("gist {id} has its {} file(s)", g.files.len()),
        )
    }
}

/// Re-reads `repo`'s secret a run stored: it must exist and be newer than
/// the one the plan saw (the value itself can never be read back).
pub(crate) fn verify_secret(
    gh: &dyn GitHubRead,
    repo: &RepoRef,
    action: &ActionId,
    s: &SecretStep,
) -> Finding {
    match gh.secret(repo, &s.name) {
        Ok(Some(meta)) if s.existing_updated_at.as_deref() != Some(meta.updated_at.as_str()) => {
            Finding::ok(
                action,
                format!("{} present, updated {}", s.name, meta.updated_at),
            )
        }
        Ok(Some(meta)) => Finding::deviation(
            action,
            format!("{} was not updated (still {})", s.name, meta.updated_at),
        ),
        Ok(None) => Finding::deviation(action, format!("{} is missing", s.name)),
        Err(e) => Finding::deviation(action, format!("cannot read the secret: {}", e.message())),
    }
}
