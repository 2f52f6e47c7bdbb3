//! Cost from `/analytics/cost` or the legacy reports: person rows plus what no seat user
//! accounts for equal the organization's total to the cent; a server without the new endpoint
//! is remembered for a week and asked again after; and how many requests a cold 90-day
//! `export daily`/`export developers` of 2,500 people takes from each source.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use tokio::sync::mpsc;
use topogy::api::{Client, ClientConfig};
use topogy::credentials::ApiKey;
use topogy::metrics;
use topogy::sim::{self, SimConfig, SimHandle, Variant};
use topogy::store::{MetaKey, Store};
use topogy::sync::{Need, SyncOptions, Syncer};

const RPM: u32 = 100_000;
const COST_PATHS: [&str; 5] = [
    "/v1/organizations/analytics/cost",
    "/v1/organizations/analytics/cost_report",
    "/v1/organizations/analytics/user_cost_report",
    "/v1/organizations/analytics/usage_report",
    "/v1/organizations/analytics/user_usage_report",
];

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn simulator(users: usize, variants: &[Variant]) -> SimHandle {
    sim::spawn(
        SimConfig {
            users,
            requests_per_window: RPM,
            ..SimConfig::default()
        }
        .with_variants(variants),
    )
    .await
    .unwrap()
}

fn syncer(sim: &SimHandle, store: Store) -> Syncer {
    let client = Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url: sim.base_url(),
            requests_per_window: RPM,
            backoff_base: StdDuration::from_millis(20),
            ..ClientConfig::default()
        },
    )
    .unwrap();
    Syncer::new(client, store, SyncOptions::default())
}

/// Requests to each cost endpoint since the log was cleared, e.g. `cost ×3`.
fn cost_requests(sim: &SimHandle) -> (usize, String) {
    let log = sim.requests();
    let mut total = 0;
    let mut parts = Vec::new();
    for path in COST_PATHS {
        let n = log.iter().filter(|r| r.path == path).count();
        if n > 0 {
            total += n;
            parts.push(format!("{} ×{n}", path.rsplit('/').next().unwrap_or(path)));
        }
    }
    (total, parts.join(", "))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_rows_and_what_no_person_accounts_for_add_up_to_the_organization_total() {
    let sim = simulator(60, &[]).await;
    let org = sim.org().clone();
    let (from, to) = (today() - Duration::days(40), today() - Duration::days(1));
    let mut syncer = syncer(&sim, Store::open_in_memory().unwrap());
    let (tx, _rx) = mpsc::unbounded_channel();
    let outcome = syncer.sync(&Need::dashboard(from, to), &tx).await.unwrap();
    let people: Decimal = metrics::developers(syncer.store(), &outcome.coverage)
        .unwrap()
        .iter()
        .map(|d| d.cost_usd)
        .sum();
    let days = metrics::daily(syncer.store(), from, to).unwrap();
    let unattributed: Decimal = days
        .iter()
        .map(|d| {
            d.unattributed_cost_usd
                .expect("the new endpoint tells every day")
        })
        .sum();
    let total: Decimal = days.iter().map(|d| d.cost_usd.unwrap()).sum();
    assert_eq!(people + unattributed, total);

    // …and each equals the ground truth.
    let range: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let members: Decimal = range
        .iter()
        .flat_map(|&d| org.members().iter().map(move |m| (m.index, d)))
        .flat_map(|(u, d)| org.user_cost(u, d))
        .map(|l| l.amount_cents)
        .sum();
    let others: Decimal = range.iter().map(|&d| org.unattributed_cost(d)).sum();
    assert!(others > Decimal::ZERO);
    let usd = |cents: Decimal| (cents / Decimal::ONE_HUNDRED).normalize();
    assert_eq!(people.normalize(), usd(members));
    assert_eq!(unattributed.normalize(), usd(others));
    assert_eq!(total.normalize(), usd(members + others));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_the_new_endpoint_is_remembered_for_a_week() {
    let sim = simulator(20, &[Variant::CostLegacyOnly]).await;
    let new_endpoint = |sim: &SimHandle| {
        sim.requests()
            .iter()
            .filter(|r| r.path == COST_PATHS[0])
            .count()
    };
    let (tx, _rx) = mpsc::unbounded_channel();
    let day = |n: i64| today() - Duration::days(n);
    let mut first = syncer(&sim, Store::open_in_memory().unwrap());
    first
        .sync(&Need::daily(day(20), day(11)), &tx)
        .await
        .unwrap();
    assert_eq!(new_endpoint(&sim), 1, "tried once, then the legacy reports");

    // Other days, the same week: straight to the legacy reports.
    sim.clear_log();
    let mut store = first.into_store();
    let mut second = syncer(&sim, store);
    second
        .sync(&Need::daily(day(10), day(1)), &tx)
        .await
        .unwrap();
    assert_eq!(new_endpoint(&sim), 0);
    assert!(sim.request_count() > 0);

    // A week later it is asked again.
    store = second.into_store();
    let checked = (Utc::now() - Duration::days(8)).to_rfc3339();
    store
        .set_meta(MetaKey::CostSource, &format!("legacy {checked}"))
        .unwrap();
    sim.clear_log();
    let mut third = syncer(&sim, store);
    third
        .sync(&Need::daily(day(40), day(31)), &tx)
        .await
        .unwrap();
    assert_eq!(new_endpoint(&sim), 1);
}

/// A cold 90-day `export daily` and `export developers` of 2,500 people: the cost requests of
/// each source, against the fewest each allows (90 days are three 31-day windows; a window of
/// 2,503 actors at 1,000 rows a page is three pages).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "about three minutes in a debug build (the simulator sums 2,500 people a page); run with --ignored"]
async fn cold_exports_of_2500_people_make_the_fewest_cost_requests() {
    let (from, to) = (today() - Duration::days(90), today() - Duration::days(1));
    for (variants, daily_fewest, developers_fewest) in
        [(&[][..], 3, 9), (&[Variant::CostLegacyOnly][..], 3, 9)]
    {
        let sim = simulator(2500, variants).await;
        let (tx, _rx) = mpsc::unbounded_channel();
        let mut daily = syncer(&sim, Store::open_in_memory().unwrap());
        daily.sync(&Need::daily(from, to), &tx).await.unwrap();
        let (n, which) = cost_requests(&sim);
        eprintln!("{variants:?}: export daily, 90 days, cold: {n} cost request(s): {which}");
        // Without the new endpoint: the one 404 that finds it missing (a fresh store each).
        let extra = usize::from(!variants.is_empty());
        assert_eq!(n, daily_fewest + extra, "{variants:?} daily: {which}");

        sim.clear_log();
        let mut developers = syncer(&sim, Store::open_in_memory().unwrap());
        developers
            .sync(&Need::developers(from, to), &tx)
            .await
            .unwrap();
        let (n, which) = cost_requests(&sim);
        eprintln!("{variants:?}: export developers, 90 days, cold: {n} cost request(s): {which}");
        assert_eq!(
            n,
            developers_fewest + extra,
            "{variants:?} developers: {which}"
        );
    }
}
