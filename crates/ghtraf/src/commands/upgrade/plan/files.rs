//! The repository files of the upgrade plan: the workflow, the dashboard and the
//! other template files, each recognised by what wrote it and planned as keep,
//! write or refuse (edited by the user). The JSON files are in `configs`.

use super::configs::{KEPT_EDITS, WRITTEN};
use super::*;
use crate::page_config;
use crate::project::KeptEdit;
use crate::templates::{render_all, TemplateValues};

/// `.ghtraf.json` as found (root, else the stray copy in the working directory).
pub(super) struct ConfigSeen {
    pub(super) object: Option<Map<String, Value>>,
    /// The root file's bytes are unreadable JSON: it must not be rewritten.
    pub(super) unreadable: bool,
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

    /// What ghtraf last wrote into each template, as the file records it
    /// (`writtenSha256`; none when absent or unreadable).
    pub(super) fn written(&self) -> BTreeMap<String, String> {
        self.object
            .as_ref()
            .and_then(|o| o.get(WRITTEN))
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
    pub(super) owner: String,
    pub(super) repo: String,
    pub(super) display_name: String,
    pub(super) created: String,
    pub(super) ci_workflows: Vec<String>,
    pub(super) gist_token_name: String,
    pub(super) install_command: Option<String>,
    pub(super) releases_url: String,
    pub(super) version: String,
    pub(super) gist_owner: String,
}

impl Values {
    /// The keys `.ghtraf.json` and the dashboard's config both set, in their order;
    /// the gist ids are placeholders filled when the ids are known.
    pub(super) fn shared_keys(&self) -> Vec<(&'static str, Value)> {
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
