//! Headless commands into a reader that stops at once (`topogy doctor --json | head -0`): they
//! end quietly with their usual status, never a panic or an error about the pipe.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use chrono::Duration;
use common::{today, topogy_command};

/// Runs `args` with standard output a pipe whose reading end is closed before anything is
/// written; returns the exit status and standard error.
fn into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let home = tempfile::tempdir().unwrap();
    let mut child = topogy_command(home.path(), args, &[]).spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn reports_and_exports_into_a_closed_pipe_exit_without_a_panic() {
    let from = (today() - Duration::days(10)).to_string();
    let to = (today() - Duration::days(4)).to_string();
    let cases: [(&[&str], i32); 5] = [
        (&["--demo", "doctor", "--json"], 0),
        (&["--demo", "doctor"], 0),
        (&["--demo", "verify", "--json"], 0),
        (&["config", "--print-default"], 0),
        (
            &[
                "--demo",
                "export",
                "developers",
                "--from",
                &from,
                "--to",
                &to,
            ],
            0,
        ),
    ];
    for (args, status) in cases {
        let (code, err) = into_closed_pipe(args);
        assert_eq!(code, Some(status), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
}
