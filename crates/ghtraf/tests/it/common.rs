//! Helpers shared by the integration tests: run the real binary in a scrubbed
//! environment, or the same entry point in-process with a scripted prompter.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use ghtraf::app::{run, Io};
use ghtraf::prompt::ScriptedPrompter;

pub const NOW: &str = "2026-02-26T03:00:00Z";

/// What a run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A temporary checkout whose origin is github.com/octo/demo.
pub fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/octo/demo.git\n",
    )
    .unwrap();
    dir
}

/// The real binary, environment scrubbed, clock pinned.
pub fn ghtraf(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ghtraf"));
    cmd.args(args).current_dir(dir).env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", dir).env("GHTRAF_NOW", NOW);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[derive(Clone, Default)]
pub struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The same entry point in-process, as an interactive terminal session whose
/// answers come from `prompter`.
pub fn interactive(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    prompter: Arc<ScriptedPrompter>,
    stdin: &str,
) -> Output {
    let mut vars: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    vars.insert("GHTRAF_NOW".into(), NOW.into());
    let out = Sink::default();
    let err = Sink::default();
    let io = Io {
        env: Arc::new(move |k: &str| vars.get(k).cloned()),
        cwd: PathBuf::from(dir),
        stdin: Box::new(std::io::Cursor::new(stdin.as_bytes().to_vec())),
        stdout: Box::new(out.clone()),
        stderr: Box::new(err.clone()),
        stdin_is_tty: true,
        stdout_is_tty: false,
        stderr_is_tty: false,
        prompter,
        gh_cli: Arc::new(|| None),
    };
    let mut argv: Vec<OsString> = vec!["ghtraf".into()];
    argv.extend(args.iter().map(OsString::from));
    let code = run(argv, io);
    Output {
        code: i32::from(code),
        stdout: out.text(),
        stderr: err.text(),
    }
}

/// Every file under `root` (except .git) with its bytes.
pub fn snapshot_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The JSON document a `--format json` run printed.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", out.stdout))
}

/// (id, operation) of every action in a JSON plan document.
pub fn actions(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["operation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
