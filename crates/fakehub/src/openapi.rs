//! The OpenAPI subset as fakehub's routing table and contract: every served operation is
//! found by matching the request against the subset's path templates, and request and
//! response bodies are checked against the subset's schemas. Keeping routing derived from
//! the spec means an operation cannot be served under a path GitHub does not have.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

const SUBSET: &str = include_str!("../openapi/openapi-subset.json");

/// One operation of the subset.
pub struct Operation {
    pub method: String,
    pub template: String,
    pub operation_id: String,
    segments: Vec<Segment>,
    spec: Value,
}

enum Segment {
    Literal(String),
    Param(String),
    /// A trailing `{path}` parameter that may contain slashes (contents API).
    Rest(String),
}

/// The parsed subset, shared by every server in the process.
pub struct Spec {
    pub operations: Vec<Operation>,
}

/// A request matched to an operation, with decoded path parameters.
pub struct Matched<'a> {
    pub operation: &'a Operation,
    pub params: HashMap<String, String>,
}

/// Returns the process-wide parsed subset (parsed once: the file is ~0.5 MB).
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::parse(SUBSET))
}

impl Spec {
    fn parse(text: &str) -> Spec {
        let document: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let mut operations = Vec::new();
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            for (template, methods) in paths {
                let Some(methods) = methods.as_object() else {
                    continue;
                };
                for (method, spec) in methods {
                    if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                        continue;
                    }
                    operations.push(Operation {
                        method: method.to_ascii_uppercase(),
                        template: template.clone(),
                        operation_id: spec
                            .get("operationId")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        segments: parse_template(template),
                        spec: spec.clone(),
                    });
                }
            }
        }
        Spec { operations }
    }

    /// Finds the operation for `method` + `path` (no query). Literal segments win over
    /// parameters, so `secrets/public-key` is not taken for `secrets/{secret_name}`.
    /// Returns `Err(true)` when the path exists but not for this method.
    pub fn find(&self, method: &str, path: &str) -> Result<Matched<'_>, bool> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<(usize, Matched<'_>)> = None;
        let mut path_exists = false;
        for operation in &self.operations {
            let Some((literals, params)) = match_segments(&operation.segments, &parts) else {
                continue;
            };
            path_exists = true;
            if operation.method != method {
                continue;
            }
            if best.as_ref().is_none_or(|(score, _)| literals > *score) {
                best = Some((literals, Matched { operation, params }));
            }
        }
        best.map(|(_, matched)| matched).ok_or(path_exists)
    }
}

impl Operation {
    /// The JSON request-body schema, if the operation takes a body.
    pub fn request_schema(&self) -> Option<&Value> {
        self.spec
            .pointer("/requestBody/content/application~1json/schema")
    }

    /// Whether the request body is mandatory.
    pub fn body_required(&self) -> bool {
        self.spec
            .pointer("/requestBody/required")
            .and_then(Value::as_bool)
            == Some(true)
    }

    /// The JSON response schema for `status`, if the subset documents one.
    pub fn response_schema(&self, status: u16) -> Option<&Value> {
        self.spec.pointer(&format!(
            "/responses/{status}/content/application~1json/schema"
        ))
    }
}

fn parse_template(template: &str) -> Vec<Segment> {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(
            |(index, part)| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some("path") if index + 1 == count => Segment::Rest("path".to_string()),
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(part.to_string()),
            },
        )
        .collect()
}

fn match_segments(
    segments: &[Segment],
    parts: &[&str],
) -> Option<(usize, HashMap<String, String>)> {
    let mut params = HashMap::new();
    let mut literals = 0;
    for (index, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Literal(text) => {
                if parts.get(index)? != text {
                    return None;
                }
                literals += 1;
            }
            Segment::Param(name) => {
                let part = parts.get(index)?;
                if part.is_empty() {
                    return None;
                }
                params.insert(name.clone(), percent_decode(part));
            }
            Segment::Rest(name) => {
                let rest = parts.get(index..)?.join("/");
                if rest.is_empty() {
                    return None;
                }
                params.insert(name.clone(), percent_decode(&rest));
                return Some((literals, params));
            }
        }
    }
    (segments.len() == parts.len()).then_some((literals, params))
}

/// Decodes `%XX` escapes (and leaves malformed ones as they are).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[index + 1]), hex(bytes[index + 2])) {
                out.push((high * 16 + low) as u8);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_beat_parameters() {
        let found = spec()
            .find("GET", "/repos/o/r/actions/secrets/public-key")
            .ok()
            .map(|m| m.operation.operation_id.clone());
        assert_eq!(found.as_deref(), Some("actions/get-repo-public-key"));
    }

    #[test]
    fn contents_path_may_contain_slashes() {
        let matched = spec().find("GET", "/repos/o/r/contents/.github/workflows/a%20b.yml");
        let path = matched.ok().and_then(|m| m.params.get("path").cloned());
        assert_eq!(path.as_deref(), Some(".github/workflows/a b.yml"));
    }

    #[test]
    fn response_schemas_reject_wrong_shapes() {
        let user = spec().find("GET", "/user").ok().map(|m| m.operation);
        let schema = user.and_then(|op| op.response_schema(200));
        assert!(schema.is_some());
        let errors = crate::schema::validate(
            schema.unwrap_or(&Value::Null),
            &serde_json::json!({"login": 5}),
        );
        assert!(!errors.is_empty());
    }

    #[test]
    fn wrong_method_is_distinguished_from_unknown_path() {
        assert!(matches!(spec().find("DELETE", "/user"), Err(true)));
        assert!(matches!(spec().find("GET", "/nope"), Err(false)));
    }
}
