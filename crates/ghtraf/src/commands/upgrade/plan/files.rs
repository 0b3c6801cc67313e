//! The repository files of the upgrade plan: `.ghtraf.json`, the dashboard's
//! config, the workflow and the other managed files, each recognised by what
//! wrote it and planned as keep, write or refuse (edited by the user).

use super::*;
use crate::managed_file::kept_change;
use crate::page_config;
use crate::project::KeptEdit;
use crate::templates::{render_all, TemplateValues};

/// `.ghtraf.json` as found (root, else the stray copy in the working directory).
pub(super) struct ConfigSeen {
    object: Option<Map<String, Value>>,
    /// The root file's bytes are unreadable JSON: it must not be rewritten.
    unreadable: bool,
}

impl ConfigSeen {
    /// The kept template edits the file records (none when it records none,
    /// or records them in a shape this version cannot read).
    pub(super) fn kept_edits(&self) -> BTreeMap<String, KeptEdit> {
        self.object
            .as_ref()
            .and_then(|o| o.get(KEPT_EDITS))
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    pub(super) fn read(observed: &Observed, plan: &mut Plan<UpgradeStep>) -> ConfigSeen {
        let parse = |bytes: &[u8]| match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err("is not a JSON object".to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Some(Some(bytes)) = observed.files.get(CONFIG_FILE) {
            return match parse(bytes) {
                Ok(m) => ConfigSeen {
                    object: Some(m),
                    unreadable: false,
                },
                Err(e) => {
                    plan.warn(format!(
                        "{CONFIG_FILE} cannot be read ({e}); it is left alone — fix it and run again"
                    ));
                    ConfigSeen {
                        object: None,
                        unreadable: true,
                    }
                }
            };
        }
        if let Some((path, bytes)) = &observed.stray_config {
            if let Ok(m) = parse(bytes) {
                plan.warn(format!(
                    "{path} is the original's config outside the repository root; its settings \
                     move to {CONFIG_FILE} at the root, and the old copy is left for you to delete"
                ));
                return ConfigSeen {
                    object: Some(m),
                    unreadable: false,
                };
            }
        }
        ConfigSeen {
            object: None,
            unreadable: false,
        }
    }

    fn get(&self, camel: &str, snake: &str) -> Option<&Value> {
        let o = self.object.as_ref()?;
        o.get(camel).or_else(|| o.get(snake))
    }

    pub(super) fn id(&self, camel: &str, snake: &str) -> Option<String> {
        self.get(camel, snake)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// The values generated files are filled with, from flags, config, the original's
/// files and GitHub.
pub(super) struct Values {
    owner: String,
    repo: String,
    display_name: String,
    created: String,
    ci_workflows: Vec<String>,
    gist_token_name: String,
    install_command: Option<String>,
    releases_url: String,
    version: String,
    gist_owner: String,
}

impl Values {
    /// The keys `.ghtraf.json` and the dashboard's config both set, in their order;
    /// the gist ids are placeholders filled when the ids are known.
    fn shared_keys(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("owner", self.owner.clone().into()),
            ("repo", self.repo.clone().into()),
            ("displayName", self.display_name.clone().into()),
            ("created", self.created.clone().into()),
            ("badgeGistId", Value::Null),
            ("archiveGistId", Value::Null),
            ("gistOwner", self.gist_owner.clone().into()),
        ]
    }

    pub(super) fn settle(
        inputs: &UpgradeInputs,
        observed: &Observed,
        config: &ConfigSeen,
    ) -> Values {
        let from_title = observed
            .text(DASHBOARD_INDEX)
            .and_then(|t| match classify_dashboard(t) {
                DashboardKind::Original { display_name } => display_name,
                _ => None,
            });
        let display_name = inputs
            .display_name
            .clone()
            .or_else(|| config.id("displayName", "display_name"))
            .or(from_title)
            .unwrap_or_else(|| inputs.repo.clone());
        let created = config
            .id("created", "created")
            .or_else(|| {
                observed
                    .github
                    .repo_created_at
                    .get(..10)
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let from_config: Vec<String> = config
            .get("ciWorkflows", "ci_workflows")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let from_workflow = [
            observed.text(WORKFLOW_PATH),
            observed
                .github
                .default_branch_workflow
                .as_ref()
                .map(|f| f.text.as_str()),
        ]
        .into_iter()
        .flatten()
        .find_map(|t| match classify_workflow(t) {
            WorkflowKind::Original { ci_workflows, .. } if !ci_workflows.is_empty() => {
                Some(ci_workflows)
            }
            _ => None,
        });
        Values {
            owner: inputs.owner.clone(),
            repo: inputs.repo.clone(),
            display_name,
            created,
            ci_workflows: if from_config.is_empty() {
                from_workflow.unwrap_or_default()
            } else {
                from_config
            },
            gist_token_name: inputs.gist_token_name.clone(),
            // A stored default of older versions pins the old version: not the user's choice.
            install_command: inputs.install_command.clone().or_else(|| {
                config
                    .id("installCommand", "install_command")
                    .filter(|c| !crate::install::is_legacy_default(c))
            }),
            releases_url: inputs
                .releases_url
                .clone()
                .or_else(|| {
                    config.id("releasesUrl", "releases_url").and_then(|url| {
                        let source = crate::values::Source::File {
                            path: std::path::Path::new(CONFIG_FILE),
                            key: "releasesUrl",
                        };
                        crate::install::check_releases_url(&url, source).ok()
                    })
                })
                .unwrap_or_else(|| crate::install::DEFAULT_RELEASES.to_string()),
            version: inputs.version.clone(),
            gist_owner: config
                .id("gistOwner", "gist_owner")
                .unwrap_or_else(|| observed.github.login.clone()),
        }
    }

    pub(super) fn render_templates(&self) -> Result<Vec<(String, String)>> {
        render_all(&TemplateValues {
            owner: &self.owner,
            repo: &self.repo,
            display_name: &self.display_name,
            created: &self.created,
            version: &self.version,
            install_command: self.install_command.as_deref(),
            releases_url: &self.releases_url,
            gist_token_name: &self.gist_token_name,
            ci_workflows: &self.ci_workflows,
        })
    }
}

/// Whether an existing file that differs from ours is a recognised older generation
/// (Ok: what it is) or something a user may have edited (Err: why it is a conflict).
pub(super) fn recognise(
    path: &str,
    observed: &Observed,
    older_ghtraf: bool,
    original_dashboard: bool,
    version: &str,
) -> std::result::Result<String, String> {
    let Some(text) = observed.text(path) else {
        return Err("not UTF-8 text".to_string());
    };
    if path == WORKFLOW_PATH {
        return match classify_workflow(text) {
            WorkflowKind::Original {
                version,
                edited: false,
                ..
            } => Ok(format!(
                "the original's workflow ({})",
                version.unwrap_or_else(|| "≤ 0.3.6".to_string())
            )),
            WorkflowKind::Original { edited: true, .. } => {
                Err("the original's workflow with steps of your own".to_string())
            }
            WorkflowKind::Ghtraf { version: v } if is_older_version(&v, version) => {
                Ok(format!("ghtraf {v}'s workflow"))
            }
            WorkflowKind::Ghtraf { .. } => Err("edited since ghtraf generated it".to_string()),
            WorkflowKind::Unknown => Err("not generated by either tool".to_string()),
        };
    }
    if path == DASHBOARD_INDEX {
        return match classify_dashboard(text) {
            DashboardKind::Original { .. } => Ok("the original's dashboard".to_string()),
            DashboardKind::Ghtraf if older_ghtraf => Ok("an older ghtraf's dashboard".to_string()),
            _ => Err("edited, or not generated by either tool".to_string()),
        };
    }
    if original_dashboard && matches!(path, "docs/stats/README.md" | "docs/stats/favicon.svg") {
        return Ok("the original's dashboard file".to_string());
    }
    if older_ghtraf {
        return Ok("an older ghtraf's dashboard file".to_string());
    }
    Err("edited, or not generated by either tool".to_string())
}

pub(super) fn plan_file(
    path: &str,
    content: Text,
    observed: &Observed,
    recognised: std::result::Result<String, String>,
    edited: EditedFiles,
) -> Action<UpgradeStep> {
    // A write waits for the actions whose outputs fill it in (the page's copy of config.json).
    let producers: Vec<ActionId> = content
        .fills
        .iter()
        .filter_map(|f| f.value.producer().cloned())
        .collect();
    let action = file_action(path, content, observed, recognised, edited);
    if action.is_change() {
        action.depends_on(producers)
    } else {
        action
    }
}

fn file_action(
    path: &str,
    content: Text,
    observed: &Observed,
    recognised: std::result::Result<String, String>,
    edited: EditedFiles,
) -> Action<UpgradeStep> {
    let current = observed.files.get(path).cloned().flatten();
    let Some(bytes) = current else {
        return Action::new(
            Category::File,
            Operation::Create,
            path,
            "add",
            UpgradeStep::File(FileStep {
                path: path.to_string(),
                content,
                expect: Expect::Absent,
                replaces: None,
                diff: None,
            }),
        );
    };
    let preview = content.preview();
    if bytes == preview.as_bytes() && content.is_known() {
        return keep(Category::File, path, "up to date");
    }
    let old = String::from_utf8_lossy(&bytes);
    let step = |replaces: Option<String>| {
        UpgradeStep::File(FileStep {
            path: path.to_string(),
            content: content.clone(),
            expect: Expect::Sha256(sha256_hex(&bytes)),
            replaces,
            diff: Some(unified_diff(path, &old, &preview)),
        })
    };
    // Ours, apart from the page's copy of config.json (page_config): nothing to keep or ask.
    if page_config::without_config(&old) == page_config::without_config(&preview) {
        return Action::new(
            Category::File,
            Operation::Update,
            path,
            "update the copy of config.json it carries",
            step(None),
        );
    }
    match (recognised, edited) {
        (Ok(what), _) => Action::new(
            Category::File,
            Operation::Overwrite,
            path,
            format!("replace {what}"),
            step(Some(what)),
        ),
        (Err(why), EditedFiles::Force) => Action::new(
            Category::File,
            Operation::Overwrite,
            path,
            format!("replace ({why}; --force)"),
            step(None),
        ),
        (Err(why), EditedFiles::Ask) => Action::new(
            Category::File,
            Operation::Overwrite,
            path,
            format!("{why}: will ask before replacing"),
            step(None),
        )
        .requires_input(true),
        (Err(why), EditedFiles::Keep) => keep(
            Category::File,
            path,
            &format!("kept: {why} (--force replaces it)"),
        ),
    }
}

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
    let mut theirs = migration.object.clone();
    theirs.shift_remove(KEPT_EDITS);
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
const KEPT_EDITS: &str = "keptEdits";

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
