//! End to end: the real `topogy` with no key, in tmux, against an in-test simulator. The wizard
//! shows; a key is pasted (bracketed paste), verified and stored in the owner-only file; the
//! dashboard opens; the next start skips the wizard. The key never appears on any captured
//! screen, in the pane's history, or in any file but the key file itself.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step should stop the test loudly

mod common;

use std::path::Path;

use topogy::sim::{self, SimConfig};

use common::all_file_bytes;
use common::tmux::{Tmux, quoted, tmux_installed};

const WIDTH: u16 = 80;
const HEIGHT: u16 = 24;
/// Shaped like an Analytics key (100 characters) and unmistakable on a screen.
const CANARY: &str = "sk-ant-api01-CANARYxKEYxNEVERxPRINTxME0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Starts `topogy` in a fresh pane; the shell records its exit status, then stays.
fn start(tmux: &Tmux, home: &Path, url: &str, status: &Path) {
    let script = format!(
        "{bin}; echo $? > {status}; echo 'topogy has quit'; exec sleep 600",
        bin = quoted(Path::new(env!("CARGO_BIN_EXE_topogy"))),
        status = quoted(status),
    );
    let mut start = tmux.command();
    start
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("TOPOGY_BASE_URL", url)
        // This machine has no Secret Service; say so, so no real keychain is ever touched.
        .env("TOPOGY_KEYRING", "off")
        // The history backfill (every day the API serves) is ~65 requests here; a budget
        // above the default 60/minute lets the test see the sync end instead of waiting a minute.
        .env("TOPOGY_RPM", "1000")
        .args(["new-session", "-d", "-s", "e2e", "-x"])
        .arg(WIDTH.to_string())
        .arg("-y")
        .arg(HEIGHT.to_string())
        .arg(script);
    let started = start.output().unwrap();
    assert!(
        started.status.success(),
        "tmux new-session failed: {}",
        String::from_utf8_lossy(&started.stderr)
    );
}

fn no_key_on(screen: &str) {
    assert!(
        !screen.contains("CANARY"),
        "the key is on screen:\n{screen}"
    );
    // Not even a recognisable piece of it.
    assert!(!screen.contains("NEVERxPRINT"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_pastes_verifies_stores_and_the_next_start_skips_the_wizard() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    let sim = sim::spawn(SimConfig {
        users: 25,
        requests_per_window: 1000,
        valid_key: CANARY.to_owned(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let url = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let status = dir.path().join("status");
    let key_file = home.join("config/topogy/default/key");

    let (home2, status2, url2) = (home.clone(), status.clone(), url.clone());
    let socket = dir.path().join("tmux.sock");
    let socket2 = socket.clone();
    tokio::task::spawn_blocking(move || {
        let tmux = Tmux { socket: socket2 };
        start(&tmux, &home2, &url2, &status2);
        let watch = |what: &str, ready: &dyn Fn(&str) -> bool| tmux.watch(what, ready, no_key_on);

        // No key: the wizard is the first screen.
        watch("the wizard", &|s| {
            s.contains("Connect your Claude Enterprise organization")
                && s.contains("Primary Owner")
                && s.contains("Paste the key here")
        });

        // A bracketed paste with the whitespace a copy often brings: masked, cleaned, noticed.
        tmux.paste(&format!("  {CANARY}\n"));
        let pasted = watch("the pasted key, masked", &|s| {
            s.contains("100 after clean-up") && s.contains("removed spaces or line breaks")
        });
        assert!(pasted.contains("•••••"), "{pasted}");

        // Enter verifies it against the simulator; no keychain here, so consent is asked.
        tmux.keys(&["Enter"]);
        let consent = watch("the consent screen", &|s| {
            s.contains("Store the key in that file?")
        });
        assert!(consent.contains("Organization   org_"), "{consent}");
        assert!(consent.contains("Seats          25"), "{consent}");
        assert!(consent.contains("E-mail domain"), "{consent}");
        assert!(consent.contains("TOPOGY_KEYRING=off"), "{consent}");

        tmux.keys(&["y"]);
        let done = watch("the connected screen", &|s| {
            s.contains("Key setup — connected")
                && s.contains("stored in ~/config/topogy/default/key")
        });
        assert!(done.contains("fp:"), "{done}");

        // Enter hands over to the dashboard, which syncs with the new key.
        tmux.keys(&["Enter"]);
        watch("the dashboard, online", &|s| {
            s.contains("Active people")
                && s.lines()
                    .last()
                    .is_some_and(|l| l.starts_with(" online") && !l.contains("syncing"))
        });
        tmux.keys(&["6"]);
        let status_tab = watch("the Status tab", &|s| s.contains("Recent requests"));
        assert!(status_tab.contains("owner-only key file"), "{status_tab}");

        tmux.keys(&["q"]);
        watch("the first run's end", &|s| s.contains("topogy has quit"));
        no_key_on(&tmux.history());
        assert_eq!(std::fs::read_to_string(&status2).unwrap().trim(), "0");
        tmux.run(&["kill-server"]);

        // The next start finds the stored key: straight to the dashboard (a fresh tmux server:
        // a killed one's socket cannot be reused at once).
        let tmux = Tmux {
            socket: socket.with_file_name("tmux-next.sock"),
        };
        start(&tmux, &home2, &url2, &status2);
        tmux.watch(
            "the dashboard without the wizard",
            |s| {
                s.contains("Active people")
                    && s.lines().last().is_some_and(|l| l.starts_with(" online"))
            },
            |s| {
                no_key_on(s);
                assert!(!s.contains("key setup"), "the wizard showed again:\n{s}");
            },
        );
        tmux.keys(&["q"]);
        tmux.wait_for_text("topogy has quit");
        no_key_on(&tmux.history());
        assert_eq!(std::fs::read_to_string(&status2).unwrap().trim(), "0");
    })
    .await
    .unwrap();

    // The stored key file: owner-only, in an owner-only directory, holding the cleaned key.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&key_file), 0o600);
        assert_eq!(mode(key_file.parent().unwrap()), 0o700);
    }
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        format!("{CANARY}\n")
    );
    // Everywhere else — log, store, config — no trace of it.
    for (path, bytes) in all_file_bytes(&home) {
        if Path::new(&path) != key_file {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("CANARY"),
                "{path} holds the key"
            );
        }
    }
    assert!(sim.requests().iter().all(|r| !r.query.contains("CANARY")));
    assert!(
        sim.request_count() > 3,
        "verification and the sync reached the simulator"
    );
}
