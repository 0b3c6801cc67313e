//! A value that must never appear in output: ghtraf's one secret type.
//!
//! Tokens travel inside plans (the workflow token a `create` stores as a
//! repository secret) and inside the GitHub client (the token of every
//! request); both use this type, so one set of tests proves neither leaks. Making "printable" a property of the type, rather than
//! a rule every log line must remember, is what keeps them out of Debug output,
//! Display, JSON plans and panics: the only way to read the value is the
//! explicit, greppable [`Secret::expose`].

use std::fmt;

use serde::{Serialize, Serializer};

/// What every rendering of a secret shows instead of the value.
pub const REDACTED: &str = "[redacted]";

/// A secret string. `Debug`, `Display` and `Serialize` all print [`REDACTED`];
/// there is deliberately no `Deserialize`, so a saved plan cannot carry one.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value; from here on it only leaves through [`Secret::expose`].
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The clear value, for the one place that must send it (sealing it for GitHub).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "ghp_CANARY0123456789abcdef";

    #[test]
    fn never_printed_in_clear() {
        let s = Secret::new(CANARY);
        assert!(!format!("{s:?}").contains(CANARY));
        assert!(!format!("{s:#?}").contains(CANARY));
        assert!(!format!("{s}").contains(CANARY));
        assert!(!serde_json::to_string(&s).unwrap().contains(CANARY));
        assert_eq!(s.expose(), CANARY);
    }

    #[test]
    fn redacted_inside_containers() {
        #[derive(Debug, Serialize)]
        struct Holder {
            token: Secret,
            other: Option<Secret>,
        }
        let h = Holder {
            token: Secret::new(CANARY),
            other: Some(Secret::new(CANARY)),
        };
        assert!(!format!("{h:?}").contains(CANARY));
        let json = serde_json::to_string(&h).unwrap();
        assert!(!json.contains(CANARY));
        assert!(json.contains(REDACTED));
    }
}
