//! Where the user's repository is, and what `.ghtraf.json` says about it.
//!
//! Later commands should need no flags: `create`/`init` record the owner,
//! repo, gist ids and choices in `.ghtraf.json` at the repository root. A
//! malformed file is an error naming the file and position — it is never
//! silently replaced, because it may hold the only record of the gist ids.
//! Unknown keys are kept on every rewrite.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};
use crate::fsio;

pub const CONFIG_FILE: &str = ".ghtraf.json";

/// The settings ghtraf keeps in the repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_gist_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_gist_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gist_owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gist_token_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ci_workflows: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_command: Option<String>,
    /// Releases page the workflow installs ghtraf from (absent: this project's releases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases_url: Option<String>,
    /// Keys this version does not know, kept as they were.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ProjectConfig {
    /// Parses `.ghtraf.json` text; errors name the file and position.
    pub fn parse(path: &Path, text: &[u8]) -> Result<Self> {
        serde_json::from_slice(text).map_err(|e| {
            CliError::usage(format!("cannot read {}: {e}", path.display())).with_hint(
                "fix the JSON (ghtraf will not overwrite a file it cannot read), or pass --config PATH",
            )
        })
    }

    pub fn to_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string());
        s.push('\n');
        s
    }
}

/// The repository being set up, and its config file if any.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config_path: PathBuf,
    /// The config as read (None: no file yet).
    pub config: Option<ProjectConfig>,
    /// The raw bytes read, for the plan's precondition.
    pub config_bytes: Option<Vec<u8>>,
    /// `owner/repo` from the `origin` remote when it points at GitHub.
    pub origin: Option<(String, String)>,
}

/// Finds the repository root: `--repo-dir`, else the nearest directory upwards
/// holding `.ghtraf.json`, else the nearest holding `.git`, else `cwd`.
pub fn discover_root(repo_dir: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(dir) = repo_dir {
        return dir.to_path_buf();
    }
    for marker in [CONFIG_FILE, ".git"] {
        if let Some(found) = cwd.ancestors().find(|d| d.join(marker).exists()) {
            return found.to_path_buf();
        }
    }
    cwd.to_path_buf()
}

/// Reads what the project directory says (config, origin remote).
pub fn observe(root: &Path, config_override: Option<&Path>) -> Result<Project> {
    let config_path = config_override
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join(CONFIG_FILE));
    let bytes = fsio::read_optional(&config_path)
        .map_err(|e| CliError::runtime(format!("cannot read {}: {e}", config_path.display())))?;
    let config = match &bytes {
        Some(b) => Some(ProjectConfig::parse(&config_path, b)?),
        None if config_override.is_some() => {
            return Err(CliError::usage(format!(
                "config file {} does not exist",
                config_path.display()
            )))
        }
        None => None,
    };
    Ok(Project {
        root: root.to_path_buf(),
        config_path,
        config,
        config_bytes: bytes,
        origin: read_origin(root),
    })
}

/// `owner/repo` of the `origin` remote, if it is a GitHub URL.
fn read_origin(root: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(root.join(".git/config")).ok()?;
    let mut in_origin = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
        } else if in_origin {
            if let Some(url) = line.strip_prefix("url").map(str::trim_start) {
                if let Some(url) = url.strip_prefix('=') {
                    return parse_github_remote(url.trim());
                }
            }
        }
    }
    None
}

/// `owner/repo` from `https://github.com/o/r(.git)`, `git@github.com:o/r(.git)`
/// or `ssh://git@github.com/o/r(.git)`.
pub fn parse_github_remote(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))
        .or_else(|| url.strip_prefix("git@github.com:"))
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))?;
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let (owner, repo) = rest.split_once('/')?;
    (!owner.is_empty() && !repo.is_empty() && !repo.contains('/'))
        .then(|| (owner.to_string(), repo.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes() {
        let want = Some(("octo".to_string(), "demo".to_string()));
        assert_eq!(
            parse_github_remote("https://github.com/octo/demo.git"),
            want
        );
        assert_eq!(parse_github_remote("git@github.com:octo/demo.git"), want);
        assert_eq!(parse_github_remote("ssh://git@github.com/octo/demo"), want);
        assert_eq!(parse_github_remote("https://gitlab.com/octo/demo"), None);
    }

    #[test]
    fn discovery_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/.git")).unwrap();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        assert_eq!(discover_root(None, &root.join("a/b/c")), root.join("a"));
        std::fs::write(root.join("a/b/.ghtraf.json"), "{}").unwrap();
        assert_eq!(discover_root(None, &root.join("a/b/c")), root.join("a/b"));
        assert_eq!(discover_root(Some(root), &root.join("a/b/c")), root);
        let lone = tempfile::tempdir().unwrap();
        assert_eq!(discover_root(None, lone.path()), lone.path());
    }

    #[test]
    fn malformed_config_is_an_error_and_unknown_keys_survive() {
        let p = Path::new("/x/.ghtraf.json");
        let e = ProjectConfig::parse(p, b"{\"owner\": }").unwrap_err();
        assert!(e.message.contains("/x/.ghtraf.json"), "{}", e.message);
        assert!(e.message.contains("line 1"), "{}", e.message);
        let c = ProjectConfig::parse(p, br#"{"owner":"o","mine":{"k":1}}"#).unwrap();
        assert!(c.to_pretty().contains("\"mine\""));
    }
}
