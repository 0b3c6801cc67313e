//! Dev-only helpers shared by ghtraf's integration tests, so a new command's
//! tests start from worlds, a runner and canaries instead of copying them.
//!
//! - [`hub_on`] / [`demo_hub_on`]: a running `fakehub` with a pinned "today".
//! - [`Run`]: the real binary in a scrubbed environment, built up like
//!   `Run::new(bin).hub(&hub).now(NOW).gist_token(GIST_TOKEN).run(dir, &args)`.
//! - [`Output::transcript`]: stdout, stderr and exit status as one text, for
//!   whole-transcript snapshots where the full message is the product.
//! - The canary tokens: values that must never appear in any output.
//! - [`Run::run_counting_round_trips`] (Linux): a run's round trips, counted in waves of
//!   held answers, without a clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(target_os = "linux")]
mod waves;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use fakehub::{Config, FakeHub, World};

/// The clock every run is pinned to unless a test says otherwise.
pub const NOW: &str = "2026-02-26T03:00:00Z";
/// The token the runner authenticates to fakehub with.
pub const API_TOKEN: &str = "ghp_api_token_for_tests";
/// The workflow token `create` stores as a secret.
pub const GIST_TOKEN: &str = "workflow-token";
/// A workflow token that must never be printed, logged or saved.
pub const CANARY: &str = "ghp_CANARY_workflow_token_0123456789";

/// What a run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Exit status, stdout and stderr together, for a whole-transcript snapshot.
    pub fn transcript(&self) -> String {
        let mut text = format!("exit: {}\n", self.code);
        for (name, body) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if !body.is_empty() {
                text.push_str(&format!("--- {name}\n{body}"));
                if !body.ends_with('\n') {
                    text.push('\n');
                }
            }
        }
        text
    }

    /// The JSON document a `--format json` run printed.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
}

/// The real `ghtraf` binary, environment scrubbed, clock pinned to [`NOW`].
#[derive(Debug, Clone)]
pub struct Run {
    bin: PathBuf,
    env: BTreeMap<String, String>,
}

impl Run {
    /// `bin` is the binary under test (`env!("CARGO_BIN_EXE_ghtraf")`).
    pub fn new(bin: impl Into<PathBuf>) -> Run {
        Run {
            bin: bin.into(),
            env: BTreeMap::from([("GHTRAF_NOW".to_string(), NOW.to_string())]),
        }
    }

    /// Talk to `hub`, authenticated with [`API_TOKEN`].
    pub fn hub(self, hub: &FakeHub) -> Run {
        self.env("GHTRAF_API_URL", &hub.url())
            .env("GH_TOKEN", API_TOKEN)
    }

    /// Pin the clock.
    pub fn now(self, now: &str) -> Run {
        self.env("GHTRAF_NOW", now)
    }

    /// The workflow token `create` stores (`$GHTRAF_GIST_TOKEN`).
    pub fn gist_token(self, token: &str) -> Run {
        self.env("GHTRAF_GIST_TOKEN", token)
    }

    /// Any other variable.
    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.insert(key.to_string(), value.to_string());
        self
    }

    /// `ghtraf ARGS` in `dir`, in the scrubbed environment.
    fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).current_dir(dir).env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", dir);
        cmd.envs(&self.env);
        cmd
    }

    /// Runs `ghtraf ARGS` in `dir`.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        let out = self.command(dir, args).output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A fakehub with one empty repository, octo/demo, on `today`.
pub fn hub_on(today: &str) -> FakeHub {
    let mut text = serde_json::to_value(World::empty_repo("octo", "demo")).unwrap();
    text["today"] = serde_json::json!(today);
    let world = World::from_json(&text.to_string()).unwrap();
    FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap()
}

/// A fakehub with the demo world (octo/demo with traffic) on `today`.
pub fn demo_hub_on(today: &str) -> FakeHub {
    FakeHub::start(Config {
        world: World::demo_on(today).unwrap(),
        ..Config::default()
    })
    .unwrap()
}

/// A temporary checkout whose origin is github.com/octo/demo.
pub fn checkout() -> tempfile::TempDir {
    checkout_of("octo/demo")
}

/// A temporary checkout whose origin is github.com/`repo` (`OWNER/REPO`): the
/// commands that write or judge a checkout's files work there only on `repo`.
pub fn checkout_of(repo: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        format!(
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/{repo}.git\n"
        ),
    )
    .unwrap();
    dir
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

/// (id, operation) of the actions of a JSON plan document that change something (not `skip`).
pub fn changes(doc: &serde_json::Value) -> Vec<(String, String)> {
    actions(doc)
        .into_iter()
        .filter(|(_, op)| op != "skip")
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_names_the_status_and_both_streams() {
        let out = Output {
            code: 2,
            stdout: String::new(),
            stderr: "error: no\n".to_string(),
        };
        assert_eq!(out.transcript(), "exit: 2\n--- stderr\nerror: no\n");
    }
}
