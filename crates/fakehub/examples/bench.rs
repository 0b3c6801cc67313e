//! Measures fakehub's loopback overhead (sequential GET /user on one kept-alive connection,
//! plus a larger gist read) and that injected latency overlaps across parallel requests.
//! Run: `cargo run -p fakehub --example bench [--release]`.

use fakehub::{Config, FakeHub};
use std::time::{Duration, Instant};

fn get(agent: &ureq::Agent, url: &str) -> Result<(), Box<ureq::Error>> {
    agent
        .get(url)
        .set("User-Agent", "fakehub-bench")
        .call()
        .map_err(Box::new)?
        .into_string()
        .map_err(|e| Box::new(ureq::Error::from(e)))?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hub = FakeHub::start(Config::default())?;
    let agent = ureq::AgentBuilder::new().try_proxy_from_env(false).build();
    let user = format!("{}/user", hub.url());
    for _ in 0..50 {
        get(&agent, &user)?;
    }
    let rounds = 1000;
    let started = Instant::now();
    for _ in 0..rounds {
        get(&agent, &user)?;
    }
    let mean = started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
    println!("GET /user x{rounds} sequential: mean {mean:.0} us");

    let state = "x".repeat(200_000);
    let id = hub.add_gist("octo", "state", false, &[("state.json", &state)]);
    let gist = format!("{}/gists/{id}", hub.url());
    let started = Instant::now();
    for _ in 0..100 {
        get(&agent, &gist)?;
    }
    let mean = started.elapsed().as_secs_f64() * 1e6 / 100.0;
    println!("GET /gists/{{id}} (200 kB file) x100 sequential: mean {mean:.0} us");

    hub.set_latency(Duration::from_millis(100));
    let started = Instant::now();
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let url = user.clone();
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().try_proxy_from_env(false).build();
                get(&agent, &url).is_ok()
            })
        })
        .collect();
    let ok = workers
        .into_iter()
        .map(|w| w.join().unwrap_or(false))
        .filter(|ok| *ok)
        .count();
    println!(
        "8 parallel GET /user at 100 ms latency: {ok}/8 ok in {} ms",
        started.elapsed().as_millis()
    );
    println!("contract violations: {}", hub.contract_violations().len());
    Ok(())
}
