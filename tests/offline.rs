//! Offline-first: once the settling TTL has passed and the API cannot be reached, what the
//! store holds is served — exact figures, how old they are, that the refresh failed — and
//! only a range the store lacks needs the network.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use tokio::sync::mpsc;
use topogy::api::{Client, ClientConfig};
use topogy::credentials::ApiKey;
use topogy::metrics;
use topogy::sim::{self, SimConfig};
use topogy::store::Store;
use topogy::sync::{Clock, Need, SyncError, SyncOptions, Syncer};

use common::{run, stderr, today};

/// A loopback address nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn client(base_url: String) -> Client {
    Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url,
            requests_per_window: 1000,
            backoff_base: std::time::Duration::from_millis(20),
            ..ClientConfig::default()
        },
    )
    .unwrap()
}

fn at(clock: chrono::DateTime<Utc>) -> SyncOptions {
    SyncOptions {
        clock: Clock::Fixed(clock),
        ..SyncOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_range_is_served_offline_after_the_ttl_with_its_age() {
    let sim = sim::spawn(SimConfig {
        users: 40,
        requests_per_window: 1000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    let (from, to) = (today() - Duration::days(20), today() - Duration::days(1));
    let (tx, _rx) = mpsc::unbounded_channel();
    let start = Utc::now();
    let mut online = Syncer::new(
        client(sim.base_url()),
        Store::open(&path).unwrap().0,
        at(start),
    );
    let fresh = online.sync(&Need::developers(from, to), &tx).await.unwrap();
    assert!(fresh.coverage.stale.is_none());
    let expected = metrics::developers(online.store(), &fresh.coverage).unwrap();
    drop(online);

    // Two hours later (past the one-hour TTL), with nothing listening.
    let later = start + Duration::hours(2);
    let mut offline = Syncer::new(
        client(closed_port()),
        Store::open(&path).unwrap().0,
        at(later),
    );
    let served = offline
        .sync(&Need::developers(from, to), &tx)
        .await
        .expect("a stored range is served offline");
    let stale = served.coverage.stale.clone().expect("marked stale");
    assert_eq!(
        stale.fetched_at.map(|t| t.timestamp()),
        Some(start.timestamp())
    );
    let note = stale.note(later);
    assert!(
        note.contains("refresh failed") && note.contains("2 hours"),
        "{note}"
    );
    assert_eq!(
        metrics::developers(offline.store(), &served.coverage).unwrap(),
        expected
    );
    // Only the first request tried (and retried): the others knew at once.
    let tried: std::collections::BTreeSet<String> = offline
        .client()
        .recent_requests()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(tried.len(), 1, "{tried:?}");

    // A range the store does not hold still needs the network.
    let older = Need::developers(from - Duration::days(30), from - Duration::days(25));
    let missing = offline.sync(&older, &tx).await;
    assert!(
        matches!(&missing, Err(SyncError::Api(e)) if e.exit_code() == 4),
        "{missing:?}"
    );
}

/// Every store file under `dir`.
fn stores(dir: &Path) -> Vec<PathBuf> {
    common::all_file_bytes(dir)
        .into_iter()
        .map(|(p, _)| PathBuf::from(p))
        .filter(|p| p.file_name().is_some_and(|n| n == "topogy.db"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_serves_the_store_when_the_api_is_gone_and_says_how_old_it_is() {
    let sim = sim::spawn(SimConfig {
        users: 40,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(20), today() - Duration::days(1));
    let (f, t) = (from.to_string(), to.to_string());
    let args = ["export", "developers", "--from", &f, "--to", &t];
    let first = run(dir.path(), &sim, sim::DEMO_KEY, &args).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));

    // The TTL passes (every copy fetched two hours ago), then the API goes away.
    for store in stores(dir.path()) {
        let conn = rusqlite::Connection::open(store).unwrap();
        conn.execute(
            "UPDATE fetch_log SET fetched_at = strftime('%Y-%m-%d %H:%M:%S+00:00', 'now', '-2 hours')",
            [],
        )
        .unwrap();
    }
    sim.shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let offline = run(dir.path(), &sim, sim::DEMO_KEY, &args).await;
    let err = stderr(&offline);
    assert_eq!(offline.status.code(), Some(0), "{err}");
    assert_eq!(offline.stdout, first.stdout, "the same figures");
    assert!(
        err.contains("the refresh failed") && err.contains("2 hours ago"),
        "{err}"
    );
}

/// After the TTL, a 90-day export refreshes the settling cost days as one window (its pages),
/// not as the tails of two windows tiled from the range's start (twice the pages).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settling_cost_days_are_refreshed_as_one_window() {
    let sim = sim::spawn(SimConfig {
        users: 2500,
        requests_per_window: 100_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    let need = Need::developers(today() - Duration::days(90), today() - Duration::days(1));
    let (tx, _rx) = mpsc::unbounded_channel();
    let start = Utc::now();
    for clock in [start, start + Duration::hours(2)] {
        let n = sim.request_count();
        let mut s = Syncer::new(
            client(sim.base_url()),
            Store::open(&path).unwrap().0,
            at(clock),
        );
        s.sync(&need, &tx).await.unwrap();
        let windows: std::collections::BTreeSet<String> = sim.requests()[n..]
            .iter()
            .filter(|r| r.path.ends_with("/analytics/cost") && r.query.contains("=actor"))
            .map(|r| {
                let start = r.query.split('&').find(|p| p.starts_with("starting_at="));
                start.unwrap_or_default().to_owned()
            })
            .collect();
        let expected = if clock == start { 3 } else { 1 };
        assert_eq!(windows.len(), expected, "{windows:?}");
    }
}
