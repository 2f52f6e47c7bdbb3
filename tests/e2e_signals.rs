//! End to end: SIGTERM, SIGHUP and SIGINT sent to a running `topogy --demo` in tmux leave the
//! terminal as it was (cooked mode with echo, main screen, cursor shown) and exit 128 + signal.
//! Skipped (with a message) only when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step should stop the test loudly
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{Tmux, quoted, tmux_installed};

/// Starts the dashboard in a fresh tmux session, sends `signal` to its pid once it is drawn,
/// and checks what it left behind.
fn signal_leaves_the_terminal_restored(signal: &str, number: i32) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = |name: &str| dir.path().join(name);
    let tmux = Tmux {
        socket: file("tmux.sock"),
    };
    // The launcher writes its pid and becomes topogy, so the pid is topogy's.
    let launcher = file("launch.sh");
    std::fs::write(
        &launcher,
        format!(
            "echo $$ > {pid}\nexec {bin} --demo\n",
            pid = quoted(&file("pid")),
            bin = quoted(Path::new(env!("CARGO_BIN_EXE_topogy"))),
        ),
    )
    .unwrap();
    let script = format!(
        "stty -g > {before}; sh {launcher}; echo $? > {status}; stty -g > {after}; \
         stty -a > {after_all}; echo 'topogy has ended'; exec sleep 600",
        before = quoted(&file("stty.before")),
        launcher = quoted(&launcher),
        status = quoted(&file("status")),
        after = quoted(&file("stty.after")),
        after_all = quoted(&file("stty.all")),
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
        .args(["new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30"])
        .arg(script)
        .output()
        .unwrap();
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    tmux.wait_for("the dashboard", |s| s.contains("Active people"));
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    let deadline = Instant::now() + Duration::from_secs(10);
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(file("pid"))
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            break pid;
        }
        assert!(Instant::now() < deadline, "no pid file");
        std::thread::sleep(Duration::from_millis(50));
    };

    let sent = Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());

    let after = tmux.wait_for_text("topogy has ended");
    assert_eq!(
        std::fs::read_to_string(file("status")).unwrap().trim(),
        (128 + number).to_string(),
        "SIG{signal}: exit 128 + {number}"
    );
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "SIG{signal}:\n{after}"
    );
    assert_eq!(
        tmux.display("#{cursor_flag}"),
        "1",
        "SIG{signal}: cursor shown"
    );
    assert!(!after.contains("Active people"), "SIG{signal}:\n{after}");
    assert_eq!(
        std::fs::read_to_string(file("stty.after")).unwrap(),
        std::fs::read_to_string(file("stty.before")).unwrap(),
        "SIG{signal}: raw mode is undone"
    );
    let all = std::fs::read_to_string(file("stty.all")).unwrap();
    let flags: Vec<&str> = all.split_whitespace().collect();
    assert!(
        flags.contains(&"icanon") && flags.contains(&"echo"),
        "SIG{signal}: {all}"
    );
}

#[test]
fn term_hup_and_int_restore_the_terminal_and_exit_128_plus_the_signal() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("INT", 2)] {
        signal_leaves_the_terminal_restored(signal, number);
    }
}
