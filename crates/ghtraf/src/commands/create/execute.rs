//! `create`, phase 4: carry out one action exactly as planned.

use super::*;

/// Carries out one action of a files-only run (`init`): its plans hold file
/// and config actions only, so this executor needs no GitHub client.
pub fn step_files(
    action: &Action<SetupStep>,
    outputs: &Outputs,
    inputs: &Inputs,
    prompter: &dyn Prompter,
    memory: &ConflictMemory,
) -> std::result::Result<Outcome, StepError> {
    match &action.details {
        SetupStep::File(f) => execute_file(
            &Checkout::new(&inputs.root),
            action,
            f,
            outputs,
            prompter,
            memory,
        ),
        _ => Err(StepError::new(format!(
            "{}: a files-only run changes nothing on GitHub; nothing was done",
            action.id
        ))),
    }
}

/// Carries out one action against GitHub or the checkout.
pub fn step(
    action: &Action<SetupStep>,
    outputs: &Outputs,
    gh: &dyn GitHubWrite,
    inputs: &Inputs,
    prompter: &dyn Prompter,
    memory: &ConflictMemory,
) -> std::result::Result<Outcome, StepError> {
    let fail = api::step_error;
    match &action.details {
        SetupStep::File(f) => execute_file(
            &Checkout::new(&inputs.root),
            action,
            f,
            outputs,
            prompter,
            memory,
        ),
        SetupStep::Gist(g) => create_gist(gh, g),
        SetupStep::Variable(v) => {
            let value = outputs.resolve(&v.value)?;
            match &v.current {
                None => gh.create_variable(&inputs.repo, &v.name, &value),
                Some(_) => gh.update_variable(&inputs.repo, &v.name, &value),
            }
            .map_err(fail)?;
            Ok(Outcome::done(format!("{} = {value}", v.name)).with_output("value", value))
        }
        SetupStep::Secret(s) => store_secret(gh, &inputs.repo, s, prompter),
        SetupStep::Pages(p) => {
            if p.exists {
                gh.update_pages(&inputs.repo, &p.branch, &p.path)
                    .map_err(fail)?;
            } else {
                gh.create_pages(&inputs.repo, &p.branch, &p.path)
                    .map_err(fail)?;
            }
            Ok(Outcome::done(format!("serving {} {}", p.branch, p.path)))
        }
    }
}

/// Creates the gist `g` describes. A failed request may still have created it
/// (a lost response): the gist is looked for by its description before the
/// failure is reported, so a re-run never makes a second one.
pub(crate) fn create_gist(
    gh: &dyn GitHubWrite,
    g: &GistStep,
) -> std::result::Result<Outcome, StepError> {
    match gh.create_gist(&g.description, g.public, &g.files) {
        Ok(created) => {
            let raw_base = created.raw_base().unwrap_or_default();
            Ok(Outcome::done(format!("created gist {}", created.id))
                .with_output("id", created.id)
                .with_output("raw_base", raw_base))
        }
        Err(e) => {
            let found = gh
                .list_gists()
                .ok()
                .and_then(|all| all.into_iter().find(|x| x.description == g.description));
            match found {
                Some(x) => Ok(Outcome::done(format!(
                    "created gist {} (the response was lost; found it by its description)",
                    x.id
                ))
                .with_output("raw_base", x.raw_base.unwrap_or_default())
                .with_output("id", x.id)),
                None => Err(api::step_error(e)),
            }
        }
    }
}

/// Stores the workflow token in `repo`'s secret `s.name`, encrypted with the
/// repository key, after checking it can do what `collect` does; asks for
/// it when the plan says so (an empty answer skips).
pub(crate) fn store_secret(
    gh: &dyn GitHubWrite,
    repo: &RepoRef,
    s: &SecretStep,
    prompter: &dyn Prompter,
) -> std::result::Result<Outcome, StepError> {
    let token = match &s.token {
        Some(t) => t.clone(),
        None => {
            let t = prompter
                .secret(&format!(
                    "Token for the workflow's {} secret ({}; empty to skip)",
                    s.name,
                    crate::tokens::describe(crate::tokens::WORKFLOW)
                ))
                .map_err(|e| StepError::new(e.message))?;
            if t.expose().is_empty() {
                return Ok(Outcome::declined("skipped: no token entered"));
            }
            t
        }
    };
    // A token that cannot do the job is not stored: the first scheduled run would fail.
    let checked = check_workflow_token(gh, repo, &ghtraf_github::Token::new(token.expose()))
        .map_err(|why| StepError::new(format!("{}: not stored: {why}", s.name)))?;
    let how = gh
        .put_secret(repo, &s.name, token.expose())
        .map_err(api::step_error)?;
    Ok(Outcome::done(format!(
        "{} ({how:?}, encrypted with the repository key; {checked})",
        s.name
    )))
}

/// Checks, read-only and with the workflow token itself, that it can do what `collect` does
/// in Actions: a classic token by its `X-OAuth-Scopes`, a fine-grained one by probing this
/// repository's traffic, its workflows and the gist list. `Ok` says what was checked; `Err`
/// names what is missing. ("Gists: write" of a fine-grained token cannot be seen without
/// writing; the first collection shows it.)
pub(crate) fn check_workflow_token(
    gh: &dyn GitHubRead,
    repo: &RepoRef,
    token: &ghtraf_github::Token,
) -> std::result::Result<String, String> {
    use ghtraf_github::{ErrorKind, TokenScopes};
    let reader = gh.as_token(token);
    let info = reader.whoami().map_err(|e| match e.kind {
        ErrorKind::Unauthorized => {
            "GitHub rejected the workflow token (401): it is invalid, expired or revoked"
                .to_string()
        }
        _ => format!("could not check the workflow token: {e}"),
    })?;
    match &info.scopes {
        TokenScopes::Classic(scopes) => {
            let missing = crate::tokens::missing_scopes(crate::tokens::WORKFLOW, &info.scopes);
            if missing.is_empty() {
                Ok(format!("checked: classic token with {}", scopes.join(", ")))
            } else {
                Err(format!(
                    "the workflow token cannot do what `collect` does: {} (it has: {}); it needs {}",
                    crate::tokens::name_missing(&missing),
                    if scopes.is_empty() { "no scopes".to_string() } else { scopes.join(", ") },
                    crate::tokens::describe(crate::tokens::WORKFLOW)
                ))
            }
        }
        TokenScopes::FineGrained => {
            let mut missing = Vec::new();
            let mut probe = |result: std::result::Result<(), ghtraf_github::Error>,
                             permission: &str| {
                match result {
                    Ok(()) => Ok(()),
                    Err(e)
                        if matches!(
                            e.kind,
                            ErrorKind::MissingPermission { .. } | ErrorKind::NotFound
                        ) =>
                    {
                        missing.push(permission.to_string());
                        Ok(())
                    }
                    Err(e) => Err(format!("could not check the workflow token: {e}")),
                }
            };
            probe(
                reader.traffic_clones(repo).map(|_| ()),
                "\"Administration: read\" (to read traffic)",
            )?;
            probe(
                reader.workflows(repo).map(|_| ()),
                "\"Actions: read\" (to read runs)",
            )?;
            probe(
                reader.list_gists().map(|_| ()),
                "\"Gists: write\" (to write the gists)",
            )?;
            if missing.is_empty() {
                Ok("checked: fine-grained token reads traffic, runs and gists".to_string())
            } else {
                Err(format!(
                    "the fine-grained workflow token lacks {} on {}/{}",
                    missing.join(", "),
                    repo.owner,
                    repo.name
                ))
            }
        }
    }
}
