//! `collect`, phase 3: write one gist exactly as planned.

use super::*;

/// Writes one gist: exactly the files the action names, nothing else, and
/// only if the gist is still at the revision the plan observed (re-read right
/// before the write; a changed or vanished gist is a stale plan, exit 4, and
/// nothing is written to it).
pub fn step(
    action: &Action<GistWrite>,
    gh: &dyn GitHubWrite,
) -> std::result::Result<Outcome, StepError> {
    let w = &action.details;
    if let Some(planned) = &w.revision {
        precondition(w, planned, gh)?;
    }
    let files: BTreeMap<String, Option<String>> = w
        .files
        .iter()
        .map(|(n, c)| (n.clone(), Some(c.clone())))
        .collect();
    gh.update_gist(&w.gist_id, &files)
        .map_err(api::step_error)?;
    Ok(Outcome::done(format!(
        "wrote {} file(s) to gist {}",
        w.files.len(),
        w.gist_id
    )))
}

/// The gist, read again now, still has the revision the plan was made from.
fn precondition(
    w: &GistWrite,
    planned: &str,
    gh: &dyn GitHubWrite,
) -> std::result::Result<(), StepError> {
    let current = gh.gist(&w.gist_id).map_err(api::step_error)?;
    let still = current.as_ref().map(gist_revision);
    if still.as_deref() == Some(planned) {
        return Ok(());
    }
    let what = if still.is_some() {
        "changed since this plan (another collect, or a hand edit, wrote it)"
    } else {
        "is gone"
    };
    Err(StepError::stale(format!(
        "the {} gist {} {what}; nothing was written to it\nhint: run `ghtraf collect` again: it re-reads the gist and merges into what is there now",
        w.role.name(),
        w.gist_id
    )))
}
