//! Unit tests of [`super`]: planning, executing and verifying one managed
//! file under each conflict policy.

use super::*;
use crate::project::KeptEdit;

fn desired(path: &str, text: &str) -> DesiredFile {
    DesiredFile {
        path: path.to_string(),
        content: Content::known(text.to_string()),
        managed: false,
    }
}

fn plan_one(current: Option<&str>, policy: ConflictPolicy) -> Action<FileStep> {
    let mut plan = Plan::new("init");
    let local = match current {
        Some(c) => Local::File(c.as_bytes().to_vec()),
        None => Local::Absent,
    };
    let cur = BTreeMap::from([("a.txt".to_string(), local)]);
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

/// `a.txt` holding "old\n" planned with what ghtraf `wrote` there and the
/// `answers` given: the one action.
fn plan_known(
    policy: ConflictPolicy,
    wrote: Option<&str>,
    answer: Option<bool>,
) -> Action<FileStep> {
    let mut plan = Plan::new("init");
    let cur = BTreeMap::from([("a.txt".to_string(), Local::File(b"old\n".to_vec()))]);
    let written: BTreeMap<String, String> = wrote
        .map(|w| ("a.txt".to_string(), written_sha256(w.as_bytes())))
        .into_iter()
        .collect();
    let answers: BTreeMap<String, bool> = answer
        .map(|a| ("a.txt".to_string(), a))
        .into_iter()
        .collect();
    plan_files_written(
        &mut plan,
        vec![desired("a.txt", "new\n")],
        &cur,
        policy,
        &[],
        (&written, &answers, &BTreeMap::new()),
    );
    plan.actions.remove(0)
}

#[test]
fn a_file_as_ghtraf_wrote_it_is_outdated_and_answers_are_planned() {
    // Still what ghtraf wrote: updated without a question, whatever the policy but
    // --skip-existing, which leaves it as outdated (no kept-edit record).
    for policy in [
        ConflictPolicy::Ask,
        ConflictPolicy::Keep,
        ConflictPolicy::Force,
    ] {
        let a = plan_known(policy, Some("old\n"), None);
        assert_eq!(
            (a.operation, a.requires_input),
            (Operation::Update, false),
            "{policy:?}"
        );
        assert_eq!(a.description, OUTDATED_UPDATE);
    }
    let a = plan_known(ConflictPolicy::SkipExisting, Some("old\n"), None);
    assert_eq!(a.details.skip_reason, Some(SkipReason::Outdated));
    assert_eq!(
        record_after(a.operation, a.requires_input, &a.details, None),
        None
    );
    // Something else was written there: the file is an edit, as before.
    let a = plan_known(ConflictPolicy::Ask, Some("older\n"), None);
    assert!(a.requires_input);
    // Answers given before planning are the plan: no question left.
    let a = plan_known(ConflictPolicy::Ask, None, Some(true));
    assert_eq!(
        (a.operation, a.requires_input),
        (Operation::Overwrite, false)
    );
    assert_eq!(a.description, SAID_YES);
    let a = plan_known(ConflictPolicy::Ask, None, Some(false));
    assert_eq!(a.operation, Operation::Skip);
    assert_eq!(a.description, SAID_NO);
    let kept = record_after(a.operation, a.requires_input, &a.details, None);
    assert_eq!(kept.map(|k| k.sha256), Some(fsio::sha256_hex(b"old\n")));
}

#[test]
fn refused_paths_are_skips_with_their_reason_under_every_policy() {
    use crate::checkout::Refusal;
    let reason = "`a.txt` is a symlink to `/x` (outside the checkout)";
    for policy in [
        ConflictPolicy::Force,
        ConflictPolicy::Ask,
        ConflictPolicy::Keep,
        ConflictPolicy::SkipExisting,
    ] {
        let mut plan: Plan<FileStep> = Plan::new("init");
        let cur = BTreeMap::from([(
            "a.txt".to_string(),
            Local::Refused(Refusal {
                path: "a.txt".into(),
                at: "a.txt".into(),
                reason: reason.into(),
            }),
        )]);
        plan_files(
            &mut plan,
            vec![desired("a.txt", "new\n")],
            &cur,
            policy,
            &[],
        );
        let a = &plan.actions[0];
        assert_eq!(a.operation, Operation::Skip, "{policy:?}");
        assert_eq!(a.description, format!("{REFUSED}{reason}"));
        assert!(!a.requires_input);
        assert_eq!(a.details.skip_reason, Some(SkipReason::Refused));
        assert_eq!(a.details.expect, Expect::Refused);
        assert!(a.details.diff.is_none() && a.details.content.is_none());
    }
}

#[test]
fn line_endings_are_not_a_difference_and_writes_keep_them() {
    let a = plan_one(Some("new\r\n"), ConflictPolicy::Keep);
    assert_eq!(
        (a.operation, a.description.as_str()),
        (Operation::Skip, "identical")
    );
    let a = plan_one(Some("\u{FEFF}old\r\n"), ConflictPolicy::Force);
    assert_eq!(a.operation, Operation::Overwrite);
    let f = &a.details;
    let text = f.content.as_ref().unwrap().preview();
    assert_eq!(text, "\u{FEFF}new\r\n");
    assert_eq!(
        f.sha256.as_deref(),
        Some(fsio::sha256_hex(text.as_bytes()).as_str())
    );
}

#[cfg(unix)]
#[test]
fn leftovers_are_planned_removed_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let co = Checkout::new(dir.path());
    let mut child = std::process::Command::new("sleep")
        .arg("1000")
        .spawn()
        .unwrap();
    let pid = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    let name = format!(".a.txt.ghtraf-{pid}.tmp");
    std::fs::write(dir.path().join(&name), "half").unwrap();
    let mut plan: Plan<FileStep> = Plan::new("init");
    plan_leftovers(&mut plan, &co.stale_temps("a.txt").unwrap());
    let a = &plan.actions[0];
    assert_eq!(
        (a.operation, a.target.as_str()),
        (Operation::Delete, name.as_str())
    );
    let prompter = crate::prompt::ScriptedPrompter::new(Vec::<&str>::new());
    let memory = ConflictMemory::default();
    execute_file(&co, a, &a.details, &Outputs::default(), &prompter, &memory).unwrap();
    assert!(!dir.path().join(&name).exists());
    assert_eq!(
        verify_file(&co, &a.id, &a.details, None).status,
        ghtraf_plan::FindingStatus::Ok
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
        verify_file(&Checkout::new(dir.path()), &a.id, f, Some(&good)).status,
        ghtraf_plan::FindingStatus::Ok
    );
    let other = fsio::sha256_hex(b"other\n");
    let finding = verify_file(&Checkout::new(dir.path()), &a.id, f, Some(&other));
    assert_eq!(finding.status, ghtraf_plan::FindingStatus::Deviation);
    std::fs::write(dir.path().join("a.txt"), "edited\n").unwrap();
    assert_eq!(
        verify_file(&Checkout::new(dir.path()), &a.id, f, Some(&good)).status,
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

#[test]
fn kept_edits_are_recorded_cleared_or_left_by_what_the_plan_does() {
    let old = KeptEdit {
        sha256: "0".repeat(64),
        template_sha256: "1".repeat(64),
    };
    let record =
        |a: &Action<FileStep>| record_after(a.operation, a.requires_input, &a.details, Some(&old));
    // Kept (either way of keeping): recorded with the file's and the template's hash.
    for policy in [ConflictPolicy::Keep, ConflictPolicy::SkipExisting] {
        let a = plan_one(Some("mine\n"), policy);
        assert_eq!(
            record(&a),
            Some(KeptEdit {
                sha256: fsio::sha256_hex(b"mine\n"),
                template_sha256: fsio::sha256_hex(b"new\n"),
            })
        );
    }
    // Asked about: the answer comes at execution, the record stays as it was.
    assert_eq!(
        record(&plan_one(Some("mine\n"), ConflictPolicy::Ask)),
        Some(old.clone())
    );
    // Overwritten (--force), identical or copied anew: no record.
    assert_eq!(
        record(&plan_one(Some("mine\n"), ConflictPolicy::Force)),
        None
    );
    assert_eq!(record(&plan_one(Some("new\n"), ConflictPolicy::Keep)), None);
    assert_eq!(record(&plan_one(None, ConflictPolicy::Keep)), None);
}

#[test]
fn a_kept_edit_is_judged_against_its_record() {
    let a = plan_one(Some("mine\n"), ConflictPolicy::Keep);
    let kept = record_after(a.operation, a.requires_input, &a.details, None);
    assert_eq!(KeptState::of(&a.details, kept.as_ref()), KeptState::Kept);
    assert_eq!(KeptState::of(&a.details, None), KeptState::Unrecorded);
    let again = plan_one(Some("mine, again\n"), ConflictPolicy::Keep);
    assert_eq!(
        KeptState::of(&again.details, kept.as_ref()),
        KeptState::EditedSince
    );
    let mut plan = Plan::new("init");
    let cur = BTreeMap::from([("a.txt".to_string(), Local::File(b"mine\n".to_vec()))]);
    plan_files(
        &mut plan,
        vec![desired("a.txt", "newer template\n")],
        &cur,
        ConflictPolicy::Keep,
        &[],
    );
    assert_eq!(
        KeptState::of(&plan.actions[0].details, kept.as_ref()),
        KeptState::TemplateChanged
    );
}
