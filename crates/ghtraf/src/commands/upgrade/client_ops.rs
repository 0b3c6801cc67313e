//! The GitHub client adapted to the executors' [`UpgradeOps`], so the
//! executors stay testable against an in-memory world and only this adapter
//! knows the client and how its errors map to conflicts.

use std::collections::BTreeMap;

use ghtraf_github::{Client, ErrorKind, GitHubRead, GitHubWrite, RepoRef};

use super::backup::GistFiles;
use super::execute::{GistHead, OpError, OpResult, UpgradeOps};

/// The GitHub client as the executors' [`UpgradeOps`].
pub(super) struct ClientOps<'a> {
    pub(super) client: &'a Client,
    pub(super) repo: &'a RepoRef,
}

fn op(e: ghtraf_github::Error) -> OpError {
    let mut message = e.message().to_string();
    if let Some(h) = e.hint() {
        message.push_str(&format!("\nhint: {h}"));
    }
    match &e.kind {
        ErrorKind::StaleRevision { .. } | ErrorKind::Conflict => OpError::conflict(message),
        _ => OpError::new(message),
    }
}

impl UpgradeOps for ClientOps<'_> {
    fn gist_head(&self, id: &str) -> OpResult<Option<GistHead>> {
        Ok(self.client.gist(id).map_err(op)?.map(|g| GistHead {
            revision: g.revision.unwrap_or_default(),
            description: g.description,
        }))
    }

    fn gist_files_at(&self, id: &str, revision: &str) -> OpResult<GistFiles> {
        match self.client.gist_at(id, revision).map_err(op)? {
            Some(g) => Ok(g.files.into_iter().map(|(n, f)| (n, f.content)).collect()),
            None => Err(OpError::new(format!(
                "revision {revision} of gist {id} is gone"
            ))),
        }
    }

    fn set_gist_description(&self, id: &str, description: &str) -> OpResult<()> {
        self.client
            .rename_gist(id, description)
            .map_err(op)
            .map(|_| ())
    }

    fn write_gist_files(&self, id: &str, files: &GistFiles, revision: &str) -> OpResult<()> {
        let files: BTreeMap<String, Option<String>> = files
            .iter()
            .map(|(n, c)| (n.clone(), Some(c.clone())))
            .collect();
        let update = self
            .client
            .update_gist_at(id, &files, revision)
            .map_err(op)?;
        match update.overwritten_revision {
            None => Ok(()),
            Some(rev) => Err(OpError::new(format!(
                "a write to gist {id} (revision {rev}) landed just before ours and was replaced; \
                 restore it from the gist's history if it mattered"
            ))),
        }
    }

    fn create_gist(&self, description: &str, public: bool, files: &GistFiles) -> OpResult<String> {
        self.client
            .create_gist(description, public, files)
            .map_err(op)
            .map(|g| g.id)
    }

    fn delete_gist(&self, id: &str) -> OpResult<()> {
        self.client.delete_gist(id).map_err(op)
    }

    fn variable(&self, name: &str) -> OpResult<Option<String>> {
        Ok(self
            .client
            .variable(self.repo, name)
            .map_err(op)?
            .map(|v| v.value))
    }

    fn set_variable(&self, name: &str, value: &str, exists: bool) -> OpResult<()> {
        if exists {
            self.client
                .update_variable(self.repo, name, value)
                .map_err(op)
        } else {
            self.client
                .create_variable(self.repo, name, value)
                .map_err(op)
        }
    }

    fn put_secret(&self, name: &str, plaintext: &str) -> OpResult<()> {
        self.client
            .put_secret(self.repo, name, plaintext)
            .map_err(op)
            .map(|_| ())
    }

    fn branch_file_sha(&self, _branch: &str, path: &str) -> OpResult<Option<String>> {
        Ok(self
            .client
            .content(self.repo, path)
            .map_err(op)?
            .map(|c| c.sha))
    }

    fn put_branch_file(
        &self,
        _branch: &str,
        path: &str,
        content: &str,
        sha: Option<&str>,
        message: &str,
    ) -> OpResult<()> {
        self.client
            .put_content(self.repo, path, message, content.as_bytes(), sha)
            .map_err(op)
            .map(|_| ())
    }

    fn workflow_state(&self, id: u64) -> OpResult<Option<String>> {
        Ok(self
            .client
            .workflows(self.repo)
            .map_err(op)?
            .into_iter()
            .find(|w| w.id == id)
            .map(|w| w.state))
    }

    fn set_workflow_enabled(&self, id: u64, enable: bool) -> OpResult<()> {
        let id = id.to_string();
        if enable {
            self.client.enable_workflow(self.repo, &id).map_err(op)
        } else {
            self.client.disable_workflow(self.repo, &id).map_err(op)
        }
    }
}
