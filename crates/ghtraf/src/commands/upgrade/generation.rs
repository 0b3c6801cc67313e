//! Which gists belong to the repository, and which generation deployed it.
//!
//! A user's account can hold the original tool's gists under two naming
//! schemes, duplicates its workflow created on every run, gists renamed by
//! hand, and ghtraf's own. This module sorts the fetched gists into
//! candidates per role (with why each one is a candidate) and combines every
//! fingerprint (names, state schema, workflow in the checkout and on the
//! default branch, dashboard, `.ghtraf.json` spelling) into one verdict with
//! its evidence, so the plan can say *why* it treats a deployment as the
//! original's, an older ghtraf's, or a mix of both.

use serde::Serialize;
use serde_json::Value;

use super::config::is_snake_case;
use super::fingerprint::{
    classify_dashboard, classify_description, classify_workflow, is_older_version, role_from_files,
    summarize_state, DashboardKind, Naming, Role, StateSchema, StateSummary, WorkflowKind,
};
use super::observed::{GistSeen, Observed};

pub const WORKFLOW_PATH: &str = ".github/workflows/traffic-badges.yml";
pub const DASHBOARD_INDEX: &str = "docs/stats/index.html";
pub const CONFIG_FILE: &str = ".ghtraf.json";

/// Ids the user or the deployment names for one role, strongest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamedIds {
    pub flag: Option<String>,
    pub variable: Option<String>,
    pub config: Option<String>,
}

impl NamedIds {
    /// `(source, id)` in the order they are trusted.
    pub fn ordered(&self) -> Vec<(&'static str, &str)> {
        [
            ("the command line", self.flag.as_deref()),
            ("the repository variable", self.variable.as_deref()),
            (CONFIG_FILE, self.config.as_deref()),
        ]
        .into_iter()
        .filter_map(|(s, id)| id.map(|id| (s, id)))
        .collect()
    }

    fn contains(&self, id: &str) -> bool {
        self.ordered().iter().any(|(_, named)| *named == id)
    }
}

/// One gist that may hold the repository's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: String,
    pub role: Role,
    pub naming: Naming,
    /// Badge gists: what `state.json` holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<StateSummary>,
    /// Archive gists: `archive-YYYY-MM.json` files.
    pub months: usize,
}

impl Candidate {
    /// Days of history this gist holds (badges: days in `state.json`; archive: months × 31
    /// is meaningless, so months are reported separately).
    pub fn days(&self) -> usize {
        self.state.as_ref().map_or(0, |s| s.days)
    }
}

/// The gists relevant to `owner/repo`: named for it (current or legacy), named by a
/// flag/variable/config id, or recording it in their content.
pub fn candidates(
    gists: &[GistSeen],
    owner: &str,
    repo: &str,
    badges: &NamedIds,
    archive: &NamedIds,
) -> Vec<Candidate> {
    let full = format!("{owner}/{repo}");
    let mut out = Vec::new();
    for gist in gists {
        let naming = classify_description(&gist.description, owner, repo);
        let by_files = role_from_files(gist.files.keys().map(String::as_str));
        let named_role = match naming {
            Naming::Current(r) | Naming::Legacy(r) => Some(r),
            Naming::Other => None,
        };
        let by_id = if badges.contains(&gist.id) {
            Some(Role::Badges)
        } else if archive.contains(&gist.id) {
            Some(Role::Archive)
        } else {
            None
        };
        let Some(role) = by_files.or(named_role).or(by_id) else {
            continue;
        };
        let state = gist.files.get("state.json").map(|t| summarize_state(t));
        let content_repo = match role {
            Role::Badges => state.as_ref().and_then(|s| s.repo.clone()),
            Role::Archive => archive_repo(gist),
        };
        let relevant = named_role.is_some()
            || by_id.is_some()
            || content_repo.is_some_and(|r| r.eq_ignore_ascii_case(&full));
        if !relevant {
            continue;
        }
        let months = gist
            .files
            .keys()
            .filter(|n| ghtraf_traffic::archive_period_of_file(n).is_some())
            .count();
        out.push(Candidate {
            id: gist.id.clone(),
            role,
            naming,
            state: if role == Role::Badges { state } else { None },
            months,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Which listed gists (id, description, file names) observation should fetch in full:
/// those named by an id, those named for this repository in either convention, and —
/// to find hand-renamed ones by content — those with a state or archive file whose
/// description does not already name *another* repository in either convention (a user
/// tracking many repositories would otherwise pay one fetch per tracked repository).
pub fn worth_fetching<'a>(
    listed: impl IntoIterator<Item = (&'a str, &'a str, Vec<&'a str>)>,
    owner: &str,
    repo: &str,
    badges: &NamedIds,
    archive: &NamedIds,
) -> Vec<String> {
    let mut out = Vec::new();
    for (id, description, files) in listed {
        let named = badges.contains(id) || archive.contains(id);
        let ours = classify_description(description, owner, repo) != Naming::Other;
        let has_data = role_from_files(files.iter().copied()).is_some();
        if named || ours || (has_data && !names_another_repo(description)) {
            out.push(id.to_string());
        }
    }
    out
}

/// Whether a description follows a naming convention for some repository: the current
/// `[GTT] O/R · role` or the legacy `O/R traffic …`. Callers have already checked it
/// is not this repository.
fn names_another_repo(description: &str) -> bool {
    let mut words = description.split_whitespace();
    let mut first = words.next();
    if first == Some("[GTT]") {
        first = words.next();
    }
    let looks_like_repo = first.is_some_and(|w| {
        w.split_once('/')
            .is_some_and(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
    });
    let second = words.next();
    looks_like_repo
        && (second == Some("·") || second.is_some_and(|w| w.eq_ignore_ascii_case("traffic")))
}

/// `repo` recorded in an archive gist's index or any of its month files.
fn archive_repo(gist: &GistSeen) -> Option<String> {
    gist.files
        .iter()
        .filter(|(n, _)| n.starts_with("archive") && n.ends_with(".json"))
        .find_map(|(_, text)| {
            serde_json::from_str::<Value>(text)
                .ok()?
                .get("repo")?
                .as_str()
                .map(str::to_string)
        })
}

/// The deployment's generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generation {
    /// Nothing of either tool was found.
    None,
    /// The original, gists under the pre-0.2.7 names only.
    OriginalLegacy,
    /// The original, `[GTT]` names (or no gist name evidence).
    Original,
    /// ghtraf, current templates.
    Ghtraf,
    /// ghtraf, deployed by an older version.
    OlderGhtraf,
    /// A converted (v4) state that the original's workflow can still write, or has.
    Mixed,
}

impl Generation {
    pub fn as_str(self) -> &'static str {
        match self {
            Generation::None => "none",
            Generation::OriginalLegacy => "original-legacy",
            Generation::Original => "original",
            Generation::Ghtraf => "ghtraf",
            Generation::OlderGhtraf => "older-ghtraf",
            Generation::Mixed => "mixed",
        }
    }
}

/// The verdict and the facts it rests on, in the order they were checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub generation: Generation,
    pub evidence: Vec<String>,
}

/// Combines every fingerprint. `badge` is the badge gist chosen for the repository
/// (if any); `all` every candidate (their names tell legacy from current).
pub fn detect(
    observed: &Observed,
    badge: Option<&Candidate>,
    all: &[Candidate],
    current_version: &str,
) -> Detection {
    let mut evidence = Vec::new();
    let mut original = false;
    let mut ghtraf = false;
    let mut older_ghtraf = false;

    let legacy_names = all
        .iter()
        .filter(|c| matches!(c.naming, Naming::Legacy(_)))
        .count();
    let current_names = all
        .iter()
        .filter(|c| matches!(c.naming, Naming::Current(_)))
        .count();
    if legacy_names > 0 {
        evidence.push(format!(
            "{legacy_names} gist(s) named the original's pre-0.2.7 way (\"O/R traffic …\")"
        ));
    }
    if current_names > 0 {
        evidence.push(format!("{current_names} gist(s) named \"[GTT] O/R · …\""));
    }

    let schema = badge.and_then(|b| b.state.as_ref()).map(|s| &s.schema);
    match schema {
        Some(StateSchema::Original { version }) => {
            original = true;
            evidence.push(format!("state.json has the original's schema v{version}"));
        }
        Some(StateSchema::Ghtraf) => {
            ghtraf = true;
            evidence.push("state.json has ghtraf's schema v4".to_string());
        }
        Some(StateSchema::Mixed) => {
            evidence.push(
                "state.json is v4 but also holds the original's counters (totalClones): \
                 the original's workflow wrote into a converted state"
                    .to_string(),
            );
        }
        Some(StateSchema::Newer { version }) => {
            evidence.push(format!(
                "state.json has schema v{version}, newer than this ghtraf"
            ));
        }
        Some(StateSchema::Unreadable { reason }) => {
            evidence.push(format!("state.json cannot be read: {reason}"));
        }
        None => {}
    }

    let mut original_on_branch = false;
    let workflows = [
        ("in the checkout", observed.text(WORKFLOW_PATH)),
        (
            "on the default branch",
            observed
                .github
                .default_branch_workflow
                .as_ref()
                .map(|f| f.text.as_str()),
        ),
    ];
    for (place, text) in workflows {
        let Some(text) = text else { continue };
        match classify_workflow(text) {
            WorkflowKind::Original {
                version, edited, ..
            } => {
                original = true;
                original_on_branch |= place == "on the default branch";
                evidence.push(format!(
                    "the workflow {place} is the original's ({}{})",
                    version.map_or("≤ 0.3.6".to_string(), |v| v),
                    if edited { ", edited" } else { "" }
                ));
            }
            WorkflowKind::Ghtraf { version } => {
                ghtraf = true;
                let older = is_older_version(&version, current_version);
                older_ghtraf |= older;
                evidence.push(format!(
                    "the workflow {place} was generated by ghtraf {version}{}",
                    if older { " (older)" } else { "" }
                ));
            }
            WorkflowKind::Unknown => {
                evidence.push(format!("the workflow {place} is neither tool's"));
            }
        }
    }
    if let Some(text) = observed.text(DASHBOARD_INDEX) {
        match classify_dashboard(text) {
            DashboardKind::Original { .. } => {
                original = true;
                evidence.push("docs/stats/index.html is the original's dashboard".to_string());
            }
            DashboardKind::Ghtraf => ghtraf = true,
            DashboardKind::Unknown => {}
        }
    }
    let config = observed
        .text(CONFIG_FILE)
        .or_else(|| {
            observed
                .stray_config
                .as_ref()
                .and_then(|(_, b)| std::str::from_utf8(b).ok())
        })
        .and_then(|t| serde_json::from_str::<Value>(t).ok());
    if let Some(Value::Object(map)) = config {
        if is_snake_case(&map) {
            original = true;
            evidence.push(".ghtraf.json uses the original's snake_case keys".to_string());
        }
    }

    let generation = match schema {
        Some(StateSchema::Mixed) => Generation::Mixed,
        Some(StateSchema::Ghtraf) if original_on_branch => {
            evidence
                .push("the original's workflow can still run against this v4 state".to_string());
            Generation::Mixed
        }
        Some(StateSchema::Ghtraf) if older_ghtraf => Generation::OlderGhtraf,
        Some(StateSchema::Ghtraf) => Generation::Ghtraf,
        _ if original || matches!(schema, Some(StateSchema::Original { .. })) => {
            if legacy_names > 0 && current_names == 0 {
                Generation::OriginalLegacy
            } else {
                Generation::Original
            }
        }
        _ if older_ghtraf => Generation::OlderGhtraf,
        _ if ghtraf || current_names > 0 => Generation::Ghtraf,
        _ if legacy_names > 0 => Generation::OriginalLegacy,
        _ => Generation::None,
    };
    Detection {
        generation,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::commands::upgrade::observed::{GitHubSide, RemoteFile};

    fn gist(id: &str, description: &str, files: &[(&str, &str)]) -> GistSeen {
        GistSeen {
            id: id.to_string(),
            description: description.to_string(),
            public: true,
            owner_login: Some("octo".to_string()),
            revision: format!("rev-{id}"),
            updated_at: "2026-01-01T00:00:00Z".to_string(),
            files: files
                .iter()
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect(),
        }
    }

    fn observed(gists: Vec<GistSeen>) -> Observed {
        Observed {
            files: BTreeMap::new(),
            refused: BTreeMap::new(),
            stray_config: None,
            github: GitHubSide {
                login: "octo".to_string(),
                default_branch: "main".to_string(),
                repo_created_at: "2024-05-01T00:00:00Z".to_string(),
                gists,
                variables: BTreeMap::new(),
                secret: None,
                workflow: None,
                raw_base: None,
                default_branch_workflow: None,
            },
        }
    }

    const V1: &str = r#"{"totalClones": 5, "dailyHistory": [{"date": "2026-01-01T00:00:00Z", "clones": 5, "views": 1}]}"#;
    const V4: &str =
        r#"{"schemaVersion": 4, "repo": "octo/demo", "totals": {}, "dailyHistory": []}"#;

    #[test]
    fn candidates_by_name_id_and_content_only() {
        let gists = vec![
            gist("a", "octo/demo traffic badges", &[("state.json", V1)]),
            gist("b", "[GTT] octo/demo · archive", &[("archive.json", "{}")]),
            gist("c", "my renamed gist", &[("state.json", V1)]),
            gist("d", "something", &[("state.json", V4)]),
            gist("e", "other/repo traffic badges", &[("state.json", V1)]),
            gist("f", "unrelated", &[("notes.md", "hi")]),
            gist(
                "g",
                "hand-named archive",
                &[("archive.json", r#"{"repo": "octo/demo", "archives": []}"#)],
            ),
        ];
        let named = NamedIds {
            variable: Some("c".to_string()),
            ..NamedIds::default()
        };
        let found = candidates(&gists, "octo", "demo", &named, &NamedIds::default());
        let ids: Vec<(&str, Role)> = found.iter().map(|c| (c.id.as_str(), c.role)).collect();
        assert_eq!(
            ids,
            [
                ("a", Role::Badges),
                ("b", Role::Archive),
                ("c", Role::Badges),
                ("d", Role::Badges),
                ("g", Role::Archive)
            ]
        );
        assert_eq!(found[0].days(), 1);
    }

    #[test]
    fn only_gists_that_may_be_ours_are_fetched() {
        let named = NamedIds {
            variable: Some("byvar".to_string()),
            ..NamedIds::default()
        };
        let listed = vec![
            ("byvar", "whatever", vec!["notes.md"]),
            ("legacy", "octo/demo traffic badges", vec!["state.json"]),
            ("current", "[GTT] octo/demo · archive", vec!["archive.json"]),
            ("renamed", "my traffic", vec!["state.json"]),
            (
                "other-current",
                "[GTT] octo/tool · badges",
                vec!["state.json"],
            ),
            (
                "other-legacy",
                "octo/tool traffic badges",
                vec!["state.json"],
            ),
            ("unrelated", "dotfiles", vec![".bashrc"]),
        ];
        let fetch = worth_fetching(listed, "octo", "demo", &named, &NamedIds::default());
        assert_eq!(fetch, ["byvar", "legacy", "current", "renamed"]);
    }

    fn verdict(obs: &Observed) -> Generation {
        let all = candidates(
            &obs.github.gists,
            "octo",
            "demo",
            &NamedIds::default(),
            &NamedIds::default(),
        );
        let badge = all.iter().find(|c| c.role == Role::Badges);
        detect(obs, badge, &all, "0.2.0").generation
    }

    #[test]
    fn generations() {
        let legacy = observed(vec![gist(
            "a",
            "octo/demo traffic badges",
            &[("state.json", V1)],
        )]);
        assert_eq!(verdict(&legacy), Generation::OriginalLegacy);

        let gtt = observed(vec![gist(
            "a",
            "[GTT] octo/demo · badges",
            &[("state.json", V1)],
        )]);
        assert_eq!(verdict(&gtt), Generation::Original);

        let ours = observed(vec![gist(
            "a",
            "[GTT] octo/demo · badges",
            &[("state.json", V4)],
        )]);
        assert_eq!(verdict(&ours), Generation::Ghtraf);

        let mut older = ours.clone();
        older.files.insert(
            WORKFLOW_PATH.to_string(),
            Some(b"# Generated by ghtraf 0.1.0 for octo/demo.\nname: x\n".to_vec()),
        );
        assert_eq!(verdict(&older), Generation::OlderGhtraf);

        let mut still_running = ours.clone();
        still_running.github.default_branch_workflow = Some(RemoteFile {
            sha: "s".to_string(),
            text: include_str!("../../../tests/fixtures/original/workflow-0.3.6.yml").to_string(),
        });
        assert_eq!(verdict(&still_running), Generation::Mixed);

        let written_into = observed(vec![gist(
            "a",
            "[GTT] octo/demo · badges",
            &[(
                "state.json",
                r#"{"schemaVersion": 4, "totals": {}, "totalClones": 3}"#,
            )],
        )]);
        assert_eq!(verdict(&written_into), Generation::Mixed);

        assert_eq!(verdict(&observed(vec![])), Generation::None);
    }
}
