//! The payload of `create` (and `init`, which is `create --files-only`): one
//! [`SetupStep`] per action, files included through [`FileStep`].

use std::collections::BTreeMap;

use ghtraf_plan::{Deferred, Detail, Payload, Secret};
use serde::Serialize;

use crate::deployment::GistRole;
use crate::managed_file::FileStep;

#[derive(Debug, Clone, Serialize)]
pub struct GistStep {
    pub role: GistRole,
    pub description: String,
    pub public: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// File name → content of the gist to create.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
    /// The API request this action makes (level-2 display).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariableStep {
    pub name: String,
    pub value: Deferred,
    /// The value GitHub has now (None: the variable does not exist).
    pub current: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecretStep {
    pub name: String,
    /// The token, when it was given before planning (env or stdin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// `updated_at` of the existing secret, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PagesStep {
    pub branch: String,
    pub path: String,
    pub exists: bool,
}

/// The payload of every `create`/`init` action.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SetupStep {
    File(FileStep),
    Gist(GistStep),
    Variable(VariableStep),
    Secret(SecretStep),
    Pages(PagesStep),
}

impl Payload for SetupStep {
    fn details(&self) -> Vec<Detail> {
        match self {
            SetupStep::File(f) => f.details(),
            SetupStep::Gist(g) => {
                let mut d = vec![Detail::new(
                    1,
                    "visibility",
                    if g.public { "public" } else { "secret" },
                )];
                if let Some(id) = &g.id {
                    d.push(Detail::new(1, "id", id.clone()));
                }
                if !g.files.is_empty() {
                    let names: Vec<&str> = g.files.keys().map(String::as_str).collect();
                    d.push(Detail::new(1, "files", names.join(", ")));
                }
                if let Some(r) = &g.request {
                    d.push(Detail::new(2, "request", r.clone()));
                }
                for (name, content) in &g.files {
                    d.push(Detail::new(2, name.clone(), content.trim_end().to_string()));
                }
                d
            }
            SetupStep::Variable(v) => vec![
                Detail::new(1, "value", v.value.to_string()),
                Detail::new(
                    1,
                    "current",
                    v.current.clone().unwrap_or_else(|| "(not set)".to_string()),
                ),
            ],
            SetupStep::Secret(s) => {
                let mut d = vec![Detail::new(
                    1,
                    "value",
                    match &s.token {
                        Some(t) => t.to_string(),
                        None => "(asked at apply)".to_string(),
                    },
                )];
                if let Some(u) = &s.existing_updated_at {
                    d.push(Detail::new(1, "existing", format!("updated {u}")));
                }
                d
            }
            SetupStep::Pages(p) => vec![Detail::new(
                1,
                "source",
                format!("branch {} path {}", p.branch, p.path),
            )],
        }
    }

    fn deferred(&self) -> Vec<&Deferred> {
        match self {
            SetupStep::File(f) => f.deferred(),
            SetupStep::Variable(v) => vec![&v.value],
            _ => Vec::new(),
        }
    }
}

impl From<GistStep> for SetupStep {
    fn from(step: GistStep) -> Self {
        SetupStep::Gist(step)
    }
}

impl From<SecretStep> for SetupStep {
    fn from(step: SecretStep) -> Self {
        SetupStep::Secret(step)
    }
}

impl From<FileStep> for SetupStep {
    fn from(step: FileStep) -> Self {
        SetupStep::File(step)
    }
}
