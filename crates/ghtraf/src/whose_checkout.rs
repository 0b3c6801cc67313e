//! Whose checkout this is: the repository a checkout's files belong to, and
//! the refusal when a command would write or judge them for another one.
//!
//! `create`, `init`, `upgrade` and `verify` work on the checkout's files
//! (the workflow, the dashboard, `.ghtraf.json`). When `-R` or
//! `$GITHUB_REPOSITORY` names another repository than the checkout's, they
//! would plan that repository's files into this checkout, or judge this
//! checkout's files as that repository's deployment. The checkout's
//! repository is what `.ghtraf.json` names, else what its `origin` remote
//! names (a GitHub remote), else, in a hub's checkout, the hub that
//! `.ghtraf-hub.json` names. A checkout none of these names (not a git
//! checkout, an origin elsewhere or none) is nobody's: nothing is refused.

use std::fmt;
use std::path::Path;

use ghtraf_github::RepoRef;

use crate::error::{CliError, Result};
use crate::hub::{HubConfig, HUB_FILE};
use crate::project::{ProjectConfig, CONFIG_FILE};
use crate::repo_name::{self, Origin, Source};

/// What says whose the checkout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// `owner`/`repo` in `.ghtraf.json`.
    Config,
    /// The `origin` remote, a GitHub one.
    Origin,
    /// The hub `.ghtraf-hub.json` names.
    HubFile,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evidence::Config => write!(f, "its {CONFIG_FILE}"),
            Evidence::Origin => f.write_str("its origin remote"),
            Evidence::HubFile => write!(f, "its {HUB_FILE}"),
        }
    }
}

/// The repository a checkout's files belong to (`owner/repo` as written
/// there), and what says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub repo: String,
    pub by: Evidence,
}

/// Whose the checkout at `root` is: `.ghtraf.json`'s `owner`/`repo`, else
/// the GitHub repository of `origin`, else the hub of `.ghtraf-hub.json`;
/// `None` when none names one. The hub file is read only when the first two
/// name none (a malformed one is then an error, as everywhere it is read).
pub fn checkout_repository(
    root: &Path,
    config: Option<&ProjectConfig>,
    hosts: &[String],
) -> Result<Option<Owner>> {
    if let Some(c) = config {
        if let (Some(o), Some(r)) = (c.owner.as_deref(), c.repo.as_deref()) {
            return Ok(Some(Owner {
                repo: format!("{}/{}", o.trim(), r.trim()),
                by: Evidence::Config,
            }));
        }
    }
    if let Origin::GitHub(r) = repo_name::origin(root, hosts) {
        return Ok(Some(Owner {
            repo: format!("{}/{}", r.owner, r.name),
            by: Evidence::Origin,
        }));
    }
    Ok(HubConfig::read(root)?.map(|h| Owner {
        repo: h.hub,
        by: Evidence::HubFile,
    }))
}

/// Whether `owner/repo` as written names `repo` (GitHub names are not case-sensitive).
fn same(written: &str, repo: &RepoRef) -> bool {
    written.split_once('/').is_some_and(|(o, r)| {
        o.eq_ignore_ascii_case(&repo.owner) && r.eq_ignore_ascii_case(&repo.name)
    })
}

/// For a command that writes the checkout's files (`create`, `init`,
/// `upgrade`) or judges them (`verify`): a checkout that is another
/// repository's holds that repository's files, so working on `repo` there is
/// refused (exit 2), naming both and what says so of each.
pub fn refuse_other_checkout(
    root: &Path,
    hosts: &[String],
    config: Option<&ProjectConfig>,
    repo: &RepoRef,
    source: &Source,
) -> Result<()> {
    let Some(owner) = checkout_repository(root, config, hosts)? else {
        return Ok(());
    };
    if same(&owner.repo, repo) {
        return Ok(());
    }
    let (other, named) = (&owner.repo, format!("{}/{}", repo.owner, repo.name));
    let (by, drop) = match source {
        Source::Environment => ("$GITHUB_REPOSITORY names", "unset GITHUB_REPOSITORY"),
        Source::Answer => ("the answer names", "answer"),
        _ => ("--repo names", "leave out --repo"),
    };
    let whose = match owner.by {
        Evidence::Config => format!("this checkout's {CONFIG_FILE} is for {other}"),
        Evidence::Origin => format!("this checkout's origin remote is {other}"),
        Evidence::HubFile => format!("this checkout is the hub {other} (its {HUB_FILE})"),
    };
    let drop = match source {
        Source::Answer => format!("{drop} {other}"),
        _ => format!("{drop} to work on {other}"),
    };
    let e = CliError::usage(format!(
        "{whose}, but {by} {named}: the checkout's files are {other}'s"
    ))
    .with_hint(format!(
        "run it in a checkout of {named} (or pass --repo-dir DIR), or {drop}"
    ));
    Err(match owner.by {
        Evidence::Config => e.with_hint(format!(
            "if {other} was renamed to {named}, correct \"owner\" and \"repo\" in {CONFIG_FILE} first"
        )),
        Evidence::Origin => e.with_hint(format!(
            "if {other} was renamed to {named}, point origin at it first: git remote set-url origin https://github.com/{named}.git"
        )),
        Evidence::HubFile => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec!["github.com".to_string()]
    }

    fn repo(owner: &str, name: &str) -> RepoRef {
        RepoRef {
            owner: owner.into(),
            name: name.into(),
        }
    }

    fn checkout(origin: Option<&str>, hub: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |rel: &str, text: String| {
            std::fs::write(dir.path().join(rel), text).unwrap_or_else(|e| panic!("{e}"))
        };
        if let Some(url) = origin {
            std::fs::create_dir(dir.path().join(".git")).unwrap_or_else(|e| panic!("{e}"));
            write(
                ".git/config",
                format!("[core]\n[remote \"origin\"]\n\turl = {url}\n"),
            );
        }
        if let Some(hub) = hub {
            write(
                HUB_FILE,
                format!("{{\"schemaVersion\": 1, \"hub\": \"{hub}\", \"repos\": []}}"),
            );
        }
        dir
    }

    #[test]
    fn the_checkout_is_its_config_then_its_origin_then_its_hub() {
        let cfg = ProjectConfig {
            owner: Some("octo".into()),
            repo: Some("f".into()),
            ..ProjectConfig::default()
        };
        let dir = checkout(Some("git@github.com:octo/b.git"), Some("octo/traffic"));
        let whose = |config| {
            checkout_repository(dir.path(), config, &hosts())
                .ok()
                .flatten()
        };
        let owner = |repo: &str, by| {
            Some(Owner {
                repo: repo.into(),
                by,
            })
        };
        assert_eq!(whose(Some(&cfg)), owner("octo/f", Evidence::Config));
        // A .ghtraf.json that names no repository says nothing of whose the checkout is.
        assert_eq!(
            whose(Some(&ProjectConfig::default())),
            owner("octo/b", Evidence::Origin)
        );
        for url in ["https://gitlab.com/octo/b.git", "/srv/git/b.git"] {
            let dir = checkout(Some(url), Some("octo/traffic"));
            assert_eq!(
                checkout_repository(dir.path(), None, &hosts())
                    .ok()
                    .flatten(),
                owner("octo/traffic", Evidence::HubFile),
                "{url}"
            );
        }
        let nobody = checkout(Some("https://gitlab.com/octo/b.git"), None);
        assert_eq!(
            checkout_repository(nobody.path(), None, &hosts())
                .ok()
                .flatten(),
            None
        );
    }

    #[test]
    fn the_same_repository_in_any_case_and_any_url_form_is_not_refused() {
        for url in [
            "https://github.com/octo/demo",
            "https://github.com/Octo/Demo.git",
            "git@github.com:octo/demo.git",
            "ssh://git@github.com/OCTO/demo.git",
        ] {
            let dir = checkout(Some(url), None);
            for named in [repo("octo", "demo"), repo("OCTO", "DEMO")] {
                let r = refuse_other_checkout(dir.path(), &hosts(), None, &named, &Source::Flag);
                assert!(r.is_ok(), "{url} {named:?}");
            }
        }
        let hub = checkout(None, Some("octo/traffic"));
        let r = refuse_other_checkout(
            hub.path(),
            &hosts(),
            None,
            &repo("Octo", "Traffic"),
            &Source::Environment,
        );
        assert!(r.is_ok());
    }

    #[test]
    fn another_repository_is_refused_naming_both_and_what_says_so() {
        let dir = checkout(Some("https://github.com/octo/b.git"), Some("octo/traffic"));
        let e = refuse_other_checkout(
            dir.path(),
            &hosts(),
            None,
            &repo("octo", "n4"),
            &Source::Environment,
        )
        .map(|_| ())
        .unwrap_err();
        assert_eq!(
            e.message,
            "this checkout's origin remote is octo/b, but $GITHUB_REPOSITORY names octo/n4: the checkout's files are octo/b's"
        );
        assert_eq!(
            e.hint(),
            Some("run it in a checkout of octo/n4 (or pass --repo-dir DIR), or unset GITHUB_REPOSITORY to work on octo/b")
        );
        let hub = checkout(None, Some("octo/traffic"));
        let e = refuse_other_checkout(
            hub.path(),
            &hosts(),
            None,
            &repo("octo", "n4"),
            &Source::Flag,
        )
        .map(|_| ())
        .unwrap_err();
        assert!(
            e.message
                .starts_with("this checkout is the hub octo/traffic (its .ghtraf-hub.json), but --repo names octo/n4"),
            "{}",
            e.message
        );
    }
}
