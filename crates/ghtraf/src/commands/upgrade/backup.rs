//! Writing the upgrade's backup: every gist file at the planned revision, the
//! variables, the secret's date, and a journal of what the run did.
//!
//! The backup lives outside the checkout (so `git clean` cannot take it) in a
//! directory that must not exist yet: a backup never overwrites an earlier
//! one. Gist ids and file names come from the network, so each is checked to
//! be a plain name before anything is written — a hostile name such as
//! `../x` stops the backup instead of escaping its directory. The manifest
//! says how to roll back: every gist keeps its history, so restoring means
//! writing these files back (or reverting to the recorded revision).

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ghtraf_plan::ActionResult;
use serde::Serialize;

use super::step::BackupStep;

/// One gist as fetched at the planned revision: file name → content.
pub type GistFiles = BTreeMap<String, String>;

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    repository: &'a str,
    taken_at: &'a str,
    how_to_restore: &'a str,
    gists: Vec<ManifestGist<'a>>,
    variables: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_updated_at: Option<&'a str>,
}

#[derive(Serialize)]
struct ManifestGist<'a> {
    id: &'a str,
    role: &'a str,
    description: &'a str,
    revision: &'a str,
    files: Vec<&'a str>,
}

const HOW_TO_RESTORE: &str = "Each folder is one gist at the revision named here. To roll \
back, write its files back to the gist (gh gist edit ID -f FILE), or restore that revision \
from the gist's history on github.com; set the variables back with gh variable set.";

/// A name that is safe as one path component: no separator, not `.`/`..`, no NUL.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.starts_with('~')
}

/// Writes the backup. `fetched` holds each planned gist's files at its planned revision,
/// in the order of `step.gists`. Returns the paths written.
pub fn write_backup(
    step: &BackupStep,
    fetched: &[GistFiles],
    repository: &str,
    taken_at: &str,
) -> io::Result<Vec<PathBuf>> {
    if fetched.len() != step.gists.len() {
        return Err(io::Error::other(
            "internal: the fetched gists do not match the planned backup",
        ));
    }
    for (g, files) in step.gists.iter().zip(fetched) {
        if !plain_name(&g.id) {
            return Err(io::Error::other(format!(
                "gist id {:?} is not a plain name; nothing was backed up",
                g.id
            )));
        }
        if let Some(bad) = files.keys().find(|n| !plain_name(n)) {
            return Err(io::Error::other(format!(
                "gist {} has a file named {bad:?}, which cannot be saved safely; nothing was backed up",
                g.id
            )));
        }
    }
    let dir = Path::new(&step.dir);
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already holds files; a backup never overwrites another",
                dir.display()
            ),
        ));
    }
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (g, files) in step.gists.iter().zip(fetched) {
        let sub = dir.join(&g.id);
        fs::create_dir_all(&sub)?;
        for (name, content) in files {
            written.push(write_new(&sub.join(name), content.as_bytes())?);
        }
    }
    let manifest = Manifest {
        format: 1,
        repository,
        taken_at,
        how_to_restore: HOW_TO_RESTORE,
        gists: step
            .gists
            .iter()
            .zip(fetched)
            .map(|(g, files)| ManifestGist {
                id: &g.id,
                role: g.role.name(),
                description: &g.description,
                revision: &g.revision,
                files: files.keys().map(String::as_str).collect(),
            })
            .collect(),
        variables: &step.variables,
        secret_updated_at: step.secret_updated_at.as_deref(),
    };
    let mut text = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    text.push('\n');
    written.push(write_new(&dir.join("manifest.json"), text.as_bytes())?);
    Ok(written)
}

/// Records what the run did next to the backup, so a re-run (or a person) can see
/// which actions were done, failed or skipped. Replaces an earlier journal of the same
/// backup: it is a status, not a record to keep.
pub fn write_journal(dir: &Path, results: &[ActionResult]) -> io::Result<PathBuf> {
    let mut text = serde_json::to_string_pretty(results).map_err(io::Error::other)?;
    text.push('\n');
    let path = dir.join("journal.json");
    let tmp = dir.join(".journal.json.tmp");
    fs::write(&tmp, text)?;
    fs::rename(&tmp, &path)?;
    Ok(path)
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::upgrade::fingerprint::Role;
    use crate::commands::upgrade::step::BackupGist;

    fn step(dir: &Path) -> BackupStep {
        BackupStep {
            dir: dir.display().to_string(),
            gists: vec![BackupGist {
                id: "abc123".to_string(),
                role: Role::Badges,
                description: "octo/demo traffic badges".to_string(),
                revision: "rev1".to_string(),
                files: vec!["state.json".to_string()],
            }],
            variables: BTreeMap::from([("TRAFFIC_GIST_ID".to_string(), "abc123".to_string())]),
            secret_updated_at: Some("2025-06-01T00:00:00Z".to_string()),
        }
    }

    fn files(name: &str) -> Vec<GistFiles> {
        vec![BTreeMap::from([(
            name.to_string(),
            "{\"x\": 1}".to_string(),
        )])]
    }

    #[test]
    fn writes_every_file_and_a_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("octo/demo/20260302T100000Z");
        let written = write_backup(&step(&dir), &files("state.json"), "octo/demo", "now").unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(
            fs::read_to_string(dir.join("abc123/state.json")).unwrap(),
            "{\"x\": 1}"
        );
        let manifest = fs::read_to_string(dir.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"revision\": \"rev1\""));
        assert!(manifest.contains("\"TRAFFIC_GIST_ID\": \"abc123\""));
        assert!(manifest.contains("how_to_restore"));
    }

    #[test]
    fn never_overwrites_an_earlier_backup() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("b");
        write_backup(&step(&dir), &files("state.json"), "octo/demo", "now").unwrap();
        let e = write_backup(&step(&dir), &files("state.json"), "octo/demo", "now").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn a_hostile_file_name_stops_the_backup_before_any_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("b");
        for bad in ["../escape.json", "..", "a/b", "a\\b", ""] {
            let e = write_backup(&step(&dir), &files(bad), "octo/demo", "now").unwrap_err();
            assert!(
                e.to_string().contains("nothing was backed up"),
                "{bad}: {e}"
            );
            assert!(!dir.exists(), "{bad}: something was written");
        }
        assert!(!tmp.path().join("escape.json").exists());
    }

    #[test]
    fn the_journal_lists_results() {
        let tmp = tempfile::tempdir().unwrap();
        let r = ActionResult {
            id: ghtraf_plan::ActionId::new(
                ghtraf_plan::Category::Gist,
                ghtraf_plan::Operation::Update,
                "badges.description",
            ),
            status: ghtraf_plan::ResultStatus::Failed,
            message: String::new(),
            error: Some("502".to_string()),
            produced: BTreeMap::new(),
            stale: false,
        };
        let p = write_journal(tmp.path(), &[r]).unwrap();
        let text = fs::read_to_string(p).unwrap();
        assert!(text.contains("gist:update:badges.description"));
        assert!(text.contains("failed"));
    }
}
