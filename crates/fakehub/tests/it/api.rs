//! GitHub behaviours ghtraf relies on: status codes, pagination, truncation, secrets,
//! auth rules, request validation, traffic windows, CI runs, contents and the log.

use crate::common::{call, send};
use base64::Engine;
use crypto_box::aead::OsRng;
use fakehub::{Config, FakeHub, World};
use serde_json::{json, Value};
use std::io::{Read, Write};

fn hub_with(world: World) -> FakeHub {
    FakeHub::start(Config {
        world,
        ..Config::default()
    })
    .unwrap()
}

fn demo() -> FakeHub {
    hub_with(World::demo_on("2026-03-10").unwrap())
}

fn next_link(link: Option<&str>) -> Option<String> {
    link?.split(", ").find_map(|part| {
        let (url, rel) = part.split_once("; ")?;
        (rel == "rel=\"next\"").then(|| url.trim_matches(['<', '>']).to_string())
    })
}

#[test]
fn gists_paginate_with_link_headers_and_list_entries_have_no_content() {
    let hub = demo();
    let mut seeded: Vec<String> = (0..5)
        .map(|n| {
            hub.add_gist(
                "octo",
                &format!("g{n}"),
                n % 2 == 0,
                &[("f.json", "{\"n\":1}")],
            )
        })
        .collect();
    hub.add_gist("someone-else", "theirs", true, &[("x.txt", "x")]);
    let mut url = Some(format!("{}/gists?per_page=2", hub.url()));
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(next) = url {
        let reply = send(&crate::common::agent(), "GET", &next, Some("t"), None).unwrap();
        assert_eq!(reply.status, 200);
        for gist in reply.json().as_array().unwrap() {
            assert!(gist["files"]["f.json"].get("content").is_none());
            assert_eq!(gist["owner"]["login"], "octo");
            seen.push(gist["id"].as_str().unwrap().to_string());
        }
        pages += 1;
        if pages == 1 {
            assert!(reply
                .header("link")
                .unwrap()
                .contains("page=3>; rel=\"last\""));
        }
        url = next_link(reply.header("link"));
    }
    assert_eq!(pages, 3);
    seen.sort();
    seeded.sort();
    assert_eq!(seen, seeded);
    assert!(seen
        .iter()
        .all(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())));
}

#[test]
fn gist_per_page_is_capped_at_100() {
    let hub = hub_with(World::default());
    for n in 0..105 {
        hub.add_gist("octo", &format!("g{n}"), false, &[("a", "b")]);
    }
    let reply = call(&hub.url(), "GET", "/gists?per_page=500", None);
    assert_eq!(reply.json().as_array().unwrap().len(), 100);
    assert!(next_link(reply.header("link")).unwrap().contains("page=2"));
}

#[test]
fn large_gist_files_are_truncated_but_raw_url_serves_everything() {
    let hub = demo();
    let big = "x".repeat(1_500_000);
    let id = hub.add_gist(
        "octo",
        "archive",
        false,
        &[("big.json", &big), ("small.json", "{}")],
    );
    let gist = call(&hub.url(), "GET", &format!("/gists/{id}"), None).json();
    let file = &gist["files"]["big.json"];
    assert_eq!(file["truncated"], true);
    assert_eq!(file["content"].as_str().unwrap().len(), 1_048_576);
    assert_eq!(file["size"], 1_500_000);
    assert_eq!(gist["files"]["small.json"]["truncated"], false);
    let raw_url = file["raw_url"].as_str().unwrap();
    // Like GitHub: the raw_url names the revision; the URL without it serves the newest.
    let version = gist["history"][0]["version"].as_str().unwrap();
    assert_eq!(
        raw_url,
        format!("{}/gist-raw/octo/{id}/raw/{version}/big.json", hub.url())
    );
    let latest = format!("{}/gist-raw/octo/{id}/raw/big.json", hub.url());
    let latest = crate::common::agent().get(&latest).call().unwrap();
    assert_eq!(latest.into_string().unwrap().len(), 1_500_000);
    let raw = crate::common::agent().get(raw_url).call().unwrap();
    assert_eq!(raw.header("access-control-allow-origin"), Some("*"));
    assert_eq!(raw.into_string().unwrap().len(), 1_500_000);
    assert!(hub.contract_violations().is_empty());
}

#[test]
fn gist_create_update_delete_follow_github() {
    let hub = demo();
    let b = hub.url();
    let created = call(
        &b,
        "POST",
        "/gists",
        Some(
            json!({"description": "ghtraf", "public": "true", "files": {"a.json": {"content": "1"}, "b.json": {"content": "2"}}}),
        ),
    );
    assert_eq!(created.status, 201);
    let gist = created.json();
    let id = gist["id"].as_str().unwrap();
    assert_eq!(gist["public"], true);
    assert_eq!(gist["owner"]["login"], "octo");
    assert_eq!(
        created.header("location"),
        Some(format!("{b}/gists/{id}").as_str())
    );
    let blank = call(
        &b,
        "POST",
        "/gists",
        Some(json!({"files": {"a.json": {"content": ""}}})),
    );
    assert_eq!(blank.status, 422);
    let patched = call(
        &b,
        "PATCH",
        &format!("/gists/{id}"),
        Some(
            json!({"files": {"a.json": null, "b.json": {"content": "3"}, "c.svg": {"content": "<svg/>"}}}),
        ),
    );
    assert_eq!(patched.status, 200);
    let created_at = gist["created_at"].as_str().unwrap();
    assert!(created_at.starts_with("2026-03-10T12:00:"), "{created_at}");
    assert!(patched.json()["updated_at"].as_str().unwrap() > created_at);
    let files = patched.json()["files"].clone();
    assert!(files.get("a.json").is_none());
    assert_eq!(files["b.json"]["content"], "3");
    assert_eq!(files["c.svg"]["content"], "<svg/>");
    let other = hub.add_gist("someone-else", "x", true, &[("x", "x")]);
    assert_eq!(
        call(
            &b,
            "PATCH",
            &format!("/gists/{other}"),
            Some(json!({"files": {"x": {"content": "y"}}}))
        )
        .status,
        404
    );
    assert_eq!(
        call(&b, "DELETE", &format!("/gists/{id}"), None).status,
        204
    );
    assert_eq!(call(&b, "GET", &format!("/gists/{id}"), None).status, 404);
    assert_eq!(
        call(&b, "DELETE", &format!("/gists/{id}"), None).status,
        404
    );
}

#[test]
fn variables_have_github_status_codes_and_30_per_page() {
    let hub = demo();
    let b = hub.url();
    let path = "/repos/octo/demo/actions/variables";
    assert_eq!(
        call(
            &b,
            "POST",
            path,
            Some(json!({"name": "ghtraf_gist", "value": "abc"}))
        )
        .status,
        201
    );
    assert_eq!(
        call(
            &b,
            "POST",
            path,
            Some(json!({"name": "GHTRAF_GIST", "value": "abc"}))
        )
        .status,
        409
    );
    assert_eq!(
        call(
            &b,
            "POST",
            path,
            Some(json!({"name": "GITHUB_X", "value": "abc"}))
        )
        .status,
        422
    );
    let got = call(&b, "GET", &format!("{path}/ghtraf_gist"), None);
    assert_eq!(got.json()["name"], "GHTRAF_GIST");
    assert_eq!(got.json()["value"], "abc");
    assert_eq!(
        call(
            &b,
            "PATCH",
            &format!("{path}/GHTRAF_GIST"),
            Some(json!({"value": "def"}))
        )
        .status,
        204
    );
    assert_eq!(
        call(&b, "GET", &format!("{path}/GHTRAF_GIST"), None).json()["value"],
        "def"
    );
    assert_eq!(
        call(
            &b,
            "PATCH",
            &format!("{path}/MISSING"),
            Some(json!({"value": "x"}))
        )
        .status,
        404
    );
    for n in 0..35 {
        hub.set_variable("octo", "demo", &format!("V{n:02}"), "x");
    }
    let list = call(&b, "GET", &format!("{path}?per_page=100"), None);
    assert_eq!(list.json()["total_count"], 36, "35 and GHTRAF_GIST");
    assert_eq!(list.json()["variables"].as_array().unwrap().len(), 30);
    assert!(next_link(list.header("link")).unwrap().contains("page=2"));
    assert_eq!(
        call(&b, "GET", "/repos/octo/nope/actions/variables", None).status,
        404
    );
}

fn seal_for(hub: &FakeHub, value: &str) -> (String, Value) {
    let key = call(
        &hub.url(),
        "GET",
        "/repos/octo/demo/actions/secrets/public-key",
        None,
    )
    .json();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key["key"].as_str().unwrap())
        .unwrap();
    let public = crypto_box::PublicKey::from_slice(&bytes).unwrap();
    let sealed = public.seal(&mut OsRng, value.as_bytes()).unwrap();
    (
        base64::engine::general_purpose::STANDARD.encode(sealed),
        key["key_id"].clone(),
    )
}

#[test]
fn secrets_are_opened_with_the_server_key_and_only_visible_to_tests() {
    let hub = demo();
    let b = hub.url();
    let path = "/repos/octo/demo/actions/secrets/GHTRAF_TOKEN";
    let (sealed, key_id) = seal_for(&hub, "ghp_first");
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"encrypted_value": sealed, "key_id": key_id}))
        )
        .status,
        201
    );
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "GHTRAF_TOKEN")
            .as_deref(),
        Some("ghp_first")
    );
    let meta = call(&b, "GET", path, None).json();
    assert_eq!(meta["name"], "GHTRAF_TOKEN");
    assert!(meta.get("value").is_none());
    let (sealed, key_id) = seal_for(&hub, "ghp_second");
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"encrypted_value": sealed, "key_id": key_id}))
        )
        .status,
        204
    );
    assert_eq!(
        hub.secret_plaintext("octo", "demo", "ghtraf_token")
            .as_deref(),
        Some("ghp_second")
    );
    let over_http = crate::common::agent()
        .get(&format!("{b}/_fakehub/secrets/octo/demo/GHTRAF_TOKEN"))
        .call()
        .unwrap();
    assert_eq!(over_http.into_string().unwrap(), "ghp_second");
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"encrypted_value": sealed, "key_id": "wrong"}))
        )
        .status,
        422
    );
    let garbage = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"encrypted_value": garbage, "key_id": key_id}))
        )
        .status,
        422
    );
    assert!(!hub.state().to_string().contains("ghp_second"));
}

#[test]
fn token_rules_and_user_agent_requirement() {
    let hub = FakeHub::start(Config {
        token: Some("good".to_string()),
        ..Config::default()
    })
    .unwrap();
    let url = format!("{}/user", hub.url());
    let agent = crate::common::agent();
    assert_eq!(send(&agent, "GET", &url, None, None).unwrap().status, 401);
    assert_eq!(
        send(&agent, "GET", &url, Some("bad"), None).unwrap().status,
        401
    );
    assert_eq!(
        send(&agent, "GET", &url, Some("good"), None)
            .unwrap()
            .status,
        200
    );
    let classic = agent
        .get(&url)
        .set("User-Agent", "x")
        .set("Authorization", "token good")
        .call()
        .unwrap();
    assert_eq!(classic.status(), 200);

    let open = demo();
    assert_eq!(
        send(
            &agent,
            "GET",
            &format!("{}/user", open.url()),
            Some("anything"),
            None
        )
        .unwrap()
        .status,
        200
    );

    // ureq always sends a User-Agent, so speak HTTP directly.
    let mut stream = std::net::TcpStream::connect(hub.url().trim_start_matches("http://")).unwrap();
    stream.write_all(b"GET /user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
}

#[test]
fn invalid_request_bodies_get_422_and_a_recorded_violation() {
    let hub = demo();
    let b = hub.url();
    let reply = call(
        &b,
        "POST",
        "/gists",
        Some(json!({"description": "no files"})),
    );
    assert_eq!(reply.status, 422);
    assert!(reply.json()["message"].as_str().unwrap().contains("files"));
    let reply = call(
        &b,
        "POST",
        "/repos/octo/demo/actions/variables",
        Some(json!({"name": "A", "value": 5})),
    );
    assert_eq!(reply.status, 422);
    let violations = hub.contract_violations();
    assert_eq!(violations.len(), 2, "{violations:?}");
    assert!(violations[0].starts_with("request gists/create"));
    assert!(violations[1].contains("actions/create-repo-variable"));
    assert!(hub.state()["gists"].as_object().unwrap().is_empty());
}

#[test]
fn traffic_shows_14_days_ending_today_and_follows_world_patches() {
    let hub = demo();
    let b = hub.url();
    let clones = call(&b, "GET", "/repos/octo/demo/traffic/clones", None).json();
    let days = clones["clones"].as_array().unwrap();
    assert_eq!(days.len(), 14);
    assert_eq!(days[0]["timestamp"], "2026-02-25T00:00:00Z");
    assert_eq!(days[13]["timestamp"], "2026-03-10T00:00:00Z");
    let sum: u64 = days.iter().map(|d| d["count"].as_u64().unwrap()).sum();
    assert_eq!(clones["count"], sum);
    hub.patch_world(json!({"today": "2026-03-11", "repos": {"octo/demo": {"traffic": {"2026-03-11": {"views": 999, "view_uniques": 7}}}}})).unwrap();
    let views = call(&b, "GET", "/repos/octo/demo/traffic/views", None).json();
    let days = views["views"].as_array().unwrap();
    assert_eq!(days.last().unwrap()["count"], 999);
    assert_eq!(days[0]["timestamp"], "2026-02-26T00:00:00Z");
    let weekly = call(&b, "GET", "/repos/octo/demo/traffic/views?per=week", None).json();
    for week in weekly["views"].as_array().unwrap() {
        let date = week["timestamp"].as_str().unwrap();
        assert!(
            ["2026-02-23", "2026-03-02", "2026-03-09"]
                .iter()
                .any(|m| date.starts_with(m)),
            "{date}"
        );
    }
    assert_eq!(
        call(
            &b,
            "GET",
            "/repos/octo/demo/traffic/popular/referrers",
            None
        )
        .json()[0]["referrer"],
        "github.com"
    );
    hub.patch_world(json!({"repos": {"octo/demo": {"permissions": {"push": false}}}}))
        .unwrap();
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/traffic/clones", None).status,
        403
    );
    assert!(hub.patch_world(json!({"today": 5})).is_err());
}

#[test]
fn runs_filter_by_created_date_and_jobs_have_checkout_steps() {
    let hub = demo();
    let b = hub.url();
    let runs = call(
        &b,
        "GET",
        "/repos/octo/demo/actions/runs?created=2026-03-01&per_page=100",
        None,
    )
    .json();
    let list = runs["workflow_runs"].as_array().unwrap();
    assert!(!list.is_empty());
    assert_eq!(runs["total_count"], list.len());
    assert!(list
        .iter()
        .all(|r| r["created_at"].as_str().unwrap().starts_with("2026-03-01")));
    let range = call(
        &b,
        "GET",
        "/repos/octo/demo/actions/runs?created=2026-03-01..2026-03-02",
        None,
    )
    .json();
    assert!(range["total_count"].as_u64().unwrap() > list.len() as u64);
    let jobs = call(
        &b,
        "GET",
        &format!("/repos/octo/demo/actions/runs/{}/jobs", list[0]["id"]),
        None,
    )
    .json();
    let steps: Vec<&str> = jobs["jobs"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(steps.contains(&"Run actions/checkout@v4"));
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/actions/runs/1/jobs", None).status,
        404
    );
    let releases = call(&b, "GET", "/repos/octo/demo/releases", None).json();
    assert_eq!(releases[0]["tag_name"], "v1.0.0");
    assert!(releases[0]["assets"][0]["download_count"].as_u64().unwrap() > 0);
}

#[test]
fn contents_and_pages_follow_github() {
    let hub = demo();
    let b = hub.url();
    let path = "/repos/octo/demo/contents/.github/workflows/traffic-badges.yml";
    assert_eq!(call(&b, "GET", path, None).status, 404);
    let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let created = call(
        &b,
        "PUT",
        path,
        Some(json!({"message": "add", "content": encode("name: Traffic badges\n")})),
    );
    assert_eq!(created.status, 201);
    let got = call(&b, "GET", path, None).json();
    let text: String = got["content"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
        b"name: Traffic badges\n"
    );
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"message": "m", "content": encode("x")}))
        )
        .status,
        422
    );
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"message": "m", "content": encode("x"), "sha": "0"}))
        )
        .status,
        409
    );
    assert_eq!(
        call(
            &b,
            "PUT",
            path,
            Some(json!({"message": "m", "content": encode("name: T2\n"), "sha": got["sha"]}))
        )
        .status,
        200
    );
    let workflows = call(&b, "GET", "/repos/octo/demo/actions/workflows", None).json();
    assert!(workflows["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["name"] == "Traffic badges"));
    assert_eq!(call(&b, "GET", "/repos/octo/demo/pages", None).status, 404);
    assert_eq!(
        call(
            &b,
            "PUT",
            "/repos/octo/demo/pages",
            Some(json!({"cname": null}))
        )
        .status,
        404
    );
    let pages = call(
        &b,
        "POST",
        "/repos/octo/demo/pages",
        Some(json!({"source": {"branch": "main", "path": "/docs"}})),
    );
    assert_eq!(pages.status, 201);
    assert_eq!(pages.json()["source"]["path"], "/docs");
    assert_eq!(
        call(
            &b,
            "POST",
            "/repos/octo/demo/pages",
            Some(json!({"build_type": "legacy"}))
        )
        .status,
        409
    );
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo", None).json()["has_pages"],
        true
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn log_keeps_arrival_order_and_flags_mutations() {
    let hub = demo();
    let b = hub.url();
    call(&b, "GET", "/user", None);
    call(
        &b,
        "POST",
        "/repos/octo/demo/actions/variables?x=1",
        Some(json!({"name": "A", "value": "1"})),
    );
    call(&b, "GET", "/no/such/path", None);
    let log = hub.requests();
    let summary: Vec<(&str, &str, u16, bool)> = log
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.status, r.mutation))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("GET", "/user", 200, false),
            ("POST", "/repos/octo/demo/actions/variables", 201, true),
            ("GET", "/no/such/path", 404, false),
        ]
    );
    assert_eq!(log[1].query, "x=1");
    assert_eq!(hub.mutations().len(), 1);
    let over_http: Value = crate::common::agent()
        .get(&format!("{b}/_fakehub/log"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(over_http.as_array().unwrap().len(), 3);
    hub.clear_log();
    assert!(hub.requests().is_empty());
    let state: Value = crate::common::agent()
        .get(&format!("{b}/_fakehub/state"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(state["repos"]["octo/demo"]["variables"]["A"]["value"], "1");
}

#[test]
fn token_scopes_and_admin_rights_are_enforced_like_github() {
    let mut world = World::demo_on("2026-03-10").unwrap();
    world.token_scopes = Some(vec!["public_repo".to_string()]);
    let hub = hub_with(world);
    let b = hub.url();
    let gist = call(
        &b,
        "POST",
        "/gists",
        Some(json!({"files": {"a": {"content": "b"}}})),
    );
    assert_eq!(gist.status, 404);
    assert_eq!(gist.header("x-oauth-scopes"), Some("public_repo"));
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/traffic/views", None).status,
        200
    );
    hub.patch_world(json!({"repos": {"octo/demo": {"private": true}}}))
        .unwrap();
    // A private repository is invisible to a classic token without `repo`, as on GitHub.
    let hidden = call(&b, "GET", "/repos/octo/demo/traffic/views", None);
    assert_eq!(hidden.status, 404);
    hub.patch_world(
        json!({"token_scopes": null, "repos": {"octo/demo": {"permissions": {"admin": false}}}}),
    )
    .unwrap();
    assert_eq!(
        call(
            &b,
            "POST",
            "/gists",
            Some(json!({"files": {"a": {"content": "b"}}}))
        )
        .status,
        201
    );
    assert_eq!(
        call(&b, "GET", "/repos/octo/demo/actions/variables", None).status,
        403
    );
    assert_eq!(
        call(
            &b,
            "GET",
            "/repos/octo/demo/actions/secrets/public-key",
            None
        )
        .status,
        403
    );
    assert!(
        hub.contract_violations().is_empty(),
        "{:?}",
        hub.contract_violations()
    );
}

#[test]
fn config_debug_never_shows_the_token() {
    let config = Config {
        token: Some("ghp_supersecret".to_string()),
        ..Config::default()
    };
    let shown = format!("{config:?}");
    assert!(!shown.contains("ghp_supersecret"));
    assert!(shown.contains("redacted"));
}

#[test]
fn cors_preflight_is_answered() {
    let hub = demo();
    let reply = crate::common::agent()
        .request("OPTIONS", &format!("{}/gists/abc", hub.url()))
        .call()
        .unwrap();
    assert_eq!(reply.status(), 204);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert!(hub.requests().is_empty());
}

#[test]
fn http_1_0_requests_get_the_connection_closed_and_expect_continue_is_honoured() {
    let hub = demo();
    let address = hub.url().trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /user HTTP/1.0\r\nUser-Agent: x\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let body = r#"{"files":{"a.json":{"content":"1"}}}"#;
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let head = format!("POST /gists HTTP/1.1\r\nUser-Agent: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
}

#[test]
fn chunked_request_bodies_are_read() {
    let hub = hub_with(World::empty_repo("alice", "site"));
    let body = r#"{"files":{"state.json":{"content":"{\"v\":4}"}}}"#;
    let reply = crate::common::agent()
        .post(&format!("{}/gists", hub.url()))
        .set("User-Agent", "x")
        .set("Content-Type", "application/json")
        .send(std::io::Cursor::new(body.as_bytes().to_vec()))
        .unwrap();
    assert_eq!(reply.status(), 201);
    let gist: Value = reply.into_json().unwrap();
    assert_eq!(gist["owner"]["login"], "alice");
    assert_eq!(gist["files"]["state.json"]["content"], "{\"v\":4}");
}

/// GitHub resolves owner and repository names ignoring case and answers with
/// the spelling the repository has (issue 11, letter case).
#[test]
fn repository_names_are_case_insensitive_and_answered_canonically() {
    let hub = demo();
    let reply = call(&hub.url(), "GET", "/repos/OCTO/Demo", None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["full_name"], "octo/demo");
    let vars = call(
        &hub.url(),
        "GET",
        "/repos/Octo/DEMO/actions/variables",
        None,
    );
    assert_eq!(vars.status, 200);
    assert_eq!(
        call(&hub.url(), "GET", "/repos/octo/nope", None).status,
        404
    );
}
