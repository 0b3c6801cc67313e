//! The GitHub API operations: request checks (User-Agent, token, body schema), the
//! handlers that read and change the world, and the response contract check. Handlers
//! build the fields that mean something; the schema filler supplies the unmodelled
//! required ones (mostly URLs) so every response has GitHub's published shape.

use crate::http::{self, Request, Response};
use crate::openapi::{self, percent_decode};
use crate::schema::{validate, Filler};
use crate::world::{self, Gist, GistRevision, Pages, Repo, Run, SecretMeta, Variable, World};
use crate::{lock, Shared};
use base64::Engine;
use crypto_box::{PublicKey, SecretKey};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use time::{Duration, OffsetDateTime, Time};

mod access;
mod actions;
mod contents;
mod gists;
mod paging;
mod repos;
mod settings;

use access::{access_denied, authenticate, presented_token, scopes_header};
use actions::*;
use contents::*;
use gists::*;
use paging::*;
use repos::*;
use settings::*;

const DOCS: &str = "https://docs.github.com/rest";
/// GitHub truncates gist file content in API responses above this size.
const TRUNCATE_AT: usize = 1_048_576;
const RATE_LIMIT: u64 = 5000;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The mutable server state behind one lock: the world plus what GitHub never shows.
pub struct State {
    pub world: World,
    /// Secret plaintexts keyed by `owner/repo/NAME`.
    plaintexts: HashMap<String, String>,
    secret_key: SecretKey,
    public_key: String,
    key_id: String,
    /// Logical clock ticks for worlds with a pinned `today`.
    tick: i64,
    /// API requests served so far, for the rate-limit headers.
    pub requests_served: u64,
    next_id: u64,
}

/// What a handler answers.
struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(String, String)>,
}

fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        body: Some(body),
        headers: Vec::new(),
    }
}

fn no_content() -> Reply {
    Reply {
        status: 204,
        body: None,
        headers: Vec::new(),
    }
}

fn error(status: u16, message: &str) -> Reply {
    reply(
        status,
        json!({"message": message, "documentation_url": DOCS, "status": status.to_string()}),
    )
}

fn not_found() -> Reply {
    error(404, "Not Found")
}

fn invalid(detail: &str) -> Reply {
    error(422, &format!("Invalid request.\n\n{detail}"))
}

/// One API call's inputs.
struct Call<'a> {
    /// The API base (origin + API prefix).
    base: &'a str,
    /// The base of gist raw URLs (origin + raw prefix).
    raw_base: &'a str,
    /// The API path without the API prefix.
    path: &'a str,
    params: &'a HashMap<String, String>,
    query: &'a BTreeMap<String, String>,
    raw_query: &'a str,
    body: &'a Value,
    accept: &'a str,
}

impl Call<'_> {
    fn param(&self, name: &str) -> &str {
        self.params
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn repo_key(&self) -> String {
        format!("{}/{}", self.param("owner"), self.param("repo"))
    }
}

fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&key.replace('+', " ")),
                percent_decode(&value.replace('+', " ")),
            )
        })
        .collect()
}

impl State {
    pub fn new(world: World) -> State {
        let secret_key = SecretKey::generate(&mut crypto_box::aead::OsRng);
        let public: PublicKey = secret_key.public_key();
        let public_bytes = public.as_bytes();
        let key_id = public_bytes
            .iter()
            .take(8)
            .fold(0u64, |acc, byte| {
                acc.wrapping_mul(256).wrapping_add(u64::from(*byte))
            })
            .to_string();
        State {
            world,
            plaintexts: HashMap::new(),
            public_key: b64().encode(public_bytes),
            secret_key,
            key_id,
            tick: 0,
            requests_served: 0,
            next_id: 1,
        }
    }

    /// The world clock: real UTC time, or `today` at noon plus one second per reading when
    /// `today` is pinned (deterministic, yet `updated_at` still moves on every write).
    pub fn now(&mut self) -> String {
        self.tick += 1;
        self.current_time()
    }

    /// The clock's current reading without advancing it (for placeholders in reads).
    fn current_time(&self) -> String {
        match self.world.today.as_deref().and_then(world::parse_day) {
            Some(date) => world::timestamp(
                date.with_time(Time::from_hms(12, 0, 0).unwrap_or(Time::MIDNIGHT))
                    .assume_utc()
                    + Duration::seconds(self.tick),
            ),
            None => world::timestamp(OffsetDateTime::now_utc()),
        }
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn fresh_gist_id(&mut self) -> String {
        let counter = self.fresh_id();
        let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
        let high = splitmix(counter ^ nanos);
        let low = splitmix(high ^ counter);
        format!("{high:016x}{low:016x}")
    }

    pub fn patch_world(&mut self, patch: &Value) -> Result<(), String> {
        let mut document = serde_json::to_value(&self.world).map_err(|e| e.to_string())?;
        merge_patch(&mut document, patch);
        self.world = serde_json::from_value(document).map_err(|e| format!("invalid world: {e}"))?;
        Ok(())
    }

    pub fn plaintext(&self, owner: &str, repo: &str, name: &str) -> Option<String> {
        self.plaintexts
            .get(&format!("{owner}/{repo}/{}", name.to_ascii_uppercase()))
            .cloned()
    }

    pub fn add_gist(
        &mut self,
        owner: &str,
        description: &str,
        public: bool,
        files: &[(&str, &str)],
    ) -> String {
        let id = self.fresh_gist_id();
        let now = self.now();
        let mut gist = Gist {
            owner: owner.to_string(),
            description: Some(description.to_string()),
            public,
            files: files
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string()))
                .collect(),
            created_at: now.clone(),
            updated_at: now.clone(),
            history: Vec::new(),
        };
        record_revision(&mut gist, &id, &now);
        self.world.gists.insert(id.clone(), gist);
        id
    }

    pub fn set_variable(&mut self, owner: &str, repo: &str, name: &str, value: &str) {
        let now = self.now();
        let repo = self
            .world
            .repos
            .entry(format!("{owner}/{repo}"))
            .or_default();
        let variable = repo
            .variables
            .entry(name.to_ascii_uppercase())
            .or_insert_with(|| Variable {
                created_at: now.clone(),
                ..Variable::default()
            });
        variable.value = value.to_string();
        variable.updated_at = now;
    }

    /// Serves `{raw_prefix}/{owner}/{id}/raw/{file}` (given without the prefix): the full
    /// file text, like gist.githubusercontent.com.
    pub fn raw_gist(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix('/')?;
        let parts: Vec<&str> = rest.split('/').collect();
        let (owner, id, raw, sha, file) = match parts.as_slice() {
            [owner, id, raw, file] => (*owner, *id, *raw, None, *file),
            [owner, id, raw, sha, file] => (*owner, *id, *raw, Some(*sha), *file),
            _ => return None,
        };
        let gist = self.world.gists.get(id)?;
        if raw != "raw" || gist.owner != owner {
            return None;
        }
        let file = percent_decode(file);
        match sha {
            None => gist.files.get(&file).cloned(),
            Some(sha) => revisions(id, gist)
                .into_iter()
                .find(|revision| revision.version == sha)?
                .files
                .remove(&file),
        }
    }
}

fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(members) = target {
        for (key, value) in patch_members {
            if value.is_null() {
                members.remove(key);
            } else {
                merge_patch(members.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Handles one API request end to end (after faults and latency).
pub fn serve(shared: &Shared, request: &Request) -> (Response, Option<String>) {
    let base = shared.base_url();
    let raw_path = request
        .path
        .strip_prefix(shared.raw_prefix.as_str())
        .filter(|rest| rest.starts_with('/'));
    if let (Some(raw_path), "GET") = (raw_path, request.method.as_str()) {
        let text = lock(&shared.state).raw_gist(raw_path);
        let mut response = match text {
            Some(text) => http::plain(200, &text),
            None => http::plain(404, "404: Not Found"),
        };
        response
            .headers
            .push(("Access-Control-Allow-Origin".to_string(), "*".to_string()));
        return (response, None);
    }
    let (reply, operation, scopes) = route(shared, request, &base);
    let mut state = lock(&shared.state);
    state.requests_served += 1;
    let used = state.requests_served;
    let mut headers = vec![
        ("Access-Control-Allow-Origin".to_string(), "*".to_string()),
        (
            "X-GitHub-Api-Version-Selected".to_string(),
            "2022-11-28".to_string(),
        ),
        ("X-RateLimit-Limit".to_string(), RATE_LIMIT.to_string()),
        (
            "X-RateLimit-Remaining".to_string(),
            RATE_LIMIT.saturating_sub(used).to_string(),
        ),
        ("X-RateLimit-Used".to_string(), used.to_string()),
        (
            "X-RateLimit-Reset".to_string(),
            (OffsetDateTime::now_utc().unix_timestamp() + 3600).to_string(),
        ),
        ("X-RateLimit-Resource".to_string(), "core".to_string()),
    ];
    if let Some(scopes) = scopes {
        headers.push(("X-OAuth-Scopes".to_string(), scopes));
    }
    headers.extend(reply.headers);
    let body = match reply.body {
        Some(body) => {
            let now = state.current_time();
            drop(state);
            let body =
                match operation.and_then(|op| op.response_schema(reply.status).map(|s| (op, s))) {
                    Some((op, schema)) => {
                        let filler = Filler {
                            base_url: &base,
                            now: &now,
                        };
                        let completed = filler.complete(schema, body);
                        for problem in validate(schema, &completed) {
                            shared.record_violation(format!(
                                "response {} {} {}: {problem}",
                                op.operation_id, request.path, reply.status
                            ));
                        }
                        completed
                    }
                    None => body,
                };
            headers.push((
                "Content-Type".to_string(),
                "application/json; charset=utf-8".to_string(),
            ));
            serde_json::to_vec(&body).unwrap_or_default()
        }
        None => Vec::new(),
    };
    let response = Response {
        status: reply.status,
        headers,
        body,
    };
    (response, operation.map(|op| op.operation_id.clone()))
}

/// Checks User-Agent, token, route and body, then runs the handler.
fn route(
    shared: &Shared,
    request: &Request,
    base: &str,
) -> (Reply, Option<&'static openapi::Operation>, Option<String>) {
    if request.header("user-agent").is_none_or(str::is_empty) {
        return (
            error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required)."),
            None,
            None,
        );
    }
    let grant = {
        let state = lock(&shared.state);
        authenticate(
            &state.world,
            shared.token.as_deref(),
            presented_token(request),
        )
    };
    let grant = match grant {
        Ok(grant) => grant,
        Err(denied) => return (denied, None, None),
    };
    let scopes = scopes_header(grant.as_ref());
    let Some(path) = request
        .path
        .strip_prefix(shared.api_prefix.as_str())
        .filter(|rest| rest.starts_with('/'))
    else {
        return (not_found(), None, scopes);
    };
    let matched = match openapi::spec().find(&request.method, path) {
        Ok(matched) => matched,
        Err(_) => return (not_found(), None, scopes),
    };
    let operation = matched.operation;
    let mut body = Value::Null;
    if let Some(schema) = operation.request_schema() {
        let text = String::from_utf8_lossy(&request.body);
        if text.trim().is_empty() {
            if operation.body_required() {
                shared.record_violation(format!(
                    "request {} {}: missing body",
                    operation.operation_id, request.path
                ));
                return (error(400, "Problems parsing JSON"), Some(operation), scopes);
            }
        } else {
            body = match serde_json::from_str(&text) {
                Ok(body) => body,
                Err(_) => {
                    shared.record_violation(format!(
                        "request {} {}: body is not JSON",
                        operation.operation_id, request.path
                    ));
                    return (error(400, "Problems parsing JSON"), Some(operation), scopes);
                }
            };
            let problems = validate(schema, &body);
            if !problems.is_empty() {
                for problem in &problems {
                    shared.record_violation(format!(
                        "request {} {}: {problem}",
                        operation.operation_id, request.path
                    ));
                }
                return (invalid(&problems.join("\n")), Some(operation), scopes);
            }
        }
    }
    let query = parse_query(&request.query);
    let raw_base = shared.raw_base();
    let mut state = lock(&shared.state);
    let params = canonical_repo(&state.world, &matched.params);
    let call = Call {
        base,
        raw_base: &raw_base,
        path,
        params: &params,
        query: &query,
        raw_query: &request.query,
        body: &body,
        accept: request.header("accept").unwrap_or_default(),
    };
    let reply = match access_denied(&state, grant.as_ref(), operation, &call) {
        Some(denied) => denied,
        None => dispatch(&mut state, &operation.operation_id, &call),
    };
    (reply, Some(operation), scopes)
}

/// GitHub's owner and repository names are case-insensitive: `OCTO/Demo`
/// names `octo/demo`, and every answer spells it as it was created. The
/// path's `owner` and `repo` are replaced by the stored spelling when one
/// matches ignoring ASCII case.
fn canonical_repo(world: &World, params: &HashMap<String, String>) -> HashMap<String, String> {
    let mut params = params.clone();
    if let (Some(owner), Some(repo)) = (params.get("owner"), params.get("repo")) {
        let wanted = format!("{owner}/{repo}");
        if !world.repos.contains_key(&wanted) {
            let found = world
                .repos
                .keys()
                .find(|key| key.eq_ignore_ascii_case(&wanted))
                .and_then(|key| key.split_once('/'))
                .map(|(o, r)| (o.to_string(), r.to_string()));
            if let Some((o, r)) = found {
                params.insert("owner".to_string(), o);
                params.insert("repo".to_string(), r);
            }
        }
    }
    params
}

fn dispatch(state: &mut State, operation_id: &str, call: &Call<'_>) -> Reply {
    match operation_id {
        "users/get-authenticated" => get_user(state, call),
        "rate-limit/get" => rate_limit(state),
        "gists/list" => list_gists(state, call),
        "gists/create" => create_gist(state, call),
        "gists/get" => get_gist(state, call),
        "gists/update" => update_gist(state, call),
        "gists/delete" => delete_gist(state, call),
        "gists/list-commits" => list_gist_commits(state, call),
        "gists/get-revision" => get_gist_revision(state, call),
        "repos/get" => get_repo(state, call),
        "activity/list-stargazers-for-repo" => stargazers(state, call),
        "repos/list-forks" => forks(state, call),
        "repos/get-clones" => traffic(state, call, "clones"),
        "repos/get-views" => traffic(state, call, "views"),
        "repos/get-top-referrers" => popular(state, call, true),
        "repos/get-top-paths" => popular(state, call, false),
        "repos/list-releases" => releases(state, call),
        "actions/list-repo-variables" => list_variables(state, call),
        "actions/create-repo-variable" => create_variable(state, call),
        "actions/get-repo-variable" => get_variable(state, call),
        "actions/update-repo-variable" => update_variable(state, call),
        "actions/get-repo-public-key" => public_key(state, call),
        "actions/get-repo-secret" => get_secret(state, call),
        "actions/create-or-update-repo-secret" => put_secret(state, call),
        "actions/list-repo-workflows" => list_workflows(state, call),
        "actions/get-workflow" => get_workflow(state, call),
        "actions/create-workflow-dispatch" => dispatch_workflow(state, call),
        "actions/disable-workflow" => set_workflow_state(state, call, "disabled_manually"),
        "actions/enable-workflow" => set_workflow_state(state, call, "active"),
        "actions/list-workflow-runs-for-repo" => list_runs(state, call, None),
        "actions/list-workflow-runs" => {
            let repo = call.repo_key();
            match state
                .world
                .repos
                .get(&repo)
                .and_then(|r| find_workflow(r, call.param("workflow_id")))
            {
                Some((id, _)) => list_runs(state, call, Some(id)),
                None => not_found(),
            }
        }
        "actions/list-jobs-for-workflow-run" => list_jobs(state, call),
        "repos/get-pages" => get_pages(state, call),
        "repos/create-pages-site" => create_pages(state, call),
        "repos/update-information-about-pages-site" => update_pages(state, call),
        "repos/get-content" => get_content(state, call),
        "repos/create-or-update-file-contents" => put_content(state, call),
        _ => not_found(),
    }
}
