//! shields.io endpoint badges. Each badge shows an all-time total (readable with thousands
//! separators) and how much of it is recent, so a visitor sees both size and activity.

use std::collections::BTreeMap;

use serde_json::json;
use time::{Date, Duration};

use crate::model::{Day, State};

/// A badge: its file, label, colour, all-time total and per-day contribution.
struct BadgeSpec {
    file: &'static str,
    label: &'static str,
    color: &'static str,
    total: fn(&State) -> u64,
    per_day: fn(&Day) -> u64,
}

const BADGES: [BadgeSpec; 4] = [
    BadgeSpec {
        file: "installs.json",
        label: "installs",
        color: "brightgreen",
        total: |state| {
            state
                .totals
                .downloads
                .saturating_add(state.totals.organic_clones)
        },
        per_day: |day| day.downloads.saturating_add(day.organic_clones_value()),
    },
    BadgeSpec {
        file: "downloads.json",
        label: "downloads",
        color: "blue",
        total: |state| state.totals.downloads,
        per_day: |day| day.downloads,
    },
    BadgeSpec {
        file: "clones.json",
        label: "clones",
        color: "blue",
        total: |state| state.totals.organic_clones,
        per_day: Day::organic_clones_value,
    },
    BadgeSpec {
        file: "views.json",
        label: "views",
        color: "blue",
        total: |state| state.totals.views,
        per_day: |day| day.views,
    },
];

/// The badge gist files (`installs.json`, `downloads.json`, `clones.json`, `views.json`),
/// as of `today` (UTC): today's bucket is partial, so recency counts from yesterday back.
pub fn badge_files(state: &State, today: Date) -> BTreeMap<String, String> {
    BADGES
        .iter()
        .map(|badge| {
            let message = format!(
                "{}{}",
                thousands((badge.total)(state)),
                recency_suffix(state, today, badge.per_day)
            );
            let body = json!({
                "schemaVersion": 1,
                "label": badge.label,
                "message": message,
                "color": badge.color,
            });
            (badge.file.to_string(), body.to_string())
        })
        .collect()
}

/// Everything the badge gist holds: `state.json` and the four badges.
pub fn badge_gist_files(state: &State, today: Date) -> BTreeMap<String, String> {
    let mut files = badge_files(state, today);
    files.insert(STATE_FILE.to_string(), state.to_json());
    files
}

/// The badge gist's state file.
pub const STATE_FILE: &str = "state.json";

/// ` (+N 24h)` for the last complete day, else ` (+N wk)` over 7 days, else ` (+N mo)`
/// over 30 days, else nothing.
fn recency_suffix(state: &State, today: Date, per_day: fn(&Day) -> u64) -> String {
    let since = |days: i64| -> u64 {
        let Some(first) = today.checked_sub(Duration::days(days)) else {
            return 0;
        };
        state
            .daily_history
            .iter()
            .filter(|day| day.date >= first && day.date < today)
            .map(per_day)
            .fold(0, u64::saturating_add)
    };
    for (days, unit) in [(1, "24h"), (7, "wk"), (30, "mo")] {
        let recent = since(days);
        if recent > 0 {
            return format!(" (+{} {unit})", thousands(recent));
        }
    }
    String::new()
}

/// `1234567` → `1,234,567`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
