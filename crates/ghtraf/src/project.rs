//! Where the user's repository is, and what `.ghtraf.json` says about it.
//!
//! Later commands should need no flags: `create`/`init` record the owner,
//! repo, gist ids and choices in `.ghtraf.json` at the repository root. A
//! malformed file is an error naming the file and position — it is never
//! silently replaced, because it may hold the only record of the gist ids.
//! Unknown keys are kept on every rewrite.
//!
//! The file is read through the checkout-confined layer ([`Checkout`]): a
//! regular file of at most a few MiB, never through a symlink, never a FIFO
//! or device (which would hang or exhaust memory). A UTF-8 BOM, as some
//! editors write, is accepted. Every value is checked by the same validator
//! a flag goes through ([`crate::values`]), so `"created": "yesterday"` is
//! the same exit-2 error as `--created yesterday`, naming file and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::checkout::{self, Checkout};
use crate::error::{CliError, Result};
use crate::fsio;
use crate::textstyle::strip_bom;
use crate::values::{self, Source};

pub const CONFIG_FILE: &str = ".ghtraf.json";

/// A check of one value, as [`crate::values`] has them.
type Validator = fn(&str, Source<'_>) -> Result<()>;

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
    /// Template files the user changed and chose to keep, by path: `verify`
    /// reports them as kept while they still hold that content.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kept_edits: BTreeMap<String, KeptEdit>,
    /// SHA-256 of what ghtraf itself last wrote into each template file (or
    /// found there identical to its template), by path. A file still holding
    /// it was not edited: when the template changes with a new ghtraf, it is
    /// an outdated template to update, not an edit to keep.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub written_sha256: BTreeMap<String, String>,
    /// Keys this version does not know, kept as they were.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A template file the user edited and a run kept (`--skip-existing`, or a
/// run that could not ask): what it held when kept, and the template it was
/// kept against. Either changing makes the edit worth looking at again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptEdit {
    /// SHA-256 of the file's bytes when it was kept.
    pub sha256: String,
    /// SHA-256 of the template ghtraf would have written instead.
    pub template_sha256: String,
}

/// 64 hexadecimal digits.
fn is_sha256(h: &str) -> bool {
    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

impl KeptEdit {
    fn validate(&self, path: &Path, file: &str) -> Result<()> {
        if is_sha256(&self.sha256) && is_sha256(&self.template_sha256) {
            return Ok(());
        }
        Err(CliError::usage(format!(
            "{}: key \"keptEdits\": the record of {file} is not a pair of SHA-256 hashes",
            path.display()
        ))
        .with_hint("delete the record (the next `ghtraf init --skip-existing` writes it again)"))
    }
}

impl ProjectConfig {
    /// Parses `.ghtraf.json` text (a leading UTF-8 BOM is fine) and checks
    /// every value; errors name the file and the position or key.
    pub fn parse(path: &Path, text: &[u8]) -> Result<Self> {
        let config: ProjectConfig = serde_json::from_slice(strip_bom(text)).map_err(|e| {
            CliError::usage(format!("cannot read {}: {e}", path.display())).with_hint(
                "fix the JSON (ghtraf will not overwrite a file it cannot read), or pass --config PATH",
            )
        })?;
        config.validate(path)?;
        Ok(config)
    }

    /// Each value through the validator its flag uses.
    fn validate(&self, path: &Path) -> Result<()> {
        let at = |key| Source::File { path, key };
        let checks: [(&str, &Option<String>, Validator); 7] = [
            ("owner", &self.owner, values::owner),
            ("repo", &self.repo, values::repo_name),
            ("created", &self.created, values::date),
            ("badgeGistId", &self.badge_gist_id, values::gist_id),
            ("archiveGistId", &self.archive_gist_id, values::gist_id),
            ("gistTokenName", &self.gist_token_name, values::secret_name),
            (
                "releasesUrl",
                &self.releases_url,
                crate::install::validate_releases_url,
            ),
        ];
        for (key, value, check) in checks {
            if let Some(v) = value {
                check(v, at(key))?;
            }
        }
        if let Some(o) = &self.gist_owner {
            values::owner(o, at("gistOwner"))?;
        }
        for (file, kept) in &self.kept_edits {
            kept.validate(path, file)?;
        }
        if let Some(file) = self
            .written_sha256
            .iter()
            .find(|(_, h)| !is_sha256(h))
            .map(|(f, _)| f)
        {
            return Err(CliError::usage(format!(
                "{}: key \"writtenSha256\": the record of {file} is not a SHA-256 hash",
                path.display()
            ))
            .with_hint("delete the record (the next `ghtraf init` writes it again)"));
        }
        Ok(())
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
/// holding `.ghtraf.json` or `.git`, else `cwd`.
///
/// Nearest of either, not "any `.ghtraf.json` first": a stray
/// `~/.ghtraf.json` must not make the home directory the root of every clone
/// below it that has none yet (its files would land outside the checkout).
/// Markers are looked at, not followed, so a symlinked `.ghtraf.json` still
/// marks the root and is then refused with its reason.
pub fn discover_root(repo_dir: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(dir) = repo_dir {
        return dir.to_path_buf();
    }
    let marked = |d: &Path| {
        [CONFIG_FILE, ".git"]
            .iter()
            .any(|m| std::fs::symlink_metadata(d.join(m)).is_ok())
    };
    cwd.ancestors()
        .find(|d| marked(d))
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Reads what the project directory says (config, origin remote).
pub fn observe(root: &Path, config_override: Option<&Path>) -> Result<Project> {
    let config_path = config_override
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join(CONFIG_FILE));
    let bytes = read_config(root, &config_path, config_override.is_some())?;
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

/// The config file's bytes: the checkout's `.ghtraf.json` through the
/// confined layer; a `--config PATH` the user named as a regular file (not
/// through a final symlink) of bounded size.
fn read_config(root: &Path, path: &Path, explicit: bool) -> Result<Option<Vec<u8>>> {
    let shown = path.display();
    let read = if explicit {
        fsio::read_regular(path, fsio::LOCAL_FILE_CAP).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
                CliError::usage(format!("cannot use {shown}: it {e}"))
            }
            _ => CliError::runtime(format!("cannot read {shown}: {e}")),
        })
    } else {
        Checkout::new(root)
            .read(CONFIG_FILE, fsio::LOCAL_FILE_CAP)
            .map_err(|e| match e {
                checkout::Error::Refused(r) => {
                    CliError::usage(format!("cannot use {shown}: {}", r.reason))
                }
                checkout::Error::Io { error, .. }
                    if error.kind() == std::io::ErrorKind::InvalidData =>
                {
                    CliError::usage(format!("cannot use {shown}: it {error}"))
                }
                checkout::Error::Io { error, .. } => {
                    CliError::runtime(format!("cannot read {shown}: {error}"))
                }
            })
    };
    read.map_err(|e| {
        e.with_hint(
            "make it a regular JSON file in the checkout (ghtraf never follows links there), or pass --config PATH",
        )
    })
}

/// `owner/repo` of the `origin` remote, if it is a GitHub URL.
fn read_origin(root: &Path) -> Option<(String, String)> {
    let bytes = fsio::read_regular(&root.join(".git/config"), fsio::LOCAL_FILE_CAP)
        .ok()
        .flatten()?;
    let text = String::from_utf8_lossy(&bytes);
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
    fn a_config_above_the_clone_does_not_capture_it() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        std::fs::write(home.join(CONFIG_FILE), "{}").unwrap();
        std::fs::create_dir_all(home.join("src/clone/.git")).unwrap();
        std::fs::create_dir_all(home.join("src/clone/docs")).unwrap();
        assert_eq!(
            discover_root(None, &home.join("src/clone/docs")),
            home.join("src/clone")
        );
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

    #[test]
    fn a_bom_is_accepted() {
        let p = Path::new("/x/.ghtraf.json");
        let c = ProjectConfig::parse(p, b"\xEF\xBB\xBF{\"owner\": \"octo\"}\r\n").unwrap();
        assert_eq!(c.owner.as_deref(), Some("octo"));
    }

    #[test]
    fn every_value_is_validated_naming_file_and_key() {
        let p = Path::new("/x/.ghtraf.json");
        let e = ProjectConfig::parse(p, br#"{"created":"yesterday"}"#).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Usage);
        assert_eq!(
            e.message,
            "/x/.ghtraf.json: key \"created\": `yesterday` is not a date"
        );
        for bad in [
            r#"{"badgeGistId":"../../user"}"#,
            r#"{"archiveGistId":"a b"}"#,
            r#"{"gistTokenName":"GITHUB_TOKEN"}"#,
            r#"{"owner":"o/r"}"#,
            r#"{"repo":".."}"#,
            r#"{"gistOwner":""}"#,
        ] {
            let e = ProjectConfig::parse(p, bad.as_bytes()).unwrap_err();
            assert!(
                e.message.starts_with("/x/.ghtraf.json: key"),
                "{bad}: {}",
                e.message
            );
        }
        let e = ProjectConfig::parse(
            p,
            br#"{"keptEdits":{"a.yml":{"sha256":"x","templateSha256":"y"}}}"#,
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("/x/.ghtraf.json: key \"keptEdits\": the record of a.yml"),
            "{}",
            e.message
        );
        let ok = br#"{"owner":"octo","repo":"demo","created":"2024-01-31","badgeGistId":"abc123","gistTokenName":"TRAFFIC_GIST_TOKEN"}"#;
        assert!(ProjectConfig::parse(p, ok).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_configs_are_clear_usage_errors_without_hanging() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let cfg = root.join(CONFIG_FILE);
        symlink("/dev/zero", &cfg).unwrap();
        let e = observe(root, None).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Usage);
        assert!(
            e.message.contains("is a symlink to `/dev/zero`"),
            "{}",
            e.message
        );
        std::fs::remove_file(&cfg).unwrap();
        assert!(std::process::Command::new("mkfifo")
            .arg(&cfg)
            .status()
            .unwrap()
            .success());
        let e = observe(root, None).unwrap_err();
        assert!(e.message.contains("FIFO"), "{}", e.message);
        // Named explicitly: still only a regular file.
        let e = observe(root, Some(Path::new("/dev/zero"))).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Usage);
        assert!(e.message.contains("character device"), "{}", e.message);
        std::fs::remove_file(&cfg).unwrap();
        let big = std::fs::File::create(&cfg).unwrap();
        big.set_len(fsio::LOCAL_FILE_CAP + 1).unwrap();
        let e = observe(root, None).unwrap_err();
        assert!(e.message.contains("too large"), "{}", e.message);
        std::fs::write(&cfg, "{\"created\":\"2024-01-01\"}").unwrap();
        let p = observe(root, None).unwrap();
        assert_eq!(p.config.unwrap().created.as_deref(), Some("2024-01-01"));
    }
}
