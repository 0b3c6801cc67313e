//! The plan: an ordered list of actions plus the warnings and context a
//! reviewer needs. It is plain data, built by a pure planner before anything
//! is touched; the preview and the real run both render and run this value.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use crate::action::{Action, ActionId, Operation, Payload};

/// Version of the JSON plan/result documents.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Plan<P> {
    pub format_version: u32,
    pub command: String,
    pub actions: Vec<Action<P>>,
    pub warnings: Vec<String>,
    /// Facts the plan was made from (repository, user, paths): shown in JSON so a
    /// reviewer sees what the planner saw.
    pub context: BTreeMap<String, serde_json::Value>,
}

/// Why a plan is not well formed. A planner bug, never a user error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    DuplicateId(ActionId),
    UnknownDependency {
        action: ActionId,
        missing: ActionId,
    },
    Cycle(Vec<ActionId>),
    /// An action uses a value produced by an action it does not depend on.
    UndeclaredProducer {
        action: ActionId,
        producer: ActionId,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::DuplicateId(id) => write!(f, "two actions share the id {id}"),
            PlanError::UnknownDependency { action, missing } => {
                write!(f, "{action} depends on {missing}, which is not in the plan")
            }
            PlanError::Cycle(ids) => {
                let names: Vec<&str> = ids.iter().map(ActionId::as_str).collect();
                write!(f, "dependency cycle: {}", names.join(" -> "))
            }
            PlanError::UndeclaredProducer { action, producer } => write!(
                f,
                "{action} uses a value produced by {producer} without depending on it"
            ),
        }
    }
}

impl std::error::Error for PlanError {}

impl<P> Plan<P> {
    pub fn new(command: impl Into<String>) -> Self {
        Plan {
            format_version: FORMAT_VERSION,
            command: command.into(),
            actions: Vec::new(),
            warnings: Vec::new(),
            context: BTreeMap::new(),
        }
    }

    /// Appends an action, numbering it; returns its id for dependents.
    pub fn push(&mut self, mut action: Action<P>) -> ActionId {
        action.step = self.actions.len() + 1;
        let id = action.id.clone();
        self.actions.push(action);
        id
    }

    pub fn warn(&mut self, warning: impl Into<String>) {
        self.warnings.push(warning.into());
    }

    pub fn set_context(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.context.insert(key.to_string(), value.into());
    }

    pub fn get(&self, id: &ActionId) -> Option<&Action<P>> {
        self.actions.iter().find(|a| &a.id == id)
    }

    /// Whether running the plan would change anything (or ask the user).
    pub fn has_changes(&self) -> bool {
        self.actions.iter().any(|a| a.is_change())
    }

    /// "2 to create, 2 to set, 4 unchanged, 1 needs input": each action is
    /// counted once (one that asks is counted as needing input, not also under
    /// its operation), so the figures sum to the number of actions.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for op in Operation::ALL {
            let n = self
                .actions
                .iter()
                .filter(|a| a.operation == op && !a.requires_input)
                .count();
            if n == 0 {
                continue;
            }
            parts.push(match op {
                Operation::Skip => format!("{n} unchanged"),
                _ => format!("{n} to {op}"),
            });
        }
        let asking = self.actions.iter().filter(|a| a.requires_input).count();
        if asking > 0 {
            parts.push(format!(
                "{asking} need{} input",
                if asking == 1 { "s" } else { "" }
            ));
        }
        if parts.is_empty() {
            "nothing to do".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// Action indices in an order that respects every dependency, ties broken by step.
    pub fn topological_order(&self) -> Result<Vec<usize>, PlanError> {
        let index: HashMap<&ActionId, usize> = self
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| (&a.id, i))
            .collect();
        let mut indegree = vec![0usize; self.actions.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); self.actions.len()];
        for (i, a) in self.actions.iter().enumerate() {
            for dep in &a.depends_on {
                let d = *index.get(dep).ok_or_else(|| PlanError::UnknownDependency {
                    action: a.id.clone(),
                    missing: dep.clone(),
                })?;
                indegree[i] += 1;
                dependents[d].push(i);
            }
        }
        let mut ready: std::collections::BTreeSet<usize> = (0..self.actions.len())
            .filter(|&i| indegree[i] == 0)
            .collect();
        let mut order = Vec::with_capacity(self.actions.len());
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &j in &dependents[i] {
                indegree[j] -= 1;
                if indegree[j] == 0 {
                    ready.insert(j);
                }
            }
        }
        if order.len() == self.actions.len() {
            Ok(order)
        } else {
            let stuck: Vec<ActionId> = (0..self.actions.len())
                .filter(|&i| indegree[i] > 0)
                .map(|i| self.actions[i].id.clone())
                .collect();
            Err(PlanError::Cycle(stuck))
        }
    }
}

impl<P: Payload> Plan<P> {
    /// Checks the plan is well formed: unique ids, known dependencies, no cycle,
    /// and every deferred value's producer declared as a dependency.
    pub fn validate(&self) -> Result<(), PlanError> {
        let mut seen = HashSet::new();
        for a in &self.actions {
            if !seen.insert(&a.id) {
                return Err(PlanError::DuplicateId(a.id.clone()));
            }
        }
        for a in &self.actions {
            for value in a.details.deferred() {
                if let Some(producer) = value.producer() {
                    if !a.depends_on.contains(producer) {
                        return Err(PlanError::UndeclaredProducer {
                            action: a.id.clone(),
                            producer: producer.clone(),
                        });
                    }
                }
            }
        }
        self.topological_order().map(|_| ())
    }
}

impl<P: Serialize> Plan<P> {
    /// The JSON plan document (`format_version: 1`), deterministic for equal plans.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(
            |e| serde_json::json!({ "format_version": FORMAT_VERSION, "error": e.to_string() }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Category;
    use crate::value::Deferred;

    use crate::test_support::P;

    fn act(op: Operation, target: &str) -> Action<P> {
        Action::new(
            Category::Gist,
            op,
            target,
            format!("{op} {target}"),
            P::default(),
        )
    }

    #[test]
    fn ids_follow_category_operation_target() {
        let a = act(Operation::Create, "badges");
        assert_eq!(a.id.as_str(), "gist:create:badges");
    }

    #[test]
    fn validate_accepts_a_dag() {
        let mut plan = Plan::new("t");
        let a = plan.push(act(Operation::Create, "a"));
        plan.push(act(Operation::Create, "b").depends_on([a]));
        assert_eq!(plan.validate(), Ok(()));
        assert_eq!(plan.actions[1].step, 2);
    }

    #[test]
    fn validate_rejects_duplicates() {
        let mut plan = Plan::new("t");
        plan.push(act(Operation::Create, "a"));
        plan.push(act(Operation::Create, "a"));
        assert!(matches!(plan.validate(), Err(PlanError::DuplicateId(_))));
    }

    #[test]
    fn validate_rejects_dangling_dependency() {
        let mut plan = Plan::new("t");
        let ghost = ActionId::new(Category::Gist, Operation::Create, "ghost");
        plan.push(act(Operation::Create, "a").depends_on([ghost.clone()]));
        assert_eq!(
            plan.validate(),
            Err(PlanError::UnknownDependency {
                action: ActionId::new(Category::Gist, Operation::Create, "a"),
                missing: ghost
            })
        );
    }

    #[test]
    fn validate_rejects_cycles() {
        let mut plan = Plan::new("t");
        let a_id = ActionId::new(Category::Gist, Operation::Create, "a");
        let b_id = ActionId::new(Category::Gist, Operation::Create, "b");
        let c_id = ActionId::new(Category::Gist, Operation::Create, "c");
        plan.push(act(Operation::Create, "a").depends_on([c_id.clone()]));
        plan.push(act(Operation::Create, "b").depends_on([a_id.clone()]));
        plan.push(act(Operation::Create, "c").depends_on([b_id.clone()]));
        match plan.validate() {
            Err(PlanError::Cycle(ids)) => assert_eq!(ids.len(), 3),
            other => panic!("expected a cycle, got {other:?}"),
        }
    }

    #[test]
    fn validate_rejects_undeclared_producer() {
        let mut plan = Plan::new("t");
        let a = plan.push(act(Operation::Create, "a"));
        let mut b = act(Operation::Set, "b");
        b.details.value = Some(Deferred::after(&a, "id"));
        plan.push(b);
        assert!(matches!(
            plan.validate(),
            Err(PlanError::UndeclaredProducer { .. })
        ));
    }

    #[test]
    fn summary_counts_operations_and_input() {
        let mut plan = Plan::new("t");
        plan.push(act(Operation::Create, "a"));
        plan.push(act(Operation::Create, "b"));
        plan.push(act(Operation::Set, "c").requires_input(true));
        plan.push(act(Operation::Skip, "d"));
        assert_eq!(
            plan.summary(),
            "2 to create, 1 unchanged, 1 needs input",
            "each action counted once: the figures sum to 4"
        );
        assert!(plan.has_changes());
    }

    #[test]
    fn only_skips_is_no_change() {
        let mut plan = Plan::new("t");
        plan.push(act(Operation::Skip, "a"));
        assert!(!plan.has_changes());
        assert_eq!(plan.summary(), "1 unchanged");
        assert_eq!(Plan::<P>::new("t").summary(), "nothing to do");
    }
}
