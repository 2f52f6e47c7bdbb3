//! End to end: the real `topogy --demo` in a detached tmux session of a fixed size, typed at
//! with `send-keys` and read with `capture-pane`, with private HOME/XDG directories and a
//! private tmux socket. Skipped (with a message) only when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step should stop the test loudly

mod common;

use std::path::Path;

use topogy::sim::SyntheticOrg;

use common::tmux::{Tmux, quoted, range_on_tab_bar, tmux_installed};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
/// The simulator `--demo` starts: its default seed, size and engagement lag.
const DEMO_SEED: u64 = 7;
const DEMO_USERS: usize = 40;
const ENGAGEMENT_LAG_DAYS: i64 = 2;
/// Typed into the Developers filter; matches the people of the second e-mail domain.
const NEEDLE: &str = "acme-labs";
const CSV_HEADER: &str = "user_id,email,messages,conversations,claude_code_sessions,commits,\
pull_requests,lines_added,lines_removed,tool_accepted,tool_rejected,cost_usd,list_cost_usd,\
cowork_sessions,cowork_messages,office_messages,design_messages,web_searches";

/// The e-mails of the Developers table rows on screen, top to bottom.
fn listed_emails(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("│Person"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .filter_map(|l| l.trim_start_matches('│').split_whitespace().next())
        .filter(|word| word.contains('@'))
        .map(str::to_owned)
        .collect()
}

/// The table's header line (with the sort marker).
fn header(screen: &str) -> &str {
    screen
        .lines()
        .find(|l| l.starts_with("│Person"))
        .unwrap_or("")
}

#[test]
fn demo_dashboard_in_tmux_tabs_filter_sort_detail_help_export_quit() {
    if !tmux_installed() {
        eprintln!(
            "SKIPPED: tmux is not installed; install it (apt-get install tmux) to run this test"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let status_file = dir.path().join("status");
    let (stty_before, stty_after) = (
        dir.path().join("stty.before"),
        dir.path().join("stty.after"),
    );
    let tmux = Tmux {
        socket: dir.path().join("tmux.sock"),
    };

    // The pane's shell records the terminal settings before and after, and the exit status;
    // then it stays so the restored screen can be read.
    let script = format!(
        "stty -g > {before}; {bin} --demo; echo $? > {status}; stty -g > {after}; \
         echo 'topogy has quit'; exec sleep 600",
        before = quoted(&stty_before),
        bin = quoted(Path::new(env!("CARGO_BIN_EXE_topogy"))),
        status = quoted(&status_file),
        after = quoted(&stty_after),
    );
    // The server (and so the pane) gets exactly this environment: private HOME and XDG dirs.
    let mut start = tmux.command();
    start
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        // The history backfill (every day the API serves, ~90 requests) would take a minute and
        // a half at 60/minute; the test wants to see the sync end.
        .env("TOPOGY_RPM", "1000")
        .args(["new-session", "-d", "-s", "e2e", "-x"])
        .arg(WIDTH.to_string())
        .arg("-y")
        .arg(HEIGHT.to_string())
        .arg("-c")
        .arg(&work)
        .arg(script);
    let started = start.output().unwrap();
    assert!(
        started.status.success(),
        "tmux new-session failed: {}",
        String::from_utf8_lossy(&started.stderr)
    );
    assert_eq!(tmux.display("#{window_width}x#{window_height}"), "120x40");

    // Overview first, and the sync against the built-in simulator finishes.
    let screen = tmux.wait_for("the Overview, synced", |s| {
        s.contains("Active people")
            && s.contains("Cost this month")
            && s.lines()
                .last()
                .is_some_and(|l| l.starts_with(" online") && !l.contains("syncing"))
    });
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "the dashboard uses the alternate screen"
    );

    // Ground truth for the range the dashboard shows, straight from the synthetic org.
    let (from, to) = range_on_tab_bar(&screen);
    let org = SyntheticOrg::new(DEMO_SEED, DEMO_USERS, to);
    let expected = common::expected_developers(
        &org,
        from,
        to - chrono::Duration::days(ENGAGEMENT_LAG_DAYS),
        to,
    );
    let mut matching: Vec<String> = expected
        .values()
        .map(|e| e.email.clone())
        .filter(|e| e.contains(NEEDLE))
        .collect();
    matching.sort();
    assert!(
        matching.len() >= 2 && matching.len() < expected.len(),
        "the filter must keep some people and drop others to show anything: {matching:?}"
    );

    // Every tab by its number, each recognised by its own panes.
    for (key, texts) in [
        (
            "3",
            &["Commits and PRs per day", "Lines added and removed per day"][..],
        ),
        ("4", &["Paid per day", "By product and model"][..]),
        ("5", &["Skills on", "Connectors on", "Chat projects on"][..]),
        ("6", &["Connection", "Recent requests (never the key)"][..]),
        ("1", &["Active people", "Cost this month"][..]),
        ("2", &["Developers (", "│Person"][..]),
    ] {
        tmux.keys(&[key]);
        tmux.wait_for(&format!("tab {key} showing {texts:?}"), |s| {
            texts.iter().all(|t| s.contains(t))
        });
    }
    let total = format!("Developers ({})", expected.len());
    tmux.wait_for_text(&total);

    // Filter: `/`, the text, Enter keeps it; only matching people are listed, by cost.
    tmux.keys(&["/"]);
    tmux.wait_for_text("filter: ");
    tmux.type_text(NEEDLE);
    tmux.keys(&["Enter"]);
    let title = format!(
        "Developers ({} of {} matching “{NEEDLE}”)",
        matching.len(),
        expected.len()
    );
    let by_cost = tmux.wait_for("the filtered table", |s| {
        s.contains(&title) && !s.contains("filter: ") && listed_emails(s).len() == matching.len()
    });
    let mut listed = listed_emails(&by_cost);
    assert!(header(&by_cost).contains("Cost▼"), "{by_cost}");
    let by_cost_order = listed.clone();
    listed.sort();
    assert_eq!(listed, matching, "exactly the matching people are listed");

    // Sort: `s` moves to the next column (from Cost round to Person, ascending) ...
    tmux.keys(&["s"]);
    let ascending = tmux.wait_for("sort by person ▲", |s| header(s).contains("Person▲"));
    assert!(
        !header(&ascending).contains('▼'),
        "one marker only: {ascending}"
    );
    assert_eq!(listed_emails(&ascending), matching);
    assert_ne!(
        by_cost_order, matching,
        "the order by cost differs from the order by e-mail"
    );
    // ... and `S` reverses it.
    tmux.keys(&["S"]);
    let descending = tmux.wait_for("sort by person ▼", |s| header(s).contains("Person▼"));
    let mut reversed = matching.clone();
    reversed.reverse();
    assert_eq!(listed_emails(&descending), reversed);

    // Detail view: the highlight stayed on the person it was on while filtering (the top by
    // cost) through both sorts; Enter opens their timeline, Esc closes it.
    let first = by_cost_order[0].clone();
    tmux.keys(&["Enter"]);
    let detail = tmux.wait_for("the detail view", |s| {
        s.contains(&format!("╭ {first} ")) && s.contains("Esc closes")
    });
    assert!(
        !detail.contains("│Person"),
        "the detail view covers the table"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("the table again", |s| {
        s.contains(&title) && !s.contains("Esc closes") && header(s).contains("Person▼")
    });

    // Help: `?` opens the overlay generated from the key table, `?` closes it.
    tmux.keys(&["?"]);
    tmux.wait_for("the help overlay", |s| {
        s.contains("Keys — ? closes") && s.contains("show or hide this help")
    });
    tmux.keys(&["?"]);
    tmux.wait_for("the help closed", |s| {
        !s.contains("Keys — ? closes") && s.contains(&title)
    });

    // Export: `e` writes the filtered, sorted table to the working directory.
    tmux.keys(&["e"]);
    let path = work.join(format!("topogy-developers-{from}-{to}.csv"));
    let shown = tmux.wait_for("the export message", |s| s.contains("exported to"));
    assert!(shown.contains(&title), "the filter is still on: {shown}");
    assert!(path.exists(), "{} was written", path.display());
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(CSV_HEADER));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        matching.len(),
        "one row per person shown:\n{csv}"
    );
    let exported: Vec<&str> = rows.iter().map(|r| r.split(',').nth(1).unwrap()).collect();
    assert_eq!(exported, reversed, "the rows in the order on screen");

    // Quit: status 0, the alternate screen left, the terminal settings as they were.
    tmux.keys(&["q"]);
    let after = tmux.wait_for_text("topogy has quit");
    assert_eq!(std::fs::read_to_string(&status_file).unwrap().trim(), "0");
    assert_eq!(tmux.display("#{alternate_on}"), "0", "{after}");
    assert_eq!(
        tmux.display("#{cursor_flag}"),
        "1",
        "the cursor is shown again"
    );
    assert!(
        !after.contains("Developers"),
        "the dashboard is gone:\n{after}"
    );
    assert_eq!(
        std::fs::read_to_string(&stty_after).unwrap(),
        std::fs::read_to_string(&stty_before).unwrap(),
        "raw mode is undone"
    );
}
