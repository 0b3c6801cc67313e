//! What one `upgrade` action does, and the precondition it carries.
//!
//! Each variant is complete enough for an executor to carry it out without
//! deciding anything, and for a saved plan to refuse when the world moved:
//! gist writes name the revision they were planned against, file writes the
//! hash of the bytes they replace, a default-branch write the blob sha, a
//! variable the value it overwrites, a workflow switch the state it expects.

use std::collections::BTreeMap;

use ghtraf_plan::{Deferred, Detail, Outputs, Payload, Secret, StepError};
use serde::Serialize;

use super::fingerprint::Role;

/// Text whose final form may contain values only known after apply (a gist id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The text, each deferred value written as its marker.
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fills: Vec<Fill>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fill {
    pub marker: String,
    pub value: Deferred,
}

impl Text {
    pub fn known(text: impl Into<String>) -> Self {
        Text {
            text: text.into(),
            fills: Vec::new(),
        }
    }

    /// The text as far as it is known now; deferred values read "(known after apply)".
    pub fn preview(&self) -> String {
        self.fills.iter().fold(self.text.clone(), |t, f| {
            t.replace(&f.marker, &f.value.to_string())
        })
    }

    pub fn is_known(&self) -> bool {
        self.fills.iter().all(|f| f.value.known().is_some())
    }

    /// The final text, deferred values taken from earlier actions' outputs.
    pub fn resolve(&self, outputs: &Outputs) -> Result<String, StepError> {
        let mut text = self.text.clone();
        for f in &self.fills {
            text = text.replace(&f.marker, &outputs.resolve(&f.value)?);
        }
        Ok(text)
    }
}

/// What a checkout file must be before it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    Absent,
    Sha256(String),
}

/// Everything the rollback needs, written outside the checkout before any change.
#[derive(Debug, Clone, Serialize)]
pub struct BackupStep {
    pub dir: String,
    /// Every candidate gist, at the revision observed: the executor fetches exactly that
    /// revision (`GET /gists/{id}/{revision}`) and writes each file plus `gist.json`.
    pub gists: Vec<BackupGist>,
    /// Variable values as observed (they are not secret).
    pub variables: BTreeMap<String, String>,
    /// The secret's `updated_at`: its value cannot be read, only this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackupGist {
    pub id: String,
    pub role: Role,
    pub description: String,
    pub revision: String,
    pub files: Vec<String>,
}

/// A description PATCH: the id (and so every badge URL) stays.
#[derive(Debug, Clone, Serialize)]
pub struct RenameStep {
    pub gist_id: String,
    pub from: String,
    pub to: String,
    pub expect_revision: String,
}

/// A new gist (the archive gist the original's workflow never made).
#[derive(Debug, Clone, Serialize)]
pub struct CreateGistStep {
    pub role: Role,
    pub description: String,
    pub public: bool,
    pub files: BTreeMap<String, String>,
}

/// Writes files into an existing gist, conditioned on its revision.
#[derive(Debug, Clone, Serialize)]
pub struct WriteGistStep {
    pub role: Role,
    pub gist_id: String,
    pub expect_revision: String,
    /// File name → new content (empty for a skip that only previews).
    pub files: BTreeMap<String, String>,
    /// Human lines: what the conversion does (schema, days, baseline, months).
    pub preview: Vec<String>,
}

/// Deletes a provably empty duplicate (`--prune-orphans`), after the backup.
#[derive(Debug, Clone, Serialize)]
pub struct DeleteGistStep {
    pub gist_id: String,
    pub description: String,
    pub expect_revision: String,
    pub why_empty: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariableStep {
    pub name: String,
    pub value: Deferred,
    /// The value GitHub has now; the write is refused if it changed.
    pub current: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecretStep {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// A file in the checkout.
#[derive(Debug, Clone, Serialize)]
pub struct FileStep {
    pub path: String,
    pub content: Text,
    pub expect: Expect,
    /// What is being replaced, when recognised ("the original's workflow 0.3.7").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// A file written to the default branch through the contents API.
#[derive(Debug, Clone, Serialize)]
pub struct CommitStep {
    pub branch: String,
    pub path: String,
    pub content: String,
    /// The blob sha being replaced (None: the file must not exist).
    pub expect_blob_sha: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// Disables or re-enables the traffic workflow.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowStateStep {
    pub workflow_id: u64,
    pub path: String,
    pub enable: bool,
    pub expect_state: String,
}

/// A local file reported and left alone (e.g. the original's images).
#[derive(Debug, Clone, Serialize)]
pub struct KeepStep {
    pub path: String,
}

/// The payload of every `upgrade` action.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpgradeStep {
    Backup(BackupStep),
    Rename(RenameStep),
    CreateGist(CreateGistStep),
    WriteGist(WriteGistStep),
    DeleteGist(DeleteGistStep),
    Variable(VariableStep),
    Secret(SecretStep),
    File(FileStep),
    Commit(CommitStep),
    WorkflowState(WorkflowStateStep),
    Keep(KeepStep),
}

impl Payload for UpgradeStep {
    fn details(&self) -> Vec<Detail> {
        match self {
            UpgradeStep::Backup(b) => {
                let mut d = vec![Detail::new(1, "directory", b.dir.clone())];
                for g in &b.gists {
                    d.push(Detail::new(
                        1,
                        format!("gist {}", g.id),
                        format!(
                            "{} at revision {} ({} file(s)) — restore from this revision",
                            g.role.name(),
                            g.revision,
                            g.files.len()
                        ),
                    ));
                }
                for (name, value) in &b.variables {
                    d.push(Detail::new(2, format!("variable {name}"), value.clone()));
                }
                if let Some(at) = &b.secret_updated_at {
                    d.push(Detail::new(2, "secret updated", at.clone()));
                }
                d
            }
            UpgradeStep::Rename(r) => vec![
                Detail::new(1, "gist", r.gist_id.clone()),
                Detail::new(1, "from", r.from.clone()),
                Detail::new(1, "to", r.to.clone()),
                Detail::new(2, "revision", r.expect_revision.clone()),
            ],
            UpgradeStep::CreateGist(g) => {
                let mut d = vec![Detail::new(
                    1,
                    "visibility",
                    if g.public { "public" } else { "secret" },
                )];
                let names: Vec<&str> = g.files.keys().map(String::as_str).collect();
                d.push(Detail::new(1, "files", names.join(", ")));
                for (name, content) in &g.files {
                    d.push(Detail::new(2, name.clone(), content.trim_end().to_string()));
                }
                d
            }
            UpgradeStep::WriteGist(w) => {
                let mut d = vec![
                    Detail::new(1, "gist", w.gist_id.clone()),
                    Detail::new(2, "revision", w.expect_revision.clone()),
                ];
                for line in &w.preview {
                    d.push(Detail::new(1, "conversion", line.clone()));
                }
                if !w.files.is_empty() {
                    let names: Vec<&str> = w.files.keys().map(String::as_str).collect();
                    d.push(Detail::new(1, "files", names.join(", ")));
                }
                d
            }
            UpgradeStep::DeleteGist(g) => vec![
                Detail::new(1, "gist", g.gist_id.clone()),
                Detail::new(1, "empty", g.why_empty.clone()),
                Detail::new(2, "revision", g.expect_revision.clone()),
            ],
            UpgradeStep::Variable(v) => vec![
                Detail::new(1, "value", v.value.to_string()),
                Detail::new(
                    1,
                    "current",
                    v.current.clone().unwrap_or_else(|| "(not set)".to_string()),
                ),
            ],
            UpgradeStep::Secret(s) => {
                let mut d = Vec::new();
                if let Some(t) = &s.token {
                    d.push(Detail::new(1, "value", t.to_string()));
                }
                if let Some(at) = &s.updated_at {
                    d.push(Detail::new(1, "updated", at.clone()));
                }
                d
            }
            UpgradeStep::File(f) => {
                let mut d = vec![Detail::new(
                    1,
                    "size",
                    format!("{} bytes", f.content.text.len()),
                )];
                if let Some(r) = &f.replaces {
                    d.push(Detail::new(1, "replaces", r.clone()));
                }
                if let Some(diff) = &f.diff {
                    d.push(Detail::new(1, "diff", diff.trim_end().to_string()));
                }
                d
            }
            UpgradeStep::Commit(c) => {
                let mut d = vec![
                    Detail::new(1, "branch", c.branch.clone()),
                    Detail::new(1, "message", c.message.clone()),
                    Detail::new(
                        2,
                        "blob sha",
                        c.expect_blob_sha
                            .clone()
                            .unwrap_or_else(|| "(file absent)".to_string()),
                    ),
                ];
                if let Some(diff) = &c.diff {
                    d.push(Detail::new(1, "diff", diff.trim_end().to_string()));
                }
                d
            }
            UpgradeStep::WorkflowState(w) => vec![
                Detail::new(1, "workflow", format!("{} ({})", w.path, w.workflow_id)),
                Detail::new(1, "state now", w.expect_state.clone()),
            ],
            UpgradeStep::Keep(k) => vec![Detail::new(2, "path", k.path.clone())],
        }
    }

    fn deferred(&self) -> Vec<&Deferred> {
        match self {
            UpgradeStep::Variable(v) => vec![&v.value],
            UpgradeStep::File(f) => f.content.fills.iter().map(|f| &f.value).collect(),
            _ => Vec::new(),
        }
    }
}
