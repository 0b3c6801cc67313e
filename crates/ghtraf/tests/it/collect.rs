//! `ghtraf collect` and `export` through the binary against fakehub: a
//! multi-week simulation with a month boundary and API glitches, idempotence,
//! unreadable states left untouched, import of the original tool's states,
//! and the deployed workflow's own steps run against the fake.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use fakehub::FakeHub;
use serde_json::json;

fn set_up(hub: &FakeHub, now: &str) -> tempfile::TempDir {
    let dir = checkout();
    let out = on(hub)
        .now(now)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["create", "-n", "--repo", "octo/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    dir
}

fn traffic_day(hub: &FakeHub, date: &str, clones: u64, views: u64) {
    hub.patch_world(json!({"repos": {"octo/demo": {"traffic": {date: {
        "clones": clones, "clone_uniques": clones / 2, "views": views, "view_uniques": views / 3
    }}}}}))
    .unwrap();
}

fn export(hub: &FakeHub, dir: &Path, now: &str) -> BTreeMap<String, serde_json::Value> {
    let out = on(hub)
        .now(now)
        .gist_token(GIST_TOKEN)
        .run(dir, &["export", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = doc["days"].as_array().unwrap().clone();
    rows.into_iter()
        .map(|r| (r["date"].as_str().unwrap().to_string(), r))
        .collect()
}

fn gist_file(hub: &FakeHub, description: &str, file: &str) -> Option<String> {
    let state = hub.state();
    let gists = state["gists"].as_object().unwrap();
    gists
        .values()
        .find(|g| g["description"] == description)
        .and_then(|g| g["files"][file].as_str().map(str::to_string))
}

fn date_plus(start: &str, days: i64) -> String {
    let d = time::Date::parse(
        start,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
        + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[test]
fn collect_is_idempotent_and_its_dry_run_is_inert() {
    let hub = hub_on("2026-02-10");
    let now = "2026-02-10T03:00:00Z";
    for i in 0..14 {
        traffic_day(&hub, &date_plus("2026-01-28", i), 10 + i as u64, 50);
    }
    let dir = set_up(&hub, now);
    hub.clear_log();
    let dry = on(&hub)
        .now(now)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["collect", "-n", "--dry-run", "-v"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(hub.mutations().is_empty());
    assert!(dry.stdout.contains("gist:update:badges"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("2026-02-09 added"),
        "details list the days: {}",
        dry.stdout
    );

    let dry_json = json(&on(&hub).now(now).gist_token(GIST_TOKEN).run(
        dir.path(),
        &["collect", "-n", "--dry-run", "--format", "json"],
    ));
    let first = on(&hub)
        .now(now)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["collect", "-n", "--format", "json"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(hub.mutations().len(), 1, "one PATCH: {:?}", hub.mutations());
    assert_eq!(
        json(&first)["plan"],
        dry_json["plan"],
        "the run made the previewed plan"
    );

    hub.clear_log();
    let later = "2026-02-10T09:00:00Z";
    let again = on(&hub)
        .now(later)
        .gist_token(GIST_TOKEN)
        .run(dir.path(), &["collect", "-n", "--format", "json"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(actions(&json(&again)).iter().all(|(_, op)| op == "skip"));
    assert!(
        hub.mutations().is_empty(),
        "same data twice changes nothing"
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn multi_week_simulation_never_loses_or_lowers_and_archives_months() {
    let start = "2026-01-10";
    let hub = hub_on(start);
    let dir = set_up(&hub, &format!("{start}T03:00:00Z"));
    let mut best: BTreeMap<String, u64> = BTreeMap::new();
    for day in 0..56 {
        let today = date_plus(start, day);
        let now = format!("{today}T03:00:00Z");
        hub.patch_world(json!({"today": today})).unwrap();
        // Yesterday's full figures, today's partial bucket.
        let clones = 5 + (day as u64 * 7) % 23;
        traffic_day(&hub, &date_plus(&today, -1), clones, 40 + day as u64);
        traffic_day(&hub, &today, 1, 2);
        // Glitches: a lower value for an older day, and a day missing from the window.
        if day % 9 == 4 {
            traffic_day(&hub, &date_plus(&today, -5), 0, 0);
        }
        if day % 11 == 6 {
            hub.patch_world(
                json!({"repos": {"octo/demo": {"traffic": {date_plus(&today, -3): null}}}}),
            )
            .unwrap();
        }
        // What GitHub shows now, folded into the best value ever reported.
        let state = hub.state();
        let traffic = state["repos"]["octo/demo"]["traffic"]
            .as_object()
            .unwrap()
            .clone();
        for back in 0..14 {
            let d = date_plus(&today, -back);
            if let Some(t) = traffic.get(&d) {
                let c = t["clones"].as_u64().unwrap_or(0);
                let e = best.entry(d).or_insert(0);
                *e = (*e).max(c);
            }
        }
        let out = on(&hub)
            .now(&now)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["collect", "-n"]);
        assert_eq!(out.code, 0, "day {day}: {out:?}");
        let rows = export(&hub, dir.path(), &now);
        for (date, want) in &best {
            let got = rows
                .get(date)
                .unwrap_or_else(|| panic!("day {day}: {date} missing from export"))["clones"]
                .as_u64()
                .unwrap();
            assert_eq!(got, *want, "day {day}: {date} clones");
        }
        let badge = gist_file(&hub, "[GTT] octo/demo · badges", "clones.json").unwrap();
        let badge: serde_json::Value = serde_json::from_str(&badge).unwrap();
        assert_eq!(badge["schemaVersion"], 1);
        let total: u64 = rows
            .values()
            .map(|r| r["organic_clones"].as_u64().unwrap())
            .sum();
        let shown = badge["message"]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .replace(',', "");
        assert_eq!(
            shown.parse::<u64>().unwrap(),
            total,
            "day {day}: clones badge total"
        );
    }
    // January left state.json for its archive file, exactly once, with every day.
    let month = gist_file(&hub, "[GTT] octo/demo · archive", "archive-2026-01.json")
        .expect("January archived");
    let month: serde_json::Value = serde_json::from_str(&month).unwrap();
    let days = month["dailyHistory"].as_array().unwrap();
    assert!(days
        .iter()
        .all(|d| d["date"].as_str().unwrap().starts_with("2026-01")));
    let state = gist_file(&hub, "[GTT] octo/demo · badges", "state.json").unwrap();
    let held: serde_json::Value = serde_json::from_str(&state).unwrap();
    let held = held["dailyHistory"].as_array().unwrap();
    assert!(
        held.iter()
            .all(|d| !d["date"].as_str().unwrap().starts_with("2026-01")),
        "January days left state.json: {:?}",
        held.iter().map(|d| d["date"].clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        days.len(),
        23,
        "January 9..31 (day 0 reported the 9th) archived"
    );
    // Beside it, the dashboard's one-request copy: the month as its file says, and the
    // state's archive record to tell a current copy from a stale one.
    let recent = gist_file(&hub, "[GTT] octo/demo · archive", "archive-recent.json")
        .expect("archive-recent.json written with the month");
    let recent: serde_json::Value = serde_json::from_str(&recent).unwrap();
    assert_eq!(recent["months"], json!([month]));
    let stored: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(recent["archived"], stored["archived"]);
    assert_eq!(recent["repo"], "octo/demo");
    assert!(state.len() < 100_000);
    // A deployment from before the file (or after a backfill rewrote a month): the next run
    // writes it from the month files, and the run after that writes nothing more.
    let archive_id = hub.state()["gists"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, g)| g["description"] == "[GTT] octo/demo · archive")
        .map(|(id, _)| id.clone())
        .unwrap();
    hub.patch_world(json!({"gists": {&archive_id: {"files": {"archive-recent.json": null}}}}))
        .unwrap();
    assert_eq!(
        gist_file(&hub, "[GTT] octo/demo · archive", "archive-recent.json"),
        None
    );
    let last = format!("{}T09:00:00Z", date_plus(start, 55));
    for run in 0..2 {
        hub.clear_log();
        let out = on(&hub)
            .now(&last)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["collect", "-n"]);
        assert_eq!(out.code, 0, "{out:?}");
        let archive_writes = hub
            .mutations()
            .iter()
            .filter(|r| r.path.ends_with(&archive_id))
            .count();
        assert_eq!(archive_writes, usize::from(run == 0), "run {run}");
    }
    let rewritten = gist_file(&hub, "[GTT] octo/demo · archive", "archive-recent.json").unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&rewritten).unwrap(),
        recent
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

fn put_state(hub: &FakeHub, text: &str) {
    let state = hub.state();
    let id = state["gists"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, g)| g["description"] == "[GTT] octo/demo · badges")
        .map(|(id, _)| id.clone())
        .unwrap();
    hub.patch_world(json!({"gists": {id: {"files": {"state.json": text}}}}))
        .unwrap();
}

#[test]
fn an_unreadable_state_stops_the_run_and_is_left_untouched() {
    let hub = hub_on("2026-02-10");
    let now = "2026-02-10T03:00:00Z";
    traffic_day(&hub, "2026-02-09", 9, 9);
    let dir = set_up(&hub, now);
    for bad in [
        "{\"schemaVersion\": 4, \"dailyHistory\": [",
        "{\"schemaVersion\": 4, \"dailyHistory\": \"nope\"}",
        "{\"schemaVersion\": 99}",
        "<html>rate limited</html>",
    ] {
        put_state(&hub, bad);
        hub.clear_log();
        let out = on(&hub)
            .now(now)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["collect", "-n"]);
        assert_eq!(out.code, 1, "{bad}: {out:?}");
        assert!(
            out.stderr.contains("gist"),
            "names the gist: {}",
            out.stderr
        );
        assert!(out.stderr.contains("left unchanged"), "{}", out.stderr);
        assert!(
            hub.mutations().is_empty(),
            "{bad}: wrote {:?}",
            hub.mutations()
        );
        assert_eq!(
            gist_file(&hub, "[GTT] octo/demo · badges", "state.json").unwrap(),
            bad
        );
    }
}

#[test]
fn an_original_state_is_imported_without_losing_a_day() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/gtt");
    for name in [
        "real-v1-state-a.json",
        "real-v1-state-b.json",
        "synthetic-state.json",
    ] {
        let text = std::fs::read_to_string(fixtures.join(name)).unwrap();
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        let dates: Vec<String> = original["dailyHistory"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["date"].as_str().unwrap()[..10].to_string())
            .collect();
        let hub = hub_on("2026-02-27");
        let now = "2026-02-27T03:00:00Z";
        let dir = set_up(&hub, now);
        put_state(&hub, &text);
        let out = on(&hub)
            .now(now)
            .gist_token(GIST_TOKEN)
            .run(dir.path(), &["collect", "-n"]);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        assert!(
            out.stdout.contains("importing the original"),
            "{name}: {}",
            out.stdout
        );
        let rows = export(&hub, dir.path(), now);
        for (i, date) in dates.iter().enumerate() {
            let row = rows
                .get(date)
                .unwrap_or_else(|| panic!("{name}: {date} lost"));
            let day = &original["dailyHistory"][i];
            assert_eq!(row["clones"], day["clones"], "{name} {date}");
            assert_eq!(row["views"], day["views"], "{name} {date}");
            assert_eq!(
                row["unique_clones"],
                day.get("uniqueClones")
                    .cloned()
                    .unwrap_or(serde_json::Value::Null),
                "{name} {date}: absent stays absent"
            );
        }
        let state = gist_file(&hub, "[GTT] octo/demo · badges", "state.json").unwrap();
        let v: serde_json::Value = serde_json::from_str(&state).unwrap();
        assert_eq!(v["schemaVersion"], 4, "{name}");
        if original.get("baselineNote").is_some() {
            assert!(state.contains("baselineNote"), "{name}: unknown key kept");
        }
    }
}

#[test]
fn the_deployed_workflow_steps_run_against_the_fake() {
    let hub = hub_on("2026-02-10");
    let now = "2026-02-10T03:00:00Z";
    for i in 0..14 {
        traffic_day(&hub, &date_plus("2026-01-28", i), 3 + i as u64, 30);
    }
    let dir = set_up(&hub, now);
    let wf =
        std::fs::read_to_string(dir.path().join(".github/workflows/traffic-badges.yml")).unwrap();
    let state = hub.state();
    let vars = &state["repos"]["octo/demo"]["variables"];
    let var = |name: &str| {
        vars[name]["value"]
            .as_str()
            .or_else(|| vars[name].as_str())
            .unwrap_or_else(|| panic!("variable {name} in {vars}"))
            .to_string()
    };
    // Each `run: |` step after install, with its `env:` mapping resolved the way Actions would.
    let steps = workflow_run_steps(&wf);
    assert!(steps.len() >= 2, "{steps:?}");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ghtraf"))
        .parent()
        .unwrap()
        .to_path_buf();
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    for (name, env, script) in steps.iter().filter(|(n, _, _)| !n.starts_with("Install")) {
        let mut cmd = std::process::Command::new("bash");
        cmd.arg("-euo")
            .arg("pipefail")
            .arg("-c")
            .arg(script.replace("${{ github.repository }}", "octo/demo"));
        cmd.env_clear()
            .env(
                "PATH",
                format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
            )
            .env("GHTRAF_API_URL", hub.url())
            .env("GHTRAF_NOW", now)
            .env("CI", "true")
            .env("RUNNER_TEMP", tmp.path())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .current_dir(tmp.path());
        for (k, v) in env {
            let value = if v.contains("secrets.") {
                API_TOKEN.to_string()
            } else if let Some(name) = v
                .strip_prefix("${{ vars.")
                .and_then(|r| r.strip_suffix(" }}"))
            {
                var(name)
            } else {
                v.clone()
            };
            cmd.env(k, value);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "step {name} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("2026-02-09"), "{summary}");
    let state = gist_file(&hub, "[GTT] octo/demo · badges", "state.json").unwrap();
    assert!(
        state.contains("2026-02-09"),
        "the workflow's collect stored the day"
    );
}

/// (step name, env mapping, run script) of a step with a `run: |` block.
type RunStep = (String, Vec<(String, String)>, String);

fn workflow_run_steps(wf: &str) -> Vec<RunStep> {
    let lines: Vec<&str> = wf.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        if let Some(name) = line.strip_prefix("- name: ") {
            let indent = lines[i].len() - line.len() + 2;
            let mut env = Vec::new();
            let mut script = String::new();
            i += 1;
            while i < lines.len() {
                let l = lines[i];
                let t = l.trim_start();
                if t.starts_with("- name: ") && l.len() - t.len() + 2 == indent {
                    break;
                }
                if t == "env:" {
                    i += 1;
                    while i < lines.len() && lines[i].len() - lines[i].trim_start().len() > indent {
                        if let Some((k, v)) = lines[i].trim().split_once(": ") {
                            env.push((k.to_string(), v.to_string()));
                        }
                        i += 1;
                    }
                    continue;
                }
                if t == "run: |" {
                    i += 1;
                    while i < lines.len()
                        && (lines[i].trim().is_empty()
                            || lines[i].len() - lines[i].trim_start().len() > indent)
                    {
                        script.push_str(lines[i].trim_start());
                        script.push('\n');
                        i += 1;
                    }
                    continue;
                }
                i += 1;
            }
            if !script.is_empty() {
                steps.push((name.to_string(), env, script));
            }
            continue;
        }
        i += 1;
    }
    steps
}
