//! File reads, hashes and atomic writes, one path at a time.
//!
//! A file ghtraf writes is either the old one or the new one, never half of
//! each: content goes to a temporary file in the same directory, is synced,
//! and is renamed over the target. Hashes are what plans record as
//! preconditions and what verification compares.
//!
//! This layer knows nothing about the checkout (that is [`crate::checkout`],
//! which confines whole paths); it makes each single open safe on its own:
//!
//! - **Reads** take regular files only, up to a size cap. The file is opened
//!   without following a final symlink and without blocking (a FIFO with no
//!   writer would otherwise hang forever), and the *open handle's* metadata
//!   decides, so nothing can be swapped in between a check and the open.
//!   `/dev/zero`, a FIFO, a socket or a 200 MB file is a clear error, read
//!   zero bytes or at most `cap + 1` bytes.
//! - **Writes** keep the mode of the file they replace (a read-only file
//!   overwritten with `--force` stays read-only: the rename would otherwise
//!   reset it), create the temporary file exclusively (a planted symlink at
//!   the temporary name is never followed), and clean up after writes that
//!   were killed: a temporary file `.NAME.ghtraf-PID.tmp` whose process is
//!   gone is removed before the next write into that directory, so a hinted
//!   `git add docs/stats` cannot stage it for long. [`stale_temps`] lists
//!   them for callers that want to show or remove them on their own.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The largest local file ghtraf reads (`.ghtraf.json`, templates as
/// deployed, the dashboard's config): a few MiB, far above any real one
/// (the largest template is about 33 KB) and far below what hurts.
pub const LOCAL_FILE_CAP: u64 = 4 * 1024 * 1024;

/// A temporary file older than this is stale even where we cannot tell
/// whether its process still runs (no `/proc`). A write takes milliseconds.
const STALE_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// What kind of thing a path is, in words for error messages.
pub fn kind_of(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_symlink() {
        return "a symlink";
    }
    if t.is_dir() {
        return "a directory";
    }
    if t.is_file() {
        return "a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    "not a regular file"
}

/// Opens `path` for reading without following a final symlink and without
/// blocking on FIFOs.
fn open_for_read(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // No O_NOFOLLOW here: look first (the handle is checked again below).
        if fs::symlink_metadata(path)?.file_type().is_symlink() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a symlink; ghtraf does not follow it",
            ));
        }
    }
    options.open(path)
}

/// Reads a regular file of at most `cap` bytes, or `None` if nothing is
/// there. A symlink, FIFO, device, directory or larger file is an error
/// whose message says which (and never contains the file's bytes).
pub fn read_regular(path: &Path, cap: u64) -> io::Result<Option<Vec<u8>>> {
    match read_existing(path, cap) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Like [`read_regular`] for a file that must exist: absence is the
/// system's own "not found" error.
pub fn read_existing(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let file = match open_for_read(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
        Err(e) => {
            // O_NOFOLLOW on a symlink fails with ELOOP: say what it is.
            if let Ok(meta) = fs::symlink_metadata(path) {
                if meta.file_type().is_symlink() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "is a symlink; ghtraf does not follow it",
                    ));
                }
            }
            return Err(e);
        }
    };
    // The handle's metadata, not the path's: what we opened is what we check.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {}, not a regular file", kind_of(&meta)),
        ));
    }
    if meta.len() > cap {
        return Err(too_large(meta.len(), cap));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow while we read: never take more than cap + 1 bytes.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64, cap));
    }
    Ok(bytes)
}

fn too_large(size: u64, cap: u64) -> io::Error {
    const MIB: u64 = 1024 * 1024;
    let limit = if cap >= MIB && cap % MIB == 0 {
        format!("{} MiB", cap / MIB)
    } else {
        format!("{cap} bytes")
    };
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("is too large ({size} bytes; ghtraf reads at most {limit} here)"),
    )
}

/// The file's bytes, or `None` if it does not exist. Other errors (a directory
/// in the way, no permission, a symlink, a FIFO, too large) are errors:
/// "absent" must mean absent.
pub fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    read_regular(path, LOCAL_FILE_CAP)
}

/// The temporary name a write of `name` by process `pid` uses.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.ghtraf-{pid}.tmp")
}

/// The process id in a temporary file name of ours, if it is one.
fn temp_pid(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (name, pid) = rest.rsplit_once(".ghtraf-")?;
    if name.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` may still be running. `None`: this system cannot
/// tell (no `/proc`).
fn process_alive(pid: u32) -> Option<bool> {
    let proc_root = Path::new("/proc");
    if !proc_root.join("self").exists() {
        return None;
    }
    Some(proc_root.join(pid.to_string()).exists())
}

/// Temporary files left in `dir` by ghtraf writes whose process is gone (or,
/// where that cannot be told, that are more than an hour old). Our own
/// process's files are never stale. A missing directory has none.
pub fn stale_temps(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let me = std::process::id();
    let mut stale = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let meta = entry.metadata()?; // does not follow symlinks
        if !meta.is_file() {
            continue;
        }
        let dead = match process_alive(pid) {
            Some(alive) => !alive,
            None => meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > STALE_AGE),
        };
        if dead {
            stale.push(entry.path());
        }
    }
    stale.sort();
    Ok(stale)
}

/// Removes the stale temporary files in `dir`; returns what it removed.
pub fn remove_stale_temps(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let stale = stale_temps(dir)?;
    for path in &stale {
        match fs::remove_file(path) {
            Ok(()) => {}
            // Another run cleaned it first.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stale)
}

/// Writes `bytes` to `path` atomically, creating parent directories. An
/// existing file's permissions are kept; leftovers of killed writes in the
/// same directory are removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    // Best effort: a leftover we cannot remove must not stop this write
    // (planners list leftovers themselves and report what stays).
    let _ = remove_stale_temps(dir);
    // The mode to keep: only a regular file's (rename replaces a symlink
    // itself, and its target's mode is none of our business).
    let keep = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Some(meta.permissions()),
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let tmp = dir.join(temp_name(&name, std::process::id()));
    let mut file = match create_exclusive(&tmp) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // Ours from an earlier process with the same id (ids are reused),
            // or something planted: remove the name (never what it points to).
            fs::remove_file(&tmp)?;
            create_exclusive(&tmp)?
        }
        other => other?,
    };
    let result = (|| {
        file.write_all(bytes)?;
        if let Some(perm) = &keep {
            file.set_permissions(perm.clone())?;
        }
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    drop(file);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` for writing, failing if anything (even a dangling
/// symlink) is already there.
fn create_exclusive(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn atomic_write_creates_parents_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b/c.txt");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(read_optional(&dir.path().join("nope")).unwrap(), None);
    }

    #[test]
    fn temp_names_round_trip() {
        assert_eq!(temp_pid(&temp_name("config.json", 4242)), Some(4242));
        assert_eq!(temp_pid(".config.json.ghtraf-.tmp"), None);
        assert_eq!(temp_pid(".config.json.ghtraf-12x.tmp"), None);
        assert_eq!(temp_pid("config.json.ghtraf-12.tmp"), None);
        assert_eq!(temp_pid("..ghtraf-12.tmp"), None);
    }

    #[cfg(unix)]
    mod unix {
        use super::*;
        use std::os::unix::fs::{symlink, PermissionsExt};
        use std::process::Command;

        /// The id of a process that has certainly ended: one we killed.
        fn dead_pid() -> u32 {
            let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
            let pid = child.id();
            child.kill().unwrap();
            child.wait().unwrap();
            pid
        }

        #[test]
        fn a_symlink_is_not_followed_for_reading() {
            let dir = tempfile::tempdir().unwrap();
            let secret = dir.path().join("id_ed25519");
            fs::write(&secret, "-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
            let link = dir.path().join("link.yml");
            symlink(&secret, &link).unwrap();
            let e = read_optional(&link).unwrap_err();
            assert!(e.to_string().contains("symlink"), "{e}");
            assert!(!e.to_string().contains("PRIVATE"), "{e}");
        }

        #[test]
        fn dev_zero_and_a_fifo_are_refused_without_reading() {
            let dir = tempfile::tempdir().unwrap();
            // Directly, not through a link: the handle's type decides.
            let e = read_optional(Path::new("/dev/zero")).unwrap_err();
            assert!(e.to_string().contains("character device"), "{e}");
            let fifo = dir.path().join("pipe");
            let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
            assert!(made.success());
            // Without O_NONBLOCK this open would wait for a writer forever.
            let e = read_optional(&fifo).unwrap_err();
            assert!(e.to_string().contains("FIFO"), "{e}");
            let e = read_optional(dir.path()).unwrap_err();
            assert!(e.to_string().contains("directory"), "{e}");
        }

        #[test]
        fn a_large_file_is_refused_by_its_size() {
            let dir = tempfile::tempdir().unwrap();
            let big = dir.path().join("big.json");
            fs::write(&big, vec![b' '; 1025]).unwrap();
            let e = read_regular(&big, 1024).unwrap_err();
            assert!(
                e.to_string()
                    .contains("too large (1025 bytes; ghtraf reads at most 1024 bytes"),
                "{e}"
            );
            assert_eq!(read_regular(&big, 1025).unwrap().unwrap().len(), 1025);
        }

        #[test]
        fn overwriting_a_read_only_file_keeps_its_mode() {
            let dir = tempfile::tempdir().unwrap();
            let f = dir.path().join("ro.yml");
            fs::write(&f, "old\n").unwrap();
            fs::set_permissions(&f, fs::Permissions::from_mode(0o444)).unwrap();
            write_atomic(&f, b"new\n").unwrap();
            assert_eq!(fs::read(&f).unwrap(), b"new\n");
            let mode = fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o444);
            fs::set_permissions(&f, fs::Permissions::from_mode(0o640)).unwrap();
            write_atomic(&f, b"newer\n").unwrap();
            let mode = fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }

        #[test]
        fn leftovers_of_dead_writers_are_removed_and_live_ones_kept() {
            let dir = tempfile::tempdir().unwrap();
            let dead = dir.path().join(temp_name("config.json", dead_pid()));
            fs::write(&dead, "half").unwrap();
            // A live process that is not us: our parent (the test harness's).
            let live_pid = std::os::unix::process::parent_id();
            let live = dir.path().join(temp_name("index.html", live_pid));
            fs::write(&live, "in progress").unwrap();
            let other = dir.path().join(".notes.tmp");
            fs::write(&other, "user's").unwrap();
            assert_eq!(stale_temps(dir.path()).unwrap(), vec![dead.clone()]);
            write_atomic(&dir.path().join("config.json"), b"{}\n").unwrap();
            assert!(!dead.exists());
            assert!(live.exists() && other.exists());
            assert_eq!(stale_temps(&dir.path().join("missing")).unwrap().len(), 0);
        }

        #[test]
        fn a_planted_symlink_at_the_temp_name_is_not_written_through() {
            let dir = tempfile::tempdir().unwrap();
            let outside = tempfile::tempdir().unwrap();
            let victim = outside.path().join("victim");
            fs::write(&victim, "keep me").unwrap();
            symlink(
                &victim,
                dir.path().join(temp_name("a.txt", std::process::id())),
            )
            .unwrap();
            write_atomic(&dir.path().join("a.txt"), b"ours").unwrap();
            assert_eq!(fs::read(&victim).unwrap(), b"keep me");
            assert_eq!(fs::read(dir.path().join("a.txt")).unwrap(), b"ours");
        }
    }
}
