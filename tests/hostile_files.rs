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
    assert!(
        stderr(&out).contains(
            "is a symbolic link; topogy does not write through links. Give the path the link \
             points to, or remove the link first"
        ),
        "{}",
        stderr(&out)
    );
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
        stderr(&out).contains(
            "is not a regular file (a pipe, device or socket); to send the export there, leave \
             out --output and redirect standard output instead"
        ),
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

/// Runs `verify` with the default profile's stored key (no environment key), killing it if it
/// hangs: a pipe at the key path used to block the read forever.
fn verify_stored(home: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_topogy"))
        .arg("verify")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("TOPOGY_KEYRING", "off")
        .env("TOPOGY_BASE_URL", "http://127.0.0.1:9")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("verify hung on the key file");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

const KEY: &str = "sk-ant-api01-FILExKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh";

/// `<home>/config/topogy/default/`, with `mode`.
fn key_dir(home: &Path, mode: u32) -> std::path::PathBuf {
    let dir = home.join("config/topogy/default");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_pipe_at_the_key_path_is_refused_without_hanging() {
    let home = tempfile::tempdir().unwrap();
    let dir = key_dir(home.path(), 0o700);
    mkfifo(&dir.join("key"));
    std::fs::set_permissions(dir.join("key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = verify_stored(home.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("not a plain file"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_key_directory_others_can_enter_is_refused_with_the_chmod_fix() {
    for mode in [0o755, 0o777, 0o750] {
        let home = tempfile::tempdir().unwrap();
        let dir = key_dir(home.path(), mode);
        let key = dir.join("key");
        std::fs::write(&key, KEY).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        let out = verify_stored(home.path());
        assert_eq!(out.status.code(), Some(1), "{mode:o}: {}", stdout(&out));
        let text = stdout(&out);
        assert!(text.contains("chmod 700"), "{text}");
        assert!(text.contains(&format!("{mode:04o}")), "{text}");
        assert!(!text.contains("FILExKEY"), "{text}");
        // With the fix applied the key is used (the dead URL then makes it exit 4).
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let out = verify_stored(home.path());
        assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
    }
}

#[test]
fn a_symlinked_key_file_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let dir = key_dir(home.path(), 0o700);
    let real = home.path().join("elsewhere-key");
    std::fs::write(&real, KEY).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    symlink(&real, dir.join("key")).unwrap();
    let out = verify_stored(home.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("symbolic link"), "{}", stdout(&out));
}

#[test]
fn the_store_and_the_log_are_owner_only() {
    let home = tempfile::tempdir().unwrap();
    let out = export_to(home.path(), &home.path().join("out.csv"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let profile = home.path().join("data/topogy/demo");
    assert_eq!(mode(&profile), 0o700);
    assert_eq!(mode(&home.path().join("data/topogy")), 0o700);
    // One store per organization under the profile; the log beside them.
    let orgs: Vec<_> = std::fs::read_dir(profile.join("orgs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(orgs.len(), 1, "{orgs:?}");
    let org = &orgs[0];
    assert_eq!(mode(org), 0o700);
    assert_eq!(mode(&profile.join("topogy.log")), 0o600);
    for name in ["topogy.db", "topogy.db-wal", "topogy.db-shm"] {
        let path = org.join(name);
        if name.starts_with("topogy.db-") && !path.exists() {
            continue;
        }
        assert_eq!(mode(&path), 0o600, "{name}");
    }

    // A store and log an older version left readable are tightened on the next run.
    let (store, log) = (org.join("topogy.db"), profile.join("topogy.log"));
    for path in [&store, &log] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = export_to(home.path(), &home.path().join("out.csv"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for path in [&store, &log] {
        assert_eq!(mode(path), 0o600, "{}", path.display());
    }
}
