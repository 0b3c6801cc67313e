//! `owner/name` repository references, validated up front so a typo fails with a clear message
//! before any request is sent (and before it could end up in a URL path).

use crate::error::Error;
use std::fmt;

/// A repository on GitHub, e.g. `octo/hello-world`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct RepoRef {
    pub owner: String,
    pub name: String,
}

impl RepoRef {
    /// Parses `owner/name` following GitHub's naming rules: owners are 1–39 ASCII letters, digits
    /// or inner hyphens; repository names are 1–100 ASCII letters, digits, `.`, `_`, `-`
    /// (but not `.` or `..`).
    pub fn parse(text: &str) -> Result<RepoRef, Error> {
        let invalid = |why: &str| {
            Error::config(
                format!("`{text}` is not a GitHub repository: {why}"),
                "write it as OWNER/REPO, e.g. octo/hello-world",
            )
        };
        let (owner, name) = text
            .split_once('/')
            .ok_or_else(|| invalid("expected OWNER/REPO"))?;
        if owner.is_empty() || owner.len() > 39 {
            return Err(invalid("the owner must be 1 to 39 characters"));
        }
        if !owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            || owner.starts_with('-')
            || owner.ends_with('-')
        {
            return Err(invalid(
                "the owner may only contain letters, digits and inner hyphens",
            ));
        }
        if name.is_empty() || name.len() > 100 {
            return Err(invalid("the repository name must be 1 to 100 characters"));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(invalid(
                "the repository name may only contain letters, digits, '.', '_' and '-'",
            ));
        }
        if name == "." || name == ".." {
            return Err(invalid("the repository name cannot be '.' or '..'"));
        }
        Ok(RepoRef {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }
}

impl fmt::Display for RepoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl std::str::FromStr for RepoRef {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RepoRef::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_names() {
        let r = RepoRef::parse("octo-org/hello.world_2").unwrap();
        assert_eq!(r.owner, "octo-org");
        assert_eq!(r.name, "hello.world_2");
        assert_eq!(r.to_string(), "octo-org/hello.world_2");
    }

    #[test]
    fn rejects_invalid_names_with_a_hint() {
        for bad in [
            "", "octo", "/repo", "octo/", "-octo/r", "octo-/r", "oc to/r", "octo/r/x", "octo/..",
            "octo/.", "octo/r?x",
        ] {
            let err = RepoRef::parse(bad).unwrap_err();
            assert_eq!(err.kind, crate::ErrorKind::Config, "{bad}");
            assert!(err.to_string().contains("OWNER/REPO"), "{err}");
        }
        let long_owner = format!("{}/r", "a".repeat(40));
        assert!(RepoRef::parse(&long_owner).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn valid_names_round_trip(
            owner in "[A-Za-z0-9]([A-Za-z0-9-]{0,37}[A-Za-z0-9])?",
            name in "[A-Za-z0-9._-]{1,100}",
        ) {
            prop_assume!(name != "." && name != "..");
            let text = format!("{owner}/{name}");
            let parsed = RepoRef::parse(&text).unwrap();
            prop_assert_eq!(parsed.to_string(), text);
        }

        #[test]
        fn whatever_parses_prints_back_unchanged(text in ".{0,50}") {
            if let Ok(parsed) = RepoRef::parse(&text) {
                prop_assert_eq!(parsed.to_string(), text);
            }
        }
    }
}
