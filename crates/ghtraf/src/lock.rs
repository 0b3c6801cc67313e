//! One `create` per checkout at a time.
//!
//! Two `create` runs started together in the same checkout both observe "no
//! gists yet" and both create a pair (2 of 3 trials in the fault campaign).
//! The guard is an OS advisory lock (`flock`/`LockFileEx` through `fs4`) on a
//! lock file inside the checkout: `.git/ghtraf.lock` when `.git` is a real
//! directory (git ignores it and `git add` never stages it), else
//! `.ghtraf.lock` at the root. The kernel releases the lock when the process
//! ends however it ends, so a killed run cannot leave it stuck. The file holds
//! the holder's PID for the message; at the root it is removed when released.
//!
//! It guards one checkout, not one repository: two clones of the same
//! repository on two machines are not serialized (docs/hostile-worlds.md says
//! what still catches that: the duplicate report of `create`/`status`/`verify`).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use crate::error::{CliError, Result};

/// Held for as long as the value lives; dropping it (or the process ending)
/// releases the lock.
#[derive(Debug)]
pub struct CheckoutLock {
    _file: File,
    pub path: PathBuf,
    /// A lock file at the root (not in `.git`) is removed when released, so
    /// a finished run leaves nothing in the working tree.
    remove: bool,
}

impl Drop for CheckoutLock {
    fn drop(&mut self) {
        // Removed while still held: a run that opened it just before sees,
        // once it gets the lock, that the path no longer names its file.
        if self.remove {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `file` is still the file at `path` (not removed or replaced since
/// it was opened).
fn still_at(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Where the lock file of the checkout at `root` lives.
pub fn lock_path(root: &Path) -> PathBuf {
    let git = root.join(".git");
    match std::fs::symlink_metadata(&git) {
        Ok(meta) if meta.is_dir() => git.join("ghtraf.lock"),
        _ => root.join(".ghtraf.lock"),
    }
}

/// Takes the checkout's lock for `command`, or says who holds it. Never waits.
pub fn acquire(root: &Path, command: &str) -> Result<CheckoutLock> {
    let path = lock_path(root);
    let shown = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .display()
        .to_string();
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A symlink planted at the lock path is never followed out of the checkout.
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options
        .open(&path)
        .map_err(|e| CliError::runtime(format!("cannot open the lock file {shown}: {e}")))?;
    let held = file
        .try_lock_exclusive()
        .map_err(|e| CliError::runtime(format!("cannot lock {shown}: {e}")))?;
    if !held || !still_at(&file, &path) {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        let who = holder
            .trim()
            .parse::<u32>()
            .map(|pid| format!(" (process {pid})"))
            .unwrap_or_default();
        return Err(CliError::runtime(format!(
            "another `ghtraf {command}` is running in this checkout{who}; nothing was done"
        ))
        .with_hint(format!(
            "wait for it to finish, then run `ghtraf {command}` again (the lock is {shown}; it is released when that process ends, even if it is killed)"
        )));
    }
    // Best effort: the PID is only for the message above.
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = writeln!(file, "{}", std::process::id());
    let _ = file.flush();
    let remove = !path.starts_with(root.join(".git"));
    Ok(CheckoutLock {
        _file: file,
        path,
        remove,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let first = acquire(dir.path(), "create").unwrap();
        assert_eq!(first.path, dir.path().join(".git/ghtraf.lock"));
        let err = acquire(dir.path(), "create").unwrap_err();
        assert!(
            err.message
                .contains(&format!("(process {})", std::process::id())),
            "{}",
            err.message
        );
        drop(first);
        acquire(dir.path(), "create").unwrap();
    }

    #[test]
    fn without_a_git_directory_the_lock_is_at_the_root_and_removed_after() {
        let dir = tempfile::tempdir().unwrap();
        let lock = acquire(dir.path(), "init").unwrap();
        assert_eq!(lock.path, dir.path().join(".ghtraf.lock"));
        assert!(acquire(dir.path(), "init").is_err());
        drop(lock);
        assert!(!dir.path().join(".ghtraf.lock").exists());
        drop(acquire(dir.path(), "init").unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_lock_path_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("planted");
        std::os::unix::fs::symlink(&target, dir.path().join(".ghtraf.lock")).unwrap();
        assert!(acquire(dir.path(), "create").is_err());
        assert!(!target.exists());
    }
}
