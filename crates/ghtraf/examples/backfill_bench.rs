//! Measures `ghtraf backfill --from stars` end to end (observe, plan, write, verify) for a
//! repository with 40,000 stargazers (GitHub's 400-page cap) against fakehub at 50 ms latency
//! per request: the requests made and the wall time. REST stargazer pages are numbered, so
//! the client fetches pages 2..400 at once once page 1 names the last; GraphQL's cursor pages
//! would have to come one after another (400 × 50 ms ≥ 20 s).
//! Run: `cargo run -p ghtraf --example backfill_bench --release`.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fakehub::{Config, FakeHub, World};
use ghtraf::app::{run, Io};
use ghtraf::prompt::ScriptedPrompter;

const LATENCY: Duration = Duration::from_millis(50);
const STARS: usize = 40_000;
const NOW: &str = "2026-03-10T03:00:00Z";

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    }
}

fn ghtraf(hub: &FakeHub, dir: &Path, args: &[&str]) -> Result<String, String> {
    let url = hub.url();
    let env = move |k: &str| match k {
        "GHTRAF_API_URL" => Some(url.clone()),
        "GH_TOKEN" => Some("bench-token".to_string()),
        "GHTRAF_GIST_TOKEN" => Some("workflow-token".to_string()),
        "GHTRAF_NOW" => Some(NOW.to_string()),
        "CI" => Some("true".to_string()),
        _ => None,
    };
    let (out, err) = (Sink::default(), Sink::default());
    let io = Io {
        env: Arc::new(env),
        cwd: PathBuf::from(dir),
        stdin: Box::new(std::io::empty()),
        stdout: Box::new(out.clone()),
        stderr: Box::new(err.clone()),
        stdin_is_tty: false,
        stdout_is_tty: false,
        stderr_is_tty: false,
        prompter: Arc::new(ScriptedPrompter::new(Vec::<String>::new())),
        gh_cli: Arc::new(|| None),
    };
    let mut argv: Vec<OsString> = vec!["ghtraf".into()];
    argv.extend(args.iter().map(OsString::from));
    match run(argv, io) {
        0 => Ok(out.text()),
        code => Err(format!("ghtraf {args:?} exited {code}: {}", err.text())),
    }
}

/// One fresh deployment, then `backfill --from stars` timed at `latency`.
fn measure(latency: Duration) -> Result<(), Box<dyn std::error::Error>> {
    let mut world = World::demo_on("2026-03-10")?;
    if let Some(repo) = world.repos.get_mut("octo/demo") {
        repo.stargazers.clear();
    }
    world.add_stargazers("octo/demo", STARS);
    let hub = FakeHub::start(Config {
        world,
        ..Config::default()
    })?;
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join(".git"))?;
    ghtraf(&hub, dir.path(), &["create", "-n", "--repo", "octo/demo"])?;
    ghtraf(&hub, dir.path(), &["collect", "-n"])?;

    hub.set_latency(latency);
    hub.clear_log();
    let started = Instant::now();
    ghtraf(&hub, dir.path(), &["backfill", "-n", "--from", "stars"])?;
    let elapsed = started.elapsed();
    let requests = hub.requests();
    let pages = requests
        .iter()
        .filter(|r| r.path.ends_with("/stargazers"))
        .count();
    println!(
        "backfill --from stars, {STARS} stargazers at {:>2} ms latency: {} requests \
         ({pages} stargazer pages), {} ms wall time",
        latency.as_millis(),
        requests.len(),
        elapsed.as_millis()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Without latency: what fakehub and ghtraf themselves cost on this machine.
    measure(Duration::ZERO)?;
    measure(LATENCY)
}
