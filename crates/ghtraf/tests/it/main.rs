//! The integration tests of `ghtraf`, one binary (one link step) for all:
//! each module drives the real command line against `fakehub` or a
//! temporary checkout.

mod common;

mod apply;
mod backfill;
mod backfill_says;
mod closing_hints;
mod collect;
mod concurrency;
mod create;
mod dashboard_page;
mod enterprise;
mod help;
mod help_hub;
mod hostile;
mod hub;
mod hub_aware;
mod hub_from_nothing;
mod hub_remove;
mod hub_setup;
mod init;
mod install_step;
mod json_schema;
mod kept_edits;
mod naming;
mod other_checkout;
mod output;
mod round_trips;
mod status;
mod terminal;
mod tokens;
mod transcripts;
mod upgrade;
mod verify;
