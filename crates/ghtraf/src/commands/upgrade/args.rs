//! The flags of `ghtraf upgrade`, beside the command they configure, and the
//! few settled values derived from them without I/O (the backup directory,
//! what to do with edited files).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::repo_args::{RepoArgs, SecretArgs};
use time::OffsetDateTime;

use super::plan::{ConvertState, EditedFiles};

/// When the state moves from the original's schema to ghtraf's.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ConvertWhen {
    /// Now, in this upgrade (archive first, then state).
    Now,
    /// Leave it to the first `ghtraf collect` (the same import); the plan previews it.
    #[default]
    OnFirstCollect,
}

impl From<ConvertWhen> for ConvertState {
    fn from(w: ConvertWhen) -> Self {
        match w {
            ConvertWhen::Now => ConvertState::Now,
            ConvertWhen::OnFirstCollect => ConvertState::OnFirstCollect,
        }
    }
}

/// Bring an earlier deployment (the Python original of any version, an older ghtraf)
/// to this ghtraf, keeping every day and every badge URL.
#[derive(Debug, Args, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct UpgradeArgs {
    /// The flags `create` has too (their keys stay at this level in a saved plan).
    #[command(flatten)]
    #[serde(flatten)]
    pub common: RepoArgs,

    /// When to convert the original's state to ghtraf's schema.
    #[arg(long, value_enum, default_value_t = ConvertWhen::OnFirstCollect)]
    pub convert_state: ConvertWhen,

    /// Write the new workflow to the default branch through the contents API (instead
    /// of disabling the original's workflow until you push).
    #[arg(long)]
    pub commit: bool,

    #[command(flatten)]
    #[serde(flatten)]
    pub secret: SecretArgs,

    /// Keep the original's workflow as it is; the state is then not converted.
    #[arg(long)]
    pub keep_old_workflow: bool,

    /// Delete duplicate gists that are provably empty (after the backup).
    #[arg(long)]
    pub prune_orphans: bool,

    /// Where the backup goes (default: $XDG_STATE_HOME/ghtraf/backups/OWNER/REPO/<UTC>/).
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
}

impl UpgradeArgs {
    /// What happens to an edited file: `--force`, `--skip-existing`, else ask when
    /// interactive and keep when not.
    pub fn edited_files(&self, interactive: bool) -> EditedFiles {
        match (self.common.force, self.common.skip_existing, interactive) {
            (true, _, _) => EditedFiles::Force,
            (false, true, _) | (false, false, false) => EditedFiles::Keep,
            (false, false, true) => EditedFiles::Ask,
        }
    }
}

/// `$XDG_STATE_HOME/ghtraf/backups/OWNER/REPO/<UTC>/`, else under `$HOME/.local/state`;
/// None when neither is set (the user must pass --backup-dir). A relative
/// `XDG_STATE_HOME` is ignored, as the XDG specification asks.
pub fn default_backup_dir(
    env: &dyn Fn(&str) -> Option<String>,
    owner: &str,
    repo: &str,
    now: OffsetDateTime,
) -> Option<PathBuf> {
    let base = env("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            env("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local/state"))
        })?;
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    Some(
        base.join("ghtraf/backups")
            .join(owner)
            .join(repo)
            .join(stamp),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn backup_dir_follows_xdg_then_home() {
        let now = datetime!(2026-03-02 10:04:05 UTC);
        let xdg = |k: &str| match k {
            "XDG_STATE_HOME" => Some("/s".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            default_backup_dir(&xdg, "octo", "demo", now),
            Some(PathBuf::from(
                "/s/ghtraf/backups/octo/demo/20260302T100405Z"
            ))
        );
        let relative = |k: &str| match k {
            "XDG_STATE_HOME" => Some("rel".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            default_backup_dir(&relative, "octo", "demo", now),
            Some(PathBuf::from(
                "/h/.local/state/ghtraf/backups/octo/demo/20260302T100405Z"
            ))
        );
        assert_eq!(default_backup_dir(&|_| None, "octo", "demo", now), None);
    }

    #[test]
    fn edited_files_policy() {
        let mut a = UpgradeArgs::default();
        assert_eq!(a.edited_files(true), EditedFiles::Ask);
        assert_eq!(a.edited_files(false), EditedFiles::Keep);
        a.common.force = true;
        assert_eq!(a.edited_files(false), EditedFiles::Force);
    }
}
