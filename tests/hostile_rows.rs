//! Rows are not trusted blindly: a server that repeats people, sends rows without a user, or
//! a page of junk gets exact totals, a notice saying what was left out, or a refusal.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod api_support;

use std::time::Duration as StdDuration;

use api_support::{Hit, Reply};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use topogy::api::{ApiError, Client, ClientConfig};
use topogy::credentials::ApiKey;
use topogy::store::Store;
use topogy::sync::{Need, SyncError, SyncEvent, SyncOptions, Syncer};

fn day() -> NaiveDate {
    Utc::now().date_naive() - Duration::days(5)
}

fn person(id: &str, messages: u64) -> Value {
    json!({
        "user": { "id": id, "email_address": format!("{id}@example.com") },
        "chat_metrics": { "message_count": messages },
    })
}

/// Serves `users` on `/users` and an empty list everywhere else.
async fn serving(users: Value) -> api_support::Mock {
    api_support::spawn(move |hit: &Hit, _| {
        if hit.path.ends_with("/users") {
            Reply::page(users.clone(), None)
        } else {
            Reply::page(json!([]), None)
        }
    })
    .await
}

/// Syncs the per-person rows of [`day`]; returns the result, the stored messages per person
/// and the notices.
async fn sync_day(
    mock: &api_support::Mock,
) -> (Result<(), SyncError>, Vec<(String, u64)>, Vec<String>) {
    let client = Client::new(
        ApiKey::new(api_support::CANARY_KEY),
        ClientConfig {
            base_url: mock.url(),
            backoff_base: StdDuration::from_millis(5),
            backoff_cap: StdDuration::from_millis(20),
            ..ClientConfig::default()
        },
    )
    .unwrap();
    let mut syncer = Syncer::new(
        client,
        Store::open_in_memory().unwrap(),
        SyncOptions::default(),
    );
    let need = Need {
        people_daily: true,
        people_totals: false,
        people_cost: false,
        ..Need::developers(day(), day())
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let result = syncer.sync(&need, &tx).await.map(drop);
    drop(tx);
    let mut notices = Vec::new();
    while let Some(event) = rx.recv().await {
        if let SyncEvent::Notice(text) = event {
            notices.push(text);
        }
    }
    let stored = syncer
        .store()
        .user_days(day(), day())
        .unwrap()
        .into_iter()
        .map(|(_, a)| (a.user_id, a.messages))
        .collect();
    (result, stored, notices)
}

fn users_requests(mock: &api_support::Mock) -> usize {
    mock.hits()
        .iter()
        .filter(|h| h.path.ends_with("/users"))
        .count()
}

#[tokio::test]
async fn repeated_people_count_once_and_rows_without_a_user_are_reported() {
    let mock = serving(json!([
        person("u1", 5),
        person("u2", 7),
        person("u1", 5),
        person("u1", 5),
        { "chat_metrics": { "message_count": 100 } },
    ]))
    .await;
    let (result, stored, notices) = sync_day(&mock).await;
    result.unwrap();
    assert_eq!(stored, [("u1".to_owned(), 5), ("u2".to_owned(), 7)]);
    let messages: u64 = stored.iter().map(|(_, m)| m).sum();
    assert_eq!(messages, 12, "the truth: u1 sent 5, u2 sent 7");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].contains("2 repeated rows") && notices[0].contains("1 row without a user id"),
        "{}",
        notices[0]
    );
    assert_eq!(users_requests(&mock), 1);
}

#[tokio::test]
async fn a_page_of_mostly_junk_is_refused_as_malformed_not_stored_as_a_person() {
    let mock = serving(json!([
        {},
        { "user": {} },
        { "user": { "id": "" }, "chat_metrics": { "message_count": 3 } },
        person("u1", 2),
    ]))
    .await;
    let (result, stored, _) = sync_day(&mock).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error, SyncError::Api(ApiError::Malformed { ref detail, .. }) if detail.contains("3 of 4 rows")),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 5);
    assert!(stored.is_empty(), "{stored:?}");
    assert_eq!(
        users_requests(&mock),
        3,
        "the junk page is asked for three times"
    );
}

#[tokio::test]
async fn a_clean_page_is_stored_as_sent_without_a_notice() {
    let mock = serving(json!([person("u1", 1), person("u2", 2), person("u3", 3)])).await;
    let (result, stored, notices) = sync_day(&mock).await;
    result.unwrap();
    assert_eq!(stored.len(), 3);
    assert!(notices.is_empty(), "{notices:?}");
}
