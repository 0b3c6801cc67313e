//! ghtraf-github's integration tests against fakehub, one binary with a module per concern:
//! error mapping, reads, writes, transport (retries, proxies), tokens, Enterprise layout,
//! gist revisions and concurrent pagination.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod enterprise;
mod errors;
mod history;
mod lists;
mod reads;
mod tokens;
mod transport;
mod writes;
