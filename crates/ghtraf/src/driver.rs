//! The command driver: display → (stop on dry-run) → confirm → execute → verify.
//!
//! This is the only code that knows about `--dry-run`. Planners never see it
//! (they cannot: they are pure functions of their inputs), executors never see
//! it (they do exactly what an action says). The preview and the real run
//! both come through here with the same plan value, so what is shown is what
//! is run.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use ghtraf_plan::{
    execute, id_width, render_results, render_text, render_verification, ActionResult, ExecOptions,
    Finding, FindingStatus, Payload, Plan, ResultStatus, StepFn,
};
use time::OffsetDateTime;

use crate::cli::GlobalArgs;
use crate::error::{exit, CliError, ErrorKind, Result};
use crate::output::{level, Channel, Reporter};
use crate::prompt::Prompter;
use crate::saved::{self, Invocation};

/// Environment lookup, injectable for tests.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What a command gets from the process: never read from globals directly.
pub struct Context {
    pub global: GlobalArgs,
    pub reporter: Arc<Reporter>,
    pub prompter: Arc<dyn Prompter>,
    pub env: Env,
    pub cwd: PathBuf,
    pub now: OffsetDateTime,
    /// Questions may be asked (a terminal, not --non-interactive, not CI).
    pub interactive: bool,
    /// Standard input, for `--gist-token-stdin`.
    pub stdin: std::sync::Mutex<Box<dyn Read + Send>>,
    /// How to ask the gh CLI for a token (absent in tests).
    pub gh_cli: Arc<dyn Fn() -> Option<String> + Send + Sync>,
    /// The command as parsed, for `--plan-out`.
    pub invocation: Option<Invocation>,
    /// `ghtraf apply`: the reviewed plan the new one must equal.
    pub expected_plan: Option<serde_json::Value>,
}

impl Context {
    pub fn env(&self, key: &str) -> Option<String> {
        (self.env)(key)
    }

    pub fn read_stdin(&self) -> Result<String> {
        let mut text = String::new();
        let mut guard = self
            .stdin
            .lock()
            .map_err(|_| CliError::runtime("standard input is unavailable"))?;
        guard
            .read_to_string(&mut text)
            .map_err(|e| CliError::runtime(format!("cannot read standard input: {e}")))?;
        Ok(text)
    }
}

/// How a driven plan ended.
pub struct Driven {
    pub exit_code: u8,
    pub results: Vec<ActionResult>,
    /// The plan was run for real (not only previewed).
    pub ran: bool,
}

/// Shows `plan`; unless dry-run, asks to proceed (interactive), runs it with
/// `step`, and verifies with `verify`. `min_level` raises the detail shown
/// (`--diff` shows level-1 details such as diffs without `-v`).
pub fn drive<P: Payload>(
    ctx: &Context,
    plan: &Plan<P>,
    heading: &str,
    min_level: i32,
    step: &StepFn<'_, P>,
    verify: &dyn Fn(&[ActionResult]) -> Vec<Finding>,
) -> Result<Driven> {
    plan.validate()
        .map_err(|e| CliError::runtime(format!("internal error: invalid plan: {e}")))?;
    if let Some(expected) = &ctx.expected_plan {
        saved::check_unchanged(expected, &plan.to_json())?;
    }
    let r = &ctx.reporter;
    let level = r.verbosity().plan_level().max(min_level);
    r.lines(&render_text(plan, level, heading));

    if ctx.global.dry_run {
        if let Some(path) = &ctx.global.plan_out {
            saved::write(ctx, plan, path)?;
        }
        r.json(&serde_json::json!({
            "format_version": plan.format_version,
            "dry_run": true,
            "plan": plan.to_json(),
        }));
        r.say("Dry run: nothing was changed.");
        let code = if ctx.global.detailed_exitcode && plan.has_changes() {
            exit::CHANGES_PENDING
        } else {
            exit::SUCCESS
        };
        return Ok(Driven {
            exit_code: code,
            results: Vec::new(),
            ran: false,
        });
    }

    if !plan.has_changes() {
        r.json(&serde_json::json!({
            "format_version": plan.format_version,
            "dry_run": false,
            "plan": plan.to_json(),
            "results": [],
            "verification": [],
        }));
        r.say("Nothing to do: everything is as planned.");
        return Ok(Driven {
            exit_code: exit::SUCCESS,
            results: Vec::new(),
            ran: true,
        });
    }

    // A saved plan was reviewed when it was made: no second question.
    if ctx.interactive
        && ctx.expected_plan.is_none()
        && !ctx.prompter.confirm("Apply this plan?", false)?
    {
        return Err(CliError::new(
            ErrorKind::Interrupted,
            "not applied: you answered no",
        ));
    }

    r.say("Applying:");
    let width = id_width(plan);
    let options = ExecOptions {
        fail_fast: ctx.global.fail_fast,
        max_parallel: ghtraf_github::DEFAULT_FAN_OUT,
    };
    let results = execute(plan, &options, step, &mut |action, result| {
        r.lines(&render_results(action, result, width));
        r.diag(
            Channel::General,
            level::DEBUG,
            &format!("{} -> {:?}", action.id, result.status),
        );
    })
    .map_err(|e| CliError::runtime(format!("internal error: {e}")))?;

    let failed = results
        .iter()
        .filter(|r| r.status == ResultStatus::Failed)
        .count();
    let ok = results
        .iter()
        .filter(|r| r.status == ResultStatus::Ok)
        .count();
    let skipped = results.len() - failed - ok;
    let stale = results.iter().any(|x| x.stale);

    let findings = verify(&results);
    r.lines(&render_verification(&findings, width));
    let deviations = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
        .count();

    let summary = format!("Applied: {ok} ok, {failed} failed, {skipped} skipped.");
    r.say(&summary);
    if failed > 0 {
        r.hint(&format!(
            "fix the cause above and run `ghtraf {}` again: it re-observes and continues where it stopped",
            plan.command
        ));
    }
    r.json(&serde_json::json!({
        "format_version": plan.format_version,
        "dry_run": false,
        "plan": plan.to_json(),
        "results": results,
        "verification": findings,
        "summary": { "ok": ok, "failed": failed, "skipped": skipped, "deviations": deviations },
    }));
    let code = if stale {
        exit::STALE_PLAN
    } else if failed > 0 {
        exit::RUNTIME
    } else if deviations > 0 {
        exit::DEVIATION
    } else {
        exit::SUCCESS
    };
    Ok(Driven {
        exit_code: code,
        results,
        ran: true,
    })
}
