//! Where other trackers keep their files, so `import:OWNER/REPO@BRANCH` and
//! `import:DIR` know what to read without the user naming every file.
//!
//! The layouts are facts about those trackers (described in
//! docs/backfill.md, not copied from them): github-repo-stats writes
//! `<owner>/<repo>/ghrs-data/*.csv` on its data branch,
//! sangonzal/repository-traffic-action `traffic/{views,clones}.csv`, and
//! traffic-to-badge `traffic-<repo>/traffic_{views,clones}.json`. The files'
//! contents are parsed by the traffic crate; this module only lists paths.

use ghtraf_github::RepoRef;
use serde::Serialize;

/// Which tracker wrote a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    GithubRepoStats,
    Sangonzal,
    TrafficToBadge,
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// Clones and views per day, with uniques.
    ViewsClones,
    Views,
    Clones,
    /// Cumulative stars per change day.
    Stars,
    /// Star counts snapshotted over time (the part beyond the 40,000 listing cap).
    StarSnapshots,
    Forks,
}

/// A file an import looks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub layout: Layout,
    pub role: FileRole,
    /// Relative to the branch root (or the local directory), `/`-separated.
    pub path: String,
}

fn candidate(layout: Layout, role: FileRole, path: String) -> Candidate {
    Candidate { layout, role, path }
}

/// github-repo-stats' file names inside its `ghrs-data` directory.
const GHRS_FILES: [(FileRole, &str); 4] = [
    (FileRole::ViewsClones, "views_clones_aggregate.csv"),
    (FileRole::Stars, "stargazers.csv"),
    (FileRole::StarSnapshots, "stargazer-snapshots.csv"),
    (FileRole::Forks, "forks.csv"),
];

/// Every file a branch of another tracker may hold for the tracked repository.
pub fn branch_candidates(tracked: &RepoRef) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = GHRS_FILES
        .iter()
        .map(|(role, name)| {
            candidate(
                Layout::GithubRepoStats,
                *role,
                format!("{}/{}/ghrs-data/{name}", tracked.owner, tracked.name),
            )
        })
        .collect();
    out.push(candidate(
        Layout::Sangonzal,
        FileRole::Views,
        "traffic/views.csv".into(),
    ));
    out.push(candidate(
        Layout::Sangonzal,
        FileRole::Clones,
        "traffic/clones.csv".into(),
    ));
    out.push(candidate(
        Layout::TrafficToBadge,
        FileRole::Views,
        format!("traffic-{}/traffic_views.json", tracked.name),
    ));
    out.push(candidate(
        Layout::TrafficToBadge,
        FileRole::Clones,
        format!("traffic-{}/traffic_clones.json", tracked.name),
    ));
    out
}

/// Files looked for in a local directory: a checkout of a data branch (the branch
/// layout), or github-repo-stats' `ghrs-data` directory itself.
pub fn directory_candidates(tracked: &RepoRef) -> Vec<Candidate> {
    let mut out = branch_candidates(tracked);
    out.extend(
        GHRS_FILES
            .iter()
            .map(|(role, name)| candidate(Layout::GithubRepoStats, *role, (*name).to_string())),
    );
    out
}

/// A path from a candidate list is safe to join to a root: relative, no `..`, no
/// empty parts. (Guards against a tracked name ever producing one.)
pub fn is_contained(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> RepoRef {
        RepoRef::parse("octo/demo").unwrap()
    }

    #[test]
    fn branch_layouts_name_the_tracked_repository() {
        let c = branch_candidates(&repo());
        assert_eq!(c.len(), 8);
        assert!(c.iter().any(
            |c| c.path == "octo/demo/ghrs-data/views_clones_aggregate.csv"
                && c.role == FileRole::ViewsClones
        ));
        assert!(c
            .iter()
            .any(|c| c.path == "traffic-demo/traffic_clones.json"
                && c.layout == Layout::TrafficToBadge));
        assert!(c.iter().any(|c| c.path == "traffic/views.csv"));
        assert!(c.iter().all(|c| is_contained(&c.path)));
    }

    #[test]
    fn a_ghrs_data_directory_is_also_recognised() {
        let c = directory_candidates(&repo());
        assert!(c.iter().any(|c| c.path == "forks.csv"));
        assert!(c.iter().all(|c| is_contained(&c.path)));
    }

    #[test]
    fn containment() {
        for bad in ["", "/etc/passwd", "a/../b", "..", "a//b", "a\\b", "./a"] {
            assert!(!is_contained(bad), "{bad}");
        }
        assert!(is_contained("a/b.csv"));
    }
}
