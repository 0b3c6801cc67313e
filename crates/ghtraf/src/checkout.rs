//! The checkout-confined file layer: every managed path is read and written
//! through here, so no write lands outside the repository directory and no
//! read follows a link out of it.
//!
//! A managed path (`.github/workflows/traffic-badges.yml`, `docs/stats/…`,
//! `.ghtraf.json`) is given relative to the checkout root and resolved one
//! component at a time with `symlink_metadata`: every parent must be a real
//! directory and the file itself a regular file (or absent). Anything else —
//! a symlink, a FIFO, a device, a file where a directory belongs — is a
//! [`Refusal`] with a reason, which planners turn into a conflict the user
//! sees (never a silent follow, never an error that hides the rest of the
//! plan).
//!
//! **Symlinks are refused even when they stay inside the checkout.** Telling
//! "inside" from "outside" needs the link resolved, which another process can
//! change between the check and the write; a link that points inside today
//! may point at `~/.ssh` tomorrow, and renaming a file over a symlinked path
//! would silently replace the user's link with a file. A managed path made of
//! real directories and a regular file has none of these problems, and is
//! what `git checkout` produces for ghtraf's files. The reason says where the
//! link points, so the user can replace it with what it points to.
//!
//! What stays open: the checks use paths, not directory handles (std has no
//! `openat`), so a process that can change the checkout *while ghtraf runs*
//! could swap a parent directory for a link between the final check and the
//! rename. The file itself is safe either way: reads open it with
//! `O_NOFOLLOW` and judge the open handle ([`fsio::read_regular`]), and a
//! rename replaces a link rather than following it. Such a process could
//! write those files itself, so this is not a boundary ghtraf could defend.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::fsio;

/// The checkout a command works in.
#[derive(Debug, Clone)]
pub struct Checkout {
    root: PathBuf,
}

/// Why a managed path cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The managed path asked for (repo-relative, `/`-separated).
    pub path: String,
    /// The component at fault: `path` itself or one of its parents.
    pub at: String,
    /// What is wrong, for the plan and error messages (never file content).
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// A failed read or write of a managed path.
#[derive(Debug)]
pub enum Error {
    /// The path is not made of real directories and a regular file.
    Refused(Refusal),
    /// The system said no (permission, too large, disk full, …).
    Io { path: String, error: io::Error },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(r) => write!(f, "{r}"),
            Error::Io { path, error } => write!(f, "`{path}`: {error}"),
        }
    }
}

/// What a managed path holds, as a planner needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    Absent,
    File(Vec<u8>),
    /// Something ghtraf will neither read nor write; the reason says what.
    Refused(Refusal),
}

impl Local {
    /// The bytes, if a regular file was read.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Local::File(b) => Some(b),
            _ => None,
        }
    }
}

impl Checkout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Checkout { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The full path of a managed path, after checking it is relative and
    /// goes only downwards (no `..`, no root, no empty parts).
    pub fn full_path(&self, rel: &str) -> Result<PathBuf, Refusal> {
        let parts = split(rel)?;
        let mut p = self.root.clone();
        p.extend(parts);
        Ok(p)
    }

    /// Checks every component of `rel`: real directories, then a regular
    /// file. `Ok(true)`: the file exists; `Ok(false)`: it (or a parent) does
    /// not, and writing it would create real directories only.
    pub fn check(&self, rel: &str) -> Result<bool, Error> {
        let parts = split(rel).map_err(Error::Refused)?;
        let mut cur = self.root.clone();
        for (i, part) in parts.iter().enumerate() {
            cur.push(part);
            let shown = parts[..=i].join("/");
            let last = i + 1 == parts.len();
            let meta = match fs::symlink_metadata(&cur) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
                Err(error) => return Err(Error::Io { path: shown, error }),
            };
            let refuse = |reason: String| {
                Err(Error::Refused(Refusal {
                    path: rel.to_string(),
                    at: shown.clone(),
                    reason,
                }))
            };
            if meta.file_type().is_symlink() {
                return refuse(self.symlink_reason(&shown, &cur));
            }
            if !last && !meta.is_dir() {
                return refuse(format!(
                    "`{shown}` is {}, where ghtraf needs a directory",
                    fsio::kind_of(&meta)
                ));
            }
            if last && !meta.is_file() {
                return refuse(format!(
                    "`{shown}` is {}, not a regular file",
                    fsio::kind_of(&meta)
                ));
            }
        }
        Ok(true)
    }

    fn symlink_reason(&self, shown: &str, full: &Path) -> String {
        let (target, inside) = match fs::read_link(full) {
            Ok(t) => {
                let resolved = lexical_join(full.parent().unwrap_or(&self.root), &t);
                let inside = resolved.starts_with(lexical(&self.root));
                (t.display().to_string(), inside)
            }
            Err(_) => ("?".to_string(), false),
        };
        let where_ = if inside {
            "inside the checkout"
        } else {
            "outside the checkout"
        };
        format!(
            "`{shown}` is a symlink to `{target}` ({where_}); ghtraf never reads or writes \
             its files through a symlink: replace the link with a real directory or file"
        )
    }

    /// Reads a managed file of at most `cap` bytes; `None` if absent.
    pub fn read(&self, rel: &str, cap: u64) -> Result<Option<Vec<u8>>, Error> {
        if !self.check(rel)? {
            return Ok(None);
        }
        let full = self.full_path(rel).map_err(Error::Refused)?;
        match fsio::read_regular(&full, cap) {
            Ok(bytes) => Ok(bytes),
            // Swapped since the check: the handle's type decided. Same refusal.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Err(Error::Refused(Refusal {
                path: rel.to_string(),
                at: rel.to_string(),
                reason: format!("`{rel}` {e}"),
            })),
            Err(error) => Err(Error::Io {
                path: rel.to_string(),
                error,
            }),
        }
    }

    /// What a planner sees at `rel`: absent, the bytes, or why not. Only
    /// system errors (permission, too large) are errors.
    pub fn observe(&self, rel: &str, cap: u64) -> Result<Local, Error> {
        match self.read(rel, cap) {
            Ok(None) => Ok(Local::Absent),
            Ok(Some(b)) => Ok(Local::File(b)),
            Err(Error::Refused(r)) => Ok(Local::Refused(r)),
            Err(e) => Err(e),
        }
    }

    /// Writes a managed file atomically, creating missing parents as real
    /// directories; refuses (writing nothing) if any component is a symlink
    /// or not what it should be. The file's mode is kept.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        self.check(rel)?;
        let parts = split(rel).map_err(Error::Refused)?;
        let mut cur = self.root.clone();
        for part in &parts[..parts.len().saturating_sub(1)] {
            cur.push(part);
            match fs::create_dir(&cur) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => {
                    return Err(Error::Io {
                        path: rel.to_string(),
                        error,
                    })
                }
            }
        }
        // Again, now that the parents exist: nothing may have become a link.
        self.check(rel)?;
        let full = self.full_path(rel).map_err(Error::Refused)?;
        fsio::write_atomic(&full, bytes).map_err(|error| Error::Io {
            path: rel.to_string(),
            error,
        })
    }

    /// Stale temporary files of killed writes in the directory of `rel`
    /// (which must itself resolve safely), repo-relative.
    pub fn stale_temps(&self, rel: &str) -> Result<Vec<String>, Error> {
        let parts = split(rel).map_err(Error::Refused)?;
        let dir_rel = parts[..parts.len().saturating_sub(1)].join("/");
        if !dir_rel.is_empty() {
            // A refused or missing directory has nothing of ours in it.
            match self.check_dir(&dir_rel) {
                Ok(true) => {}
                Ok(false) | Err(Error::Refused(_)) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
        }
        let dir = if dir_rel.is_empty() {
            self.root.clone()
        } else {
            self.full_path(&dir_rel).map_err(Error::Refused)?
        };
        let found = fsio::stale_temps(&dir).map_err(|error| Error::Io {
            path: dir_rel.clone(),
            error,
        })?;
        Ok(found
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| {
                let n = n.to_string_lossy();
                if dir_rel.is_empty() {
                    n.into_owned()
                } else {
                    format!("{dir_rel}/{n}")
                }
            })
            .collect())
    }

    /// Like [`Checkout::check`] for a directory.
    fn check_dir(&self, rel: &str) -> Result<bool, Error> {
        let parts = split(rel).map_err(Error::Refused)?;
        let mut cur = self.root.clone();
        for (i, part) in parts.iter().enumerate() {
            cur.push(part);
            let shown = parts[..=i].join("/");
            match fs::symlink_metadata(&cur) {
                Ok(m) if m.is_dir() => {}
                Ok(m) => {
                    return Err(Error::Refused(Refusal {
                        path: rel.to_string(),
                        at: shown.clone(),
                        reason: format!(
                            "`{shown}` is {}, where ghtraf needs a directory",
                            fsio::kind_of(&m)
                        ),
                    }))
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
                Err(error) => return Err(Error::Io { path: shown, error }),
            }
        }
        Ok(true)
    }

    /// Removes a stale temporary file found by [`Checkout::stale_temps`].
    pub fn remove_temp(&self, rel: &str) -> Result<(), Error> {
        let full = self.full_path(rel).map_err(Error::Refused)?;
        let name = full
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".tmp") || !name.contains(".ghtraf-") {
            return Err(Error::Refused(Refusal {
                path: rel.to_string(),
                at: rel.to_string(),
                reason: format!("`{rel}` is not a temporary file of ghtraf"),
            }));
        }
        self.check(rel)?;
        match fs::remove_file(&full) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(Error::Io {
                path: rel.to_string(),
                error,
            }),
        }
    }
}

/// The components of a repo-relative path, or why it is not one.
fn split(rel: &str) -> Result<Vec<&str>, Refusal> {
    let parts: Vec<&str> = rel.split('/').collect();
    let bad = rel.is_empty()
        || Path::new(rel).is_absolute()
        || parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\\'));
    if bad {
        return Err(Refusal {
            path: rel.to_string(),
            at: rel.to_string(),
            reason: format!("`{rel}` is not a path inside the checkout"),
        });
    }
    Ok(parts)
}

/// `base/rel` with `.` and `..` applied lexically (no file system access).
fn lexical_join(base: &Path, rel: &Path) -> PathBuf {
    lexical(&base.join(rel))
}

fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    struct World {
        _dirs: (tempfile::TempDir, tempfile::TempDir),
        repo: PathBuf,
        outside: PathBuf,
    }

    fn world() -> World {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        World {
            repo: repo.path().to_path_buf(),
            outside: outside.path().to_path_buf(),
            _dirs: (repo, outside),
        }
    }

    fn refusal(e: Error) -> Refusal {
        match e {
            Error::Refused(r) => r,
            Error::Io { path, error } => panic!("expected a refusal, got {path}: {error}"),
        }
    }

    #[test]
    fn a_symlinked_parent_leading_outside_is_refused_and_nothing_is_written() {
        let w = world();
        fs::create_dir_all(w.repo.join(".github")).unwrap();
        symlink(&w.outside, w.repo.join(".github/workflows")).unwrap();
        let co = Checkout::new(&w.repo);
        let e = co
            .write(".github/workflows/traffic-badges.yml", b"on: push\n")
            .unwrap_err();
        let r = refusal(e);
        assert_eq!(r.at, ".github/workflows");
        assert!(r.reason.contains("is a symlink"), "{}", r.reason);
        assert!(r.reason.contains("outside the checkout"), "{}", r.reason);
        assert_eq!(fs::read_dir(&w.outside).unwrap().count(), 0);
        let seen = co
            .observe(".github/workflows/traffic-badges.yml", 1024)
            .unwrap();
        assert!(matches!(seen, Local::Refused(_)), "{seen:?}");
    }

    #[test]
    fn a_symlink_inside_the_checkout_is_refused_too_and_says_so() {
        let w = world();
        fs::create_dir_all(w.repo.join("site/stats")).unwrap();
        fs::create_dir_all(w.repo.join("docs")).unwrap();
        symlink("../site/stats", w.repo.join("docs/stats")).unwrap();
        let co = Checkout::new(&w.repo);
        let r = refusal(co.write("docs/stats/index.html", b"x").unwrap_err());
        assert!(r.reason.contains("inside the checkout"), "{}", r.reason);
        assert_eq!(fs::read_dir(w.repo.join("site/stats")).unwrap().count(), 0);
    }

    #[test]
    fn a_key_behind_a_symlinked_file_is_never_read() {
        let w = world();
        let key = w.outside.join("id_ed25519");
        fs::write(&key, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n").unwrap();
        symlink(&key, w.repo.join(".ghtraf.json")).unwrap();
        let co = Checkout::new(&w.repo);
        let r = refusal(co.read(".ghtraf.json", 1024).unwrap_err());
        assert!(!r.reason.contains("PRIVATE"), "{}", r.reason);
        assert!(r.reason.contains("id_ed25519"), "{}", r.reason);
        // Writing replaces nothing and leaves the key alone.
        assert!(co.write(".ghtraf.json", b"{}").is_err());
        assert!(fs::read_to_string(&key).unwrap().contains("PRIVATE"));
    }

    #[test]
    fn devices_fifos_and_files_in_place_of_directories_are_refused() {
        let w = world();
        let co = Checkout::new(&w.repo);
        symlink("/dev/zero", w.repo.join(".ghtraf.json")).unwrap();
        assert!(matches!(
            co.observe(".ghtraf.json", 1024).unwrap(),
            Local::Refused(_)
        ));
        fs::create_dir_all(w.repo.join(".github/workflows")).unwrap();
        let fifo = w.repo.join(".github/workflows/traffic-badges.yml");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let r = refusal(
            co.read(".github/workflows/traffic-badges.yml", 1024)
                .unwrap_err(),
        );
        assert!(r.reason.contains("FIFO"), "{}", r.reason);
        assert!(co
            .write(".github/workflows/traffic-badges.yml", b"x")
            .is_err());
        fs::write(w.repo.join("docs"), "a file").unwrap();
        let r = refusal(co.write("docs/stats/index.html", b"x").unwrap_err());
        assert_eq!(r.at, "docs");
        assert!(r.reason.contains("needs a directory"), "{}", r.reason);
    }

    #[test]
    fn paths_must_stay_below_the_root() {
        let w = world();
        let co = Checkout::new(&w.repo);
        for bad in ["", "/etc/passwd", "../x", "docs/../../x", "docs//x", "./x"] {
            assert!(co.full_path(bad).is_err(), "{bad}");
            assert!(co.write(bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn real_directories_are_created_and_files_round_trip() {
        let w = world();
        let co = Checkout::new(&w.repo);
        assert_eq!(
            co.observe("docs/stats/config.json", 1024).unwrap(),
            Local::Absent
        );
        co.write("docs/stats/config.json", b"{}\n").unwrap();
        assert_eq!(
            co.observe("docs/stats/config.json", 1024).unwrap(),
            Local::File(b"{}\n".to_vec())
        );
        assert!(fs::symlink_metadata(w.repo.join("docs/stats"))
            .unwrap()
            .is_dir());
    }

    #[test]
    fn stale_temps_are_listed_repo_relative_and_removed() {
        let w = world();
        let co = Checkout::new(&w.repo);
        fs::create_dir_all(w.repo.join("docs/stats")).unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("1000")
            .spawn()
            .unwrap();
        let pid = child.id();
        child.kill().unwrap();
        child.wait().unwrap();
        let name = format!(".index.html.ghtraf-{pid}.tmp");
        fs::write(w.repo.join("docs/stats").join(&name), "half").unwrap();
        let found = co.stale_temps("docs/stats/index.html").unwrap();
        assert_eq!(found, vec![format!("docs/stats/{name}")]);
        co.remove_temp(&found[0]).unwrap();
        assert!(co.stale_temps("docs/stats/index.html").unwrap().is_empty());
        assert!(co.remove_temp("docs/stats/index.html").is_err());
        // A refused directory has no temp files we would touch.
        symlink(&w.outside, w.repo.join("site")).unwrap();
        fs::write(w.outside.join(&name), "theirs").unwrap();
        assert!(co.stale_temps("site/index.html").unwrap().is_empty());
    }
}
