//! Measures why list pages are fetched at once: 40,000 stargazers (GitHub's 400-page cap)
//! and an account with hundreds of gists, against fakehub at 50 ms latency per request, with
//! pages one after another (`page_fan_out = 1`, the previous behaviour) and with pages 2..N
//! fetched at once from the first page's `rel="last"` (the default fan-out).
//! Run: `cargo run -p ghtraf-github --example pages_bench` (add `--release` for numbers
//! without debug-build overhead in fakehub).

use fakehub::{Config, FakeHub, World};
use ghtraf_github::{Client, ClientConfig, GitHubRead, RepoRef, Token, DEFAULT_PAGE_FAN_OUT};
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(50);

fn client(hub: &FakeHub, fan_out: usize) -> Result<Client, ghtraf_github::Error> {
    let mut config = ClientConfig::new(hub.url(), Token::new("bench-token"), "ghtraf/bench");
    config.page_fan_out = fan_out;
    Client::new(config)
}

fn measure<T>(
    hub: &FakeHub,
    fan_out: usize,
    label: &str,
    run: impl Fn() -> Result<T, ghtraf_github::Error>,
    size: impl Fn(&T) -> usize,
) -> Result<(), ghtraf_github::Error> {
    hub.clear_log();
    let started = Instant::now();
    let result = run()?;
    let elapsed = started.elapsed();
    let requests = hub.requests().len();
    // Page 1, then the rest in waves of `fan_out`.
    let round_trips = 1 + requests.saturating_sub(1).div_ceil(fan_out.max(1));
    println!(
        "{label}: {} items, {requests} requests in {round_trips} round trips, {} ms",
        size(&result),
        elapsed.as_millis()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut world = World::demo_on("2026-03-10")?;
    if let Some(repo) = world.repos.get_mut("octo/demo") {
        repo.stargazers.clear();
    }
    world.add_stargazers("octo/demo", 40_000);
    let hub = FakeHub::start(Config {
        world,
        latency: LATENCY,
        ..Config::default()
    })?;
    let repo = RepoRef::parse("octo/demo")?;
    println!("40,000 stargazers at {} ms latency:", LATENCY.as_millis());
    for fan_out in [1, DEFAULT_PAGE_FAN_OUT] {
        let client = client(&hub, fan_out)?;
        measure(
            &hub,
            fan_out,
            &format!("  page_fan_out {fan_out:>2}"),
            || client.stargazers(&repo),
            |list| list.stargazers.len(),
        )?;
    }

    let gists = FakeHub::start(Config {
        world: World::many_repos("octo", 300),
        latency: LATENCY,
        ..Config::default()
    })?;
    println!(
        "GET /gists over 600 gists (300 repositories) at {} ms latency:",
        LATENCY.as_millis()
    );
    for fan_out in [1, DEFAULT_PAGE_FAN_OUT] {
        let client = client(&gists, fan_out)?;
        measure(
            &gists,
            fan_out,
            &format!("  page_fan_out {fan_out:>2}"),
            || client.list_gists(),
            Vec::len,
        )?;
    }
    Ok(())
}
