//! The one clock read of a command.
//!
//! Planners never read the clock; the driver reads it once here and passes
//! `now` in. `GHTRAF_NOW` (RFC 3339) replaces the system clock for
//! reproducible runs and tests.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{CliError, Result};

pub fn now(env: &dyn Fn(&str) -> Option<String>) -> Result<OffsetDateTime> {
    match env("GHTRAF_NOW") {
        Some(text) if !text.is_empty() => OffsetDateTime::parse(&text, &Rfc3339)
            .map(|t| t.to_offset(time::UtcOffset::UTC))
            .map_err(|e| {
                CliError::usage(format!("GHTRAF_NOW=`{text}` is not an RFC 3339 time: {e}"))
                    .with_hint("use e.g. GHTRAF_NOW=2026-02-26T03:00:00Z")
            }),
        _ => Ok(OffsetDateTime::now_utc()),
    }
}

/// `YYYY-MM-DD` of a time.
pub fn date_string(t: OffsetDateTime) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghtraf_now_overrides_and_is_validated() {
        let env = |_: &str| Some("2026-02-26T03:00:00+01:00".to_string());
        let t = now(&env).unwrap();
        assert_eq!(date_string(t), "2026-02-26");
        assert_eq!(t.hour(), 2);
        let bad = |_: &str| Some("yesterday".to_string());
        let e = now(&bad).unwrap_err();
        assert!(e.message.contains("GHTRAF_NOW"), "{}", e.message);
    }
}
