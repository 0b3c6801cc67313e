//! Gists: list, create, read, update (files and description), delete. Gists are where ghtraf
//! keeps every repository's history, so their shapes (truncation, raw URLs) are modelled closely.

use super::*;

pub(super) fn file_type(name: &str) -> (&'static str, &'static str) {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("json") => ("application/json", "JSON"),
        Some("md") => ("text/markdown", "Markdown"),
        Some("svg") => ("image/svg+xml", "SVG"),
        Some("csv") => ("text/csv", "CSV"),
        _ => ("text/plain", "Text"),
    }
}

/// Cuts `text` to at most `limit` bytes on a character boundary.
pub(super) fn cut(text: &str, limit: usize) -> &str {
    let mut end = limit.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A stable 40-hex version for a revision (fakehub has no git).
fn revision_sha(id: &str, number: usize, files: &BTreeMap<String, String>) -> String {
    let mut text = format!("{id}\n{number}\n");
    for (name, content) in files {
        text.push_str(&format!("{name}\n{}\n{content}\n", content.len()));
    }
    blob_sha(&text)
}

/// The revisions of a gist, newest first; a gist seeded without history has one implied
/// revision holding its current files.
pub(super) fn revisions(id: &str, gist: &Gist) -> Vec<GistRevision> {
    if gist.history.is_empty() {
        vec![GistRevision {
            version: revision_sha(id, 0, &gist.files),
            committed_at: gist.updated_at.clone(),
            files: gist.files.clone(),
        }]
    } else {
        gist.history.clone()
    }
}

/// Records the gist's current files as a new revision, unless they equal the newest one
/// (GitHub makes no commit for an unchanged PATCH or a description-only change).
pub(super) fn record_revision(gist: &mut Gist, id: &str, at: &str) {
    if gist
        .history
        .first()
        .is_some_and(|newest| newest.files == gist.files)
    {
        return;
    }
    let version = revision_sha(id, gist.history.len() + 1, &gist.files);
    gist.history.insert(
        0,
        GistRevision {
            version,
            committed_at: at.to_string(),
            files: gist.files.clone(),
        },
    );
}

/// Lines added and removed between two revisions, as GitHub's `change_status`.
fn change_status(newer: &GistRevision, older: Option<&GistRevision>) -> Value {
    let lines = |files: &BTreeMap<String, String>| -> Vec<String> {
        files
            .iter()
            .flat_map(|(name, text)| text.lines().map(move |line| format!("{name}\0{line}")))
            .collect()
    };
    let new_lines = lines(&newer.files);
    let old_lines = older.map(|o| lines(&o.files)).unwrap_or_default();
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for line in &old_lines {
        *remaining.entry(line.as_str()).or_default() += 1;
    }
    let mut additions = 0usize;
    for line in &new_lines {
        match remaining.get_mut(line.as_str()) {
            Some(count) if *count > 0 => *count -= 1,
            _ => additions += 1,
        }
    }
    let deletions: usize = remaining.values().sum();
    json!({"total": additions + deletions, "additions": additions, "deletions": deletions})
}

fn history_json(call: &Call<'_>, world: &World, id: &str, gist: &Gist) -> Vec<Value> {
    let history = revisions(id, gist);
    history
        .iter()
        .enumerate()
        .map(|(index, revision)| {
            json!({
                "url": format!("{}/gists/{id}/{}", call.base, revision.version),
                "version": revision.version,
                "user": simple_user(call.base, world, &gist.owner),
                "change_status": change_status(revision, history.get(index + 1)),
                "committed_at": revision.committed_at,
            })
        })
        .collect()
}

pub(super) fn gist_json(
    call: &Call<'_>,
    world: &World,
    id: &str,
    gist: &Gist,
    with_content: bool,
) -> Value {
    let base = call.base;
    let version = revisions(id, gist)
        .first()
        .map(|revision| revision.version.clone())
        .unwrap_or_default();
    let mut files = Map::new();
    for (name, text) in &gist.files {
        let (mime, language) = file_type(name);
        let mut file = json!({
            "filename": name,
            "type": mime,
            "language": language,
            "raw_url": format!("{}/{}/{id}/raw/{version}/{name}", call.raw_base, gist.owner),
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
        value["history"] = Value::Array(history_json(call, world, id, gist));
    }
    value
}

pub(super) fn list_gist_commits(state: &mut State, call: &Call<'_>) -> Reply {
    let id = call.param("gist_id");
    match state.world.gists.get(id) {
        Some(gist) => {
            let items = history_json(call, &state.world, id, gist);
            paged(call, items, 100)
        }
        None => not_found(),
    }
}

pub(super) fn get_gist_revision(state: &mut State, call: &Call<'_>) -> Reply {
    let id = call.param("gist_id");
    let sha = call.param("sha");
    let Some(gist) = state.world.gists.get(id) else {
        return not_found();
    };
    let Some(revision) = revisions(id, gist).into_iter().find(|r| r.version == sha) else {
        return not_found();
    };
    let at_revision = Gist {
        files: revision.files.clone(),
        history: gist
            .history
            .iter()
            .skip_while(|r| r.version != sha)
            .cloned()
            .collect(),
        ..gist.clone()
    };
    let mut body = gist_json(call, &state.world, id, &at_revision, true);
    // Files at an old revision are addressed by that revision's sha.
    if let Some(files) = body.get_mut("files").and_then(Value::as_object_mut) {
        for (name, file) in files.iter_mut() {
            file["raw_url"] = json!(format!(
                "{}/{}/{id}/raw/{sha}/{name}",
                call.raw_base, gist.owner
            ));
        }
    }
    reply(200, body)
}

pub(super) fn list_gists(state: &mut State, call: &Call<'_>) -> Reply {
    let login = &state.world.user.login;
    let since = call.query.get("since").cloned().unwrap_or_default();
    let mut gists: Vec<(&String, &Gist)> = state
        .world
        .gists
        .iter()
        .filter(|(_, gist)| &gist.owner == login && gist.updated_at >= since)
        .collect();
    gists.sort_by(|a, b| b.1.updated_at.cmp(&a.1.updated_at).then(a.0.cmp(b.0)));
    // Only the requested page's gists are built: an account with 1,000 gists costs one
    // page per request, so pages fetched at once are answered at once.
    paged_range(call, gists.len(), 100, None, |range| {
        gists[range]
            .iter()
            .map(|(id, gist)| gist_json(call, &state.world, id, gist, false))
            .collect()
    })
}

pub(super) fn parse_public(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text == "true",
        _ => false,
    }
}

pub(super) fn create_gist(state: &mut State, call: &Call<'_>) -> Reply {
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
        updated_at: now.clone(),
        history: Vec::new(),
    };
    let mut gist = gist;
    record_revision(&mut gist, &id, &now);
    let body = gist_json(call, &state.world, &id, &gist, true);
    state.world.gists.insert(id.clone(), gist);
    Reply {
        status: 201,
        body: Some(body),
        headers: vec![("Location".to_string(), format!("{}/gists/{id}", call.base))],
    }
}

pub(super) fn get_gist(state: &mut State, call: &Call<'_>) -> Reply {
    let id = call.param("gist_id");
    match state.world.gists.get(id) {
        Some(gist) => reply(200, gist_json(call, &state.world, id, gist, true)),
        None => not_found(),
    }
}

pub(super) fn update_gist(state: &mut State, call: &Call<'_>) -> Reply {
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
    // A gist seeded without history keeps its implied first revision before the change.
    gist.history = revisions(&id, &gist);
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
    let now = state.now();
    record_revision(&mut gist, &id, &now);
    gist.updated_at = now;
    let body = gist_json(call, &state.world, &id, &gist, true);
    state.world.gists.insert(id, gist);
    reply(200, body)
}

pub(super) fn delete_gist(state: &mut State, call: &Call<'_>) -> Reply {
    let login = &state.world.user.login;
    let id = call.param("gist_id");
    if state.world.gists.get(id).is_some_and(|g| &g.owner == login) {
        state.world.gists.remove(id);
        no_content()
    } else {
        not_found()
    }
}
