//! What executing an action yields: its result, the step function's outcome
//! or error, and the values it produced for later actions.
//!
//! Split from `execute.rs` so the types commands build and read (every
//! command's step and verify functions use them) stand apart from the walk
//! over the plan, which only the executor needs.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use crate::action::ActionId;
use crate::value::Deferred;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultStatus {
    Ok,
    Failed,
    Skipped,
}

/// What happened to one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionResult {
    pub id: ActionId,
    pub status: ResultStatus,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Values later actions may use (e.g. `id` of a created gist).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub produced: BTreeMap<String, String>,
    /// The action failed because its precondition no longer held: the plan is stale.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

/// What a step function reports after doing its action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub message: String,
    pub produced: BTreeMap<String, String>,
    /// The user declined at a prompt: the action is skipped, and so are its dependents.
    pub declined: Option<String>,
}

impl Outcome {
    pub fn done(message: impl Into<String>) -> Self {
        Outcome {
            message: message.into(),
            ..Outcome::default()
        }
    }

    pub fn declined(reason: impl Into<String>) -> Self {
        Outcome {
            declined: Some(reason.into()),
            ..Outcome::default()
        }
    }

    pub fn with_output(mut self, name: &str, value: impl Into<String>) -> Self {
        self.produced.insert(name.to_string(), value.into());
        self
    }
}

/// Why a step failed. `stale` marks a failed precondition: the world is no
/// longer the one the plan was made for, so nothing else should be attempted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub message: String,
    pub stale: bool,
}

impl StepError {
    pub fn new(message: impl Into<String>) -> Self {
        StepError {
            message: message.into(),
            stale: false,
        }
    }

    pub fn stale(message: impl Into<String>) -> Self {
        StepError {
            message: message.into(),
            stale: true,
        }
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Values produced so far, for resolving [`Deferred`] values.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    by_action: HashMap<ActionId, BTreeMap<String, String>>,
}

impl Outputs {
    pub fn resolve(&self, value: &Deferred) -> Result<String, StepError> {
        match value {
            Deferred::Known(v) => Ok(v.clone()),
            Deferred::KnownAfterApply(r) => self
                .by_action
                .get(&r.action)
                .and_then(|m| m.get(&r.output))
                .cloned()
                .ok_or_else(|| {
                    StepError::new(format!(
                        "internal: {} did not produce `{}`",
                        r.action, r.output
                    ))
                }),
        }
    }

    pub fn record(&mut self, id: &ActionId, produced: &BTreeMap<String, String>) {
        if !produced.is_empty() {
            self.by_action.insert(id.clone(), produced.clone());
        }
    }
}
