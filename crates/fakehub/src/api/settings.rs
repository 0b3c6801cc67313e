//! Repository settings ghtraf writes: Actions variables, Actions secrets (sealed with the
//! repository key and opened here so tests can check the plaintext) and GitHub Pages.

use super::*;

/// Actions variable and secret names are case-insensitive and stored upper-case by GitHub.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && !name.to_ascii_uppercase().starts_with("GITHUB_")
}

pub(super) fn repo_mut<'w>(state: &'w mut State, call: &Call<'_>) -> Option<&'w mut Repo> {
    state.world.repos.get_mut(&call.repo_key())
}

pub(super) fn variable_json(name: &str, variable: &Variable) -> Value {
    json!({"name": name, "value": variable.value, "created_at": variable.created_at, "updated_at": variable.updated_at})
}

pub(super) fn list_variables(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn create_variable(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn get_variable(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn update_variable(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn secret_json(name: &str, meta: &SecretMeta) -> Value {
    json!({"name": name, "created_at": meta.created_at, "updated_at": meta.updated_at})
}

pub(super) fn public_key(state: &mut State, call: &Call<'_>) -> Reply {
    if !state.world.repos.contains_key(&call.repo_key()) {
        return not_found();
    }
    reply(
        200,
        json!({"key_id": state.key_id, "key": state.public_key}),
    )
}

pub(super) fn get_secret(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn put_secret(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn pages_json(base: &str, key: &str, pages: &Pages) -> Value {
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

pub(super) fn get_pages(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    match state.world.repos.get(&key).and_then(|r| r.pages.as_ref()) {
        Some(pages) => reply(200, pages_json(call.base, &key, pages)),
        None => not_found(),
    }
}

pub(super) fn create_pages(state: &mut State, call: &Call<'_>) -> Reply {
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

pub(super) fn update_pages(state: &mut State, call: &Call<'_>) -> Reply {
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
