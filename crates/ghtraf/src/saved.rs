//! Saved plans: `--dry-run --plan-out FILE`, then `ghtraf apply FILE`.
//!
//! A saved plan records the parsed command, the working directory, the clock
//! and the plan itself. `apply` re-runs the same command at the same pinned
//! time against today's world and executes only if the new plan is
//! byte-for-byte the reviewed one; otherwise it stops with "plan is stale"
//! (exit 4) and names the actions that differ, before any mutation. Re-planning
//! instead of trusting the file means a tampered or outdated file can never
//! make ghtraf do something the current world does not call for, and tokens
//! never need to be written to disk: they are supplied again at apply time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ghtraf_plan::{Payload, Plan};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::context::Context;
use crate::error::{CliError, ErrorKind, Result};
use crate::fsio;

const KIND: &str = "ghtraf-saved-plan";

/// The file `--plan-out` writes. `I` is the planning command as parsed: this
/// module stores it as data and names no command (the list of plannable
/// commands is `commands::Invocation`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedPlan<I = serde_json::Value> {
    pub format_version: u32,
    pub kind: String,
    pub ghtraf_version: String,
    /// The clock the plan was made at; `apply` plans again at this time.
    pub planned_at: String,
    pub cwd: PathBuf,
    /// The GitHub API the plan was made against (flag, environment or the
    /// default, resolved); `apply` refuses another one.
    pub api_url: Option<String>,
    pub config: Option<PathBuf>,
    pub invocation: I,
    pub plan: serde_json::Value,
}

/// Writes the saved plan for `plan`, made by `invocation`.
pub fn write<P: Payload>(
    ctx: &Context,
    invocation: &serde_json::Value,
    plan: &Plan<P>,
    path: &Path,
) -> Result<()> {
    if let Some(asking) = plan.actions.iter().find(|a| a.requires_input) {
        return Err(CliError::usage(format!(
            "{} needs an answer at apply time, so this plan cannot be saved",
            asking.id
        ))
        .with_hint(
            "settle it up front: --non-interactive, GHTRAF_GIST_TOKEN, --force or --skip-existing",
        ));
    }
    let saved = SavedPlan {
        format_version: plan.format_version,
        kind: KIND.to_string(),
        ghtraf_version: env!("CARGO_PKG_VERSION").to_string(),
        planned_at: ctx.now.format(&Rfc3339).unwrap_or_default(),
        cwd: ctx.cwd.clone(),
        api_url: Some(ghtraf_github::resolve_api_base(
            ctx.api_url.as_deref(),
            &|k| ctx.env(k),
        )),
        config: ctx.config.clone(),
        invocation: invocation.clone(),
        plan: plan.to_json(),
    };
    let mut text = serde_json::to_string_pretty(&saved)
        .map_err(|e| CliError::runtime(format!("cannot encode the plan: {e}")))?;
    text.push('\n');
    fsio::write_atomic(path, text.as_bytes())
        .map_err(|e| CliError::runtime(format!("cannot write {}: {e}", path.display())))?;
    ctx.reporter.say(&format!(
        "Plan saved to {}; run exactly this plan with `ghtraf apply {}`.",
        path.display(),
        path.display()
    ));
    Ok(())
}

/// Reads and checks a saved plan file.
pub fn read<I: DeserializeOwned>(path: &Path) -> Result<SavedPlan<I>> {
    // A bounded regular file: `apply /dev/zero` or a FIFO is an error, not a hang.
    let bytes = fsio::read_existing(path, fsio::LOCAL_FILE_CAP)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    let saved: SavedPlan<I> = serde_json::from_slice(&bytes).map_err(|e| {
        CliError::usage(format!(
            "{} is not a saved ghtraf plan: {e}",
            path.display()
        ))
        .with_hint("make one with `ghtraf <command> --dry-run --plan-out FILE`")
    })?;
    if saved.kind != KIND || saved.format_version != ghtraf_plan::FORMAT_VERSION {
        return Err(CliError::usage(format!(
            "{} is not a saved ghtraf plan of format {}",
            path.display(),
            ghtraf_plan::FORMAT_VERSION
        )));
    }
    if saved.ghtraf_version != env!("CARGO_PKG_VERSION") {
        return Err(CliError::new(
            ErrorKind::StalePlan,
            format!(
                "the plan was made by ghtraf {}; this is ghtraf {}",
                saved.ghtraf_version,
                env!("CARGO_PKG_VERSION")
            ),
        )
        .with_hint("make the plan again with this version"));
    }
    Ok(saved)
}

/// The time a saved plan was made at.
pub fn planned_at<I>(saved: &SavedPlan<I>) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(&saved.planned_at, &Rfc3339)
        .map_err(|e| CliError::usage(format!("the saved plan's time is unreadable: {e}")))
}

/// The API `apply` talks to: the plan's own, unless `--api-url` or the
/// environment (`GHTRAF_API_URL`, `GH_HOST`) names another, which is refused:
/// a plan reviewed against one host is never applied to another. `None`:
/// nothing was recorded (the environment decides, as it did when planning).
pub fn api_for_apply<I>(ctx: &Context, saved: &SavedPlan<I>) -> Result<Option<String>> {
    let Some(recorded) = &saved.api_url else {
        return Ok(ctx.api_url.clone());
    };
    let named = ctx.api_url.is_some()
        || ["GHTRAF_API_URL", "GH_HOST"]
            .iter()
            .any(|k| ctx.env(k).is_some_and(|v| !v.trim().is_empty()));
    let now = ghtraf_github::resolve_api_base(ctx.api_url.as_deref(), &|k| ctx.env(k));
    if named && now != *recorded {
        return Err(CliError::usage(format!(
            "the plan was made against {recorded}, but this run would talk to {now}; nothing was done"
        ))
        .with_hint(format!(
            "apply it against the same API (--api-url {recorded}, or unset GHTRAF_API_URL and GH_HOST), or make a new plan against {now}"
        )));
    }
    Ok(Some(recorded.clone()))
}

/// Fails with "plan is stale" unless `now` equals `expected`, naming what differs.
pub fn check_unchanged(expected: &serde_json::Value, now: &serde_json::Value) -> Result<()> {
    if expected == now {
        return Ok(());
    }
    let actions = |v: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
        v["actions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| (x["id"].as_str().unwrap_or_default().to_string(), x.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (actions(expected), actions(now));
    let mut diffs = Vec::new();
    for id in old.keys().filter(|k| !new.contains_key(*k)) {
        diffs.push(format!("no longer planned: {id}"));
    }
    for id in new.keys().filter(|k| !old.contains_key(*k)) {
        diffs.push(format!("now planned: {id}"));
    }
    for (id, a) in &old {
        if new.get(id).is_some_and(|b| b != a) {
            diffs.push(format!("changed: {id}"));
        }
    }
    if diffs.is_empty() {
        diffs.push("the plan's warnings or context changed".to_string());
    }
    Err(CliError::new(
        ErrorKind::StalePlan,
        format!(
            "plan is stale: the world changed since it was saved; nothing was done\n  {}",
            diffs.join("\n  ")
        ),
    )
    .with_hint("review a new plan (--dry-run --plan-out) and apply that"))
}
