//! A small JSON-Schema validator and "completer" for the constructs used by GitHub's
//! dereferenced OpenAPI subset. It exists so fakehub can (a) reject request bodies the
//! real API would reject and (b) prove its own responses match GitHub's published shapes,
//! without pulling a full JSON-Schema crate into the build.
//!
//! Supported: `type` (string or array of types), `nullable`, `properties`, `required`,
//! `additionalProperties` (bool or schema), `items`, `enum`, `oneOf`/`anyOf` (both as
//! "at least one branch"), `allOf`,
//! `maxProperties`, and the one `pattern` in the subset (base64). `format` is ignored.

use base64::Engine;
use serde_json::{Map, Value};

/// The base64 pattern GitHub puts on `encrypted_value`; checked with a decoder instead of a regex engine.
const BASE64_PATTERN: &str =
    "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$";

/// Validates `value` against `schema`; returns human-readable errors with JSON-pointer-ish paths.
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, value, "$", &mut errors);
    errors
}

fn type_matches(type_name: &str, value: &Value) -> bool {
    match type_name {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn check(schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    if value.is_null() && nullable {
        return;
    }
    if let Some(declared) = schema.get("type") {
        let ok = match declared {
            Value::String(t) => type_matches(t, value),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(t, value)),
            _ => true,
        };
        if !ok {
            errors.push(format!(
                "{at}: expected type {declared}, got {}",
                kind(value)
            ));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            errors.push(format!(
                "{at}: {value} is not one of {}",
                Value::from(allowed.clone())
            ));
        }
    }
    if let (Some(Value::String(pattern)), Some(text)) = (schema.get("pattern"), value.as_str()) {
        if pattern == BASE64_PATTERN
            && base64::engine::general_purpose::STANDARD
                .decode(text)
                .is_err()
        {
            errors.push(format!("{at}: not base64"));
        }
    }
    if let Some(object) = value.as_object() {
        check_object(schema, object, at, errors);
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (index, item) in array.iter().enumerate() {
            check(items, item, &format!("{at}[{index}]"), errors);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for sub in all {
            check(sub, value, at, errors);
        }
    }
    // GitHub's description uses oneOf for overlapping alternatives (e.g. a basic error vs.
    // a rule-violation error that only adds optional fields), so oneOf is checked as anyOf.
    for keyword in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
            if !branches
                .iter()
                .any(|sub| validate_at(sub, value, at).is_empty())
            {
                errors.push(format!("{at}: matches none of {keyword}"));
            }
        }
    }
}

fn validate_at(schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, value, at, &mut errors);
    errors
}

fn check_object(
    schema: &Map<String, Value>,
    object: &Map<String, Value>,
    at: &str,
    errors: &mut Vec<String>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                errors.push(format!("{at}: missing required property {name:?}"));
            }
        }
    }
    if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64) {
        if object.len() as u64 > max {
            errors.push(format!("{at}: more than {max} properties"));
        }
    }
    let additional = schema.get("additionalProperties");
    for (name, member) in object {
        let child = format!("{at}.{name}");
        match properties.and_then(|p| p.get(name)) {
            Some(sub) => check(sub, member, &child, errors),
            None => match additional {
                Some(Value::Bool(false)) => {
                    errors.push(format!("{at}: unexpected property {name:?}"));
                }
                Some(sub @ Value::Object(_)) => check(sub, member, &child, errors),
                _ => {}
            },
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Supplies placeholder values for required fields the fake does not model
/// (GitHub's repository object alone has ~80 required properties, mostly URLs).
pub struct Filler<'a> {
    /// Base URL of the server, used for `format: uri` placeholders.
    pub base_url: &'a str,
    /// Timestamp used for `format: date-time` placeholders.
    pub now: &'a str,
}

impl Filler<'_> {
    /// Returns `value` with every required-but-missing property filled, recursively,
    /// choosing the `oneOf`/`anyOf` branch that the completed value then satisfies.
    pub fn complete(&self, schema: &Value, value: Value) -> Value {
        let Some(map) = schema.as_object() else {
            return value;
        };
        if let Some(branches) = map
            .get("oneOf")
            .or_else(|| map.get("anyOf"))
            .and_then(Value::as_array)
        {
            for branch in branches {
                let candidate = self.complete(branch, value.clone());
                if validate(schema, &candidate).is_empty() {
                    return candidate;
                }
            }
            return value;
        }
        let mut value = value;
        if let Some(all) = map.get("allOf").and_then(Value::as_array) {
            for sub in all {
                value = self.complete(sub, value);
            }
        }
        match value {
            Value::Object(object) => Value::Object(self.complete_object(map, object)),
            Value::Array(items) => match map.get("items") {
                Some(item_schema) => Value::Array(
                    items
                        .into_iter()
                        .map(|item| self.complete(item_schema, item))
                        .collect(),
                ),
                None => Value::Array(items),
            },
            other => other,
        }
    }

    fn complete_object(
        &self,
        schema: &Map<String, Value>,
        mut object: Map<String, Value>,
    ) -> Map<String, Value> {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let additional = schema.get("additionalProperties").filter(|a| a.is_object());
        for (name, member) in object.iter_mut() {
            if let Some(sub) = properties.get(name).or(additional) {
                *member = self.complete(sub, member.take());
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    let sub = properties.get(name).unwrap_or(&Value::Null);
                    object.insert(name.to_string(), self.placeholder(name, sub));
                }
            }
        }
        object
    }

    fn placeholder(&self, name: &str, schema: &Value) -> Value {
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return Value::Null;
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            return self.complete(schema, Value::Object(Map::new()));
        }
        let type_name = match schema.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).next().unwrap_or(""),
            _ => "",
        };
        match type_name {
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => Value::from(self.now),
                Some("uri") => Value::from(format!("{}/_unmodelled/{name}", self.base_url)),
                _ if name.ends_with("_url") || name == "url" => {
                    Value::from(format!("{}/_unmodelled/{name}", self.base_url))
                }
                _ => Value::from(""),
            },
            "integer" | "number" => Value::from(0),
            "boolean" => Value::from(false),
            "array" => Value::Array(Vec::new()),
            "object" => self.complete(schema, Value::Object(Map::new())),
            _ => Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_and_required_are_enforced() {
        let schema = json!({"type":"object","required":["a"],"properties":{"a":{"type":"string","nullable":true}}});
        assert!(validate(&schema, &json!({"a": null})).is_empty());
        assert_eq!(validate(&schema, &json!({})).len(), 1);
        assert_eq!(validate(&schema, &json!({"a": 3})).len(), 1);
    }

    #[test]
    fn one_of_needs_a_matching_branch() {
        let schema =
            json!({"oneOf":[{"type":"boolean"},{"type":"string","enum":["true","false"]}]});
        assert!(validate(&schema, &json!(true)).is_empty());
        assert!(validate(&schema, &json!("false")).is_empty());
        assert_eq!(validate(&schema, &json!("maybe")).len(), 1);
    }

    #[test]
    fn additional_properties_false_rejects_extras() {
        let schema = json!({"type":"object","properties":{"a":{}},"additionalProperties":false});
        assert_eq!(validate(&schema, &json!({"a":1,"b":2})).len(), 1);
    }

    #[test]
    fn completion_fills_required_fields_so_the_value_validates() {
        let schema = json!({"type":"object","required":["url","n","when","inner"],"properties":{
            "url":{"type":"string","format":"uri"},"n":{"type":"integer"},
            "when":{"type":"string","format":"date-time"},
            "inner":{"type":"object","required":["flag"],"properties":{"flag":{"type":"boolean"}}}}});
        let filler = Filler {
            base_url: "http://x",
            now: "2026-01-01T00:00:00Z",
        };
        let done = filler.complete(&schema, json!({"n": 5}));
        assert_eq!(done["n"], 5);
        assert_eq!(done["inner"]["flag"], false);
        assert!(validate(&schema, &done).is_empty());
    }

    #[test]
    fn base64_pattern_is_checked() {
        let schema = json!({"type":"string","pattern": BASE64_PATTERN});
        assert!(validate(&schema, &json!("aGVsbG8=")).is_empty());
        assert_eq!(validate(&schema, &json!("not base64!")).len(), 1);
    }
}
