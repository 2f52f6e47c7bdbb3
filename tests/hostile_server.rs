//! Hostile servers: one that echoes the key it received in headers, error messages and JSON
//! bodies, run under every headless command; nothing the program prints or writes may hold it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod api_support;
mod common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use api_support::{Hit, Reply};
use serde_json::json;
use topogy::api::{ApiError, ClientConfig, UnreachableKind};

/// Shaped like an Analytics key (caught by the `sk-ant-` shape as well as verbatim).
const SHAPED: &str = "sk-ant-api01-HOSTILExCANARYxNEVERxPRINTxME0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
/// Not shaped like any key (the local checks only warn): caught verbatim or not at all.
const PLAIN: &str = "PLAINxHOSTILExCANARYx0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh";

/// How the hostile server answers, every time, with the key it received echoed in it.
#[derive(Clone, Copy, Debug)]
enum Echo {
    /// 200 with the key in `request-id`, in the envelope and in every row's text fields.
    Ok,
    /// 401 with the key in the message, the body's request id and the header.
    Rejected,
    /// 400 (an "unrecognised" refusal whose message is printed) with the key in it.
    Refused,
    /// 500 after every retry, key in message and header.
    Broken,
    /// 200 with a body that is not JSON and holds the key.
    Garbage,
    /// 200 and a 400 message with the key spelled in JSON `\u` escapes, which no byte search
    /// sees.
    Escaped,
}

const ECHOES: [Echo; 6] = [
    Echo::Ok,
    Echo::Rejected,
    Echo::Refused,
    Echo::Broken,
    Echo::Garbage,
    Echo::Escaped,
];

/// `key` as a JSON string literal made only of `\u` escapes.
fn escaped(key: &str) -> String {
    let inner: String = key
        .chars()
        .map(|c| format!("\\u{:04x}", u32::from(c)))
        .collect();
    format!("\"{inner}\"")
}

fn echo_reply(echo: Echo, hit: &Hit) -> Reply {
    let key = hit.api_key.clone().unwrap_or_default();
    let day = hit
        .param("date")
        .or_else(|| hit.param("starting_date"))
        .or_else(|| hit.param("starting_at").map(|s| s[..10].to_owned()))
        .unwrap_or_else(|| "2026-03-01".to_owned());
    let reply = match echo {
        Echo::Ok => Reply::json(
            200,
            json!({
                "data": [{
                    "date": day,
                    "starting_at": format!("{day}T00:00:00Z"),
                    "ending_at": format!("{day}T00:00:00Z"),
                    "daily_active_user_count": 1,
                    "weekly_active_user_count": 1,
                    "monthly_active_user_count": 1,
                    "assigned_seat_count": 1,
                    "user": { "id": format!("user_{key}"), "email_address": key },
                    "actor": { "type": "user_actor", "user_id": format!("user_{key}"), "email": key },
                    "chat_metrics": { "message_count": 1 },
                    "amount": "100",
                    "model": key,
                    "results": [],
                    "group": { "actor": { "type": "user_actor", "user_id": format!("user_{key}"), "email_address": key } },
                    "cost": { "amount": "100", "list_amount": "100" },
                }],
                "next_page": null,
                "has_more": false,
                "organization_id": key,
                "request_id": key,
            }),
        ),
        Echo::Rejected => Reply::error(
            401,
            "authentication_error",
            &format!("invalid x-api-key {key}"),
            &key,
        ),
        Echo::Refused => Reply::error(
            400,
            "invalid_request_error",
            &format!("unknown parameter {key}"),
            &key,
        ),
        Echo::Broken => Reply::error(500, "api_error", &format!("internal error for {key}"), &key),
        Echo::Garbage => Reply::raw(200, &format!("{{\"data\": [\"{key}")),
        Echo::Escaped if hit.path.ends_with("/summaries") => Reply::raw(
            400,
            &format!(
                r#"{{"type":"error","error":{{"type":"invalid_request_error","message":{k}}},"request_id":{k}}}"#,
                k = escaped(&key)
            ),
        ),
        Echo::Escaped => Reply::raw(
            200,
            &format!(
                r#"{{"data":[{{"user":{{"id":{k},"email_address":{k}}}}}],"next_page":null,"organization_id":{k}}}"#,
                k = escaped(&key)
            ),
        ),
    };
    reply
        .header("x-request-id", &key)
        .header("location", &format!("https://evil.example/{key}"))
}

async fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = home.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let mut env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    env.push(("TOPOGY_KEYRING".to_owned(), "off".to_owned()));
    env.push(("TOPOGY_LOG".to_owned(), "debug".to_owned()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        common::topogy(&home, &args, &env, None)
    })
    .await
    .unwrap()
}

/// Every headless command against every echo, with a shaped and a plain key: the key is in
/// no output stream, no log line, no store row, no config file and no export file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_echoing_the_key_never_gets_it_printed_logged_or_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for echo in ECHOES {
        let mock = api_support::spawn(move |hit, _| echo_reply(echo, hit)).await;
        let url = mock.url();
        for (shape, key) in [("shaped", SHAPED), ("plain", PLAIN)] {
            let home = dir.path().join(format!("{echo:?}-{shape}"));
            std::fs::create_dir_all(&home).unwrap();
            let out_file = home.join("export.csv");
            let out_file = out_file.to_str().unwrap();
            let export = [
                "export",
                "developers",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-02",
                "--format",
                "csv",
            ];
            let export_file = [&export[..], &["--output", out_file]].concat();
            let mut commands = vec![
                &["verify"][..],
                &["verify", "--json"][..],
                &["doctor"][..],
                &["doctor", "--json"][..],
            ];
            // A 5xx storm is retried for many seconds per call; verify and doctor cover it.
            if !matches!(echo, Echo::Broken) {
                commands.extend([&export[..], &export_file[..]]);
            }
            for args in commands {
                let env = [("TOPOGY_BASE_URL", url.as_str()), ("TOPOGY_API_KEY", key)];
                let out = run(&home, args, &env).await;
                outputs.push((format!("{echo:?} {shape} {args:?}"), out));
            }
        }
        assert!(
            mock.hits().iter().filter(|h| h.api_key.is_some()).count() >= 8,
            "the server had the key to echo"
        );
    }
    for (what, out) in &outputs {
        // The contract's status, for each command alike: the echo changes nothing.
        let expected = match what.split(' ').next() {
            Some("Ok") => 0,
            Some("Rejected") => 3,
            Some("Broken" | "Garbage") => 5,
            // A 400 proves the key authenticated: verify says it works (whatever the words).
            _ if what.contains("\"verify\"") => 0,
            // `/summaries` refuses every date and the cost answers lack their fields: doctor
            // and the export (which asks the cost endpoint whose organization this is) find
            // them malformed.
            Some("Escaped") => 5,
            // Everything refused: anything that needs data ends with 1.
            _ => 1,
        };
        assert_eq!(out.status.code(), Some(expected), "{what}");
    }
    for (what, out) in &outputs {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains("CANARY"), "{what} printed the key: {text}");
        }
    }
    let outcome = |what: &str| {
        outputs
            .iter()
            .find(|(w, _)| w == what)
            .map(|(_, o)| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap()
    };
    // What the server said is still shown, with the key masked.
    let verified = outcome("Ok plain [\"verify\", \"--json\"]");
    assert!(verified.contains("[key removed]"), "{verified}");
    let exported = outcome(
        "Ok plain [\"export\", \"developers\", \"--from\", \"2026-03-01\", \"--to\", \"2026-03-02\", \"--format\", \"csv\"]",
    );
    assert!(exported.contains("[key removed]"), "{exported}");
    common::assert_no_file_holds(dir.path(), "CANARY");
}

/// The request log behind the Status tab keeps the server's request ids, masked.
#[tokio::test]
async fn the_status_request_log_keeps_echoed_ids_masked() {
    let mock = api_support::spawn(|hit, _| echo_reply(Echo::Rejected, hit)).await;
    let api = api_support::client(&mock.url(), |_| {});
    let error = api.users_day(api_support::test_day()).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("CANARY"), "{shown}");
    let log = api.recent_requests();
    assert_eq!(log.len(), 1);
    let id = log[0].request_id.as_deref().unwrap_or_default();
    assert_eq!(id, "[key removed]");
    assert!(!format!("{log:?}").contains("CANARY"));
}

/// Serves `bad` for the first `failures` requests, then one good `/users` page of two people.
async fn fails_then_succeeds(bad: Reply, failures: usize) -> api_support::Mock {
    api_support::spawn(move |_, i| {
        if i < failures {
            bad.clone()
        } else {
            Reply::page(
                json!([api_support::user_row("u1"), api_support::user_row("u2")]),
                None,
            )
        }
    })
    .await
}

#[tokio::test]
async fn a_truncated_page_is_retried_twice_and_then_reported() {
    let truncated = Reply::raw(200, r#"{"data": [{"user": {"id": "#);
    let mock = fails_then_succeeds(truncated.clone(), 2).await;
    let api = api_support::client(&mock.url(), |c| c.max_retries = 5);
    let rows = api.users_day(api_support::test_day()).await.unwrap();
    let ids: Vec<String> = rows.iter().map(|r| r.user.clone().unwrap().id).collect();
    assert_eq!(ids, ["u1", "u2"]);
    assert_eq!(mock.hits().len(), 3);

    let mock = fails_then_succeeds(truncated, 3).await;
    let api = api_support::client(&mock.url(), |c| c.max_retries = 5);
    let error = api.users_day(api_support::test_day()).await.unwrap_err();
    assert!(matches!(error, ApiError::Malformed { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 5);
    assert_eq!(mock.hits().len(), 3, "two retries, not five");
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried_across_a_whole_window() {
    let window = Duration::from_millis(1200);
    let limited = Reply::error(429, "rate_limit_error", "slow down", "req_429");
    let mock = fails_then_succeeds(limited.clone(), 3).await;
    let api = api_support::client(&mock.url(), |c| {
        c.max_retries = 3;
        c.window = window;
    });
    let started = Instant::now();
    let rows = api.users_day(api_support::test_day()).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(mock.hits().len(), 4);
    let hits = mock.hits();
    let span = hits[3].at - hits[0].at;
    assert!(span >= window, "retries spread over the window: {span:?}");
    assert!(started.elapsed() < window * 3, "{:?}", started.elapsed());

    let mock = fails_then_succeeds(limited, 10).await;
    let api = api_support::client(&mock.url(), |c| {
        c.max_retries = 3;
        c.window = window;
    });
    let error = api.users_day(api_support::test_day()).await.unwrap_err();
    assert!(matches!(error, ApiError::RateLimited { .. }), "{error:?}");
    let hits = mock.hits();
    assert_eq!(hits.len(), 4);
    assert!(
        hits[3].at - hits[0].at >= window,
        "gave up only after a window"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_fails_within_the_call_time_bound() {
    let silent = Reply::page(json!([]), None).delayed(Duration::from_secs(30));
    let mock = api_support::spawn(move |_, _| silent.clone()).await;
    let api = api_support::client(&mock.url(), |c| {
        c.max_retries = 5;
        c.timeout = Duration::from_millis(400);
        c.max_call_time = Duration::from_millis(1000);
    });
    let started = Instant::now();
    let error = api.users_day(api_support::test_day()).await.unwrap_err();
    let took = started.elapsed();
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
    assert!(took < Duration::from_millis(1600), "{took:?}");
    assert!(mock.hits().len() <= 3, "{}", mock.hits().len());
    // The defaults: one call never spends more than 45 s on a silent server.
    let defaults = ClientConfig::default();
    assert!(defaults.max_call_time <= Duration::from_secs(45));
    assert!(defaults.timeout <= defaults.max_call_time);
}
