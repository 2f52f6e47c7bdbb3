//! A tiny scripted HTTP mock on 127.0.0.1:0 for the API client tests, plus client presets.
//!
//! Included with `mod api_support;` by `api_errors.rs` and `api_client.rs`.
#![allow(dead_code)] // Reason: each including test file uses a different part of the helper.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Reason: test scaffolding fails loudly.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use topogy::api::{Client, ClientConfig};
use topogy::credentials::ApiKey;

/// A canary key: no test output, error or record may ever contain it.
pub const CANARY_KEY: &str = "sk-ant-api01-CANARY-must-never-appear-anywhere-0123456789";

/// One request as the mock saw it.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Arrival time at the mock (its own clock).
    pub at: Instant,
    pub path: String,
    /// Raw query string, exactly as sent.
    pub query: String,
    pub api_key: Option<String>,
    pub user_agent: Option<String>,
    pub anthropic_version: Option<String>,
}

impl Hit {
    /// A decoded query parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        reqwest::Url::parse(&format!("http://mock/?{}", self.query))
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The query without the `page` cursor, to compare pages of one pagination.
    pub fn query_without_page(&self) -> String {
        self.query
            .split('&')
            .filter(|kv| !kv.starts_with("page="))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What the mock answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            body: body.to_string(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// 200 with `{"data": rows, "next_page": next}`.
    pub fn page(rows: serde_json::Value, next: Option<&str>) -> Self {
        Self::json(200, serde_json::json!({ "data": rows, "next_page": next }))
    }

    /// An error in the platform shape, with the same request id in body and header.
    pub fn error(status: u16, kind: &str, message: &str, request_id: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({
                "type": "error",
                "error": { "type": kind, "message": message },
                "request_id": request_id,
            }),
        )
        .header("request-id", request_id)
    }

    pub fn raw(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.to_owned(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Hit, usize) -> Reply + Send + Sync;

/// A running mock. The server task ends with the test's runtime.
pub struct Mock {
    pub addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Mock {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

/// Starts a mock whose `handler` sees each hit and its 0-based arrival index.
pub async fn spawn(handler: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static) -> Mock {
    let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
    let handler: Arc<Handler> = Arc::new(handler);
    let recorded = hits.clone();
    let app = axum::Router::new().fallback(move |request: Request| {
        let recorded = recorded.clone();
        let handler = handler.clone();
        async move {
            let at = Instant::now();
            let (parts, _body) = request.into_parts();
            let header = |name: &str| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let hit = Hit {
                at,
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().unwrap_or_default().to_owned(),
                api_key: header("x-api-key"),
                user_agent: header("user-agent"),
                anthropic_version: header("anthropic-version"),
            };
            let index = {
                let mut all = recorded.lock().unwrap();
                all.push(hit.clone());
                all.len() - 1
            };
            let reply = handler(&hit, index);
            if !reply.delay.is_zero() {
                tokio::time::sleep(reply.delay).await;
            }
            let mut response = Response::new(Body::from(reply.body));
            *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
            let headers = response.headers_mut();
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            for (name, value) in reply.headers {
                headers.insert(name, HeaderValue::from_str(&value).unwrap());
            }
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Mock { addr, hits }
}

/// A client for tests: fast backoff, generous budget, no retries unless `tweak` says so.
pub fn client(base_url: &str, tweak: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut config = ClientConfig {
        base_url: base_url.to_owned(),
        requests_per_window: 1000,
        window: Duration::from_secs(1),
        background_percent: 50,
        max_concurrency: 4,
        timeout: Duration::from_secs(5),
        max_call_time: Duration::from_secs(20),
        max_retries: 0,
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(300),
        page_limit: 1000,
        shared_budget: None,
    };
    tweak(&mut config);
    Client::new(ApiKey::new(CANARY_KEY), config).unwrap()
}

/// A `/users` row for a user id.
pub fn user_row(id: &str) -> serde_json::Value {
    serde_json::json!({
        "user": { "id": id, "email_address": format!("{id}@example.com") },
        "chat_metrics": { "message_count": 1 },
        "claude_code_metrics": { "core_metrics": { "commit_count": 1 } }
    })
}

/// 2026-03-01, a day every test can use.
pub fn test_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}
