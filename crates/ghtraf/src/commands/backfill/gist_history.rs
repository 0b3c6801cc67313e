//! Days recovered from a badge gist's older revisions.
//!
//! A gist is a git repository: every write of `state.json` is a revision
//! GitHub keeps. The original tool kept only the last 31 days in its state
//! and archived a month only when its run on the 1st happened, so days fell
//! out of the window without reaching any archive. Each of those days was in
//! some revision, so the union of the revisions rebuilds them.
//!
//! Reading every revision costs one request each (a year of daily runs is
//! 365+), so [`select_revisions`] reads one per week: a state holds a month
//! of days, so a weekly sample still sees every day several times, including
//! after its traffic figures became final. Pure: the observer fetches the
//! selected revisions; [`parse_revision`] reads each one's days, and the
//! traffic crate's `BackfillInput::from_revisions` takes the highest figures.

use ghtraf_traffic::{parse_state, State};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// Largest gap between two revisions read. The original's state held 31 days and ours
/// holds at least 30, so a gap of 7 days sees every day at least three times.
pub const REVISION_STRIDE_DAYS: i64 = 7;

/// One revision as `GET /gists/{id}/commits` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub version: String,
    pub committed_at: String,
}

fn instant(r: &Revision) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(&r.committed_at, &Rfc3339).ok()
}

/// The revisions to read, newest first: the newest, the oldest, and enough in between
/// that no two consecutive ones are more than `stride` apart (a revision whose time does
/// not parse is always read: nothing can be assumed about it).
pub fn select_revisions(revisions: &[Revision], stride: Duration) -> Vec<Revision> {
    let mut dated: Vec<(OffsetDateTime, &Revision)> = Vec::new();
    let mut undated: Vec<Revision> = Vec::new();
    for r in revisions {
        match instant(r) {
            Some(t) => dated.push((t, r)),
            None => undated.push(r.clone()),
        }
    }
    // Newest first; equal times keep the listing's order.
    dated.sort_by_key(|d| std::cmp::Reverse(d.0));
    let mut picked: Vec<Revision> = Vec::new();
    let mut i = 0;
    while i < dated.len() {
        let (t, r) = dated[i];
        picked.push(r.clone());
        if i + 1 == dated.len() {
            break;
        }
        // Jump to the oldest revision still within `stride` of this one; at least one step.
        let mut next = i + 1;
        while next + 1 < dated.len() && t - dated[next + 1].0 <= stride {
            next += 1;
        }
        // Never skip the oldest revision.
        i = next;
    }
    picked.extend(undated);
    picked
}

/// Unique counts of the original tool are sometimes a false 0 (its backfill script wrote
/// 0 where the API had no figure; it later deleted them as "unknown, not zero"): a 0 unique
/// on a day with traffic is unknown.
fn known_unique(unique: Option<u64>, count: u64) -> Option<u64> {
    unique.filter(|u| *u > 0 || count == 0)
}

/// A revision's `state.json` (any schema) → its state, false-zero uniques made unknown.
/// A revision that does not parse is reported, not fatal: older revisions of a
/// hand-edited gist may be broken.
pub fn parse_revision(revision: &Revision, state_json: &str) -> Result<State, String> {
    let parsed = parse_state(state_json).map_err(|e| {
        format!(
            "revision {} ({}): {e}",
            revision.version, revision.committed_at
        )
    })?;
    let mut state = parsed.state;
    for day in &mut state.daily_history {
        day.unique_clones = known_unique(day.unique_clones, day.clones);
        day.unique_views = known_unique(day.unique_views, day.views);
        if day.unique_clones.is_none() {
            day.organic_unique_clones = None;
        }
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ghtraf_traffic::BackfillInput;
    use time::macros::date;
    use time::Date;

    fn rev(version: &str, at: &str) -> Revision {
        Revision {
            version: version.into(),
            committed_at: at.into(),
        }
    }

    fn daily_revisions(n: usize) -> Vec<Revision> {
        (0..n)
            .map(|i| {
                let d = date!(2024 - 01 - 01) + Duration::days(i as i64);
                rev(
                    &format!("v{i}"),
                    &format!("{}T03:00:00Z", ghtraf_traffic::format_date(d)),
                )
            })
            .rev()
            .collect()
    }

    #[test]
    fn weekly_sample_keeps_newest_and_oldest_and_bounds_gaps() {
        let all = daily_revisions(365);
        let picked = select_revisions(&all, Duration::days(REVISION_STRIDE_DAYS));
        assert_eq!(picked.first().map(|r| r.version.as_str()), Some("v364"));
        assert_eq!(picked.last().map(|r| r.version.as_str()), Some("v0"));
        assert!(picked.len() <= 365 / 7 + 2, "{}", picked.len());
        let times: Vec<OffsetDateTime> = picked.iter().filter_map(instant).collect();
        for pair in times.windows(2) {
            assert!(pair[0] - pair[1] <= Duration::days(7), "{pair:?}");
        }
    }

    #[test]
    fn sparse_revisions_are_all_read() {
        let all = vec![
            rev("c", "2024-03-01T00:00:00Z"),
            rev("b", "2024-02-01T00:00:00Z"),
            rev("a", "2024-01-01T00:00:00Z"),
            rev("x", "not a time"),
        ];
        let picked: Vec<String> = select_revisions(&all, Duration::days(7))
            .into_iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(picked, ["c", "b", "a", "x"]);
        assert!(select_revisions(&[], Duration::days(7)).is_empty());
    }

    #[test]
    fn false_zero_uniques_stay_unknown_and_the_union_keeps_the_highest() {
        let r = rev("a", "2024-01-03T03:00:00Z");
        let older = parse_revision(
            &r,
            r#"{"dailyHistory": [
                {"date": "2024-01-01T00:00:00Z", "clones": 5, "views": 2, "uniqueClones": 0},
                {"date": "2024-01-02T00:00:00Z", "clones": 6, "views": 0, "uniqueClones": 3, "uniqueViews": 0}]}"#,
        )
        .unwrap();
        let newer = parse_revision(
            &r,
            r#"{"dailyHistory": [
                {"date": "2024-01-02T00:00:00Z", "clones": 4, "views": 1},
                {"date": "2024-01-03T00:00:00Z", "clones": 0, "views": 0, "uniqueClones": 0}]}"#,
        )
        .unwrap();
        assert_eq!(older.daily_history[0].unique_clones, None, "a false zero");
        assert_eq!(
            older.daily_history[1].unique_views,
            Some(0),
            "no views: a real zero"
        );
        assert_eq!(
            newer.daily_history[1].unique_clones,
            Some(0),
            "no clones: a real zero"
        );
        let input = BackfillInput::from_revisions("gist-history", &[newer, older]);
        let dates: Vec<Date> = input.days.iter().map(|d| d.date).collect();
        assert_eq!(
            dates,
            [
                date!(2024 - 01 - 01),
                date!(2024 - 01 - 02),
                date!(2024 - 01 - 03)
            ]
        );
        assert_eq!(input.days[1].clones, Some(6));
        assert_eq!(input.days[1].unique_clones, Some(3));
        assert_eq!(input.days[0].unique_clones, None);
    }

    #[test]
    fn revisions_of_any_schema_parse_and_broken_ones_are_reported() {
        let r = rev("abc", "2024-01-02T03:00:00Z");
        let original = r#"{"totalClones": 5, "totalViews": 2, "dailyHistory": [
            {"date": "2024-01-01T00:00:00Z", "clones": 5, "views": 2, "uniqueClones": 1}]}"#;
        let parsed = parse_revision(&r, original).unwrap();
        assert_eq!(parsed.daily_history.len(), 1);
        assert_eq!(parsed.daily_history[0].clones, 5);
        let err = parse_revision(&r, "{\"dailyHistory\": [").unwrap_err();
        assert!(err.contains("revision abc"), "{err}");
    }
}
