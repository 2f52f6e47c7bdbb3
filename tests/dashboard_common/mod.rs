//! Shared helpers for the dashboard tests: a simulator with a fixed clock, a sync into an
//! in-memory store, and a model built the way the app loop builds it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses a subset

use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use topogy::api::{Client, ClientConfig, ProgressSnapshot};
use topogy::credentials::{ApiKey, KeySource};
use topogy::metrics::Dashboard;
use topogy::sim::{self, SimConfig, SimHandle, Variant};
use topogy::store::Store;
use topogy::sync::{Clock, Coverage, JobId, Need, SyncOptions, SyncOutcome, Syncer};
use topogy::tui::action::{Action, SyncResult};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::{needs, update};

/// The simulator's and the dashboard's "today".
pub const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 25) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The fixed instant everything is computed for.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

/// A simulator of `users` people, seed 7, on `today`, with a budget no test reaches.
pub async fn simulator(users: usize, today: NaiveDate) -> SimHandle {
    simulator_as(users, today, &[]).await
}

/// [`simulator`] behaving as `variants`.
pub async fn simulator_as(users: usize, today: NaiveDate, variants: &[Variant]) -> SimHandle {
    sim::spawn(
        SimConfig {
            users,
            seed: 7,
            today,
            requests_per_window: 100_000,
            ..SimConfig::default()
        }
        .with_variants(variants),
    )
    .await
    .unwrap()
}

/// Runs `future` on a runtime of its own: for fixtures built once per test binary.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// What the dashboard shows for `range` after its first sync from `sim` into a fresh store:
/// the figures, the sync's coverage and its request count.
pub async fn synced_dashboard(sim: &SimHandle, range: &DateRange) -> (Dashboard, Coverage, u64) {
    let mut syncer = syncer(sim, Store::open_in_memory().unwrap(), now());
    let outcome = sync_dashboard(&mut syncer, range, range.to).await;
    let dashboard = load_dashboard(syncer.store(), range, &outcome.coverage);
    (dashboard, outcome.coverage, outcome.requests)
}

/// The dashboard's figures for `range` from `store` as a sync with `coverage` left it, on the
/// fixed clock.
pub fn load_dashboard(store: &Store, range: &DateRange, coverage: &Coverage) -> Dashboard {
    Dashboard::load(store, range.from, range.to, now(), Some(coverage)).unwrap()
}

/// A sync engine over `store`, talking to `sim` with a generous budget and a fixed clock.
pub fn syncer(sim: &SimHandle, store: Store, now: DateTime<Utc>) -> Syncer {
    let client = Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url: sim.base_url(),
            requests_per_window: 100_000,
            backoff_base: StdDuration::from_millis(20),
            ..ClientConfig::default()
        },
    )
    .unwrap();
    Syncer::new(
        client,
        store,
        SyncOptions {
            clock: Clock::Fixed(now),
            ..SyncOptions::default()
        },
    )
}

/// Runs `need` to completion.
pub async fn sync(syncer: &mut Syncer, need: &Need) -> SyncOutcome {
    let (tx, _rx) = mpsc::unbounded_channel();
    syncer.sync(need, &tx).await.unwrap()
}

/// Syncs what the dashboard asks for over `range` (as the app loop does on start) and
/// returns the outcome of the range's own need, whose coverage the app keeps.
pub async fn sync_dashboard(
    syncer: &mut Syncer,
    range: &DateRange,
    today: NaiveDate,
) -> SyncOutcome {
    let mut first = None;
    for need in needs(range, today) {
        let outcome = sync(syncer, &need).await;
        first.get_or_insert(outcome);
    }
    first.unwrap()
}

/// A model showing `dashboard` after a finished sync, as the demo shows it.
pub fn loaded_model(
    range: DateRange,
    now: DateTime<Utc>,
    dashboard: Dashboard,
    coverage: Coverage,
    requests: u64,
) -> Model {
    let mut model = Model::new(range, now);
    model.source = "built-in simulator (--demo)".to_owned();
    model.key_source = KeySource::Demo.to_string();
    model.requests_per_minute = 60;
    update(&mut model, Action::DataLoaded(Box::new(dashboard)));
    update(
        &mut model,
        Action::SyncFinished(JobId::default(), SyncResult::Done { requests, coverage }),
    );
    model.sync.progress = ProgressSnapshot {
        done: requests,
        planned: requests,
        last_status: Some(200),
        ..ProgressSnapshot::default()
    };
    model
}

/// Draws `model` once at `width`×`height`, as the app loop does after a resize.
pub fn draw(
    model: &mut Model,
    (width, height): (u16, u16),
    theme: &Theme,
) -> Terminal<TestBackend> {
    update(model, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(model, theme, frame))
        .unwrap();
    terminal
}

/// The screen text of a drawn terminal, one line per row.
pub fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let (width, height) = (buffer.area.width, buffer.area.height);
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
