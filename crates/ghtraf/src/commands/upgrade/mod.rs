//! `ghtraf upgrade`: bring any earlier deployment to today's ghtraf without
//! losing a day or breaking a badge URL.
//!
//! Its first users run the original Python tool: their gists may carry the
//! pre-0.2.7 names, their state the original's schema, their repository its
//! JavaScript workflow, which trims history to 31 days and must never run
//! against a converted state. The command follows observe → plan → execute →
//! verify like every mutating command; the pure parts live here:
//! [`fingerprint`] recognises what wrote each file and gist, [`generation`]
//! sorts the gists and names the deployment's generation, [`config`] migrates
//! the original's `.ghtraf.json`, [`observed`] is the world the planner sees
//! and [`plan`] decides, action by action ([`step`]), what happens;
//! [`verify`] checks afterwards that the world is what the plan promised.

pub mod args;
pub mod backup;
pub mod client_ops;
pub mod command;
pub mod config;
#[cfg(test)]
mod exec_tests;
pub mod execute;
pub mod fingerprint;
pub mod generation;
pub mod observed;
pub mod plan;
pub mod step;
#[cfg(test)]
mod tests;
pub mod verify;

pub use observed::Observed;
pub use plan::{plan_upgrade, ConvertState, EditedFiles, UpgradeInputs};
pub use step::UpgradeStep;
