//! The upgrade plan's JSON files, merged key by key rather than replaced: the
//! dashboard's `config.json` (its text is also what the dashboard page carries)
//! and `.ghtraf.json`, with the kept-edit and written-template records.

use super::files::{ConfigSeen, Values};
use super::*;
use crate::managed_file::kept_change;
use crate::project::KeptEdit;

pub(super) struct Ids {
    pub(super) badge: Deferred,
    pub(super) archive: Deferred,
}

/// Writes a JSON object whose gist-id values may be deferred.
pub(super) fn json_text(object: Map<String, Value>, deferred: &[(&str, &Deferred)]) -> Text {
    let mut object = object;
    let mut fills = Vec::new();
    for (key, value) in deferred {
        match value.producer() {
            Some(p) => {
                let marker = format!("@@ghtraf:{p}@@");
                object.insert((*key).to_string(), marker.clone().into());
                if !fills.iter().any(|f: &Fill| f.marker == marker) {
                    fills.push(Fill {
                        marker,
                        value: (*value).clone(),
                    });
                }
            }
            None => {
                object.insert((*key).to_string(), value.to_string().into());
            }
        }
    }
    Text {
        text: to_text(&object),
        fills,
    }
}

/// Keys ghtraf owns but leaves out when they have no value (as `create` does): a stale
/// copy in the user's file is dropped rather than kept.
pub(super) const OWNED_OPTIONAL: [&str; 5] = [
    "badgeGistId",
    "archiveGistId",
    "ciWorkflows",
    "installCommand",
    "releasesUrl",
];

/// Our keys first in a fixed order, then the rest in theirs.
pub(super) fn ours_then_theirs(
    ours: Vec<(&str, Value)>,
    theirs: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in ours {
        out.insert(k.to_string(), v);
    }
    for (k, v) in theirs {
        if !out.contains_key(k) && !OWNED_OPTIONAL.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// config.json as `upgrade` plans it: its action (None when it cannot be read, with a
/// warning), and its text when it will be written (the dashboard page carries a copy).
pub(super) struct DashboardConfig {
    pub(super) action: Option<Action<UpgradeStep>>,
    pub(super) text: Option<Text>,
}

pub(super) fn plan_dashboard_config(
    plan: &mut Plan<UpgradeStep>,
    observed: &Observed,
    values: &Values,
    ids: &Ids,
    inputs: &UpgradeInputs,
) -> DashboardConfig {
    if let Some(why) = observed.refused.get(DASHBOARD_CONFIG_PATH) {
        return DashboardConfig {
            action: Some(keep(
                Category::File,
                DASHBOARD_CONFIG_PATH,
                &format!("left alone: {why}"),
            )),
            text: None,
        };
    }
    let existing = match observed.files.get(DASHBOARD_CONFIG_PATH).cloned().flatten() {
        None => Map::new(),
        Some(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => m,
            _ => {
                plan.warn(format!(
                    "{DASHBOARD_CONFIG_PATH} cannot be read; left alone — fix or delete it and run again"
                ));
                return DashboardConfig {
                    action: None,
                    text: None,
                };
            }
        },
    };
    // As `create`: kept if set; else what GitHub showed (a gist's raw_url); never a guess.
    let default_api = inputs.api_base == ghtraf_github::DEFAULT_API_URL;
    let raw_base = match (existing.get("gistRawBase"), &observed.github.raw_base) {
        (Some(kept), _) => kept.clone(),
        (None, Some(seen)) => seen.clone().into(),
        (None, None) if default_api => "https://gist.githubusercontent.com".into(),
        (None, None) => {
            plan.warn(format!(
                "{DASHBOARD_CONFIG_PATH}: gistRawBase is unknown (no gist showed where {} \
                 serves gist files); set it by hand",
                inputs.api_base
            ));
            Value::Null
        }
    };
    let api = existing
        .get("apiBase")
        .cloned()
        .unwrap_or_else(|| inputs.api_base.clone().into());
    let object = ours_then_theirs(
        values
            .shared_keys()
            .into_iter()
            .chain([("gistRawBase", raw_base), ("apiBase", api)])
            .collect(),
        &existing,
    );
    let text = json_text(
        object,
        &[("badgeGistId", &ids.badge), ("archiveGistId", &ids.archive)],
    );
    DashboardConfig {
        action: Some(plan_managed(
            Category::File,
            DASHBOARD_CONFIG_PATH,
            text.clone(),
            observed,
            Vec::new(),
        )),
        text: Some(text),
    }
}

pub(super) fn plan_project_config(
    plan: &mut Plan<UpgradeStep>,
    observed: &Observed,
    config: &ConfigSeen,
    values: &Values,
    ids: &Ids,
    kept: &BTreeMap<String, KeptEdit>,
    written: &BTreeMap<String, String>,
) -> Option<Action<UpgradeStep>> {
    if config.unreadable {
        return None;
    }
    if let Some(why) = observed.refused.get(CONFIG_FILE) {
        return Some(keep(
            Category::Config,
            CONFIG_FILE,
            &format!("left alone: {why}"),
        ));
    }
    let base = config.object.clone().unwrap_or_default();
    let migration = migrate(&base);
    let mut notes = Vec::new();
    for (snake, camel) in &migration.converted {
        notes.push(format!("{snake} → {camel}"));
    }
    for k in &migration.dropped {
        notes.push(format!(
            "{k} dropped (it described the original's file format)"
        ));
    }
    for c in &migration.conflicts {
        plan.warn(format!("{CONFIG_FILE}: {c}"));
    }
    for n in &migration.notes {
        plan.warn(format!("{CONFIG_FILE}: {n}"));
    }
    let mut ours = values.shared_keys();
    ours.push(("gistTokenName", values.gist_token_name.clone().into()));
    if !values.ci_workflows.is_empty() {
        ours.push(("ciWorkflows", values.ci_workflows.clone().into()));
    }
    if let Some(command) = &values.install_command {
        ours.push(("installCommand", command.clone().into()));
    }
    if values.releases_url != crate::install::DEFAULT_RELEASES {
        ours.push(("releasesUrl", values.releases_url.clone().into()));
    }
    // The kept edits are ours to set or clear, as `create` does.
    if !kept.is_empty() {
        ours.push((KEPT_EDITS, serde_json::to_value(kept).unwrap_or_default()));
    }
    if !written.is_empty() {
        ours.push((WRITTEN, serde_json::to_value(written).unwrap_or_default()));
    }
    let mut theirs = migration.object.clone();
    theirs.shift_remove(KEPT_EDITS);
    theirs.shift_remove(WRITTEN);
    let object = ours_then_theirs(ours, &theirs);
    let text = json_text(
        object,
        &[("badgeGistId", &ids.badge), ("archiveGistId", &ids.archive)],
    );
    if is_snake_case(&base) {
        plan.set_context("config_migration", notes.clone());
    }
    let mut action = plan_managed(Category::Config, CONFIG_FILE, text, observed, notes);
    if let Some(said) = kept_change(&config.kept_edits(), kept).filter(|_| action.is_change()) {
        action.description.push_str(&said);
    }
    Some(action)
}

/// The key of `.ghtraf.json` recording kept template edits.
pub(super) const KEPT_EDITS: &str = "keptEdits";
/// The key of `.ghtraf.json` recording what ghtraf last wrote into each template.
pub(super) const WRITTEN: &str = "writtenSha256";

/// A managed JSON file: ours to merge, so created or updated, never a conflict.
pub(super) fn plan_managed(
    category: Category,
    path: &str,
    content: Text,
    observed: &Observed,
    notes: Vec<String>,
) -> Action<UpgradeStep> {
    let current = observed.files.get(path).cloned().flatten();
    let preview = content.preview();
    let (operation, expect, diff, description) = match &current {
        None => (Operation::Create, Expect::Absent, None, "add".to_string()),
        Some(b) if b == preview.as_bytes() && content.is_known() => {
            return keep(category, path, "up to date");
        }
        Some(b) => (
            Operation::Update,
            Expect::Sha256(sha256_hex(b)),
            Some(unified_diff(path, &String::from_utf8_lossy(b), &preview)),
            if notes.is_empty() {
                "update".to_string()
            } else {
                format!("migrate to ghtraf's keys ({})", notes.join(", "))
            },
        ),
    };
    let producers: Vec<ActionId> = content
        .fills
        .iter()
        .filter_map(|f| f.value.producer().cloned())
        .collect();
    Action::new(
        category,
        operation,
        path,
        description,
        UpgradeStep::File(FileStep {
            path: path.to_string(),
            content,
            expect,
            replaces: None,
            diff,
        }),
    )
    .depends_on(producers)
}
