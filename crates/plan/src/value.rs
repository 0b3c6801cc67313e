//! Values that are only known after an earlier action has run.
//!
//! When step 1 creates a gist and step 3 stores its id in a variable, the plan
//! must say so honestly: "(known after apply)" in the preview, the real id at
//! execution. A typed reference to the producing action's output (instead of a
//! magic placeholder string) lets [`crate::Plan::validate`] check that the
//! producer exists and is a dependency, and lets the executor resolve it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::action::ActionId;

/// "The output named `output` of action `action`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRef {
    pub action: ActionId,
    pub output: String,
}

/// A value known now, or one that an earlier action will produce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferred {
    Known(String),
    KnownAfterApply(OutputRef),
}

impl Deferred {
    /// Shorthand for a value produced by `action` under the name `output`.
    pub fn after(action: &ActionId, output: &str) -> Self {
        Deferred::KnownAfterApply(OutputRef {
            action: action.clone(),
            output: output.to_string(),
        })
    }

    /// The value if it is already known.
    pub fn known(&self) -> Option<&str> {
        match self {
            Deferred::Known(v) => Some(v),
            Deferred::KnownAfterApply(_) => None,
        }
    }

    /// The producing action, if this value waits for one.
    pub fn producer(&self) -> Option<&ActionId> {
        match self {
            Deferred::Known(_) => None,
            Deferred::KnownAfterApply(r) => Some(&r.action),
        }
    }
}

impl fmt::Display for Deferred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deferred::Known(v) => f.write_str(v),
            Deferred::KnownAfterApply(_) => f.write_str("(known after apply)"),
        }
    }
}
