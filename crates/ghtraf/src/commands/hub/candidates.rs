//! What is read about each repository named to `hub add` or `hub remove`
//! beyond its name. `hub add`: the gists its variables name (as `create`
//! adopts them), and which other hub, if any, already collects it (its badge
//! gist's `hub.json`). `hub remove`: the state of its own workflow, which may
//! have to run again once the hub stops, and for a name the hub does not track,
//! which hub (if any) its badge gist's `hub.json` names.

use std::collections::{BTreeMap, BTreeSet};

use ghtraf_github::{GistSummary, GitHubRead, RepoRef};

use super::parse_repo;
use crate::deployment::{ARCHIVE_VARIABLE, BADGE_VARIABLE};
use crate::error::Result;
use crate::hub::shard::canonical;
use crate::hub::{HubConfig, Marker, MARKER_FILE};
use crate::templates::WORKFLOW_PATH;

/// A repository `hub add` was asked for, as observed.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub repo: RepoRef,
    pub badge_gist_id: Option<String>,
    pub archive_gist_id: Option<String>,
    /// It has gists named the Python original's way (`O/R traffic badges`):
    /// its history lives there, and `upgrade` takes them over.
    pub legacy_gists: bool,
    /// Its variables could not be read (only read when a gist was not found
    /// by name: `TRAFFIC_GIST_ID` may name one `create` was told to use).
    pub variables_unread: Option<String>,
    /// Another hub collects it (its badge gist carries that hub's marker).
    pub other_hub: Option<String>,
    /// Its own workflow is active (`create` deployed and nobody disabled it);
    /// the error says why the repository is not added (not found, unreadable).
    pub own_workflow_active: std::result::Result<bool, String>,
}

/// A repository without a gist of a role by its name may still have one:
/// the gist its `TRAFFIC_GIST_ID` / `TRAFFIC_ARCHIVE_GIST_ID` variable names
/// (`create --gist-id`), which `create` adopts. Only those repositories'
/// variables are read; a gist is adopted only if it is one of the user's.
pub(super) fn adopt_named_by_variables(
    client: &ghtraf_github::Client,
    gists: &[GistSummary],
    candidates: &mut [Candidate],
) {
    let lacking: Vec<usize> = (0..candidates.len())
        .filter(|&i| {
            let c = &candidates[i];
            c.badge_gist_id.is_none() || c.archive_gist_id.is_none()
        })
        .collect();
    let repos: Vec<RepoRef> = lacking
        .iter()
        .map(|&i| candidates[i].repo.clone())
        .collect();
    let read = ghtraf_github::fan_out(&repos, ghtraf_github::DEFAULT_FAN_OUT, |r| {
        client.list_variables(r)
    });
    for (i, variables) in lacking.into_iter().zip(read) {
        let c = &mut candidates[i];
        let variables = match variables {
            Ok(v) => v,
            Err(e) => {
                c.variables_unread = Some(e.message().to_string());
                continue;
            }
        };
        let named = |name: &str| {
            variables
                .iter()
                .find(|v| v.name == name)
                .filter(|v| gists.iter().any(|g| g.id == v.value))
                .map(|v| v.value.clone())
        };
        if c.badge_gist_id.is_none() {
            c.badge_gist_id = named(BADGE_VARIABLE);
        }
        if c.archive_gist_id.is_none() {
            c.archive_gist_id = named(ARCHIVE_VARIABLE);
        }
    }
}

/// A candidate whose badge gist carries a hub's marker: which hub (read only
/// for those; another hub collecting it keeps it out of this one).
pub(super) fn other_hubs(
    client: &ghtraf_github::Client,
    hub: &RepoRef,
    marked: &BTreeSet<String>,
    candidates: &mut [Candidate],
) {
    let ids: Vec<(usize, String)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.badge_gist_id.clone()?)))
        .filter(|(_, id)| marked.contains(id))
        .collect();
    let read = ghtraf_github::fan_out(&ids, ghtraf_github::DEFAULT_FAN_OUT, |(_, id)| {
        client.gist(id)
    });
    for ((i, id), gist) in ids.iter().zip(read) {
        let named = match gist {
            Ok(Some(g)) => g
                .files
                .get(MARKER_FILE)
                .and_then(|f| Marker::hub_of(&f.content)),
            Ok(None) => None,
            Err(e) => Some(format!(
                "a hub (its {MARKER_FILE} in gist {id} is unreadable: {})",
                e.message()
            )),
        };
        candidates[*i].other_hub = named.filter(|h| !h.eq_ignore_ascii_case(&hub.to_string()));
    }
}

/// `hub remove`: the state of each named tracked repository's own `traffic-badges.yml`
/// (read at once), keyed by its lower-cased name. A repository the hub does not track is
/// not read: nothing is done for it.
pub(super) fn own_workflows(
    client: &ghtraf_github::Client,
    existing: Option<&HubConfig>,
    named: &[String],
) -> Result<BTreeMap<String, std::result::Result<Option<String>, String>>> {
    let mut repos = Vec::new();
    for text in named {
        let repo = parse_repo(text)?;
        let name = canonical(&repo);
        let tracked =
            existing.is_some_and(|c| c.repos.iter().any(|t| t.repo.eq_ignore_ascii_case(&name)));
        if tracked {
            repos.push(repo);
        }
    }
    let states = ghtraf_github::fan_out(&repos, ghtraf_github::DEFAULT_FAN_OUT, |r| {
        client
            .workflows(r)
            .map(|ws| {
                ws.into_iter()
                    .find(|w| w.path.ends_with(WORKFLOW_PATH))
                    .map(|w| w.state)
            })
            .map_err(|e| e.message().to_string())
    });
    Ok(repos.iter().map(canonical).zip(states).collect())
}

/// `hub add`: whether each repository's own `traffic-badges.yml` is active (read at
/// once); the error says why a repository is not added (not found, unreadable).
pub(super) fn own_workflows_active(
    client: &ghtraf_github::Client,
    repos: &[RepoRef],
) -> Vec<std::result::Result<bool, String>> {
    ghtraf_github::fan_out(repos, ghtraf_github::DEFAULT_FAN_OUT, |r| {
        client
            .workflows(r)
            .map(|ws| {
                ws.iter()
                    .any(|w| w.path.ends_with(WORKFLOW_PATH) && w.state == "active")
            })
            .map_err(|e| {
                if e.is_not_found() {
                    // GitHub's 404 for a repository that does not exist or is hidden.
                    "not found, or your token cannot see it (check the OWNER/REPO spelling)"
                        .to_string()
                } else {
                    format!("cannot read its workflows: {}", e.message())
                }
            })
    })
}

/// `hub remove` of a name the hub does not track whose badge gist exists: that gist,
/// and the hub its `hub.json` names (None: none; Err: unreadable, why).
#[derive(Debug, Clone)]
pub struct UntrackedGist {
    pub gist: String,
    pub mark: std::result::Result<Option<String>, String>,
}

/// The marks of `untracked` (lower-cased name, badge gist id): only the marked gists
/// are read (at once), the few names `hub remove` was given.
pub(super) fn untracked_marks(
    client: &ghtraf_github::Client,
    marked: &BTreeSet<String>,
    untracked: Vec<(String, String)>,
) -> BTreeMap<String, UntrackedGist> {
    let read = ghtraf_github::fan_out(&untracked, ghtraf_github::DEFAULT_FAN_OUT, |(_, id)| {
        if !marked.contains(id) {
            return Ok(None);
        }
        match client.gist(id) {
            Ok(g) => Ok(g.and_then(|g| {
                let mark = g.files.get(MARKER_FILE)?;
                Some(Marker::hub_of(&mark.content).unwrap_or_else(|| "a ghtraf hub".to_string()))
            })),
            Err(e) => Err(e.message().to_string()),
        }
    });
    untracked
        .into_iter()
        .zip(read)
        .map(|((name, gist), mark)| (name, UntrackedGist { gist, mark }))
        .collect()
}
