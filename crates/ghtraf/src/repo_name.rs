//! Naming a repository: the one rule every command uses to decide which
//! repository it works on, and the forms a person may type.
//!
//! The rule, first found wins: `-R/--repo`, `$GITHUB_REPOSITORY` (set in the
//! workflow), `.ghtraf.json`, the checkout's `origin` remote. A name may be
//! typed as gh accepts it: `OWNER/REPO`, `HOST/OWNER/REPO`,
//! `https://HOST/OWNER/REPO(.git)` or `git@HOST:OWNER/REPO(.git)`. When none
//! is found, the error says which case it is (no checkout, no origin, an
//! origin that is not on GitHub), and every result carries where it came
//! from so a command can say so. `.ghtraf.json` is one repository's: when
//! `-R` or `$GITHUB_REPOSITORY` names another, [`other_repository`] says so,
//! and no command takes that file's gist ids for it. Whose the checkout's
//! files are (for the commands that write or judge them) is
//! [`crate::whose_checkout`]'s.

use std::fmt;
use std::path::Path;

use ghtraf_github::RepoRef;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{level, Channel};
use crate::project::ProjectConfig;

/// Where a repository name came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    Config,
    Origin,
    /// Typed at a prompt.
    Answer,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "from --repo",
            Source::Environment => "from $GITHUB_REPOSITORY",
            Source::Config => "from .ghtraf.json",
            Source::Origin => "from the origin remote",
            Source::Answer => "as answered",
        })
    }
}

/// What the checkout's `origin` remote says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The directory is not a git checkout.
    NoCheckout,
    /// A checkout without an `origin` remote.
    NoRemote,
    /// `origin` points somewhere that is not the GitHub host.
    Elsewhere(String),
    GitHub(RepoRef),
}

/// The GitHub hosts a name may carry: github.com and `$GH_HOST`.
pub fn hosts(env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut hosts = vec!["github.com".to_string()];
    if let Some(h) = env("GH_HOST").filter(|h| !h.trim().is_empty()) {
        hosts.push(h.trim().to_ascii_lowercase());
    }
    hosts
}

/// `OWNER/REPO` out of any accepted form, or why not.
pub fn parse(text: &str, hosts: &[String]) -> Result<RepoRef> {
    let t = text.trim();
    let bad = |why: String| {
        CliError::usage(format!("`{text}` does not name a repository: {why}"))
            .with_hint("write it as OWNER/REPO, e.g. octo/demo (or its GitHub URL)")
    };
    let (host, path) = if let Some(rest) = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .or_else(|| t.strip_prefix("ssh://git@"))
    {
        match rest.split_once('/') {
            Some((h, p)) => (Some(h), p),
            None => return Err(bad("a URL needs OWNER/REPO after the host".into())),
        }
    } else if let Some((h, p)) = t.strip_prefix("git@").and_then(|r| r.split_once(':')) {
        (Some(h), p)
    } else {
        let first = t.split('/').next().unwrap_or_default().to_ascii_lowercase();
        let known_host = hosts.contains(&first);
        match t.split('/').count() {
            1 => {
                return Err(bad(
                    "no owner: a repository is named OWNER/REPO, e.g. octo/demo".into(),
                ))
            }
            3 => t.split_once('/').map_or((None, t), |(h, p)| (Some(h), p)),
            n if n > 3 && known_host => t.split_once('/').map_or((None, t), |(h, p)| (Some(h), p)),
            _ => (None, t),
        }
    };
    if let Some(h) = host {
        let h = h.to_ascii_lowercase();
        let h = h.strip_prefix("www.").unwrap_or(&h);
        if !hosts.iter().any(|x| x == h) {
            return Err(bad(format!(
                "{h} is not a GitHub host ghtraf talks to ({})",
                hosts.join(", ")
            ))
            .with_hint("for GitHub Enterprise, set GH_HOST to its host name"));
        }
    }
    let path = path.trim_end_matches('/');
    // A browsing URL (`…/tree/main`, `…/blob/…`) names a place inside a
    // repository; gh takes only the repository, and so does ghtraf.
    if let [owner, name, rest] = path.splitn(3, '/').collect::<Vec<_>>()[..] {
        if let Ok(repo) = RepoRef::parse(&format!("{owner}/{name}")) {
            return Err(CliError::usage(format!(
                "`{text}` does not name a repository: `/{rest}` after {repo} is a path inside it"
            ))
            .with_hint(format!("name the repository itself: {repo}")));
        }
    }
    let path = path.strip_suffix(".git").unwrap_or(path);
    RepoRef::parse(path).map_err(|e| {
        CliError::usage(e.message().to_string())
            .with_hint("write it as OWNER/REPO, e.g. octo/demo (or its GitHub URL)")
    })
}

/// Reads the `origin` remote of the checkout at `root` (`.git/config`).
pub fn origin(root: &Path, hosts: &[String]) -> Origin {
    let git = root.join(".git");
    if !git.exists() {
        return Origin::NoCheckout;
    }
    let Ok(text) = std::fs::read_to_string(git.join("config")) else {
        return Origin::NoRemote;
    };
    let mut in_origin = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
        } else if in_origin {
            let url = line
                .strip_prefix("url")
                .map(str::trim_start)
                .and_then(|l| l.strip_prefix('='))
                .map(str::trim);
            if let Some(url) = url {
                return match parse(url, hosts) {
                    Ok(r) if url.contains(':') || url.contains("//") => Origin::GitHub(r),
                    _ => Origin::Elsewhere(url.to_string()),
                };
            }
        }
    }
    Origin::NoRemote
}

/// What a command may draw a repository name from.
pub struct Candidates<'a> {
    /// `-R/--repo` (for `create`, a bare REPO is completed by `owner`).
    pub flag: Option<&'a str>,
    /// `create --owner`.
    pub owner: Option<&'a str>,
    pub environment: Option<String>,
    pub config: Option<&'a ProjectConfig>,
    pub origin: &'a Origin,
}

/// Applies the rule. `Ok(None)`: nothing names a repository (see [`not_found`]).
pub fn resolve(c: &Candidates<'_>, hosts: &[String]) -> Result<Option<(RepoRef, Source)>> {
    let config_owner = c.config.and_then(|x| x.owner.clone());
    let origin_owner = match c.origin {
        Origin::GitHub(r) => Some(r.owner.clone()),
        _ => None,
    };
    if let Some(flag) = c.flag {
        let bare = !flag.contains('/') && !flag.contains(':');
        let owner = c.owner.map(str::to_string);
        let repo = match (bare, owner) {
            (true, Some(o)) => parse(&format!("{o}/{flag}"), hosts)?,
            (true, None) => {
                let known = config_owner.or(origin_owner);
                let example = known.as_deref().unwrap_or("octo");
                return Err(CliError::usage(format!(
                    "--repo {flag}: no owner (a repository is named OWNER/REPO)"
                ))
                .with_hint(format!("write it as OWNER/{flag}, e.g. {example}/{flag}")));
            }
            (false, owner) => {
                let repo = parse(flag, hosts)?;
                if let Some(o) = owner.filter(|o| !o.eq_ignore_ascii_case(&repo.owner)) {
                    return Err(CliError::usage(format!(
                        "--owner {o} contradicts --repo {flag}"
                    )));
                }
                repo
            }
        };
        return Ok(Some((repo, Source::Flag)));
    }
    if let Some(env) = c.environment.as_deref().filter(|s| !s.trim().is_empty()) {
        return Ok(Some((parse(env, hosts)?, Source::Environment)));
    }
    if let Some(cfg) = c.config {
        if let (Some(o), Some(r)) = (&cfg.owner, &cfg.repo) {
            return Ok(Some((parse(&format!("{o}/{r}"), hosts)?, Source::Config)));
        }
    }
    if let Origin::GitHub(r) = c.origin {
        if c.owner.is_none_or(|o| o.eq_ignore_ascii_case(&r.owner)) {
            return Ok(Some((r.clone(), Source::Origin)));
        }
    }
    Ok(None)
}

/// The rule for a command that does not ask: the repository named by
/// `flag` (`-R/--repo`, a bare REPO completed by `owner`),
/// `$GITHUB_REPOSITORY`, `config` or the origin remote of the checkout at
/// `root`, said where it came from at `-v`; when none names one, the error
/// says which case it is.
pub fn resolve_for(
    ctx: &Context,
    root: &Path,
    flag: Option<&str>,
    owner: Option<&str>,
    config: Option<&ProjectConfig>,
) -> Result<RepoRef> {
    resolve_sourced(ctx, root, flag, owner, config).map(|(repo, _)| repo)
}

/// [`resolve_for`], and where the name came from.
pub fn resolve_sourced(
    ctx: &Context,
    root: &Path,
    flag: Option<&str>,
    owner: Option<&str>,
    config: Option<&ProjectConfig>,
) -> Result<(RepoRef, Source)> {
    let hosts = hosts(&|k| ctx.env(k));
    let origin = origin(root, &hosts);
    let found = resolve(
        &Candidates {
            flag,
            owner,
            environment: ctx.env("GITHUB_REPOSITORY"),
            config,
            origin: &origin,
        },
        &hosts,
    )?;
    let (repo, source) = found.ok_or_else(|| not_found(&origin))?;
    ctx.reporter.diag(
        Channel::Config,
        level::VERBOSE,
        &format!("repository {}/{} ({source})", repo.owner, repo.name),
    );
    Ok((repo, source))
}

/// `.ghtraf.json` describes only the repository its `owner`/`repo` name: its
/// gist ids and settings are that repository's. When `-R` or
/// `$GITHUB_REPOSITORY` names another one, the repository the file is for
/// (`owner/repo`); `None` when it is for `repo`, or names none.
pub fn other_repository(config: Option<&ProjectConfig>, repo: &RepoRef) -> Option<String> {
    let config = config?;
    let (owner, name) = (config.owner.as_deref()?, config.repo.as_deref()?);
    let same = owner.trim().eq_ignore_ascii_case(&repo.owner)
        && name.trim().eq_ignore_ascii_case(&repo.name);
    (!same).then(|| format!("{}/{}", owner.trim(), name.trim()))
}

/// A 404 on the repository itself, naming it: GitHub answers 404 both for a
/// repository that does not exist and for one the token may not see.
/// Other errors keep their own message.
pub fn unseen(repo: &RepoRef, e: ghtraf_github::Error) -> CliError {
    if !e.is_not_found() {
        return e.into();
    }
    CliError::runtime(format!(
        "{}/{}: not found, or your token cannot see it",
        repo.owner, repo.name
    ))
    .with_hint("check the OWNER/REPO spelling; a private repository needs a token with access to it (classic: repo scope)")
    .with_source(e)
}

/// "Which repository?", saying why none was found.
pub fn not_found(origin: &Origin) -> CliError {
    let (message, hint) = match origin {
        Origin::NoCheckout => (
            "which repository? none given, and this is not a git checkout".to_string(),
            "pass -R OWNER/REPO, or run inside a clone of the repository",
        ),
        Origin::NoRemote => (
            "which repository? none given, and this checkout has no origin remote".to_string(),
            "pass -R OWNER/REPO, or add the remote: git remote add origin https://github.com/OWNER/REPO",
        ),
        Origin::Elsewhere(url) => (
            format!("which repository? none given, and the origin remote is not on GitHub ({url})"),
            "pass -R OWNER/REPO to name the GitHub repository",
        ),
        Origin::GitHub(r) => (
            format!(
                "which repository? the origin remote names {}/{}, which --owner contradicts",
                r.owner, r.name
            ),
            "pass -R OWNER/REPO",
        ),
    };
    CliError::usage(message).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gh() -> Vec<String> {
        vec!["github.com".to_string(), "ghe.example.com".to_string()]
    }

    #[test]
    fn every_form_gh_accepts_names_the_same_repository() {
        for text in [
            "octo/demo",
            "github.com/octo/demo",
            "https://github.com/octo/demo",
            "https://github.com/octo/demo.git",
            "https://github.com/octo/demo/",
            "git@github.com:octo/demo.git",
            "ssh://git@github.com/octo/demo.git",
            "ghe.example.com/octo/demo",
        ] {
            let r = parse(text, &gh()).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(
                (r.owner.as_str(), r.name.as_str()),
                ("octo", "demo"),
                "{text}"
            );
        }
    }

    #[test]
    fn wrong_names_say_what_is_wrong() {
        let msg = |t: &str| parse(t, &gh()).map(|_| ()).unwrap_err().message;
        assert!(msg("octo").contains("no owner"), "{}", msg("octo"));
        assert!(msg("gitlab.com/octo/demo").contains("gitlab.com is not a GitHub host"));
        assert!(msg("https://gitlab.com/octo/demo").contains("not a GitHub host"));
        assert!(msg("octo/de mo").contains("not a GitHub repository"));
        // A browsing URL: the extra path is what is wrong, not the name.
        for t in [
            "https://github.com/octo/demo/tree/main",
            "github.com/octo/demo/blob/main/README.md",
            "octo/demo/tree/main",
        ] {
            let e = parse(t, &gh()).map(|_| ()).unwrap_err();
            assert!(
                e.message.ends_with("after octo/demo is a path inside it"),
                "{t}: {}",
                e.message
            );
            assert_eq!(
                e.hint(),
                Some("name the repository itself: octo/demo"),
                "{t}"
            );
        }
    }

    #[test]
    fn missing_origin_foreign_origin_and_no_checkout_are_told_apart() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(origin(dir.path(), &gh()), Origin::NoCheckout);
        std::fs::create_dir(dir.path().join(".git")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(origin(dir.path(), &gh()), Origin::NoRemote);
        let write = |url: &str| {
            std::fs::write(
                dir.path().join(".git/config"),
                format!("[core]\n[remote \"origin\"]\n\turl = {url}\n"),
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
        write("https://gitlab.com/octo/demo.git");
        let o = origin(dir.path(), &gh());
        assert_eq!(
            o,
            Origin::Elsewhere("https://gitlab.com/octo/demo.git".into())
        );
        let messages: Vec<String> = [Origin::NoCheckout, Origin::NoRemote, o]
            .iter()
            .map(|o| not_found(o).message)
            .collect();
        assert!(messages[0].contains("not a git checkout"));
        assert!(messages[1].contains("no origin remote"));
        assert!(messages[2].contains("not on GitHub (https://gitlab.com/octo/demo.git)"));
        write("git@github.com:octo/demo.git");
        assert!(matches!(origin(dir.path(), &gh()), Origin::GitHub(r) if r.name == "demo"));
    }

    #[test]
    fn the_rule_is_flag_environment_config_origin() {
        let origin = Origin::GitHub(RepoRef {
            owner: "o".into(),
            name: "origin".into(),
        });
        let cfg = ProjectConfig {
            owner: Some("c".into()),
            repo: Some("config".into()),
            ..ProjectConfig::default()
        };
        let pick = |flag: Option<&str>, env: Option<&str>, config: Option<&ProjectConfig>| {
            resolve(
                &Candidates {
                    flag,
                    owner: None,
                    environment: env.map(str::to_string),
                    config,
                    origin: &origin,
                },
                &gh(),
            )
            .unwrap_or_else(|e| panic!("{}", e.message))
            .map(|(r, s)| (format!("{}/{}", r.owner, r.name), s))
        };
        assert_eq!(
            pick(Some("f/flag"), Some("e/env"), Some(&cfg)),
            Some(("f/flag".into(), Source::Flag))
        );
        assert_eq!(
            pick(None, Some("e/env"), Some(&cfg)),
            Some(("e/env".into(), Source::Environment))
        );
        assert_eq!(
            pick(None, None, Some(&cfg)),
            Some(("c/config".into(), Source::Config))
        );
        assert_eq!(
            pick(None, None, None),
            Some(("o/origin".into(), Source::Origin))
        );
        let bare = resolve(
            &Candidates {
                flag: Some("octo"),
                owner: None,
                environment: None,
                config: None,
                origin: &origin,
            },
            &gh(),
        );
        let e = bare.map(|_| ()).unwrap_err();
        assert!(e.message.contains("--repo octo: no owner"), "{}", e.message);
        assert_eq!(e.hint(), Some("write it as OWNER/octo, e.g. o/octo"));
    }
}
