//! The files ghtraf deploys into a repository, and how they are filled in.
//!
//! Templates are embedded in the binary so the deployed workflow always
//! matches the ghtraf version that deployed it. Placeholders are tokens of
//! the form `__GHTRAF_NAME__`: they cannot collide with GitHub expressions
//! (`${{ … }}`), which pass through untouched, and a token left after filling
//! is an error rather than a broken file in someone's repo.

use std::collections::BTreeMap;

use crate::error::{CliError, Result};

/// One embedded file, by its repo-relative path.
pub struct Template {
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! template {
    ($path:literal) => {
        Template {
            path: $path,
            text: include_str!(concat!("../templates/", $path)),
        }
    };
}

/// The workflow path (also where `status`/`verify` look for it).
pub const WORKFLOW_PATH: &str = ".github/workflows/traffic-badges.yml";
/// The dashboard's configuration file, generated rather than templated.
pub const DASHBOARD_CONFIG_PATH: &str = "docs/stats/config.json";

/// What is deployed. The dashboard is one page: `index.html` carries its style,
/// icon and code (built from the sources beside it in this repository by
/// `tests/dashboard/inline.mjs`), so the sources themselves are not deployed:
/// a copy the page never loads would only invite edits that change nothing.
pub const TEMPLATES: &[Template] = &[
    template!(".github/workflows/traffic-badges.yml"),
    template!("docs/stats/index.html"),
    template!("docs/stats/README.md"),
];

const OPEN: &str = "__GHTRAF_";
const CLOSE: &str = "__";

/// What the deployed templates are filled with: the one set of values `create`
/// and `upgrade` both render, so the two write the same files.
pub struct TemplateValues<'a> {
    pub owner: &'a str,
    pub repo: &'a str,
    pub display_name: &'a str,
    pub created: &'a str,
    pub version: &'a str,
    pub install_command: Option<&'a str>,
    pub releases_url: &'a str,
    pub gist_token_name: &'a str,
    pub ci_workflows: &'a [String],
}

/// Every template of [`TEMPLATES`] filled with `v`, as (path, text).
pub fn render_all(v: &TemplateValues<'_>) -> Result<Vec<(String, String)>> {
    let trigger = if v.ci_workflows.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = v
            .ci_workflows
            .iter()
            .map(|w| serde_json::to_string(w).unwrap_or_default())
            .collect();
        format!(
            "  workflow_run:\n    workflows: [{}]\n    types: [completed]\n",
            names.join(", ")
        )
    };
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("OWNER", v.owner.to_string()),
        ("REPO", v.repo.to_string()),
        ("DISPLAY_NAME", v.display_name.to_string()),
        ("CREATED", v.created.to_string()),
        ("VERSION", v.version.to_string()),
        ("INSTALL", crate::install::step_script(v.install_command)),
        ("RELEASES", v.releases_url.to_string()),
        ("GIST_TOKEN_NAME", v.gist_token_name.to_string()),
        ("WORKFLOW_RUN_TRIGGER", trigger),
    ]);
    TEMPLATES
        .iter()
        .map(|t| Ok((t.path.to_string(), fill(t.path, t.text, &values)?)))
        .collect()
}

/// Replaces every `__GHTRAF_NAME__` with `values[NAME]`; fails on any token
/// without a value.
pub fn fill(path: &str, text: &str, values: &BTreeMap<&str, String>) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let name_end = after
            .find(CLOSE)
            .filter(|&i| {
                i > 0
                    && after[..i]
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
            .ok_or_else(|| {
                let shown: String = rest[start..].chars().take(24).collect();
                CliError::runtime(format!(
                    "template {path}: malformed placeholder near `{shown}`"
                ))
            })?;
        let name = &after[..name_end];
        let value = values.get(name).ok_or_else(|| {
            CliError::runtime(format!(
                "template {path}: no value for placeholder __GHTRAF_{name}__ (a bug in ghtraf)"
            ))
        })?;
        push_indented(&mut out, value);
        rest = &after[name_end + CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Appends a value; when it spans lines and the placeholder stands after indentation only
/// (a YAML block scalar), every further line gets the same indentation, so a multi-line
/// script stays inside its `run: |` block. Empty lines stay empty.
fn push_indented(out: &mut String, value: &str) {
    let line_start = out.rfind('\n').map_or(0, |i| i + 1);
    let indent = out[line_start..].to_string();
    if indent.is_empty() || !indent.chars().all(|c| c == ' ') {
        out.push_str(value);
        return;
    }
    for (i, line) in value.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("OWNER", "octo".to_string()),
            ("REPO", "demo".to_string()),
            ("GIST_TOKEN_NAME", "TRAFFIC_GIST_TOKEN".to_string()),
        ])
    }

    #[test]
    fn fills_tokens_and_keeps_github_expressions() {
        let text = "repo: __GHTRAF_OWNER__/__GHTRAF_REPO__\ntoken: ${{ secrets.__GHTRAF_GIST_TOKEN_NAME__ }}\nsha: ${{ github.sha }}\n";
        let out = fill("t", text, &values()).unwrap();
        assert_eq!(
            out,
            "repo: octo/demo\ntoken: ${{ secrets.TRAFFIC_GIST_TOKEN }}\nsha: ${{ github.sha }}\n"
        );
    }

    #[test]
    fn a_missing_value_is_an_error_naming_the_token() {
        let e = fill("wf.yml", "x __GHTRAF_NOPE__ y", &values()).unwrap_err();
        assert!(e.message.contains("__GHTRAF_NOPE__"), "{}", e.message);
        assert!(e.message.contains("wf.yml"));
    }

    #[test]
    fn a_multi_line_value_keeps_the_indentation_of_its_placeholder() {
        let mut v = values();
        v.insert("INSTALL", "set -e\n\necho \"a: b\"".to_string());
        let text = "    run: |\n      __GHTRAF_INSTALL__\n    next: __GHTRAF_INSTALL__\n";
        let out = fill("t", text, &v).unwrap();
        assert_eq!(
            out,
            "    run: |\n      set -e\n\n      echo \"a: b\"\n    next: set -e\n\necho \"a: b\"\n"
        );
    }

    #[test]
    fn a_malformed_token_is_an_error() {
        assert!(fill("t", "x __GHTRAF_ y", &values()).is_err());
    }

    #[test]
    fn every_embedded_template_has_only_known_tokens() {
        let mut all = values();
        for name in [
            "DISPLAY_NAME",
            "VERSION",
            "INSTALL",
            "RELEASES",
            "WORKFLOW_RUN_TRIGGER",
            "CREATED",
        ] {
            all.insert(name, "x".to_string());
        }
        for t in TEMPLATES {
            let out = fill(t.path, t.text, &all).unwrap();
            assert!(!out.contains("__GHTRAF_"), "{}", t.path);
        }
    }
}
