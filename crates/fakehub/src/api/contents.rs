//! The contents API on the default branch: read a file or directory, create or replace a
//! file with GitHub's blob-`sha` precondition (409 on a stale one).

use super::*;

/// A stable stand-in for the git blob SHA of `text` (fakehub has no SHA-1).
pub(super) fn blob_sha(text: &str) -> String {
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

pub(super) fn content_entry(
    base: &str,
    key: &str,
    branch: &str,
    path: &str,
    text: Option<&str>,
) -> Value {
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
pub(super) fn github_base64(text: &str) -> String {
    let encoded = b64().encode(text);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(60)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    format!("{}\n", lines.join("\n"))
}

pub(super) fn get_content(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let path = call.param("path").trim_matches('/').to_string();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    // `?ref=BRANCH`: another branch's files; the default branch (or no ref) is `contents`.
    let (branch, files) = match call.query.get("ref") {
        Some(name) if *name != repo.default_branch => match repo.branches.get(name) {
            Some(files) => (name, files),
            None => return not_found(),
        },
        _ => (&repo.default_branch, &repo.contents),
    };
    if let Some(text) = files.get(&path) {
        let mut entry = content_entry(call.base, &key, branch, &path, Some(text));
        entry["content"] = json!(github_base64(text));
        entry["encoding"] = json!("base64");
        return reply(200, entry);
    }
    let prefix = format!("{path}/");
    let mut children: BTreeMap<String, Option<&str>> = BTreeMap::new();
    for (file, text) in files {
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

pub(super) fn put_content(state: &mut State, call: &Call<'_>) -> Reply {
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
