//! Write a file exactly as planned.
//!
//! Every file a command puts into the user's checkout goes through here: the
//! planner decides, from what is on disk, whether each desired file is
//! copied, created, updated, overwritten or kept (and why); the executor
//! checks the file is still what the plan saw, asks if the plan says so, and
//! writes atomically; verification re-reads it. Payload-agnostic: a command
//! whose payload can hold a [`FileStep`] uses it as is.
//!
//! Every read and write goes through the checkout-confined layer
//! ([`Checkout`]): a managed path that is a symlink (or has one among its
//! parents), a FIFO, a device or anything but real directories and a regular
//! file is planned as a skip with its reason ([`SkipReason::Refused`]), under
//! every policy, `--force` included: never followed, never read for a diff.
//! A file that exists keeps its line endings and BOM when rewritten, and one
//! that differs from ours only in those is identical ([`crate::textstyle`]).
//! Temporary files of killed writes are planned for removal
//! ([`plan_leftovers`]), so `git add docs/stats` never stages them.
//!
//! Files come in two kinds. Templates (workflow, dashboard) are ours but a
//! user may have edited them, so a difference is a conflict resolved by
//! `--force`, `--skip-existing` or a question. Managed JSON files
//! (`.ghtraf.json`, `docs/stats/config.json`) are merged: our keys are set,
//! theirs are kept, so they are simply created or updated.

use std::collections::BTreeMap;
use std::sync::Mutex;

use ghtraf_plan::{
    Action, ActionId, Category, Deferred, Detail, Finding, Operation, Outcome, Outputs, Payload,
    Plan, StepError,
};
use serde::Serialize;

use crate::checkout::{self, Checkout, Local};
use crate::fsio;
pub use crate::kept_edit::{
    kept_change, kept_edit, record_after, written_sha256, KeptState, Known, KEPT_RECORDED,
    OUTDATED_KEPT, OUTDATED_UPDATE, SAID_NO, SAID_YES,
};
use crate::page_config;
use crate::prompt::{Overwrite, Prompter};
use crate::textstyle::{self, TextStyle};

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
    /// Something ghtraf will neither read nor write (a symlink, a FIFO…).
    Refused,
    /// A temporary file of a killed write, to remove.
    Leftover,
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
    /// For a template kept because it differs: SHA-256 of the template it
    /// was kept against (what `.ghtraf.json` records beside the file's hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_sha256: Option<String>,
}

/// Why a file action is a skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The file already has exactly the content we would write.
    UpToDate,
    /// A template the user changed, kept by `--skip-existing` or because no
    /// one could be asked.
    DiffersFromTemplate,
    /// A template still exactly as ghtraf last wrote it, whose template has
    /// changed since (a new ghtraf): not an edit, left by `--skip-existing`.
    Outdated,
    /// Not a regular file under real directories of the checkout (a symlink,
    /// a FIFO, a device…): ghtraf neither reads nor writes it. The file is
    /// not deployed; `verify` and the exit code say so.
    Refused,
}

/// The start of the description of a refused path's skip.
pub const REFUSED: &str = "refused: ";

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
    /// Ask (interactive runs): before the plan is final where the command
    /// settles its questions (`create`/`init`: the answers are planned and a
    /// "no" recorded), else at execution.
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

/// Plans one action per desired file, given what is on disk now (as
/// [`Checkout::observe`] saw it).
pub fn plan_files<P: Payload + From<FileStep>>(
    plan: &mut Plan<P>,
    desired: Vec<DesiredFile>,
    current: &BTreeMap<String, Local>,
    policy: ConflictPolicy,
    after: &[ActionId],
) {
    let nothing_known = (&BTreeMap::new(), &BTreeMap::new(), &BTreeMap::new());
    plan_files_written(plan, desired, current, policy, after, nothing_known);
}

/// [`plan_files`], knowing what ghtraf last wrote into each template
/// (`written`, path → SHA-256 as [`written_sha256`] computes it, as
/// `.ghtraf.json` records it) and the answers already given to conflict
/// questions (`answers`, path → overwrite?). A template that differs from
/// ours but still holds what ghtraf wrote was not edited, so it is updated
/// without a question or a kept-edit record (`--skip-existing` leaves it,
/// saying so); an answered conflict is planned as answered; and an edit
/// recorded as kept (`kept`, as `.ghtraf.json` records it), with the file and
/// the template as they were then, is kept without asking again.
pub fn plan_files_written<P: Payload + From<FileStep>>(
    plan: &mut Plan<P>,
    desired: Vec<DesiredFile>,
    current: &BTreeMap<String, Local>,
    policy: ConflictPolicy,
    after: &[ActionId],
    (written, answers, kept): Known<'_>,
) {
    for mut file in desired {
        let category = if file.managed {
            Category::Config
        } else {
            Category::File
        };
        let now = match current.get(&file.path) {
            Some(Local::Refused(r)) => {
                plan.push(Action::new(
                    category,
                    Operation::Skip,
                    file.path.clone(),
                    format!("{REFUSED}{}", r.reason),
                    P::from(FileStep {
                        path: file.path.clone(),
                        content: None,
                        expect: Expect::Refused,
                        sha256: None,
                        diff: None,
                        skip_reason: Some(SkipReason::Refused),
                        template_sha256: None,
                    }),
                ));
                continue;
            }
            Some(Local::File(bytes)) => Some(bytes.clone()),
            Some(Local::Absent) | None => None,
        };
        // Rewrite in the existing file's line endings and BOM.
        let style = TextStyle::of(now.as_deref());
        if !style.is_plain() {
            file.content.text = style.apply(&file.content.text);
        }
        let expect = match &now {
            None => Expect::Absent,
            Some(bytes) => Expect::Sha256(fsio::sha256_hex(bytes)),
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
        // A template's identity for kept-edit records: the page's copy of config.json is
        // deployment data (page_config), so it is left out, and the hash is known even
        // while a gist id is not.
        let template_sha256 = {
            let template = page_config::without_config(&file.content.text);
            file.content
                .fills
                .iter()
                .all(|f| !template.contains(&f.marker))
                .then(|| fsio::sha256_hex(template.as_bytes()))
        };
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
                    template_sha256: (why == SkipReason::DiffersFromTemplate)
                        .then(|| template_sha256.clone())
                        .flatten(),
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
                        template_sha256: None,
                    }),
                )
                .depends_on(deps),
            );
            continue;
        };
        let preview = file.content.preview();
        if file.content.is_known() && textstyle::same_text(&old, preview.as_bytes()) {
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
                    template_sha256: None,
                }),
            )
            .requires_input(ask)
            .depends_on(deps.clone())
        };
        if file.managed {
            let description = crate::our_keys::description(&old_text, &preview);
            plan.push(write(Operation::Update, &description, false));
            continue;
        }
        // Ours, apart from the page's copy of config.json: no edit of the user's to keep.
        if textstyle::same_text(
            page_config::without_config(&old_text).as_bytes(),
            page_config::without_config(&preview).as_bytes(),
        ) {
            plan.push(write(
                Operation::Update,
                "update the copy of config.json it carries",
                false,
            ));
            continue;
        }
        let unedited = written.get(&file.path) == Some(&written_sha256(&old));
        if unedited {
            if policy == ConflictPolicy::SkipExisting {
                skip(plan, OUTDATED_KEPT, SkipReason::Outdated, expect);
            } else {
                plan.push(write(Operation::Update, OUTDATED_UPDATE, false));
            }
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
            // An edit recorded as kept, with the file and the template as they were then:
            // the question was answered, and is not asked again (`--force` still takes the
            // template).
            ConflictPolicy::Ask | ConflictPolicy::Keep
                if kept.get(&file.path).is_some_and(|k| {
                    k.sha256 == fsio::sha256_hex(&old)
                        && template_sha256.as_deref() == Some(k.template_sha256.as_str())
                }) =>
            {
                skip(plan, KEPT_RECORDED, SkipReason::DiffersFromTemplate, expect)
            }
            ConflictPolicy::Ask => match answers.get(&file.path) {
                Some(true) => {
                    plan.push(write(Operation::Overwrite, SAID_YES, false));
                }
                Some(false) => skip(plan, SAID_NO, SkipReason::DiffersFromTemplate, expect),
                None => {
                    plan.push(write(
                        Operation::Overwrite,
                        "differs from template: overwrite if you say so",
                        true,
                    ));
                }
            },
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
    checkout: &Checkout,
    action: &Action<P>,
    step: &FileStep,
    outputs: &Outputs,
    prompter: &dyn Prompter,
    memory: &ConflictMemory,
) -> Result<Outcome, StepError> {
    if step.expect == Expect::Leftover {
        return checkout
            .remove_temp(&step.path)
            .map(|()| Outcome::done("removed"))
            .map_err(|e| StepError::new(format!("cannot remove {e}")));
    }
    let Some(content) = &step.content else {
        return Err(StepError::new("internal: a file write without content"));
    };
    let now = checkout
        .read(&step.path, fsio::LOCAL_FILE_CAP)
        .map_err(step_error)?;
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
    checkout
        .write(&step.path, text.as_bytes())
        .map_err(step_error)?;
    let verb = match action.operation {
        Operation::Copy | Operation::Create => "written",
        _ => "updated",
    };
    Ok(Outcome::done(format!("{verb} ({} bytes)", text.len()))
        .with_output("sha256", fsio::sha256_hex(text.as_bytes())))
}

/// A refusal found at execution (the path changed since planning) names
/// the reason; nothing was written.
fn step_error(e: checkout::Error) -> StepError {
    match e {
        checkout::Error::Refused(r) => {
            StepError::new(format!("{REFUSED}{}; nothing written", r.reason))
        }
        e => StepError::new(format!("cannot read or write {e}")),
    }
}

/// Plans the removal of temporary files killed writes left next to managed
/// files (found by [`Checkout::stale_temps`]): `git add docs/stats` would
/// stage them, and a run with nothing else to write would keep them.
pub fn plan_leftovers<P: Payload + From<FileStep>>(plan: &mut Plan<P>, leftovers: &[String]) {
    for path in leftovers {
        plan.push(Action::new(
            Category::File,
            Operation::Delete,
            path.clone(),
            "leftover of a killed write",
            P::from(FileStep {
                path: path.clone(),
                content: None,
                expect: Expect::Leftover,
                sha256: None,
                diff: None,
                skip_reason: None,
                template_sha256: None,
            }),
        ));
    }
}

/// Re-reads a written file and compares its hash with what the run wrote,
/// and what it wrote with what the plan showed (when fully known at plan time).
/// A removed leftover must be gone.
pub fn verify_file(
    checkout: &Checkout,
    id: &ActionId,
    step: &FileStep,
    written_sha: Option<&str>,
) -> Finding {
    if step.expect == Expect::Leftover {
        return match checkout.full_path(&step.path) {
            Ok(p) if std::fs::symlink_metadata(&p).is_err() => Finding::ok(id, "removed"),
            _ => Finding::deviation(id, "still there"),
        };
    }
    let Some(written_sha) = written_sha else {
        return Finding::deviation(id, "no hash recorded for the write");
    };
    if let Some(planned) = &step.sha256 {
        if planned != written_sha {
            return Finding::deviation(id, "the content written is not the content planned");
        }
    }
    match checkout.read(&step.path, fsio::LOCAL_FILE_CAP) {
        Ok(Some(bytes)) if fsio::sha256_hex(&bytes) == written_sha => {
            Finding::ok(id, "content matches the plan")
        }
        Ok(Some(_)) => Finding::deviation(id, "content differs from what was written"),
        Ok(None) => Finding::deviation(id, "file is missing"),
        Err(e) => Finding::deviation(id, format!("cannot read: {e}")),
    }
}

#[cfg(test)]
#[path = "managed_file_tests.rs"]
mod tests;
