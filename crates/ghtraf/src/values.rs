//! One validator per value a user supplies, whatever the source.
//!
//! A value may come from a flag, from `.ghtraf.json`, from a prompt or from
//! the environment. It used to be checked only as a flag: `--created
//! yesterday` exited 2, while `"created": "yesterday"` in `.ghtraf.json`
//! went straight into the dashboard's config. Every source now goes through
//! the same function here, and the error names the source — the flag, or the
//! file *and* key — so the user knows what to fix. All are usage errors
//! (exit 2).

use std::fmt;
use std::path::Path;

use crate::error::{CliError, Result};

/// Where a value came from, for the error message.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Flag(&'a str),
    File { path: &'a Path, key: &'a str },
    Prompt(&'a str),
    Env(&'a str),
}

impl fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => f.write_str(flag),
            Source::File { path, key } => write!(f, "{}: key \"{key}\"", path.display()),
            Source::Prompt(question) => write!(f, "the answer to \"{question}\""),
            Source::Env(name) => write!(f, "${name}"),
        }
    }
}

fn invalid(source: Source<'_>, text: &str, what: &str, hint: &str) -> CliError {
    // Values here are names and dates, never secrets; still, keep the echo short.
    let shown: String = text.chars().take(80).collect();
    CliError::usage(format!("{source}: `{shown}` is not {what}")).with_hint(hint)
}

/// A calendar date `YYYY-MM-DD` (the repository's creation day).
pub fn date(text: &str, source: Source<'_>) -> Result<()> {
    let ok = text.len() == 10
        && time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_ok();
    if ok {
        Ok(())
    } else {
        Err(invalid(source, text, "a date", "use YYYY-MM-DD"))
    }
}

/// An Actions secret name: letters, digits, underscores, not `GITHUB_…`.
pub fn secret_name(text: &str, source: Source<'_>) -> Result<()> {
    let ok = !text.is_empty()
        && !text.as_bytes()[0].is_ascii_digit()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !text.to_ascii_uppercase().starts_with("GITHUB_");
    if ok {
        Ok(())
    } else {
        Err(invalid(
            source,
            text,
            "a valid secret name",
            "use letters, digits and underscores, not starting with a digit or GITHUB_",
        ))
    }
}

/// A GitHub user or organisation login.
pub fn owner(text: &str, source: Source<'_>) -> Result<()> {
    let ok = (1..=39).contains(&text.len())
        && !text.starts_with('-')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            source,
            text,
            "a GitHub account name",
            "use the OWNER of github.com/OWNER/REPO",
        ))
    }
}

/// A GitHub repository name.
pub fn repo_name(text: &str, source: Source<'_>) -> Result<()> {
    let ok = (1..=100).contains(&text.len())
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            source,
            text,
            "a GitHub repository name",
            "use the REPO of github.com/OWNER/REPO",
        ))
    }
}

/// A gist id: it becomes part of API paths, so nothing but letters and
/// digits (`../` in a config file must not reach a URL).
pub fn gist_id(text: &str, source: Source<'_>) -> Result<()> {
    let ok = (1..=64).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(invalid(
            source,
            text,
            "a gist id",
            "use the id at the end of the gist's URL (letters and digits)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn dates() {
        assert!(date("2024-02-29", Source::Flag("--created")).is_ok());
        for bad in [
            "yesterday",
            "2023-02-29",
            "2024-1-01",
            "2024-01-01T00:00:00Z",
            "",
        ] {
            let e = date(bad, Source::Flag("--created")).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Usage);
            assert!(e.message.starts_with("--created: `"), "{}", e.message);
        }
    }

    #[test]
    fn the_source_is_named() {
        let path = Path::new("/repo/.ghtraf.json");
        let e = date(
            "yesterday",
            Source::File {
                path,
                key: "created",
            },
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "/repo/.ghtraf.json: key \"created\": `yesterday` is not a date"
        );
        assert_eq!(e.hint(), Some("use YYYY-MM-DD"));
        let e = owner("a b", Source::Prompt("Repository owner")).unwrap_err();
        assert!(e.message.starts_with("the answer to \"Repository owner\""));
        let e = secret_name("", Source::Env("X")).unwrap_err();
        assert!(e.message.starts_with("$X: "), "{}", e.message);
    }

    #[test]
    fn names_and_ids() {
        let s = Source::Flag("--x");
        assert!(secret_name("TRAFFIC_GIST_TOKEN", s).is_ok());
        assert!(secret_name("GITHUB_TOKEN", s).is_err());
        assert!(secret_name("github_token", s).is_err());
        assert!(secret_name("1TOKEN", s).is_err());
        assert!(secret_name("MY-TOKEN", s).is_err());
        assert!(owner("octo-org", s).is_ok());
        assert!(owner("-octo", s).is_err());
        assert!(owner("octo/demo", s).is_err());
        assert!(repo_name("demo.rs_x-1", s).is_ok());
        assert!(repo_name("..", s).is_err());
        assert!(repo_name("a/b", s).is_err());
        assert!(gist_id("0123abcdef", s).is_ok());
        assert!(gist_id("../../user", s).is_err());
        assert!(gist_id("", s).is_err());
    }
}
