//! What `--from` names: the places history can still be recovered from.
//!
//! A source is parsed and validated before anything is read, so a typo fails
//! with a message that lists what is accepted, and the rest of the command
//! works with a closed set of cases. Release downloads are refused by name
//! (with the reason) rather than as an unknown word: people ask for them.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use ghtraf_github::RepoRef;

/// Where a history import is read from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportLocation {
    /// A file or directory on this machine, named by the user (a file of
    /// `ghtraf export`, another tracker's file, or a checkout of a data branch).
    Path(PathBuf),
    /// A branch of a repository on GitHub, read through the contents API
    /// (e.g. github-repo-stats' `github-repo-stats` data branch).
    Branch { repo: RepoRef, branch: String },
}

/// One `--from` value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Every current stargazer's `starred_at`: a cumulative star series.
    Stars,
    /// Every fork's `created_at`: a cumulative fork series.
    Forks,
    /// Past workflow runs and their jobs: CI checkouts of held days that lack them.
    Ci,
    /// Older revisions of a badge gist (ours when `None`, or an orphan by id).
    GistHistory(Option<String>),
    /// Another tracker's files, or a `ghtraf export`.
    Import(ImportLocation),
}

/// Why release downloads are not a source (shown by `--help` and on `--from releases`).
pub const RELEASES_ARE_NOT_A_SOURCE: &str = "release downloads are not a source: GitHub keeps \
only each asset's current cumulative download_count, not when the downloads happened, so no \
past day can be filled from it (collect credits the growth between its daily snapshots)";

/// The accepted spellings, for errors and help.
pub const ACCEPTED: &str = "stars, forks, ci, gist-history[:GIST_ID], import:PATH, \
import:OWNER/REPO@BRANCH";

impl Source {
    /// Stable name used in plans, action ids and provenance (`backfills[].source`).
    pub fn label(&self) -> String {
        self.to_string()
    }

    /// Whether reading this source calls the GitHub API.
    pub fn uses_api(&self) -> bool {
        !matches!(self, Source::Import(ImportLocation::Path(_)))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stars => f.write_str("stars"),
            Source::Forks => f.write_str("forks"),
            Source::Ci => f.write_str("ci"),
            Source::GistHistory(None) => f.write_str("gist-history"),
            Source::GistHistory(Some(id)) => write!(f, "gist-history:{id}"),
            Source::Import(ImportLocation::Path(p)) => write!(f, "import:{}", p.display()),
            Source::Import(ImportLocation::Branch { repo, branch }) => {
                write!(f, "import:{}/{}@{branch}", repo.owner, repo.name)
            }
        }
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(text: &str) -> Result<Source, String> {
        let text = text.trim();
        let (kind, arg) = match text.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (text, None),
        };
        match (kind.to_ascii_lowercase().as_str(), arg) {
            ("stars", None) => Ok(Source::Stars),
            ("forks", None) => Ok(Source::Forks),
            ("ci", None) => Ok(Source::Ci),
            ("gist-history", None) => Ok(Source::GistHistory(None)),
            ("gist-history", Some(id)) => parse_gist_id(id).map(|id| Source::GistHistory(Some(id))),
            ("import", Some(location)) => parse_location(location).map(Source::Import),
            ("import", None) => Err(format!(
                "`import` needs a location: import:PATH or import:OWNER/REPO@BRANCH (accepted: {ACCEPTED})"
            )),
            ("releases" | "release" | "downloads", _) => Err(RELEASES_ARE_NOT_A_SOURCE.to_string()),
            ("stars" | "forks" | "ci", Some(_)) => {
                Err(format!("`{kind}` takes no argument (accepted: {ACCEPTED})"))
            }
            _ => Err(format!("unknown source `{text}` (accepted: {ACCEPTED})")),
        }
    }
}

fn parse_gist_id(id: &str) -> Result<String, String> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(format!(
            "`{id}` is not a gist id (expected the hexadecimal id from the gist's URL)"
        ))
    }
}

/// `OWNER/REPO@BRANCH` is a repository branch; anything else is a local path.
/// A local path that happens to look like `a/b@c` is written `./a/b@c`.
fn parse_location(text: &str) -> Result<ImportLocation, String> {
    if text.is_empty() {
        return Err("`import:` needs a path or OWNER/REPO@BRANCH".to_string());
    }
    let explicit_path = text.starts_with('.') || text.starts_with('/') || text.starts_with('~');
    if !explicit_path {
        if let Some((repo, branch)) = text.rsplit_once('@') {
            if repo.matches('/').count() == 1 {
                let repo = RepoRef::parse(repo).map_err(|e| {
                    format!(
                        "{} (for a local path, write ./{text})",
                        e.message().trim_end_matches('.')
                    )
                })?;
                return parse_branch(branch).map(|branch| ImportLocation::Branch { repo, branch });
            }
        }
    }
    Ok(ImportLocation::Path(PathBuf::from(text)))
}

/// Branch names go into a query string: keep to git's ordinary characters.
fn parse_branch(branch: &str) -> Result<String, String> {
    let ok = !branch.is_empty()
        && branch.len() <= 255
        && !branch.starts_with('-')
        && !branch.contains("..")
        && branch
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(branch.to_string())
    } else {
        Err(format!(
            "`{branch}` is not a branch name ghtraf can read (letters, digits, '-', '_', '.', '/')"
        ))
    }
}

/// The sources in a stable order, each once: `--from ci --from ci` reads CI once.
pub fn normalize(sources: &[Source]) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    for s in sources {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

impl serde::Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Source, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Source, String> {
        text.parse()
    }

    #[test]
    fn plain_sources_parse_and_print_back() {
        for text in [
            "stars",
            "forks",
            "ci",
            "gist-history",
            "gist-history:abc123",
        ] {
            let source = parse(text).unwrap();
            assert_eq!(source.to_string(), text);
        }
        assert_eq!(parse("STARS").unwrap(), Source::Stars);
        assert_eq!(
            parse("gist-history:ABC").unwrap(),
            Source::GistHistory(Some("abc".into()))
        );
    }

    #[test]
    fn import_tells_a_branch_from_a_path() {
        assert_eq!(
            parse("import:octo/demo-stats@github-repo-stats").unwrap(),
            Source::Import(ImportLocation::Branch {
                repo: RepoRef::parse("octo/demo-stats").unwrap(),
                branch: "github-repo-stats".into()
            })
        );
        assert_eq!(
            parse("import:data/export.csv").unwrap(),
            Source::Import(ImportLocation::Path("data/export.csv".into()))
        );
        assert_eq!(
            parse("import:./octo/demo@2024").unwrap(),
            Source::Import(ImportLocation::Path("./octo/demo@2024".into()))
        );
        assert_eq!(
            parse("import:/tmp/x@y").unwrap(),
            Source::Import(ImportLocation::Path("/tmp/x@y".into()))
        );
        // Round trip through the label, which saved plans store.
        let branch = parse("import:octo/demo@traffic").unwrap();
        assert_eq!(parse(&branch.label()).unwrap(), branch);
    }

    #[test]
    fn releases_are_refused_with_the_reason() {
        for text in ["releases", "downloads", "release"] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("cumulative"), "{err}");
        }
    }

    #[test]
    fn bad_values_say_what_is_accepted() {
        let err = parse("stargazers").unwrap_err();
        assert!(
            err.contains("unknown source") && err.contains(ACCEPTED),
            "{err}"
        );
        assert!(parse("import").unwrap_err().contains("needs a location"));
        assert!(parse("import:").is_err());
        assert!(parse("ci:foo").unwrap_err().contains("no argument"));
        assert!(parse("gist-history:not a gist").is_err());
        let bad_branch = parse("import:octo/demo@-rf").unwrap_err();
        assert!(bad_branch.contains("branch"), "{bad_branch}");
        let bad_repo = parse("import:oc to/demo@main").unwrap_err();
        assert!(bad_repo.contains("./oc to/demo@main"), "{bad_repo}");
    }

    #[test]
    fn only_local_imports_are_free_of_api_calls() {
        assert!(!parse("import:a.csv").unwrap().uses_api());
        assert!(parse("import:o/r@b").unwrap().uses_api());
        assert!(parse("stars").unwrap().uses_api());
    }

    #[test]
    fn duplicates_collapse_in_order() {
        let list = [Source::Ci, Source::Stars, Source::Ci];
        assert_eq!(normalize(&list), vec![Source::Ci, Source::Stars]);
    }

    #[test]
    fn serde_uses_the_label() {
        let json = serde_json::to_string(&Source::GistHistory(Some("ab".into()))).unwrap();
        assert_eq!(json, "\"gist-history:ab\"");
        let back: Source = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Source::GistHistory(Some("ab".into())));
        assert!(serde_json::from_str::<Source>("\"releases\"").is_err());
    }
}
