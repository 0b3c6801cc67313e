//! The write side of the client: every [`GitHubWrite`] operation with its retry rule (see the
//! module docs of `client`): what may be resent, and how a refusal after a resend is resolved
//! by reading the current state back.

use super::*;
use crate::secret::seal_secret;

impl GitHubWrite for Client {
    fn create_gist(
        &self,
        description: &str,
        public: bool,
        files: &BTreeMap<String, String>,
    ) -> Result<Gist, Error> {
        let files: serde_json::Map<String, Value> = files
            .iter()
            .map(|(name, content)| (name.clone(), json!({ "content": content })))
            .collect();
        let body = json!({ "description": description, "public": public, "files": files });
        let answer = self.execute("POST", Target::Api("/gists"), Some(&body), Retry::Never)?;
        self.complete_gist("POST /gists", &answer.body)
    }

    fn update_gist(
        &self,
        id: &str,
        files: &BTreeMap<String, Option<String>>,
    ) -> Result<Gist, Error> {
        let path = format!("/gists/{}", encode(id));
        let body = json!({ "files": gist_files(files) });
        let answer = self.execute("PATCH", Target::Api(&path), Some(&body), Retry::Safe)?;
        self.complete_gist(&format!("PATCH {path}"), &answer.body)
    }

    fn update_gist_at(
        &self,
        id: &str,
        files: &BTreeMap<String, Option<String>>,
        revision: &str,
    ) -> Result<GistUpdate, Error> {
        #[derive(Deserialize)]
        struct Version {
            version: String,
        }
        #[derive(Deserialize)]
        struct History {
            #[serde(default)]
            history: Vec<Version>,
        }
        let current = self.gist_revision(id)?;
        if current.as_deref() != Some(revision) {
            return Err(Error::stale_revision(id, revision, current.as_deref()));
        }
        let path = format!("/gists/{}", encode(id));
        let body = json!({ "files": gist_files(files) });
        let answer = self.execute("PATCH", Target::Api(&path), Some(&body), Retry::Safe)?;
        let request = format!("PATCH {path}");
        let gist = self.complete_gist(&request, &answer.body)?;
        let history: History = self.decode(&request, &answer.body)?;
        let overwritten_revision = match history.history.as_slice() {
            // No new revision (nothing changed), or ours directly follows the planned one.
            [newest, ..] if newest.version == revision => None,
            [_, previous, ..] if previous.version == revision => None,
            [_, previous, ..] => Some(previous.version.clone()),
            _ => None,
        };
        Ok(GistUpdate {
            gist,
            overwritten_revision,
        })
    }

    fn rename_gist(&self, id: &str, description: &str) -> Result<Gist, Error> {
        let path = format!("/gists/{}", encode(id));
        let body = json!({ "description": description });
        let answer = self.execute("PATCH", Target::Api(&path), Some(&body), Retry::Safe)?;
        self.complete_gist(&format!("PATCH {path}"), &answer.body)
    }

    fn disable_workflow(&self, r: &RepoRef, workflow: &str) -> Result<(), Error> {
        let path = repo_path(
            r,
            &format!("/actions/workflows/{}/disable", encode(workflow)),
        );
        self.execute("PUT", Target::Api(&path), None, Retry::Safe)
            .map(|_| ())
    }

    fn enable_workflow(&self, r: &RepoRef, workflow: &str) -> Result<(), Error> {
        let path = repo_path(
            r,
            &format!("/actions/workflows/{}/enable", encode(workflow)),
        );
        self.execute("PUT", Target::Api(&path), None, Retry::Safe)
            .map(|_| ())
    }

    fn delete_gist(&self, id: &str) -> Result<(), Error> {
        self.delete(&format!("/gists/{}", encode(id)))
    }

    fn create_variable(&self, r: &RepoRef, name: &str, value: &str) -> Result<(), Error> {
        let path = repo_path(r, "/actions/variables");
        let body = json!({ "name": name, "value": value });
        match self.execute(
            "POST",
            Target::Api(&path),
            Some(&body),
            Retry::RefusedWhenRepeated,
        ) {
            Ok(_) => Ok(()),
            Err(error) if error.kind == ErrorKind::Conflict && error.after_retry() => {
                match self.variable(r, name)? {
                    Some(existing) if existing.value == value => Ok(()),
                    _ => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    fn update_variable(&self, r: &RepoRef, name: &str, value: &str) -> Result<(), Error> {
        let path = repo_path(r, &format!("/actions/variables/{}", encode(name)));
        let body = json!({ "value": value });
        self.execute("PATCH", Target::Api(&path), Some(&body), Retry::Safe)
            .map(|_| ())
    }

    fn put_secret(&self, r: &RepoRef, name: &str, plaintext: &str) -> Result<SecretWrite, Error> {
        let key = self.secret_public_key(r)?;
        let sealed = seal_secret(&key.key, plaintext)?;
        let path = repo_path(r, &format!("/actions/secrets/{}", encode(name)));
        let body = json!({ "encrypted_value": sealed, "key_id": key.key_id });
        let answer = self.execute("PUT", Target::Api(&path), Some(&body), Retry::Safe)?;
        Ok(if answer.status == 201 {
            SecretWrite::Created
        } else {
            SecretWrite::Updated
        })
    }

    fn put_content(
        &self,
        r: &RepoRef,
        path: &str,
        message: &str,
        bytes: &[u8],
        sha: Option<&str>,
    ) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Written {
            sha: String,
        }
        #[derive(Deserialize)]
        struct Answer {
            content: Written,
        }
        let api_path = contents_path(r, path);
        let mut body = json!({
            "message": message,
            "content": base64::engine::general_purpose::STANDARD.encode(bytes),
        });
        if let Some(sha) = sha {
            body["sha"] = json!(sha);
        }
        let refused_resend = |error: &Error| {
            error.after_retry()
                && matches!(
                    error.kind,
                    ErrorKind::Conflict | ErrorKind::Validation { .. }
                )
        };
        match self.execute(
            "PUT",
            Target::Api(&api_path),
            Some(&body),
            Retry::RefusedWhenRepeated,
        ) {
            Ok(answer) => Ok(self
                .decode::<Answer>(&format!("PUT {api_path}"), &answer.body)?
                .content
                .sha),
            Err(error) if refused_resend(&error) => match self.content(r, path)? {
                Some(now) if now.bytes == bytes => Ok(now.sha),
                _ => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    fn create_pages(&self, r: &RepoRef, branch: &str, path: &str) -> Result<Pages, Error> {
        let api_path = repo_path(r, "/pages");
        let body = json!({ "source": { "branch": branch, "path": path } });
        match self.execute(
            "POST",
            Target::Api(&api_path),
            Some(&body),
            Retry::RefusedWhenRepeated,
        ) {
            Ok(answer) => self.decode(&format!("POST {api_path}"), &answer.body),
            Err(error) if error.kind == ErrorKind::Conflict && error.after_retry() => {
                self.pages(r)?.ok_or(error)
            }
            Err(error) => Err(error),
        }
    }

    fn update_pages(&self, r: &RepoRef, branch: &str, path: &str) -> Result<(), Error> {
        let api_path = repo_path(r, "/pages");
        let body = json!({ "source": { "branch": branch, "path": path } });
        self.execute("PUT", Target::Api(&api_path), Some(&body), Retry::Safe)
            .map(|_| ())
    }

    fn dispatch_workflow(&self, r: &RepoRef, workflow: &str, git_ref: &str) -> Result<(), Error> {
        let path = repo_path(
            r,
            &format!("/actions/workflows/{}/dispatches", encode(workflow)),
        );
        let body = json!({ "ref": git_ref });
        self.execute("POST", Target::Api(&path), Some(&body), Retry::Never)
            .map(|_| ())
    }
}

/// The `files` member of a gist PATCH: `{content}` writes a file, `null` deletes it.
fn gist_files(files: &BTreeMap<String, Option<String>>) -> serde_json::Map<String, Value> {
    files
        .iter()
        .map(|(name, content)| {
            let value = match content {
                Some(content) => json!({ "content": content }),
                None => Value::Null,
            };
            (name.clone(), value)
        })
        .collect()
}
