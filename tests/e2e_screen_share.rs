//! End to end in tmux, what a support call on a screen share relies on: a failure's whole
//! message stays readable in the message log (`m`) after the status bar has moved on, and a
//! rehearsed fault shows on the first screen even over a store that is already synced; `y` and
//! `Y` put the highlighted e-mail and the doctor report on the clipboard through OSC 52 (tmux,
//! with `set-clipboard on`, keeps what a program sends that way as a paste buffer).
//! Skipped (with a message) only when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step should stop the test loudly

mod common;

use std::path::Path;

use common::tmux::{Tmux, quoted, tmux_installed};

/// Starts `topogy --demo <args>` in a private tmux server (socket `name`) of
/// `width`×`height`, with private HOME and XDG directories under `dir` (the same ones for
/// every server started over `dir`).
fn start_demo(dir: &Path, name: &str, args: &str, (width, height): (u16, u16)) -> Tmux {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let tmux = Tmux {
        socket: dir.join(format!("{name}.sock")),
    };
    let script = format!(
        "{bin} --demo {args}; exec sleep 600",
        bin = quoted(Path::new(env!("CARGO_BIN_EXE_topogy"))),
    );
    let started = tmux
        .command()
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("TOPOGY_RPM", "1000")
        .args(["new-session", "-d", "-s", "e2e", "-x"])
        .arg(width.to_string())
        .arg("-y")
        .arg(height.to_string())
        .arg("-c")
        .arg(&home)
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

#[test]
fn a_failure_is_readable_whole_in_the_message_log() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tmux = start_demo(dir.path(), "tmux", "--fault malformed", (80, 24));
    // The failure is a state of the status bar, not a message that goes after a few seconds.
    let failed = |s: &str| {
        s.lines()
            .last()
            .is_some_and(|l| l.starts_with(" refresh failed") && l.contains("m: why"))
    };
    tmux.wait_for("the failed refresh on the status bar", failed);
    std::thread::sleep(std::time::Duration::from_secs(7));
    let later = tmux.screen();
    assert!(
        failed(&later),
        "still shown after the 6 s a message stays:\n{later}"
    );
    // `m`: the whole cause, wrapped, however long.
    tmux.keys(&["m"]);
    let log = tmux.wait_for_text("Messages — m closes");
    assert!(log.contains("refresh failed:"), "{log}");
    let cause: String = log
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        cause.len() > 80,
        "more than the status bar could hold:\n{log}"
    );
    tmux.keys(&["m"]);
    tmux.wait_for("the log closed", |s| !s.contains("Messages — m closes"));
    tmux.keys(&["q"]);
}

#[test]
fn a_rehearsed_fault_shows_on_the_first_screen_over_a_synced_store() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A demo synced to the end: every day it needs is in the store.
    let first = start_demo(dir.path(), "warm", "", (100, 30));
    first.wait_for("the demo synced", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.starts_with(" online") && !l.contains("syncing"))
    });
    first.keys(&["q"]);
    first.wait_for("the demo ended", |s| !s.contains("Active people"));
    drop(first);
    // The same store with the key refused: the start proves the key with a request, so the
    // first screen says so instead of "online" from the stored data.
    let second = start_demo(dir.path(), "fault", "--fault key-rejected", (100, 30));
    let screen = second.wait_for("the refusal on the status bar", |s| {
        s.lines().last().is_some_and(|l| l.contains("key refused"))
    });
    assert!(
        !screen.lines().last().unwrap_or("").contains("online"),
        "{screen}"
    );
    assert!(
        screen.contains("stale"),
        "the stored figures stay, marked stale:\n{screen}"
    );
    // `r` re-tests with a real request once the background work has stopped, and the answer
    // is the same; "connecting…" never outlives it.
    second.wait_for("the background work stopped", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("key refused") && !l.contains("syncing"))
    });
    second.keys(&["r"]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let again = second.screen();
    assert!(
        again
            .lines()
            .last()
            .is_some_and(|l| l.contains("key refused")),
        "{again}"
    );
    second.keys(&["q"]);
}

#[test]
fn y_and_shift_y_put_the_email_and_the_doctor_report_on_the_clipboard() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tmux = start_demo(dir.path(), "copy", "", (120, 40));
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.keys(&["2"]);
    tmux.wait_for("people in the table", |s| s.contains("@"));
    tmux.keys(&["y"]);
    let screen = tmux.wait_for_text("to the clipboard");
    let copied = screen
        .split("copied ")
        .nth(1)
        .and_then(|rest| rest.split(" to the clipboard").next())
        .unwrap()
        .trim()
        .to_owned();
    assert!(copied.contains('@'), "{screen}");
    let buffer = |tmux: &Tmux| String::from_utf8(tmux.run(&["show-buffer"]).stdout).unwrap();
    assert_eq!(buffer(&tmux), copied);

    tmux.keys(&["Y"]);
    let screen = tmux.wait_for_text("copied the doctor report");
    let report = buffer(&tmux);
    assert!(
        report.starts_with(
            "topogy doctor report (redacted: the key appears only as its fingerprint)"
        ),
        "{report}"
    );
    let lines = report.lines().count();
    assert!(
        screen.contains(&format!("copied the doctor report ({lines} lines")),
        "{screen}"
    );
    assert!(report.contains("built-in simulator, --demo"), "{report}");
    // The key the dashboard runs with is in it only as its fingerprint.
    assert!(!report.contains(topogy::sim::DEMO_KEY), "{report}");
    tmux.keys(&["q"]);
}
