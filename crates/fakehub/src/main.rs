//! The fakehub binary: serves a fake GitHub on loopback for the README demo, the dashboard's
//! browser tests and manual poking. Prints the base URL first so scripts can start it on
//! port 0 and read where it listens.

use fakehub::{Config, FakeHub, World};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "usage: fakehub [--port N] [--token T] [--world FILE | --today YYYY-MM-DD] [--latency-ms N] [--api-prefix /api/v3] [--raw-prefix /gist]\n(--port 0 picks a free port; the API base URL is printed as the first line; --today pins the demo world's date, which is otherwise the real one)";

fn parse_args(args: &[String]) -> Result<(Config, u16), String> {
    let mut config = Config::default();
    let mut port = 0u16;
    let mut index = 0;
    while index < args.len() {
        let flag = args[index].as_str();
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let value = args
            .get(index + 1)
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag {
            "--port" => port = value.parse().map_err(|_| format!("bad port: {value}"))?,
            "--token" => config.token = Some(value.clone()),
            "--world" => {
                let text = std::fs::read_to_string(value)
                    .map_err(|e| format!("cannot read {value}: {e}"))?;
                config.world = World::from_json(&text)?;
            }
            "--today" => config.world = World::demo_on(value)?,
            "--latency-ms" => {
                let ms = value.parse().map_err(|_| format!("bad latency: {value}"))?;
                config.latency = Duration::from_millis(ms);
            }
            "--api-prefix" => config.api_prefix = value.clone(),
            "--raw-prefix" => config.raw_prefix = value.clone(),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
        index += 2;
    }
    Ok((config, port))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, port) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let hub = match FakeHub::start_on(config, port) {
        Ok(hub) => hub,
        Err(e) => {
            eprintln!("fakehub: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", hub.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    loop {
        std::thread::park();
    }
}
