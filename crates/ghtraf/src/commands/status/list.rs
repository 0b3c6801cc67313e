//! `ghtraf list`: every tracked repository at a glance, found by the gist naming
//! convention `create` uses (which works for every repository the token's user set
//! up, whoever owns it). Beside `status`, whose summary of a state it shows; its own
//! file to keep `status` under the size rule.

use ghtraf_github::{fan_out, GitHubRead, RepoRef};
use ghtraf_traffic::{parse_state, thousands, STATE_FILE};
use serde::Serialize;

use super::Summary;
use crate::api;
use crate::context::Context;
use crate::deployment::tracked_repo;
use crate::error::{ExitStatus, Result};
use crate::hub::portfolio::{Portfolio, PORTFOLIO_FILE};
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ListArgs {}

#[derive(Debug, Serialize)]
struct Row {
    repository: String,
    badge_gist: String,
    /// None for a hub's gist that holds no history of the hub itself: no
    /// repository's numbers, so no zeros.
    summary: Option<Summary>,
    problem: Option<String>,
    /// The gist is a hub's (it holds `portfolio.json`): what the hub says.
    #[serde(skip_serializing_if = "Option::is_none")]
    hub: Option<HubRow>,
}

/// A hub's badge gist, as `list` shows it: `hub init` makes it with
/// `portfolio.json`, which the hub's collection rewrites.
#[derive(Debug, Serialize)]
struct HubRow {
    /// Repositories in its portfolio (None: the portfolio is unreadable).
    repositories: Option<usize>,
    /// When the portfolio was last written.
    portfolio_written: Option<String>,
}

impl HubRow {
    fn of(text: &str) -> HubRow {
        match Portfolio::parse(text) {
            Ok(p) => HubRow {
                repositories: Some(p.repos.len()),
                portfolio_written: Some(p.generated_at),
            },
            Err(_) => HubRow {
                repositories: None,
                portfolio_written: None,
            },
        }
    }

    fn line(&self) -> String {
        let count = match self.repositories {
            Some(1) => "1 repository".to_string(),
            Some(n) => format!("{n} repositories"),
            None => "no repository it can read (portfolio.json unreadable)".to_string(),
        };
        match &self.portfolio_written {
            Some(at) => format!("hub: its portfolio lists {count}, written {at}"),
            None => format!("hub: its portfolio lists {count}"),
        }
    }
}

/// A state that holds nothing collected: no day, no archived month.
fn holds_nothing(s: &Summary) -> bool {
    s.days_held == 0 && s.archived_months == 0
}

/// Gist reads `list` keeps in flight: one read per tracked repository is
/// latency-bound, and 64 at once reads 500 states in about 8 round trips while
/// staying under GitHub's secondary limit of 100 concurrent requests.
/// `GHTRAF_LIST_IN_FLIGHT` (1–100) overrides it, e.g. to compare in benchmarks.
pub const LIST_IN_FLIGHT: usize = 64;

fn list_in_flight(ctx: &Context) -> usize {
    ctx.env("GHTRAF_LIST_IN_FLIGHT")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=100).contains(n))
        .unwrap_or(LIST_IN_FLIGHT)
}

pub fn list(ctx: &Context, _args: &ListArgs) -> Result<ExitStatus> {
    let gh = api::client(ctx)?;
    let gists = gh
        .list_gists()
        .map_err(|e| api::error(Some("listing gists"), e))?;
    let mut tracked: Vec<(RepoRef, String)> = gists
        .into_iter()
        .filter_map(|g| tracked_repo(&g.description).map(|r| (r, g.id)))
        .collect();
    tracked.sort_by_key(|(repo, _)| repo.to_string());
    let total = tracked.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let r = &ctx.reporter;
    r.progress(0, total, "reading states");
    let rows = fan_out(&tracked, list_in_flight(ctx), |(repo, id)| {
        let mut hub = None;
        let row = match gh.gist(id) {
            Ok(Some(g)) => {
                hub = g.files.get(PORTFOLIO_FILE).map(|f| HubRow::of(&f.content));
                match g.files.get(STATE_FILE).map(|f| parse_state(&f.content)) {
                    // The hub's own gist, collecting nothing of the hub: no fake zeros.
                    Some(Ok(p)) if hub.is_some() && holds_nothing(&Summary::of(&p.state)) => {
                        (None, None)
                    }
                    Some(Ok(p)) => (Some(Summary::of(&p.state)), None),
                    Some(Err(e)) => (None, Some(e.to_string())),
                    None if hub.is_some() => (None, None),
                    None => (None, Some(format!("no {STATE_FILE}"))),
                }
            }
            Ok(None) => (None, Some("gist vanished".to_string())),
            Err(e) => (None, Some(e.message().to_string())),
        };
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        r.progress(n, total, "reading states");
        Row {
            repository: repo.to_string(),
            badge_gist: id.clone(),
            summary: row.0,
            problem: row.1,
            hub,
        }
    });
    r.progress(total, total, "");
    if rows.is_empty() {
        r.say("No tracked repositories (no gist named \"[GTT] OWNER/REPO · badges\").");
    } else {
        let width = rows.iter().map(|r| r.repository.len()).max().unwrap_or(0);
        r.say(&format!(
            "{:<width$}  {:>10}  {:>10}  {:>10}  last collection",
            "repository", "installs", "clones", "views"
        ));
        for row in &rows {
            // A hub that also collects itself shows its numbers, then what it is.
            let hub = row
                .hub
                .as_ref()
                .map(|h| format!("  ({})", h.line()))
                .unwrap_or_default();
            match (&row.summary, &row.problem, &row.hub) {
                (Some(s), _, _) => r.say(&format!(
                    "{:<width$}  {:>10}  {:>10}  {:>10}  {}{hub}",
                    row.repository,
                    thousands(s.installs),
                    thousands(s.clones),
                    thousands(s.views),
                    s.last_collection.as_deref().unwrap_or("never collected")
                )),
                (None, None, Some(h)) => {
                    r.say(&format!("{:<width$}  {}", row.repository, h.line()))
                }
                (None, p, _) => r.say(&format!(
                    "{:<width$}  unreadable: {}",
                    row.repository,
                    p.as_deref().unwrap_or("?")
                )),
            }
        }
    }
    r.json(&serde_json::to_value(&rows).unwrap_or_default());
    Ok(if rows.iter().any(|r| r.problem.is_some()) {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    })
}
