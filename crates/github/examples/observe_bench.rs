//! Measures why `fan_out` exists: observing 50 repositories (variables + secret metadata each,
//! plus the gist list) against fakehub with 50 ms latency per request, sequentially and with
//! 8 requests in flight. Run: `cargo run --release -p ghtraf-github --example observe_bench`.

use fakehub::{Config, FakeHub, Repo, World};
use ghtraf_github::{fan_out, Client, ClientConfig, GitHubRead, RepoRef, Token, DEFAULT_FAN_OUT};
use std::time::{Duration, Instant};

const REPOS: usize = 50;
const LATENCY: Duration = Duration::from_millis(50);

fn observe(client: &Client, repo: &RepoRef) -> Result<(usize, bool), ghtraf_github::Error> {
    let variables = client.list_variables(repo)?;
    let secret = client.secret(repo, "TRAFFIC_TOKEN")?;
    Ok((variables.len(), secret.is_some()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut world = World::empty_repo("octo", "r00");
    for n in 1..REPOS {
        world.repos.insert(format!("octo/r{n:02}"), Repo::default());
    }
    let hub = FakeHub::start(Config {
        token: Some("bench-token".to_string()),
        world,
        latency: LATENCY,
        ..Config::default()
    })?;
    for n in 0..REPOS {
        hub.set_variable("octo", &format!("r{n:02}"), "TRAFFIC_GIST_ID", "abc");
    }
    let client = Client::new(ClientConfig::new(
        hub.url(),
        Token::new("bench-token"),
        "ghtraf/bench",
    ))?;
    let repos: Vec<RepoRef> = (0..REPOS)
        .map(|n| RepoRef::parse(&format!("octo/r{n:02}")))
        .collect::<Result<_, _>>()?;

    let started = Instant::now();
    let gists = client.list_gists()?.len();
    let sequential: Vec<_> = repos
        .iter()
        .map(|r| observe(&client, r))
        .collect::<Result<_, _>>()?;
    let sequential_time = started.elapsed();

    let started = Instant::now();
    let tasks: Vec<Option<&RepoRef>> = std::iter::once(None)
        .chain(repos.iter().map(Some))
        .collect();
    let results = fan_out(&tasks, DEFAULT_FAN_OUT, |task| match task {
        None => client.list_gists().map(|g| (g.len(), false)),
        Some(repo) => observe(&client, repo),
    });
    let parallel: Vec<_> = results.into_iter().collect::<Result<_, _>>()?;
    let parallel_time = started.elapsed();

    assert_eq!(&parallel[1..], &sequential[..]);
    let requests = 1 + 2 * REPOS;
    println!(
        "observe {REPOS} repos ({requests} requests, {} ms latency each, {gists} gists)",
        LATENCY.as_millis()
    );
    println!("sequential:   {:>6} ms", sequential_time.as_millis());
    println!(
        "fan_out({DEFAULT_FAN_OUT}):   {:>6} ms",
        parallel_time.as_millis()
    );
    println!(
        "speed-up:     {:>6.1}x",
        sequential_time.as_secs_f64() / parallel_time.as_secs_f64()
    );
    Ok(())
}
