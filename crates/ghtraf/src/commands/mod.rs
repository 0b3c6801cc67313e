//! One module per command. Mutating commands read top to bottom as
//! observe → plan → display → execute → verify; `setup` holds what `create`
//! and `init` share.

pub mod create;
pub mod setup;
