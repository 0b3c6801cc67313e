//! `create`'s files: the templates and managed JSON it wants in the
//! checkout, with deferred gist ids marked for filling after apply.

use super::*;
use crate::managed_file::{record_after, Content, DesiredFile, Expect, Fill};
use crate::page_config;
use crate::project::KeptEdit;
use crate::templates::{render_all, TemplateValues};

/// Marker text for a deferred value inside a generated file.
pub(crate) fn marker(value: &Deferred) -> Option<(String, Fill)> {
    let output = match value {
        Deferred::KnownAfterApply(r) if r.output != "id" => format!(":{}", r.output),
        _ => String::new(),
    };
    value.producer().map(|p| {
        // One marker per (action, output): a gist's id and its raw base differ.
        let m = format!("@@ghtraf:{p}{output}@@");
        (
            m.clone(),
            Fill {
                marker: m,
                value: value.clone(),
            },
        )
    })
}

/// Sets `key` to a deferred value in a JSON object, collecting its fill.
pub(super) fn put_deferred(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    fills: &mut Vec<Fill>,
    key: &str,
    value: Option<&Deferred>,
) {
    match value {
        None => {
            obj.insert(key.to_string(), serde_json::Value::Null);
        }
        Some(v) => match marker(v) {
            Some((m, f)) => {
                obj.insert(key.to_string(), m.into());
                if !fills.contains(&f) {
                    fills.push(f);
                }
            }
            None => {
                obj.insert(key.to_string(), v.to_string().into());
            }
        },
    }
}

/// Our keys first in a fixed order, then the user's in theirs: the same
/// values always give the same bytes, so a re-run sees "up to date".
pub(super) fn canonical(
    ours: serde_json::Map<String, serde_json::Value>,
    existing: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = ours;
    for (k, v) in existing {
        if !out.contains_key(&k) && !DROPPED_KEYS.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    out
}

/// Keys we own but may leave out (absent means "not known yet").
pub(super) const DROPPED_KEYS: [&str; 5] = [
    "badgeGistId",
    "archiveGistId",
    "ciWorkflows",
    "installCommand",
    "releasesUrl",
];

pub(super) fn json_content(
    obj: serde_json::Map<String, serde_json::Value>,
    fills: Vec<Fill>,
) -> Content {
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(obj))
        .unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    Content { text, fills }
}

/// Existing JSON object of a managed file, or None if absent; Err if unreadable.
pub(super) fn existing_object(
    observed: &Observed,
    path: &str,
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, String> {
    match observed.files.get(path).and_then(Local::bytes) {
        None => Ok(serde_json::Map::new()),
        // Editors may add a BOM; the rewrite keeps it (managed_file).
        Some(bytes) => {
            match serde_json::from_slice::<serde_json::Value>(crate::textstyle::strip_bom(bytes)) {
                Ok(serde_json::Value::Object(m)) => Ok(m),
                Ok(_) => Err("is not a JSON object".to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
    }
}

pub(super) struct Ids<'a> {
    pub(super) badge: Option<&'a Deferred>,
    pub(super) archive: Option<&'a Deferred>,
    pub(super) gist_owner: Option<String>,
    pub(super) created: String,
    /// The dashboard's `gistRawBase`: observed from a gist's `raw_url`, or the output of the
    /// action creating the badge gist; None when nothing can tell.
    pub(super) raw_base: Option<&'a Deferred>,
}

pub(super) fn desired_files(
    plan: &mut Plan<SetupStep>,
    inputs: &Inputs,
    observed: &Observed,
    ids: &Ids<'_>,
) -> Result<Vec<DesiredFile>, CliError> {
    let rendered = render_all(&TemplateValues {
        owner: &inputs.repo.owner,
        repo: &inputs.repo.name,
        display_name: &inputs.display_name,
        created: &ids.created,
        version: VERSION,
        install_command: inputs.install_command.as_deref(),
        releases_url: &inputs.releases_url,
        gist_token_name: &inputs.gist_token_name,
        ci_workflows: &inputs.ci_workflows,
    })?;
    let mut files: Vec<DesiredFile> = rendered
        .into_iter()
        .map(|(path, text)| DesiredFile {
            path,
            content: Content::known(text),
            managed: false,
        })
        .collect();

    // The dashboard's configuration: our keys set, the user's kept.
    match existing_object(observed, DASHBOARD_CONFIG_PATH) {
        Ok(existing) => {
            let mut fills = Vec::new();
            let mut obj = serde_json::Map::new();
            obj.insert("owner".into(), inputs.repo.owner.clone().into());
            obj.insert("repo".into(), inputs.repo.name.clone().into());
            obj.insert("displayName".into(), inputs.display_name.clone().into());
            obj.insert("created".into(), ids.created.clone().into());
            put_deferred(&mut obj, &mut fills, "badgeGistId", ids.badge);
            put_deferred(&mut obj, &mut fills, "archiveGistId", ids.archive);
            obj.insert(
                "gistOwner".into(),
                ids.gist_owner
                    .clone()
                    .unwrap_or_else(|| inputs.repo.owner.clone())
                    .into(),
            );
            // The user may point these elsewhere: set them only when absent. The raw base
            // comes from what GitHub returned (a gist file's raw_url), never from a guess.
            match existing.get("gistRawBase") {
                Some(kept) => {
                    obj.insert("gistRawBase".into(), kept.clone());
                }
                None if ids.raw_base.is_some() => {
                    put_deferred(&mut obj, &mut fills, "gistRawBase", ids.raw_base);
                }
                None if inputs.api_base == ghtraf_github::DEFAULT_API_URL => {
                    obj.insert(
                        "gistRawBase".into(),
                        "https://gist.githubusercontent.com".into(),
                    );
                }
                None => {
                    plan.warn(format!(
                        "{DASHBOARD_CONFIG_PATH}: gistRawBase is unknown (no gist of the user shows where {} serves gist files); set it by hand",
                        inputs.api_base
                    ));
                    obj.insert("gistRawBase".into(), serde_json::Value::Null);
                }
            }
            let api = existing
                .get("apiBase")
                .cloned()
                .unwrap_or_else(|| inputs.api_base.clone().into());
            obj.insert("apiBase".into(), api);
            let config = json_content(canonical(obj, existing), fills);
            // The page carries a copy, so a first visit asks for the state at once.
            if let Some(page) = files.iter_mut().find(|f| f.path == page_config::PAGE_PATH) {
                page.content = Content {
                    text: page_config::with_config(&page.content.text, &config.text),
                    fills: config.fills.clone(),
                };
            }
            files.push(DesiredFile {
                path: DASHBOARD_CONFIG_PATH.to_string(),
                content: config,
                managed: true,
            });
        }
        Err(why) => {
            plan.warn(format!(
                "{DASHBOARD_CONFIG_PATH} {why}; left alone — fix or delete it and run again"
            ));
        }
    }
    Ok(files)
}

/// `.ghtraf.json`: what later commands read instead of flags, and the
/// template edits this plan keeps (`kept`, by path).
pub(super) fn config_file(
    inputs: &Inputs,
    observed: &Observed,
    ids: &Ids<'_>,
    kept: &BTreeMap<String, KeptEdit>,
) -> DesiredFile {
    let mut existing = match &observed.project.config {
        Some(c) => match serde_json::to_value(c) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        },
        None => serde_json::Map::new(),
    };
    let mut obj = serde_json::Map::new();
    let mut fills = Vec::new();
    obj.insert("owner".into(), inputs.repo.owner.clone().into());
    obj.insert("repo".into(), inputs.repo.name.clone().into());
    obj.insert("displayName".into(), inputs.display_name.clone().into());
    obj.insert("created".into(), ids.created.clone().into());
    if ids.badge.is_some() {
        put_deferred(&mut obj, &mut fills, "badgeGistId", ids.badge);
    }
    if ids.archive.is_some() {
        put_deferred(&mut obj, &mut fills, "archiveGistId", ids.archive);
    }
    if let Some(o) = &ids.gist_owner {
        obj.insert("gistOwner".into(), o.clone().into());
    }
    obj.insert(
        "gistTokenName".into(),
        inputs.gist_token_name.clone().into(),
    );
    if !inputs.ci_workflows.is_empty() {
        obj.insert("ciWorkflows".into(), inputs.ci_workflows.clone().into());
    }
    if let Some(command) = &inputs.install_command {
        obj.insert("installCommand".into(), command.clone().into());
    }
    if inputs.releases_url != crate::install::DEFAULT_RELEASES {
        obj.insert("releasesUrl".into(), inputs.releases_url.clone().into());
    }
    // Ours to set or clear, and only in this file.
    existing.shift_remove(KEPT_EDITS);
    if !kept.is_empty() {
        obj.insert(
            KEPT_EDITS.into(),
            serde_json::to_value(kept).unwrap_or_default(),
        );
    }
    let obj = canonical(obj, existing);
    let config_rel = observed
        .project
        .config_path
        .strip_prefix(&inputs.root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| CONFIG_FILE.to_string());
    DesiredFile {
        path: config_rel,
        content: json_content(obj, fills),
        managed: true,
    }
}

/// The key of `.ghtraf.json` recording kept template edits.
pub(super) const KEPT_EDITS: &str = "keptEdits";

/// The kept edits after this plan's file actions, from those recorded: each
/// template the plan keeps is recorded, one it writes (or finds identical)
/// is cleared, one it asks about keeps its record; files the plan does not
/// touch keep theirs.
pub(super) fn kept_after(
    plan: &Plan<SetupStep>,
    recorded: &BTreeMap<String, KeptEdit>,
) -> BTreeMap<String, KeptEdit> {
    let mut kept = recorded.clone();
    for a in &plan.actions {
        if let SetupStep::File(f) = &a.details {
            if a.category != Category::File || f.expect == Expect::Leftover {
                continue;
            }
            match record_after(a.operation, a.requires_input, f, recorded.get(&f.path)) {
                Some(k) => kept.insert(f.path.clone(), k),
                None => kept.remove(&f.path),
            };
        }
    }
    kept
}
