//! ghtraf: permanent, zero-server GitHub traffic history.
//!
//! The binary is a thin shell over this library: [`app::run`] parses the
//! command line, builds a [`context::Context`] from what the process provides
//! (environment, terminal, clock) and dispatches to a command module. Tests
//! call the same entry point with a scripted prompter and captured output.

pub mod api;
pub mod app;
pub mod checkout;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod context;
pub mod deployment;
pub mod driver;
pub mod error;
pub mod fsio;
pub mod help;
pub mod hub;
pub mod install;
pub mod kept_edit;
pub mod lock;
pub mod managed_file;
pub mod our_keys;
pub mod output;
pub mod page_config;
pub mod project;
pub mod prompt;
pub mod repo_args;
pub mod repo_name;
pub mod revision;
pub mod saved;
pub mod target;
pub mod templates;
pub mod textstyle;
pub mod tokens;
pub mod values;
pub mod whose_checkout;
pub mod written;
