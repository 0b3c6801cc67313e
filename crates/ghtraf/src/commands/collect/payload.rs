//! The payload of `collect`: one PATCH of one gist per action.

use std::collections::BTreeMap;

use ghtraf_plan::{Detail, Payload};
use ghtraf_traffic::Totals;
use serde::Serialize;

use crate::deployment::GistRole;

/// One PATCH of one gist.
#[derive(Debug, Clone, Serialize)]
pub struct GistWrite {
    pub role: GistRole,
    pub gist_id: String,
    /// The gist's revision when the plan was made ([`crate::revision`]): the
    /// write happens only if the gist still has it. `None`: no precondition
    /// (a file only this writer owns, such as the hub's portfolio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// File name → new content.
    pub files: BTreeMap<String, String>,
    /// Human summary of what changed (days added/raised, months archived).
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
}

impl Payload for GistWrite {
    fn details(&self) -> Vec<Detail> {
        let mut d = Vec::new();
        if !self.changes.is_empty() {
            d.push(Detail::new(1, "changes", self.changes.join("\n")));
        }
        if let Some(t) = &self.totals {
            d.push(Detail::new(
                1,
                "totals",
                format!(
                    "clones {} (organic {}), views {}, downloads {}",
                    t.clones, t.organic_clones, t.views, t.downloads
                ),
            ));
        }
        if !self.files.is_empty() {
            let names: Vec<String> = self
                .files
                .iter()
                .map(|(n, c)| format!("{n} ({} bytes)", c.len()))
                .collect();
            d.push(Detail::new(2, "files", names.join(", ")));
        }
        d
    }
}
