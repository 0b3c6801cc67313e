//! How `init` renders the workflow's install step and records the install choice in
//! `.ghtraf.json`: the verified release download by default, a custom command kept, and the
//! old `cargo install` default of earlier versions not mistaken for the user's choice.
//! (The step's script itself runs against a loopback release in tests/workflow.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

fn init(dir: &Path, flags: &[&str]) {
    let out = run_init(dir, flags);
    assert!(out.status.success(), "{out:?}");
}

fn run_init(dir: &Path, flags: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ghtraf"))
        .args([
            "init",
            "-n",
            "-Q",
            "--force",
            "--repo",
            "octo/demo",
            "--repo-dir",
        ])
        .arg(dir)
        .args(flags)
        .env("GHTRAF_NOW", "2026-02-26T03:00:00Z")
        .env_remove("GHTRAF_API_URL")
        .env_remove("GH_HOST")
        .output()
        .unwrap()
}

fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn workflow(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".github/workflows/traffic-badges.yml")).unwrap()
}

fn config(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(".ghtraf.json")).unwrap()).unwrap()
}

#[test]
fn the_default_step_downloads_the_release_binary_and_checks_it() {
    let dir = checkout();
    init(dir.path(), &[]);
    let wf = workflow(dir.path());
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        wf.contains(&format!("GHTRAF_VERSION: \"{version}\"")),
        "{wf}"
    );
    assert!(
        wf.contains("GHTRAF_RELEASES: \"https://github.com/ghtraf/ghtraf/releases\""),
        "{wf}"
    );
    // The whole script is inside the `run: |` block, indented like its first line.
    let script: Vec<&str> = wf
        .lines()
        .skip_while(|l| !l.contains("- name: Install ghtraf"))
        .skip_while(|l| l.trim() != "run: |")
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with("          "))
        .collect();
    let script = script.join("\n");
    assert!(script.contains("sha256sum"), "{script}");
    assert!(script.contains("cargo install ghtraf --version \"$version\" --locked"));
    assert!(script.contains(r#""$dest/ghtraf" --version"#), "{script}");
    assert!(!wf.contains(&format!("cargo install ghtraf --version {version}")));
    assert!(
        config(dir.path()).get("installCommand").is_none(),
        "the default is not pinned into .ghtraf.json"
    );
}

#[test]
fn a_custom_install_command_replaces_the_step_and_is_kept() {
    let dir = checkout();
    let custom = "cargo binstall ghtraf --no-confirm";
    init(dir.path(), &["--install-command", custom]);
    assert!(workflow(dir.path()).contains(&format!("        run: |\n          {custom}\n")));
    assert!(!workflow(dir.path()).contains("SHA256SUMS\""));
    assert_eq!(config(dir.path())["installCommand"], custom);
    // A later run without the flag keeps the recorded choice.
    init(dir.path(), &[]);
    assert!(workflow(dir.path()).contains(custom));
    assert_eq!(config(dir.path())["installCommand"], custom);
}

#[test]
fn the_old_cargo_install_default_gives_way_to_the_release_binary() {
    let dir = checkout();
    std::fs::write(
        dir.path().join(".ghtraf.json"),
        r#"{"owner": "octo", "repo": "demo", "installCommand": "cargo install ghtraf --version 0.0.9 --locked"}"#,
    )
    .unwrap();
    init(dir.path(), &[]);
    let wf = workflow(dir.path());
    assert!(!wf.contains("--version 0.0.9"), "{wf}");
    assert!(wf.contains("GHTRAF_RELEASES:"), "{wf}");
    assert!(config(dir.path()).get("installCommand").is_none());
}

#[test]
fn the_release_location_is_a_flag_recorded_in_the_config() {
    let dir = checkout();
    let mirror = "https://ghe.example.com/tools/ghtraf/releases";
    init(dir.path(), &["--releases-url", &format!("{mirror}/")]);
    assert!(
        workflow(dir.path()).contains(&format!("GHTRAF_RELEASES: \"{mirror}\"\n")),
        "{}",
        workflow(dir.path())
    );
    assert_eq!(config(dir.path())["releasesUrl"], mirror);
    // Later runs read it from .ghtraf.json.
    init(dir.path(), &[]);
    assert!(workflow(dir.path()).contains(&format!("GHTRAF_RELEASES: \"{mirror}\"")));
    // Back to the default: nothing recorded.
    init(
        dir.path(),
        &[
            "--releases-url",
            "https://github.com/ghtraf/ghtraf/releases",
        ],
    );
    assert!(config(dir.path()).get("releasesUrl").is_none());
}

#[test]
fn a_release_location_that_is_not_a_plain_url_is_refused_before_anything_is_written() {
    let dir = checkout();
    for bad in [
        "ghe.example.com/releases",
        "https://x/\"; curl evil | sh; \"",
        "https://user:token@ghe.example.com/releases",
    ] {
        let out = run_init(dir.path(), &["--releases-url", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is not a plain http(s) URL")
                || stderr.contains("must not carry credentials"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("token@"),
            "the URL's credentials are not echoed: {stderr}"
        );
        assert!(!dir.path().join(".github").exists(), "nothing written");
    }
}

#[test]
fn a_bad_release_location_in_the_config_names_the_file_and_key() {
    let dir = checkout();
    let cfg = r#"{"owner": "octo", "repo": "demo", "releasesUrl": "https://x/$(id)"}"#;
    std::fs::write(dir.path().join(".ghtraf.json"), cfg).unwrap();
    let out = run_init(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".ghtraf.json: key \"releasesUrl\""),
        "{stderr}"
    );
    assert!(!dir.path().join(".github").exists(), "nothing written");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".ghtraf.json")).unwrap(),
        cfg,
        "the config is left as it was"
    );
}
