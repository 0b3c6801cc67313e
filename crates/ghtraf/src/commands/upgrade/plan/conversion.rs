//! The state conversion of the upgrade plan: when the original's state is
//! rewritten to today's schema (only once the original's workflow can no
//! longer run on the default branch) and the archive written before it.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn plan_conversion(
    actions: &mut Vec<Action<UpgradeStep>>,
    plan: &mut Plan<UpgradeStep>,
    inputs: &UpgradeInputs,
    badge: &Candidate,
    badge_gist: Option<&GistSeen>,
    archive_gist: Option<&GistSeen>,
    archive_producer: Option<&ActionId>,
    safety: &[ActionId],
    refusal: Option<String>,
    now: OffsetDateTime,
) {
    let version = match badge.state.as_ref().map(|s| &s.schema) {
        Some(StateSchema::Original { version }) => *version,
        Some(StateSchema::Mixed) => {
            plan.warn(
                "the original's workflow has written into the converted state: days past its \
                 31-day window may be gone; `ghtraf backfill --from gist-history` recovers them",
            );
            return;
        }
        Some(StateSchema::Unreadable { reason }) => {
            plan.warn(format!(
                "state.json of gist {} cannot be read ({reason}); ghtraf will not overwrite it — \
                 restore it from the gist's revision history",
                badge.id
            ));
            return;
        }
        Some(StateSchema::Newer { version }) => {
            plan.warn(format!(
                "state.json of gist {} has schema v{version}, written by a newer ghtraf; \
                 upgrade ghtraf itself first",
                badge.id
            ));
            return;
        }
        Some(StateSchema::Ghtraf) | None => return,
    };
    let Some(g) = badge_gist else { return };
    let full = format!("{}/{}", inputs.owner, inputs.repo);
    let Some(text) = g.files.get(STATE_FILE) else {
        return;
    };
    let parsed = match ghtraf_traffic::parse_state(text) {
        Ok(p) => p,
        Err(e) => {
            plan.warn(format!(
                "gist {}: {e} — the state cannot be converted; ghtraf will not overwrite it",
                g.id
            ));
            return;
        }
    };
    let mut state = parsed.state;
    if state.repo.is_empty() {
        state.repo = full.clone();
    }
    let mut preview = vec![format!(
        "schema v{version} → v{}: {} day(s) in state.json",
        ghtraf_traffic::SCHEMA_VERSION,
        state.daily_history.len()
    )];
    preview.extend(parsed.warnings);
    let stamp = ghtraf_traffic::format_timestamp(now);
    let month_files: Vec<(&str, &str)> = archive_gist
        .map(|a| {
            a.files
                .iter()
                .filter(|(n, _)| ghtraf_traffic::archive_period_of_file(n).is_some())
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut archive_files = BTreeMap::new();
    if !month_files.is_empty() {
        match ghtraf_traffic::import_archives(&month_files) {
            Ok(months) => {
                let (kept, warnings) =
                    ghtraf_traffic::adopt_original_archives(&mut state, months, &stamp);
                preview.extend(warnings);
                let existing_index = archive_gist
                    .and_then(|a| a.files.get(ARCHIVE_INDEX_FILE))
                    .and_then(|t| ghtraf_traffic::parse_archive_index(t).ok());
                let mut index = existing_index
                    .unwrap_or_else(|| ghtraf_traffic::ArchiveIndex::empty(&full, &stamp));
                index.updated_at = stamp.clone();
                if index.repo.is_empty() {
                    index.repo = full.clone();
                }
                for m in &kept {
                    index.upsert(m);
                    preview.push(format!(
                        "archive {}: {} day(s), {} clones, {} views",
                        m.period,
                        m.daily_history.len(),
                        m.totals.clones,
                        m.totals.views
                    ));
                    archive_files.insert(m.file_name(), m.to_json());
                }
                archive_files.insert(ARCHIVE_INDEX_FILE.to_string(), index.to_json());
            }
            Err(e) => {
                plan.warn(format!(
                    "the archive gist cannot be read ({e}); the state will not be converted"
                ));
                return;
            }
        }
    }
    for field in ghtraf_traffic::TOTAL_FIELDS {
        let b = state.baseline.get(field);
        if b > 0 {
            preview.push(format!(
                "baseline {field}: {b} (the original's total before its first held day)"
            ));
        }
    }
    let state_text = state.to_json();
    let convert_now = inputs.convert_state == ConvertState::Now;
    let refusal = match (convert_now, refusal) {
        (false, _) => Some(
            "converted by the first `ghtraf collect` (the same import); --convert-state now to do it here"
                .to_string(),
        ),
        (true, r) => r,
    };
    let archive_id = archive_gist.map(|a| a.id.clone());
    if let Some(why) = refusal {
        if convert_now {
            plan.warn(format!("the state is not converted: {why}"));
        }
        actions.push(Action::new(
            Category::Gist,
            Operation::Skip,
            "badges.state",
            why,
            UpgradeStep::WriteGist(WriteGistStep {
                role: Role::Badges,
                gist_id: g.id.clone(),
                expect_revision: g.revision.clone(),
                files: BTreeMap::new(),
                preview,
            }),
        ));
        return;
    }
    let mut deps: Vec<ActionId> = safety.to_vec();
    if let (Some(a), false) = (archive_gist, archive_files.is_empty()) {
        let action = Action::new(
            Category::Gist,
            Operation::Update,
            "archive.months",
            format!(
                "write {} converted archive month(s) and the index into gist {} (before the state)",
                archive_files.len() - 1,
                a.id
            ),
            UpgradeStep::WriteGist(WriteGistStep {
                role: Role::Archive,
                gist_id: a.id.clone(),
                expect_revision: a.revision.clone(),
                files: archive_files,
                preview: Vec::new(),
            }),
        )
        .depends_on(safety.iter().cloned());
        deps.push(action.id.clone());
        actions.push(action);
    }
    if archive_id.is_none() {
        deps.extend(archive_producer.cloned());
    }
    actions.push(
        Action::new(
            Category::Gist,
            Operation::Update,
            "badges.state",
            format!(
                "convert state.json of gist {} to schema v{}",
                g.id,
                ghtraf_traffic::SCHEMA_VERSION
            ),
            UpgradeStep::WriteGist(WriteGistStep {
                role: Role::Badges,
                gist_id: g.id.clone(),
                expect_revision: g.revision.clone(),
                files: BTreeMap::from([(STATE_FILE.to_string(), state_text)]),
                preview,
            }),
        )
        .depends_on(deps),
    );
}
