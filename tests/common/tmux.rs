//! A private tmux server for end-to-end tests: the real binary in a pane of a fixed size, typed
//! at with `send-keys`, pasted into with `paste-buffer -p` (bracketed), read with `capture-pane`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The longest any one step may take to show its result on screen.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

/// A tmux server of our own (its socket lives in the test's temporary directory), killed on drop.
pub struct Tmux {
    pub socket: PathBuf,
}

impl Tmux {
    pub fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(&self.socket).arg("-f").arg("/dev/null");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command().args(args).output().expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Types keys: tmux key names (`Enter`, `Escape`) or single characters.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text literally (no key-name lookup).
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Pastes `text` the way a terminal does: wrapped in bracketed-paste markers when the
    /// program asked for them.
    pub fn paste(&self, text: &str) {
        self.run(&["set-buffer", "-b", "e2e", "--", text]);
        self.run(&["paste-buffer", "-p", "-d", "-b", "e2e", "-t", "e2e"]);
    }

    pub fn screen(&self) -> String {
        String::from_utf8(self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).unwrap()
    }

    /// The pane's whole history, scrolled-off lines included.
    pub fn history(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-S", "-", "-E", "-", "-t", "e2e"]);
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn display(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", "e2e", format]);
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// Polls the screen until `ready` holds; fails with the last screen after the timeout.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        self.watch(what, ready, |_| {})
    }

    /// [`Tmux::wait_for`], showing every screen it captures to `seen` (e.g. to prove a secret
    /// never appears, not even on an intermediate screen).
    pub fn watch(&self, what: &str, ready: impl Fn(&str) -> bool, seen: impl Fn(&str)) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            seen(&screen);
            if ready(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < STEP_TIMEOUT,
                "timed out after {STEP_TIMEOUT:?} waiting for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(POLL);
        }
    }

    pub fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

pub fn tmux_installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Single-quotes a path for `sh`.
pub fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// The range on the tab bar: `… 30 days · 2026-10-27 – 2026-11-25`.
pub fn range_on_tab_bar(screen: &str) -> (NaiveDate, NaiveDate) {
    let bar = screen.lines().next().unwrap();
    let dates: Vec<NaiveDate> = bar
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [from, to] = dates[..] else {
        panic!("no date range on the tab bar: {bar}")
    };
    (from, to)
}
