//! Verifying gist writes: after `collect` or `backfill` ran, each gist it
//! wrote is read again and every file compared with what was sent. One
//! helper, so both commands promise the same thing with the same words.

use std::collections::BTreeMap;

use ghtraf_github::{fan_out, GitHubRead};
use ghtraf_plan::{Action, ActionResult, Finding, Plan, ResultStatus};

/// The actions of `plan` that ran successfully.
pub fn succeeded<'a, P>(plan: &'a Plan<P>, results: &[ActionResult]) -> Vec<&'a Action<P>> {
    plan.actions
        .iter()
        .filter(|a| {
            results
                .iter()
                .any(|r| r.id == a.id && r.status == ResultStatus::Ok)
        })
        .collect()
}

/// One finding per action in `done`: its gist (named by `gist_of`) still
/// holds exactly the files it wrote. `differs_hint` is appended when a file
/// no longer matches (what the user should make of it).
pub fn verify_gist_writes<P: Sync>(
    done: &[&Action<P>],
    gh: &dyn GitHubRead,
    gist_of: impl Fn(&P) -> (&str, &BTreeMap<String, String>) + Sync,
    differs_hint: &str,
) -> Vec<Finding> {
    fan_out(done, 4, |a| {
        let (gist_id, files) = gist_of(&a.details);
        match gh.gist(gist_id) {
            Ok(Some(g)) => {
                let wrong: Vec<&String> = files
                    .iter()
                    .filter(|(n, c)| g.files.get(*n).is_none_or(|f| f.content != **c))
                    .map(|(n, _)| n)
                    .collect();
                if wrong.is_empty() {
                    Finding::ok(&a.id, format!("{} file(s) as written", files.len()))
                } else {
                    Finding::deviation(
                        &a.id,
                        format!("differs from what was written: {wrong:?}{differs_hint}"),
                    )
                }
            }
            Ok(None) => Finding::deviation(&a.id, format!("gist {gist_id} is gone")),
            Err(e) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
        }
    })
}
