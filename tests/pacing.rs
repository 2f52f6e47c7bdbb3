//! Sharing the organization's limit politely, against the simulator at 60 requests a minute
//! scaled down to 6 a second (so "10 seconds" is a sixth of a second): a cold start spreads
//! its requests over the window, backfill keeps to half of it, and another tool of the same
//! organization with its own budget meets no 429 while the backfill runs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use topogy::api::{Client, ClientConfig};
use topogy::credentials::ApiKey;
use topogy::sim::{self, LoggedRequest, SimConfig};
use topogy::store::Store;
use topogy::sync::{JobId, Need, SyncEvent, SyncOptions, SyncTask, Syncer};

const LIMIT: u32 = 6;
const WINDOW: StdDuration = StdDuration::from_secs(1);
/// Ten seconds of a one-minute window.
const TEN_SECONDS: StdDuration = StdDuration::from_millis(1000 / 6);

fn client(sim: &sim::SimHandle) -> Client {
    Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url: sim.base_url(),
            requests_per_window: LIMIT,
            window: WINDOW,
            backoff_base: StdDuration::from_millis(50),
            ..ClientConfig::default()
        },
    )
    .unwrap()
}

/// The most of `log` that arrived within any `span`.
fn max_in(log: &[&LoggedRequest], span: StdDuration) -> usize {
    (0..log.len())
        .map(|i| {
            log[i..]
                .iter()
                .take_while(|r| r.at < log[i].at + span)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cold_start_paces_itself_and_another_tool_meets_no_429_during_backfill() {
    let sim = sim::spawn(SimConfig {
        users: 30,
        requests_per_window: LIMIT,
        window: WINDOW,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let today = Utc::now().date_naive();
    let syncer = Syncer::new(
        client(&sim),
        Store::open_in_memory().unwrap(),
        SyncOptions::default(),
    );
    let mut task = SyncTask::spawn(syncer);
    task.request(JobId(1), Need::dashboard(today - Duration::days(13), today))
        .unwrap();
    task.backfill(JobId(2), Need::backfill(today - Duration::days(34), today))
        .unwrap();

    // The screen first.
    loop {
        if let SyncEvent::Finished(_, result) = task.events.recv().await.unwrap() {
            result.unwrap();
            break;
        }
    }
    let screen_requests = sim.request_count();

    // Then, once the screen's requests have left the window (the screen may use the whole
    // limit, paced), another tool of the organization, with its own budget, while the
    // backfill runs.
    tokio::time::sleep(WINDOW).await;
    let other = client(&sim);
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let other_tool = tokio::spawn(async move {
        let mut answers = Vec::new();
        loop {
            answers.push(other.skills(today - Duration::days(3)).await.is_ok());
            tokio::select! {
                _ = &mut stop_rx => break answers,
                () = tokio::time::sleep(StdDuration::from_millis(500)) => {}
            }
        }
    });
    let mut chunks = 0;
    while chunks < 5 {
        if let SyncEvent::BackfillFinished(_, result) = task.events.recv().await.unwrap() {
            result.unwrap();
            chunks += 1;
        }
    }
    let _ = stop_tx.send(());
    let answers = other_tool.await.unwrap();
    task.finish().await.unwrap();

    let log = sim.requests();
    let dashboard: Vec<&LoggedRequest> = log
        .iter()
        .enumerate()
        .filter(|(i, r)| *i < screen_requests || !r.path.ends_with("/skills"))
        .map(|(_, r)| r)
        .collect();
    let backfill: Vec<&LoggedRequest> = log[screen_requests..]
        .iter()
        .filter(|r| !r.path.ends_with("/skills"))
        .collect();
    let others = log[screen_requests..]
        .iter()
        .filter(|r| r.path.ends_with("/skills"))
        .count();
    eprintln!(
        "screen: {screen_requests} request(s) in {:?}; backfill: {} request(s) in {:?}; \
         the other tool: {others}; most of the dashboard's in 10 s (scaled): {}, in a \
         minute: {}; the backfill's in 10 s: {}, in a minute: {}",
        log[screen_requests.saturating_sub(1)].at - log[0].at,
        backfill.len(),
        backfill.last().map(|r| r.at).unwrap_or_default()
            - backfill.first().map(|r| r.at).unwrap_or_default(),
        max_in(&dashboard, TEN_SECONDS),
        max_in(&dashboard, WINDOW),
        max_in(&backfill, TEN_SECONDS),
        max_in(&backfill, WINDOW),
    );
    let limited: Vec<(usize, &LoggedRequest)> = log
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == 429)
        .collect();
    assert!(limited.is_empty(), "nobody was rate limited: {limited:?}");
    assert!(
        answers.len() >= 4 && answers.iter().all(|ok| *ok),
        "{answers:?}"
    );
    assert!(backfill.len() >= 10, "the backfill ran meanwhile");
    // A burst of four, then one per 10 s: never the whole minute's limit at once.
    assert!(max_in(&dashboard, TEN_SECONDS) <= 5);
    assert!(max_in(&dashboard, WINDOW) <= LIMIT as usize);
    // Backfill: half the limit, no burst.
    assert!(max_in(&backfill, TEN_SECONDS) <= 2);
    assert!(max_in(&backfill, WINDOW) <= (LIMIT / 2) as usize);
}
