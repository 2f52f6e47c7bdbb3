//! End to end: two real dashboards (each in its own tmux server) and an export on one profile at
//! once. The second dashboard says another topogy is syncing and shows its results; the export
//! waits for the lock and is exact; both dashboards end up showing the same table. Skipped (with
//! a message) only when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step should stop the test loudly

mod common;

use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use serde_json::Value;
use topogy::sim::{self, Fault, SimConfig};

use common::tmux::{Tmux, quoted, range_on_tab_bar, tmux_installed};
use common::{assert_developers, expected_developers, topogy};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// A dashboard in a tmux server of its own, on the shared private data directory `home`.
fn dashboard(dir: &Path, name: &str, home: &Path, url: &str) -> Tmux {
    let tmux = Tmux {
        socket: dir.join(format!("{name}.sock")),
    };
    let script = format!(
        "{bin}; echo 'topogy has quit'; exec sleep 600",
        bin = quoted(Path::new(env!("CARGO_BIN_EXE_topogy")))
    );
    let started = tmux
        .command()
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("TOPOGY_KEYRING", "off")
        .env("TOPOGY_BASE_URL", url)
        .env("TOPOGY_API_KEY", sim::DEMO_KEY)
        .env("TOPOGY_RPM", "1000")
        .args(["new-session", "-d", "-s", "e2e", "-x"])
        .arg(WIDTH.to_string())
        .arg("-y")
        .arg(HEIGHT.to_string())
        .arg(script)
        .output()
        .unwrap();
    assert!(
        started.status.success(),
        "tmux new-session failed: {}",
        String::from_utf8_lossy(&started.stderr)
    );
    tmux
}

/// The Developers table's rows (without the pane's footer), as drawn.
fn table(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("│Person"))
        .take_while(|l| l.starts_with('│') && !l.contains("s/S sort"))
        .map(str::to_owned)
        .collect()
}

/// Polls `ready` on `tmux`'s screen for up to `within` (longer than one step's timeout).
fn wait_long(tmux: &Tmux, what: &str, within: StdDuration, ready: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let screen = tmux.screen();
        if ready(&screen) {
            return screen;
        }
        assert!(
            started.elapsed() < within,
            "timed out waiting for {what}; the screen shows:\n{screen}"
        );
        std::thread::sleep(StdDuration::from_millis(200));
    }
}

#[test]
fn two_dashboards_and_an_export_on_one_profile_at_once() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Slow answers (1.5 s each) at first, so the first dashboard is still syncing when the
    // others start.
    let sim = runtime
        .block_on(sim::spawn(SimConfig {
            users: 40,
            fault: Some(Fault::Slow),
            requests_per_window: 100_000,
            ..SimConfig::default()
        }))
        .unwrap();
    let url = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    let first = dashboard(dir.path(), "first", &home, &url);
    let screen = first.wait_for("the first dashboard syncing", |s| {
        s.lines().last().is_some_and(|l| l.contains("syncing"))
    });
    let (range_from, range_to) = range_on_tab_bar(&screen);
    let second = dashboard(dir.path(), "second", &home, &url);
    // A loaded machine starts the second (debug) binary slowly: a longer wait than one step's.
    let waiting = wait_long(
        &second,
        "the second dashboard waiting",
        StdDuration::from_secs(60),
        |s| {
            s.lines()
                .last()
                .is_some_and(|l| l.contains("another topogy is syncing: showing its results"))
        },
    );
    assert!(!waiting.contains("locked"), "{waiting}");

    // An export beside them: it waits for the lock, then is exact.
    let today = Utc::now().date_naive();
    let (from, to) = (today - Duration::days(31), today - Duration::days(2));
    let (f, t) = (from.to_string(), to.to_string());
    let export = {
        let (home, url) = (home.clone(), url.clone());
        std::thread::spawn(move || {
            topogy(
                &home,
                &["export", "developers", "--from", &f, "--to", &t],
                &[
                    ("TOPOGY_BASE_URL", url.as_str()),
                    ("TOPOGY_API_KEY", sim::DEMO_KEY),
                    ("TOPOGY_KEYRING", "off"),
                    ("TOPOGY_RPM", "1000"),
                ],
                None,
            )
        })
    };
    std::thread::sleep(StdDuration::from_secs(2));
    sim.set_fault(None);
    let out = export.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("locked"), "{stderr}");
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_developers(
        &rows,
        &expected_developers(sim.org(), from, to, to),
        "export beside two dashboards",
    );

    // Both dashboards end up showing the same people and numbers.
    let expected = expected_developers(
        sim.org(),
        range_from,
        range_to - Duration::days(2),
        range_to,
    );
    let title = format!("Developers ({})", expected.len());
    let mut tables = Vec::new();
    for tmux in [&first, &second] {
        tmux.keys(&["2"]);
        let screen = wait_long(tmux, &title, StdDuration::from_secs(90), |s| {
            s.contains(&title)
                && s.lines()
                    .last()
                    .is_some_and(|l| !l.contains("another topogy"))
        });
        tables.push(table(&screen));
    }
    assert!(tables[0].len() > 10, "{:?}", tables[0]);
    assert_eq!(tables[0], tables[1], "both dashboards show the same table");
    for tmux in [&first, &second] {
        tmux.keys(&["q"]);
        tmux.wait_for_text("topogy has quit");
    }
    sim.shutdown();
}
