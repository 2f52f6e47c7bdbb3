//! `topogy export` where members are on "Chat and Cowork unified": every figure, per person
//! and per day, against the simulator's ground truth.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use chrono::{Duration, NaiveDate};
use serde_json::Value;
use topogy::sim::{self, SimConfig};

use common::{expected_developers, run, stderr, today};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unified_chat_members_count_in_both_exports_over_40_days() {
    let sim = sim::spawn(SimConfig {
        users: 60,
        unified_chat: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(41), today() - Duration::days(2));
    let (f, t) = (from.to_string(), to.to_string());

    let out = run(
        dir.path(),
        &sim,
        sim::DEMO_KEY,
        &["export", "developers", "--from", &f, "--to", &t],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = expected_developers(&org, from, to, to);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    common::assert_developers(&rows, &expected, "developers");
    let mut unified_messages = 0;
    for row in &rows {
        let id = row["user_id"].as_str().unwrap();
        let member = org.members().iter().find(|m| m.id == id).unwrap();
        if org.on_unified_chat(member.index) {
            unified_messages += expected[id].messages;
        }
    }
    // The unified members are a real share of the chat, not a rounding error.
    let all: u64 = expected.values().map(|e| e.messages).sum();
    assert!(unified_messages * 5 > all, "{unified_messages} of {all}");
    let sum = |f: fn(&common::Expected) -> u64| expected.values().map(f).sum::<u64>();
    assert!(sum(|e| e.cowork_messages) > 0 && sum(|e| e.office_messages) > 0);
    assert!(sum(|e| e.design_messages) > 0 && sum(|e| e.web_searches) > 0);

    let (rows, _) = common::export_rows(dir.path(), &sim, "daily", (from, to), &[]).await;
    assert_eq!(rows.len(), 40);
    for row in &rows {
        let date: NaiveDate = row["date"].as_str().unwrap().parse().unwrap();
        let active: Vec<_> = org
            .members()
            .iter()
            .filter_map(|m| org.user_day(m.index, date))
            .collect();
        let total = |f: fn(&topogy::sim::UserDay) -> u64| active.iter().map(f).sum::<u64>();
        for (field, want) in [
            ("messages", total(|u| u.messages)),
            ("conversations", total(|u| u.conversations)),
            ("commits", total(|u| u.commits)),
            ("lines_added", total(|u| u.lines_added)),
            ("cowork_sessions", total(|u| u.cowork_sessions)),
            ("cowork_messages", total(|u| u.cowork_messages)),
            ("office_messages", total(|u| u.office_messages)),
            ("design_messages", total(|u| u.design_messages)),
            ("web_searches", total(|u| u.web_searches)),
        ] {
            assert_eq!(row[field].as_u64(), Some(want), "{date} {field}");
        }
        assert_eq!(row["dau"].as_u64(), Some(org.dau(date)), "{date}");
    }
}
