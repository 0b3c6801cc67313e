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
//! selected revisions; [`recover`] merges their days.

use std::collections::{BTreeMap, BTreeSet};

use ghtraf_traffic::{parse_state, Day};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use time::format_description::well_known::Rfc3339;

/// Largest gap between two revisions read. The original's state held 31 days and ours
/// holds at least 30, so a gap of 7 days sees every day at least three times.
pub const REVISION_STRIDE_DAYS: i64 = 7;

/// One revision as `GET /gists/{id}/commits` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub version: String,
    pub committed_at: String,
}

/// The days held by one revision's `state.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionDays {
    pub version: String,
    pub committed_at: String,
    pub days: Vec<Day>,
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
/// 0 where the API had no figure; it later deleted them as "unknown, not zero").
fn known_unique(unique: Option<u64>, count: u64) -> Option<u64> {
    unique.filter(|u| *u > 0 || count == 0)
}

/// Every day that appears in any revision: the day as the newest revision holding it
/// recorded it, with clones, views, downloads, CI and (known) uniques raised to the
/// highest any revision recorded. When a figure was raised, the organic figures are
/// left to be derived again. `revisions` may come in any order.
pub fn recover(revisions: &[RevisionDays]) -> Vec<Day> {
    let mut order: Vec<&RevisionDays> = revisions.iter().collect();
    // Oldest first, so later revisions overwrite the base day.
    order.sort_by_key(|r| {
        OffsetDateTime::parse(&r.committed_at, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    });
    let mut base: BTreeMap<Date, Day> = BTreeMap::new();
    let mut best: BTreeMap<Date, Day> = BTreeMap::new();
    for rev in &order {
        for day in &rev.days {
            let mut d = day.clone();
            d.unique_clones = known_unique(d.unique_clones, d.clones);
            d.unique_views = known_unique(d.unique_views, d.views);
            base.insert(d.date, d.clone());
            best.entry(d.date).and_modify(|b| raise(b, &d)).or_insert(d);
        }
    }
    base.into_values()
        .map(|mut day| {
            let Some(max) = best.get(&day.date) else {
                return day;
            };
            let before = (day.clones, day.unique_clones, day.ci_checkouts, day.ci_runs);
            day.clones = max.clones;
            day.views = max.views;
            day.downloads = max.downloads;
            day.unique_clones = max.unique_clones;
            day.unique_views = max.unique_views;
            day.ci_checkouts = max.ci_checkouts;
            day.ci_runs = max.ci_runs;
            if (day.clones, day.unique_clones, day.ci_checkouts, day.ci_runs) != before {
                day.organic_clones = None;
                day.organic_unique_clones = None;
                if day.ci_checkouts != before.2 {
                    day.ci_workflows = max.ci_workflows.clone();
                }
            }
            day
        })
        .collect()
}

fn raise(best: &mut Day, other: &Day) {
    let max_opt = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    best.clones = best.clones.max(other.clones);
    best.views = best.views.max(other.views);
    best.downloads = best.downloads.max(other.downloads);
    best.unique_clones = max_opt(best.unique_clones, other.unique_clones);
    best.unique_views = max_opt(best.unique_views, other.unique_views);
    if other.ci_checkouts > best.ci_checkouts {
        best.ci_workflows = other.ci_workflows.clone();
    }
    best.ci_checkouts = max_opt(best.ci_checkouts, other.ci_checkouts);
    best.ci_runs = max_opt(best.ci_runs, other.ci_runs);
}

/// A revision's `state.json` (any schema) → its days. A revision that does not parse is
/// reported, not fatal: older revisions of a hand-edited gist may be broken.
pub fn parse_revision(revision: &Revision, state_json: &str) -> Result<RevisionDays, String> {
    let parsed = parse_state(state_json).map_err(|e| {
        format!(
            "revision {} ({}): {e}",
            revision.version, revision.committed_at
        )
    })?;
    Ok(RevisionDays {
        version: revision.version.clone(),
        committed_at: revision.committed_at.clone(),
        days: parsed.state.daily_history,
    })
}

/// Recovered days that are held nowhere now (neither the state nor an archive): the
/// days the original's window dropped.
pub fn lost_days(recovered: &[Day], held: &BTreeSet<Date>) -> Vec<Date> {
    recovered
        .iter()
        .map(|d| d.date)
        .filter(|d| !held.contains(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

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

    fn day(date: Date, clones: u64, uniques: Option<u64>) -> Day {
        let mut d = Day::empty(date);
        d.clones = clones;
        d.unique_clones = uniques;
        d.views = clones * 2;
        d
    }

    fn revd(version: &str, at: &str, days: Vec<Day>) -> RevisionDays {
        RevisionDays {
            version: version.into(),
            committed_at: at.into(),
            days,
        }
    }

    #[test]
    fn union_of_revisions_with_the_highest_figures() {
        let d1 = date!(2024 - 01 - 01);
        let d2 = date!(2024 - 01 - 02);
        let d3 = date!(2024 - 02 - 10);
        let mut late_d2 = day(d2, 4, None);
        late_d2.organic_clones = Some(4);
        late_d2.stars = Some(9);
        let revisions = [
            // Listed newest first, as GitHub does.
            revd(
                "new",
                "2024-02-11T03:00:00Z",
                vec![late_d2, day(d3, 1, Some(1))],
            ),
            revd(
                "old",
                "2024-01-03T03:00:00Z",
                vec![day(d1, 3, Some(2)), day(d2, 6, Some(3))],
            ),
        ];
        let days = recover(&revisions);
        assert_eq!(
            days.iter().map(|d| d.date).collect::<Vec<_>>(),
            [d1, d2, d3]
        );
        let d2_out = &days[1];
        assert_eq!(
            d2_out.clones, 6,
            "raised to the older revision's higher figure"
        );
        assert_eq!(d2_out.unique_clones, Some(3));
        assert_eq!(d2_out.organic_clones, None, "re-derived after a raise");
        assert_eq!(
            d2_out.stars,
            Some(9),
            "the newest revision's day is the base"
        );
        let held: BTreeSet<Date> = [d2].into();
        assert_eq!(lost_days(&days, &held), vec![d1, d3]);
    }

    #[test]
    fn false_zero_uniques_stay_unknown() {
        let d = date!(2024 - 01 - 01);
        let days = recover(&[
            revd("a", "2024-01-02T03:00:00Z", vec![day(d, 5, Some(0))]),
            revd("b", "2024-01-03T03:00:00Z", vec![day(d, 5, None)]),
        ]);
        assert_eq!(days[0].unique_clones, None);
        // A real zero (no clones at all) stays a zero.
        let z = recover(&[revd("a", "2024-01-02T03:00:00Z", vec![day(d, 0, Some(0))])]);
        assert_eq!(z[0].unique_clones, Some(0));
    }

    #[test]
    fn revisions_of_any_schema_parse_and_broken_ones_are_reported() {
        let r = rev("abc", "2024-01-02T03:00:00Z");
        let original = r#"{"totalClones": 5, "totalViews": 2, "dailyHistory": [
            {"date": "2024-01-01T00:00:00Z", "clones": 5, "views": 2, "uniqueClones": 1}]}"#;
        let parsed = parse_revision(&r, original).unwrap();
        assert_eq!(parsed.days.len(), 1);
        assert_eq!(parsed.days[0].clones, 5);
        let err = parse_revision(&r, "{\"dailyHistory\": [").unwrap_err();
        assert!(err.contains("revision abc"), "{err}");
    }
}
