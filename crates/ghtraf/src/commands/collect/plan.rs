//! `collect`, phase 2: the pure planner. Parses the stored state, merges,
//! and plans at most one PATCH per gist, the archive before the state.

use ghtraf_plan::ActionId;
use ghtraf_traffic::{MergeOutcome, State};

use super::*;

/// The merge and the writes it needs. Pure.
pub fn plan_collect(observed: &CollectObserved) -> Result<Plan<GistWrite>> {
    plan_collect_merged(observed).map(|(plan, _)| plan)
}

/// [`plan_collect`], and the merged state as the badge gist will hold it (the
/// hub's portfolio is made from it): a state.json the plan does not write keeps
/// its stored capture time. Pure.
pub fn plan_collect_merged(observed: &CollectObserved) -> Result<(Plan<GistWrite>, State)> {
    let target = &observed.target;
    let repo_name = format!("{}/{}", target.repo.owner, target.repo.name);
    let now = observed.observation.now;
    let mut plan = Plan::new("collect");
    plan.set_context("repository", repo_name.clone());
    plan.set_context("badge_gist", target.badge_gist_id.clone());
    plan.set_context("captured_at", format_timestamp(now));

    let (mut state, imported) = stored_state(&mut plan, observed, &repo_name)?;
    let archive_files = archive_texts(observed);
    let rewrites = if imported {
        adopt_original(&mut plan, &mut state, &archive_files, now)?
    } else {
        Vec::new()
    };
    let mut outcome = merge_into_archive(&mut plan, &state, observed, &rewrites, &archive_files)?;

    // Archive first: the state that drops those days is written only after.
    let archive_action = plan_archive(&mut plan, observed, &mut outcome, rewrites, &archive_files)?;
    if archive_action.is_none() {
        plan_recent_refresh(&mut plan, observed, &outcome, &archive_files);
    }
    let state_changed = outcome.changed || imported || archive_action.is_some();
    plan_badges(&mut plan, observed, &outcome, state_changed, archive_action);
    let mut written = outcome.state;
    if !state_changed {
        // state.json is not written: it keeps the capture time it has, and so does
        // what is made from it (the portfolio's entry says what `list` reads).
        written.captured_at = state.captured_at;
    }
    Ok((plan, written))
}

/// The badge gist's state, parsed (a state that does not parse stops
/// everything), and whether it is the original tool's older schema.
fn stored_state(
    plan: &mut Plan<GistWrite>,
    observed: &CollectObserved,
    repo_name: &str,
) -> Result<(State, bool)> {
    let target = &observed.target;
    let state_file = observed.badge_gist.files.get(STATE_FILE).ok_or_else(|| {
        CliError::runtime(format!(
            "gist {} has no {STATE_FILE}; nothing was written",
            target.badge_gist_id
        ))
        .with_hint("run `ghtraf create` to repair the deployment")
    })?;
    let parsed = parse_state(&state_file.content).map_err(|e| {
        CliError::runtime(format!("gist {}: {e}", target.badge_gist_id))
            .with_hint("fix or restore state.json from the gist's revision history; ghtraf will not overwrite it")
    })?;
    for w in &parsed.warnings {
        plan.warn(w.clone());
    }
    let imported = parsed.source_schema < ghtraf_traffic::SCHEMA_VERSION;
    if imported {
        plan.warn(format!(
            "importing the original tool's schema-{} state into schema {}",
            parsed.source_schema,
            ghtraf_traffic::SCHEMA_VERSION
        ));
    }
    let mut state = parsed.state;
    // Impossible figures (a day after tomorrow, totals beyond what the
    // dashboard can show exactly) stop the run before anything is merged.
    let archived =
        crate::deployment::archive_months(observed.archive_gist.as_ref()).unwrap_or_default();
    ghtraf_traffic::check_plausible(&state, &archived, observed.observation.now).map_err(|e| {
        CliError::runtime(format!(
            "gist {}: {e}; nothing was written",
            target.badge_gist_id
        ))
        .with_hint("fix or restore state.json from the gist's revision history; ghtraf will not overwrite it")
    })?;
    if state.repo.is_empty() {
        state.repo = repo_name.to_string();
    }
    Ok((state, imported))
}

/// File name → text of the archive gist (empty without one).
fn archive_texts(observed: &CollectObserved) -> BTreeMap<String, String> {
    observed
        .archive_gist
        .as_ref()
        .map(|g| {
            g.files
                .iter()
                .map(|(n, f)| (n.clone(), f.content.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The original tool's state: adopt its archive months once, converted.
fn adopt_original(
    plan: &mut Plan<GistWrite>,
    state: &mut State,
    archive_files: &BTreeMap<String, String>,
    now: time::OffsetDateTime,
) -> Result<Vec<ArchiveMonth>> {
    let months: Vec<(&str, &str)> = archive_files
        .iter()
        .filter(|(n, _)| archive_period_of_file(n).is_some())
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    if months.is_empty() {
        return Ok(Vec::new());
    }
    let parsed_months =
        import_archives(&months).map_err(|e| CliError::runtime(format!("archive gist: {e}")))?;
    let (kept, warnings) = adopt_original_archives(state, parsed_months, &format_timestamp(now));
    for w in warnings {
        plan.warn(w);
    }
    Ok(kept)
}

/// Merges the observation into the state, extending months already archived.
fn merge_into_archive(
    plan: &mut Plan<GistWrite>,
    state: &State,
    observed: &CollectObserved,
    rewrites: &[ArchiveMonth],
    archive_files: &BTreeMap<String, String>,
) -> Result<MergeOutcome> {
    let mut outcome = merge(state, &observed.observation);
    for period in outcome.periods_to_extend(state) {
        let name = ghtraf_traffic::archive_file_name(&period);
        let existing = match rewrites.iter().find(|m| m.period == period) {
            Some(m) => m.clone(),
            None => {
                let text = archive_files.get(&name).ok_or_else(|| {
                    CliError::runtime(format!(
                        "{name} is listed as archived but missing from the archive gist; nothing was written"
                    ))
                })?;
                parse_archive_month(&name, text)
                    .map_err(|e| CliError::runtime(format!("archive gist: {e}")))?
            }
        };
        outcome.absorb_existing(&existing);
    }
    for note in &outcome.notes {
        plan.warn(note.clone());
    }
    Ok(outcome)
}

/// The archive gist's PATCH, if any month is to be written.
fn plan_archive(
    plan: &mut Plan<GistWrite>,
    observed: &CollectObserved,
    outcome: &mut MergeOutcome,
    rewrites: Vec<ArchiveMonth>,
    archive_files: &BTreeMap<String, String>,
) -> Result<Option<ActionId>> {
    let target = &observed.target;
    let mut months: Vec<ArchiveMonth> = rewrites;
    for m in &outcome.archive {
        months.retain(|r| r.period != m.period);
        months.push(m.clone());
    }
    if months.is_empty() {
        return Ok(None);
    }
    let Some(archive_id) = &target.archive_gist_id else {
        return Err(CliError::runtime(format!(
            "{} month(s) are complete but no archive gist is configured; nothing was written",
            months.len()
        ))
        .with_hint("run `ghtraf create` to create the archive gist"));
    };
    let Some(archive_gist) = &observed.archive_gist else {
        return Err(CliError::runtime(format!(
            "archive gist {archive_id} is missing; nothing was written"
        ))
        .with_hint("run `ghtraf create` to repair the deployment"));
    };
    let existing_index = archive_files
        .get(ARCHIVE_INDEX_FILE)
        .and_then(|t| parse_archive_index(t).ok());
    let changes: Vec<String> = months
        .iter()
        .map(|m| {
            format!(
                "{}: {} day(s), {} clones, {} views",
                m.period,
                m.daily_history.len(),
                m.totals.clones,
                m.totals.views
            )
        })
        .collect();
    // The months to write are the merge's plus the original tool's
    // rewritten ones: one tested function makes the files and the index.
    outcome.archive = months.clone();
    let mut files = outcome.archive_files(existing_index.as_ref());
    // The dashboard's one-request copy of the latest months, from the gist as written.
    let mut after = archive_files.clone();
    after.extend(files.iter().map(|(n, t)| (n.clone(), t.clone())));
    if let Some(text) =
        super::recent::recent_file(&outcome.state.repo, &outcome.state.archived, &after)
    {
        files.insert(super::recent::RECENT_FILE.to_string(), text);
    }
    let id = plan.push(Action::new(
        Category::Gist,
        Operation::Update,
        "archive",
        format!("archive {} month(s) in gist {archive_id}", months.len()),
        GistWrite {
            role: GistRole::Archive,
            gist_id: archive_id.clone(),
            revision: Some(gist_revision(archive_gist)),
            files,
            changes,
            totals: None,
        },
    ));
    Ok(Some(id))
}

/// Without months to archive: rewrite `archive-recent.json` alone when it is missing or no
/// longer what the month files and the state say (a deployment from before it, or a backfill
/// that rewrote a month), so the dashboard's one-request copy is current after one run.
fn plan_recent_refresh(
    plan: &mut Plan<GistWrite>,
    observed: &CollectObserved,
    outcome: &MergeOutcome,
    archive_files: &BTreeMap<String, String>,
) {
    let (Some(archive_id), Some(archive_gist)) =
        (&observed.target.archive_gist_id, &observed.archive_gist)
    else {
        return;
    };
    let state = &outcome.state;
    let Some(text) = super::recent::recent_file(&state.repo, &state.archived, archive_files) else {
        return;
    };
    if archive_files.get(super::recent::RECENT_FILE) == Some(&text) {
        return;
    }
    let name = super::recent::RECENT_FILE;
    plan.push(Action::new(
        Category::Gist,
        Operation::Update,
        "archive",
        format!("refresh {name} in gist {archive_id} (the dashboard's one-request copy of the archived months)"),
        GistWrite {
            role: GistRole::Archive,
            gist_id: archive_id.clone(),
            revision: Some(gist_revision(archive_gist)),
            files: BTreeMap::from([(name.to_string(), text)]),
            changes: vec![format!(
                "{name}: missing or older than the month files; rewritten from them"
            )],
            totals: None,
        },
    ));
}

/// The badge gist's PATCH (after the archive's), or a skip when only the
/// capture time would change.
fn plan_badges(
    plan: &mut Plan<GistWrite>,
    observed: &CollectObserved,
    outcome: &MergeOutcome,
    state_changed: bool,
    archive_action: Option<ActionId>,
) {
    let target = &observed.target;
    let today = observed.observation.now.date();
    let mut desired = badge_gist_files(&outcome.state, today);
    if !state_changed {
        // Only the capture time would change: keep the stored state as it is.
        desired.remove(STATE_FILE);
    }
    desired.retain(|name, content| {
        observed
            .badge_gist
            .files
            .get(name)
            .is_none_or(|f| f.content != *content)
    });
    if desired.is_empty() {
        plan.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "badges",
            "no new data: only the capture time would change",
            GistWrite {
                role: GistRole::Badges,
                gist_id: target.badge_gist_id.clone(),
                revision: Some(gist_revision(&observed.badge_gist)),
                files: BTreeMap::new(),
                changes: Vec::new(),
                totals: Some(outcome.state.totals),
            },
        ));
        return;
    }
    let mut changes: Vec<String> = outcome.changes.iter().map(ToString::to_string).collect();
    if changes.is_empty() {
        changes.push("badges only (their recency window moved)".to_string());
    }
    let n = outcome.changes.len();
    let description = if n > 0 {
        format!(
            "record {n} new or raised day(s) in gist {}",
            target.badge_gist_id
        )
    } else {
        format!("refresh gist {}", target.badge_gist_id)
    };
    plan.push(
        Action::new(
            Category::Gist,
            Operation::Update,
            "badges",
            description,
            GistWrite {
                role: GistRole::Badges,
                gist_id: target.badge_gist_id.clone(),
                revision: Some(gist_revision(&observed.badge_gist)),
                files: desired,
                changes,
                totals: Some(outcome.state.totals),
            },
        )
        .depends_on(archive_action),
    );
}
