//! Tokens: the client reads a token's kind and scopes from `X-OAuth-Scopes` (classic) or its
//! absence (fine-grained), can make the same reads with another token (the workflow token
//! ghtraf is about to store), and its errors tell a rejected token (401) from a missing
//! permission (403, GitHub's message and accepted permissions kept) from a missing thing (404).

use crate::common::*;
use fakehub::TokenGrant;
use ghtraf_github::{ErrorKind, GitHubRead, Token, TokenScopes};

const CLASSIC: &str = "ghp_WORKFLOW_classic_gist_only_0123456789";
const FINE: &str = "github_pat_WORKFLOW_fine_grained_0123456789";

fn setup_tokens() -> Setup {
    let mut world = demo_world();
    world.reject_unknown_tokens = true;
    world
        .tokens
        .insert(CANARY.into(), TokenGrant::classic(&["repo", "gist"]));
    world
        .tokens
        .insert(CLASSIC.into(), TokenGrant::classic(&["gist"]));
    world.tokens.insert(
        FINE.into(),
        TokenGrant::fine_grained(&[("gists", "write"), ("actions", "read")]),
    );
    setup_open(world)
}

#[test]
fn whoami_reads_classic_scopes_and_recognises_fine_grained_tokens() {
    let s = setup_tokens();
    let me = s.client.whoami().unwrap();
    assert_eq!(me.login, "octo");
    assert_eq!(
        me.scopes,
        TokenScopes::Classic(vec!["repo".into(), "gist".into()])
    );
    assert!(me.scopes.has("public_repo"), "repo includes public_repo");
    let workflow = s.client.as_token(&Token::new(CLASSIC)).whoami().unwrap();
    assert_eq!(workflow.scopes, TokenScopes::Classic(vec!["gist".into()]));
    assert!(!workflow.scopes.has("public_repo"));
    let fine = s.client.as_token(&Token::new(FINE)).whoami().unwrap();
    assert_eq!(fine.scopes, TokenScopes::FineGrained);
    assert!(!fine.scopes.has("gist"));
    s.assert_contract();
}

#[test]
fn another_tokens_missing_permission_is_a_403_naming_it_and_never_the_token() {
    let s = setup_tokens();
    let repo = demo_repo();
    // ghtraf's own token reads traffic; the workflow token cannot.
    assert!(s.client.traffic_clones(&repo).is_ok());
    let workflow = s.client.as_token(&Token::new(FINE));
    let error = workflow.traffic_clones(&repo).unwrap_err();
    assert!(
        matches!(&error.kind, ErrorKind::MissingPermission { needed } if needed.contains("Administration: read")),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(403));
    let text = error.to_string();
    assert!(
        text.contains("Resource not accessible by personal access token")
            && text.contains("administration=read"),
        "{text}"
    );
    assert!(workflow.workflow_runs(&repo, "2025-06-14").is_ok());
    let classic = s.client.as_token(&Token::new(CLASSIC));
    let error = classic.traffic_views(&repo).unwrap_err();
    assert!(error.to_string().contains("repo, public_repo"), "{error}");
    for secret in [CANARY, CLASSIC, FINE] {
        assert!(!text.contains(secret) && !format!("{error:?}").contains(secret));
    }
    s.assert_contract();
}

#[test]
fn a_rejected_token_is_401_and_a_missing_repository_404() {
    let s = setup_tokens();
    let revoked = s
        .client
        .as_token(&Token::new("ghp_revoked_0000000000000000"));
    let error = revoked.whoami().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unauthorized);
    assert_eq!(error.status(), Some(401));
    assert!(
        error.to_string().contains("GitHub rejected the token"),
        "{error}"
    );
    assert!(error.to_string().contains("Bad credentials"), "{error}");
    let missing = s
        .client
        .repo(&ghtraf_github::RepoRef::parse("octo/nope").unwrap())
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(missing.status(), Some(404));
}

#[test]
fn a_rejected_token_names_where_it_came_from() {
    let s = setup_tokens();
    let env = |key: &str| (key == "GITHUB_TOKEN").then(|| "ghp_stale_0000".to_string());
    let (token, source) = ghtraf_github::resolve_token_with_source(&env, &|| None).unwrap();
    assert_eq!(source, ghtraf_github::TokenSource::GithubToken);
    let mut config = ghtraf_github::ClientConfig::new(s.hub.url(), token, "ghtraf/test");
    config.token_source = Some(source);
    let client = ghtraf_github::Client::new(config).unwrap();
    let error = client.current_user().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unauthorized);
    let text = error.to_string();
    assert!(
        text.contains("GitHub rejected the token from GITHUB_TOKEN"),
        "{text}"
    );
    assert!(text.contains("put a valid one in GH_TOKEN"), "{text}");
    assert!(!text.contains("ghp_stale_0000"), "{text}");
}
