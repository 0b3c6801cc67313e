//! The hub file when gists are created in the same run: it is written last,
//! whatever became of each creation, and lists only the repositories whose
//! gists exist, so one failed creation (a 403, a 502) never keeps the others
//! out of the hub; the next run plans what is still missing. Also what `hub`
//! tells the user after a run that created gists (each repository's badge).

use ghtraf_plan::{Action, ActionResult, Outcome, Outputs, Plan, StepError};

use super::HubStep;
use crate::checkout::Checkout;
use crate::context::Context;
use crate::deployment::GistRole;
use crate::hub::{HubConfig, HUB_FILE};
use crate::managed_file::{execute_file, ConflictMemory, Content, FileStep};
use crate::prompt::Prompter;

/// Turns the plan's write of the hub file, when it names gists this run
/// creates, into one that runs after all of them even when some fail.
pub(super) fn gather_in_hub_file(plan: &mut Plan<HubStep>) {
    for action in &mut plan.actions {
        let HubStep::File(f) = &action.details else {
            continue;
        };
        let names_new_gists = f.content.as_ref().is_some_and(|c| !c.fills.is_empty());
        if f.path == HUB_FILE && action.is_change() && names_new_gists {
            action.details = HubStep::HubFile(f.clone());
            action.tolerates_failures = true;
        }
    }
}

/// Writes the hub file with every gist id the run produced; a repository
/// whose gist was not created is left out (and said), the hub's own gist
/// left unset. Same precondition, question and atomic write as any file.
pub(super) fn write_hub_file(
    checkout: &Checkout,
    action: &Action<HubStep>,
    step: &FileStep,
    outputs: &Outputs,
    prompter: &dyn Prompter,
    memory: &ConflictMemory,
) -> Result<Outcome, StepError> {
    let Some(content) = &step.content else {
        return Err(StepError::new("internal: a file write without content"));
    };
    let (text, left_out) = resolve(content, outputs)?;
    let written = FileStep {
        content: Some(Content::known(text)),
        ..step.clone()
    };
    let outcome = execute_file(checkout, action, &written, outputs, prompter, memory)?;
    if left_out.is_empty() {
        return Ok(outcome);
    }
    Ok(Outcome {
        message: format!(
            "{}; not tracked yet (a gist was not created; run again): {}",
            outcome.message,
            left_out.join(", ")
        ),
        ..outcome
    })
}

/// The hub file's final text and the repositories left out of it.
fn resolve(content: &Content, outputs: &Outputs) -> Result<(String, Vec<String>), StepError> {
    let value = |text: &str| -> Option<String> {
        match content.fills.iter().find(|f| f.marker == text) {
            Some(fill) => outputs.resolve(&fill.value).ok(),
            None => Some(text.to_string()),
        }
    };
    let all_known = content
        .fills
        .iter()
        .all(|f| outputs.resolve(&f.value).is_ok());
    if all_known {
        // Every creation succeeded: the planned text exactly, its style kept.
        return Ok((content.resolve(outputs)?, Vec::new()));
    }
    let mut config = HubConfig::parse(&content.text)
        .map_err(|e| StepError::new(format!("internal: the planned hub file: {e}")))?;
    config.portfolio_gist_id = config.portfolio_gist_id.as_deref().and_then(value);
    let mut left_out = Vec::new();
    config.repos.retain_mut(|r| {
        let badge = value(&r.badge_gist_id);
        let archive = r.archive_gist_id.as_deref().map(value);
        match (badge, archive) {
            (Some(b), None) => {
                r.badge_gist_id = b;
                true
            }
            (Some(b), Some(Some(a))) => {
                r.badge_gist_id = b;
                r.archive_gist_id = Some(a);
                true
            }
            _ => {
                left_out.push(r.repo.clone());
                false
            }
        }
    });
    Ok((config.to_text(), left_out))
}

/// After a real run: each tracked repository's new badge, so
/// its README can show it (nothing is pushed into the repositories themselves).
pub(super) fn finish(
    ctx: &Context,
    login: Option<&str>,
    plan: &Plan<HubStep>,
    results: &[ActionResult],
) {
    let r = &ctx.reporter;
    if let Some(user) = login {
        let lines = badges(user, plan, results);
        if !lines.is_empty() {
            r.say("\nNew badge gists (a README badge for each; clones.json, downloads.json and installs.json serve the others):");
            for line in lines {
                r.say(&line);
            }
        }
    }
    // The hub's files changed (init, add, remove): its workflow reads them from the branch.
    let files_changed = plan
        .actions
        .iter()
        .any(|a| a.is_change() && matches!(a.details, HubStep::File(_) | HubStep::HubFile(_)));
    if files_changed {
        r.hint("commit and push the hub: git add .ghtraf-hub.json .github docs/portfolio && git commit -m \"traffic hub\" && git push");
    }
}

/// A README badge line for each tracked repository whose badge gist this run created.
fn badges(user: &str, plan: &Plan<HubStep>, results: &[ActionResult]) -> Vec<String> {
    let hub = plan.context.get("hub").and_then(|v| v.as_str());
    let mut lines = Vec::new();
    for a in &plan.actions {
        let HubStep::Gist(g) = &a.details else {
            continue;
        };
        if g.role != GistRole::Badges {
            continue;
        }
        let Some(id) = results
            .iter()
            .find(|r| r.id == a.id)
            .and_then(|r| r.produced.get("id"))
        else {
            continue;
        };
        let repo = a.target.trim_end_matches("/badges");
        if hub.is_some_and(|hub| hub.eq_ignore_ascii_case(repo)) {
            // The hub's gist holds portfolio.json; nothing collects its own traffic into it,
            // so a badge would show 0 for ever.
            continue;
        }
        lines.push(format!(
            "{repo}: [![Views](https://img.shields.io/endpoint?url=https://gist.githubusercontent.com/{user}/{id}/raw/views.json)](https://github.com/{repo})"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::{TrackedRepo, HUB_SCHEMA};
    use crate::managed_file::Fill;
    use ghtraf_plan::{ActionId, Category, Deferred, Operation};
    use std::collections::BTreeMap;

    fn creation(target: &str) -> (ActionId, Fill) {
        let id = ActionId::new(Category::Gist, Operation::Create, target);
        let value = Deferred::after(&id, "id");
        let (marker, fill) = crate::commands::create::marker(&value).unwrap();
        assert_eq!(fill.marker, marker);
        (id, fill)
    }

    #[test]
    fn a_repository_whose_gist_was_not_created_is_left_out_and_named() {
        let (hub_id, hub_fill) = creation("octo/traffic/badges");
        let (a_id, a_fill) = creation("octo/a/badges");
        let (b_id, b_fill) = creation("octo/b/archive");
        let repo = |name: &str, badge: &str, archive: &str| TrackedRepo {
            repo: name.into(),
            badge_gist_id: badge.into(),
            archive_gist_id: Some(archive.into()),
            display_name: None,
            dashboard_url: None,
            own_workflow: None,
        };
        let config = HubConfig {
            schema_version: HUB_SCHEMA,
            hub: "octo/traffic".into(),
            portfolio_gist_id: Some(hub_fill.marker.clone()),
            repos: vec![
                repo("octo/a", &a_fill.marker, "known-a"),
                repo("octo/b", "known-b", &b_fill.marker),
                repo("octo/c", "known-c", "known-c2"),
            ],
        };
        let content = Content {
            text: config.to_text(),
            fills: vec![hub_fill, a_fill, b_fill],
        };
        let mut outputs = Outputs::default();
        let id = |v: &str| BTreeMap::from([("id".to_string(), v.to_string())]);
        outputs.record(&a_id, &id("new-a"));
        // The hub's gist and b's archive failed.
        let (text, left_out) = resolve(&content, &outputs).unwrap();
        assert_eq!(left_out, ["octo/b"]);
        let written = HubConfig::parse(&text).unwrap();
        assert_eq!(written.portfolio_gist_id, None);
        let names: Vec<&str> = written.repos.iter().map(|r| r.repo.as_str()).collect();
        assert_eq!(names, ["octo/a", "octo/c"]);
        assert_eq!(written.repos[0].badge_gist_id, "new-a");
        // All produced: the planned text exactly, markers filled.
        outputs.record(&hub_id, &id("new-hub"));
        outputs.record(&b_id, &id("new-b"));
        let (text, left_out) = resolve(&content, &outputs).unwrap();
        assert!(left_out.is_empty());
        assert!(!text.contains("@@"), "{text}");
        let written = HubConfig::parse(&text).unwrap();
        assert_eq!(written.portfolio_gist_id.as_deref(), Some("new-hub"));
        assert_eq!(written.repos.len(), 3);
    }
}
