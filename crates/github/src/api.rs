//! The read/write split: observers and planners receive `&dyn GitHubRead` and therefore cannot
//! mutate anything; only executors are handed a `GitHubWrite`. The compiler enforces that a
//! plan is computed without side effects.

use crate::error::Error;
use crate::repo_ref::RepoRef;
use crate::types::*;
use std::collections::BTreeMap;

/// Read-only operations. Lists return all pages. `Option` results are `None` on 404.
pub trait GitHubRead: Send + Sync {
    /// `GET /user`: who the token belongs to (the owner of the gists we create).
    fn current_user(&self) -> Result<User, Error>;
    /// `GET /user` read for its `X-OAuth-Scopes` header: the token's login and its classic
    /// scopes, or [`TokenScopes::FineGrained`] when GitHub sends no scopes header. A rejected
    /// token is an [`crate::ErrorKind::Unauthorized`] error.
    fn whoami(&self) -> Result<TokenInfo, Error>;
    /// The same reads made with another token (e.g. the workflow token ghtraf is about to
    /// store), so a planner can check what that token may do without being able to write.
    fn as_token(&self, token: &crate::Token) -> Box<dyn GitHubRead>;
    /// `GET /repos/{o}/{r}`.
    fn repo(&self, r: &RepoRef) -> Result<Repo, Error>;
    /// Everyone who starred the repository with the time they did (star+json), oldest first,
    /// all pages (fetched concurrently), up to GitHub's 400-page cap ([`StarList::capped`]).
    /// A repository whose stargazer list is restricted answers 403
    /// ([`crate::ErrorKind::MissingPermission`]).
    fn stargazers(&self, r: &RepoRef) -> Result<StarList, Error>;
    /// Forks with their `created_at`, oldest first, all pages.
    fn forks(&self, r: &RepoRef) -> Result<Vec<Fork>, Error>;
    /// The newest revision of a gist (one small request: the first commit), None when the
    /// gist does not exist. Cheap enough to re-read right before a write.
    fn gist_revision(&self, id: &str) -> Result<Option<String>, Error>;
    /// Every revision of a gist, newest first, all pages; None when the gist does not exist.
    fn gist_commits(&self, id: &str) -> Result<Option<Vec<GistCommit>>, Error>;
    /// The gist as it was at revision `version`, with full contents; None when absent.
    fn gist_at(&self, id: &str, version: &str) -> Result<Option<Gist>, Error>;
    /// `GET /gists`, all pages: the authenticated user's gists, file names only.
    fn list_gists(&self) -> Result<Vec<GistSummary>, Error>;
    /// [`GitHubRead::list_gists`] asking for pages 1..=`pages` at once, before the first answer
    /// says how many there are: up to `pages` × 100 gists in one round trip instead of two,
    /// at the cost of an empty answer for each page past the end (pages beyond the guess
    /// follow at once from `rel="last"`). For a caller whose next step waits on the list.
    fn list_gists_at_once(&self, pages: usize) -> Result<Vec<GistSummary>, Error>;
    /// The `count` (1–100) most recently updated gists: one request, e.g. to learn whether a
    /// token may list gists at all without reading every page.
    fn newest_gists(&self, count: u32) -> Result<Vec<GistSummary>, Error>;
    /// `GET /gists/{id}` with every file's full content (truncated files fetched via `raw_url`).
    fn gist(&self, id: &str) -> Result<Option<Gist>, Error>;
    /// `GET .../actions/variables`, all pages.
    fn list_variables(&self, r: &RepoRef) -> Result<Vec<Variable>, Error>;
    fn variable(&self, r: &RepoRef, name: &str) -> Result<Option<Variable>, Error>;
    fn secret_public_key(&self, r: &RepoRef) -> Result<SecretPublicKey, Error>;
    /// Secret metadata (never the value).
    fn secret(&self, r: &RepoRef, name: &str) -> Result<Option<SecretMeta>, Error>;
    /// `GET .../traffic/clones?per=day`: the last 14 days.
    fn traffic_clones(&self, r: &RepoRef) -> Result<TrafficSeries, Error>;
    /// `GET .../traffic/views?per=day`: the last 14 days.
    fn traffic_views(&self, r: &RepoRef) -> Result<TrafficSeries, Error>;
    fn top_referrers(&self, r: &RepoRef) -> Result<Vec<Referrer>, Error>;
    fn top_paths(&self, r: &RepoRef) -> Result<Vec<PopularPath>, Error>;
    /// All releases with their assets' download counts.
    fn releases(&self, r: &RepoRef) -> Result<Vec<Release>, Error>;
    /// Runs filtered by GitHub's `created` syntax (`2024-05-01`, `>=2024-05-01`, ...), all pages.
    fn workflow_runs(&self, r: &RepoRef, created: &str) -> Result<Vec<WorkflowRun>, Error>;
    /// The `count` most recent runs (newest first, one page, at most 100) of one workflow
    /// (id or file name, e.g. `traffic-badges.yml`); None when the workflow does not exist.
    fn latest_runs(
        &self,
        r: &RepoRef,
        workflow: &str,
        count: u32,
    ) -> Result<Option<Vec<WorkflowRun>>, Error>;
    /// All jobs of a run, with steps.
    fn run_jobs(&self, r: &RepoRef, run_id: u64) -> Result<Vec<Job>, Error>;
    fn workflows(&self, r: &RepoRef) -> Result<Vec<Workflow>, Error>;
    /// None when Pages is not enabled.
    fn pages(&self, r: &RepoRef) -> Result<Option<Pages>, Error>;
    /// A file on the default branch, decoded; None when absent. A directory is an error.
    fn content(&self, r: &RepoRef, path: &str) -> Result<Option<Content>, Error>;
    /// A file on another branch (or tag, or commit) `git_ref`, decoded (`?ref=`); None when
    /// the file or the ref is absent. A directory is an error.
    fn content_at(&self, r: &RepoRef, path: &str, git_ref: &str) -> Result<Option<Content>, Error>;
    fn rate_limit(&self) -> Result<RateLimit, Error>;
}

/// Mutations: only executors get this.
pub trait GitHubWrite: GitHubRead {
    /// `POST /gists`. Never retried on network errors or 5xx: a lost response may have created
    /// the gist, so callers must re-observe (find it by description) before creating again.
    fn create_gist(
        &self,
        description: &str,
        public: bool,
        files: &BTreeMap<String, String>,
    ) -> Result<Gist, Error>;
    /// `PATCH /gists/{id}`: `Some(content)` writes a file, `None` deletes it.
    fn update_gist(
        &self,
        id: &str,
        files: &BTreeMap<String, Option<String>>,
    ) -> Result<Gist, Error>;
    /// [`GitHubWrite::update_gist`] only while the gist is still at `revision` (observed while
    /// planning): the revision is re-read right before the PATCH, and a different one is an
    /// [`crate::ErrorKind::StaleRevision`] error with nothing written.
    ///
    /// The remaining race: GitHub has no `If-Match` for gists, so a write landing between
    /// that re-read and the PATCH (a window of one round trip) is not detected here. The
    /// answer's `history` shows it afterwards: when the revision before ours is not
    /// `revision`, the returned gist's `overwritten_revision` names it, so callers can report
    /// (and repair) instead of silently losing it.
    fn update_gist_at(
        &self,
        id: &str,
        files: &BTreeMap<String, Option<String>>,
        revision: &str,
    ) -> Result<GistUpdate, Error>;
    /// `PATCH /gists/{id}` with only a new description (a rename keeps the id, so every badge
    /// URL keeps working; GitHub makes no new revision for it).
    fn rename_gist(&self, id: &str, description: &str) -> Result<Gist, Error>;
    /// `DELETE /gists/{id}`. GitHub answers 404 both for a missing gist and for a token
    /// without the gist scope, so a 404 is a [`crate::ErrorKind::MissingPermission`] error;
    /// callers that care look whether the gist still exists.
    fn delete_gist(&self, id: &str) -> Result<(), Error>;
    /// `POST .../actions/variables`. Retried; if a retry meets 409 the earlier attempt landed,
    /// which counts as success when the stored value equals `value` (else a Conflict error with
    /// [`Error::after_retry`] set). A 409 on the first attempt is a Conflict error.
    fn create_variable(&self, r: &RepoRef, name: &str, value: &str) -> Result<(), Error>;
    /// `PATCH .../actions/variables/{name}`.
    fn update_variable(&self, r: &RepoRef, name: &str, value: &str) -> Result<(), Error>;
    /// Fetches the repository key, seals `plaintext`, `PUT`s it.
    fn put_secret(&self, r: &RepoRef, name: &str, plaintext: &str) -> Result<SecretWrite, Error>;
    /// `PUT .../contents/{path}` on the default branch: creates the file (`sha` None) or
    /// replaces the version `sha` names. Returns the new blob sha. A stale `sha` is a Conflict.
    /// Resent after a lost answer; if the resend is refused, the file counts as written when
    /// it now holds exactly `bytes`.
    fn put_content(
        &self,
        r: &RepoRef,
        path: &str,
        message: &str,
        bytes: &[u8],
        sha: Option<&str>,
    ) -> Result<String, Error>;
    /// `POST .../pages` from `branch` and `path` (`/` or `/docs`).
    fn create_pages(&self, r: &RepoRef, branch: &str, path: &str) -> Result<Pages, Error>;
    /// `PUT .../pages` source.
    fn update_pages(&self, r: &RepoRef, branch: &str, path: &str) -> Result<(), Error>;
    /// `PUT .../actions/workflows/{workflow}/disable` (`workflow` = id or file name): the
    /// workflow stops running until enabled; its state shows `disabled_manually`.
    fn disable_workflow(&self, r: &RepoRef, workflow: &str) -> Result<(), Error>;
    /// `PUT .../actions/workflows/{workflow}/enable`.
    fn enable_workflow(&self, r: &RepoRef, workflow: &str) -> Result<(), Error>;
    /// `POST .../actions/workflows/{workflow}/dispatches` (`workflow` = id or file name).
    /// Not retried on network errors or 5xx, to avoid duplicate runs.
    fn dispatch_workflow(&self, r: &RepoRef, workflow: &str, git_ref: &str) -> Result<(), Error>;
}
