//! One module per command. Mutating commands read top to bottom as
//! observe → plan → display → execute → verify; `setup` holds what `create`
//! and `init` share.

pub mod backfill;
pub mod collect;
pub mod create;
pub mod export;
pub mod setup;
pub mod status;
pub mod target;
pub mod verify;
