//! The read side of the client: every [`GitHubRead`] operation, the wire shapes it decodes
//! (only the fields ghtraf uses) and the completion of truncated gist files via `raw_url`.

use super::*;

#[derive(Deserialize)]
struct WireOwner {
    login: String,
}

#[derive(Deserialize)]
struct WireGistFile {
    #[serde(default)]
    raw_url: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    truncated: Option<bool>,
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct WireGist {
    id: String,
    #[serde(default)]
    description: Option<String>,
    public: bool,
    html_url: String,
    updated_at: String,
    files: BTreeMap<String, Option<WireGistFile>>,
    #[serde(default)]
    owner: Option<WireOwner>,
    #[serde(default)]
    user: Option<WireOwner>,
    /// Revisions, newest first (only in full gist answers).
    #[serde(default)]
    history: Option<Vec<WireRevision>>,
}

#[derive(Deserialize)]
struct WireRevision {
    version: String,
}

#[derive(Deserialize)]
struct WireChangeStatus {
    #[serde(default)]
    additions: Option<u64>,
    #[serde(default)]
    deletions: Option<u64>,
}

#[derive(Deserialize)]
struct WireCommit {
    version: String,
    committed_at: String,
    #[serde(default)]
    change_status: Option<WireChangeStatus>,
}

impl From<WireCommit> for GistCommit {
    fn from(wire: WireCommit) -> GistCommit {
        let status = wire.change_status;
        GistCommit {
            version: wire.version,
            committed_at: wire.committed_at,
            additions: status.as_ref().and_then(|s| s.additions).unwrap_or(0),
            deletions: status.as_ref().and_then(|s| s.deletions).unwrap_or(0),
        }
    }
}

impl WireGist {
    fn owner_login(&mut self) -> Option<String> {
        self.owner
            .take()
            .or_else(|| self.user.take())
            .map(|o| o.login)
    }

    /// A gist of a list answer: file names only.
    fn summary(mut self) -> GistSummary {
        GistSummary {
            owner_login: self.owner_login(),
            raw_base: self
                .files
                .values()
                .flatten()
                .filter_map(|file| file.raw_url.as_deref())
                .find_map(|url| crate::gist_raw_base(url, &self.id)),
            id: self.id,
            description: self.description.unwrap_or_default(),
            public: self.public,
            files: self.files.into_keys().collect(),
            html_url: self.html_url,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Deserialize)]
struct WireContent {
    path: String,
    sha: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
}

impl Client {
    /// Converts a full gist answer, fetching the raw text of truncated files.
    pub(super) fn complete_gist(&self, request: &str, body: &str) -> Result<Gist, Error> {
        let mut wire: WireGist = self.decode(request, body)?;
        let owner_login = wire.owner_login();
        let mut files = BTreeMap::new();
        for (name, file) in std::mem::take(&mut wire.files) {
            let Some(file) = file else { continue };
            let content = match (file.content, file.truncated.unwrap_or(false)) {
                (Some(content), false) => content,
                _ => {
                    let raw_url = file.raw_url.as_deref().ok_or_else(|| {
                        Error::decode(
                            request,
                            format!("file `{name}` is truncated and has no raw_url"),
                        )
                    })?;
                    self.execute("GET", Target::Raw(raw_url), None, Retry::Safe)?
                        .body
                }
            };
            let size = file.size.unwrap_or(content.len() as u64);
            files.insert(
                name,
                GistFile {
                    content,
                    raw_url: file.raw_url,
                    size,
                },
            );
        }
        Ok(Gist {
            id: wire.id,
            description: wire.description.unwrap_or_default(),
            public: wire.public,
            owner_login,
            html_url: wire.html_url,
            updated_at: wire.updated_at,
            revision: wire
                .history
                .and_then(|history| history.into_iter().next())
                .map(|newest| newest.version),
            files,
        })
    }
}

impl GitHubRead for Client {
    fn current_user(&self) -> Result<User, Error> {
        self.get("/user")
    }

    fn whoami(&self) -> Result<TokenInfo, Error> {
        let answer = self.execute("GET", Target::Api("/user"), None, Retry::Safe)?;
        let user: User = self.decode("GET /user", &answer.body)?;
        Ok(TokenInfo {
            login: user.login,
            scopes: TokenScopes::from_header(answer.scopes.as_deref()),
        })
    }

    fn as_token(&self, token: &crate::Token) -> Box<dyn GitHubRead> {
        Box::new(self.with_token(token.clone()))
    }

    fn repo(&self, r: &RepoRef) -> Result<Repo, Error> {
        self.get(&repo_path(r, ""))
    }

    fn stargazers(&self, r: &RepoRef) -> Result<StarList, Error> {
        #[derive(Deserialize)]
        struct Starred {
            starred_at: String,
            user: WireOwner,
        }
        let path = repo_path(r, "/stargazers?per_page=100");
        let paged = self.get_all_as::<Starred>(&path, None, STAR_JSON)?;
        Ok(StarList {
            capped: paged.last_page >= STARGAZER_PAGE_CAP,
            stargazers: paged
                .items
                .into_iter()
                .map(|s| Stargazer {
                    login: s.user.login,
                    starred_at: s.starred_at,
                })
                .collect(),
        })
    }

    fn forks(&self, r: &RepoRef) -> Result<Vec<Fork>, Error> {
        #[derive(Deserialize)]
        struct WireFork {
            full_name: String,
            created_at: String,
        }
        let path = repo_path(r, "/forks?sort=oldest&per_page=100");
        let forks: Vec<WireFork> = self.get_all(&path, None)?;
        Ok(forks
            .into_iter()
            .map(|fork| Fork {
                full_name: fork.full_name,
                created_at: fork.created_at,
            })
            .collect())
    }

    fn gist_revision(&self, id: &str) -> Result<Option<String>, Error> {
        let path = format!("/gists/{}/commits?per_page=1", encode(id));
        let newest: Option<Vec<WireCommit>> = self.get_optional(&path)?;
        Ok(newest.and_then(|commits| commits.into_iter().next().map(|c| c.version)))
    }

    fn gist_commits(&self, id: &str) -> Result<Option<Vec<GistCommit>>, Error> {
        let path = format!("/gists/{}/commits?per_page=100", encode(id));
        match self.get_all::<WireCommit>(&path, None) {
            Ok(commits) => Ok(Some(commits.into_iter().map(GistCommit::from).collect())),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn gist_at(&self, id: &str, version: &str) -> Result<Option<Gist>, Error> {
        let path = format!("/gists/{}/{}", encode(id), encode(version));
        match self.execute("GET", Target::Api(&path), None, Retry::Safe) {
            Ok(answer) => self
                .complete_gist(&format!("GET {path}"), &answer.body)
                .map(|mut gist| {
                    gist.revision = Some(version.to_string());
                    gist
                }),
            Err(error) if error.kind == ErrorKind::NotFound => return Ok(None),
            Err(error) => Err(error),
        }
        .map(Some)
    }

    fn list_gists(&self) -> Result<Vec<GistSummary>, Error> {
        let wire: Vec<WireGist> = self.get_all("/gists?per_page=100", None)?;
        Ok(wire.into_iter().map(WireGist::summary).collect())
    }

    fn list_gists_at_once(&self, pages: usize) -> Result<Vec<GistSummary>, Error> {
        let wire: Vec<WireGist> = self.get_all_at_once("/gists?per_page=100", None, pages)?;
        Ok(wire.into_iter().map(WireGist::summary).collect())
    }

    fn newest_gists(&self, count: u32) -> Result<Vec<GistSummary>, Error> {
        let path = format!("/gists?per_page={}", count.clamp(1, 100));
        let wire: Vec<WireGist> = self.get(&path)?;
        Ok(wire.into_iter().map(WireGist::summary).collect())
    }

    fn gist(&self, id: &str) -> Result<Option<Gist>, Error> {
        let path = format!("/gists/{}", encode(id));
        match self.execute("GET", Target::Api(&path), None, Retry::Safe) {
            Ok(answer) => self
                .complete_gist(&format!("GET {path}"), &answer.body)
                .map(Some),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn list_variables(&self, r: &RepoRef) -> Result<Vec<Variable>, Error> {
        self.get_all(
            &repo_path(r, "/actions/variables?per_page=30"),
            Some("variables"),
        )
    }

    fn variable(&self, r: &RepoRef, name: &str) -> Result<Option<Variable>, Error> {
        self.get_optional(&repo_path(
            r,
            &format!("/actions/variables/{}", encode(name)),
        ))
    }

    fn secret_public_key(&self, r: &RepoRef) -> Result<SecretPublicKey, Error> {
        self.get(&repo_path(r, "/actions/secrets/public-key"))
    }

    fn secret(&self, r: &RepoRef, name: &str) -> Result<Option<SecretMeta>, Error> {
        self.get_optional(&repo_path(r, &format!("/actions/secrets/{}", encode(name))))
    }

    fn traffic_clones(&self, r: &RepoRef) -> Result<TrafficSeries, Error> {
        self.get(&repo_path(r, "/traffic/clones?per=day"))
    }

    fn traffic_views(&self, r: &RepoRef) -> Result<TrafficSeries, Error> {
        self.get(&repo_path(r, "/traffic/views?per=day"))
    }

    fn top_referrers(&self, r: &RepoRef) -> Result<Vec<Referrer>, Error> {
        self.get(&repo_path(r, "/traffic/popular/referrers"))
    }

    fn top_paths(&self, r: &RepoRef) -> Result<Vec<PopularPath>, Error> {
        self.get(&repo_path(r, "/traffic/popular/paths"))
    }

    fn releases(&self, r: &RepoRef) -> Result<Vec<Release>, Error> {
        self.get_all(&repo_path(r, "/releases?per_page=100"), None)
    }

    fn workflow_runs(&self, r: &RepoRef, created: &str) -> Result<Vec<WorkflowRun>, Error> {
        let path = repo_path(
            r,
            &format!("/actions/runs?created={}&per_page=100", encode(created)),
        );
        self.get_all(&path, Some("workflow_runs"))
    }

    fn latest_runs(
        &self,
        r: &RepoRef,
        workflow: &str,
        count: u32,
    ) -> Result<Option<Vec<WorkflowRun>>, Error> {
        #[derive(Deserialize)]
        struct Page {
            workflow_runs: Vec<WorkflowRun>,
        }
        let path = repo_path(
            r,
            &format!(
                "/actions/workflows/{}/runs?per_page={}",
                encode(workflow),
                count.clamp(1, 100)
            ),
        );
        let page: Option<Page> = self.get_optional(&path)?;
        Ok(page.map(|page| {
            let mut runs = page.workflow_runs;
            runs.truncate(count as usize);
            runs
        }))
    }

    fn run_jobs(&self, r: &RepoRef, run_id: u64) -> Result<Vec<Job>, Error> {
        self.get_all(
            &repo_path(r, &format!("/actions/runs/{run_id}/jobs?per_page=100")),
            Some("jobs"),
        )
    }

    fn workflows(&self, r: &RepoRef) -> Result<Vec<Workflow>, Error> {
        self.get_all(
            &repo_path(r, "/actions/workflows?per_page=100"),
            Some("workflows"),
        )
    }

    fn pages(&self, r: &RepoRef) -> Result<Option<Pages>, Error> {
        self.get_optional(&repo_path(r, "/pages"))
    }

    fn content(&self, r: &RepoRef, path: &str) -> Result<Option<Content>, Error> {
        self.content_from(path, contents_path(r, path))
    }

    fn content_at(&self, r: &RepoRef, path: &str, git_ref: &str) -> Result<Option<Content>, Error> {
        let api_path = format!("{}?ref={}", contents_path(r, path), encode(git_ref));
        self.content_from(path, api_path)
    }

    fn rate_limit(&self) -> Result<RateLimit, Error> {
        #[derive(Deserialize)]
        struct Resources {
            core: RateLimit,
        }
        #[derive(Deserialize)]
        struct Answer {
            resources: Resources,
        }
        Ok(self.get::<Answer>("/rate_limit")?.resources.core)
    }
}

impl Client {
    /// `GET` of a contents path (with or without `?ref=`), decoded to a file.
    fn content_from(&self, path: &str, api_path: String) -> Result<Option<Content>, Error> {
        let request = format!("GET {api_path}");
        let Some(value) = self.get_optional::<Value>(&api_path)? else {
            return Ok(None);
        };
        if value.is_array() {
            return Err(Error::decode(
                &request,
                format!("`{path}` is a directory, not a file"),
            ));
        }
        let wire: WireContent =
            serde_json::from_value(value).map_err(|e| Error::decode(&request, e))?;
        let bytes = match (wire.content, wire.encoding.as_deref()) {
            (Some(content), Some("base64")) => {
                let compact: String = content.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|e| Error::decode(&request, e))?
            }
            (Some(_), Some("none")) => {
                return Err(Error::decode(
                    &request,
                    format!("`{path}` is too large for the contents API"),
                ))
            }
            (Some(content), _) => content.into_bytes(),
            (None, _) => {
                return Err(Error::decode(
                    &request,
                    format!("`{path}` has no content (not a file)"),
                ))
            }
        };
        Ok(Some(Content {
            path: wire.path,
            sha: wire.sha,
            bytes,
        }))
    }
}
