//! Round trips counted without a clock: fakehub holds every answer, and a wave of held
//! requests is released only once the `ghtraf` process can send nothing more without an
//! answer. The count is then the number of releases: it depends on what the client waits for,
//! never on how fast the machine is. (Counting from arrival and answer times at some latency
//! overcounts whenever a thread stalls longer than the latency between two requests sent
//! together, as on a loaded CI runner.)
//!
//! "Can send nothing more" is read from Linux's `/proc`, twice, with the sockets in between:
//! every thread of the client's process group and every fakehub thread of this process is
//! asleep (`S`, or a zombie) in both snapshots with the same context-switch counts (so none
//! ran in between), and no socket of fakehub's port has unread or unacknowledged bytes, a
//! connection to accept or a handshake under way. At the moment the sockets were read, then,
//! nothing was running, and nothing was on its way: only an answer can wake the client.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use fakehub::FakeHub;

use crate::{Output, Run};

/// Per thread (pid, tid): its state letter and voluntary/involuntary context switches.
type Snapshot = BTreeMap<(u32, u32), (char, u64, u64)>;

/// `State:`, `voluntary_ctxt_switches:` and `nonvoluntary_ctxt_switches:` of a task.
fn task_status(task: &Path) -> Option<(char, u64, u64)> {
    let text = std::fs::read_to_string(task.join("status")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
    };
    let state = field("State:")?.chars().next()?;
    let voluntary = field("voluntary_ctxt_switches:")?.parse().ok()?;
    let involuntary = field("nonvoluntary_ctxt_switches:")?.parse().ok()?;
    Some((state, voluntary, involuntary))
}

/// The process group of a process, from `/proc/PID/stat` (after the `(comm)` field).
fn process_group(pid: &str) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(2)?.parse().ok()
}

/// Every thread of the processes in group `group`, and fakehub's threads in this process.
/// None when a file vanished while being read (a thread ended: not quiet).
fn snapshot(group: u32) -> Option<Snapshot> {
    let mut threads = Snapshot::new();
    let own = std::process::id();
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let task = task.ok()?.path();
        let name = std::fs::read_to_string(task.join("comm")).ok()?;
        if name.starts_with("fakehub-") {
            let tid = task.file_name()?.to_str()?.parse().ok()?;
            threads.insert((own, tid), task_status(&task)?);
        }
    }
    for process in std::fs::read_dir("/proc").ok()? {
        let Ok(process) = process else { continue };
        let name = process.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        // Other users' processes and ones that end meanwhile are not the client's.
        if process_group(pid) != Some(group) {
            continue;
        }
        let pid_number = pid.parse().ok()?;
        for task in std::fs::read_dir(process.path().join("task")).ok()? {
            let task = task.ok()?.path();
            let tid = task.file_name()?.to_str()?.parse().ok()?;
            threads.insert((pid_number, tid), task_status(&task)?);
        }
    }
    Some(threads)
}

/// Nothing in flight on `port`: every socket's send and receive queues are empty, no
/// connection waits to be accepted (a listener's receive queue) and none is half-open.
fn sockets_idle(port: u16) -> Result<(), String> {
    let table = std::fs::read_to_string("/proc/net/tcp").map_err(|e| e.to_string())?;
    let port_of = |address: &str| {
        address
            .rsplit(':')
            .next()
            .and_then(|hex| u16::from_str_radix(hex, 16).ok())
    };
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, local, remote, state, queues, ..] = fields.as_slice() else {
            continue;
        };
        if port_of(local) != Some(port) && port_of(remote) != Some(port) {
            continue;
        }
        // 02 SYN_SENT, 03 SYN_RECV: a connection on its way.
        if matches!(*state, "02" | "03") || *queues != "00000000:00000000" {
            return Err(format!(
                "socket {local} -> {remote} (state {state}): {queues}"
            ));
        }
    }
    Ok(())
}

/// Whether the client (process group `group`) and fakehub (on `port`) are all waiting for
/// an answer; Err says what was still moving.
fn quiet(group: u32, port: u16) -> Result<(), String> {
    let before = snapshot(group).ok_or("a thread came or went")?;
    sockets_idle(port)?;
    let after = snapshot(group).ok_or("a thread came or went")?;
    if before != after {
        return Err("a thread ran".into());
    }
    match after
        .iter()
        .find(|(_, (state, ..))| !matches!(state, 'S' | 'Z'))
    {
        Some(((pid, tid), (state, ..))) => Err(format!("thread {pid}/{tid} is {state}")),
        None => Ok(()),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

impl Run {
    /// Runs `ghtraf ARGS` in `dir` against `hub` holding every answer, and returns what it
    /// printed with the number of round trips it took: how many times a wave of requests had
    /// to be answered before the run could go on. Requests sent together are one wave
    /// however slowly they were sent. Linux only (it reads `/proc`). Meant for a hub without
    /// latency or `Delay` faults: a request sleeping in those looks as idle as a held one.
    pub fn run_counting_round_trips(
        &self,
        hub: &FakeHub,
        dir: &Path,
        args: &[&str],
    ) -> (Output, usize) {
        let mut cmd = self.command(dir, args);
        // Its own process group: the client and anything it starts are found by it.
        cmd.process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        hub.hold_answers(true);
        let mut child = cmd.spawn().unwrap();
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let group = child.id();
        let mut round_trips = 0;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if hub.held() > 0 && quiet(group, hub.port()).is_ok() {
                round_trips += 1;
                hub.release_held();
                continue;
            }
            // Polling pace only: what is counted does not depend on it.
            std::thread::sleep(Duration::from_millis(1));
        };
        hub.hold_answers(false);
        let output = Output {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout.join().unwrap()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
        };
        (output, round_trips)
    }
}
