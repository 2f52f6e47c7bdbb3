//! `topogy collect` as a child process: started against a simulator with the key in the
//! environment, its standard error read line by line, ended with SIGTERM.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses a subset

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::Duration as StdDuration;

use topogy::sim::{self, Fault, SimConfig, SimHandle, SyntheticOrg};

/// How long a step may take before the test gives up (a hang, not a slow machine).
pub const GIVE_UP: StdDuration = StdDuration::from_secs(300);

/// A 40-person simulator whose limit never gets in the way.
pub async fn simulator(fault: Option<Fault>) -> SimHandle {
    sim::spawn(SimConfig {
        users: 40,
        requests_per_window: 100_000,
        fault,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// The key and the simulator's address, as a service's environment would give them.
pub fn env(sim: &SimHandle) -> Vec<(&'static str, String)> {
    vec![
        ("TOPOGY_BASE_URL", sim.base_url()),
        ("TOPOGY_API_KEY", sim::DEMO_KEY.to_owned()),
        ("TOPOGY_RPM", "10000".to_owned()),
        ("TOPOGY_KEYRING", "off".to_owned()),
    ]
}

/// A running collector whose standard error is read line by line.
pub struct Collector {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Collector {
    pub fn start(data: &Path, sim: &SimHandle, args: &[&str]) -> Collector {
        Collector::start_with(data, sim, args, &[])
    }

    /// [`Collector::start`] with more environment (e.g. `TOPOGY_STORE`).
    pub fn start_with(
        data: &Path,
        sim: &SimHandle,
        args: &[&str],
        extra: &[(&str, &str)],
    ) -> Collector {
        let env = env(sim);
        let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(extra);
        let mut all = vec!["collect"];
        all.extend_from_slice(args);
        let mut child = super::topogy_command(data, &all, &env).spawn().unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Collector {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first line of standard error from now on that holds `text`.
    pub fn wait_for(&mut self, text: &str) -> String {
        loop {
            match self.lines.recv_timeout(GIVE_UP) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "no line with {text:?} ({e}); so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Sends SIGTERM and returns the exit status.
    pub fn terminate(mut self) -> Option<i32> {
        let sent = Command::new("kill")
            .args(["-s", "TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                eprintln!("collect ended {:?} after SIGTERM", started.elapsed());
                return status.code();
            }
            if started.elapsed() > GIVE_UP {
                self.child.kill().unwrap();
                panic!("collect did not end after SIGTERM");
            }
            std::thread::sleep(StdDuration::from_millis(50));
        }
    }

    /// The collector's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Ends the collector at once with SIGKILL, as a crash or the OOM killer would.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for the collector to end by itself; returns the exit status.
    pub fn wait(mut self) -> Option<i32> {
        self.child.wait().unwrap().code()
    }

    /// The metrics address announced on standard error.
    pub fn metrics_url(&mut self) -> String {
        let line = self.wait_for("serving OpenMetrics at ");
        let url = line.split("serving OpenMetrics at ").nth(1).unwrap();
        url.split_whitespace().next().unwrap().to_owned()
    }
}

/// `topogy collect --once` (plus `args`), on a blocking thread.
pub async fn collect_once(data: &Path, sim: &SimHandle, args: &[&str]) -> std::process::Output {
    collect_once_with(data, sim, args, &[]).await
}

/// [`collect_once`] with more environment (e.g. `TOPOGY_STORE`).
pub async fn collect_once_with(
    data: &Path,
    sim: &SimHandle,
    args: &[&str],
    extra: &[(&'static str, &str)],
) -> std::process::Output {
    let mut all = vec!["collect", "--once"];
    all.extend_from_slice(args);
    let (data, mut env) = (data.to_path_buf(), env(sim));
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let all: Vec<String> = all.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        super::topogy(&data, &all, &env, None)
    })
    .await
    .unwrap()
}

/// The organization's store inside the private data directory.
pub fn store_path(data: &Path, org: &SyntheticOrg) -> PathBuf {
    data.join("data/topogy/default/orgs")
        .join(org.organization_id())
        .join("topogy.db")
}
