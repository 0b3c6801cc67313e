//! `ghtraf export`: the whole stitched daily history (archive months plus
//! `state.json`), ascending, as JSON or CSV. Read-only, so no plan: it reads
//! the two gists and prints.

use ghtraf_github::{fan_out, GitHubRead};
use ghtraf_traffic::{export_rows, parse_state, to_csv, to_json, STATE_FILE};

use crate::api;
use crate::context::Context;
use crate::deployment::archive_months;
use crate::error::{CliError, ExitStatus, Result};
use crate::output::Format;
use crate::target::{self, TargetArgs};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub target: TargetArgs,
}

pub fn run(ctx: &Context, args: &ExportArgs, csv: bool) -> Result<ExitStatus> {
    let gh = api::client(ctx)?;
    let target = target::resolve_reading(ctx, &args.target, &gh)?;
    // Both gists in one round trip.
    let ids: Vec<&str> = std::iter::once(target.badge_gist_id.as_str())
        .chain(target.archive_gist_id.as_deref())
        .collect();
    let mut gists = fan_out(&ids, 2, |id| {
        gh.gist(id)
            .map_err(|e| api::error(Some(&format!("reading gist {id}")), e))
    })
    .into_iter();
    let badge = gists.next().transpose()?.flatten().ok_or_else(|| {
        CliError::runtime(format!(
            "the badge gist {} does not exist",
            target.badge_gist_id
        ))
    })?;
    let archive = gists.next().transpose()?.flatten();
    let text = badge
        .files
        .get(STATE_FILE)
        .map(|f| f.content.clone())
        .ok_or_else(|| CliError::runtime(format!("gist {} has no {STATE_FILE}", badge.id)))?;
    let state = parse_state(&text)
        .map_err(|e| CliError::runtime(format!("gist {}: {e}", badge.id)))?
        .state;
    let rows = export_rows(&state, &archive_months(archive.as_ref())?);
    if !csv && ctx.reporter.format() == Format::Json {
        // The days under the envelope every JSON document shares.
        let days: serde_json::Value = serde_json::from_str(&to_json(&rows))
            .map_err(|e| CliError::internal(format!("internal error: export JSON: {e}")))?;
        ctx.reporter.json(&days);
        return Ok(ExitStatus::Success);
    }
    let mut body = to_csv(&rows);
    if !body.ends_with('\n') {
        body.push('\n');
    }
    ctx.reporter.raw(&body);
    Ok(ExitStatus::Success)
}
