//! The dashboard page carries a copy of the config.json deployed beside it (so a
//! first visit asks for the state at once): `create` writes it with the real gist
//! ids, converges on a re-run, updates a page that differs only in that copy
//! without asking, and still keeps (and records) a user's edit of the page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use crate::common::*;
use fakehub::{Config, FakeHub, World};

const PAGE: &str = "docs/stats/index.html";
const CONFIG: &str = "docs/stats/config.json";
const OPEN: &str = r#"<script type="application/json" id="ghtraf-deployed-config">"#;

fn hub() -> FakeHub {
    FakeHub::start(Config {
        world: World::empty_repo("octo", "demo"),
        ..Config::default()
    })
    .unwrap()
}

fn create(hub: &FakeHub, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["create", "-n", "--repo", "octo/demo"];
    args.extend_from_slice(extra);
    on(hub).gist_token(GIST_TOKEN).run(dir, &args)
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

/// The page's copy of config.json, as the browser reads it.
fn copy_in_page(page: &str) -> serde_json::Value {
    let start = page.find(OPEN).expect("the page has the element") + OPEN.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

fn with_copy(page: &str, copy: &str) -> String {
    let start = page.find(OPEN).unwrap() + OPEN.len();
    let end = start + page[start..].find("</script>").unwrap();
    format!("{}{copy}{}", &page[..start], &page[end..])
}

#[test]
fn create_writes_config_json_into_the_page_with_the_new_gist_ids_and_converges() {
    let hub = hub();
    let dir = checkout();
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let page = read(dir.path(), PAGE);
    let config: serde_json::Value = serde_json::from_str(&read(dir.path(), CONFIG)).unwrap();
    assert_eq!(copy_in_page(&page), config);
    // The ids of the gists this run created, not markers or "known after apply".
    let badge = config["badgeGistId"].as_str().unwrap();
    assert!(hub.state()["gists"].get(badge).is_some(), "{config}");
    assert!(!page.contains("@@ghtraf"), "a marker was left in the page");

    hub.clear_log();
    let again = create(&hub, dir.path(), &[]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(hub.mutations().is_empty(), "{:#?}", hub.mutations());
    assert_eq!(
        read(dir.path(), PAGE),
        page,
        "a re-run leaves the page alone"
    );
}

#[test]
fn a_page_that_differs_only_in_its_copy_is_updated_without_asking_or_keeping() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    let page = read(dir.path(), PAGE);
    std::fs::write(
        dir.path().join(PAGE),
        with_copy(&page, r#"{"badgeGistId":"moved"}"#),
    )
    .unwrap();

    let dry = create(&hub, dir.path(), &["--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout
            .contains("update the copy of config.json it carries"),
        "{}",
        dry.stdout
    );
    assert!(!dry.stdout.contains("kept"), "{}", dry.stdout);

    // Non-interactive, where an edited template would be kept: this one is ours.
    let out = create(&hub, dir.path(), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(dir.path(), PAGE), page);
    let project: serde_json::Value =
        serde_json::from_str(&read(dir.path(), ".ghtraf.json")).unwrap();
    assert!(project.get("keptEdits").is_none(), "{project}");
}

#[test]
fn an_edit_of_the_page_is_kept_and_recorded_against_the_template_not_the_gist_ids() {
    let hub = hub();
    let dir = checkout();
    assert_eq!(create(&hub, dir.path(), &[]).code, 0);
    let page = read(dir.path(), PAGE);
    let edited = page.replace("</body>", "<!-- my own footer -->\n</body>");
    assert_ne!(edited, page);
    std::fs::write(dir.path().join(PAGE), &edited).unwrap();

    let out = create(&hub, dir.path(), &["--skip-existing"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(dir.path(), PAGE), edited, "the edit is kept");
    let project: serde_json::Value =
        serde_json::from_str(&read(dir.path(), ".ghtraf.json")).unwrap();
    let kept = &project["keptEdits"][PAGE];
    // The template's hash is the page with its copy emptied, as shipped.
    let template = with_copy(&page, "null");
    assert_eq!(
        kept["template_sha256"]
            .as_str()
            .or(kept["templateSha256"].as_str()),
        Some(ghtraf::fsio::sha256_hex(template.as_bytes()).as_str()),
        "{project}"
    );
    let verify = on(&hub).run(dir.path(), &["verify", "--format", "json"]);
    let doc = json(&verify);
    assert!(
        doc["kept"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["path"] == PAGE && k["state"] == "kept"),
        "{}",
        verify.stdout
    );
}
