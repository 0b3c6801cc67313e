//! The crate's integration tests, one binary (one link instead of one per file): import of
//! the original's files, the merge's rules, its properties and the JSON Schema of what it
//! writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backfill;
mod backfill_properties;
mod import;
mod impossible;
mod merge;
mod properties;
mod schema;
mod trackers;
