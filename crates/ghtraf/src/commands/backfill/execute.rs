//! `backfill`, phase 3: write one gist exactly as planned, only while it is
//! still at the revision observed while planning.

use std::collections::BTreeMap;

use ghtraf_github::{ErrorKind, GitHubWrite};
use ghtraf_plan::{Action, Outcome, StepError};

use super::payload::BackfillWrite;
use crate::api;

/// Writes exactly the files the action names. A gist that moved on since planning
/// (the daily workflow wrote in between) is not written: the plan is stale.
pub fn step(action: &Action<BackfillWrite>, gh: &dyn GitHubWrite) -> Result<Outcome, StepError> {
    let w = &action.details;
    let files: BTreeMap<String, Option<String>> = w
        .files
        .iter()
        .map(|(n, c)| (n.clone(), Some(c.clone())))
        .collect();
    match &w.revision {
        Some(revision) => match gh.update_gist_at(&w.gist_id, &files, revision) {
            Ok(update) => {
                if let Some(lost) = update.overwritten_revision {
                    return Err(StepError::new(format!(
                        "gist {} was written at revision {lost} while this write was on its way; \
                         run `ghtraf backfill` again to re-read and merge it",
                        w.gist_id
                    )));
                }
            }
            Err(e) if matches!(e.kind, ErrorKind::StaleRevision { .. }) => {
                return Err(StepError::stale(format!(
                    "gist {} changed since it was read (the daily workflow may have run); \
                     nothing was written: run `ghtraf backfill` again",
                    w.gist_id
                )))
            }
            Err(e) => return Err(api::step_error(e)),
        },
        None => {
            gh.update_gist(&w.gist_id, &files)
                .map_err(api::step_error)?;
        }
    }
    Ok(Outcome::done(format!(
        "wrote {} file(s) to gist {}",
        w.files.len(),
        w.gist_id
    )))
}
