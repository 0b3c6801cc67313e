//! Who may call what: token grants (classic scopes, fine-grained permissions) and repository
//! permissions, refused with the statuses and messages GitHub uses. ghtraf checks tokens
//! before it stores them and names the missing permission, so the fake must refuse exactly
//! where GitHub would, and send the same hints (`X-OAuth-Scopes`, `X-Accepted-OAuth-Scopes`,
//! `X-Accepted-GitHub-Permissions`).

use super::*;
use crate::world::TokenGrant;

/// The token of a request, from `Authorization: Bearer T` or `token T`.
pub(super) fn presented_token(request: &Request) -> Option<&str> {
    request.header("authorization").and_then(|value| {
        value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .or_else(|| value.strip_prefix("token "))
            .map(str::trim)
    })
}

/// Which grant a request carries: `Ok(None)` = a token allowed everything (no scopes header);
/// `Err` = GitHub's 401.
pub(super) fn authenticate(
    world: &World,
    configured: Option<&str>,
    presented: Option<&str>,
) -> Result<Option<TokenGrant>, Reply> {
    if let Some(grant) = presented.and_then(|token| world.tokens.get(token)) {
        return Ok(Some(grant.clone()));
    }
    let strict = configured.is_some() || world.reject_unknown_tokens;
    match (presented, configured) {
        (None, _) if strict => return Err(error(401, "Requires authentication")),
        (Some(token), Some(expected)) if token != expected => {
            return Err(error(401, "Bad credentials"))
        }
        (Some(_), None) if world.reject_unknown_tokens => {
            return Err(error(401, "Bad credentials"))
        }
        _ => {}
    }
    Ok(world
        .token_scopes
        .as_ref()
        .map(|scopes| TokenGrant::Classic {
            scopes: scopes.clone(),
        }))
}

/// The `X-OAuth-Scopes` header value of a grant (None: fine-grained or all-powerful).
pub(super) fn scopes_header(grant: Option<&TokenGrant>) -> Option<String> {
    match grant {
        Some(TokenGrant::Classic { scopes }) => Some(scopes.join(", ")),
        _ => None,
    }
}

/// What an operation needs from a token.
struct Need {
    /// Classic scopes, any one of which is enough; empty = none.
    scopes: Vec<&'static str>,
    /// Fine-grained `(permission, level)`; None = none.
    permission: Option<(&'static str, &'static str)>,
    /// A second fine-grained permission (workflow files also need `workflows: write`).
    extra_permission: Option<(&'static str, &'static str)>,
    /// A second classic scope that is required as well (`workflow` for workflow files).
    extra_scope: Option<&'static str>,
}

fn need(scopes: Vec<&'static str>, permission: Option<(&'static str, &'static str)>) -> Need {
    Need {
        scopes,
        permission,
        extra_permission: None,
        extra_scope: None,
    }
}

/// GitHub's rules, per operation, for classic and fine-grained tokens. `public` is whether the
/// repository (if any) is public: there, classic tokens may use `public_repo` and reads need
/// no scope.
fn needs(operation: &openapi::Operation, call: &Call<'_>, public: bool) -> Need {
    let id = operation.operation_id.as_str();
    let write = operation.method != "GET";
    let level = if write { "write" } else { "read" };
    let repo_scopes = if public {
        vec!["repo", "public_repo"]
    } else {
        vec!["repo"]
    };
    let read_scopes = if public { Vec::new() } else { vec!["repo"] };
    if id.starts_with("gists/") {
        return if write {
            need(vec!["gist"], Some(("gists", "write")))
        } else {
            need(Vec::new(), None)
        };
    }
    if !operation.template.starts_with("/repos/{owner}/{repo}") {
        return need(Vec::new(), None);
    }
    let permission = if id.contains("-variable") {
        "variables"
    } else if id.contains("-secret") || id == "actions/get-repo-public-key" {
        "secrets"
    } else if id.contains("pages") {
        "pages"
    } else if id.starts_with("repos/get-clones")
        || id.starts_with("repos/get-views")
        || id.starts_with("repos/get-top")
    {
        // Traffic: push access, "Administration: read" for fine-grained tokens.
        return need(repo_scopes, Some(("administration", "read")));
    } else if id.starts_with("actions/") {
        "actions"
    } else if id.contains("content") || id == "repos/list-releases" {
        "contents"
    } else {
        "metadata"
    };
    let settings = matches!(permission, "variables" | "secrets" | "pages");
    let scopes = if write || settings {
        repo_scopes
    } else {
        read_scopes
    };
    // Public repositories' contents, releases and metadata are readable by any token.
    let fine = match permission {
        "metadata" => None,
        "contents" if public && !write => None,
        name => Some((name, level)),
    };
    let mut needed = need(scopes, fine);
    let path = call.param("path");
    if id == "repos/create-or-update-file-contents" && path.starts_with(".github/workflows/") {
        needed.extra_scope = Some("workflow");
        needed.extra_permission = Some(("workflows", "write"));
    }
    needed
}

fn level_rank(level: &str) -> u8 {
    match level {
        "write" | "admin" => 2,
        "read" => 1,
        _ => 0,
    }
}

fn forbidden(header: (&str, String)) -> Reply {
    let mut denied = error(403, "Resource not accessible by personal access token");
    denied.headers.push((header.0.to_string(), header.1));
    denied
}

/// Token grants and repository permissions, the way GitHub refuses them: a gist write
/// without the `gist` scope is a 404; a private repository is a 404 to a classic token
/// without `repo`; a missing scope or fine-grained permission is a 403 naming what the
/// endpoint accepts; repository settings need admin rights (403).
pub(super) fn access_denied(
    state: &State,
    grant: Option<&TokenGrant>,
    operation: &openapi::Operation,
    call: &Call<'_>,
) -> Option<Reply> {
    let id = operation.operation_id.as_str();
    let repo = state.world.repos.get(&call.repo_key());
    let public = repo.is_some_and(|r| !r.private);
    let need = needs(operation, call, public);
    match grant {
        Some(TokenGrant::Classic { scopes }) => {
            let has = |scope: &str| scopes.iter().any(|s| s == scope);
            let enough = need.scopes.is_empty() || need.scopes.iter().any(|s| has(s));
            let extra = need.extra_scope.is_none_or(has);
            if !enough || !extra {
                if id.starts_with("gists/") || (repo.is_some() && !public) {
                    return Some(not_found());
                }
                let mut accepted = need.scopes.clone();
                accepted.extend(need.extra_scope);
                return Some(forbidden(("X-Accepted-OAuth-Scopes", accepted.join(", "))));
            }
        }
        Some(TokenGrant::FineGrained { permissions }) => {
            let has = |(name, level): (&str, &str)| {
                name == "metadata"
                    || permissions
                        .get(name)
                        .is_some_and(|held| level_rank(held) >= level_rank(level))
            };
            for wanted in need.permission.into_iter().chain(need.extra_permission) {
                if !has(wanted) {
                    return Some(forbidden((
                        "X-Accepted-GitHub-Permissions",
                        format!("{}={}", wanted.0, wanted.1),
                    )));
                }
            }
        }
        None => {}
    }
    let settings = id.contains("-variable")
        || id.contains("-secret")
        || id == "actions/get-repo-public-key"
        || id.contains("pages");
    if settings && repo.is_some_and(|r| !r.permissions.admin) {
        return Some(error(403, "Must have admin rights to Repository."));
    }
    None
}
