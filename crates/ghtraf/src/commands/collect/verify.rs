//! `collect`, phase 4: re-read every written gist.

use super::*;

/// Re-reads every written gist and compares each file with what was written.
pub fn verify(
    plan: &Plan<GistWrite>,
    results: &[ActionResult],
    gh: &dyn GitHubRead,
) -> Vec<Finding> {
    let done: Vec<&Action<GistWrite>> = plan
        .actions
        .iter()
        .filter(|a| {
            results
                .iter()
                .any(|r| r.id == a.id && r.status == ResultStatus::Ok)
        })
        .collect();
    fan_out(&done, 4, |a| match gh.gist(&a.details.gist_id) {
        Ok(Some(g)) => {
            let wrong: Vec<&String> = a
                .details
                .files
                .iter()
                .filter(|(n, c)| g.files.get(*n).is_none_or(|f| f.content != **c))
                .map(|(n, _)| n)
                .collect();
            if wrong.is_empty() {
                Finding::ok(
                    &a.id,
                    format!("{} file(s) as written", a.details.files.len()),
                )
            } else {
                Finding::deviation(
                    &a.id,
                    format!(
                        "differs from what was written: {wrong:?}; another writer (a second \
                         collect?) wrote it after this run: run `ghtraf collect` again to merge"
                    ),
                )
            }
        }
        Ok(None) => Finding::deviation(&a.id, format!("gist {} is gone", a.details.gist_id)),
        Err(e) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
    })
}
