//! Every failure the API (or the network) can produce maps to the right `ApiError`, exit code
//! and request id — against a hand-written mock, offline.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Reason: tests fail loudly.

mod api_support;

use std::time::Duration;

use api_support::{CANARY_KEY, Hit, Reply, client, spawn, test_day, user_row};
use chrono::{NaiveDate, TimeZone, Utc};
use topogy::api::{ApiError, Client, ClientConfig, UnreachableKind};
use topogy::credentials::ApiKey;

/// Serves `reply` to every request; calls `/users` for one day with `retries` retries.
async fn users_error(reply: Reply, retries: u32) -> (ApiError, Vec<Hit>) {
    let mock = spawn(move |_, _| reply.clone()).await;
    let api = client(&mock.url(), |c| c.max_retries = retries);
    let error = api.users_day(test_day()).await.unwrap_err();
    (error, mock.hits())
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn too_recent_date_names_the_latest_available_day() {
    let message =
        "Data for 2026-03-20 is not yet available; the most recent available date is 2026-03-17.";
    let (error, _) = users_error(
        Reply::error(400, "invalid_request_error", message, "req_400a"),
        0,
    )
    .await;
    match &error {
        ApiError::DateNotYetAvailable {
            latest_available, ..
        } => {
            assert_eq!(*latest_available, Some(day(2026, 3, 17)));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(error.exit_code(), 1);
    assert_eq!(error.request_id(), Some("req_400a"));
    assert_eq!(error.server_message(), Some(message));
    assert!(error.to_string().contains("2026-03-17"));
}

#[tokio::test]
async fn today_or_future_date_without_a_named_day() {
    let reply = Reply::error(
        400,
        "invalid_request_error",
        "date cannot be today or in the future",
        "req_400b",
    );
    let (error, _) = users_error(reply, 0).await;
    assert!(
        matches!(
            error,
            ApiError::DateNotYetAvailable {
                latest_available: None,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn latest_day_falls_back_to_the_last_date_in_the_message() {
    let reply = Reply::error(
        400,
        "invalid_request_error",
        "2026-04-02 is too recent; try 2026-03-30",
        "r",
    );
    let (error, _) = users_error(reply, 0).await;
    assert!(
        matches!(error, ApiError::DateNotYetAvailable { latest_available: Some(d), .. } if d == day(2026, 3, 30)),
        "{error:?}"
    );
}

#[tokio::test]
async fn dates_before_2026_or_outside_the_history_are_out_of_range() {
    for message in [
        "date must be on or after 2026-01-01",
        "date must be within the past 90 days",
        "The range between starting_at and ending_at may span at most 31 days",
    ] {
        let reply = Reply::error(400, "invalid_request_error", message, "req_400c");
        let (error, _) = users_error(reply, 0).await;
        assert!(
            matches!(error, ApiError::DateOutOfRange { .. }),
            "{message}: {error:?}"
        );
        assert_eq!(error.exit_code(), 1);
        assert_eq!(error.request_id(), Some("req_400c"));
    }
}

#[tokio::test]
async fn other_400_is_an_invalid_request() {
    let reply = Reply::error(
        400,
        "invalid_request_error",
        "limit: must be between 1 and 1000",
        "req_400d",
    );
    let (error, hits) = users_error(reply, 3).await;
    assert!(
        matches!(error, ApiError::InvalidRequest { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(hits.len(), 1, "400 is never retried");
    assert_eq!(error.exit_code(), 1);
}

/// A 400 to a range request is a refused query whatever it says: the client does not guess
/// from the words whether range mode or the dates were refused (the sync decides from which
/// days it knows are served, see `tests/sync.rs`).
#[tokio::test]
async fn a_refused_range_is_a_refused_query_whatever_its_wording() {
    for message in [
        "Unknown query parameter: starting_date",
        "ending_date is in the future",
        "",
    ] {
        let refuse = Reply::error(400, "invalid_request_error", message, "req_r");
        let mock = spawn(move |_, _| refuse.clone()).await;
        let api = client(&mock.url(), |_| {});
        let error = api
            .users_range(day(2026, 3, 1), day(2026, 3, 8))
            .await
            .unwrap_err();
        assert!(error.is_refused_query(), "{message}: {error:?}");
        assert_eq!(error.request_id(), Some("req_r"));
        assert_eq!(error.exit_code(), 1);
        assert_eq!(mock.hits().len(), 1, "a 400 is never retried");
        assert_eq!(
            mock.hits()[0].param("starting_date").as_deref(),
            Some("2026-03-01")
        );
        assert_eq!(
            mock.hits()[0].param("ending_date").as_deref(),
            Some("2026-03-08")
        );
    }
}

/// A 403 `permission_error` names the missing scope and the scopes the key has; exit 3.
#[tokio::test]
async fn a_key_without_the_analytics_scope_is_named_as_such() {
    let reply = Reply::error(
        403,
        "permission_error",
        "Missing required scopes. Got: ['org:read_usage'] Needed: ['read:analytics']",
        "req_403",
    );
    let (error, _) = users_error(reply, 3).await;
    assert!(
        matches!(&error, ApiError::MissingScope { granted, status: 403, .. } if granted == &["org:read_usage".to_owned()]),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 3);
    let text = error.to_string();
    assert!(text.contains("read:analytics"), "{text}");
    assert!(text.contains("org:read_usage"), "{text}");
    assert!(error.fixes()[0].contains("Organization settings → API"));
    // The same status and type with no message at all: still the missing scope, not "bug".
    let bare = Reply::raw(
        403,
        r#"{"type":"error","error":{"type":"permission_error"}}"#,
    );
    let (error, _) = users_error(bare, 3).await;
    assert!(
        matches!(&error, ApiError::MissingScope { granted, .. } if granted.is_empty()),
        "{error:?}"
    );
}

#[tokio::test]
async fn status_401_rejects_the_key_with_the_checklist_in_order() {
    let reply = Reply::error(401, "authentication_error", "invalid x-api-key", "req_401");
    let (error, hits) = users_error(reply, 3).await;
    assert!(
        matches!(
            error,
            ApiError::KeyRejected {
                status: 401,
                admin_key: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(hits.len(), 1, "401 is never retried");
    assert_eq!(error.exit_code(), 3);
    assert_eq!(error.request_id(), Some("req_401"));
    let fixes = error.fixes();
    assert_eq!(fixes.len(), 3);
    assert!(fixes[0].contains("Access"), "{fixes:?}");
    assert!(fixes[1].contains("completely"), "{fixes:?}");
    assert!(fixes[2].contains("Primary Owner"), "{fixes:?}");
}

#[tokio::test]
async fn status_403_with_admin_scope_says_an_admin_key_was_used() {
    let message = "Missing required scopes. Got: ['api:admin'] Needed: ['read:analytics']";
    let (error, hits) = users_error(
        Reply::error(403, "permission_error", message, "req_403a"),
        3,
    )
    .await;
    assert!(
        matches!(
            error,
            ApiError::KeyRejected {
                status: 403,
                admin_key: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(hits.len(), 1);
    assert_eq!(error.exit_code(), 3);
    assert_eq!(error.cause(), "Admin API key used");
    assert!(error.to_string().contains("Admin API key"));
    assert!(error.fixes()[0].contains("Admin API key"));
    assert!(error.fixes()[1].contains("Analytics → API keys"));
}

#[tokio::test]
async fn status_403_access_disabled() {
    let message = "Analytics API access is disabled for this organization";
    let (error, _) = users_error(
        Reply::error(403, "permission_error", message, "req_403b"),
        0,
    )
    .await;
    assert!(
        matches!(error, ApiError::AccessDisabled { status: 403, .. }),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 3);
    assert_eq!(error.request_id(), Some("req_403b"));
    assert!(error.fixes()[0].contains("Access"));
}

#[tokio::test]
async fn status_404_rejects_the_key_without_retrying() {
    let reply = Reply::error(
        404,
        "not_found_error",
        "The requested resource could not be found.",
        "req_404",
    );
    let (error, hits) = users_error(reply, 5).await;
    assert!(
        matches!(
            error,
            ApiError::KeyRejected {
                status: 404,
                admin_key: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        hits.len(),
        2,
        "the request, then the probe that decides it is the key"
    );
    assert_eq!(error.exit_code(), 3);
    assert_eq!(error.request_id(), Some("req_404"));
}

/// Page 1 always succeeds with a cursor; every cursor is answered with `cursor_reply`.
async fn cursor_always_refused(cursor_reply: Reply) -> (ApiError, Vec<Hit>) {
    let mock = spawn(move |hit, _| match hit.param("page") {
        None => Reply::page(serde_json::json!([user_row("user_a")]), Some("c1")),
        Some(_) => cursor_reply.clone(),
    })
    .await;
    let api = client(&mock.url(), |_| {});
    let error = api.users_day(test_day()).await.unwrap_err();
    (error, mock.hits())
}

#[tokio::test]
async fn status_410_every_time_gives_up_after_three_restarts() {
    let (error, hits) = cursor_always_refused(Reply::error(
        410,
        "invalid_request_error",
        "page cursor expired",
        "req_410",
    ))
    .await;
    assert!(
        matches!(error, ApiError::CursorInvalid { expired: true, .. }),
        "{error:?}"
    );
    assert_eq!(hits.len(), 8, "first run + 3 restarts, two requests each");
    assert_eq!(error.exit_code(), 1);
    assert_eq!(error.request_id(), Some("req_410"));
}

#[tokio::test]
async fn cursor_mismatch_400_every_time_gives_up_after_three_restarts() {
    let message = "page cursor does not match the current query parameters";
    let (error, hits) =
        cursor_always_refused(Reply::error(400, "invalid_request_error", message, "req_c")).await;
    assert!(
        matches!(error, ApiError::CursorInvalid { expired: false, .. }),
        "{error:?}"
    );
    assert_eq!(hits.len(), 8);
}

#[tokio::test]
async fn status_429_with_and_without_retry_after() {
    let reply = Reply::error(
        429,
        "rate_limit_error",
        "Rate limit exceeded. Too many requests.",
        "req_429",
    )
    .header("retry-after", "7");
    let (error, _) = users_error(reply, 0).await;
    assert!(
        matches!(error, ApiError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 5);
    assert_eq!(error.request_id(), Some("req_429"));

    let reply = Reply::error(429, "rate_limit_error", "Rate limit exceeded.", "req_429b");
    let (error, hits) = users_error(reply, 2).await;
    assert!(
        matches!(
            error,
            ApiError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(hits.len(), 3, "429 is retried");
    assert_eq!(error.exit_code(), 5);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_understood() {
    let when = (Utc::now() + chrono::Duration::seconds(120))
        .to_rfc2822()
        .replace("+0000", "GMT");
    let reply =
        Reply::error(429, "rate_limit_error", "slow down", "req_d").header("retry-after", &when);
    let (error, _) = users_error(reply, 0).await;
    let ApiError::RateLimited {
        retry_after: Some(wait),
        ..
    } = error
    else {
        panic!("unexpected {error:?}");
    };
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    for status in [500u16, 503, 504, 529] {
        let kind = if status == 529 {
            "overloaded_error"
        } else {
            "api_error"
        };
        let reply = Reply::error(
            status,
            kind,
            "Transient failure, please retry.",
            &format!("req_{status}"),
        );
        let (error, hits) = users_error(reply, 1).await;
        assert!(
            matches!(error, ApiError::Server { status: s, .. } if s == status),
            "{error:?}"
        );
        assert_eq!(hits.len(), 2, "{status} is retried once");
        assert_eq!(error.exit_code(), 5);
        assert_eq!(error.request_id(), Some(format!("req_{status}").as_str()));
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn plain_text_gateway_error_keeps_its_text() {
    let (error, _) = users_error(Reply::raw(502, "upstream connect error"), 0).await;
    assert!(
        matches!(error, ApiError::Server { status: 502, .. }),
        "{error:?}"
    );
    assert_eq!(error.server_message(), Some("upstream connect error"));
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn malformed_success_bodies() {
    let truncated =
        Reply::raw(200, r#"{"data": [{"user": {"id": "#).header("request-id", "req_bad");
    let (error, hits) = users_error(truncated, 3).await;
    assert!(matches!(error, ApiError::Malformed { .. }), "{error:?}");
    assert_eq!(
        hits.len(),
        3,
        "a malformed body is retried twice, then reported"
    );
    assert_eq!(error.exit_code(), 5);
    assert_eq!(error.request_id(), Some("req_bad"));

    let (error, _) =
        users_error(Reply::json(200, serde_json::json!({"unexpected": true})), 0).await;
    assert!(matches!(error, ApiError::Malformed { .. }), "{error:?}");

    let (error, _) = users_error(Reply::raw(200, "<html>Sign in to the proxy</html>"), 0).await;
    assert!(matches!(error, ApiError::Malformed { .. }), "{error:?}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let reply = Reply::raw(301, "").header("location", "http://127.0.0.1:9/elsewhere");
    let (error, hits) = users_error(reply, 0).await;
    assert!(
        matches!(error, ApiError::InvalidRequest { status: 301, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("base URL"), "{error}");
    assert_eq!(hits.len(), 1);
}

#[tokio::test]
async fn the_key_never_appears_in_errors_even_if_the_server_echoes_it() {
    let message = format!("invalid x-api-key {CANARY_KEY}");
    let (error, hits) = users_error(
        Reply::error(401, "authentication_error", &message, "req_e"),
        0,
    )
    .await;
    assert_eq!(
        hits[0].api_key.as_deref(),
        Some(CANARY_KEY),
        "the key is sent in x-api-key"
    );
    for text in [
        error.to_string(),
        format!("{error:?}"),
        error.server_message().unwrap().to_owned(),
    ] {
        assert!(!text.contains("CANARY"), "{text}");
    }
}

#[tokio::test]
async fn connect_refused_is_unreachable_connect() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let api = client(&format!("http://127.0.0.1:{port}"), |c| c.max_retries = 1);
    let error = api.users_day(test_day()).await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Unreachable {
                kind: UnreachableKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 4);
    let log = api.recent_requests();
    assert_eq!(log.len(), 2, "connect errors are retried");
    assert_eq!(log[0].status, None);
}

#[tokio::test]
async fn slow_answer_is_unreachable_timeout() {
    let slow = Reply::page(serde_json::json!([]), None).delayed(Duration::from_secs(3));
    let mock = spawn(move |_, _| slow.clone()).await;
    let api = client(&mock.url(), |c| c.timeout = Duration::from_millis(300));
    let error = api.users_day(test_day()).await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Unreachable {
                kind: UnreachableKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 4);
}

#[tokio::test]
async fn unknown_host_is_unreachable_dns() {
    // `.invalid` never resolves (RFC 6761); only the local resolver is asked.
    let api = client("http://nonexistent.invalid", |c| c.max_retries = 3);
    let error = api.users_day(test_day()).await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Unreachable {
                kind: UnreachableKind::Dns,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 4);
    assert_eq!(
        api.recent_requests().len(),
        1,
        "DNS failures are not retried"
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_port_is_unreachable_tls() {
    let mock = spawn(|_, _| Reply::page(serde_json::json!([]), None)).await;
    let api = client(&format!("https://127.0.0.1:{}", mock.addr.port()), |_| {});
    let error = api.users_day(test_day()).await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Unreachable {
                kind: UnreachableKind::Tls,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 4);
}

#[tokio::test]
async fn cost_endpoints_classify_401_the_same_way() {
    let reply = Reply::error(401, "authentication_error", "invalid x-api-key", "req_c401");
    let mock = spawn(move |_, _| reply.clone()).await;
    let api = client(&mock.url(), |_| {});
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap();
    let error = api
        .user_cost_report(start, end, &["model"])
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::KeyRejected { status: 401, .. }),
        "{error:?}"
    );
}

#[test]
fn unusable_settings_are_reported_before_any_request() {
    let bad_url = ClientConfig {
        base_url: "api.anthropic.com".to_owned(),
        ..ClientConfig::default()
    };
    let error = Client::new(ApiKey::new("sk-ant-api01-x"), bad_url).unwrap_err();
    assert!(matches!(error, ApiError::InvalidConfig { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 2);

    let error = Client::new(
        ApiKey::new("sk-ant-api01-first\nsecond"),
        ClientConfig::default(),
    )
    .unwrap_err();
    assert!(matches!(error, ApiError::KeyNotSendable), "{error:?}");
    assert_eq!(error.exit_code(), 3);
    assert!(!format!("{error} {error:?}").contains("second"));
}
