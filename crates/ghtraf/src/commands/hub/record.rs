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

/// After a run that created badge gists: each repository's badge, so its
/// README can show it (nothing is pushed into the repositories themselves).
pub(super) fn finish(
    ctx: &Context,
    login: Option<&str>,
    plan: &Plan<HubStep>,
    results: &[ActionResult],
) {
    let Some(user) = login else {
        return;
    };
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
        lines.push(format!(
            "{repo}: [![Views](https://img.shields.io/endpoint?url=https://gist.githubusercontent.com/{user}/{id}/raw/views.json)](https://github.com/{repo})"
        ));
    }
    if lines.is_empty() {
        return;
    }
    let r = &ctx.reporter;
    r.say("\nNew badge gists (a README badge for each; clones.json, downloads.json and installs.json serve the others):");
    for line in lines {
        r.say(&line);
    }
    r.hint("commit and push the hub: git add .ghtraf-hub.json .github docs/portfolio && git commit -m \"traffic hub\" && git push");
}
