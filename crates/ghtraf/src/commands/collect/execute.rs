//! `collect`, phase 3: write one gist exactly as planned.

use super::*;

/// Writes one gist: exactly the files the action names, nothing else.
pub fn step(
    action: &Action<GistWrite>,
    gh: &dyn GitHubWrite,
) -> std::result::Result<Outcome, StepError> {
    let w = &action.details;
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
