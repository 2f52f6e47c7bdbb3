//! The sync engine against the simulator: pacing, retry-after, cursor restarts, atomic days,
//! range-mode fallback and the settling window.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, Utc};
use tokio::sync::mpsc;
use topogy::api::{ApiError, Client, ClientConfig};
use topogy::credentials::ApiKey;
use topogy::metrics;
use topogy::sim::{self, Fault, SimConfig, SimHandle};
use topogy::store::{Activity, Dataset, FetchMeta, MetaKey, Store};
use topogy::sync::{Clock, JobId, Need, SyncError, SyncOptions, Syncer};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A recent day on which more than 1,000 people were active, so its `/users` answer has pages.
fn busy_day(org: &topogy::sim::SyntheticOrg) -> NaiveDate {
    (3..12)
        .map(|back| today() - Duration::days(back))
        .find(|d| {
            org.members()
                .iter()
                .filter(|m| org.user_day(m.index, *d).is_some())
                .count()
                > 1000
        })
        .expect("a weekday with more than 1,000 active people")
}

/// Only the per-day engagement of `day`.
fn one_day(day: NaiveDate) -> Need {
    Need {
        people_daily: true,
        people_totals: false,
        people_cost: false,
        ..Need::developers(day, day)
    }
}

fn syncer(sim: &SimHandle, per_window: u32, window: StdDuration, store: Store) -> Syncer {
    let client = Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url: sim.base_url(),
            requests_per_window: per_window,
            window,
            backoff_base: StdDuration::from_millis(50),
            max_retries: 4,
            ..ClientConfig::default()
        },
    )
    .unwrap();
    Syncer::new(client, store, SyncOptions::default())
}

async fn sync(s: &mut Syncer, need: &Need) -> Result<topogy::sync::SyncOutcome, SyncError> {
    let (tx, _rx) = mpsc::unbounded_channel();
    s.sync(need, &tx).await
}

/// The most requests that arrived within any `window`, from the simulator's own log.
fn max_in_window(sim: &SimHandle, window: StdDuration) -> usize {
    let times: Vec<StdDuration> = sim.requests().iter().map(|r| r.at).collect();
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| **t < times[i] + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_never_exceeds_the_budget() {
    let window = StdDuration::from_secs(1);
    let sim = sim::spawn(SimConfig {
        users: 30,
        requests_per_window: 5,
        window,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut s = syncer(&sim, 5, window, Store::open_in_memory().unwrap());
    let need = Need::daily(today() - Duration::days(16), today() - Duration::days(1));
    let outcome = sync(&mut s, &need).await.unwrap();
    let total = sim.request_count();
    assert!(
        total >= 16,
        "a day-by-day sync makes many requests ({total})"
    );
    assert_eq!(outcome.requests as usize, total);
    assert_eq!(sim.count_status(429), 0);
    assert!(
        max_in_window(&sim, window) <= 5,
        "more than 5 requests in one window"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_the_sync_still_completes() {
    // The client believes it may make 20 a second; the server allows 3 and says when to retry.
    let window = StdDuration::from_secs(1);
    let sim = sim::spawn(SimConfig {
        users: 30,
        requests_per_window: 3,
        window,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut s = syncer(&sim, 20, window, Store::open_in_memory().unwrap());
    let from = today() - Duration::days(8);
    let need = Need::daily(from, today() - Duration::days(3));
    sync(&mut s, &need).await.unwrap();
    let log = sim.requests();
    let limited: Vec<usize> = (0..log.len()).filter(|&i| log[i].status == 429).collect();
    assert!(
        !limited.is_empty(),
        "the test must provoke at least one 429"
    );
    for &i in &limited {
        let next = log.get(i + 1).expect("a retry follows every 429");
        assert!(
            next.at >= log[i].at + StdDuration::from_secs(1),
            "request {} came {:?} after a 429 that asked for 1 s",
            i + 1,
            next.at - log[i].at
        );
    }
    let days = metrics::daily(s.store(), from, today() - Duration::days(3)).unwrap();
    assert!(days.iter().all(|d| d.commits.is_some() && d.dau.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_cursor_restarts_pagination_from_page_one() {
    let sim = sim::spawn(SimConfig {
        users: 2500,
        fault: Some(Fault::ExpiredCursor),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let org = sim.org().clone();
    let day = busy_day(&org);
    let mut s = syncer(
        &sim,
        60,
        StdDuration::from_secs(60),
        Store::open_in_memory().unwrap(),
    );
    sync(&mut s, &one_day(day)).await.unwrap();
    let active = org
        .members()
        .iter()
        .filter(|m| org.user_day(m.index, day).is_some())
        .count();
    assert!(active > 1000, "the day spans several pages");
    let stored = s.store().user_days(day, day).unwrap();
    assert_eq!(stored.len(), active);
    let users_requests: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/users") && r.query.starts_with(&format!("date={day}")))
        .collect();
    assert!(
        users_requests.iter().any(|r| r.status == 410),
        "a cursor expired"
    );
    let first_pages: Vec<&str> = users_requests
        .iter()
        .filter(|r| !r.query.contains("page="))
        .map(|r| r.query.as_str())
        .collect();
    assert!(first_pages.len() >= 2, "page 1 was requested again");
    assert!(
        first_pages.windows(2).all(|w| w[0] == w[1]),
        "with an identical query"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_that_fails_part_way_keeps_its_old_copy() {
    // Every cursor is already expired: page 1 arrives, page 2 never does.
    let sim = sim::spawn(SimConfig {
        users: 2500,
        cursor_ttl: StdDuration::ZERO,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let day = busy_day(sim.org());
    let mut store = Store::open_in_memory().unwrap();
    let old = vec![Activity {
        user_id: "user_old".into(),
        email: "old@example.com".into(),
        commits: 42,
        ..Activity::default()
    }];
    let long_ago = FetchMeta {
        fetched_at: Utc::now() - Duration::days(2),
        data_refreshed_at: None,
    };
    store.replace_user_day(day, &old, long_ago).unwrap();
    let mut s = syncer(&sim, 60, StdDuration::from_secs(60), store);
    let err = sync(&mut s, &one_day(day)).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Api(ApiError::CursorInvalid { .. })),
        "{err:?}"
    );
    let rows: Vec<Activity> = s
        .store()
        .user_days(day, day)
        .unwrap()
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert_eq!(rows, old);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_range_mode_falls_back_to_days_with_the_same_totals() {
    let sim = sim::spawn(SimConfig {
        users: 25,
        range_mode: false,
        legacy_summaries: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let org = sim.org().clone();
    let (from, to) = (today() - Duration::days(12), today() - Duration::days(2));
    let mut s = syncer(
        &sim,
        60,
        StdDuration::from_secs(60),
        Store::open_in_memory().unwrap(),
    );
    let outcome = sync(&mut s, &Need::developers(from, to)).await.unwrap();
    let rows = metrics::developers(s.store(), &outcome.coverage).unwrap();
    let expected = common::expected_developers(&org, from, to, to);
    assert_eq!(rows.len(), expected.len());
    for r in &rows {
        let e = &expected[&r.user_id];
        assert_eq!(
            (r.commits, r.messages, r.lines_added),
            (e.commits, e.messages, e.lines_added)
        );
    }
    // Range mode is not asked again; the next run is served from stored days.
    let before = sim.request_count();
    let again = sync(&mut s, &Need::developers(from, to)).await.unwrap();
    assert_eq!(again.requests, 0);
    assert_eq!(sim.request_count(), before);
    // The legacy `summaries` envelope is read too.
    sync(&mut s, &Need::daily(from, to)).await.unwrap();
    let days = metrics::daily(s.store(), from, to).unwrap();
    assert_eq!(days[0].dau, Some(org.dau(from)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_settling_window_is_fetched_again_after_the_ttl() {
    let sim = sim::spawn(SimConfig {
        users: 20,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (from, to) = (today() - Duration::days(30), today() - Duration::days(2));
    let client = Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url: sim.base_url(),
            ..ClientConfig::default()
        },
    )
    .unwrap();
    let start = Utc::now();
    let options = |at| SyncOptions {
        clock: Clock::Fixed(at),
        ..SyncOptions::default()
    };
    let mut s = Syncer::new(
        client.clone(),
        Store::open_in_memory().unwrap(),
        options(start),
    );
    let need = Need {
        people_daily: true,
        ..Need::daily(from, to)
    };
    sync(&mut s, &need).await.unwrap();
    let store = s.store();
    let days_before = store.fetch_entries(Dataset::UsersDay, from, to).unwrap();
    assert_eq!(days_before.len(), 29);

    // Thirty minutes later nothing is stale; two hours later only unsettled days are.
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut soon = Syncer::new(
        client.clone(),
        reopen(&s),
        options(start + Duration::minutes(30)),
    );
    let n = sim.request_count();
    soon.sync(&need, &tx).await.unwrap();
    assert_eq!(sim.request_count(), n);

    let mut later = Syncer::new(client, reopen(&soon), options(start + Duration::hours(2)));
    later.sync(&need, &tx).await.unwrap();
    let users_days: Vec<String> = sim.requests()[n..]
        .iter()
        .filter(|r| r.path.ends_with("/users"))
        .map(|r| r.query.clone())
        .collect();
    // Engagement settles for 7 days: a day fetched 7 or more days after it is final, so
    // only today-6 to today-2 come again (5 days); the 24 older days are not asked for.
    assert_eq!(users_days.len(), 5, "{users_days:?}");
    assert!(users_days.iter().all(|q| {
        let d: NaiveDate = q.split("date=").nth(1).unwrap()[..10].parse().unwrap();
        d >= today() - Duration::days(6)
    }));
}

/// Copies an in-memory store's content into a fresh one through its public API.
fn reopen(s: &Syncer) -> Store {
    let from = today() - Duration::days(400);
    let to = today();
    let src = s.store();
    let mut dst = Store::open_in_memory().unwrap();
    for entry in src.fetch_entries(Dataset::UsersDay, from, to).unwrap() {
        let rows: Vec<Activity> = src
            .user_days(entry.start, entry.start)
            .unwrap()
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let meta = FetchMeta {
            fetched_at: entry.fetched_at,
            data_refreshed_at: entry.data_refreshed_at,
        };
        dst.replace_user_day(entry.start, &rows, meta).unwrap();
    }
    let days = src.summaries(from, to).unwrap();
    for entry in src.fetch_entries(Dataset::Summaries, from, to).unwrap() {
        let meta = FetchMeta {
            fetched_at: entry.fetched_at,
            data_refreshed_at: entry.data_refreshed_at,
        };
        dst.replace_summaries(entry.start, entry.end, &days, meta)
            .unwrap();
    }
    let lines = src.cost_days(from, to).unwrap();
    for entry in src.fetch_entries(Dataset::CostDaily, from, to).unwrap() {
        let meta = FetchMeta {
            fetched_at: entry.fetched_at,
            data_refreshed_at: entry.data_refreshed_at,
        };
        dst.replace_cost_days(entry.start, entry.end, &lines, meta)
            .unwrap();
    }
    if let Some(latest) = src.meta(MetaKey::EngagementLatest).unwrap() {
        dst.set_meta(MetaKey::EngagementLatest, &latest).unwrap();
    }
    dst
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_keeps_every_served_day_and_gives_way_to_a_screen() {
    let sim = sim::spawn(SimConfig {
        users: 8,
        requests_per_window: 1000,
        window: StdDuration::from_secs(1),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let s = syncer(
        &sim,
        1000,
        StdDuration::from_secs(1),
        Store::open_in_memory().unwrap(),
    );
    let mut task = topogy::sync::SyncTask::spawn(s);
    let (from, to) = (today() - Duration::days(90), today());
    task.backfill(JobId(1), Need::backfill(from, to)).unwrap();
    task.request(
        JobId(2),
        Need::developers(today() - Duration::days(10), today() - Duration::days(3)),
    )
    .unwrap();
    // One summaries pass plus 13 weekly chunks of days, and the screen's need among them.
    let mut order = Vec::new();
    while order.len() < 15 {
        match task.events.recv().await.unwrap() {
            topogy::sync::SyncEvent::Finished(_, r) => {
                r.unwrap();
                order.push("screen");
            }
            topogy::sync::SyncEvent::BackfillFinished(_, r) => {
                r.unwrap();
                order.push("backfill");
            }
            _ => {}
        }
    }
    let screen_at = order.iter().position(|o| *o == "screen").unwrap();
    assert!(
        screen_at <= 1,
        "the screen waited behind backfill: {order:?}"
    );
    let syncer = task.finish().await.unwrap();
    let latest = today() - Duration::days(2);
    let held = syncer
        .store()
        .fetch_entries(Dataset::UsersDay, from, latest)
        .unwrap();
    assert_eq!(
        held.len(),
        89,
        "every day from today-90 to the latest available one"
    );
    let summaries = syncer
        .store()
        .fetch_entries(Dataset::Summaries, from, latest)
        .unwrap();
    assert_eq!(summaries.len(), 89);
}

/// One rule per column whatever the fetch path: a person's figures (distinct counts
/// included) are the same before and after the day-by-day backfill fills the store, from the
/// sync's answer and from the store alone (the dashboard's first frame).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_figures_do_not_jump_when_the_backfill_completes() {
    let sim = sim::spawn(SimConfig {
        users: 30,
        requests_per_window: 1000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut s = syncer(
        &sim,
        1000,
        StdDuration::from_secs(60),
        Store::open_in_memory().unwrap(),
    );
    let (from, to) = (today() - Duration::days(20), today() - Duration::days(1));
    let first = sync(&mut s, &Need::dashboard(from, to)).await.unwrap();
    let before = metrics::developers(s.store(), &first.coverage).unwrap();
    assert_eq!(
        first.coverage.count_basis(),
        topogy::sync::CountBasis::Rollup
    );

    sync(&mut s, &Need::backfill(from, to)).await.unwrap();
    let held = s
        .store()
        .fetch_entries(Dataset::UsersDay, from, to)
        .unwrap();
    assert_eq!(
        held.len(),
        19,
        "every served day of the range is stored now"
    );

    let second = sync(&mut s, &Need::dashboard(from, to)).await.unwrap();
    let after = metrics::developers(s.store(), &second.coverage).unwrap();
    assert_eq!(
        second.coverage.count_basis(),
        topogy::sync::CountBasis::Rollup
    );
    assert_eq!(after, before);
    let stored = metrics::coverage_from_store(s.store(), from, to).unwrap();
    assert_eq!(metrics::developers(s.store(), &stored).unwrap(), before);
    // The day after the latest engagement day holds nothing: no "mixed" label from it.
    assert_eq!(stored.count_basis(), topogy::sync::CountBasis::Rollup);

    // And the figures are the documented ones: each conversation once over the range.
    let latest = today() - Duration::days(2);
    let expected = common::expected_developers(sim.org(), from, latest, to);
    for p in &after {
        let e = &expected[&p.user_id];
        assert_eq!(
            (p.conversations, p.claude_code_sessions, p.messages),
            (e.conversations, e.sessions, e.messages),
            "{}",
            p.user_id
        );
    }
    assert!(
        after.iter().any(|p| {
            let e = &expected[&p.user_id];
            e.conversations < e.conversation_days
        }),
        "some conversation spans days, so the rule matters"
    );
}

/// The organization's limit is shared by every process: two clients (two processes' worth)
/// counting in one ledger together never exceed it, so the server answers no 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_a_budget_together_keep_to_the_limit() {
    let window = StdDuration::from_secs(2);
    let sim = sim::spawn(SimConfig {
        users: 10,
        requests_per_window: 6,
        window,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ledger = topogy::api::SharedBudget::at(&dir.path().join("budget.db"));
    let client = |shared: Option<topogy::api::SharedBudget>| {
        Client::new(
            ApiKey::new(sim::DEMO_KEY),
            ClientConfig {
                base_url: sim.base_url(),
                requests_per_window: 6,
                window,
                max_retries: 0,
                shared_budget: shared,
                ..ClientConfig::default()
            },
        )
        .unwrap()
    };
    let day = today() - Duration::days(3);
    let run = |c: Client| async move {
        for _ in 0..6 {
            c.users_day(day).await.unwrap();
        }
    };
    let (a, b) = (client(Some(ledger.clone())), client(Some(ledger)));
    tokio::join!(run(a), run(b));
    assert_eq!(sim.request_count(), 12);
    assert_eq!(
        sim.count_status(429),
        0,
        "no process overran the shared limit"
    );
    assert!(max_in_window(&sim, window) <= 6);

    // Control: the same two without the ledger each spend the whole limit.
    sim.clear_log();
    tokio::time::sleep(window).await;
    let (a, b) = (client(None), client(None));
    let both = tokio::join!(
        async {
            for _ in 0..6 {
                let _ = a.users_day(day).await;
            }
        },
        async {
            for _ in 0..6 {
                let _ = b.users_day(day).await;
            }
        }
    );
    let _ = both;
    assert!(
        sim.count_status(429) > 0,
        "without the ledger the two overrun the limit"
    );
}
