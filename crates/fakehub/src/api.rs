//! The GitHub API operations: request checks (User-Agent, token, body schema), the
//! handlers that read and change the world, and the response contract check. Handlers
//! build the fields that mean something; the schema filler supplies the unmodelled
//! required ones (mostly URLs) so every response has GitHub's published shape.

use crate::http::{self, Request, Response};
use crate::openapi::{self, percent_decode};
use crate::schema::{validate, Filler};
use crate::world::{self, Gist, Pages, Repo, Run, SecretMeta, Variable, World};
use crate::{lock, Shared};
use base64::Engine;
use crypto_box::{PublicKey, SecretKey};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use time::{Duration, OffsetDateTime, Time};

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
    base: &'a str,
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
        self.world.gists.insert(
            id.clone(),
            Gist {
                owner: owner.to_string(),
                description: Some(description.to_string()),
                public,
                files: files
                    .iter()
                    .map(|(name, text)| (name.to_string(), text.to_string()))
                    .collect(),
                created_at: now.clone(),
                updated_at: now,
            },
        );
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

    /// Serves `/gist-raw/{owner}/{id}/raw/{file}`: the full file text, like gist.githubusercontent.com.
    pub fn raw_gist(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix("/gist-raw/")?;
        let mut parts = rest.splitn(4, '/');
        let (owner, id, raw, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let gist = self.world.gists.get(id)?;
        if raw != "raw" || gist.owner != owner {
            return None;
        }
        gist.files.get(&percent_decode(file)).cloned()
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
    if request.method == "GET" && request.path.starts_with("/gist-raw/") {
        let text = lock(&shared.state).raw_gist(&request.path);
        let mut response = match text {
            Some(text) => http::plain(200, &text),
            None => http::plain(404, "404: Not Found"),
        };
        response
            .headers
            .push(("Access-Control-Allow-Origin".to_string(), "*".to_string()));
        return (response, None);
    }
    let (reply, operation) = route(shared, request, &base);
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
    if let Some(scopes) = &state.world.token_scopes {
        headers.push(("X-OAuth-Scopes".to_string(), scopes.join(", ")));
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
) -> (Reply, Option<&'static openapi::Operation>) {
    if request.header("user-agent").is_none_or(str::is_empty) {
        return (
            error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required)."),
            None,
        );
    }
    if let Some(expected) = &shared.token {
        let presented = request.header("authorization").and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .or_else(|| value.strip_prefix("token "))
        });
        match presented {
            None => return (error(401, "Requires authentication"), None),
            Some(token) if token.trim() != expected => {
                return (error(401, "Bad credentials"), None)
            }
            Some(_) => {}
        }
    }
    let matched = match openapi::spec().find(&request.method, &request.path) {
        Ok(matched) => matched,
        Err(_) => return (not_found(), None),
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
                return (error(400, "Problems parsing JSON"), Some(operation));
            }
        } else {
            body = match serde_json::from_str(&text) {
                Ok(body) => body,
                Err(_) => {
                    shared.record_violation(format!(
                        "request {} {}: body is not JSON",
                        operation.operation_id, request.path
                    ));
                    return (error(400, "Problems parsing JSON"), Some(operation));
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
                return (invalid(&problems.join("\n")), Some(operation));
            }
        }
    }
    let query = parse_query(&request.query);
    let mut state = lock(&shared.state);
    let params = canonical_repo(&state.world, &matched.params);
    let call = Call {
        base,
        path: &request.path,
        params: &params,
        query: &query,
        raw_query: &request.query,
        body: &body,
        accept: request.header("accept").unwrap_or_default(),
    };
    let reply = match access_denied(&state, operation, &call) {
        Some(denied) => denied,
        None => dispatch(&mut state, &operation.operation_id, &call),
    };
    (reply, Some(operation))
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

/// Token scopes and repository permissions, the way GitHub refuses them: a gist write
/// without the `gist` scope is a 404; repository settings need admin rights (403).
fn access_denied(state: &State, operation: &openapi::Operation, call: &Call<'_>) -> Option<Reply> {
    let id = operation.operation_id.as_str();
    let settings = id.contains("-variable")
        || id.contains("-secret")
        || id == "actions/get-repo-public-key"
        || id.contains("pages");
    let repo_scoped = operation.template.starts_with("/repos/{owner}/{repo}/")
        && (operation.method != "GET"
            || settings
            || id.starts_with("repos/get-top")
            || id.starts_with("repos/get-clones")
            || id.starts_with("repos/get-views"));
    if let Some(scopes) = &state.world.token_scopes {
        let has = |scope: &str| scopes.iter().any(|s| s == scope);
        if id.starts_with("gists/") && operation.method != "GET" && !has("gist") {
            return Some(not_found());
        }
        let public = state
            .world
            .repos
            .get(&call.repo_key())
            .is_some_and(|r| !r.private);
        if repo_scoped && !has("repo") && !(public && has("public_repo")) {
            return Some(error(
                403,
                "Resource not accessible by personal access token",
            ));
        }
    }
    let admin = state
        .world
        .repos
        .get(&call.repo_key())
        .is_none_or(|r| r.permissions.admin);
    if settings && !admin {
        return Some(error(403, "Must have admin rights to Repository."));
    }
    None
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
        "repos/get" => get_repo(state, call),
        "repos/list-for-authenticated-user" => {
            let login = state.world.user.login.clone();
            list_repos(state, call, &login)
        }
        "repos/list-for-user" => list_repos(state, call, call.param("username")),
        "repos/list-for-org" => list_repos(state, call, call.param("org")),
        "activity/list-stargazers-for-repo" => stargazers(state, call),
        "repos/get-clones" => traffic(state, call, "clones"),
        "repos/get-views" => traffic(state, call, "views"),
        "repos/get-top-referrers" => popular(state, call, true),
        "repos/get-top-paths" => popular(state, call, false),
        "repos/list-releases" => releases(state, call),
        "actions/list-repo-variables" => list_variables(state, call),
        "actions/create-repo-variable" => create_variable(state, call),
        "actions/get-repo-variable" => get_variable(state, call),
        "actions/update-repo-variable" => update_variable(state, call),
        "actions/delete-repo-variable" => delete_variable(state, call),
        "actions/list-repo-secrets" => list_secrets(state, call),
        "actions/get-repo-public-key" => public_key(state, call),
        "actions/get-repo-secret" => get_secret(state, call),
        "actions/create-or-update-repo-secret" => put_secret(state, call),
        "actions/delete-repo-secret" => delete_secret(state, call),
        "actions/list-repo-workflows" => list_workflows(state, call),
        "actions/get-workflow" => get_workflow(state, call),
        "actions/create-workflow-dispatch" => dispatch_workflow(state, call),
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

/// Slices `items` for `per_page`/`page` and builds GitHub's `Link` header.
fn paginate(
    call: &Call<'_>,
    items: Vec<Value>,
    max_per_page: usize,
) -> (Vec<Value>, Vec<(String, String)>) {
    let per_page = call
        .query
        .get("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, max_per_page);
    let page = call
        .query
        .get("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    // Like GitHub: keep the caller's parameters in order, replace `page` at the end.
    let kept: Vec<&str> = call
        .raw_query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
        .collect();
    let link_to = |target: usize| {
        let mut query = kept.clone();
        let page = format!("page={target}");
        query.push(&page);
        format!("<{}{}?{}>", call.base, call.path, query.join("&"))
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link_to(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        links.push(format!("{}; rel=\"last\"", link_to(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", link_to(1)));
    }
    let headers = if links.is_empty() {
        Vec::new()
    } else {
        vec![("Link".to_string(), links.join(", "))]
    };
    (slice, headers)
}

fn paged(call: &Call<'_>, items: Vec<Value>, max_per_page: usize) -> Reply {
    let (page, headers) = paginate(call, items, max_per_page);
    Reply {
        status: 200,
        body: Some(Value::Array(page)),
        headers,
    }
}

fn paged_wrapped(call: &Call<'_>, key: &str, items: Vec<Value>, max_per_page: usize) -> Reply {
    let total = items.len();
    let (page, headers) = paginate(call, items, max_per_page);
    Reply {
        status: 200,
        body: Some(json!({"total_count": total, key: page})),
        headers,
    }
}

fn user_id(world: &World, login: &str) -> u64 {
    if login == world.user.login {
        world.user.id
    } else {
        1_000_000 + splitmix(login.bytes().fold(0, |acc, b| acc * 31 + u64::from(b))) % 1_000_000
    }
}

fn simple_user(base: &str, world: &World, login: &str) -> Value {
    let id = user_id(world, login);
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_{id}"),
        "avatar_url": format!("{base}/avatars/{login}"),
        "gravatar_id": "",
        "url": format!("{base}/users/{login}"),
        "html_url": format!("{base}/{login}"),
        "repos_url": format!("{base}/users/{login}/repos"),
        "gists_url": format!("{base}/users/{login}/gists{{/gist_id}}"),
        "events_url": format!("{base}/users/{login}/events{{/privacy}}"),
        "followers_url": format!("{base}/users/{login}/followers"),
        "following_url": format!("{base}/users/{login}/following{{/other_user}}"),
        "organizations_url": format!("{base}/users/{login}/orgs"),
        "received_events_url": format!("{base}/users/{login}/received_events"),
        "starred_url": format!("{base}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{base}/users/{login}/subscriptions"),
        "type": "User",
        "site_admin": false,
    })
}

fn get_user(state: &mut State, call: &Call<'_>) -> Reply {
    let world = &state.world;
    let login = world.user.login.clone();
    let mut user = simple_user(call.base, world, &login);
    let public_repos = world
        .repos
        .iter()
        .filter(|(key, repo)| key.starts_with(&format!("{login}/")) && !repo.private)
        .count();
    let private_repos = world
        .repos
        .iter()
        .filter(|(key, repo)| key.starts_with(&format!("{login}/")) && repo.private)
        .count();
    let (public_gists, private_gists) = world
        .gists
        .values()
        .filter(|gist| gist.owner == login)
        .fold(
            (0, 0),
            |(p, s), gist| if gist.public { (p + 1, s) } else { (p, s + 1) },
        );
    let extra = json!({
        "name": world.user.name, "company": null, "blog": "", "location": null, "email": null,
        "hireable": null, "bio": null, "twitter_username": null,
        "public_repos": public_repos, "public_gists": public_gists, "followers": 0, "following": 0,
        "created_at": world.user.created_at, "updated_at": world.user.created_at,
        "private_gists": private_gists, "total_private_repos": private_repos,
        "owned_private_repos": private_repos, "disk_usage": 0, "collaborators": 0,
        "two_factor_authentication": true,
    });
    if let (Value::Object(user), Value::Object(extra)) = (&mut user, extra) {
        user.extend(extra);
    }
    reply(200, user)
}

fn rate_limit(state: &mut State) -> Reply {
    let used = state.requests_served + 1;
    let reset = OffsetDateTime::now_utc().unix_timestamp() + 3600;
    let core = json!({"limit": RATE_LIMIT, "remaining": RATE_LIMIT.saturating_sub(used), "reset": reset, "used": used, "resource": "core"});
    let search =
        json!({"limit": 30, "remaining": 30, "reset": reset, "used": 0, "resource": "search"});
    reply(
        200,
        json!({"resources": {"core": core, "search": search}, "rate": core}),
    )
}

fn file_type(name: &str) -> (&'static str, &'static str) {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("json") => ("application/json", "JSON"),
        Some("md") => ("text/markdown", "Markdown"),
        Some("svg") => ("image/svg+xml", "SVG"),
        Some("csv") => ("text/csv", "CSV"),
        _ => ("text/plain", "Text"),
    }
}

/// Cuts `text` to at most `limit` bytes on a character boundary.
fn cut(text: &str, limit: usize) -> &str {
    let mut end = limit.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn gist_json(base: &str, world: &World, id: &str, gist: &Gist, with_content: bool) -> Value {
    let mut files = Map::new();
    for (name, text) in &gist.files {
        let (mime, language) = file_type(name);
        let mut file = json!({
            "filename": name,
            "type": mime,
            "language": language,
            "raw_url": format!("{base}/gist-raw/{}/{id}/raw/{name}", gist.owner),
            "size": text.len(),
        });
        if with_content {
            let truncated = text.len() > TRUNCATE_AT;
            file["truncated"] = json!(truncated);
            file["content"] = json!(cut(text, TRUNCATE_AT));
            file["encoding"] = json!("utf-8");
        }
        files.insert(name.clone(), file);
    }
    let mut value = json!({
        "url": format!("{base}/gists/{id}"),
        "forks_url": format!("{base}/gists/{id}/forks"),
        "commits_url": format!("{base}/gists/{id}/commits"),
        "id": id,
        "node_id": format!("G_{id}"),
        "git_pull_url": format!("{base}/{id}.git"),
        "git_push_url": format!("{base}/{id}.git"),
        "html_url": format!("{base}/{}/{id}", gist.owner),
        "files": files,
        "public": gist.public,
        "created_at": gist.created_at,
        "updated_at": gist.updated_at,
        "description": gist.description,
        "comments": 0,
        "comments_enabled": true,
        "user": null,
        "comments_url": format!("{base}/gists/{id}/comments"),
        "owner": simple_user(base, world, &gist.owner),
        "truncated": false,
    });
    if with_content {
        value["forks"] = json!([]);
        value["history"] = json!([]);
    }
    value
}

fn list_gists(state: &mut State, call: &Call<'_>) -> Reply {
    let login = &state.world.user.login;
    let since = call.query.get("since").cloned().unwrap_or_default();
    let mut gists: Vec<(&String, &Gist)> = state
        .world
        .gists
        .iter()
        .filter(|(_, gist)| &gist.owner == login && gist.updated_at >= since)
        .collect();
    gists.sort_by(|a, b| b.1.updated_at.cmp(&a.1.updated_at).then(a.0.cmp(b.0)));
    let items = gists
        .into_iter()
        .map(|(id, gist)| gist_json(call.base, &state.world, id, gist, false))
        .collect();
    paged(call, items, 100)
}

fn parse_public(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text == "true",
        _ => false,
    }
}

fn create_gist(state: &mut State, call: &Call<'_>) -> Reply {
    let Some(files) = call.body.get("files").and_then(Value::as_object) else {
        return invalid("files is missing");
    };
    let mut contents = BTreeMap::new();
    for (name, file) in files {
        let text = file
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if text.is_empty() {
            return invalid(&format!("Gist file {name:?}: contents can't be blank"));
        }
        contents.insert(name.clone(), text.to_string());
    }
    if contents.is_empty() {
        return invalid("files can't be blank");
    }
    let id = state.fresh_gist_id();
    let now = state.now();
    let gist = Gist {
        owner: state.world.user.login.clone(),
        description: call
            .body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        public: parse_public(call.body.get("public")),
        files: contents,
        created_at: now.clone(),
        updated_at: now,
    };
    let body = gist_json(call.base, &state.world, &id, &gist, true);
    state.world.gists.insert(id.clone(), gist);
    Reply {
        status: 201,
        body: Some(body),
        headers: vec![("Location".to_string(), format!("{}/gists/{id}", call.base))],
    }
}

fn get_gist(state: &mut State, call: &Call<'_>) -> Reply {
    let id = call.param("gist_id");
    match state.world.gists.get(id) {
        Some(gist) => reply(200, gist_json(call.base, &state.world, id, gist, true)),
        None => not_found(),
    }
}

fn update_gist(state: &mut State, call: &Call<'_>) -> Reply {
    let id = call.param("gist_id").to_string();
    let login = state.world.user.login.clone();
    let Some(mut gist) = state
        .world
        .gists
        .get(&id)
        .filter(|g| g.owner == login)
        .cloned()
    else {
        return not_found();
    };
    if let Some(description) = call.body.get("description") {
        gist.description = description.as_str().map(str::to_string);
    }
    if let Some(files) = call.body.get("files").and_then(Value::as_object) {
        for (name, change) in files {
            if change.is_null() {
                gist.files.remove(name);
                continue;
            }
            let current = gist.files.remove(name);
            let text = change
                .get("content")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(current);
            let Some(text) = text else {
                return invalid(&format!(
                    "Gist file {name:?} does not exist and has no content"
                ));
            };
            let target = change
                .get("filename")
                .and_then(Value::as_str)
                .unwrap_or(name)
                .to_string();
            gist.files.insert(target, text);
        }
    }
    if gist.files.is_empty() {
        return invalid("files can't be blank");
    }
    gist.updated_at = state.now();
    let body = gist_json(call.base, &state.world, &id, &gist, true);
    state.world.gists.insert(id, gist);
    reply(200, body)
}

fn delete_gist(state: &mut State, call: &Call<'_>) -> Reply {
    let login = &state.world.user.login;
    let id = call.param("gist_id");
    if state.world.gists.get(id).is_some_and(|g| &g.owner == login) {
        state.world.gists.remove(id);
        no_content()
    } else {
        not_found()
    }
}

fn repo_json(base: &str, world: &World, full_name: &str, repo: &Repo) -> Value {
    let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
    let api = format!("{base}/repos/{full_name}");
    let stars = repo.stargazers.len();
    json!({
        "id": repo.id,
        "node_id": format!("R_{}", repo.id),
        "name": name,
        "full_name": full_name,
        "owner": simple_user(base, world, owner),
        "private": repo.private,
        "visibility": if repo.private { "private" } else { "public" },
        "html_url": format!("{base}/{full_name}"),
        "description": repo.description,
        "fork": false,
        "url": api,
        "clone_url": format!("{base}/{full_name}.git"),
        "git_url": format!("git://127.0.0.1/{full_name}.git"),
        "ssh_url": format!("git@127.0.0.1:{full_name}.git"),
        "svn_url": format!("{base}/{full_name}"),
        "mirror_url": null,
        "homepage": null,
        "language": repo.language,
        "size": 1024,
        "stargazers_count": stars,
        "watchers_count": stars,
        "watchers": stars,
        "subscribers_count": 3,
        "network_count": repo.forks,
        "forks_count": repo.forks,
        "forks": repo.forks,
        "open_issues_count": repo.open_issues,
        "open_issues": repo.open_issues,
        "default_branch": repo.default_branch,
        "has_issues": true,
        "has_projects": true,
        "has_wiki": true,
        "has_downloads": true,
        "has_discussions": false,
        "has_pages": repo.pages.is_some(),
        "archived": false,
        "disabled": false,
        "license": null,
        "topics": [],
        "created_at": repo.created_at,
        "updated_at": repo.pushed_at,
        "pushed_at": repo.pushed_at,
        "permissions": {
            "admin": repo.permissions.admin,
            "maintain": repo.permissions.admin,
            "push": repo.permissions.push,
            "triage": repo.permissions.push,
            "pull": repo.permissions.pull,
        },
    })
}

fn get_repo(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    match state.world.repos.get(&key) {
        Some(repo) => reply(200, repo_json(call.base, &state.world, &key, repo)),
        None => not_found(),
    }
}

fn list_repos(state: &mut State, call: &Call<'_>, owner: &str) -> Reply {
    let prefix = format!("{owner}/");
    let items = state
        .world
        .repos
        .iter()
        .filter(|(key, _)| key.starts_with(&prefix))
        .map(|(key, repo)| repo_json(call.base, &state.world, key, repo))
        .collect();
    paged(call, items, 100)
}

fn stargazers(state: &mut State, call: &Call<'_>) -> Reply {
    let Some(repo) = state.world.repos.get(&call.repo_key()) else {
        return not_found();
    };
    let with_dates = call.accept.contains("star+json");
    let items = repo
        .stargazers
        .iter()
        .map(|star| {
            let user = simple_user(call.base, &state.world, &star.login);
            if with_dates {
                json!({"starred_at": star.starred_at, "user": user})
            } else {
                user
            }
        })
        .collect();
    paged(call, items, 100)
}

fn pushable_repo<'w>(state: &'w State, call: &Call<'_>) -> Result<&'w Repo, Reply> {
    match state.world.repos.get(&call.repo_key()) {
        Some(repo) if repo.permissions.push => Ok(repo),
        Some(_) => Err(error(403, "Must have push access to repository")),
        None => Err(not_found()),
    }
}

fn traffic(state: &mut State, call: &Call<'_>, kind: &str) -> Reply {
    let repo = match pushable_repo(state, call) {
        Ok(repo) => repo,
        Err(reply) => return reply,
    };
    let per = call.query.get("per").map(String::as_str).unwrap_or("day");
    if per != "day" && per != "week" {
        return invalid("per must be day or week");
    }
    let today = state.world.today_date();
    let first = today - Duration::days(13);
    let mut buckets: BTreeMap<time::Date, (u64, u64)> = BTreeMap::new();
    for (date_text, day) in &repo.traffic {
        let Some(date) = world::parse_day(date_text) else {
            continue;
        };
        if date < first || date > today {
            continue;
        }
        let bucket = if per == "week" {
            date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
        } else {
            date
        };
        let (count, uniques) = if kind == "clones" {
            (day.clones, day.clone_uniques)
        } else {
            (day.views, day.view_uniques)
        };
        let entry = buckets.entry(bucket).or_default();
        entry.0 += count;
        entry.1 += uniques;
    }
    let total_count: u64 = buckets.values().map(|b| b.0).sum();
    // Distinct visitors over the window overlap across days; GitHub's total is below the sum.
    let total_uniques = buckets
        .values()
        .map(|b| b.1)
        .max()
        .unwrap_or(0)
        .max(buckets.values().map(|b| b.1).sum::<u64>() * 2 / 3);
    let entries: Vec<Value> = buckets
        .into_iter()
        .map(|(date, (count, uniques))| {
            json!({"timestamp": format!("{}T00:00:00Z", world::day(date)), "count": count, "uniques": uniques})
        })
        .collect();
    reply(
        200,
        json!({"count": total_count, "uniques": total_uniques, kind: entries}),
    )
}

fn popular(state: &mut State, call: &Call<'_>, referrers: bool) -> Reply {
    let repo = match pushable_repo(state, call) {
        Ok(repo) => repo,
        Err(reply) => return reply,
    };
    let mut items: Vec<(u64, Value)> = if referrers {
        repo.referrers
            .iter()
            .map(|r| {
                (
                    r.count,
                    json!({"referrer": r.referrer, "count": r.count, "uniques": r.uniques}),
                )
            })
            .collect()
    } else {
        repo.paths
            .iter()
            .map(|p| (p.count, json!({"path": p.path, "title": p.title, "count": p.count, "uniques": p.uniques})))
            .collect()
    };
    items.sort_by_key(|item| std::cmp::Reverse(item.0));
    reply(
        200,
        Value::Array(items.into_iter().take(10).map(|(_, v)| v).collect()),
    )
}

fn releases(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let owner = key.split('/').next().unwrap_or_default();
    let author = simple_user(call.base, &state.world, owner);
    let mut list: Vec<&world::Release> = repo.releases.iter().collect();
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let items = list
        .into_iter()
        .map(|release| {
            let api = format!("{}/repos/{key}/releases/{}", call.base, release.id);
            let assets: Vec<Value> = release
                .assets
                .iter()
                .map(|asset| {
                    json!({
                        "url": format!("{}/repos/{key}/releases/assets/{}", call.base, asset.id),
                        "browser_download_url": format!("{}/{key}/releases/download/{}/{}", call.base, release.tag_name, asset.name),
                        "id": asset.id, "node_id": format!("RA_{}", asset.id), "name": asset.name,
                        "label": null, "state": "uploaded", "content_type": asset.content_type,
                        "size": asset.size, "download_count": asset.download_count,
                        "created_at": release.created_at, "updated_at": release.created_at,
                        "uploader": null,
                    })
                })
                .collect();
            json!({
                "url": api, "html_url": format!("{}/{key}/releases/tag/{}", call.base, release.tag_name),
                "assets_url": format!("{api}/assets"), "upload_url": format!("{api}/assets{{?name,label}}"),
                "tarball_url": format!("{}/repos/{key}/tarball/{}", call.base, release.tag_name),
                "zipball_url": format!("{}/repos/{key}/zipball/{}", call.base, release.tag_name),
                "id": release.id, "node_id": format!("RE_{}", release.id), "tag_name": release.tag_name,
                "target_commitish": repo.default_branch, "name": release.name, "body": null,
                "draft": release.draft, "prerelease": release.prerelease,
                "created_at": release.created_at, "published_at": release.published_at,
                "author": author, "assets": assets,
            })
        })
        .collect();
    paged(call, items, 100)
}

/// Actions variable and secret names are case-insensitive and stored upper-case by GitHub.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && !name.to_ascii_uppercase().starts_with("GITHUB_")
}

fn repo_mut<'w>(state: &'w mut State, call: &Call<'_>) -> Option<&'w mut Repo> {
    state.world.repos.get_mut(&call.repo_key())
}

fn variable_json(name: &str, variable: &Variable) -> Value {
    json!({"name": name, "value": variable.value, "created_at": variable.created_at, "updated_at": variable.updated_at})
}

fn list_variables(state: &mut State, call: &Call<'_>) -> Reply {
    let Some(repo) = state.world.repos.get(&call.repo_key()) else {
        return not_found();
    };
    let items = repo
        .variables
        .iter()
        .map(|(n, v)| variable_json(n, v))
        .collect();
    paged_wrapped(call, "variables", items, 30)
}

fn create_variable(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call
        .body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_uppercase();
    let value = call
        .body
        .get("value")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !valid_name(&name) {
        return invalid("name is not a valid variable name");
    }
    let now = state.now();
    let Some(repo) = repo_mut(state, call) else {
        return not_found();
    };
    if repo.variables.contains_key(&name) {
        return error(409, "Already exists - Variable already exists");
    }
    repo.variables.insert(
        name,
        Variable {
            value,
            created_at: now.clone(),
            updated_at: now,
        },
    );
    reply(201, json!({}))
}

fn get_variable(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call.param("name").to_ascii_uppercase();
    match state
        .world
        .repos
        .get(&call.repo_key())
        .and_then(|r| r.variables.get(&name))
    {
        Some(variable) => reply(200, variable_json(&name, variable)),
        None => not_found(),
    }
}

fn update_variable(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call.param("name").to_ascii_uppercase();
    let now = state.now();
    let Some(repo) = repo_mut(state, call) else {
        return not_found();
    };
    let Some(mut variable) = repo.variables.remove(&name) else {
        return not_found();
    };
    if let Some(value) = call.body.get("value").and_then(Value::as_str) {
        variable.value = value.to_string();
    }
    variable.updated_at = now;
    let target = call
        .body
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
        .unwrap_or(name);
    repo.variables.insert(target, variable);
    no_content()
}

fn delete_variable(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call.param("name").to_ascii_uppercase();
    match repo_mut(state, call).and_then(|r| r.variables.remove(&name)) {
        Some(_) => no_content(),
        None => not_found(),
    }
}

fn secret_json(name: &str, meta: &SecretMeta) -> Value {
    json!({"name": name, "created_at": meta.created_at, "updated_at": meta.updated_at})
}

fn list_secrets(state: &mut State, call: &Call<'_>) -> Reply {
    let Some(repo) = state.world.repos.get(&call.repo_key()) else {
        return not_found();
    };
    let items = repo
        .secrets
        .iter()
        .map(|(n, m)| secret_json(n, m))
        .collect();
    paged_wrapped(call, "secrets", items, 100)
}

fn public_key(state: &mut State, call: &Call<'_>) -> Reply {
    if !state.world.repos.contains_key(&call.repo_key()) {
        return not_found();
    }
    reply(
        200,
        json!({"key_id": state.key_id, "key": state.public_key}),
    )
}

fn get_secret(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call.param("secret_name").to_ascii_uppercase();
    match state
        .world
        .repos
        .get(&call.repo_key())
        .and_then(|r| r.secrets.get(&name))
    {
        Some(meta) => reply(200, secret_json(&name, meta)),
        None => not_found(),
    }
}

fn put_secret(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call.param("secret_name").to_ascii_uppercase();
    if !valid_name(&name) {
        return invalid("secret name is not valid");
    }
    if call.body.get("key_id").and_then(Value::as_str) != Some(state.key_id.as_str()) {
        return invalid("key_id does not match the repository public key");
    }
    let sealed = call
        .body
        .get("encrypted_value")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Ok(sealed) = b64().decode(sealed) else {
        return invalid("encrypted_value is not base64");
    };
    let Ok(opened) = state.secret_key.unseal(&sealed) else {
        return invalid("encrypted_value could not be decrypted with the repository public key");
    };
    let Ok(plaintext) = String::from_utf8(opened) else {
        return invalid("decrypted value is not UTF-8");
    };
    let now = state.now();
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get_mut(&key) else {
        return not_found();
    };
    let created = match repo.secrets.get_mut(&name) {
        Some(meta) => {
            meta.updated_at = now;
            false
        }
        None => {
            repo.secrets.insert(
                name.clone(),
                SecretMeta {
                    created_at: now.clone(),
                    updated_at: now,
                },
            );
            true
        }
    };
    state.plaintexts.insert(format!("{key}/{name}"), plaintext);
    if created {
        reply(201, json!({}))
    } else {
        no_content()
    }
}

fn delete_secret(state: &mut State, call: &Call<'_>) -> Reply {
    let name = call.param("secret_name").to_ascii_uppercase();
    let key = call.repo_key();
    match state
        .world
        .repos
        .get_mut(&key)
        .and_then(|r| r.secrets.remove(&name))
    {
        Some(_) => {
            state.plaintexts.remove(&format!("{key}/{name}"));
            no_content()
        }
        None => not_found(),
    }
}

/// Finds a workflow by numeric id or by file name (`ci.yml`), as GitHub accepts both.
fn find_workflow<'r>(repo: &'r Repo, id_or_file: &str) -> Option<(u64, &'r world::Workflow)> {
    repo.workflows.iter().find_map(|(id, workflow)| {
        let file = workflow.path.rsplit('/').next().unwrap_or_default();
        (id == id_or_file || file == id_or_file).then(|| (id.parse().unwrap_or(0), workflow))
    })
}

fn workflow_json(base: &str, key: &str, id: u64, workflow: &world::Workflow) -> Value {
    json!({
        "id": id, "node_id": format!("W_{id}"), "name": workflow.name, "path": workflow.path,
        "state": workflow.state, "created_at": workflow.created_at, "updated_at": workflow.created_at,
        "url": format!("{base}/repos/{key}/actions/workflows/{id}"),
        "html_url": format!("{base}/{key}/blob/main/{}", workflow.path),
        "badge_url": format!("{base}/{key}/workflows/{}/badge.svg", workflow.name),
    })
}

fn list_workflows(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let mut items: Vec<(u64, Value)> = repo
        .workflows
        .iter()
        .map(|(id, w)| {
            let id = id.parse().unwrap_or(0);
            (id, workflow_json(call.base, &key, id, w))
        })
        .collect();
    items.sort_by_key(|(id, _)| *id);
    paged_wrapped(
        call,
        "workflows",
        items.into_iter().map(|(_, v)| v).collect(),
        100,
    )
}

fn get_workflow(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    match state
        .world
        .repos
        .get(&key)
        .and_then(|r| find_workflow(r, call.param("workflow_id")))
    {
        Some((id, workflow)) => reply(200, workflow_json(call.base, &key, id, workflow)),
        None => not_found(),
    }
}

fn dispatch_workflow(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let now = state.now();
    let run_id = 8_000_000_000 + state.fresh_id();
    let Some(repo) = state.world.repos.get_mut(&key) else {
        return not_found();
    };
    let Some((workflow_id, workflow)) = find_workflow(repo, call.param("workflow_id")) else {
        return not_found();
    };
    let run_number = repo
        .runs
        .values()
        .filter(|r| r.workflow_id == workflow_id)
        .count() as u64
        + 1;
    let run = Run {
        workflow_id,
        name: workflow.name.clone(),
        event: "workflow_dispatch".to_string(),
        status: "completed".to_string(),
        conclusion: Some("success".to_string()),
        head_branch: call
            .body
            .get("ref")
            .and_then(Value::as_str)
            .unwrap_or("main")
            .to_string(),
        run_number,
        created_at: now,
        jobs: vec![world::Job {
            id: run_id * 10 + 1,
            name: "collect".to_string(),
            steps: vec![
                "Set up job".to_string(),
                "Run actions/checkout@v4".to_string(),
                "Run ghtraf collect".to_string(),
                "Complete job".to_string(),
            ],
        }],
    };
    repo.runs.insert(run_id.to_string(), run);
    if call.body.get("return_run_details").and_then(Value::as_bool) == Some(true) {
        return reply(
            200,
            json!({
                "workflow_run_id": run_id,
                "run_url": format!("{}/repos/{key}/actions/runs/{run_id}", call.base),
                "html_url": format!("{}/{key}/actions/runs/{run_id}", call.base),
            }),
        );
    }
    no_content()
}

/// GitHub's `created` filter: `YYYY-MM-DD`, `>=D`, `<=D`, `>D`, `<D` or `A..B`.
fn created_matches(filter: &str, created_at: &str) -> bool {
    let day = created_at.get(..10).unwrap_or_default();
    if let Some((from, to)) = filter.split_once("..") {
        return (from == "*" || day >= from) && (to == "*" || day <= to);
    }
    if let Some(date) = filter.strip_prefix(">=") {
        return day >= date;
    }
    if let Some(date) = filter.strip_prefix("<=") {
        return day <= date;
    }
    if let Some(date) = filter.strip_prefix('>') {
        return day > date;
    }
    if let Some(date) = filter.strip_prefix('<') {
        return day < date;
    }
    day == filter
}

fn run_json(base: &str, world: &World, key: &str, id: u64, run: &Run, repo: &Repo) -> Value {
    let api = format!("{base}/repos/{key}/actions/runs/{id}");
    let sha = format!(
        "{:040x}",
        u128::from(splitmix(id)) << 64 | u128::from(splitmix(id ^ 1))
    );
    let path = repo
        .workflows
        .get(&run.workflow_id.to_string())
        .map(|w| w.path.clone())
        .unwrap_or_default();
    let repository = repo_json(base, world, key, repo);
    json!({
        "id": id, "node_id": format!("WFR_{id}"), "name": run.name, "display_title": run.name,
        "head_branch": run.head_branch, "head_sha": sha, "path": path, "run_number": run.run_number,
        "run_attempt": 1, "event": run.event, "status": run.status, "conclusion": run.conclusion,
        "workflow_id": run.workflow_id, "url": api, "html_url": format!("{base}/{key}/actions/runs/{id}"),
        "created_at": run.created_at, "updated_at": run.created_at, "run_started_at": run.created_at,
        "jobs_url": format!("{api}/jobs"), "logs_url": format!("{api}/logs"),
        "check_suite_url": format!("{base}/repos/{key}/check-suites/{id}"),
        "cancel_url": format!("{api}/cancel"), "rerun_url": format!("{api}/rerun"),
        "artifacts_url": format!("{api}/artifacts"),
        "workflow_url": format!("{base}/repos/{key}/actions/workflows/{}", run.workflow_id),
        "pull_requests": [], "head_commit": null,
        "repository": repository.clone(), "head_repository": repository,
    })
}

fn list_runs(state: &mut State, call: &Call<'_>, workflow: Option<u64>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let mut runs: Vec<(u64, &Run)> = repo
        .runs
        .iter()
        .map(|(id, run)| (id.parse().unwrap_or(0), run))
        .filter(|(_, run)| workflow.is_none_or(|w| run.workflow_id == w))
        .filter(|(_, run)| {
            call.query
                .get("created")
                .is_none_or(|f| created_matches(f, &run.created_at))
        })
        .filter(|(_, run)| call.query.get("event").is_none_or(|e| &run.event == e))
        .filter(|(_, run)| {
            call.query
                .get("branch")
                .is_none_or(|b| &run.head_branch == b)
        })
        .filter(|(_, run)| {
            call.query
                .get("status")
                .is_none_or(|s| &run.status == s || run.conclusion.as_ref() == Some(s))
        })
        .collect();
    runs.sort_by(|a, b| b.1.created_at.cmp(&a.1.created_at).then(b.0.cmp(&a.0)));
    let items = runs
        .into_iter()
        .map(|(id, run)| run_json(call.base, &state.world, &key, id, run, repo))
        .collect();
    paged_wrapped(call, "workflow_runs", items, 100)
}

fn list_jobs(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let run_id = call.param("run_id");
    let Some(run) = state.world.repos.get(&key).and_then(|r| r.runs.get(run_id)) else {
        return not_found();
    };
    let items = run
        .jobs
        .iter()
        .map(|job| {
            let steps: Vec<Value> = job
                .steps
                .iter()
                .enumerate()
                .map(|(index, name)| {
                    json!({"name": name, "status": "completed", "conclusion": "success", "number": index + 1,
                           "started_at": run.created_at, "completed_at": run.created_at})
                })
                .collect();
            json!({
                "id": job.id, "run_id": run_id.parse::<u64>().unwrap_or(0), "node_id": format!("J_{}", job.id),
                "run_url": format!("{}/repos/{key}/actions/runs/{run_id}", call.base),
                "head_sha": "0000000000000000000000000000000000000000", "workflow_name": run.name,
                "head_branch": run.head_branch, "name": job.name,
                "url": format!("{}/repos/{key}/actions/jobs/{}", call.base, job.id),
                "html_url": format!("{}/{key}/actions/runs/{run_id}/job/{}", call.base, job.id),
                "status": run.status, "conclusion": run.conclusion,
                "created_at": run.created_at, "started_at": run.created_at, "completed_at": run.created_at,
                "check_run_url": format!("{}/repos/{key}/check-runs/{}", call.base, job.id),
                "labels": ["ubuntu-latest"], "runner_id": 1, "runner_name": "GitHub Actions 1",
                "runner_group_id": 2, "runner_group_name": "GitHub Actions", "steps": steps,
            })
        })
        .collect();
    paged_wrapped(call, "jobs", items, 100)
}

fn pages_json(base: &str, key: &str, pages: &Pages) -> Value {
    let (owner, name) = key.split_once('/').unwrap_or((key, ""));
    json!({
        "url": format!("{base}/repos/{key}/pages"),
        "status": pages.status,
        "cname": pages.cname,
        "custom_404": false,
        "html_url": format!("https://{owner}.github.io/{name}/"),
        "build_type": pages.build_type,
        "source": {"branch": pages.branch, "path": pages.path},
        "public": true,
        "https_enforced": true,
    })
}

fn get_pages(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    match state.world.repos.get(&key).and_then(|r| r.pages.as_ref()) {
        Some(pages) => reply(200, pages_json(call.base, &key, pages)),
        None => not_found(),
    }
}

fn create_pages(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = repo_mut(state, call) else {
        return not_found();
    };
    if repo.pages.is_some() {
        return error(409, "GitHub Pages is already enabled.");
    }
    let source = call.body.get("source");
    let pages = Pages {
        build_type: call
            .body
            .get("build_type")
            .and_then(Value::as_str)
            .unwrap_or("legacy")
            .to_string(),
        branch: source
            .and_then(|s| s.get("branch"))
            .and_then(Value::as_str)
            .unwrap_or(&repo.default_branch)
            .to_string(),
        path: source
            .and_then(|s| s.get("path"))
            .and_then(Value::as_str)
            .unwrap_or("/")
            .to_string(),
        cname: None,
        status: None,
    };
    let body = pages_json(call.base, &key, &pages);
    repo.pages = Some(pages);
    reply(201, body)
}

fn update_pages(state: &mut State, call: &Call<'_>) -> Reply {
    let Some(pages) = repo_mut(state, call).and_then(|r| r.pages.as_mut()) else {
        return not_found();
    };
    if let Some(build_type) = call.body.get("build_type").and_then(Value::as_str) {
        pages.build_type = build_type.to_string();
    }
    if let Some(cname) = call.body.get("cname") {
        pages.cname = cname.as_str().map(str::to_string);
    }
    match call.body.get("source") {
        Some(Value::Object(source)) => {
            if let Some(branch) = source.get("branch").and_then(Value::as_str) {
                pages.branch = branch.to_string();
            }
            if let Some(path) = source.get("path").and_then(Value::as_str) {
                pages.path = path.to_string();
            }
        }
        Some(Value::String(legacy)) => {
            let (branch, path) = legacy.split_once(' ').unwrap_or((legacy, "/"));
            pages.branch = branch.to_string();
            pages.path = path.to_string();
        }
        _ => {}
    }
    no_content()
}

/// A stable stand-in for the git blob SHA of `text` (fakehub has no SHA-1).
fn blob_sha(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |acc, b| {
        (acc ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!(
        "{:016x}{:016x}{:08x}",
        splitmix(hash),
        splitmix(hash ^ 1),
        splitmix(hash ^ 2) as u32
    )
}

fn content_entry(base: &str, key: &str, branch: &str, path: &str, text: Option<&str>) -> Value {
    let name = path.rsplit('/').next().unwrap_or(path);
    let api = format!("{base}/repos/{key}/contents/{path}");
    let html = format!("{base}/{key}/blob/{branch}/{path}");
    let (kind, sha, size, download) = match text {
        Some(text) => (
            "file",
            blob_sha(text),
            text.len(),
            json!(format!("{base}/raw/{key}/{branch}/{path}")),
        ),
        None => ("dir", blob_sha(path), 0, Value::Null),
    };
    let git = format!("{base}/repos/{key}/git/blobs/{sha}");
    json!({
        "type": kind, "size": size, "name": name, "path": path, "sha": sha, "url": api,
        "git_url": git, "html_url": html, "download_url": download,
        "_links": {"self": api, "git": git, "html": html},
    })
}

/// Base64 with line breaks every 60 characters, the way the contents API returns files.
fn github_base64(text: &str) -> String {
    let encoded = b64().encode(text);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(60)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    format!("{}\n", lines.join("\n"))
}

fn get_content(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let path = call.param("path").trim_matches('/').to_string();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let branch = &repo.default_branch;
    if let Some(text) = repo.contents.get(&path) {
        let mut entry = content_entry(call.base, &key, branch, &path, Some(text));
        entry["content"] = json!(github_base64(text));
        entry["encoding"] = json!("base64");
        return reply(200, entry);
    }
    let prefix = format!("{path}/");
    let mut children: BTreeMap<String, Option<&str>> = BTreeMap::new();
    for (file, text) in &repo.contents {
        if let Some(rest) = file.strip_prefix(&prefix) {
            match rest.split_once('/') {
                Some((dir, _)) => children.insert(format!("{prefix}{dir}"), None),
                None => children.insert(file.clone(), Some(text.as_str())),
            };
        }
    }
    if children.is_empty() {
        return not_found();
    }
    let entries = children
        .iter()
        .map(|(child, text)| content_entry(call.base, &key, branch, child, *text))
        .collect();
    reply(200, Value::Array(entries))
}

fn put_content(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let path = call.param("path").trim_matches('/').to_string();
    let encoded: String = call
        .body
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let Ok(bytes) = b64().decode(encoded) else {
        return invalid("content is not valid Base64");
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let message = call
        .body
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let now = state.now();
    let workflow_id = 7_000_000 + state.fresh_id();
    let Some(repo) = repo_mut(state, call) else {
        return not_found();
    };
    let given_sha = call.body.get("sha").and_then(Value::as_str);
    let existed = match repo.contents.get(&path) {
        Some(current) => {
            let Some(given) = given_sha else {
                return invalid("\"sha\" wasn't supplied.");
            };
            if given != blob_sha(current) {
                return error(409, &format!("{path} does not match {given}"));
            }
            true
        }
        None => false,
    };
    let is_workflow = path.starts_with(".github/workflows/")
        && (path.ends_with(".yml") || path.ends_with(".yaml"));
    if is_workflow && !repo.workflows.values().any(|w| w.path == path) {
        let name = text
            .lines()
            .find_map(|line| line.strip_prefix("name:"))
            .map(|name| {
                name.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string()
            })
            .unwrap_or_else(|| path.clone());
        repo.workflows.insert(
            workflow_id.to_string(),
            world::Workflow {
                name,
                path: path.clone(),
                state: "active".to_string(),
                created_at: now.clone(),
            },
        );
    }
    repo.contents.insert(path.clone(), text.clone());
    repo.pushed_at = now.clone();
    let branch = repo.default_branch.clone();
    let commit_sha = blob_sha(&format!("{message}{now}{path}"));
    let body = json!({
        "content": content_entry(call.base, &key, &branch, &path, Some(&text)),
        "commit": {
            "sha": commit_sha, "node_id": format!("C_{commit_sha}"), "message": message,
            "url": format!("{}/repos/{key}/git/commits/{commit_sha}", call.base),
            "html_url": format!("{}/{key}/commit/{commit_sha}", call.base),
            "author": {"name": "octo", "email": "octo@example.invalid", "date": now},
            "committer": {"name": "octo", "email": "octo@example.invalid", "date": now},
            "parents": [],
        },
    });
    reply(if existed { 200 } else { 201 }, body)
}
