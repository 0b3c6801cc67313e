//! Rendering plans, results and verification findings as text lines.
//!
//! The renderer decides *what* is said at each verbosity (level 0: one line per
//! action and the summary; 1: details; 2: payloads, URLs, diffs) and tags each
//! line with a [`LineKind`]; the CLI decides how a kind is coloured. Keeping
//! colour out of here makes the text a pure function of the plan, which is
//! what the snapshot tests pin.

use serde::Serialize;

use crate::action::{Action, ActionId, Operation, Payload};
use crate::plan::Plan;
use crate::result::{ActionResult, ResultStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    Add,
    Change,
    Remove,
    Unchanged,
    Ask,
    Detail,
    Warning,
    Summary,
    Ok,
    Failed,
    Skipped,
    Deviation,
}

/// One rendered line and what it means (for colouring).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

impl Line {
    fn new(kind: LineKind, text: impl Into<String>) -> Self {
        Line {
            kind,
            text: text.into(),
        }
    }
}

fn marker(op: Operation) -> (&'static str, LineKind) {
    match op {
        Operation::Create | Operation::Copy => ("+", LineKind::Add),
        Operation::Update | Operation::Set | Operation::Overwrite => ("~", LineKind::Change),
        Operation::Delete => ("-", LineKind::Remove),
        Operation::Skip => ("=", LineKind::Unchanged),
    }
}

fn push_block(lines: &mut Vec<Line>, indent: &str, label: &str, value: &str) {
    let mut rows = value.lines();
    match rows.next() {
        None => lines.push(Line::new(LineKind::Detail, format!("{indent}{label}:"))),
        Some(first) if value.lines().count() == 1 => lines.push(Line::new(
            LineKind::Detail,
            format!("{indent}{label}: {first}"),
        )),
        Some(first) => {
            lines.push(Line::new(LineKind::Detail, format!("{indent}{label}:")));
            lines.push(Line::new(LineKind::Detail, format!("{indent}  {first}")));
            for row in rows {
                lines.push(Line::new(LineKind::Detail, format!("{indent}  {row}")));
            }
        }
    }
}

/// The width of the longest action id, for aligned columns.
pub fn id_width<P>(plan: &Plan<P>) -> usize {
    plan.actions
        .iter()
        .map(|a| a.id.as_str().chars().count())
        .max()
        .unwrap_or(0)
}

/// The plan as text at `level` (0, 1 or 2; higher counts as 2).
pub fn render_text<P: Payload>(plan: &Plan<P>, level: i32, heading: &str) -> Vec<Line> {
    let mut lines = vec![Line::new(LineKind::Heading, heading.to_string())];
    let width = id_width(plan);
    for action in &plan.actions {
        let (sign, kind) = marker(action.operation);
        let (sign, kind) = if action.requires_input {
            ("?", LineKind::Ask)
        } else {
            (sign, kind)
        };
        let ask = if action.requires_input {
            " (will ask)"
        } else {
            ""
        };
        lines.push(Line::new(
            kind,
            format!(
                "  {sign} {:<width$}  {}{ask}",
                action.id.as_str(),
                action.description
            ),
        ));
        if level >= 1 {
            if !action.depends_on.is_empty() {
                let deps: Vec<&str> = action.depends_on.iter().map(ActionId::as_str).collect();
                push_block(&mut lines, "      ", "after", &deps.join(", "));
            }
            for detail in action.details.details() {
                if i32::from(detail.level) <= level {
                    push_block(&mut lines, "      ", &detail.label, &detail.value);
                }
            }
        }
    }
    for warning in &plan.warnings {
        lines.push(Line::new(LineKind::Warning, format!("warning: {warning}")));
    }
    lines.push(Line::new(
        LineKind::Summary,
        format!("Plan: {}.", plan.summary()),
    ));
    lines
}

/// Lines for one executed action; `width` aligns ids across a plan
/// (see [`id_width`]). Result words take the width of verification's
/// (`DEVIATION`), so results and findings line up in one column.
pub fn render_results<P>(action: &Action<P>, result: &ActionResult, width: usize) -> Vec<Line> {
    let (word, kind) = match result.status {
        ResultStatus::Ok => ("ok", LineKind::Ok),
        ResultStatus::Failed => ("FAILED", LineKind::Failed),
        ResultStatus::Skipped => ("skipped", LineKind::Skipped),
    };
    let mut lines = vec![Line::new(
        kind,
        format!(
            "  {word:<9} {:<width$}  {}",
            action.id.as_str(),
            result.message
        ),
    )];
    if let Some(error) = &result.error {
        for (i, row) in error.lines().enumerate() {
            let lead = if i == 0 { "error: " } else { "       " };
            lines.push(Line::new(
                LineKind::Failed,
                format!("            {lead}{row}"),
            ));
        }
    }
    lines
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    Ok,
    Deviation,
}

/// What verification found for one action (or one named check): the world
/// matches what was promised, or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// An action id, or the name of a check that is not an action (`state:identity`).
    pub id: String,
    pub status: FindingStatus,
    pub message: String,
}

impl Finding {
    pub fn ok(id: impl std::fmt::Display, message: impl Into<String>) -> Self {
        Finding {
            id: id.to_string(),
            status: FindingStatus::Ok,
            message: message.into(),
        }
    }

    pub fn deviation(id: impl std::fmt::Display, message: impl Into<String>) -> Self {
        Finding {
            id: id.to_string(),
            status: FindingStatus::Deviation,
            message: message.into(),
        }
    }
}

/// Verification findings and their tally.
pub fn render_verification(findings: &[Finding], width: usize) -> Vec<Line> {
    let mut lines = vec![Line::new(LineKind::Heading, "Verification:")];
    for f in findings {
        let (word, kind) = match f.status {
            FindingStatus::Ok => ("OK", LineKind::Ok),
            FindingStatus::Deviation => ("DEVIATION", LineKind::Deviation),
        };
        lines.push(Line::new(
            kind,
            format!("  {word:<9} {:<width$}  {}", f.id, f.message),
        ));
    }
    let bad = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Deviation)
        .count();
    let text = if bad == 0 {
        format!("Verified: {} OK, no deviation.", findings.len())
    } else {
        format!(
            "Verified: {} OK, {bad} deviation{}.",
            findings.len() - bad,
            if bad == 1 { "" } else { "s" }
        )
    };
    lines.push(Line::new(
        if bad == 0 {
            LineKind::Summary
        } else {
            LineKind::Deviation
        },
        text,
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Category, Detail};
    use crate::value::Deferred;
    use crate::Secret;

    #[derive(Debug, Clone, Serialize)]
    struct Demo {
        value: Option<Deferred>,
        token: Option<Secret>,
        payload: Option<String>,
    }
    impl Payload for Demo {
        fn details(&self) -> Vec<Detail> {
            let mut d = Vec::new();
            if let Some(v) = &self.value {
                d.push(Detail::new(1, "value", v.to_string()));
            }
            if let Some(t) = &self.token {
                d.push(Detail::new(1, "token", t.to_string()));
            }
            if let Some(p) = &self.payload {
                d.push(Detail::new(2, "payload", p.clone()));
            }
            d
        }
        fn deferred(&self) -> Vec<&Deferred> {
            self.value.iter().collect()
        }
    }

    fn demo_plan() -> Plan<Demo> {
        let mut plan = Plan::new("demo");
        let gist = plan.push(Action::new(
            Category::Gist,
            Operation::Create,
            "badges",
            "create public gist \"[GTT] octo/demo · badges\"",
            Demo {
                value: None,
                token: None,
                payload: Some("{\n  \"files\": [\"state.json\"]\n}".into()),
            },
        ));
        plan.push(
            Action::new(
                Category::Variable,
                Operation::Set,
                "TRAFFIC_GIST_ID",
                "set TRAFFIC_GIST_ID to the badge gist's id",
                Demo {
                    value: Some(Deferred::after(&gist, "id")),
                    token: None,
                    payload: None,
                },
            )
            .depends_on([gist]),
        );
        plan.push(
            Action::new(
                Category::Secret,
                Operation::Set,
                "TRAFFIC_GIST_TOKEN",
                "store the workflow token",
                Demo {
                    value: None,
                    token: Some(Secret::new("ghp_CANARYxyz")),
                    payload: None,
                },
            )
            .requires_input(true),
        );
        plan.push(Action::new(
            Category::File,
            Operation::Skip,
            "docs/stats/index.html",
            "identical",
            Demo {
                value: None,
                token: None,
                payload: None,
            },
        ));
        plan.warn("the token will be asked for");
        plan.set_context("repo", "octo/demo");
        plan
    }

    fn text(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn snapshot_level_0() {
        insta::assert_snapshot!(text(&render_text(&demo_plan(), 0, "Plan for demo:")));
    }

    #[test]
    fn snapshot_level_1() {
        insta::assert_snapshot!(text(&render_text(&demo_plan(), 1, "Plan for demo:")));
    }

    #[test]
    fn snapshot_level_2() {
        insta::assert_snapshot!(text(&render_text(&demo_plan(), 2, "Plan for demo:")));
    }

    #[test]
    fn snapshot_json() {
        insta::assert_json_snapshot!(demo_plan().to_json());
    }

    #[test]
    fn secrets_stay_redacted_at_every_level_and_in_json() {
        let plan = demo_plan();
        for level in 0..=3 {
            assert!(!text(&render_text(&plan, level, "h")).contains("CANARY"));
        }
        assert!(!plan.to_json().to_string().contains("CANARY"));
        assert!(!format!("{plan:?}").contains("CANARY"));
    }

    #[test]
    fn placeholders_render_as_known_after_apply() {
        let lines = text(&render_text(&demo_plan(), 1, "h"));
        assert!(lines.contains("value: (known after apply)"), "{lines}");
    }

    #[test]
    fn verification_summary_counts_deviations() {
        let id = ActionId::new(Category::File, Operation::Copy, "a");
        let lines = render_verification(
            &[
                Finding::ok(&id, "hash matches"),
                Finding::deviation(&id, "missing"),
            ],
            0,
        );
        assert_eq!(lines.last().unwrap().text, "Verified: 1 OK, 1 deviation.");
        assert_eq!(lines.last().unwrap().kind, LineKind::Deviation);
    }
}
