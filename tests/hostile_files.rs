//! Hostile files: what sits at `--output`, at the key path and around the store is never
//! followed, overwritten or trusted; what topogy creates is readable only by its owner.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
#![cfg(unix)]

mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::Utc;

fn export_to(home: &Path, output: &Path) -> Output {
    let today = Utc::now().date_naive();
    let (from, to) = (
        today - chrono::Duration::days(6),
        today - chrono::Duration::days(4),
    );
    common::topogy(
        home,
        &[
            "--demo",
            "export",
            "daily",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
            "--format",
            "csv",
            "--output",
            output.to_str().unwrap(),
        ],
        &[("TOPOGY_KEYRING", "off")],
        None,
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

#[test]
fn output_through_a_symlink_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("out.csv");
    symlink(&victim, &link).unwrap();
    let out = export_to(dir.path(), &link);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
}

#[test]
fn a_planted_temporary_name_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let planted = dir.path().join(".out.csv.topogy-tmp");
    symlink(&victim, &planted).unwrap();
    let target = dir.path().join("out.csv");
    let out = export_to(dir.path(), &target);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(planted.symlink_metadata().unwrap().file_type().is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 4, "{written}");
    // Nothing else is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("topogy-tmp") && n != ".out.csv.topogy-tmp")
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn a_fifo_a_device_and_a_directory_at_the_output_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    mkfifo(&fifo);
    let started = Instant::now();
    let out = export_to(dir.path(), &fifo);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("redirect standard output"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        !fifo.symlink_metadata().unwrap().file_type().is_file(),
        "the pipe is still there"
    );

    let out = export_to(dir.path(), Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );

    let out = export_to(dir.path(), dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
}

/// Modes of what topogy creates.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_export_file_replacing_a_regular_file_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    std::fs::write(&target, "old").unwrap();
    let out = export_to(dir.path(), &target);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("date,")
    );
    assert_eq!(mode(&target), 0o600, "an export may hold e-mail addresses");
}
