//! How the deployed workflow gets ghtraf: the install step's script and where releases live.
//!
//! A cold `cargo install` compiles for minutes on every version bump and cache eviction, so
//! the workflow downloads this exact version's release binary and checks it against the
//! release's `SHA256SUMS` before running it (`templates/install-ghtraf.sh`, embedded in the
//! workflow so users can read what runs). The release location is an input so forks and
//! GitHub Enterprise mirrors work; a custom install command replaces the whole script.

use crate::error::{CliError, Result};
use crate::values::Source;

/// This project's GitHub releases: `<base>/download/v<version>/<archive>` and `SHA256SUMS`.
pub const DEFAULT_RELEASES: &str = "https://github.com/ghtraf/ghtraf/releases";

/// The default install step: verified release binary, `cargo install` fallback.
pub const SCRIPT: &str = include_str!("../templates/install-ghtraf.sh");

/// The name of the release archive for a version and Rust target triple (what the release
/// workflow uploads and the install script downloads).
pub fn archive_name(version: &str, target: &str) -> String {
    let ext = if target.contains("windows") {
        "zip"
    } else {
        "tar.gz"
    };
    format!("ghtraf-{version}-{target}.{ext}")
}

/// The install step's script: the custom command when one is set, else [`SCRIPT`].
pub fn step_script(custom: Option<&str>) -> String {
    match custom {
        Some(command) => command.trim_end().to_string(),
        None => SCRIPT.trim_end().to_string(),
    }
}

/// Whether a stored install command is the default of ghtraf versions before the release
/// binaries (`cargo install ghtraf --version X --locked`): such a value was never the user's
/// choice, so it is not kept as a custom command (it would pin the old version).
pub fn is_legacy_default(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["cargo", "install", "ghtraf", "--version", _, "--locked"]
    )
}

/// Checks a release location given by a flag or `.ghtraf.json` (`source`, named in the
/// error): an `http(s)` URL without characters that would need quoting in the workflow (it
/// is rendered into a YAML string and a shell variable). Returns it without a trailing `/`.
pub fn check_releases_url(url: &str, source: Source<'_>) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~/:%+".contains(c))
    });
    if ok {
        Ok(trimmed.to_string())
    } else if url.contains('@') {
        // Never echo it: the part before `@` may be a token.
        Err(CliError::usage(format!(
            "{source}: the release location must not carry credentials (it is written into the workflow file)"
        ))
        .with_hint("use a releases page readable without credentials, e.g. a public mirror"))
    } else {
        Err(
            CliError::usage(format!("{source}: `{url}` is not a plain http(s) URL")).with_hint(
                format!(
            "give the releases page holding download/v<version>/SHA256SUMS, e.g. {DEFAULT_RELEASES}"
        ),
            ),
        )
    }
}

/// [`check_releases_url`] in the shape of the `.ghtraf.json` validators.
pub fn validate_releases_url(url: &str, source: Source<'_>) -> Result<()> {
    check_releases_url(url, source).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAG: Source<'static> = Source::Flag("--releases-url");

    fn check_releases_url(url: &str) -> Result<String> {
        super::check_releases_url(url, FLAG)
    }

    #[test]
    fn the_script_names_the_archives_the_release_workflow_uploads() {
        // The script builds the name from its parts; the release workflow uses archive_name's
        // pattern (checked against .github/workflows/release.yml by tests/workflow).
        assert!(SCRIPT.contains(r#"name="ghtraf-$version-$target.tar.gz""#));
        assert_eq!(
            archive_name("1.2.3", "x86_64-unknown-linux-musl"),
            "ghtraf-1.2.3-x86_64-unknown-linux-musl.tar.gz"
        );
        assert_eq!(
            archive_name("1.2.3", "x86_64-pc-windows-msvc"),
            "ghtraf-1.2.3-x86_64-pc-windows-msvc.zip"
        );
    }

    #[test]
    fn the_script_checks_before_it_unpacks_or_runs() {
        let check = SCRIPT.find(r#"if [ "$actual" != "$expected" ]"#).unwrap();
        let unpack = SCRIPT.find("tar -xzf").unwrap();
        let run = SCRIPT.find(r#""$dest/ghtraf" --version"#).unwrap();
        assert!(check < unpack && unpack < run);
        assert!(
            !SCRIPT.contains("${{"),
            "no GitHub expressions in the script"
        );
    }

    #[test]
    fn a_custom_command_replaces_the_script() {
        assert_eq!(step_script(Some("make install\n")), "make install");
        assert!(step_script(None).contains("SHA256SUMS"));
    }

    #[test]
    fn only_the_old_default_counts_as_legacy() {
        assert!(is_legacy_default(
            "cargo install ghtraf --version 0.1.0 --locked"
        ));
        assert!(!is_legacy_default(
            "cargo install --git https://github.com/ghtraf/ghtraf ghtraf --locked"
        ));
        assert!(!is_legacy_default("cargo install ghtraf --locked"));
    }

    #[test]
    fn release_locations_are_plain_urls() {
        assert_eq!(
            check_releases_url("https://ghe.example.com/tools/ghtraf/releases/").unwrap(),
            "https://ghe.example.com/tools/ghtraf/releases"
        );
        assert!(check_releases_url("http://127.0.0.1:8080/r").is_ok());
        for bad in [
            "",
            "ftp://x/y",
            "https://",
            "https:///x",
            "https://x/\"; rm -rf ~",
            "https://x/${{ secrets.T }}",
            "https://x/a b",
            "https://x/$(id)",
            "https://user:secret@x/releases",
        ] {
            assert!(check_releases_url(bad).is_err(), "{bad}");
        }
        let e = check_releases_url("https://user:secret@x/releases").unwrap_err();
        assert!(!format!("{e:?}").contains("secret"), "{e:?}");
    }
}
