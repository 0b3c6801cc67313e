//! `hub`, verification after a run: every file written is re-read, every
//! gist created is found in one listing (80 new gists cost one request, not
//! 80), the secret and each retired or re-enabled workflow are re-read.

use std::collections::BTreeMap;

use ghtraf_github::{GistSummary, GitHubRead, RepoRef};
use ghtraf_plan::{Action, ActionResult, Finding, Plan};

use super::{HubStep, HubWorld};
use crate::checkout::Checkout;
use crate::commands::create;
use crate::hub::MARKER_FILE;
use crate::managed_file::verify_file;
use crate::templates::WORKFLOW_PATH;

/// Re-reads what the run changed and compares it with what the plan promised.
pub(super) fn verify(
    world: &HubWorld,
    plan: &Plan<HubStep>,
    results: &[ActionResult],
) -> Vec<Finding> {
    let checkout = Checkout::new(&world.root);
    let done: Vec<(&Action<HubStep>, &ActionResult)> = plan
        .actions
        .iter()
        .filter(|a| a.is_change())
        .filter_map(|a| {
            let result = results.iter().find(|r| r.id == a.id)?;
            (result.status == ghtraf_plan::ResultStatus::Ok).then_some((a, result))
        })
        .collect();
    let gh = world.client.as_ref().map(|c| c as &dyn GitHubRead);
    // Every created gist is checked from one listing (a page holds 100),
    // not one read each: 80 new gists cost one request, not 80.
    let created = done
        .iter()
        .any(|(a, _)| matches!(a.details, HubStep::Gist(_) | HubStep::Mark { .. }));
    let listed: Option<std::result::Result<BTreeMap<String, GistSummary>, String>> =
        match (created, gh) {
            (true, Some(gh)) => Some(
                gh.list_gists()
                    .map(|all| all.into_iter().map(|g| (g.id.clone(), g)).collect())
                    .map_err(|e| e.message().to_string()),
            ),
            _ => None,
        };
    ghtraf_github::fan_out(&done, ghtraf_github::DEFAULT_FAN_OUT, |(a, result)| match (
        &a.details, gh,
    ) {
        (HubStep::File(f) | HubStep::HubFile(f), _) => verify_file(
            &checkout,
            &a.id,
            f,
            result.produced.get("sha256").map(String::as_str),
        ),
        (HubStep::Gist(g), Some(_)) => {
            let Some(id) = result.produced.get("id") else {
                return Finding::deviation(&a.id, "no gist id recorded");
            };
            match listed.as_ref().map(|l| l.as_ref().map(|m| m.get(id))) {
                Some(Ok(Some(found))) => {
                    create::compare_gist(&a.id, g, id, &found.files, found.public)
                }
                Some(Ok(None)) => Finding::deviation(&a.id, format!("gist {id} not found")),
                Some(Err(e)) => {
                    Finding::deviation(&a.id, format!("cannot list the gists to check {id}: {e}"))
                }
                None => Finding::deviation(&a.id, "cannot re-read: no GitHub client"),
            }
        }
        (HubStep::Mark { gist, hub, .. }, Some(_)) => {
            match listed.as_ref().map(|l| l.as_ref().map(|m| m.get(gist))) {
                Some(Ok(Some(found))) => {
                    let has = found.files.iter().any(|f| f == MARKER_FILE);
                    if has == hub.is_some() {
                        Finding::ok(&a.id, if has { "marked" } else { "unmarked" })
                    } else {
                        Finding::deviation(
                            &a.id,
                            format!("gist {gist}: the marker is not as planned"),
                        )
                    }
                }
                Some(Ok(None)) => Finding::deviation(&a.id, format!("gist {gist} not found")),
                Some(Err(e)) => {
                    Finding::deviation(&a.id, format!("cannot list the gists to check {gist}: {e}"))
                }
                None => Finding::deviation(&a.id, "cannot re-read: no GitHub client"),
            }
        }
        (HubStep::Secret(s), Some(gh)) => match &world.hub_repo {
            Some(hub) => create::verify_secret(gh, hub, &a.id, s),
            None => Finding::deviation(&a.id, "no hub repository to re-read"),
        },
        (HubStep::RetireWorkflow { repo, .. }, Some(gh)) => {
            match RepoRef::parse(repo).map(|r| gh.workflows(&r)) {
                Ok(Ok(ws))
                    if ws
                        .iter()
                        .any(|w| w.path.ends_with(WORKFLOW_PATH) && w.state == "active") =>
                {
                    Finding::deviation(&a.id, "still active")
                }
                Ok(Ok(_)) => Finding::ok(&a.id, "disabled"),
                Ok(Err(e)) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
                Err(e) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
            }
        }
        (HubStep::RestoreWorkflow { repo, .. }, Some(gh)) => {
            match RepoRef::parse(repo).map(|r| gh.workflows(&r)) {
                Ok(Ok(ws))
                    if ws
                        .iter()
                        .any(|w| w.path.ends_with(WORKFLOW_PATH) && w.state == "active") =>
                {
                    Finding::ok(&a.id, "enabled")
                }
                Ok(Ok(_)) => Finding::deviation(&a.id, "not enabled"),
                Ok(Err(e)) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
                Err(e) => Finding::deviation(&a.id, format!("cannot re-read: {}", e.message())),
            }
        }
        // A skip: never among the actions done.
        (HubStep::Tracked { repo }, _) => Finding::ok(&a.id, format!("{repo} is tracked")),
        (HubStep::Untracked { repo }, _) => Finding::ok(&a.id, format!("{repo} is not tracked")),
        (_, None) => Finding::deviation(&a.id, "cannot re-read: no GitHub client"),
    })
}
