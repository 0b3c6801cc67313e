//! Executors against an in-memory GitHub with faults: preconditions stop a stale
//! plan, a failure skips what depends on it, and re-running upgrade finishes the
//! job without losing or duplicating anything.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use ghtraf_plan::{execute, ExecOptions, FindingStatus, Outputs, Plan, ResultStatus};

use super::backup::GistFiles;
use super::execute::{step, GistHead, OpError, OpResult, StepContext, UpgradeOps};
use super::observed::{Observed, SecretSeen};
use super::plan::{plan_upgrade, ConvertState};
use super::step::UpgradeStep;
use super::tests::{inputs, original_legacy_world, NOW};
use super::verify::{days_held, verify_upgrade};

/// One injected fault: the `n`-th call of operation `op` fails, after (dropped
/// connection) or instead of (5xx) doing its work.
#[derive(Clone)]
struct Fault {
    op: &'static str,
    applied: bool,
    error: OpError,
}

struct Memory {
    world: Mutex<Observed>,
    fault: Mutex<Option<Fault>>,
    mutations: Mutex<Vec<String>>,
    next_id: Mutex<u32>,
    /// Every revision ever seen, as GitHub's gist history keeps them.
    history: Mutex<BTreeMap<(String, String), GistFiles>>,
}

impl Memory {
    fn new(world: Observed) -> Self {
        let memory = Memory {
            world: Mutex::new(world),
            fault: Mutex::new(None),
            mutations: Mutex::new(Vec::new()),
            next_id: Mutex::new(0),
            history: Mutex::new(BTreeMap::new()),
        };
        memory.remember();
        memory
    }

    fn remember(&self) {
        let w = self.world.lock().unwrap();
        let mut h = self.history.lock().unwrap();
        for g in &w.github.gists {
            h.insert((g.id.clone(), g.revision.clone()), g.files.clone());
        }
    }

    /// The daily workflow writes the badge gist (a new revision) behind our back.
    fn concurrent_write(&self) {
        {
            let mut w = self.world.lock().unwrap();
            let g = &mut w.github.gists[0];
            g.revision.push_str("-collected");
        }
        self.remember();
    }

    fn inject(&self, op: &'static str, applied: bool, error: OpError) {
        *self.fault.lock().unwrap() = Some(Fault { op, applied, error });
    }

    /// Runs a mutation, honouring an injected fault for `op`.
    fn mutate<T>(&self, op: &'static str, f: impl FnOnce(&mut Observed) -> T) -> OpResult<T> {
        let fault = {
            let mut slot = self.fault.lock().unwrap();
            match slot.as_ref() {
                Some(fault) if fault.op == op => slot.take(),
                _ => None,
            }
        };
        if let Some(fault) = &fault {
            if !fault.applied {
                return Err(fault.error.clone());
            }
        }
        self.mutations.lock().unwrap().push(op.to_string());
        let out = f(&mut self.world.lock().unwrap());
        self.remember();
        match fault {
            Some(fault) => Err(fault.error),
            None => Ok(out),
        }
    }
}

fn bump(revision: &mut String) {
    revision.push('+');
}

impl UpgradeOps for Memory {
    fn gist_head(&self, id: &str) -> OpResult<Option<GistHead>> {
        let w = self.world.lock().unwrap();
        Ok(w.github
            .gists
            .iter()
            .find(|g| g.id == id)
            .map(|g| GistHead {
                revision: g.revision.clone(),
                description: g.description.clone(),
            }))
    }

    fn gist_files_at(&self, id: &str, revision: &str) -> OpResult<GistFiles> {
        self.history
            .lock()
            .unwrap()
            .get(&(id.to_string(), revision.to_string()))
            .cloned()
            .ok_or(OpError::new("404: no such revision"))
    }

    fn set_gist_description(&self, id: &str, description: &str) -> OpResult<()> {
        self.mutate("set_gist_description", |w| {
            if let Some(g) = w.github.gists.iter_mut().find(|g| g.id == id) {
                g.description = description.to_string();
            }
        })
    }

    fn write_gist_files(&self, id: &str, files: &GistFiles, revision: &str) -> OpResult<()> {
        let head = self.gist_head(id)?.map(|h| h.revision);
        if head.as_deref() != Some(revision) {
            return Err(OpError::conflict(format!(
                "gist {id} is at {head:?}, not {revision}"
            )));
        }
        let op = if files.contains_key("state.json") {
            "write_state"
        } else {
            "write_archive"
        };
        self.mutate(op, |w| {
            if let Some(g) = w.github.gists.iter_mut().find(|g| g.id == id) {
                g.files.extend(files.clone());
                bump(&mut g.revision);
            }
        })
    }

    fn create_gist(&self, description: &str, public: bool, files: &GistFiles) -> OpResult<String> {
        let id = {
            let mut n = self.next_id.lock().unwrap();
            *n += 1;
            format!("new{n}")
        };
        let made = id.clone();
        self.mutate("create_gist", move |w| {
            let mut g = w.github.gists[0].clone();
            g.id = made;
            g.description = description.to_string();
            g.public = public;
            g.files = files.clone();
            g.revision = "new-r1".to_string();
            w.github.gists.push(g);
        })?;
        Ok(id)
    }

    fn delete_gist(&self, id: &str) -> OpResult<()> {
        self.mutate("delete_gist", |w| w.github.gists.retain(|g| g.id != id))
    }

    fn variable(&self, name: &str) -> OpResult<Option<String>> {
        Ok(self
            .world
            .lock()
            .unwrap()
            .github
            .variables
            .get(name)
            .cloned())
    }

    fn set_variable(&self, name: &str, value: &str, _exists: bool) -> OpResult<()> {
        self.mutate("set_variable", |w| {
            w.github
                .variables
                .insert(name.to_string(), value.to_string());
        })
    }

    fn put_secret(&self, name: &str, _plaintext: &str) -> OpResult<()> {
        self.mutate("put_secret", |w| {
            w.github.secret = Some(SecretSeen {
                name: name.to_string(),
                updated_at: "2026-03-02T10:00:01Z".to_string(),
            });
        })
    }

    fn branch_file_sha(&self, _branch: &str, _path: &str) -> OpResult<Option<String>> {
        let w = self.world.lock().unwrap();
        Ok(w.github
            .default_branch_workflow
            .as_ref()
            .map(|r| r.sha.clone()))
    }

    fn put_branch_file(
        &self,
        _branch: &str,
        _path: &str,
        content: &str,
        sha: Option<&str>,
        _message: &str,
    ) -> OpResult<()> {
        {
            let w = self.world.lock().unwrap();
            if w.github
                .default_branch_workflow
                .as_ref()
                .map(|r| r.sha.as_str())
                != sha
            {
                return Err(OpError::conflict("409: the file changed"));
            }
        }
        self.mutate("put_branch_file", |w| {
            if let Some(r) = w.github.default_branch_workflow.as_mut() {
                r.text = content.to_string();
                r.sha = "blob-ours".to_string();
            }
        })
    }

    fn workflow_state(&self, _id: u64) -> OpResult<Option<String>> {
        let w = self.world.lock().unwrap();
        Ok(w.github.workflow.as_ref().map(|w| w.state.clone()))
    }

    fn set_workflow_enabled(&self, _id: u64, enable: bool) -> OpResult<()> {
        self.mutate("set_workflow_enabled", |w| {
            if let Some(wf) = w.github.workflow.as_mut() {
                wf.state = if enable {
                    "active"
                } else {
                    "disabled_manually"
                }
                .to_string();
            }
        })
    }
}

/// Lays the world's checkout files out under `root`.
fn checkout(world: &Observed, root: &Path) {
    for (path, bytes) in &world.files {
        if let Some(b) = bytes {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b).unwrap();
        }
    }
}

/// Observes again: GitHub from memory, the checkout from disk.
fn reobserve(memory: &Memory, root: &Path, paths: &[String]) -> Observed {
    let mut world = memory.world.lock().unwrap().clone();
    for path in paths {
        world
            .files
            .insert(path.clone(), std::fs::read(root.join(path)).ok());
    }
    world
}

struct Run {
    results: Vec<ghtraf_plan::ActionResult>,
    plan: Plan<UpgradeStep>,
}

/// Carries `plan` out with the real executors against `memory` and the checkout at `root`.
fn execute_plan(
    memory: &Memory,
    root: &Path,
    plan: &Plan<UpgradeStep>,
) -> Vec<ghtraf_plan::ActionResult> {
    let cx = StepContext {
        root,
        repository: "octo/demo",
        now: "2026-03-02T10:00:00Z",
    };
    let step_fn = |a: &ghtraf_plan::Action<UpgradeStep>, o: &Outputs| step(a, o, memory, &cx);
    execute(plan, &ExecOptions::default(), &step_fn, &mut |_, _| {}).unwrap()
}

fn run(
    memory: &Memory,
    root: &Path,
    backups: &Path,
    round: u32,
    paths: &[String],
    i: &super::plan::UpgradeInputs,
) -> Run {
    let mut i = i.clone();
    i.root = root.to_path_buf();
    i.backup_dir = backups.join(format!("run{round}"));
    let world = reobserve(memory, root, paths);
    let plan = plan_upgrade(&i, &world, NOW).unwrap();
    let results = execute_plan(memory, root, &plan);
    Run { results, plan }
}

fn paths_of(world: &Observed) -> Vec<String> {
    let mut paths: Vec<String> = world.files.keys().cloned().collect();
    for t in crate::templates::TEMPLATES {
        paths.push(t.path.to_string());
    }
    paths.push("docs/stats/config.json".to_string());
    paths.sort();
    paths.dedup();
    paths
}

fn setup() -> (
    Memory,
    tempfile::TempDir,
    tempfile::TempDir,
    Vec<String>,
    super::plan::UpgradeInputs,
    Observed,
) {
    let world = original_legacy_world();
    let repo = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    checkout(&world, repo.path());
    let paths = paths_of(&world);
    let mut i = inputs();
    i.convert_state = ConvertState::Now;
    i.commit = true;
    (Memory::new(world.clone()), repo, state, paths, i, world)
}

fn status_of(run: &Run, id: &str) -> ResultStatus {
    run.results
        .iter()
        .find(|r| r.id.as_str() == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
        .status
}

fn all_ids(world: &Observed) -> Vec<&str> {
    world.github.gists.iter().map(|g| g.id.as_str()).collect()
}

#[test]
fn the_plan_runs_as_shown_and_verifies() {
    let (memory, repo, backups, paths, i, before) = setup();
    let r = run(&memory, repo.path(), backups.path(), 1, &paths, &i);
    assert!(
        r.results.iter().all(|r| r.status != ResultStatus::Failed),
        "{:#?}",
        r.results
    );
    // Plan = mutations: one per change that reaches GitHub.
    let github_changes = r
        .plan
        .actions
        .iter()
        .filter(|a| a.is_change())
        .filter(|a| !matches!(a.details, UpgradeStep::Backup(_) | UpgradeStep::File(_)))
        .count();
    assert_eq!(memory.mutations.lock().unwrap().len(), github_changes);
    let after = reobserve(&memory, repo.path(), &paths);
    let mut outputs = Outputs::default();
    for res in &r.results {
        outputs.record(&res.id, &res.produced);
    }
    let findings = verify_upgrade(&r.plan, &r.results, &outputs, &before, &after);
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // The backup holds the original state, byte for byte.
    let saved = std::fs::read_to_string(
        backups
            .path()
            .join("run1")
            .join(super::tests::BADGE)
            .join("state.json"),
    )
    .unwrap();
    assert_eq!(saved, before.github.gists[0].files["state.json"]);
    // A second upgrade plans only skips.
    let again = run(&memory, repo.path(), backups.path(), 2, &paths, &i);
    assert!(!again.plan.has_changes());
    assert!(
        !backups.path().join("run2").exists(),
        "no backup when nothing changes"
    );
}

#[test]
fn a_dropped_connection_after_the_rename_is_finished_by_a_rerun() {
    let (memory, repo, backups, paths, i, before) = setup();
    memory.inject(
        "set_gist_description",
        true,
        OpError::new("connection reset"),
    );
    let first = run(&memory, repo.path(), backups.path(), 1, &paths, &i);
    let renamed = first
        .results
        .iter()
        .find(|r| r.id.as_str().ends_with("description") && r.status == ResultStatus::Failed);
    assert!(renamed.is_some(), "{:#?}", first.results);
    assert_eq!(
        status_of(&first, "gist:update:badges.state"),
        ResultStatus::Skipped
    );
    let second = run(&memory, repo.path(), backups.path(), 2, &paths, &i);
    assert!(
        second
            .results
            .iter()
            .all(|r| r.status != ResultStatus::Failed),
        "{:#?}",
        second.results
    );
    let after = reobserve(&memory, repo.path(), &paths);
    let ids = all_ids(&before);
    assert_eq!(all_ids(&after), ids, "no gist duplicated or lost");
    assert_eq!(days_held(&after, &ids), days_held(&before, &ids));
    assert!(after
        .github
        .gists
        .iter()
        .all(|g| g.description.starts_with("[GTT]")));
    let third = run(&memory, repo.path(), backups.path(), 3, &paths, &i);
    assert!(!third.plan.has_changes());
}

#[test]
fn a_502_on_the_archive_write_leaves_the_state_alone_and_a_rerun_finishes() {
    let (memory, repo, backups, paths, i, before) = setup();
    memory.inject("write_archive", false, OpError::new("502 Bad Gateway"));
    let first = run(&memory, repo.path(), backups.path(), 1, &paths, &i);
    assert_eq!(
        status_of(&first, "gist:update:archive.months"),
        ResultStatus::Failed
    );
    assert_eq!(
        status_of(&first, "gist:update:badges.state"),
        ResultStatus::Skipped
    );
    let mid = reobserve(&memory, repo.path(), &paths);
    assert_eq!(
        mid.github.gists[0].files["state.json"], before.github.gists[0].files["state.json"],
        "archive before state: the state is untouched"
    );
    let second = run(&memory, repo.path(), backups.path(), 2, &paths, &i);
    assert_eq!(
        status_of(&second, "gist:update:badges.state"),
        ResultStatus::Ok
    );
    let after = reobserve(&memory, repo.path(), &paths);
    let ids = all_ids(&before);
    assert_eq!(days_held(&after, &ids), days_held(&before, &ids));
    assert!(after.github.gists[0].files["state.json"].contains("\"schemaVersion\": 4"));
    assert!(!run(&memory, repo.path(), backups.path(), 3, &paths, &i)
        .plan
        .has_changes());
}

#[test]
fn a_concurrent_gist_write_makes_the_plan_stale_and_a_rerun_finishes() {
    let (memory, repo, backups, paths, i, _) = setup();
    // `[GTT]` names, so the state write is the first action on the badge gist.
    {
        let mut w = memory.world.lock().unwrap();
        w.github.gists[0].description = "[GTT] octo/demo · badges".to_string();
        w.github.gists[1].description = "[GTT] octo/demo · archive".to_string();
    }
    memory.remember();
    // Plan against the world, then let the daily workflow write before execution.
    let mut i1 = i.clone();
    i1.root = repo.path().to_path_buf();
    i1.backup_dir = backups.path().join("run1");
    let plan = plan_upgrade(&i1, &reobserve(&memory, repo.path(), &paths), NOW).unwrap();
    memory.concurrent_write();
    let cx = StepContext {
        root: repo.path(),
        repository: "octo/demo",
        now: "2026-03-02T10:00:00Z",
    };
    let step_fn = |a: &ghtraf_plan::Action<UpgradeStep>, o: &Outputs| step(a, o, &memory, &cx);
    let opts = ExecOptions {
        fail_fast: true,
        max_parallel: 1,
    };
    let results = execute(&plan, &opts, &step_fn, &mut |_, _| {}).unwrap();
    let stale: Vec<&str> = results
        .iter()
        .filter(|r| r.stale)
        .map(|r| r.id.as_str())
        .collect();
    assert!(!stale.is_empty(), "{results:#?}");
    assert_eq!(stale, ["gist:update:badges.state"]);
    let second = run(&memory, repo.path(), backups.path(), 2, &paths, &i);
    assert!(
        second
            .results
            .iter()
            .all(|r| r.status != ResultStatus::Failed),
        "{:#?}",
        second.results
    );
    assert!(!run(&memory, repo.path(), backups.path(), 3, &paths, &i)
        .plan
        .has_changes());
}

#[test]
fn a_changed_default_branch_file_is_refused_by_its_blob_sha() {
    let (memory, repo, backups, paths, i, _) = setup();
    let mut i1 = i.clone();
    i1.root = repo.path().to_path_buf();
    i1.backup_dir = backups.path().join("run1");
    let plan = plan_upgrade(&i1, &reobserve(&memory, repo.path(), &paths), NOW).unwrap();
    memory
        .world
        .lock()
        .unwrap()
        .github
        .default_branch_workflow
        .as_mut()
        .unwrap()
        .sha = "blob-pushed-meanwhile".to_string();
    let results = execute_plan(&memory, repo.path(), &plan);
    let commit = results
        .iter()
        .find(|r| r.id.as_str().starts_with("workflow:overwrite:"))
        .unwrap();
    assert!(commit.stale, "{commit:#?}");
    // The conversion waited for the workflow write, so it did not happen.
    assert_ne!(
        status_of(&Run { results, plan }, "gist:update:badges.state"),
        ResultStatus::Ok
    );
}

#[test]
fn a_checkout_file_edited_after_planning_is_not_overwritten() {
    let (memory, repo, backups, paths, i, _) = setup();
    let mut i1 = i.clone();
    i1.root = repo.path().to_path_buf();
    i1.backup_dir = backups.path().join("run1");
    let plan = plan_upgrade(&i1, &reobserve(&memory, repo.path(), &paths), NOW).unwrap();
    let index = repo.path().join("docs/stats/index.html");
    std::fs::write(&index, "my own page").unwrap();
    let results = execute_plan(&memory, repo.path(), &plan);
    let r = results
        .iter()
        .find(|r| r.id.as_str() == "file:overwrite:docs/stats/index.html")
        .unwrap();
    assert!(r.stale);
    assert_eq!(std::fs::read_to_string(index).unwrap(), "my own page");
}
