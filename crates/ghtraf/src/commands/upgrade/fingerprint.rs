//! Recognising what wrote a file or a gist, from fingerprints alone.
//!
//! `upgrade` must tell the original Python tool's files (every version), an
//! older ghtraf's and a user's own apart before it dares replace anything: a
//! recognised older generation is a planned replacement with a diff, anything
//! else stays a conflict. The fingerprints are the facts recorded in the
//! project's research notes (gist descriptions, state schema markers, the
//! workflow's name/step/variables, the dashboard's title and constants); they
//! are matched on text, never by executing or fully parsing the file, so a
//! file we do not understand is simply "unknown".

use serde::Serialize;
use serde_json::Value;

/// Which of a repository's two gists a gist is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Badges,
    Archive,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Badges => "badges",
            Role::Archive => "archive",
        }
    }
}

/// The description ghtraf (and the original since 0.2.7) gives a gist.
pub fn current_description(owner: &str, repo: &str, role: Role) -> String {
    format!("[GTT] {owner}/{repo} · {}", role.name())
}

/// How a gist's description relates to the naming conventions of each generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Naming {
    /// `[GTT] O/R · badges|archive` exactly (ghtraf, and the original ≥ 0.2.7).
    Current(Role),
    /// `O/R traffic badges|archive(s)` (the original ≤ 0.2.6 and its workflow's
    /// self-created gists in every version), optionally with a `[GTT]` prefix.
    Legacy(Role),
    /// Anything else: a hand-renamed or pre-GTT gist, found by id or content.
    Other,
}

/// Classifies a description for repository `owner/repo`. Owner and repository names
/// compare case-insensitively, as GitHub does; the rest of the legacy form is
/// `^(?:\[GTT\]\s+)?O/R\s+traffic\s+(badges|archive|archives)`.
pub fn classify_description(description: &str, owner: &str, repo: &str) -> Naming {
    for role in [Role::Badges, Role::Archive] {
        if description == current_description(owner, repo, role) {
            return Naming::Current(role);
        }
    }
    let mut words = description.split_whitespace().peekable();
    if words.peek() == Some(&"[GTT]") {
        words.next();
    }
    let full = format!("{owner}/{repo}");
    let matches_repo = words.next().is_some_and(|w| w.eq_ignore_ascii_case(&full));
    let says_traffic = words
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("traffic"));
    if !(matches_repo && says_traffic) {
        return Naming::Other;
    }
    let Some(kind) = words.next().map(str::to_ascii_lowercase) else {
        return Naming::Other;
    };
    // A prefix match, as in the original's own rename script: "archives" counts too.
    if kind.starts_with("badges") {
        Naming::Legacy(Role::Badges)
    } else if kind.starts_with("archive") {
        Naming::Legacy(Role::Archive)
    } else {
        Naming::Other
    }
}

/// What a gist's files say it is, independent of its description.
pub fn role_from_files<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Role> {
    let mut archive = false;
    for name in names {
        if name == "state.json" {
            return Some(Role::Badges);
        }
        if name == "archive.json"
            || name == "archive-init.json"
            || (name.starts_with("archive-") && name.ends_with(".json"))
        {
            archive = true;
        }
    }
    archive.then_some(Role::Archive)
}

/// The schema family of a `state.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StateSchema {
    /// The original's v1 (no `schemaVersion`), v2 or v3.
    Original { version: u64 },
    /// ghtraf's v4.
    Ghtraf,
    /// A v4 state the original's workflow has written into since: its top-level
    /// counters (`totalClones`) sit next to v4 `totals`. Days beyond its 31-entry
    /// window may have been trimmed.
    Mixed,
    /// A schema newer than this build knows.
    Newer { version: u64 },
    /// Not a JSON object, or `schemaVersion` is not a number.
    Unreadable { reason: String },
}

/// A cheap look at a `state.json`: schema family, days held, last capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateSummary {
    pub schema: StateSchema,
    /// Entries in `dailyHistory`.
    pub days: usize,
    /// The latest `capturedAt` of any day (or of the state), for choosing among duplicates.
    pub latest_capture: Option<String>,
    /// `repo` as recorded (v4 only; the original never recorded it).
    pub repo: Option<String>,
}

/// Reads the fingerprints of a `state.json` text without converting it.
pub fn summarize_state(text: &str) -> StateSummary {
    let unreadable = |reason: String| StateSummary {
        schema: StateSchema::Unreadable { reason },
        days: 0,
        latest_capture: None,
        repo: None,
    };
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return unreadable("not a JSON object".to_string()),
        Err(e) => return unreadable(e.to_string()),
    };
    let version = match map.get("schemaVersion") {
        None | Some(Value::Null) => 1,
        Some(v) => match v.as_u64() {
            Some(n) => n,
            None => return unreadable(format!("schemaVersion is {v}, not a number")),
        },
    };
    let schema = match version {
        1..=3 => StateSchema::Original { version },
        4 if map.contains_key("totalClones") && map.contains_key("totals") => StateSchema::Mixed,
        4 => StateSchema::Ghtraf,
        0 => return unreadable("schemaVersion 0".to_string()),
        n => StateSchema::Newer { version: n },
    };
    let days = map
        .get("dailyHistory")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let latest_capture = days
        .iter()
        .filter_map(|d| d.get("capturedAt").and_then(Value::as_str))
        .chain(map.get("capturedAt").and_then(Value::as_str))
        .max()
        .map(str::to_string);
    StateSummary {
        schema,
        days: days.len(),
        latest_capture,
        repo: map.get("repo").and_then(Value::as_str).map(str::to_string),
    }
}

/// What wrote `.github/workflows/traffic-badges.yml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkflowKind {
    /// The original's JavaScript workflow.
    Original {
        /// `WORKFLOW_VERSION` (0.3.7 and later); None for ≤ 0.3.6, which had no marker.
        version: Option<String>,
        /// Steps beyond the single `actions/github-script` step: the user changed it,
        /// so replacing it is a conflict, not a planned upgrade.
        edited: bool,
        /// `workflow_run.workflows` when that trigger is not commented out.
        ci_workflows: Vec<String>,
    },
    /// Ours, from its `# Generated by ghtraf X for O/R.` header.
    Ghtraf { version: String },
    /// Neither: the user's own file.
    Unknown,
}

/// Fingerprints a workflow file. The original's is recognised by its name, its
/// `actions/github-script` step and its use of `vars.TRAFFIC_GIST_ID`.
pub fn classify_workflow(text: &str) -> WorkflowKind {
    if let Some(rest) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# Generated by ghtraf "))
    {
        if let Some(version) = rest.split_whitespace().next() {
            return WorkflowKind::Ghtraf {
                version: version.to_string(),
            };
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    let named = lines.iter().any(|l| {
        unquote(l.strip_prefix("name:").unwrap_or_default()) == "Track Downloads & Clones"
    });
    let script = lines
        .iter()
        .any(|l| uses_of(l).is_some_and(|u| u.starts_with("actions/github-script")));
    if !(named && script && text.contains("vars.TRAFFIC_GIST_ID")) {
        return WorkflowKind::Unknown;
    }
    let uses = lines.iter().filter(|l| uses_of(l).is_some()).count();
    let runs = lines
        .iter()
        .filter(|l| l.trim_start_matches("- ").starts_with("run:"))
        .count();
    WorkflowKind::Original {
        version: workflow_version(text),
        edited: uses != 1 || runs != 0,
        ci_workflows: workflow_run_list(text),
    }
}

/// The action a `uses:` line (or `- uses:` list item) names.
fn uses_of(line: &str) -> Option<&str> {
    line.trim_start_matches("- ")
        .strip_prefix("uses:")
        .map(unquote)
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(s)
}

/// `WORKFLOW_VERSION = "0.3.7"` (any quotes, `const`/`let` or none).
fn workflow_version(text: &str) -> Option<String> {
    let at = text.find("WORKFLOW_VERSION")?;
    let rest = text[at + "WORKFLOW_VERSION".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(body[..end].to_string()).filter(|v| !v.is_empty())
}

/// The workflows named by an uncommented `workflow_run:` trigger, in flow
/// (`workflows: ["CI", Tests]`) or block (`- CI`) form.
fn workflow_run_list(text: &str) -> Vec<String> {
    let mut lines = text.lines().skip_while(|l| l.trim() != "workflow_run:");
    if lines.next().is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut in_block = false;
    for line in lines {
        let t = line.trim();
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        if in_block {
            match t.strip_prefix("- ") {
                Some(item) => {
                    out.push(unquote(item).to_string());
                    continue;
                }
                None => break,
            }
        }
        let Some(value) = t.strip_prefix("workflows:") else {
            // Another key of the trigger (`types:`) or the end of it.
            if !line.starts_with("    ") {
                break;
            }
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            in_block = true;
            continue;
        }
        let inner = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .unwrap_or(value);
        out.extend(
            inner
                .split(',')
                .map(unquote)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        break;
    }
    out
}

/// What wrote `docs/stats/index.html`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DashboardKind {
    /// The original's single-file dashboard (`<title>NAME - Project Statistics` and
    /// its `GIST_RAW_BASE` constant); the display name is carried over.
    Original {
        display_name: Option<String>,
    },
    /// Ours: the module `dashboard.js` (a file, or inlined into the page since the
    /// dashboard's first-paint work) reading `config.json`.
    Ghtraf,
    Unknown,
}

pub fn classify_dashboard(text: &str) -> DashboardKind {
    let module =
        text.contains("src=\"dashboard.js\"") || text.contains("data-inline=\"dashboard.js\"");
    if module && text.contains("config.json") {
        return DashboardKind::Ghtraf;
    }
    let title = text.find("<title>").and_then(|start| {
        let rest = &text[start + "<title>".len()..];
        rest.find("</title>").map(|end| rest[..end].trim())
    });
    match title.and_then(|t| t.strip_suffix("Project Statistics")) {
        Some(head) if text.contains("GIST_RAW_BASE") => {
            let name = head.trim_end().trim_end_matches(['-', '–', '—']).trim();
            DashboardKind::Original {
                display_name: (!name.is_empty()).then(|| name.to_string()),
            }
        }
        _ => DashboardKind::Unknown,
    }
}

/// Whether a ghtraf version string is older than `current` (dotted numbers;
/// a pre-release suffix sorts before its release).
pub fn is_older_version(found: &str, current: &str) -> bool {
    fn parts(v: &str) -> (Vec<u64>, bool) {
        let (core, pre) = match v.split_once('-') {
            Some((c, _)) => (c, true),
            None => (v, false),
        };
        (
            core.split('.').map(|p| p.parse().unwrap_or(0)).collect(),
            pre,
        )
    }
    let (a, a_pre) = parts(found.trim_start_matches('v'));
    let (b, b_pre) = parts(current.trim_start_matches('v'));
    match a.cmp(&b) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => a_pre && !b_pre,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_of_every_generation() {
        let c = |d| classify_description(d, "octo", "demo");
        assert_eq!(c("[GTT] octo/demo · badges"), Naming::Current(Role::Badges));
        assert_eq!(
            c("[GTT] octo/demo · archive"),
            Naming::Current(Role::Archive)
        );
        assert_eq!(c("octo/demo traffic badges"), Naming::Legacy(Role::Badges));
        assert_eq!(
            c("octo/demo traffic archive"),
            Naming::Legacy(Role::Archive)
        );
        assert_eq!(
            c("Octo/Demo  traffic   archives"),
            Naming::Legacy(Role::Archive)
        );
        assert_eq!(
            c("[GTT] octo/demo traffic badges"),
            Naming::Legacy(Role::Badges)
        );
        // Another repository, a prefix of this one, or no "traffic" word: not ours.
        assert_eq!(c("octo/demo2 traffic badges"), Naming::Other);
        assert_eq!(c("other/demo traffic badges"), Naming::Other);
        assert_eq!(c("octo/demo badges"), Naming::Other);
        assert_eq!(c("octo/demo traffic"), Naming::Other);
        assert_eq!(c("[GTT] octo/demo · stars"), Naming::Other);
        assert_eq!(c(""), Naming::Other);
    }

    #[test]
    fn roles_from_file_names() {
        assert_eq!(
            role_from_files(["clones.json", "state.json"]),
            Some(Role::Badges)
        );
        assert_eq!(role_from_files(["archive-init.json"]), Some(Role::Archive));
        assert_eq!(
            role_from_files(["archive-2026-01.json"]),
            Some(Role::Archive)
        );
        assert_eq!(role_from_files(["notes.md"]), None);
    }

    #[test]
    fn state_schemas() {
        let s = |t: &str| summarize_state(t).schema;
        assert_eq!(
            s(r#"{"totalClones": 3}"#),
            StateSchema::Original { version: 1 }
        );
        assert_eq!(
            s(r#"{"schemaVersion": 3, "totalClones": 3}"#),
            StateSchema::Original { version: 3 }
        );
        assert_eq!(
            s(r#"{"schemaVersion": 4, "totals": {}}"#),
            StateSchema::Ghtraf
        );
        assert_eq!(
            s(r#"{"schemaVersion": 4, "totals": {}, "totalClones": 9}"#),
            StateSchema::Mixed
        );
        assert_eq!(
            s(r#"{"schemaVersion": 7}"#),
            StateSchema::Newer { version: 7 }
        );
        assert!(matches!(s("[1]"), StateSchema::Unreadable { .. }));
        assert!(matches!(s("{"), StateSchema::Unreadable { .. }));
        assert!(matches!(
            s(r#"{"schemaVersion": "3"}"#),
            StateSchema::Unreadable { .. }
        ));
    }

    #[test]
    fn state_summary_counts_days_and_latest_capture() {
        let sum = summarize_state(
            r#"{"dailyHistory": [
                {"date": "2026-01-01T00:00:00Z", "capturedAt": "2026-01-02T03:00:00Z"},
                {"date": "2026-01-02T00:00:00Z", "capturedAt": "2026-01-03T03:00:00Z"}]}"#,
        );
        assert_eq!(sum.days, 2);
        assert_eq!(sum.latest_capture.as_deref(), Some("2026-01-03T03:00:00Z"));
        assert_eq!(sum.repo, None);
    }

    #[test]
    fn real_original_states_are_schema_one() {
        for text in [
            include_str!("../../../../../tests/fixtures/gtt/real-v1-state-a.json"),
            include_str!("../../../../../tests/fixtures/gtt/real-v1-state-b.json"),
        ] {
            let sum = summarize_state(text);
            assert_eq!(sum.schema, StateSchema::Original { version: 1 });
            assert!(sum.days >= 15, "{}", sum.days);
        }
    }

    const ORIGINAL_036: &str = include_str!("../../../tests/fixtures/original/workflow-0.3.6.yml");
    const ORIGINAL_037_CI: &str =
        include_str!("../../../tests/fixtures/original/workflow-0.3.7-ci.yml");
    const ORIGINAL_EDITED: &str =
        include_str!("../../../tests/fixtures/original/workflow-edited.yml");

    #[test]
    fn original_workflows_by_version() {
        assert_eq!(
            classify_workflow(ORIGINAL_036),
            WorkflowKind::Original {
                version: None,
                edited: false,
                ci_workflows: vec![]
            }
        );
        assert_eq!(
            classify_workflow(ORIGINAL_037_CI),
            WorkflowKind::Original {
                version: Some("0.3.7".to_string()),
                edited: false,
                ci_workflows: vec!["CI".to_string(), "Release Build".to_string()]
            }
        );
        assert!(matches!(
            classify_workflow(ORIGINAL_EDITED),
            WorkflowKind::Original { edited: true, .. }
        ));
    }

    #[test]
    fn our_workflow_and_strangers() {
        let ours = crate::templates::TEMPLATES[0]
            .text
            .replace("__GHTRAF_VERSION__", "0.0.9");
        assert_eq!(
            classify_workflow(&ours),
            WorkflowKind::Ghtraf {
                version: "0.0.9".to_string()
            }
        );
        assert_eq!(
            classify_workflow("name: Track Downloads & Clones\non: push\n"),
            WorkflowKind::Unknown
        );
        // The name alone in a comment does not make a file the original's.
        let commented = ORIGINAL_036.replace(
            "name: Track Downloads & Clones",
            "# name: Track Downloads & Clones",
        );
        assert_eq!(classify_workflow(&commented), WorkflowKind::Unknown);
    }

    #[test]
    fn block_form_of_workflow_run() {
        let text = "on:\n  workflow_run:\n    workflows:\n      - CI\n      - \"Nightly\"\n    types: [completed]\n";
        assert_eq!(workflow_run_list(text), vec!["CI", "Nightly"]);
        let commented = "on:\n  # workflow_run:\n  #   workflows: [\"CI\"]\n";
        assert!(workflow_run_list(commented).is_empty());
    }

    #[test]
    fn dashboards() {
        let original = include_str!("../../../tests/fixtures/original/dashboard-index.html");
        assert_eq!(
            classify_dashboard(original),
            DashboardKind::Original {
                display_name: Some("Demo Tool".to_string())
            }
        );
        let ours = crate::templates::TEMPLATES
            .iter()
            .find(|t| t.path == "docs/stats/index.html")
            .map(|t| t.text)
            .unwrap_or_default();
        assert_eq!(classify_dashboard(ours), DashboardKind::Ghtraf);
        // Earlier ghtraf pages loaded dashboard.js as a file.
        let earlier = "<link rel=\"preload\" href=\"config.json\" as=\"fetch\">\n<script type=\"module\" src=\"dashboard.js\"></script>";
        assert_eq!(classify_dashboard(earlier), DashboardKind::Ghtraf);
        assert_eq!(
            classify_dashboard("<title>Stats - Project Statistics</title>"),
            DashboardKind::Unknown
        );
    }

    #[test]
    fn version_order() {
        assert!(is_older_version("0.1.0", "0.2.0"));
        assert!(is_older_version("0.2.0-rc.1", "0.2.0"));
        assert!(!is_older_version("0.2.0", "0.2.0"));
        assert!(!is_older_version("0.10.0", "0.9.3"));
    }
}
