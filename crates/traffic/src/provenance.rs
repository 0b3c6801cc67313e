//! What a backfill leaves behind besides figures: which source wrote which fields of a day,
//! a log of backfill runs, and the star and fork series reconstructed from GitHub's lists.
//! These are the data contracts the dashboard reads (docs/state-format.md, "Backfill"), so
//! they are typed here rather than left in the unknown-key maps.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::dates::{format_date, parse_bucket};

/// On a day: the last backfill that wrote or raised some of its figures. Days without it
/// were collected by ghtraf itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBackfill {
    /// Source name, e.g. `github-repo-stats`.
    pub source: String,
    /// JSON names of the fields it wrote or raised, sorted.
    pub fields: Vec<String>,
}

/// One entry of `state.provenance`: a backfill run of one source that changed something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    pub source: String,
    /// When the backfill ran (RFC 3339 UTC).
    pub at: String,
    /// First and last day the source offered (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    pub days_added: u64,
    /// Held days where a figure it held rose (`--raise`).
    pub days_raised: u64,
    /// Held days that gained only figures they lacked (absent from states written
    /// before it was counted apart, and when 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub days_filled: u64,
    /// JSON names of the day fields it wrote or raised, sorted.
    pub fields: Vec<String>,
}

/// A cumulative count at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeriesPoint {
    pub date: Date,
    pub count: u64,
}

impl Serialize for SeriesPoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (format_date(self.date), self.count).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SeriesPoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (text, count) = <(String, u64)>::deserialize(deserializer)?;
        let date = parse_bucket(&text).map_err(D::Error::custom)?;
        Ok(SeriesPoint { date, count })
    }
}

/// A cumulative series (stars or forks) reconstructed from GitHub's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Ascending, at most one per day, only days where the count changed.
    pub points: Vec<SeriesPoint>,
    /// False when the list could not be read whole (`note` says why).
    pub complete: bool,
    pub note: Option<String>,
    /// Where it came from, e.g. `stargazers`, `github-repo-stats`.
    pub source: String,
    /// When it was read (RFC 3339 UTC); set by the backfill that stores it.
    #[serde(default)]
    pub at: Option<String>,
}

impl Series {
    /// Sorts the points, keeps the highest count of a day, drops points that do not change
    /// the count: the stored shape, so equal reads compare equal.
    pub fn normalized(mut self) -> Series {
        self.points.sort();
        let mut points: Vec<SeriesPoint> = Vec::with_capacity(self.points.len());
        for point in self.points {
            match points.last_mut() {
                Some(last) if last.date == point.date => last.count = last.count.max(point.count),
                _ => points.push(point),
            }
        }
        let mut previous = None;
        points.retain(|point| {
            let changed = previous != Some(point.count);
            previous = Some(point.count);
            changed
        });
        self.points = points;
        self
    }
}

/// `state.series`: the star and fork series, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<Series>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forks: Option<Series>,
}

impl SeriesSet {
    pub fn is_empty(&self) -> bool {
        self.stars.is_none() && self.forks.is_none()
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
