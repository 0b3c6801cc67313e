//! Write a file exactly as planned.
//!
//! Every file a command puts into the user's checkout goes through here: the
//! planner decides, from what is on disk, whether each desired file is
//! copied, created, updated, overwritten or kept (and why); the executor
//! checks the file is still what the plan saw, asks if the plan says so, and
//! writes atomically; verification re-reads it. Payload-agnostic: a command
//! whose payload can hold a [`FileStep`] uses it as is.
//!
//! Files come in two kinds. Templates (workflow, dashboard) are ours but a
//! user may have edited them, so a difference is a conflict resolved by
//! `--force`, `--skip-existing` or a question. Managed JSON files
//! (`.ghtraf.json`, `docs/stats/config.json`) are merged: our keys are set,
//! theirs are kept, so they are simply created or updated.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use ghtraf_plan::{
    Action, ActionId, Category, Deferred, Detail, Finding, Operation, Outcome, Outputs, Payload,
    Plan, StepError,
};
use serde::Serialize;

use crate::fsio;
use crate::prompt::{Overwrite, Prompter};

/// Text whose final form may contain values known only after apply (gist ids).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Content {
    /// The text, with each deferred value as its marker.
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fills: Vec<Fill>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Fill {
    pub marker: String,
    pub value: Deferred,
}

impl Content {
    pub fn known(text: String) -> Self {
        Content {
            text,
            fills: Vec::new(),
        }
    }

    pub fn is_known(&self) -> bool {
        self.fills.iter().all(|f| f.value.known().is_some())
    }

    /// The text as far as it is known now; deferred values read "(known after apply)".
    pub fn preview(&self) -> String {
        self.fills.iter().fold(self.text.clone(), |t, f| {
            t.replace(&f.marker, &f.value.to_string())
        })
    }

    /// The final text, with deferred values taken from earlier actions' outputs.
    pub fn resolve(&self, outputs: &Outputs) -> Result<String, StepError> {
        let mut text = self.text.clone();
        for f in &self.fills {
            text = text.replace(&f.marker, &outputs.resolve(&f.value)?);
        }
        Ok(text)
    }

    pub fn producers(&self) -> Vec<&Deferred> {
        self.fills.iter().map(|f| &f.value).collect()
    }
}

/// What a file must look like before we write it (a saved plan's precondition).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    Absent,
    Sha256(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct FileStep {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    pub expect: Expect,
    /// SHA-256 of the content to write, when fully known at plan time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Why a skipped file is left as it is (not part of the plan's JSON: the
    /// description says it to people; this says it to code such as `verify`).
    #[serde(skip)]
    pub skip_reason: Option<SkipReason>,
}

/// Why a file action is a skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The file already has exactly the content we would write.
    UpToDate,
    /// A template the user changed, kept by `--skip-existing` or because no
    /// one could be asked.
    DiffersFromTemplate,
}

impl Payload for FileStep {
    fn details(&self) -> Vec<Detail> {
        let mut d = Vec::new();
        if let Some(c) = &self.content {
            d.push(Detail::new(1, "size", format!("{} bytes", c.text.len())));
        }
        match (&self.sha256, &self.content) {
            (Some(h), _) => d.push(Detail::new(2, "sha256", h.clone())),
            (None, Some(_)) => d.push(Detail::new(2, "sha256", "(known after apply)")),
            _ => {}
        }
        if let Some(diff) = &self.diff {
            d.push(Detail::new(1, "diff", diff.trim_end().to_string()));
        }
        d
    }

    fn deferred(&self) -> Vec<&Deferred> {
        self.content
            .as_ref()
            .map(Content::producers)
            .unwrap_or_default()
    }
}

/// How to treat a template file that differs from what we would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictPolicy {
    Force,
    SkipExisting,
    /// Ask at execution (interactive runs).
    Ask,
    /// Keep the file, saying how to overwrite (non-interactive runs).
    Keep,
}

/// A file the plan wants to exist.
pub struct DesiredFile {
    pub path: String,
    pub content: Content,
    /// Managed JSON (merged, never a conflict) rather than a template.
    pub managed: bool,
}

/// A unified diff from `old` to `new`, labelled with `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Plans one action per desired file, given what is on disk now.
pub fn plan_files<P: Payload + From<FileStep>>(
    plan: &mut Plan<P>,
    desired: Vec<DesiredFile>,
    current: &BTreeMap<String, Option<Vec<u8>>>,
    policy: ConflictPolicy,
    after: &[ActionId],
) {
    for file in desired {
        let now = current.get(&file.path).cloned().flatten();
        let expect = match &now {
            None => Expect::Absent,
            Some(bytes) => Expect::Sha256(fsio::sha256_hex(bytes)),
        };
        let category = if file.managed {
            Category::Config
        } else {
            Category::File
        };
        let deps: Vec<ActionId> = file
            .content
            .producers()
            .into_iter()
            .filter_map(|d| d.producer().cloned())
            .filter(|p| after.contains(p))
            .collect();
        let sha256 = file
            .content
            .is_known()
            .then(|| fsio::sha256_hex(file.content.preview().as_bytes()));
        let skip = |plan: &mut Plan<P>, reason: &str, why: SkipReason, expect: Expect| {
            plan.push(Action::new(
                category,
                Operation::Skip,
                file.path.clone(),
                reason,
                P::from(FileStep {
                    path: file.path.clone(),
                    content: None,
                    expect,
                    sha256: None,
                    diff: None,
                    skip_reason: Some(why),
                }),
            ));
        };
        let Some(old) = now else {
            let op = if file.managed {
                Operation::Create
            } else {
                Operation::Copy
            };
            let what = if file.managed {
                "create"
            } else {
                "copy from template"
            };
            plan.push(
                Action::new(
                    category,
                    op,
                    file.path.clone(),
                    what,
                    P::from(FileStep {
                        path: file.path.clone(),
                        content: Some(file.content.clone()),
                        expect,
                        sha256,
                        diff: None,
                        skip_reason: None,
                    }),
                )
                .depends_on(deps),
            );
            continue;
        };
        let preview = file.content.preview();
        if file.content.is_known() && old == preview.as_bytes() {
            skip(
                plan,
                if file.managed {
                    "up to date"
                } else {
                    "identical"
                },
                SkipReason::UpToDate,
                expect,
            );
            continue;
        }
        let old_text = String::from_utf8_lossy(&old);
        let diff = Some(unified_diff(&file.path, &old_text, &preview));
        let write = |op: Operation, description: &str, ask: bool| {
            Action::new(
                category,
                op,
                file.path.clone(),
                description,
                P::from(FileStep {
                    path: file.path.clone(),
                    content: Some(file.content.clone()),
                    expect: expect.clone(),
                    sha256: sha256.clone(),
                    diff: diff.clone(),
                    skip_reason: None,
                }),
            )
            .requires_input(ask)
            .depends_on(deps.clone())
        };
        if file.managed {
            plan.push(write(
                Operation::Update,
                "update our keys, keep yours",
                false,
            ));
            continue;
        }
        match policy {
            ConflictPolicy::Force => {
                plan.push(write(
                    Operation::Overwrite,
                    "differs from template: overwrite (--force)",
                    false,
                ));
            }
            ConflictPolicy::Ask => {
                plan.push(write(
                    Operation::Overwrite,
                    "differs from template: overwrite if you say so",
                    true,
                ));
            }
            ConflictPolicy::SkipExisting => skip(
                plan,
                "kept: differs from template (--skip-existing)",
                SkipReason::DiffersFromTemplate,
                expect,
            ),
            ConflictPolicy::Keep => skip(
                plan,
                "kept: differs from template; use --force to overwrite",
                SkipReason::DiffersFromTemplate,
                expect,
            ),
        }
    }
}

/// Remembers "all" / "skip all" across the conflict questions of one run.
#[derive(Default)]
pub struct ConflictMemory(Mutex<Option<bool>>);

/// Carries out one file action: checks the precondition, asks if the plan says
/// so, writes atomically; produces the written content's hash.
pub fn execute_file<P: Payload>(
    root: &Path,
    action: &Action<P>,
    step: &FileStep,
    outputs: &Outputs,
    prompter: &dyn Prompter,
    memory: &ConflictMemory,
) -> Result<Outcome, StepError> {
    let Some(content) = &step.content else {
        return Err(StepError::new("internal: a file write without content"));
    };
    let path = root.join(&step.path);
    let now = fsio::read_optional(&path)
        .map_err(|e| StepError::new(format!("cannot read {}: {e}", step.path)))?;
    let still = match (&step.expect, &now) {
        (Expect::Absent, None) => true,
        (Expect::Sha256(h), Some(b)) => &fsio::sha256_hex(b) == h,
        _ => false,
    };
    if !still {
        return Err(StepError::stale(format!(
            "{} changed since the plan was made; nothing written",
            step.path
        )));
    }
    if action.requires_input {
        let remembered = memory.0.lock().ok().and_then(|m| *m);
        let yes = match remembered {
            Some(v) => v,
            None => {
                let answer = prompter
                    .overwrite(&step.path, step.diff.as_deref().unwrap_or(""))
                    .map_err(|e| StepError::new(e.message))?;
                let (yes, sticky) = match answer {
                    Overwrite::Yes => (true, None),
                    Overwrite::No => (false, None),
                    Overwrite::All => (true, Some(true)),
                    Overwrite::SkipAll => (false, Some(false)),
                };
                if let (Some(s), Ok(mut m)) = (sticky, memory.0.lock()) {
                    *m = Some(s);
                }
                yes
            }
        };
        if !yes {
            return Ok(Outcome::declined("kept: you chose not to overwrite"));
        }
    }
    let text = content.resolve(outputs)?;
    fsio::write_atomic(&path, text.as_bytes())
        .map_err(|e| StepError::new(format!("cannot write {}: {e}", step.path)))?;
    let verb = match action.operation {
        Operation::Copy | Operation::Create => "written",
        _ => "updated",
    };
    Ok(Outcome::done(format!("{verb} ({} bytes)", text.len()))
        .with_output("sha256", fsio::sha256_hex(text.as_bytes())))
}

/// Re-reads a written file and compares its hash with what the run wrote,
/// and what it wrote with what the plan showed (when fully known at plan time).
pub fn verify_file(root: &Path, id: &ActionId, step: &FileStep, written_sha: &str) -> Finding {
    if let Some(planned) = &step.sha256 {
        if planned != written_sha {
            return Finding::deviation(id, "the content written is not the content planned");
        }
    }
    match fsio::read_optional(&root.join(&step.path)) {
        Ok(Some(bytes)) if fsio::sha256_hex(&bytes) == written_sha => {
            Finding::ok(id, "content matches the plan")
        }
        Ok(Some(_)) => Finding::deviation(id, "content differs from what was written"),
        Ok(None) => Finding::deviation(id, "file is missing"),
        Err(e) => Finding::deviation(id, format!("cannot read: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desired(path: &str, text: &str) -> DesiredFile {
        DesiredFile {
            path: path.to_string(),
            content: Content::known(text.to_string()),
            managed: false,
        }
    }

    fn plan_one(current: Option<&str>, policy: ConflictPolicy) -> Action<FileStep> {
        let mut plan = Plan::new("init");
        let cur = BTreeMap::from([("a.txt".to_string(), current.map(|c| c.as_bytes().to_vec()))]);
        plan_files(
            &mut plan,
            vec![desired("a.txt", "new\n")],
            &cur,
            policy,
            &[],
        );
        plan.actions.remove(0)
    }

    #[test]
    fn conflict_matrix() {
        let a = plan_one(None, ConflictPolicy::Keep);
        assert_eq!(a.id.as_str(), "file:copy:a.txt");
        let a = plan_one(Some("new\n"), ConflictPolicy::Force);
        assert_eq!(
            (a.operation, a.description.as_str()),
            (Operation::Skip, "identical")
        );
        let a = plan_one(Some("old\n"), ConflictPolicy::Force);
        assert_eq!(a.operation, Operation::Overwrite);
        assert!(!a.requires_input);
        let a = plan_one(Some("old\n"), ConflictPolicy::Ask);
        assert_eq!(a.operation, Operation::Overwrite);
        assert!(a.requires_input);
        let a = plan_one(Some("old\n"), ConflictPolicy::SkipExisting);
        assert_eq!(
            a.description,
            "kept: differs from template (--skip-existing)"
        );
        assert_eq!(a.details.skip_reason, Some(SkipReason::DiffersFromTemplate));
        let a = plan_one(Some("old\n"), ConflictPolicy::Keep);
        assert_eq!(
            a.description,
            "kept: differs from template; use --force to overwrite"
        );
    }

    #[test]
    fn overwrite_carries_a_diff() {
        let a = plan_one(Some("old\n"), ConflictPolicy::Force);
        let f = &a.details;
        let diff = f.diff.as_deref().unwrap();
        assert!(diff.contains("-old") && diff.contains("+new"), "{diff}");
    }

    #[test]
    fn verification_catches_a_write_that_differs_from_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "new\n").unwrap();
        let a = plan_one(None, ConflictPolicy::Keep);
        let f = &a.details;
        let good = fsio::sha256_hex(b"new\n");
        assert_eq!(
            verify_file(dir.path(), &a.id, f, &good).status,
            ghtraf_plan::FindingStatus::Ok
        );
        let other = fsio::sha256_hex(b"other\n");
        let finding = verify_file(dir.path(), &a.id, f, &other);
        assert_eq!(finding.status, ghtraf_plan::FindingStatus::Deviation);
        std::fs::write(dir.path().join("a.txt"), "edited\n").unwrap();
        assert_eq!(
            verify_file(dir.path(), &a.id, f, &good).status,
            ghtraf_plan::FindingStatus::Deviation
        );
    }

    #[test]
    fn deferred_content_previews_and_resolves() {
        let producer = ActionId::new(Category::Gist, Operation::Create, "badges");
        let c = Content {
            text: "{\"id\": \"@@ID@@\"}".to_string(),
            fills: vec![Fill {
                marker: "@@ID@@".to_string(),
                value: Deferred::after(&producer, "id"),
            }],
        };
        assert!(!c.is_known());
        assert_eq!(c.preview(), "{\"id\": \"(known after apply)\"}");
        let mut outputs = Outputs::default();
        outputs.record(
            &producer,
            &BTreeMap::from([("id".to_string(), "abc".to_string())]),
        );
        assert_eq!(c.resolve(&outputs).unwrap(), "{\"id\": \"abc\"}");
    }
}
