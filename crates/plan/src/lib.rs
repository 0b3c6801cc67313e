//! The plan-execute core of ghtraf.
//!
//! Every command that changes a user's account or repository is split into
//! observe → plan → display → execute → verify. This crate holds the pieces that
//! are the same for every command: the [`Action`]/[`Plan`] data a pure planner
//! returns, the [`execute`] loop that walks a plan in dependency order, the
//! [`Secret`] type that cannot leak, the [`Deferred`] values that only exist
//! after an earlier action ran, and the text/JSON renderers.
//!
//! It deliberately knows nothing about GitHub, files or terminals: a command
//! supplies the payload type and the function that carries out one action, and
//! the CLI decides how rendered lines are coloured. That keeps the one rule the
//! project rests on checkable here: the preview and the real run share one plan.

mod action;
mod execute;
mod plan;
mod render;
mod result;

#[cfg(test)]
mod test_support;
mod value;

pub use action::{Action, ActionId, Category, Detail, Operation, Payload};
pub use execute::{execute, ExecOptions, StepFn};
pub use ghtraf_secret::{Secret, REDACTED};
pub use plan::{Plan, PlanError, FORMAT_VERSION};
pub use render::{
    id_width, render_results, render_text, render_verification, Finding, FindingStatus, Line,
    LineKind,
};
pub use result::{ActionResult, Outcome, Outputs, ResultStatus, StepError};
pub use value::{Deferred, OutputRef};
