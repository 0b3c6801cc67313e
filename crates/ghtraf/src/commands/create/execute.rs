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
        SetupStep::Gist(g) => {
            match gh.create_gist(&g.description, g.public, &g.files) {
                Ok(created) => Ok(Outcome::done(format!("created gist {}", created.id))
                    .with_output("id", created.id)),
                Err(e) => {
                    // A lost response may have created it: look before anyone tries again.
                    let found = gh
                        .list_gists()
                        .ok()
                        .and_then(|all| all.into_iter().find(|x| x.description == g.description));
                    match found {
                        Some(x) => Ok(Outcome::done(format!(
                            "created gist {} (the response was lost; found it by its description)",
                            x.id
                        ))
                        .with_output("id", x.id)),
                        None => Err(fail(e)),
                    }
                }
            }
        }
        SetupStep::Variable(v) => {
            let value = outputs.resolve(&v.value)?;
            match &v.current {
                None => gh.create_variable(&inputs.repo, &v.name, &value),
                Some(_) => gh.update_variable(&inputs.repo, &v.name, &value),
            }
            .map_err(fail)?;
            Ok(Outcome::done(format!("{} = {value}", v.name)).with_output("value", value))
        }
        SetupStep::Secret(s) => {
            let token = match &s.token {
                Some(t) => t.clone(),
                None => {
                    let t = prompter
                        .secret(&format!(
                            "Token for the workflow's {} secret (needs the gist scope; empty to skip)",
                            s.name
                        ))
                        .map_err(|e| StepError::new(e.message))?;
                    if t.expose().is_empty() {
                        return Ok(Outcome::declined("skipped: no token entered"));
                    }
                    t
                }
            };
            let how = gh
                .put_secret(&inputs.repo, &s.name, token.expose())
                .map_err(fail)?;
            Ok(Outcome::done(format!(
                "{} ({how:?}, encrypted with the repository key)",
                s.name
            )))
        }
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
