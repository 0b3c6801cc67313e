//! fakehub's integration tests, one binary (one link, one process start) with a module per
//! concern: the HTTP API's GitHub behaviour, the contract against the OpenAPI subset, fault
//! injection, the standalone binary, tokens, Enterprise layout and revisions.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod binary;
mod common;
mod contract;
mod enterprise;
mod faults;
mod history;
mod lists;
mod tokens;
