//! Template edits the user chose to keep, as `.ghtraf.json` records them.
//!
//! A template that differs from ours is kept (`--skip-existing`, a
//! non-interactive run, a "no" at the question an interactive `init` asks
//! before its plan is final); its hash and the template's are recorded by the
//! plan's own `.ghtraf.json` action, so `verify` can tell a kept edit from
//! drift until the file or the template changes again. Split from
//! `managed_file.rs`, which plans and writes the files; this only judges and
//! words the records, and what ghtraf itself wrote (`writtenSha256`), which
//! tells an outdated template from an edited one.

use std::collections::BTreeMap;

use ghtraf_plan::Operation;

use crate::fsio;
use crate::managed_file::{Expect, FileStep, SkipReason};
use crate::project::KeptEdit;
use crate::textstyle::TextStyle;

/// The record of a kept edit once a planned action on its file has run:
/// a template kept because it differs is recorded with its hash and the
/// template's; one the run will ask about, or cannot read, keeps whatever
/// was recorded (a "no" leaves the file as it was); one written or found
/// identical to the template needs no record (`--force` clears it).
pub fn record_after(
    operation: Operation,
    requires_input: bool,
    step: &FileStep,
    recorded: Option<&KeptEdit>,
) -> Option<KeptEdit> {
    match (
        operation,
        step.skip_reason,
        &step.expect,
        &step.template_sha256,
    ) {
        (
            Operation::Skip,
            Some(SkipReason::DiffersFromTemplate),
            Expect::Sha256(sha256),
            Some(template),
        ) => Some(KeptEdit {
            sha256: sha256.clone(),
            template_sha256: template.clone(),
        }),
        (Operation::Skip, Some(SkipReason::Refused), _, _) => recorded.cloned(),
        _ if requires_input => recorded.cloned(),
        _ => None,
    }
}

/// The record of `current`, a template the user edited, kept against
/// `template`: hashed as `create` plans it (the template in the file's line
/// endings and BOM), so `verify` compares like with like.
pub fn kept_edit(current: &[u8], template: &str) -> KeptEdit {
    let style = TextStyle::of(Some(current));
    let template = if style.is_plain() {
        template.to_string()
    } else {
        style.apply(template)
    };
    KeptEdit {
        sha256: fsio::sha256_hex(current),
        template_sha256: fsio::sha256_hex(template.as_bytes()),
    }
}

/// What `writtenSha256` records for a template file's content: the SHA-256
/// of its bytes with the dashboard page's copy of config.json left out
/// (deployment data, [`crate::page_config`]), so it is known at plan time
/// even while a gist id is not, and a new gist id is not a new template.
pub fn written_sha256(content: &[u8]) -> String {
    let text = String::from_utf8_lossy(content);
    fsio::sha256_hex(crate::page_config::without_config(&text).as_bytes())
}

/// What a plan's `.ghtraf.json` write does to the kept-edit records, said
/// in its description (so the plan shows it without `--diff`): None when
/// `kept` is what was `recorded`.
pub fn kept_change(
    recorded: &BTreeMap<String, KeptEdit>,
    kept: &BTreeMap<String, KeptEdit>,
) -> Option<String> {
    let added: Vec<&str> = kept
        .iter()
        .filter(|(p, k)| recorded.get(*p) != Some(k))
        .map(|(p, _)| p.as_str())
        .collect();
    let cleared: Vec<&str> = recorded
        .keys()
        .filter(|p| !kept.contains_key(*p))
        .map(String::as_str)
        .collect();
    let mut said = String::new();
    if !added.is_empty() {
        said.push_str(&format!("; record your kept edit of {}", added.join(", ")));
    }
    if !cleared.is_empty() {
        said.push_str(&format!(
            "; clear the kept-edit record of {}",
            cleared.join(", ")
        ));
    }
    (!said.is_empty()).then_some(said)
}

/// A template that differs from ours, against what `.ghtraf.json` recorded
/// when it was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptState {
    /// Kept, and neither the file nor the template changed since.
    Kept,
    /// Kept, but the file changed again since.
    EditedSince,
    /// Kept, but the template ghtraf writes changed under it.
    TemplateChanged,
    /// Never recorded as kept.
    Unrecorded,
}

impl KeptState {
    /// Compares a skip of a differing template with its record.
    pub fn of(step: &FileStep, recorded: Option<&KeptEdit>) -> KeptState {
        let Some(kept) = recorded else {
            return KeptState::Unrecorded;
        };
        let now = match &step.expect {
            Expect::Sha256(h) => h,
            _ => return KeptState::Unrecorded,
        };
        if *now != kept.sha256 {
            KeptState::EditedSince
        } else if step.template_sha256.as_deref() != Some(kept.template_sha256.as_str()) {
            KeptState::TemplateChanged
        } else {
            KeptState::Kept
        }
    }
}

// The words of the plan lines that judge a template by these records.

/// The skip of an outdated template under `--skip-existing`.
pub const OUTDATED_KEPT: &str =
    "kept: outdated template, not edited (--skip-existing); `ghtraf init` updates it";
/// The update of an outdated template (also read after "create would " by `verify`).
pub const OUTDATED_UPDATE: &str = "update the outdated template (not edited since ghtraf wrote it)";

/// An edit kept earlier and recorded in `.ghtraf.json`, file and template unchanged since.
pub const KEPT_RECORDED: &str =
    "kept: your edit, recorded in .ghtraf.json (--force takes the template)";
/// A conflict the person answered "yes" to before the plan was made.
pub const SAID_YES: &str = "differs from template: overwrite (you said yes)";
/// A conflict the person answered "no" to: kept, and recorded as kept.
pub const SAID_NO: &str = "kept: differs from template (you said no)";

/// What is known of the templates before planning: what ghtraf wrote into
/// each, the answers given, and the edits recorded as kept.
pub type Known<'a> = (
    &'a BTreeMap<String, String>,
    &'a BTreeMap<String, bool>,
    &'a BTreeMap<String, KeptEdit>,
);
