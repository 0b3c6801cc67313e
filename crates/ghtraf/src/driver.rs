//! The command driver: observe → plan → (real interactive runs: settle the
//! plan's questions, plan again) → display → (stop on dry-run) → confirm →
//! execute → verify → finish.
//!
//! This is the only code that knows about `--dry-run`, and the compiler keeps
//! it so: [`RunMode`]'s fields are private to this module and the
//! [`Context`] commands receive has no run mode at all. Planners never see it
//! (they are pure functions of their inputs), executors never see it (they do
//! exactly what an action says). The preview and the real run both come
//! through [`run`] with the same plan value, so what is shown is what is run.
//!
//! A mutating command is a [`MutatingCommand`]: five phases (and an
//! optional sixth, `settle`) the driver calls in order. A new command
//! implements the trait; it does not copy a `run` body.

use ghtraf_plan::{
    execute, id_width, render_results, render_text, render_verification, Action, ActionResult,
    ExecOptions, Finding, FindingStatus, Outcome, Outputs, Payload, Plan, ResultStatus, StepError,
};
use serde::Serialize;

use crate::cli::RunFlags;
use crate::context::Context;
use crate::error::{CliError, ErrorKind, ExitStatus, Result};
use crate::output::{level, Channel};
use crate::saved;

/// How many actions run at once (the same bound the GitHub client uses for
/// its own concurrent reads; the executor needs no client to know it).
const MAX_PARALLEL: usize = 8;

/// The shape every mutating command has. The driver calls the phases in
/// order; only it decides whether `step` is ever called.
///
/// `World` is what `observe` read plus what the steps need to act (a GitHub
/// client, settled inputs); it is shared by every step, possibly from several
/// threads at once.
pub trait MutatingCommand: Sync {
    /// One action's payload.
    type Payload: Payload;
    /// What was observed, and what acting on it needs.
    type World: Sync;

    /// Reads the world (GitHub, the checkout) through read-only handles.
    fn observe(&self, ctx: &Context) -> Result<Self::World>;
    /// Decides, purely, what to do about it.
    fn plan(&self, ctx: &Context, world: &Self::World) -> Result<Plan<Self::Payload>>;
    /// The line shown above the plan.
    fn heading(&self, ctx: &Context, world: &Self::World, plan: &Plan<Self::Payload>) -> String;
    /// The least detail level the plan is shown at (`--diff` raises it to 1).
    fn detail_level(&self) -> i32 {
        0
    }
    /// The least detail level when the plan is shown on a terminal, where a
    /// person reads it (and may be asked to approve it): a command whose
    /// numbers are the product (collect's day-level changes) raises it.
    fn terminal_detail_level(&self) -> i32 {
        self.detail_level()
    }
    /// Questions the plan leaves to the person (actions that require input),
    /// asked before the plan is shown on a real interactive run, so that each
    /// answer is part of the plan shown and run (a "no" is recorded as the
    /// plan records any kept file). Returns whether an answer changed
    /// `world`, to plan again. Never called for a preview, a saved plan, or
    /// when nobody can answer: their plans keep the questions open.
    fn settle(
        &self,
        _ctx: &Context,
        _world: &mut Self::World,
        _plan: &Plan<Self::Payload>,
    ) -> Result<bool> {
        Ok(false)
    }
    /// Carries out one action exactly as planned.
    fn step(
        &self,
        ctx: &Context,
        world: &Self::World,
        action: &Action<Self::Payload>,
        outputs: &Outputs,
    ) -> std::result::Result<Outcome, StepError>;
    /// Re-reads the world and compares it with what the plan promised.
    fn verify(
        &self,
        ctx: &Context,
        world: &Self::World,
        plan: &Plan<Self::Payload>,
        results: &[ActionResult],
    ) -> Vec<Finding>;
    /// What the plan knowingly leaves undone, one line each saying what and why
    /// ("not deployed: …": a managed path ghtraf refuses to touch). After a real
    /// run each is reported, and a run that otherwise succeeded ends as a
    /// deviation (exit 3), as `verify` would judge it: the deployment is not
    /// what it should be. `--dry-run --detailed-exitcode` reports them too and
    /// exits 3, as the real run of that plan would.
    fn left_undone(&self, _plan: &Plan<Self::Payload>) -> Vec<String> {
        Vec::new()
    }
    /// Whether each of [`left_undone`](Self::left_undone)'s reasons is also a warning of
    /// the plan: then a plan shown on a terminal has said it, and it is not said again.
    fn undone_warned_in_plan(&self) -> bool {
        false
    }
    /// After a successful real run (not a preview): what to tell the user next.
    fn finish(
        &self,
        _ctx: &Context,
        _world: &Self::World,
        _plan: &Plan<Self::Payload>,
        _results: &[ActionResult],
    ) {
    }
}

/// How this run treats plans: preview or apply, and what to do around them.
/// Built once by [`RunMode::new`] from the command's run-mode flags; its fields are
/// visible to this module only.
#[derive(Debug, Clone, Default)]
pub struct RunMode {
    dry_run: bool,
    plan_out: Option<std::path::PathBuf>,
    detailed_exitcode: bool,
    fail_fast: bool,
    /// `ghtraf apply`: the reviewed plan the new one must equal.
    expected_plan: Option<serde_json::Value>,
    /// The command as parsed, for `--plan-out`.
    invocation: Option<serde_json::Value>,
    /// `--yes`: the plan shown is approved without a question.
    yes: bool,
    /// `-n` or CI: nobody is asked; the plan shown is applied.
    never_ask: bool,
}

impl RunMode {
    /// The run mode the command's flags ask for (a command that changes
    /// nothing has none: clap refused them). Refuses combinations that make no
    /// sense.
    pub fn new(flags: RunFlags<'_>) -> Result<RunMode> {
        let flags = match flags {
            RunFlags::None => return Ok(RunMode::default()),
            RunFlags::Apply(apply) => {
                return Ok(RunMode {
                    fail_fast: apply.fail_fast,
                    ..RunMode::default()
                })
            }
            RunFlags::Plan(flags) => flags,
        };
        if flags.plan_out.is_some() && !flags.dry_run {
            return Err(CliError::usage(
                "--plan-out saves a preview: use it with --dry-run",
            ));
        }
        if flags.detailed_exitcode && !flags.dry_run {
            return Err(CliError::usage(
                "--detailed-exitcode only makes sense with --dry-run",
            ));
        }
        Ok(RunMode {
            dry_run: flags.dry_run,
            plan_out: flags.plan_out.clone(),
            detailed_exitcode: flags.detailed_exitcode,
            fail_fast: flags.fail_fast,
            expected_plan: None,
            invocation: None,
            yes: flags.yes,
            never_ask: false,
        })
    }

    /// Whether questions may be asked at all: not with `-n`, not in CI.
    pub fn may_ask(&self) -> bool {
        !self.never_ask
    }

    /// With `-n`, or in CI (`CI` set), nobody is there to ask: the plan is applied.
    pub fn never_asking(mut self, never: bool) -> RunMode {
        self.never_ask |= never;
        self
    }

    /// `--fail-fast`. Besides the executor, `backfill` reads it before planning: a source
    /// that is not available stops the run instead of being reported.
    pub fn fail_fast(&self) -> bool {
        self.fail_fast
    }

    /// The command as it would be saved by `--plan-out` (and re-run by `apply`).
    pub fn saving_as(mut self, invocation: serde_json::Value) -> RunMode {
        self.invocation = Some(invocation);
        self
    }

    /// `ghtraf apply`: run only if the new plan equals `plan`, without asking.
    pub fn expecting(mut self, plan: serde_json::Value) -> RunMode {
        self.expected_plan = Some(plan);
        self
    }
}

/// The machine-readable account of a driven plan (`--format json`).
#[derive(Serialize)]
struct RunReport<'a> {
    format_version: u32,
    dry_run: bool,
    plan: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<&'a [ActionResult]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a [Finding]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
}

#[derive(Serialize)]
struct Summary {
    ok: usize,
    failed: usize,
    skipped: usize,
    deviations: usize,
}

/// Whether a plan with changes may be applied.
enum Approval {
    Given,
    Declined,
}

/// The one rule for approving a plan. A saved plan was reviewed when it was
/// made, and `--yes` approves what is shown: no question. Otherwise ask only
/// when the person both sees the plan (stdout is a terminal showing it) and
/// can answer (stdin and stderr are terminals); `-n`/CI applies without asking;
/// anything else (a pipe, `--format json`, `-QQ`) needs an explicit choice.
fn approval(ctx: &Context, mode: &RunMode) -> Result<Approval> {
    if mode.expected_plan.is_some() || mode.yes {
        return Ok(Approval::Given);
    }
    if ctx.interactive && ctx.product_on_terminal {
        return Ok(if ctx.prompter.confirm("Apply this plan?", false)? {
            Approval::Given
        } else {
            Approval::Declined
        });
    }
    if mode.never_ask {
        return Ok(Approval::Given);
    }
    // The actual cause: a terminal hiding the plan is not "no terminal".
    let why = if ctx.product_on_terminal {
        "there is no terminal to answer on"
    } else if ctx.reporter.json_mode() {
        "--format json prints the plan as a document, not for approval"
    } else if !ctx.reporter.shows_product() {
        "-QQ hides the plan"
    } else {
        "the plan is not shown on a terminal"
    };
    Err(CliError::usage(format!(
        "not applied: this plan needs your approval, and {why}"
    ))
    .with_hint("review it (`--dry-run`), then approve it with --yes, or run with -n to never ask"))
}

/// Runs `command` under `mode`: the one way a mutating command is run.
pub fn run<C: MutatingCommand>(ctx: &Context, mode: &RunMode, command: &C) -> Result<ExitStatus> {
    let mut world = command.observe(ctx)?;
    let mut plan = command.plan(ctx, &world)?;
    if !mode.dry_run
        && mode.expected_plan.is_none()
        && ctx.interactive
        && command.settle(ctx, &mut world, &plan)?
    {
        plan = command.plan(ctx, &world)?;
    }
    let heading = command.heading(ctx, &world, &plan);
    let step = |a: &Action<C::Payload>, o: &Outputs| command.step(ctx, &world, a, o);
    let verify = |results: &[ActionResult]| command.verify(ctx, &world, &plan, results);
    let undone = command.left_undone(&plan);
    let driven = drive(
        ctx,
        mode,
        &plan,
        &heading,
        if ctx.product_on_terminal {
            command.terminal_detail_level()
        } else {
            command.detail_level()
        },
        &step,
        &verify,
    )?;
    if driven.unchanged {
        // Not "as planned" when the plan leaves some of what was asked undone.
        ctx.reporter.say(if undone.is_empty() {
            "Nothing to do: everything is as planned."
        } else {
            "Nothing was changed, and not all that was asked can be done (the warnings say why)."
        });
    }
    if driven.ran && driven.status == ExitStatus::Success {
        command.finish(ctx, &world, &plan, &driven.results);
    }
    // A preview says what its real run would end with only when asked for a detailed
    // exit code; otherwise a dry run that showed its plan succeeded.
    let previewed = !driven.ran && mode.dry_run && mode.detailed_exitcode;
    if undone.is_empty() || !(driven.ran || previewed) {
        return Ok(driven.status);
    }
    // Said once: a plan shown on a terminal carried each reason as its warning.
    let r = &ctx.reporter;
    let said = command.undone_warned_in_plan()
        && ctx.product_on_terminal
        && r.shows_product()
        && !r.json_mode();
    for reason in undone.iter().filter(|_| !said) {
        ctx.reporter.warn(&if previewed {
            format!("when applied: {reason}")
        } else {
            reason.clone()
        });
    }
    Ok(match driven.status {
        ExitStatus::Success | ExitStatus::ChangesPending => ExitStatus::Deviation,
        other => other,
    })
}

/// The records a planner left in `plan.context[key]` (an array of objects), each as the
/// text of `fields` (a missing one empty): how a [`MutatingCommand::left_undone`] reads
/// what its own planner recorded there.
pub fn context_records<P, const N: usize>(
    plan: &Plan<P>,
    key: &str,
    fields: [&str; N],
) -> Vec<[String; N]> {
    plan.context
        .get(key)
        .and_then(|v| v.as_array())
        .map(|records| {
            records
                .iter()
                .map(|r| fields.map(|f| r[f].as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// How a driven plan ended.
struct Driven {
    status: ExitStatus,
    results: Vec<ActionResult>,
    /// The plan was run for real (not only previewed).
    ran: bool,
    /// The real run had nothing to change, so nothing was applied.
    unchanged: bool,
}

/// Shows `plan`; unless dry-run, asks to proceed (interactive), runs it with
/// `step`, and verifies with `verify`. `min_level` raises the detail shown
/// (`--diff` shows level-1 details such as diffs without `-v`).
fn drive<P: Payload>(
    ctx: &Context,
    mode: &RunMode,
    plan: &Plan<P>,
    heading: &str,
    min_level: i32,
    step: &ghtraf_plan::StepFn<'_, P>,
    verify: &dyn Fn(&[ActionResult]) -> Vec<Finding>,
) -> Result<Driven> {
    plan.validate()
        .map_err(|e| CliError::internal(format!("internal error: invalid plan: {e}")))?;
    if let Some(expected) = &mode.expected_plan {
        saved::check_unchanged(expected, &plan.to_json())?;
    }
    let r = &ctx.reporter;
    let level = r.verbosity().plan_level().max(min_level);
    r.lines(&render_text(plan, level, heading));

    if mode.dry_run {
        if let Some(path) = &mode.plan_out {
            let Some(invocation) = &mode.invocation else {
                return Err(CliError::usage(format!(
                    "`ghtraf {}` plans cannot be saved",
                    plan.command
                )));
            };
            saved::write(ctx, invocation, plan, path)?;
        }
        r.json(&RunReport {
            format_version: plan.format_version,
            dry_run: true,
            plan: plan.to_json(),
            results: None,
            verification: None,
            summary: None,
        });
        r.say("Dry run: nothing was changed.");
        let code = if mode.detailed_exitcode && plan.has_changes() {
            ExitStatus::ChangesPending
        } else {
            ExitStatus::Success
        };
        return Ok(Driven {
            status: code,
            results: Vec::new(),
            ran: false,
            unchanged: false,
        });
    }

    if !plan.has_changes() {
        r.json(&RunReport {
            format_version: plan.format_version,
            dry_run: false,
            plan: plan.to_json(),
            results: Some(&[]),
            verification: Some(&[]),
            summary: None,
        });
        // Said by the caller, which knows whether all that was asked is done.
        return Ok(Driven {
            status: ExitStatus::Success,
            results: Vec::new(),
            ran: true,
            unchanged: true,
        });
    }

    match approval(ctx, mode)? {
        Approval::Given => {}
        Approval::Declined => {
            r.say("Not applied: you answered no. Nothing was changed.");
            return Ok(Driven {
                status: ExitStatus::Declined,
                results: Vec::new(),
                ran: false,
                unchanged: false,
            });
        }
    }

    r.say("Applying:");
    let width = id_width(plan);
    let options = ExecOptions {
        fail_fast: mode.fail_fast,
        max_parallel: MAX_PARALLEL,
    };
    // Input that ended at one prompt ends the run: no later action asks again.
    let guarded = |a: &Action<P>, o: &Outputs| {
        if ctx.prompter.input_ended() {
            return Err(StepError::new(format!(
                "{}: not done: input ended at an earlier prompt",
                a.id
            )));
        }
        step(a, o)
    };
    let results = execute(plan, &options, &guarded, &mut |action, result| {
        r.lines(&render_results(action, result, width));
        r.diag(
            Channel::General,
            level::DEBUG,
            &format!("{} -> {:?}", action.id, result.status),
        );
    })
    .map_err(|e| CliError::internal(format!("internal error: {e}")))?;

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

    if ctx.prompter.input_ended() {
        r.say(&format!(
            "Applied: {ok} ok, {failed} failed, {skipped} skipped (stopped: input ended at a prompt)."
        ));
        return Err(
            CliError::new(ErrorKind::Interrupted, "stopped: input ended at a prompt").with_hint(
                format!(
                    "run `ghtraf {}` again: it re-observes and continues where it stopped",
                    plan.command
                ),
            ),
        );
    }

    // What was applied first, then what verification found about it.
    r.say(&format!(
        "Applied: {ok} ok, {failed} failed, {skipped} skipped."
    ));
    let findings = verify(&results);
    let deviations = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
        .count();
    let mut lines = render_verification(&findings, width);
    if failed > 0 {
        // Verification covers what ran; it must not read as the run's success.
        if let Some(last) = lines.last_mut() {
            last.kind = ghtraf_plan::LineKind::Failed;
            last.text = format!(
                "Verified what ran: {} OK, {deviations} deviation{}. The run FAILED: {failed} action{} failed{}.",
                findings.len() - deviations,
                if deviations == 1 { "" } else { "s" },
                if failed == 1 { "" } else { "s" },
                stale_note(&results),
            );
        }
    }
    r.lines(&lines);
    if stale {
        // Said whether or not a later action was left to carry "not run: plan is
        // stale": when the stale action is the last to finish, none is.
        r.hint(&format!(
            "the world changed after the plan was shown: run `ghtraf {}` again to plan against what is there now",
            plan.command
        ));
    } else if failed > 0 {
        r.hint(&format!(
            "fix the cause above and run `ghtraf {}` again: it re-observes and continues where it stopped",
            plan.command
        ));
    }
    r.json(&RunReport {
        format_version: plan.format_version,
        dry_run: false,
        plan: plan.to_json(),
        results: Some(&results),
        verification: Some(&findings),
        summary: Some(Summary {
            ok,
            failed,
            skipped,
            deviations,
        }),
    });
    let code = if stale {
        ExitStatus::StalePlan
    } else if failed > 0 {
        ExitStatus::Failed
    } else if deviations > 0 {
        ExitStatus::Deviation
    } else {
        ExitStatus::Success
    };
    Ok(Driven {
        status: code,
        results,
        ran: true,
        unchanged: false,
    })
}

/// "; the plan is stale (ID, ID changed since it was made)" when a precondition
/// failed, else nothing: the run's last line says so whatever order the actions
/// finished in.
fn stale_note(results: &[ActionResult]) -> String {
    let ids: Vec<&str> = results
        .iter()
        .filter(|r| r.stale)
        .map(|r| r.id.as_str())
        .collect();
    if ids.is_empty() {
        return String::new();
    }
    format!(
        "; the plan is stale ({} changed since it was made)",
        ids.join(", ")
    )
}
