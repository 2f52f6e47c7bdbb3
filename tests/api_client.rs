//! The client's behaviour on the wire: retries, `retry-after`, pagination restarts, the
//! request budget, progress, probing — against a scripted mock (and the simulator).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Reason: tests fail loudly.

mod api_support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_support::{CANARY_KEY, Reply, client, spawn, test_day, user_row};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;
use topogy::api::{ApiError, Client, ProgressSnapshot, UserActivity, WaitReason};

fn ids(rows: &[UserActivity]) -> Vec<String> {
    rows.iter()
        .map(|r| r.user.as_ref().unwrap().id.clone())
        .collect()
}

/// Collects every progress snapshot the watch channel delivers until the test ends.
fn watch_progress(api: &Client) -> Arc<Mutex<Vec<ProgressSnapshot>>> {
    let seen: Arc<Mutex<Vec<ProgressSnapshot>>> = Arc::default();
    let mut rx = api.subscribe_progress();
    let sink = seen.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let snapshot = rx.borrow_and_update().clone();
            sink.lock().unwrap().push(snapshot);
        }
    });
    seen
}

#[tokio::test]
async fn retries_a_503_then_succeeds_and_logs_both_attempts() {
    let mock = spawn(|_, i| match i {
        0 => Reply::error(
            503,
            "api_error",
            "Transient failure, please retry.",
            "req_first",
        ),
        _ => Reply::page(json!([user_row("user_a")]), None).header("request-id", "req_second"),
    })
    .await;
    let api = client(&mock.url(), |c| c.max_retries = 3);
    api.add_planned(1);
    let rows = api.users_day(test_day()).await.unwrap();
    assert_eq!(ids(&rows), ["user_a"]);
    assert_eq!(mock.hits().len(), 2);
    let log = api.recent_requests();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].status, log[0].attempt), (Some(503), 0));
    assert_eq!((log[1].status, log[1].attempt), (Some(200), 1));
    assert_eq!(log[0].request_id.as_deref(), Some("req_first"));
    assert_eq!(log[1].request_id.as_deref(), Some("req_second"));
    assert_eq!(log[1].method, "GET");
    assert_eq!(
        log[1].path,
        "/v1/organizations/analytics/users?date=2026-03-01&limit=1000"
    );
    let progress = api.subscribe_progress().borrow().clone();
    assert_eq!(
        (progress.done, progress.planned, progress.retries),
        (2, 2, 1)
    );
    assert_eq!(progress.last_status, Some(200));
}

#[tokio::test]
async fn retry_after_is_honoured_measured_by_the_server() {
    let mock = spawn(|_, i| match i {
        0 => Reply::error(429, "rate_limit_error", "Rate limit exceeded.", "req_429")
            .header("retry-after", "1"),
        _ => Reply::page(json!([user_row("user_a")]), None),
    })
    .await;
    let api = client(&mock.url(), |c| c.max_retries = 2);
    let seen = watch_progress(&api);
    api.users_day(test_day()).await.unwrap();
    let hits = mock.hits();
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_secs(1),
        "second attempt after {gap:?}"
    );
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter()
            .any(|p| p.waiting_reason == Some(WaitReason::RetryAfter) && p.waiting.is_some())
    );
    assert_eq!(api.subscribe_progress().borrow().waiting, None);
}

/// A 404 is never retried; the probe of `/summaries` decides it is the key (404 there too).
#[tokio::test]
async fn no_retry_on_404() {
    let mock = spawn(|_, _| Reply::error(404, "not_found_error", "Not found", "req_404")).await;
    let api = client(&mock.url(), |c| c.max_retries = 5);
    let error = api.users_day(test_day()).await.unwrap_err();
    assert!(
        matches!(error, ApiError::KeyRejected { status: 404, .. }),
        "{error:?}"
    );
    let hits = mock.hits();
    assert_eq!(hits.len(), 2, "the /users request and the deciding probe");
    assert!(hits[0].path.ends_with("/users"));
    assert!(hits[1].path.ends_with("/summaries"));
    assert_eq!(api.subscribe_progress().borrow().retries, 0);
}

/// A 404 from one endpoint while `/summaries` accepts the key: the endpoint is missing, the
/// key is fine (exit 5, never the rejected-key 3).
#[tokio::test]
async fn a_missing_endpoint_is_not_a_rejected_key() {
    let mock = spawn(|hit, _| {
        if hit.path.ends_with("/summaries") {
            Reply::raw(200, include_str!("fixtures/summaries_data.json"))
        } else {
            Reply::error(404, "not_found_error", "Not found", "req_gone")
        }
    })
    .await;
    let api = client(&mock.url(), |_| {});
    let error = api.skills(test_day()).await.unwrap_err();
    assert!(
        matches!(&error, ApiError::EndpointMissing { path, .. } if path.ends_with("/skills")),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 5);
    assert_eq!(error.request_id(), Some("req_gone"));
    assert_eq!(mock.hits().len(), 2);
}

#[tokio::test]
async fn refused_cursor_restarts_from_page_one_with_the_identical_query() {
    for refusal in [
        Reply::error(
            410,
            "invalid_request_error",
            "page cursor expired",
            "req_410",
        ),
        Reply::error(
            400,
            "invalid_request_error",
            "cursor does not match the current query",
            "req_400",
        ),
    ] {
        let first_page_served = Arc::new(Mutex::new(0));
        let served = first_page_served.clone();
        let mock = spawn(move |hit, _| match hit.param("page").as_deref() {
            None => {
                let mut n = served.lock().unwrap();
                *n += 1;
                let next = if *n == 1 { "c1" } else { "c2" };
                Reply::page(json!([user_row("user_a"), user_row("user_b")]), Some(next))
            }
            Some("c1") => refusal.clone(),
            _ => Reply::page(json!([user_row("user_c")]), None),
        })
        .await;
        let api = client(&mock.url(), |_| {});
        api.add_planned(1);
        let rows = api.users_day(test_day()).await.unwrap();
        assert_eq!(
            ids(&rows),
            ["user_a", "user_b", "user_c"],
            "complete, no duplicates"
        );
        let hits = mock.hits();
        let pages: Vec<_> = hits.iter().map(|h| h.param("page")).collect();
        assert_eq!(pages, [None, Some("c1".into()), None, Some("c2".into())]);
        assert_eq!(
            hits[0].query, hits[2].query,
            "page 1 re-requested identically"
        );
        assert!(hits.iter().all(|h| h.query_without_page() == hits[0].query));
        let progress = api.subscribe_progress().borrow().clone();
        assert_eq!((progress.done, progress.planned), (4, 4));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_is_never_exceeded_in_any_window() {
    let mock = spawn(|_, _| Reply::page(json!([]), None)).await;
    let window = Duration::from_secs(1);
    let api = client(&mock.url(), |c| {
        c.requests_per_window = 5;
        c.window = window;
        c.max_concurrency = 4;
    });
    let seen = watch_progress(&api);
    api.add_planned(23);
    let tasks: Vec<_> = (0..4)
        .map(|t| {
            let api = api.clone();
            tokio::spawn(async move {
                for _ in (t..23).step_by(4) {
                    api.users_day(test_day()).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let arrivals: Vec<_> = mock.hits().iter().map(|h| h.at).collect();
    assert_eq!(arrivals.len(), 23);
    for (i, start) in arrivals.iter().enumerate() {
        let in_window = arrivals
            .iter()
            .filter(|t| **t >= *start && **t - *start < window)
            .count();
        assert!(
            in_window <= 5,
            "{in_window} arrivals within 1 s of arrival #{i}"
        );
    }
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter()
            .any(|p| p.waiting_reason == Some(WaitReason::Budget))
    );
    assert!(seen.iter().all(|p| p.in_flight <= 4));
    let last = api.subscribe_progress().borrow().clone();
    assert_eq!((last.done, last.planned, last.in_flight), (23, 23, 0));
}

#[tokio::test]
async fn progress_counts_pages_retries_and_planned_work() {
    let summaries_failed = Arc::new(Mutex::new(false));
    let mock = spawn(move |hit, _| {
        let endpoint = hit.path.rsplit('/').next().unwrap().to_owned();
        match (endpoint.as_str(), hit.param("page")) {
            ("users", None) => Reply::page(json!([user_row("user_a")]), Some("p2")),
            ("users", Some(_)) => Reply::page(json!([user_row("user_b")]), None),
            ("summaries", _) => {
                let mut failed = summaries_failed.lock().unwrap();
                if *failed {
                    Reply::page(json!([{ "starting_at": "2026-03-01T00:00:00Z" }]), None)
                } else {
                    *failed = true;
                    Reply::error(503, "api_error", "busy", "req_busy")
                }
            }
            _ => Reply::page(
                json!([{ "skill_name": "pdf", "distinct_user_count": 2 }]),
                None,
            ),
        }
    })
    .await;
    let api = client(&mock.url(), |c| c.max_retries = 2);
    // One planned request per high-level call; the client adds the second users page and
    // the summaries retry itself.
    api.add_planned(3);
    assert_eq!(api.users_day(test_day()).await.unwrap().len(), 2);
    assert_eq!(
        api.skills(test_day()).await.unwrap()[0].distinct_user_count,
        2
    );
    let next_day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    assert_eq!(api.summaries(test_day(), next_day).await.unwrap().len(), 1);
    let progress = api.subscribe_progress().borrow().clone();
    let expected = ProgressSnapshot {
        done: 5,
        planned: 5,
        in_flight: 0,
        retries: 1,
        rate_limited: 0,
        waiting: None,
        waiting_reason: None,
        last_status: Some(200),
    };
    assert_eq!(progress, expected);
}

#[tokio::test]
async fn every_page_sends_the_same_query_and_headers() {
    let mock = spawn(|hit, _| match hit.param("page").as_deref() {
        None => Reply::page(json!([user_row("user_a")]), Some("p2")),
        Some("p2") => Reply::page(json!([user_row("user_b")]), Some("p3")),
        _ => Reply::page(json!([user_row("user_c")]), None),
    })
    .await;
    // A trailing slash on the base URL is tolerated.
    let api = client(&format!("{}/", mock.url()), |c| c.page_limit = 2);
    let rows = api.users_day(test_day()).await.unwrap();
    assert_eq!(ids(&rows), ["user_a", "user_b", "user_c"]);
    let hits = mock.hits();
    assert_eq!(hits.len(), 3);
    for hit in &hits {
        assert_eq!(hit.path, "/v1/organizations/analytics/users");
        assert_eq!(hit.query_without_page(), "date=2026-03-01&limit=2");
        assert_eq!(hit.api_key.as_deref(), Some(CANARY_KEY));
        assert_eq!(hit.anthropic_version.as_deref(), Some("2023-06-01"));
        assert_eq!(
            hit.user_agent.as_deref(),
            Some(concat!("topogy/", env!("CARGO_PKG_VERSION")))
        );
    }
    assert_eq!(hits[2].param("page").as_deref(), Some("p3"));
}

#[tokio::test]
async fn cost_reports_page_by_has_more_and_keep_the_earliest_watermark() {
    let mock = spawn(|hit, _| match hit.param("page") {
        None => Reply::json(200, json!({
            "organization_id": "org_01Test", "has_more": true, "next_page": "n2",
            "data_refreshed_at": "2026-03-05T08:00:00Z",
            "data": [{ "actor": { "user_id": "user_a", "email_address": "a@example.com" }, "amount": "100.50", "list_amount": "120" }]
        })),
        Some(_) => Reply::json(200, json!({
            "organization_id": "org_01Test", "has_more": false, "next_page": "ignored",
            "data_refreshed_at": "2026-03-05T04:00:00Z",
            "data": [{ "actor": { "user_id": "user_b", "email": "b@example.com" }, "amount": "0.25", "list_amount": "0.30" }]
        })),
    })
    .await;
    let api = client(&mock.url(), |_| {});
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap();
    let report = api
        .user_cost_report(start, end, &["model", "product"])
        .await
        .unwrap();
    assert_eq!(report.data.len(), 2);
    assert_eq!(report.organization_id.as_deref(), Some("org_01Test"));
    assert_eq!(
        report.data_refreshed_at,
        Some(Utc.with_ymd_and_hms(2026, 3, 5, 4, 0, 0).unwrap())
    );
    let total: rust_decimal::Decimal = report.data.iter().map(|r| r.cost.amount).sum();
    assert_eq!(total, "100.75".parse().unwrap());
    let first = &mock.hits()[0];
    assert_eq!(
        first.param("starting_at").as_deref(),
        Some("2026-03-01T00:00:00Z")
    );
    assert_eq!(
        first.param("ending_at").as_deref(),
        Some("2026-03-08T00:00:00Z")
    );
    assert_eq!(first.param("order_by").as_deref(), Some("amount"));
    assert_eq!(first.param("limit").as_deref(), Some("1000"));
    let groups: Vec<_> = first
        .query
        .split('&')
        .filter(|kv| kv.starts_with("group_by"))
        .collect();
    assert_eq!(groups, ["group_by%5B%5D=model", "group_by%5B%5D=product"]);
    assert_eq!(mock.hits().len(), 2);
}

#[tokio::test]
async fn daily_bucket_reports_ask_for_one_day_buckets_31_per_page() {
    let mock = spawn(|_, _| Reply::json(200, json!({
        "has_more": false, "next_page": null, "data_refreshed_at": null,
        "data": [{ "starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z",
                   "results": [{ "amount": "5", "list_amount": "6", "output_tokens": 9 }] }]
    })))
    .await;
    let api = client(&mock.url(), |_| {});
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let cost = api.cost_report(start, end, &[]).await.unwrap();
    assert_eq!(
        cost.data[0].results[0].amount,
        rust_decimal::Decimal::from(5)
    );
    let usage = api.usage_report(start, end, &["product"]).await.unwrap();
    assert_eq!(usage.data[0].results[0].output_tokens, 9);
    let hits = mock.hits();
    assert!(hits[0].path.ends_with("/cost_report") && hits[1].path.ends_with("/usage_report"));
    for hit in &hits {
        assert_eq!(hit.param("bucket_width").as_deref(), Some("1d"));
        assert_eq!(hit.param("limit").as_deref(), Some("31"));
    }
    assert_eq!(hits[1].param("group_by[]").as_deref(), Some("product"));
}

#[tokio::test]
async fn legacy_summaries_envelope_through_the_client_without_a_limit() {
    let mock = spawn(|_, _| Reply::raw(200, include_str!("fixtures/summaries_legacy.json"))).await;
    let api = client(&mock.url(), |_| {});
    let end = NaiveDate::from_ymd_opt(2026, 2, 11).unwrap();
    let days = api
        .summaries(NaiveDate::from_ymd_opt(2026, 2, 10).unwrap(), end)
        .await
        .unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].daily_active_user_count, 50);
    assert_eq!(
        mock.hits()[0].query,
        "starting_date=2026-02-10&ending_date=2026-02-11"
    );
}

#[tokio::test]
async fn probe_learns_the_latest_day_and_request_id() {
    let mock = spawn(|_, _| {
        Reply::raw(200, include_str!("fixtures/summaries_data.json"))
            .header("request-id", "req_probe")
    })
    .await;
    let outcome = client(&mock.url(), |_| {}).probe().await.unwrap();
    assert_eq!(
        outcome.latest_available,
        NaiveDate::from_ymd_opt(2026, 3, 2)
    );
    assert_eq!(outcome.request_id.as_deref(), Some("req_probe"));
    assert_eq!(mock.hits().len(), 1, "one request");
    assert!(mock.hits()[0].path.ends_with("/summaries"));

    // The first start is refused; the message names a day, used only as a hint for where
    // to step back to, and the day comes from the rows of the second answer.
    let message = "ending_date is not yet available; the most recent available date is 2026-03-02";
    let mock = spawn(move |hit, _| {
        if hit.param("starting_date").as_deref() > Some("2026-03-02") {
            Reply::error(400, "invalid_request_error", message, "req_p400")
        } else {
            Reply::raw(200, include_str!("fixtures/summaries_data.json"))
        }
    })
    .await;
    let outcome = client(&mock.url(), |_| {})
        .probe_at(NaiveDate::from_ymd_opt(2026, 3, 12).unwrap())
        .await
        .unwrap();
    assert_eq!(
        outcome.latest_available,
        NaiveDate::from_ymd_opt(2026, 3, 2)
    );
    let starts: Vec<_> = mock
        .hits()
        .iter()
        .map(|h| h.param("starting_date"))
        .collect();
    assert_eq!(
        starts,
        [Some("2026-03-05".to_owned()), Some("2026-02-24".to_owned())],
        "today - 7, then the hinted day - 6"
    );
    assert!(mock.hits().iter().all(|h| h.param("ending_date").is_none()));

    // Refused everywhere with no words at all: the key still works, the day stays unknown,
    // and the probe stops after two requests.
    let mock = spawn(|_, _| {
        Reply::raw(
            400,
            r#"{"type":"error","error":{"type":"invalid_request_error"}}"#,
        )
    })
    .await;
    let outcome = client(&mock.url(), |_| {}).probe().await.unwrap();
    assert_eq!(outcome.latest_available, None);
    assert_eq!(mock.hits().len(), 2);

    let mock = spawn(|_, _| Reply::error(404, "not_found_error", "Not found", "req_p404")).await;
    let error = client(&mock.url(), |_| {}).probe().await.unwrap_err();
    assert!(
        matches!(error, ApiError::KeyRejected { status: 404, .. }),
        "{error:?}"
    );
}

/// The simulator lists only people active in the requested span (idle seat holders never
/// appear), so the expected rows come from its ground truth rather than the seat count.
#[tokio::test]
async fn pages_a_2500_person_org_from_the_simulator() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 20).unwrap();
    let sim = topogy::sim::spawn(topogy::sim::SimConfig {
        users: 2500,
        today,
        ..topogy::sim::SimConfig::default()
    })
    .await
    .unwrap();
    let config = topogy::api::ClientConfig {
        base_url: sim.base_url(),
        ..topogy::api::ClientConfig::default()
    };
    let key = topogy::credentials::ApiKey::new(topogy::sim::DEMO_KEY);
    let api = Client::new(key, config).unwrap();
    let org = sim.org();
    let active_in = |days: &[NaiveDate]| -> BTreeSet<String> {
        org.members()
            .iter()
            .filter(|m| days.iter().any(|d| org.is_active(m.index, *d)))
            .map(|m| m.id.clone())
            .collect()
    };

    // Range mode over four weeks: nearly everyone, so three pages of 1000.
    let start = NaiveDate::from_ymd_opt(2026, 5, 21).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 6, 18).unwrap();
    let span: Vec<NaiveDate> = start.iter_days().take_while(|d| *d < end).collect();
    let expected = active_in(&span);
    assert!(expected.len() > 2000, "{} active", expected.len());
    let rows = api.users_range(start, end).await.unwrap();
    let got: BTreeSet<String> = ids(&rows).into_iter().collect();
    assert_eq!(rows.len(), got.len(), "no duplicates");
    assert_eq!(got, expected);
    let requests = sim.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.status == 200));

    // One day: the people active that day, in ceil(n / 1000) requests.
    sim.clear_log();
    let day = NaiveDate::from_ymd_opt(2026, 6, 16).unwrap();
    let expected = active_in(&[day]);
    let rows = api.users_day(day).await.unwrap();
    let got: BTreeSet<String> = ids(&rows).into_iter().collect();
    assert_eq!(rows.len(), got.len(), "no duplicates");
    assert_eq!(got, expected);
    assert_eq!(sim.requests().len(), expected.len().div_ceil(1000));
}

#[tokio::test]
async fn probing_the_simulator_and_its_rehearsal_faults() {
    use topogy::sim::{DEMO_KEY, Fault, SimConfig};
    let today = NaiveDate::from_ymd_opt(2026, 6, 20).unwrap();
    let sim = topogy::sim::spawn(SimConfig {
        today,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let connect = |key: &str| {
        let config = topogy::api::ClientConfig {
            base_url: sim.base_url(),
            ..topogy::api::ClientConfig::default()
        };
        Client::new(topogy::credentials::ApiKey::new(key), config).unwrap()
    };
    let api = connect(DEMO_KEY);
    let outcome = api.probe().await.unwrap();
    assert_eq!(
        outcome.latest_available,
        NaiveDate::from_ymd_opt(2026, 6, 18)
    );
    assert!(outcome.request_id.is_some());

    sim.set_fault(Some(Fault::TooRecent));
    let error = api
        .users_day(NaiveDate::from_ymd_opt(2026, 6, 17).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::DateNotYetAvailable { latest_available: Some(d), .. }
            if d == NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()),
        "{error:?}"
    );

    sim.set_fault(Some(Fault::ToggleOff));
    let error = api.probe().await.unwrap_err();
    assert!(
        matches!(error, ApiError::AccessDisabled { .. }),
        "{error:?}"
    );

    sim.set_fault(Some(Fault::KeyRejected));
    let error = api.probe().await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::KeyRejected {
                admin_key: false,
                ..
            }
        ),
        "{error:?}"
    );

    sim.set_fault(None);
    let error = connect("sk-ant-admin01-not-an-analytics-key")
        .probe()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::KeyRejected {
                admin_key: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 3);
}
