//! Shared helpers for the integration tests: running the binary against an in-test simulator,
//! and sums computed from the simulator's ground truth, independently of the client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses a subset

pub mod collector;
pub mod tmux;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use std::str::FromStr;

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use topogy::sim::SyntheticOrg;

/// Per-person totals computed straight from the synthetic org. `conversations` and
/// `sessions` count each once over the range (the documented rule, what a range rollup
/// gives); the `_days` fields sum each day's distinct count (what summed days give).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expected {
    pub email: String,
    pub messages: u64,
    pub conversations: u64,
    pub sessions: u64,
    pub conversation_days: u64,
    pub session_days: u64,
    pub commits: u64,
    pub pull_requests: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub tool_accepted: u64,
    pub tool_rejected: u64,
    pub cost_cents: Decimal,
    pub cowork_sessions: u64,
    pub cowork_messages: u64,
    pub office_messages: u64,
    pub design_messages: u64,
    pub web_searches: u64,
}

impl Expected {
    /// These totals as summed days count them (a server without range mode).
    pub fn summed_days(mut self) -> Self {
        self.conversations = self.conversation_days;
        self.sessions = self.session_days;
        self
    }
}

/// [`expected_developers`] as summed days count them.
pub fn summed_days(expected: BTreeMap<String, Expected>) -> BTreeMap<String, Expected> {
    expected
        .into_iter()
        .map(|(id, e)| (id, e.summed_days()))
        .collect()
}

/// The Claude Code commits of everyone in the simulated organization on `day`.
pub fn day_commits(org: &SyntheticOrg, day: NaiveDate) -> u64 {
    org.members()
        .iter()
        .filter_map(|m| org.user_day(m.index, day))
        .map(|u| u.commits)
        .sum()
}

/// Each stored day's active people and Claude Code commits equal the simulator's.
pub fn assert_dau_and_commits(days: &[topogy::metrics::Day], org: &SyntheticOrg) {
    for day in days {
        assert_eq!(day.dau, Some(org.dau(day.date)), "{}", day.date);
        assert_eq!(
            day.commits,
            Some(day_commits(org, day.date)),
            "{}",
            day.date
        );
    }
}

pub fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let n = (to - from).num_days();
    (0..=n).map(|i| from + Duration::days(i)).collect()
}

/// Engagement over `[from, engagement_to]`, cost over `[from, cost_to]`, keyed by user id;
/// only people with any activity or cost appear.
pub fn expected_developers(
    org: &SyntheticOrg,
    from: NaiveDate,
    engagement_to: NaiveDate,
    cost_to: NaiveDate,
) -> BTreeMap<String, Expected> {
    let mut out = BTreeMap::new();
    for m in org.members() {
        let mut e = Expected {
            email: m.email.clone(),
            ..Expected::default()
        };
        let mut seen = false;
        for d in days(from, engagement_to) {
            if let Some(u) = org.user_day(m.index, d) {
                seen = true;
                e.messages += u.messages;
                e.conversation_days += u.conversations;
                e.session_days += u.sessions;
                e.commits += u.commits;
                e.pull_requests += u.pull_requests;
                e.lines_added += u.lines_added;
                e.lines_removed += u.lines_removed;
                e.tool_accepted += u.tool_actions.iter().map(|t| t.1).sum::<u64>();
                e.tool_rejected += u.tool_actions.iter().map(|t| t.2).sum::<u64>();
                e.cowork_sessions += u.cowork_sessions;
                e.cowork_messages += u.cowork_messages;
                e.office_messages += u.office_messages;
                e.design_messages += u.design_messages;
                e.web_searches += u.web_searches;
            }
        }
        (e.conversations, e.sessions) = org.distinct_over(m.index, from, engagement_to);
        for d in days(from, cost_to) {
            for line in org.user_cost(m.index, d) {
                seen = true;
                e.cost_cents += line.amount_cents;
            }
        }
        if seen {
            out.insert(m.id.clone(), e);
        }
    }
    out
}

/// A JSON number (money) as an exact decimal.
pub fn dec(v: &Value) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap()
}

/// Every row of `export developers` equals the ground truth, field by field, to the cent.
pub fn assert_developers(rows: &[Value], expected: &BTreeMap<String, Expected>, label: &str) {
    assert_eq!(rows.len(), expected.len(), "{label}: rows");
    for row in rows {
        let id = row["user_id"].as_str().unwrap();
        let e = &expected[id];
        assert_eq!(row["email"], e.email.as_str(), "{label} {id} email");
        for (field, want) in [
            ("messages", e.messages),
            ("conversations", e.conversations),
            ("claude_code_sessions", e.sessions),
            ("commits", e.commits),
            ("pull_requests", e.pull_requests),
            ("lines_added", e.lines_added),
            ("lines_removed", e.lines_removed),
            ("tool_accepted", e.tool_accepted),
            ("tool_rejected", e.tool_rejected),
            ("cowork_sessions", e.cowork_sessions),
            ("cowork_messages", e.cowork_messages),
            ("office_messages", e.office_messages),
            ("design_messages", e.design_messages),
            ("web_searches", e.web_searches),
        ] {
            assert_eq!(row[field].as_u64(), Some(want), "{label} {id} {field}");
        }
        assert_eq!(
            dec(&row["cost_usd"]),
            (e.cost_cents / Decimal::ONE_HUNDRED).normalize(),
            "{label} {id} cost"
        );
    }
}

/// Every row of `export daily` equals the ground truth: activity through `latest` (null
/// after it), cost on every day.
pub fn assert_daily(rows: &[Value], org: &SyntheticOrg, latest: NaiveDate, label: &str) {
    for row in rows {
        let date: NaiveDate = row["date"].as_str().unwrap().parse().unwrap();
        let active: Vec<_> = org
            .members()
            .iter()
            .filter_map(|m| org.user_day(m.index, date))
            .collect();
        if date <= latest {
            assert_eq!(row["dau"].as_u64(), Some(org.dau(date)), "{label} {date}");
            assert_eq!(row["wau"].as_u64(), Some(org.wau(date)), "{label} {date}");
            assert_eq!(row["mau"].as_u64(), Some(org.mau(date)), "{label} {date}");
            assert_eq!(
                row["commits"].as_u64(),
                Some(active.iter().map(|u| u.commits).sum()),
                "{label} {date} commits"
            );
            assert_eq!(
                row["lines_added"].as_u64(),
                Some(active.iter().map(|u| u.lines_added).sum()),
                "{label} {date} lines added"
            );
        } else {
            assert!(row["dau"].is_null(), "{label} {date} is past the lag");
            assert!(row["commits"].is_null(), "{label} {date}");
        }
        // The organization's cost: its members' and what no seat user accounts for.
        let cents: Decimal = org
            .members()
            .iter()
            .flat_map(|m| org.user_cost(m.index, date))
            .map(|l| l.amount_cents)
            .sum::<Decimal>()
            + org.unattributed_cost(date);
        assert_eq!(
            dec(&row["cost_usd"]),
            (cents / Decimal::ONE_HUNDRED).normalize(),
            "{label} {date} cost"
        );
        // What no seat user accounts for: exact, or empty where the source cannot tell.
        let unattributed = &row["unattributed_cost_usd"];
        if !unattributed.is_null() {
            assert_eq!(
                dec(unattributed),
                (org.unattributed_cost(date) / Decimal::ONE_HUNDRED).normalize(),
                "{label} {date} unattributed cost"
            );
        }
    }
}

/// Runs the real binary with a private data directory and the given environment and stdin.
pub fn topogy(data: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = topogy_command(data, args, env);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("the topogy binary starts");
    if let Some(text) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// The real binary with a private data directory and the given environment, its output piped
/// and no stdin: to start (and perhaps kill) it yourself.
pub fn topogy_command(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_topogy"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", data)
        .env("XDG_DATA_HOME", data.join("data"))
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env("XDG_CACHE_HOME", data.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Asserts that a non-empty log was written under `dir` and that no file there holds `secret`.
pub fn assert_no_file_holds(dir: &Path, secret: &str) {
    let files = all_file_bytes(dir);
    assert!(
        files
            .iter()
            .any(|(p, b)| p.ends_with("topogy.log") && !b.is_empty()),
        "a log was written"
    );
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "{path} holds the key");
    }
}

/// Every byte under `dir`, for proving a secret never reached a file.
pub fn all_file_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// Runs the binary against `sim` with `key` from the environment (on a blocking thread).
pub async fn run(
    data: &std::path::Path,
    sim: &topogy::sim::SimHandle,
    key: &str,
    args: &[&str],
) -> std::process::Output {
    let data = data.to_path_buf();
    let url = sim.base_url();
    let key = key.to_owned();
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        topogy(
            &data,
            &args,
            &[
                ("TOPOGY_BASE_URL", url.as_str()),
                ("TOPOGY_API_KEY", key.as_str()),
            ],
            None,
        )
    })
    .await
    .unwrap()
}

/// `topogy export VIEW --from FROM --to TO` (plus `extra`) against `sim` with the demo key:
/// asserts exit 0 and returns the JSON rows and the run (for its standard error).
pub async fn export_rows(
    data: &std::path::Path,
    sim: &topogy::sim::SimHandle,
    view: &str,
    (from, to): (NaiveDate, NaiveDate),
    extra: &[&str],
) -> (Vec<Value>, Output) {
    let (f, t) = (from.to_string(), to.to_string());
    let mut args = vec!["export", view, "--from", &f, "--to", &t];
    args.extend_from_slice(extra);
    let out = run(data, sim, topogy::sim::DEMO_KEY, &args).await;
    assert_eq!(out.status.code(), Some(0), "{view}: {}", stderr(&out));
    let rows = serde_json::from_slice(&out.stdout).unwrap();
    (rows, out)
}

/// The real UTC date (the simulator's default "today").
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A finished run's standard error, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
