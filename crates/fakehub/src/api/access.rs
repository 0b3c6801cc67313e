//! Who may call what: token grants (classic scopes, fine-grained permissions) and repository
//! permissions, refused with the statuses and messages GitHub uses.

use super::*;

/// Token scopes and repository permissions, the way GitHub refuses them: a gist write
/// without the `gist` scope is a 404; repository settings need admin rights (403).
pub(super) fn access_denied(
    state: &State,
    operation: &openapi::Operation,
    call: &Call<'_>,
) -> Option<Reply> {
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
