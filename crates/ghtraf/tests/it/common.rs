//! What only ghtraf's own tests can provide: the binary under test, and the
//! entry point run in-process with a scripted prompter. Everything else
//! (worlds, the runner, canaries, transcripts) is `ghtraf-test-support`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ghtraf::app::{run, Io};
use ghtraf::prompt::ScriptedPrompter;
pub use ghtraf_test_support::*;

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
    session(dir, args, env, prompter, stdin, true)
}

/// An in-process session with stdin and stderr on a terminal, and stdout on
/// one when `stdout_is_tty` (false: `ghtraf … | cat`).
pub fn session(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    prompter: Arc<ScriptedPrompter>,
    stdin: &str,
    stdout_is_tty: bool,
) -> Output {
    let mut vars: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    vars.insert("GHTRAF_NOW".into(), NOW.into());
    // A terminal session, without colour codes in what the tests read.
    vars.entry("NO_COLOR".into()).or_insert_with(|| "1".into());
    let out = Sink::default();
    let err = Sink::default();
    let io = Io {
        env: Arc::new(move |k: &str| vars.get(k).cloned()),
        cwd: PathBuf::from(dir),
        stdin: Box::new(std::io::Cursor::new(stdin.as_bytes().to_vec())),
        stdout: Box::new(out.clone()),
        stderr: Box::new(err.clone()),
        stdin_is_tty: true,
        stdout_is_tty,
        stderr_is_tty: true,
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

/// The binary under test, on `hub`.
pub fn on(hub: &FakeHub) -> Run {
    Run::new(env!("CARGO_BIN_EXE_ghtraf")).hub(hub)
}

/// The real binary, environment scrubbed, clock pinned, with extra `env`.
pub fn ghtraf(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    env.iter()
        .fold(Run::new(env!("CARGO_BIN_EXE_ghtraf")), |run, (k, v)| {
            run.env(k, v)
        })
        .run(dir, args)
}

/// The JSON document a `--format json` run printed.
pub fn json(out: &Output) -> serde_json::Value {
    out.json()
}
