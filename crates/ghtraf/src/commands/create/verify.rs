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
            (_, None) => Finding::deviation(
                &a.id,
                "a files-only run has no GitHub action to check; this one should not exist",
            ),
        }
    })
}
