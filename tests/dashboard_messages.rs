//! `update` sequences for what the status bar says over time: the message log (`m`) keeps
//! every message whole after the status bar has moved on, a failure stays shown until a sync
//! works, waits count down, and "connecting…" ends with the first definite answer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use topogy::api::{ProgressSnapshot, RequestRecord, WaitReason};
use topogy::metrics::RangePreset;
use topogy::sync::{Coverage, JobId};
use topogy::tui::action::{Action, SyncResult};
use topogy::tui::keymap::action_for;
use topogy::tui::model::{Connection, DateRange, Model, Overlay};
use topogy::tui::ui::connection_text;
use topogy::tui::update::update;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn model() -> Model {
    Model::new(
        DateRange::preset(RangePreset::Days(30), now().date_naive()),
        now(),
    )
}

fn press(model: &mut Model, code: KeyCode) {
    let action = action_for(model, KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
    update(model, action);
}

fn request(status: Option<u16>) -> RequestRecord {
    RequestRecord {
        at: now(),
        method: "GET",
        path: "summaries?starting_date=2026-10-27".to_owned(),
        status,
        latency: StdDuration::from_millis(80),
        request_id: None,
        attempt: 0,
    }
}

#[test]
fn a_vanished_message_stays_readable_in_the_log_that_m_opens() {
    let mut m = model();
    let long = "refresh failed: the API answered 500 Internal Server Error for \
                /v1/organizations/analytics/users?date=2026-11-23 (request req_0123456789)";
    update(
        &mut m,
        Action::SyncFinished(
            JobId::default(),
            SyncResult::Failed {
                cause: long.trim_start_matches("refresh failed: ").to_owned(),
            },
        ),
    );
    // The status bar keeps the problem until a sync works, however much time passes.
    update(&mut m, Action::Tick(now() + Duration::minutes(5)));
    assert_eq!(
        connection_text(&m),
        (
            "refresh failed — no stored data yet; m: why".to_owned(),
            true
        )
    );
    // An export's message leaves the status bar after a few seconds, not the log.
    update(
        &mut m,
        Action::Exported(Err("permission denied (os error 13)".to_owned())),
    );
    update(&mut m, Action::Tick(now() + Duration::minutes(6)));
    assert_eq!(m.flash, None);
    let texts: Vec<(&str, bool)> = m
        .messages
        .iter()
        .map(|e| (e.text.as_str(), e.problem))
        .collect();
    assert_eq!(
        texts,
        [
            (long, true),
            ("export failed: permission denied (os error 13)", false)
        ]
    );
    // `m` opens the log and closes it; j/k scroll it there.
    press(&mut m, KeyCode::Char('m'));
    assert_eq!(m.overlay, Some(Overlay::Messages { scroll: 0 }));
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(m.overlay, Some(Overlay::Messages { scroll: 1 }));
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(
        m.overlay,
        Some(Overlay::Messages { scroll: 1 }),
        "the oldest"
    );
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(m.overlay, Some(Overlay::Messages { scroll: 0 }));
    press(&mut m, KeyCode::Char('m'));
    assert_eq!(m.overlay, None);

    // A sync that works resolves the problem.
    update(
        &mut m,
        Action::SyncFinished(
            JobId::default(),
            SyncResult::Done {
                requests: 3,
                coverage: Coverage::default(),
            },
        ),
    );
    assert_eq!(m.connection, Connection::Online);
}

#[test]
fn a_wait_counts_down_on_every_tick_from_its_deadline() {
    let mut m = model();
    update(
        &mut m,
        Action::SyncProgress(
            JobId::default(),
            ProgressSnapshot {
                done: 3,
                planned: 9,
                waiting: Some(StdDuration::from_secs(30)),
                waiting_reason: Some(WaitReason::RetryAfter),
                ..ProgressSnapshot::default()
            },
        ),
    );
    assert_eq!(
        m.wait_text(),
        "(waiting 30s as the API asked (rate limited))"
    );
    update(&mut m, Action::Tick(now() + Duration::milliseconds(250)));
    assert_eq!(
        m.wait_text(),
        "(waiting 30s as the API asked (rate limited))"
    );
    update(&mut m, Action::Tick(now() + Duration::seconds(12)));
    assert_eq!(
        m.wait_text(),
        "(waiting 18s as the API asked (rate limited))"
    );
    update(&mut m, Action::Tick(now() + Duration::milliseconds(29_500)));
    assert_eq!(
        m.wait_text(),
        "(waiting 1s as the API asked (rate limited))"
    );
    // Past the deadline nothing claims to wait any more.
    update(&mut m, Action::Tick(now() + Duration::seconds(31)));
    assert_eq!(m.wait_text(), "");
}

#[test]
fn connecting_ends_with_the_first_definite_answer() {
    // An answer from the API: online, though the first sync is still running.
    let mut m = model();
    assert_eq!(connection_text(&m).0, "connecting…");
    update(&mut m, Action::RequestLog(vec![request(None)]));
    assert_eq!(connection_text(&m).0, "connecting…", "no answer yet");
    update(
        &mut m,
        Action::RequestLog(vec![request(None), request(Some(200))]),
    );
    assert_eq!(m.connection, Connection::Online);

    // A failure before any answer is a definite answer too.
    let mut m = model();
    update(
        &mut m,
        Action::SyncFinished(
            JobId::default(),
            SyncResult::Failed {
                cause: "the API answered with a body that is not JSON".to_owned(),
            },
        ),
    );
    assert!(!connection_text(&m).0.contains("connecting"));
    update(&mut m, Action::Tick(now() + Duration::hours(1)));
    assert!(!connection_text(&m).0.contains("connecting"));
}

#[test]
fn a_finished_sync_is_never_one_short_of_its_plan() {
    let mut m = model();
    update(
        &mut m,
        Action::SyncProgress(
            JobId::default(),
            ProgressSnapshot {
                done: 37,
                planned: 38,
                ..ProgressSnapshot::default()
            },
        ),
    );
    update(
        &mut m,
        Action::SyncFinished(
            JobId::default(),
            SyncResult::Done {
                requests: 37,
                coverage: Coverage::default(),
            },
        ),
    );
    assert_eq!((m.sync.progress.done, m.sync.progress.planned), (37, 37));
}
