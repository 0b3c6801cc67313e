//! `collect`, phase 4: re-read every written gist.

use super::*;

/// Re-reads every written gist and compares each file with what was written.
pub fn verify(
    plan: &Plan<GistWrite>,
    results: &[ActionResult],
    gh: &dyn GitHubRead,
) -> Vec<Finding> {
    let done = crate::written::succeeded(plan, results);
    crate::written::verify_gist_writes(
        &done,
        gh,
        |w: &GistWrite| (w.gist_id.as_str(), &w.files),
        "; another writer (a second collect?) wrote it after this run: run `ghtraf collect` \
         again to merge",
    )
}
