//! What each token needs, defined once: ghtraf's own token (it creates gists, sets variables
//! and the secret, reads traffic) and the workflow token (`collect` in Actions reads traffic
//! and runs and writes the gists). Prompts, warnings, `--help`, the README and the checks
//! `create` makes before storing a token all read this list, so they cannot disagree — the
//! Python original said "the gist scope" everywhere, and the first scheduled run failed a day
//! later with 403.

use ghtraf_github::TokenScopes;

/// One thing a token must be able to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// What for, in words (`read traffic`).
    pub what: &'static str,
    /// Classic scopes, any one of which is enough (empty: none needed).
    pub classic: &'static [&'static str],
    /// The fine-grained permission (`Administration: read`).
    pub fine_grained: &'static str,
}

/// Creating and writing gists.
pub const GISTS: Need = Need {
    what: "write the gists",
    classic: &["gist"],
    fine_grained: "Gists: write",
};
/// Reading traffic (push access).
pub const TRAFFIC: Need = Need {
    what: "read traffic",
    classic: &["repo", "public_repo"],
    fine_grained: "Administration: read",
};
const RUNS: Need = Need {
    what: "read Actions runs",
    classic: &[],
    fine_grained: "Actions: read",
};
const METADATA: Need = Need {
    what: "read the repository",
    classic: &[],
    fine_grained: "Metadata: read",
};

/// Setting the repository variables.
pub const VARIABLES: Need = Need {
    what: "set the repository variables",
    classic: &["repo", "public_repo"],
    fine_grained: "Variables: write",
};
/// Storing the repository secret.
pub const SECRETS: Need = Need {
    what: "store the repository secret",
    classic: &["repo", "public_repo"],
    fine_grained: "Secrets: write",
};
/// Enabling GitHub Pages.
pub const PAGES: Need = Need {
    what: "enable GitHub Pages",
    classic: &["repo", "public_repo"],
    fine_grained: "Pages: write",
};

/// The workflow token (`TRAFFIC_GIST_TOKEN`): what `collect` does in Actions.
pub const WORKFLOW: &[Need] = &[GISTS, TRAFFIC, RUNS, METADATA];

/// ghtraf's own token (`GH_TOKEN`): what `create` and `collect` do from a terminal.
pub const OWN: &[Need] = &[GISTS, VARIABLES, SECRETS, TRAFFIC, RUNS, METADATA];

/// Both token kinds' requirements in one line, e.g. for the workflow token:
/// classic `gist` + `repo` (or `public_repo`); fine-grained "Gists: write", ….
pub fn describe(needs: &[Need]) -> String {
    let mut classic: Vec<String> = Vec::new();
    for need in needs {
        let text = match need.classic {
            [] => continue,
            [one] => format!("`{one}`"),
            [first, rest @ ..] => format!(
                "`{first}` (or {})",
                rest.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if !classic.contains(&text) {
            classic.push(text);
        }
    }
    let fine: Vec<String> = needs
        .iter()
        .map(|n| format!("\"{}\"", n.fine_grained))
        .collect();
    format!(
        "classic token: {}; fine-grained token: {}",
        classic.join(" + "),
        fine.join(", ")
    )
}

/// `--help` text of the workflow-token flags.
pub fn workflow_token_help() -> String {
    format!(
        "Read the workflow token from standard input (instead of $GHTRAF_GIST_TOKEN or a prompt).\n\
         The workflow token is what `ghtraf collect` uses in Actions; create checks it before \
         storing it. It needs: {}.\n\
         ghtraf's own token (GH_TOKEN, GITHUB_TOKEN or `gh auth token`) needs: {}.",
        describe(WORKFLOW),
        describe(OWN)
    )
}

/// The needs a classic token's scopes do not cover (none for a fine-grained token, whose
/// permissions GitHub does not list: probe those instead).
pub fn missing_scopes(needs: &[Need], scopes: &TokenScopes) -> Vec<Need> {
    match scopes {
        TokenScopes::FineGrained => Vec::new(),
        TokenScopes::Classic(_) => needs
            .iter()
            .filter(|n| !n.classic.is_empty() && !n.classic.iter().any(|s| scopes.has(s)))
            .copied()
            .collect(),
    }
}

/// "to read traffic: the `repo` (or `public_repo`) scope" for each missing need.
pub fn name_missing(missing: &[Need]) -> String {
    missing
        .iter()
        .map(|n| {
            let scopes = n
                .classic
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            format!("{} needs the {scopes} scope", n.what)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_token_needs_more_than_the_gist_scope() {
        let text = describe(WORKFLOW);
        assert_eq!(
            text,
            "classic token: `gist` + `repo` (or `public_repo`); fine-grained token: \"Gists: write\", \"Administration: read\", \"Actions: read\", \"Metadata: read\""
        );
        let gist_only = TokenScopes::Classic(vec!["gist".into()]);
        let missing = missing_scopes(WORKFLOW, &gist_only);
        assert_eq!(missing, vec![TRAFFIC]);
        assert!(
            name_missing(&missing).contains("read traffic needs the `repo` or `public_repo` scope")
        );
        let enough = TokenScopes::Classic(vec!["gist".into(), "public_repo".into()]);
        assert!(missing_scopes(WORKFLOW, &enough).is_empty());
        let repo = TokenScopes::Classic(vec!["repo".into()]);
        assert_eq!(missing_scopes(WORKFLOW, &repo), vec![GISTS]);
        assert!(missing_scopes(WORKFLOW, &TokenScopes::FineGrained).is_empty());
    }

    #[test]
    fn own_token_description_names_variables_and_secrets() {
        let text = describe(OWN);
        assert!(text.contains("\"Variables: write\"") && text.contains("\"Secrets: write\""));
        assert!(text.starts_with("classic token: `gist` + `repo` (or `public_repo`);"));
    }
}
