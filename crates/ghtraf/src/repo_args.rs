//! The flags `create`/`init` and `upgrade` share, declared once.
//!
//! Both commands set a repository up: they name it by the one rule of
//! [`crate::repo_name`], write the same templates and `.ghtraf.json`, and
//! treat an edited file the same way. Declared twice, the two copies drifted
//! (`upgrade --repo` had no `-R`, and its help promised an install step it
//! no longer writes). Each command flattens these into its own flags (clap's
//! `flatten`) and into its saved plan (serde's `flatten`), so the plan file
//! keeps the shape it had when the flags were declared inline.

use std::path::PathBuf;

use clap::Args;

/// Which repository, which gists, what the files say, and what to do with a
/// file that differs from ours.
#[derive(Debug, Args, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepoArgs {
    /// Repository: OWNER/REPO or its URL, or REPO with --owner (default: $GITHUB_REPOSITORY,
    /// .ghtraf.json, the origin remote).
    #[arg(short = 'R', long, value_name = "[OWNER/]REPO")]
    pub repo: Option<String>,

    /// Repository owner (user or organisation).
    #[arg(long)]
    pub owner: Option<String>,

    /// Name shown on the dashboard (default: .ghtraf.json; for upgrade, the original dashboard's
    /// title; else the repository name).
    #[arg(long)]
    pub display_name: Option<String>,

    /// Badge gist id, overriding discovery by name.
    #[arg(long, value_name = "ID")]
    pub gist_id: Option<String>,

    /// Archive gist id, overriding discovery by name.
    #[arg(long, value_name = "ID")]
    pub archive_gist_id: Option<String>,

    /// Name of the repository secret holding the workflow's token.
    #[arg(long, value_name = "NAME")]
    pub gist_token_name: Option<String>,

    /// Command the workflow uses to install ghtraf, replacing the whole install step
    /// (default: this version's release binary, checked against SHA256SUMS before it runs).
    #[arg(long, value_name = "COMMAND")]
    pub install_command: Option<String>,

    /// Releases page the workflow downloads ghtraf from: it must hold
    /// download/vVERSION/SHA256SUMS and the archives (forks, GitHub Enterprise mirrors)
    /// [default: .ghtraf.json, else https://github.com/ghtraf/ghtraf/releases].
    #[arg(long, value_name = "URL")]
    pub releases_url: Option<String>,

    /// The repository checkout to write into (default: found upwards from here).
    #[arg(long, value_name = "DIR")]
    pub repo_dir: Option<PathBuf>,

    /// Overwrite files that differ from ours.
    #[arg(long, conflicts_with = "skip_existing")]
    pub force: bool,

    /// Keep files that differ from ours (recorded in .ghtraf.json as your edits).
    #[arg(long)]
    pub skip_existing: bool,

    /// Show the unified diff of every file that would change.
    #[arg(long)]
    pub diff: bool,
}

/// The workflow token's flags, for the commands that may store it.
#[derive(Debug, Args, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecretArgs {
    /// Replace the workflow token secret even if it exists.
    #[arg(long)]
    pub update_secret: bool,

    /// Read the workflow token from standard input (instead of $GHTRAF_GIST_TOKEN or a prompt).
    #[arg(long, long_help = crate::tokens::workflow_token_help())]
    pub gist_token_stdin: bool,
}

#[cfg(test)]
mod tests {
    use crate::commands::Invocation;
    use serde_json::json;

    /// Saved plans written before the flags were shared (the shape of 0.1.0:
    /// `create` nests its deploy flags under `deploy`, `upgrade` is flat)
    /// still load, mean what they meant, and are written back the same.
    #[test]
    fn saved_plans_keep_their_shape() {
        let create = json!({"command": "create", "args": {
            "deploy": {
                "repo": "octo/demo", "owner": null, "display_name": "Demo",
                "created": "2024-01-31", "gist_id": null, "archive_gist_id": null,
                "ci_workflows": ["CI"], "gist_token_name": "MY_TOKEN",
                "install_command": null, "releases_url": null, "repo_dir": "sub",
                "force": false, "skip_existing": true, "diff": true
            },
            "files_only": false, "skip_variables": false, "skip_files": false,
            "update_secret": true, "gist_token_stdin": false, "enable_pages": true
        }});
        let init = json!({"command": "init", "args": {
            "repo": null, "owner": "octo", "display_name": null, "created": null,
            "gist_id": "abc123", "archive_gist_id": null, "ci_workflows": [],
            "gist_token_name": null, "install_command": "true",
            "releases_url": "https://example.com/r", "repo_dir": null,
            "force": true, "skip_existing": false, "diff": false
        }});
        let upgrade = json!({"command": "upgrade", "args": {
            "repo": "octo/demo", "owner": null, "repo_dir": null,
            "gist_id": "abc123", "archive_gist_id": "def456", "display_name": null,
            "convert_state": "now", "commit": true, "force": false,
            "skip_existing": true, "diff": false, "update_secret": false,
            "gist_token_stdin": true, "gist_token_name": null, "install_command": null,
            "releases_url": null, "keep_old_workflow": false, "prune_orphans": true,
            "backup_dir": "/tmp/b"
        }});
        for old in [&create, &init, &upgrade] {
            let read: Invocation =
                serde_json::from_value(old.clone()).unwrap_or_else(|e| panic!("{e}: {old}"));
            assert_eq!(&serde_json::to_value(&read).unwrap(), old);
        }
        let read = |v: &serde_json::Value| serde_json::from_value::<Invocation>(v.clone()).unwrap();
        match read(&create) {
            Invocation::Create(a) => {
                assert_eq!(a.deploy.common.repo.as_deref(), Some("octo/demo"));
                assert!(a.deploy.common.skip_existing && a.deploy.common.diff);
                assert!(a.secret.update_secret && !a.secret.gist_token_stdin);
                assert_eq!(a.deploy.ci_workflows, ["CI"]);
            }
            other => panic!("{other:?}"),
        }
        match read(&upgrade) {
            Invocation::Upgrade(a) => {
                assert_eq!(a.common.archive_gist_id.as_deref(), Some("def456"));
                assert!(a.common.skip_existing && a.secret.gist_token_stdin);
            }
            other => panic!("{other:?}"),
        }
    }
}
