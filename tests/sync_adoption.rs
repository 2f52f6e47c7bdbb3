//! The Adoption tab's data through the sync engine: plugins and artifacts stored as the API
//! answered them, and a 404 from those two newer endpoints kept as "not offered", never taken
//! for a refused key.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod dashboard_common;

use chrono::{NaiveDate, TimeZone, Utc};
use topogy::metrics::Dashboard;
use topogy::sim::{self, SimConfig, SimHandle};
use topogy::store::{AdoptionItem, Dataset, FetchMeta, Store};
use topogy::sync::{Need, Syncer};

use dashboard_common::{TODAY, now, sync, syncer};

/// The latest day the simulator serves on `TODAY` (its default two-day lag).
const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 23) {
    Some(d) => d,
    None => panic!("valid date"),
};

async fn simulator(not_offered: bool) -> SimHandle {
    sim::spawn(SimConfig {
        users: 40,
        today: TODAY,
        requests_per_window: 100_000,
        plugins_artifacts_not_offered: not_offered,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

async fn synced_adoption(sim: &SimHandle) -> (Dashboard, Syncer) {
    let mut syncer = syncer(sim, Store::open_in_memory().unwrap(), now());
    let from = LATEST - chrono::Duration::days(6);
    sync(&mut syncer, &Need::dashboard(from, TODAY)).await;
    let dashboard = Dashboard::load(syncer.store(), from, TODAY, now(), None).unwrap();
    (dashboard, syncer)
}

fn sorted(mut items: Vec<AdoptionItem>) -> Vec<AdoptionItem> {
    items.sort_by(|a, b| a.name.cmp(&b.name));
    items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugins_and_artifacts_of_the_latest_day_are_stored_as_served() {
    let sim = simulator(false).await;
    let org = sim.org().clone();
    let (dashboard, _) = synced_adoption(&sim).await;
    let adoption = &dashboard.adoption;
    assert_eq!(adoption.day, Some(LATEST));
    assert!(!adoption.plugins_not_offered && !adoption.artifacts_not_offered);
    let plugins: Vec<AdoptionItem> = org
        .plugins_on(LATEST)
        .into_iter()
        .map(|p| AdoptionItem {
            name: p.plugin_name.to_owned(),
            users: p.distinct_user_count,
            uses: p.invocation_count,
        })
        .collect();
    assert!(plugins.len() >= 3);
    assert_eq!(sorted(adoption.plugins.clone()), sorted(plugins));
    let artifacts: Vec<AdoptionItem> = org
        .artifacts_on(LATEST)
        .into_iter()
        .map(|a| AdoptionItem {
            name: if a.is_shared {
                format!("{} (shared)", a.artifact_type)
            } else {
                a.artifact_type.to_owned()
            },
            users: a.distinct_user_count,
            uses: a.artifacts_created_count,
        })
        .collect();
    assert!(artifacts.len() >= 4);
    assert_eq!(sorted(adoption.artifacts.clone()), sorted(artifacts));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_from_plugins_and_artifacts_means_not_offered_and_the_sync_succeeds() {
    let sim = simulator(true).await;
    let (dashboard, syncer) = synced_adoption(&sim).await;
    assert_eq!(sim.count_status(404), 2, "each asked once");
    let adoption = &dashboard.adoption;
    assert!(adoption.plugins_not_offered && adoption.artifacts_not_offered);
    assert!(adoption.plugins.is_empty() && adoption.artifacts.is_empty());
    // Everything else arrived: the key was never taken for refused.
    assert!(!adoption.skills.is_empty() && !adoption.connectors.is_empty());
    assert!(!dashboard.developers.is_empty());
    // Logged as fetched, so the next refresh within the hour does not ask again.
    let entry = syncer
        .store()
        .fetch_entry(Dataset::Plugins, LATEST, LATEST.succ_opt().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(entry.rows, 0);
}

#[test]
fn an_answer_with_rows_clears_not_offered() {
    let mut store = Store::open_in_memory().unwrap();
    let meta = FetchMeta {
        fetched_at: Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
        data_refreshed_at: None,
    };
    store
        .mark_not_offered(Dataset::Plugins, LATEST, meta)
        .unwrap();
    assert!(store.not_offered(Dataset::Plugins).unwrap());
    assert!(!store.not_offered(Dataset::Artifacts).unwrap());
    let item = AdoptionItem {
        name: "serena".into(),
        users: 2,
        uses: 9,
    };
    store
        .replace_adoption(Dataset::Plugins, LATEST, std::slice::from_ref(&item), meta)
        .unwrap();
    assert!(!store.not_offered(Dataset::Plugins).unwrap());
    assert_eq!(
        store.latest_adoption(Dataset::Plugins).unwrap(),
        Some((LATEST, vec![item]))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_takes_only_a_plain_404_for_not_offered() {
    use topogy::api::{ApiError, Client, ClientConfig, Offered};
    use topogy::credentials::ApiKey;
    let client = |sim: &SimHandle| {
        Client::new(
            ApiKey::new(sim::DEMO_KEY),
            ClientConfig {
                base_url: sim.base_url(),
                max_retries: 0,
                ..ClientConfig::default()
            },
        )
        .unwrap()
    };
    let offered = simulator(false).await;
    let Offered::Rows(rows) = client(&offered).plugins(LATEST).await.unwrap() else {
        panic!("plugins are offered");
    };
    assert_eq!(rows.len(), offered.org().plugins_on(LATEST).len());

    // Not offered: a typed answer, not an empty list and not an error.
    let missing = simulator(true).await;
    let plugins = client(&missing).plugins(LATEST).await.unwrap();
    assert!(
        matches!(
            plugins,
            Offered::NotOffered {
                request_id: Some(_)
            }
        ),
        "{plugins:?}"
    );
    let artifacts = client(&missing).artifacts(LATEST).await.unwrap();
    assert!(
        matches!(
            artifacts,
            Offered::NotOffered {
                request_id: Some(_)
            }
        ),
        "{artifacts:?}"
    );

    // Access switched off is still an error, whatever the endpoint.
    let off = simulator(false).await;
    off.set_fault(Some(sim::Fault::ToggleOff));
    let error = client(&off).artifacts(LATEST).await.unwrap_err();
    assert!(
        matches!(error, ApiError::AccessDisabled { .. }),
        "{error:?}"
    );
}
