//! The flags of `backfill`, beside the command, and its long help.

use super::source::Source;
use crate::target::TargetArgs;

/// `ghtraf backfill` flags.
#[derive(Debug, Clone, Default, clap::Args, serde::Serialize, serde::Deserialize)]
pub struct BackfillArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Where to recover history from; repeatable: stars, forks, ci, gist-history[:GIST_ID],
    /// import:PATH (a file or directory), import:OWNER/REPO@BRANCH (another tracker's data
    /// branch). Release downloads are not a source: GitHub keeps only current totals.
    #[arg(long = "from", value_name = "SOURCE", required = true, value_parser = parse_source)]
    pub from: Vec<Source>,

    /// First day to fill (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,

    /// Last day to fill (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,

    /// Also raise held figures that a source reports higher (default: fill only what is
    /// absent). With --from ci, days that already have CI figures are read again too.
    #[arg(long)]
    pub raise: bool,

    /// Allow up to N API requests (default: half of the token's remaining rate limit).
    #[arg(long, value_name = "N")]
    pub max_requests: Option<u64>,
}

fn parse_source(text: &str) -> Result<Source, String> {
    text.parse()
}

/// Shown after `ghtraf backfill --help`.
pub const BACKFILL_HELP: &str = "\
Sources:
  stars           every current stargazer's starred_at: the star series since the repository's
                  creation (admins and collaborators only; GitHub lists at most 40,000)
  forks           every fork's created_at: the fork series
  ci              past workflow runs and jobs: CI checkouts of held days that have none
                  (days whose runs GitHub has deleted are reported, not invented)
  gist-history    older revisions of the badge gist (or of the gist GIST_ID): days that left
                  the original tool's 31-day window without reaching an archive
  import:PATH     a `ghtraf export` CSV/JSON, another tracker's file, or a directory holding
                  github-repo-stats, repository-traffic-action or traffic-to-badge files
  import:OWNER/REPO@BRANCH
                  the same files on a branch of a repository (read through the API)

Release downloads are not a source: GitHub keeps only each asset's current cumulative
download count, not when the downloads happened, so no past day can be filled from it.

Days only gain: a field is written where it is absent, a count of 0 or an unknown unique
or CI figure (a day \"filled\"; --raise: also where the source is higher, a day \"raised\");
a unique that no source knows stays absent. Organic clones (clones less CI checkouts) are
derived, not collected: a day filled with its CI checkouts has fewer, and organicClones in
the totals drops with them. The plan shows, per source, the days added, filled and raised,
the change in totals, and the API requests it makes against the rate limit.";

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(flatten)]
        args: BackfillArgs,
    }

    #[test]
    fn from_is_repeatable_and_required() {
        let w = Wrap::try_parse_from(["x", "--from", "stars", "--from", "import:a.csv"]).unwrap();
        assert_eq!(w.args.from.len(), 2);
        assert!(Wrap::try_parse_from(["x"]).is_err());
        // One source a flag, as the README writes it: a second word is not a source.
        assert!(Wrap::try_parse_from(["x", "--from", "stars", "forks"]).is_err());
    }

    #[test]
    fn releases_are_refused_and_help_says_why() {
        let err = Wrap::try_parse_from(["x", "--from", "releases"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("cumulative download_count"), "{err}");
        assert!(BACKFILL_HELP.contains("Release downloads are not a source"));
    }

    #[test]
    fn flags_survive_a_saved_plan_round_trip() {
        let w = Wrap::try_parse_from([
            "x",
            "--from",
            "gist-history:ab",
            "--since",
            "2024-01-01",
            "--raise",
            "--max-requests",
            "900",
        ])
        .unwrap();
        let json = serde_json::to_string(&w.args).unwrap();
        let back: BackfillArgs = serde_json::from_str(&json).unwrap();
        assert_eq!(back.from, w.args.from);
        assert_eq!(back.max_requests, Some(900));
        assert!(back.raise);
    }
}
