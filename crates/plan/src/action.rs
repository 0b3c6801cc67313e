//! One planned change, described completely enough to show it and to do it.
//!
//! The vocabulary is closed on purpose: a reviewer (or a script reading the
//! JSON plan) must be able to rely on what `overwrite` or `skip` means. A skip
//! is an action too, with its reason, so "nothing to do" is visible rather
//! than silent.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::value::Deferred;

/// What kind of thing an action touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Gist,
    Variable,
    Secret,
    File,
    Config,
    Pages,
    /// Not used yet: `upgrade` replaces the workflow of the original tool.
    Workflow,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Gist => "gist",
            Category::Variable => "variable",
            Category::Secret => "secret",
            Category::File => "file",
            Category::Config => "config",
            Category::Pages => "pages",
            Category::Workflow => "workflow",
        }
    }
}

/// What an action does to its target. `Skip` changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Create,
    Update,
    Set,
    Copy,
    Overwrite,
    /// Not used yet: `upgrade` removes empty duplicate gists.
    Delete,
    Skip,
}

impl Operation {
    pub const ALL: [Operation; 7] = [
        Operation::Create,
        Operation::Update,
        Operation::Set,
        Operation::Copy,
        Operation::Overwrite,
        Operation::Delete,
        Operation::Skip,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Set => "set",
            Operation::Copy => "copy",
            Operation::Overwrite => "overwrite",
            Operation::Delete => "delete",
            Operation::Skip => "skip",
        }
    }

    /// Whether carrying the action out changes the world.
    pub fn is_change(self) -> bool {
        self != Operation::Skip
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `category:operation:target` — stable across re-planning the same world, so
/// a saved plan, its results and its verification findings line up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActionId(String);

impl ActionId {
    pub fn new(category: Category, operation: Operation, target: &str) -> Self {
        ActionId(format!(
            "{}:{}:{}",
            category.as_str(),
            operation.as_str(),
            target
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One line of an action's details in the text display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// 1: shown with `-v`; 2: shown with `-vv` (payloads, URLs, diffs).
    pub level: u8,
    pub label: String,
    /// May span several lines (a diff, a payload).
    pub value: String,
}

impl Detail {
    pub fn new(level: u8, label: impl Into<String>, value: impl Into<String>) -> Self {
        Detail {
            level,
            label: label.into(),
            value: value.into(),
        }
    }
}

/// The operation data a command attaches to its actions: what the executor
/// needs and what `-v`/`-vv` show. Serialized as the action's `details`; any
/// secret inside must be a [`crate::Secret`].
pub trait Payload: Serialize + Clone + Send + Sync {
    /// Lines for the text display, each tagged with the verbosity it needs.
    fn details(&self) -> Vec<Detail>;

    /// The deferred values this payload uses; their producers must be dependencies.
    fn deferred(&self) -> Vec<&Deferred> {
        Vec::new()
    }
}

/// One planned change (or an explicit skip).
#[derive(Debug, Clone, Serialize)]
pub struct Action<P> {
    pub id: ActionId,
    /// 1-based position in the plan; execution order among independent actions.
    pub step: usize,
    pub category: Category,
    pub operation: Operation,
    pub target: String,
    pub description: String,
    pub details: P,
    /// The action asks the user when executed (dry-run shows "will ask").
    pub requires_input: bool,
    pub depends_on: Vec<ActionId>,
    /// Runs after its dependencies even when some failed or did not run
    /// (it gathers what the others produced, e.g. one file listing every
    /// gist that was created): one failure then does not undo the rest.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tolerates_failures: bool,
}

impl<P> Action<P> {
    /// A new action; `step` is assigned when it is pushed onto a plan.
    pub fn new(
        category: Category,
        operation: Operation,
        target: impl Into<String>,
        description: impl Into<String>,
        details: P,
    ) -> Self {
        let target = target.into();
        Action {
            id: ActionId::new(category, operation, &target),
            step: 0,
            category,
            operation,
            target,
            description: description.into(),
            details,
            requires_input: false,
            depends_on: Vec::new(),
            tolerates_failures: false,
        }
    }

    pub fn depends_on(mut self, ids: impl IntoIterator<Item = ActionId>) -> Self {
        self.depends_on.extend(ids);
        self
    }

    /// Runs once its dependencies are done, whether they succeeded or not
    /// (see [`Action::tolerates_failures`]); its step resolves what it can.
    pub fn tolerating_failures(mut self) -> Self {
        self.tolerates_failures = true;
        self
    }

    pub fn requires_input(mut self, yes: bool) -> Self {
        self.requires_input = yes;
        self
    }

    pub fn is_change(&self) -> bool {
        self.operation.is_change()
    }
}
