//! Walking a plan: dependency order, failure propagation, concurrency.
//!
//! The executor makes no decisions about the world; it only decides *whether*
//! an action runs (its dependencies succeeded, fail-fast did not trip) and
//! hands it to the command's step function, which does exactly what the action
//! says. Independent actions run concurrently in waves, but results are
//! reported in plan order so the output reads the same on every run.
//! Actions that ask the user run one at a time, never beside another prompt.

use std::collections::{BTreeMap, HashMap};

use crate::action::{Action, ActionId, Payload};
use crate::plan::{Plan, PlanError};
use crate::result::{ActionResult, Outcome, Outputs, ResultStatus, StepError};

#[derive(Debug, Clone, Copy)]
pub struct ExecOptions {
    /// Stop starting new actions after the first failure.
    pub fail_fast: bool,
    /// Most actions run at once (1 = strictly sequential).
    pub max_parallel: usize,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            fail_fast: false,
            max_parallel: 4,
        }
    }
}

/// The step function: carries out one action, given the outputs so far.
pub type StepFn<'a, P> = dyn Fn(&Action<P>, &Outputs) -> Result<Outcome, StepError> + Sync + 'a;

/// Runs `plan`, calling `step` for every action that changes something and whose
/// dependencies all succeeded. Each action starts as soon as its dependencies are
/// done (at most `max_parallel` at once), so the critical path is as short as the
/// dependency graph allows. An action that asks the user runs alone. `report`
/// sees each result in plan order as soon as it and every earlier action are done.
pub fn execute<P: Payload>(
    plan: &Plan<P>,
    options: &ExecOptions,
    step: &StepFn<'_, P>,
    report: &mut dyn FnMut(&Action<P>, &ActionResult),
) -> Result<Vec<ActionResult>, PlanError> {
    plan.validate()?;
    let n = plan.actions.len();
    let index: HashMap<&ActionId, usize> = plan
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i))
        .collect();
    let deps: Vec<Vec<usize>> = plan
        .actions
        .iter()
        .map(|a| {
            a.depends_on
                .iter()
                .filter_map(|d| index.get(d).copied())
                .collect()
        })
        .collect();
    let limit = options.max_parallel.max(1);
    let mut results: Vec<Option<ActionResult>> = vec![None; n];
    let mut started = vec![false; n];
    // An action "blocks" its dependents when it failed or did not run.
    let mut blocks = vec![false; n];
    let mut outputs = Outputs::default();
    let mut stop: Option<String> = None;
    let mut emitted = 0;
    let mut running = 0usize;
    let mut asking = false;

    let skipped = |action: &Action<P>, message: String| ActionResult {
        id: action.id.clone(),
        status: ResultStatus::Skipped,
        message,
        error: None,
        produced: BTreeMap::new(),
        stale: false,
    };

    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Outcome, StepError>)>();
        loop {
            // Settle or start everything whose dependencies are done, in plan order.
            let mut progressed = true;
            while progressed {
                progressed = false;
                for i in 0..n {
                    if started[i] || !deps[i].iter().all(|&j| results[j].is_some()) {
                        continue;
                    }
                    let action = &plan.actions[i];
                    let blocker = if action.tolerates_failures {
                        None
                    } else {
                        deps[i].iter().find(|&&j| blocks[j])
                    };
                    if let Some(&j) = blocker {
                        let why = match results[j].as_ref().map(|r| r.status) {
                            Some(ResultStatus::Failed) => "failed",
                            _ => "did not run",
                        };
                        let dep = &plan.actions[j].id;
                        results[i] = Some(skipped(action, format!("not run: {dep} {why}")));
                        blocks[i] = true;
                    } else if let Some(reason) = &stop {
                        results[i] = Some(skipped(action, format!("not run: {reason}")));
                        blocks[i] = true;
                    } else if !action.is_change() {
                        results[i] = Some(skipped(action, action.description.clone()));
                    } else if asking || running >= limit || (action.requires_input && running > 0) {
                        continue;
                    } else {
                        asking = action.requires_input;
                        running += 1;
                        let tx = tx.clone();
                        let snapshot = outputs.clone();
                        scope.spawn(move || {
                            // A panicking step must still report, or the loop would wait forever.
                            let outcome =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    step(action, &snapshot)
                                }))
                                .unwrap_or_else(|_| {
                                    Err(StepError::new("internal error: the step panicked"))
                                });
                            let _ = tx.send((i, outcome));
                        });
                    }
                    started[i] = true;
                    progressed = true;
                }
            }
            while emitted < n {
                match &results[emitted] {
                    Some(r) => {
                        report(&plan.actions[emitted], r);
                        emitted += 1;
                    }
                    None => break,
                }
            }
            if running == 0 {
                break;
            }
            let Ok((i, outcome)) = rx.recv() else {
                break;
            };
            running -= 1;
            asking = false;
            let action = &plan.actions[i];
            results[i] = Some(match outcome {
                Ok(o) => match o.declined {
                    Some(reason) => {
                        blocks[i] = true;
                        skipped(action, reason)
                    }
                    None => {
                        outputs.record(&action.id, &o.produced);
                        ActionResult {
                            id: action.id.clone(),
                            status: ResultStatus::Ok,
                            message: o.message,
                            error: None,
                            produced: o.produced,
                            stale: false,
                        }
                    }
                },
                Err(e) => {
                    blocks[i] = true;
                    if e.stale {
                        stop.get_or_insert(format!("plan is stale ({} found a change)", action.id));
                    } else if options.fail_fast {
                        stop.get_or_insert(format!(
                            "stopped after {} failed (fail-fast)",
                            action.id
                        ));
                    }
                    ActionResult {
                        id: action.id.clone(),
                        status: ResultStatus::Failed,
                        message: "failed".to_string(),
                        error: Some(e.message),
                        produced: BTreeMap::new(),
                        stale: e.stale,
                    }
                }
            });
        }
    });
    // Anything never reached (a step thread vanished) is reported, not lost.
    for (slot, action) in results.iter_mut().zip(&plan.actions) {
        if slot.is_none() {
            *slot = Some(skipped(action, "not run: internal error".to_string()));
        }
    }
    while emitted < n {
        if let Some(r) = &results[emitted] {
            report(&plan.actions[emitted], r);
        }
        emitted += 1;
    }
    Ok(results.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Category, Operation};
    use proptest::prelude::*;
    use std::collections::HashSet;
    use std::sync::Mutex;

    use crate::test_support::P;
    use crate::value::Deferred;

    fn act(target: &str, deps: &[&ActionId]) -> Action<P> {
        Action::new(
            Category::File,
            Operation::Create,
            target,
            target,
            P::default(),
        )
        .depends_on(deps.iter().map(|d| (*d).clone()))
    }

    fn run_plan(
        plan: &Plan<P>,
        options: ExecOptions,
        fail: &HashSet<String>,
    ) -> (Vec<ActionResult>, Vec<String>, Vec<String>) {
        let ran = Mutex::new(Vec::new());
        let step = |a: &Action<P>, outputs: &Outputs| {
            ran.lock().unwrap().push(a.target.clone());
            if let Some(v) = &a.details.value {
                outputs.resolve(v)?;
            }
            if fail.contains(&a.target) {
                Err(StepError::new(format!("{} broke", a.target)))
            } else {
                Ok(Outcome::done("done").with_output("id", format!("id-of-{}", a.target)))
            }
        };
        let mut reported = Vec::new();
        let results = execute(plan, &options, &step, &mut |a, _| {
            reported.push(a.target.clone())
        })
        .unwrap();
        (results, ran.into_inner().unwrap(), reported)
    }

    #[test]
    fn dependents_of_a_failure_are_skipped_with_the_reason() {
        let mut plan = Plan::new("t");
        let a = plan.push(act("a", &[]));
        let b = plan.push(act("b", &[&a]));
        plan.push(act("c", &[&b]));
        plan.push(act("d", &[]));
        let fail = HashSet::from(["a".to_string()]);
        let (results, ran, _) = run_plan(&plan, ExecOptions::default(), &fail);
        assert_eq!(ran.len(), 2, "only a and d run: {ran:?}");
        assert_eq!(results[0].status, ResultStatus::Failed);
        assert_eq!(results[0].error.as_deref(), Some("a broke"));
        assert_eq!(results[1].status, ResultStatus::Skipped);
        assert_eq!(results[1].message, "not run: file:create:a failed");
        assert_eq!(results[2].message, "not run: file:create:b did not run");
        assert_eq!(results[3].status, ResultStatus::Ok);
    }

    #[test]
    fn an_action_tolerating_failures_runs_after_them_and_waits_for_all() {
        let mut plan = Plan::new("t");
        let a = plan.push(act("a", &[]));
        let b = plan.push(act("b", &[]));
        let c = plan.push(act("c", &[&a]));
        plan.push(act("gather", &[&a, &b, &c]).tolerating_failures());
        plan.push(act("strict", &[&a, &b]));
        let fail = HashSet::from(["a".to_string()]);
        let (results, ran, _) = run_plan(&plan, ExecOptions::default(), &fail);
        assert_eq!(results[2].status, ResultStatus::Skipped, "c needs a");
        assert_eq!(results[3].status, ResultStatus::Ok, "gather runs anyway");
        assert_eq!(ran.last().map(String::as_str), Some("gather"), "{ran:?}");
        assert_eq!(results[4].status, ResultStatus::Skipped, "strict does not");
        // A stop (fail-fast) still stops it.
        let options = ExecOptions {
            fail_fast: true,
            max_parallel: 1,
        };
        let (results, _, _) = run_plan(&plan, options, &fail);
        assert_eq!(results[3].status, ResultStatus::Skipped);
        assert!(
            results[3].message.contains("fail-fast"),
            "{}",
            results[3].message
        );
    }

    #[test]
    fn fail_fast_stops_independent_actions() {
        let mut plan = Plan::new("t");
        plan.push(act("a", &[]));
        let a = ActionId::new(Category::File, Operation::Create, "a");
        plan.push(act("b", &[&a]));
        plan.push(act("c", &[&a]));
        let fail = HashSet::from(["a".to_string()]);
        let options = ExecOptions {
            fail_fast: true,
            max_parallel: 1,
        };
        let mut plan2 = Plan::new("t");
        plan2.push(act("a", &[]));
        plan2.push(act("x", &[]));
        let (results, ran, _) = run_plan(&plan2, options, &fail);
        assert_eq!(ran, vec!["a"]);
        assert_eq!(results[1].status, ResultStatus::Skipped);
        assert!(results[1].message.contains("fail-fast"));
        let (results, _, _) = run_plan(&plan, options, &fail);
        assert!(results[1..]
            .iter()
            .all(|r| r.status == ResultStatus::Skipped));
    }

    #[test]
    fn deferred_values_resolve_from_the_producer() {
        let mut plan = Plan::new("t");
        let a = plan.push(act("a", &[]));
        let mut b = act("b", &[&a]);
        b.details.value = Some(Deferred::after(&a, "id"));
        plan.push(b);
        let seen = Mutex::new(None);
        let step = |act: &Action<P>, outputs: &Outputs| {
            if let Some(v) = &act.details.value {
                *seen.lock().unwrap() = Some(outputs.resolve(v)?);
            }
            Ok(Outcome::done("ok").with_output("id", format!("id-of-{}", act.target)))
        };
        execute(&plan, &ExecOptions::default(), &step, &mut |_, _| {}).unwrap();
        assert_eq!(seen.into_inner().unwrap().as_deref(), Some("id-of-a"));
    }

    #[test]
    fn planned_skips_do_not_run_and_do_not_block() {
        let mut plan = Plan::new("t");
        let a = plan.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "a",
            "adopting existing gist",
            P::default(),
        ));
        plan.push(act("b", &[&a]));
        let (results, ran, _) = run_plan(&plan, ExecOptions::default(), &HashSet::new());
        assert_eq!(ran, vec!["b"]);
        assert_eq!(results[0].status, ResultStatus::Skipped);
        assert_eq!(results[0].message, "adopting existing gist");
        assert_eq!(results[1].status, ResultStatus::Ok);
    }

    #[test]
    fn declined_input_skips_dependents() {
        let mut plan = Plan::new("t");
        let a = plan.push(act("a", &[]).requires_input(true));
        plan.push(act("b", &[&a]));
        let step = |act: &Action<P>, _: &Outputs| {
            Ok(if act.target == "a" {
                Outcome::declined("kept: you answered no")
            } else {
                Outcome::done("ok")
            })
        };
        let results = execute(&plan, &ExecOptions::default(), &step, &mut |_, _| {}).unwrap();
        assert_eq!(results[0].status, ResultStatus::Skipped);
        assert_eq!(results[0].message, "kept: you answered no");
        assert_eq!(results[1].status, ResultStatus::Skipped);
    }

    #[test]
    fn a_stale_precondition_stops_everything_after_it() {
        let mut plan = Plan::new("t");
        plan.push(act("a", &[]));
        plan.push(act("b", &[]));
        let step = |act: &Action<P>, _: &Outputs| {
            if act.target == "a" {
                Err(StepError::stale("file changed since the plan"))
            } else {
                Ok(Outcome::done("ok"))
            }
        };
        let options = ExecOptions {
            fail_fast: false,
            max_parallel: 1,
        };
        let results = execute(&plan, &options, &step, &mut |_, _| {}).unwrap();
        assert_eq!(results[0].status, ResultStatus::Failed);
        assert_eq!(results[1].status, ResultStatus::Skipped);
        assert!(results[1].message.contains("plan is stale"));
        assert!(results[0].stale && !results[1].stale);
    }

    #[test]
    fn a_panicking_step_fails_its_action_and_the_run_finishes() {
        let mut plan = Plan::new("t");
        let a = plan.push(act("a", &[]));
        plan.push(act("b", &[&a]));
        plan.push(act("c", &[]));
        let step = |act: &Action<P>, _: &Outputs| {
            if act.target == "a" {
                panic!("boom");
            }
            Ok(Outcome::done("ok"))
        };
        let results = execute(&plan, &ExecOptions::default(), &step, &mut |_, _| {}).unwrap();
        assert_eq!(results[0].status, ResultStatus::Failed);
        assert_eq!(results[1].status, ResultStatus::Skipped);
        assert_eq!(results[2].status, ResultStatus::Ok);
    }

    #[test]
    fn a_dependent_starts_while_an_unrelated_action_is_still_running() {
        // a waits until c has run; c depends on b. A wave-by-wave executor would
        // run c only after a finished, and a would give up.
        let mut plan = Plan::new("t");
        plan.push(act("a", &[]));
        let b = plan.push(act("b", &[]));
        plan.push(act("c", &[&b]));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = Mutex::new(rx);
        let tx = Mutex::new(tx);
        let step = |act: &Action<P>, _: &Outputs| match act.target.as_str() {
            "a" => rx
                .lock()
                .unwrap()
                .recv_timeout(std::time::Duration::from_secs(10))
                .map(|()| Outcome::done("c ran first"))
                .map_err(|_| StepError::new("c never ran while a was waiting")),
            "c" => {
                tx.lock().unwrap().send(()).unwrap();
                Ok(Outcome::done("ok"))
            }
            _ => Ok(Outcome::done("ok")),
        };
        let options = ExecOptions {
            fail_fast: false,
            max_parallel: 2,
        };
        let results = execute(&plan, &options, &step, &mut |_, _| {}).unwrap();
        assert!(
            results.iter().all(|r| r.status == ResultStatus::Ok),
            "{results:?}"
        );
    }

    /// A random DAG: each node may depend on any earlier node.
    fn dag() -> impl Strategy<Value = (Vec<Vec<usize>>, Vec<bool>, usize)> {
        (1usize..24).prop_flat_map(|n| {
            let deps = (0..n)
                .map(|i| proptest::collection::vec(0..i.max(1), 0..3.min(i + 1)))
                .collect::<Vec<_>>();
            (
                deps,
                proptest::collection::vec(proptest::bool::weighted(0.2), n),
                1usize..5,
            )
        })
    }

    proptest! {
        #[test]
        fn order_respects_dependencies_and_exactly_dependents_of_failures_skip(
            (deps, fails, par) in dag()
        ) {
            let n = deps.len();
            let mut plan = Plan::new("prop");
            let ids: Vec<ActionId> = (0..n)
                .map(|i| ActionId::new(Category::File, Operation::Create, &format!("n{i}")))
                .collect();
            // Shuffle declaration order relative to dependencies: push in reverse.
            for i in (0..n).rev() {
                let mut d: Vec<usize> = deps[i].iter().copied().filter(|&j| j < i).collect();
                d.sort_unstable();
                d.dedup();
                plan.push(act(&format!("n{i}"), &d.iter().map(|&j| &ids[j]).collect::<Vec<_>>()));
            }
            let fail: HashSet<String> =
                (0..n).filter(|&i| fails[i]).map(|i| format!("n{i}")).collect();
            let options = ExecOptions { fail_fast: false, max_parallel: par };
            let (results, ran, reported) = run_plan(&plan, options, &fail);

            // Reported in plan order.
            let declared: Vec<String> = plan.actions.iter().map(|a| a.target.clone()).collect();
            prop_assert_eq!(&reported, &declared);
            // Every action that ran came after all its dependencies ran.
            let pos: HashMap<&String, usize> = ran.iter().enumerate().map(|(k, t)| (t, k)).collect();
            for (i, node_deps) in deps.iter().enumerate() {
                if let Some(&p) = pos.get(&format!("n{i}")) {
                    for &j in node_deps {
                        if j < i {
                            let dp = pos.get(&format!("n{j}"));
                            prop_assert!(dp.is_some_and(|&q| q < p));
                        }
                    }
                }
            }
            // Skipped = exactly the transitive dependents of failures.
            let mut doomed = vec![false; n];
            for (i, d) in deps.iter().enumerate() {
                let hit = d.iter().any(|&j| j < i && (doomed[j] || fails[j]));
                doomed[i] = hit;
            }
            for r in &results {
                let i: usize = r.id.as_str().trim_start_matches("file:create:n").parse().unwrap();
                let expected = if doomed[i] {
                    ResultStatus::Skipped
                } else if fails[i] {
                    ResultStatus::Failed
                } else {
                    ResultStatus::Ok
                };
                prop_assert_eq!(r.status, expected, "node {}", i);
            }
        }
    }
}
