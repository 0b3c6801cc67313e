//! Carrying out one `upgrade` action exactly as planned.
//!
//! Every executor first re-reads what its action assumed — the gist's
//! revision and description, the variable's value, the file's hash, the
//! blob sha on the default branch, the workflow's state — and stops with
//! "plan is stale" (exit 4) when it moved, instead of doing something other
//! than what was shown. Gists have no conditional write on GitHub, so for
//! them the check is a read immediately before the write; the contents API
//! does carry the blob sha and answers 409 itself.
//!
//! The executors talk to GitHub through [`UpgradeOps`], the handful of
//! operations `upgrade` needs, so they can be tested against an in-memory
//! world (and faults injected) without a server; the command adapts the
//! real client to it.

use std::path::Path;

use ghtraf_plan::{Action, Outcome, Outputs, StepError};

use super::backup::{write_backup, GistFiles};
use super::step::{Expect, UpgradeStep};
use crate::checkout::Checkout;
use crate::fsio;

/// Why an operation failed; `conflict` means GitHub refused a precondition (409/412).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpError {
    pub message: String,
    pub conflict: bool,
}

impl OpError {
    pub fn new(message: impl Into<String>) -> Self {
        OpError {
            message: message.into(),
            conflict: false,
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        OpError {
            message: message.into(),
            conflict: true,
        }
    }
}

pub type OpResult<T> = std::result::Result<T, OpError>;

/// A gist's current head: revision (`history[0].version`) and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GistHead {
    pub revision: String,
    pub description: String,
}

/// What `upgrade`'s executors need from GitHub.
pub trait UpgradeOps: Sync {
    fn gist_head(&self, id: &str) -> OpResult<Option<GistHead>>;
    /// Every file of the gist at exactly `revision`.
    fn gist_files_at(&self, id: &str, revision: &str) -> OpResult<GistFiles>;
    fn set_gist_description(&self, id: &str, description: &str) -> OpResult<()>;
    /// Writes the files only while the gist is still at `revision` (a different one is a
    /// conflict, nothing written).
    fn write_gist_files(&self, id: &str, files: &GistFiles, revision: &str) -> OpResult<()>;
    /// Returns the new gist's id.
    fn create_gist(&self, description: &str, public: bool, files: &GistFiles) -> OpResult<String>;
    fn delete_gist(&self, id: &str) -> OpResult<()>;
    fn variable(&self, name: &str) -> OpResult<Option<String>>;
    fn set_variable(&self, name: &str, value: &str, exists: bool) -> OpResult<()>;
    /// Seals and stores the secret; the value never leaves this call.
    fn put_secret(&self, name: &str, plaintext: &str) -> OpResult<()>;
    fn branch_file_sha(&self, branch: &str, path: &str) -> OpResult<Option<String>>;
    /// Writes through the contents API with `sha` as precondition (409 → conflict).
    fn put_branch_file(
        &self,
        branch: &str,
        path: &str,
        content: &str,
        sha: Option<&str>,
        message: &str,
    ) -> OpResult<()>;
    fn workflow_state(&self, id: u64) -> OpResult<Option<String>>;
    fn set_workflow_enabled(&self, id: u64, enable: bool) -> OpResult<()>;
}

/// The checkout and the facts a step needs besides GitHub.
pub struct StepContext<'a> {
    pub root: &'a Path,
    pub repository: &'a str,
    /// RFC 3339, recorded in the backup's manifest.
    pub now: &'a str,
}

fn failed(what: &str, e: OpError) -> StepError {
    if e.conflict {
        StepError::stale(format!("{what}: {} (plan is stale)", e.message))
    } else {
        StepError::new(format!("{what}: {}", e.message))
    }
}

fn stale(message: String) -> StepError {
    StepError::stale(format!("plan is stale: {message}"))
}

/// Reads a gist's head and checks it is still the planned revision.
fn expect_revision(ops: &dyn UpgradeOps, id: &str, revision: &str) -> Result<GistHead, StepError> {
    match ops
        .gist_head(id)
        .map_err(|e| failed(&format!("reading gist {id}"), e))?
    {
        None => Err(stale(format!("gist {id} no longer exists"))),
        Some(head) if head.revision != revision => Err(stale(format!(
            "gist {id} changed since planning (revision {} instead of {revision})",
            head.revision
        ))),
        Some(head) => Ok(head),
    }
}

/// Carries out `action`. Skips never reach here (the plan runner settles them).
pub fn step(
    action: &Action<UpgradeStep>,
    outputs: &Outputs,
    ops: &dyn UpgradeOps,
    cx: &StepContext<'_>,
) -> Result<Outcome, StepError> {
    match &action.details {
        UpgradeStep::Backup(b) => {
            let mut fetched = Vec::with_capacity(b.gists.len());
            for g in &b.gists {
                fetched.push(
                    ops.gist_files_at(&g.id, &g.revision).map_err(|e| {
                        failed(&format!("reading gist {} at {}", g.id, g.revision), e)
                    })?,
                );
            }
            let written = write_backup(b, &fetched, cx.repository, cx.now)
                .map_err(|e| StepError::new(format!("writing the backup to {}: {e}", b.dir)))?;
            Ok(Outcome::done(format!(
                "{} file(s) saved to {}",
                written.len(),
                b.dir
            )))
        }
        UpgradeStep::Rename(r) => {
            let head = expect_revision(ops, &r.gist_id, &r.expect_revision)?;
            if head.description != r.from {
                return Err(stale(format!(
                    "gist {} is now described \"{}\"",
                    r.gist_id, head.description
                )));
            }
            ops.set_gist_description(&r.gist_id, &r.to)
                .map_err(|e| failed(&format!("renaming gist {}", r.gist_id), e))?;
            Ok(Outcome::done(format!("gist {} is \"{}\"", r.gist_id, r.to)))
        }
        UpgradeStep::CreateGist(c) => {
            let id = ops
                .create_gist(&c.description, c.public, &c.files)
                .map_err(|e| failed("creating the gist", e))?;
            Ok(Outcome::done(format!("created gist {id}")).with_output("id", id))
        }
        UpgradeStep::WriteGist(w) => {
            ops.write_gist_files(&w.gist_id, &w.files, &w.expect_revision)
                .map_err(|e| failed(&format!("writing gist {}", w.gist_id), e))?;
            Ok(Outcome::done(format!(
                "{} file(s) written to gist {}",
                w.files.len(),
                w.gist_id
            )))
        }
        UpgradeStep::DeleteGist(d) => {
            expect_revision(ops, &d.gist_id, &d.expect_revision)?;
            ops.delete_gist(&d.gist_id)
                .map_err(|e| failed(&format!("deleting gist {}", d.gist_id), e))?;
            Ok(Outcome::done(format!("deleted gist {}", d.gist_id)))
        }
        UpgradeStep::Variable(v) => {
            let now = ops
                .variable(&v.name)
                .map_err(|e| failed(&format!("reading {}", v.name), e))?;
            if now != v.current {
                return Err(stale(format!(
                    "{} is {} now",
                    v.name,
                    now.as_deref().unwrap_or("not set")
                )));
            }
            let value = outputs.resolve(&v.value)?;
            ops.set_variable(&v.name, &value, now.is_some())
                .map_err(|e| failed(&format!("setting {}", v.name), e))?;
            Ok(Outcome::done(format!("{} = {value}", v.name)))
        }
        UpgradeStep::Secret(s) => {
            let Some(token) = &s.token else {
                return Ok(Outcome::declined("no token was given"));
            };
            ops.put_secret(&s.name, token.expose())
                .map_err(|e| failed(&format!("storing {}", s.name), e))?;
            Ok(Outcome::done(format!("{} stored", s.name)))
        }
        UpgradeStep::File(f) => {
            // Through the confined layer: no symlink followed, nothing outside the checkout.
            let checkout = Checkout::new(cx.root);
            let current = checkout
                .read(&f.path, fsio::LOCAL_FILE_CAP)
                .map_err(|e| StepError::new(format!("reading {}: {e}", f.path)))?;
            let matches = match (&f.expect, &current) {
                (Expect::Absent, None) => true,
                (Expect::Sha256(h), Some(b)) => *h == fsio::sha256_hex(b),
                _ => false,
            };
            if !matches {
                return Err(stale(format!("{} changed since planning", f.path)));
            }
            let text = f.content.resolve(outputs)?;
            checkout
                .write(&f.path, text.as_bytes())
                .map_err(|e| StepError::new(format!("writing {}: {e}", f.path)))?;
            Ok(Outcome::done(format!("{} written", f.path)))
        }
        UpgradeStep::Commit(c) => {
            let sha = ops
                .branch_file_sha(&c.branch, &c.path)
                .map_err(|e| failed(&format!("reading {} on {}", c.path, c.branch), e))?;
            if sha != c.expect_blob_sha {
                return Err(stale(format!(
                    "{} on {} changed since planning",
                    c.path, c.branch
                )));
            }
            ops.put_branch_file(
                &c.branch,
                &c.path,
                &c.content,
                c.expect_blob_sha.as_deref(),
                &c.message,
            )
            .map_err(|e| failed(&format!("writing {} on {}", c.path, c.branch), e))?;
            Ok(Outcome::done(format!(
                "{} on {} runs ghtraf",
                c.path, c.branch
            )))
        }
        UpgradeStep::WorkflowState(w) => {
            let state = ops
                .workflow_state(w.workflow_id)
                .map_err(|e| failed("reading the workflow", e))?;
            if state.as_deref() != Some(w.expect_state.as_str()) {
                return Err(stale(format!(
                    "the workflow is {} now",
                    state.as_deref().unwrap_or("gone")
                )));
            }
            ops.set_workflow_enabled(w.workflow_id, w.enable)
                .map_err(|e| failed("switching the workflow", e))?;
            Ok(Outcome::done(if w.enable { "enabled" } else { "disabled" }))
        }
        UpgradeStep::Keep(_) => Ok(Outcome::done("kept")),
    }
}
