//! The HTTP front: one handler that logs, rate-limits, authenticates, injects faults, dispatches.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::cursor::ExpiredCursors;
use super::data::SyntheticOrg;
use super::error::{ApiError, Wording};
use super::limits::RateLimiter;
use super::prng::base62;
use super::query::{Query, decode};
use super::{Fault, LoggedRequest, SimConfig, adoption, engagement, plugins, reports};

/// Path prefix every endpoint lives under.
pub(crate) const PREFIX: &str = "/v1/organizations/analytics/";
/// Delay added to every answer by the `slow` fault.
const SLOW_DELAY: Duration = Duration::from_millis(1500);
/// `retry-after` sent by the `rate-limited` fault.
const FAULT_RETRY_AFTER: u64 = 30;
/// Body of the `malformed` fault: the start of a JSON document, cut off.
const MALFORMED_BODY: &str = "{\"data\": [";

/// State shared by the server task and every [`super::SimHandle`].
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) org: SyntheticOrg,
    pub(crate) started: Instant,
    pub(crate) fault: Mutex<Option<Fault>>,
    /// Finished requests with their serial numbers, kept in arrival order.
    pub(crate) log: Mutex<Vec<(u64, LoggedRequest)>>,
    pub(crate) limiter: Mutex<RateLimiter>,
    pub(crate) expired: Mutex<ExpiredCursors>,
    /// When each live cursor was issued, by the serial number of the issuing request.
    pub(crate) cursors: Mutex<HashMap<u64, Instant>>,
    pub(crate) requests: AtomicU64,
    pub(crate) flaky: AtomicU64,
}

impl Shared {
    pub(crate) fn new(config: SimConfig) -> Self {
        Self {
            org: SyntheticOrg::new(config.seed, config.users, config.today)
                .seat_based(config.seat_based),
            started: Instant::now(),
            fault: Mutex::new(config.fault),
            log: Mutex::new(Vec::new()),
            limiter: Mutex::new(RateLimiter::new(config.requests_per_window, config.window)),
            expired: Mutex::new(ExpiredCursors::default()),
            cursors: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            flaky: AtomicU64::new(0),
            config,
        }
    }
}

/// Locks a mutex, tolerating poisoning (the data stays usable after a panicking test thread).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What an endpoint handler may look at.
pub(crate) struct Ctx<'a> {
    shared: &'a Shared,
    pub(crate) fault: Option<Fault>,
    /// Serial number of this request (0 for the first one).
    serial: u64,
}

impl Ctx<'_> {
    pub(crate) fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    pub(crate) fn org(&self) -> &SyntheticOrg {
        &self.shared.org
    }

    /// Records that this request issued a page cursor; returns the cursor's serial.
    pub(crate) fn issue_cursor(&self) -> u64 {
        let now = Instant::now();
        let ttl = self.shared.config.cursor_ttl;
        let mut cursors = lock(&self.shared.cursors);
        cursors.retain(|_, issued| now.duration_since(*issued) <= ttl);
        cursors.insert(self.serial, now);
        self.serial
    }

    /// How long ago the cursor with `serial` was issued (`None` if unknown).
    pub(crate) fn cursor_age(&self, serial: u64) -> Option<Duration> {
        lock(&self.shared.cursors)
            .get(&serial)
            .map(Instant::elapsed)
    }

    pub(crate) fn expired_cursors(&self) -> MutexGuard<'_, ExpiredCursors> {
        lock(&self.shared.expired)
    }
}

/// The `anthropic-beta` value `/cost` requires.
const COST_BETA: &str = "analytics-usage-cost-2026-08-24";

/// The endpoints served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    Users,
    Summaries,
    Projects,
    Skills,
    Connectors,
    Plugins,
    Artifacts,
    UsageReport,
    CostReport,
    UserUsageReport,
    UserCostReport,
    /// The Usage & Cost Analytics API's `/cost` (beta header required).
    Cost,
}

impl Endpoint {
    fn from_path(path: &str) -> Option<Self> {
        Some(match path.strip_prefix(PREFIX)?.trim_end_matches('/') {
            "users" => Self::Users,
            "summaries" => Self::Summaries,
            "apps/chat/projects" => Self::Projects,
            "skills" => Self::Skills,
            "connectors" => Self::Connectors,
            "plugins" => Self::Plugins,
            "artifacts" => Self::Artifacts,
            "usage_report" => Self::UsageReport,
            "cost_report" => Self::CostReport,
            "user_usage_report" => Self::UserUsageReport,
            "user_cost_report" => Self::UserCostReport,
            "cost" => Self::Cost,
            _ => return None,
        })
    }

    /// Cost/usage endpoints answer a bad key with 401 and server errors with 500; engagement
    /// endpoints with 404 and 503.
    fn is_cost(self) -> bool {
        matches!(
            self,
            Self::UsageReport
                | Self::CostReport
                | Self::UserUsageReport
                | Self::UserCostReport
                | Self::Cost
        )
    }
}

enum Outcome {
    Json(Value),
    Raw(&'static str),
    Error(ApiError),
}

impl From<Result<Value, ApiError>> for Outcome {
    fn from(result: Result<Value, ApiError>) -> Self {
        result.map_or_else(Outcome::Error, Outcome::Json)
    }
}

/// Answers every request (registered as the router's fallback).
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let number = shared.requests.fetch_add(1, Ordering::Relaxed);
    let at = shared.started.elapsed();
    let request_id = format!(
        "req_011C{}",
        base62(
            &[shared.config.seed, 0x5EED ^ shared.config.run, number],
            20
        )
    );
    let fault = *lock(&shared.fault);
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let key_ok = key == Some(shared.config.valid_key.as_str());
    if fault == Some(Fault::Slow) {
        tokio::time::sleep(SLOW_DELAY).await;
    }
    let beta = headers
        .get("anthropic-beta")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|b| b.trim() == COST_BETA));
    let outcome = answer(&shared, fault, number, &method, &uri, (key, key_ok), beta);
    let response = render(outcome, &request_id, shared.config.wording);
    let entry = LoggedRequest {
        at,
        path: uri.path().to_owned(),
        query: redact(uri.query().unwrap_or_default(), &shared.config.valid_key),
        status: response.status().as_u16(),
        request_id,
        authorized: key_ok
            && !matches!(
                fault,
                Some(Fault::KeyRejected | Fault::ToggleOff | Fault::MissingScope)
            ),
    };
    let mut log = lock(&shared.log);
    // Slow answers finish out of order; the log stays in arrival order.
    let position = log.partition_point(|(serial, _)| *serial < number);
    log.insert(position, (number, entry));
    drop(log);
    response
}

fn answer(
    shared: &Shared,
    fault: Option<Fault>,
    serial: u64,
    method: &Method,
    uri: &Uri,
    (key, key_ok): (Option<&str>, bool),
    beta: bool,
) -> Outcome {
    if fault == Some(Fault::RateLimited) {
        return Outcome::Error(ApiError::rate_limited(FAULT_RETRY_AFTER));
    }
    if let Err(seconds) = lock(&shared.limiter).admit(Instant::now()) {
        return Outcome::Error(ApiError::rate_limited(seconds));
    }
    let endpoint = Endpoint::from_path(uri.path());
    let cost = endpoint.is_some_and(Endpoint::is_cost);
    if key.is_some_and(|k| k.starts_with("sk-ant-admin")) {
        return Outcome::Error(ApiError::new(
            403,
            "permission_error",
            "Missing required scopes. Got: ['api:admin'] Needed: ['read:analytics']",
        ));
    }
    if !key_ok || fault == Some(Fault::KeyRejected) {
        return Outcome::Error(if cost {
            ApiError::new(401, "authentication_error", "invalid x-api-key")
        } else {
            ApiError::new(
                404,
                "not_found_error",
                "The requested resource could not be found.",
            )
        });
    }
    if fault == Some(Fault::MissingScope) {
        return Outcome::Error(ApiError::new(
            403,
            "permission_error",
            "Missing required scopes. Got: ['org:read_usage', 'user:read'] Needed: \
             ['read:analytics']",
        ));
    }
    if fault == Some(Fault::ToggleOff) {
        return Outcome::Error(ApiError::new(
            403,
            "permission_error",
            "Analytics API access is disabled for this organization. A Primary Owner can turn \
             the Access toggle on under Analytics → API keys.",
        ));
    }
    if method != Method::GET {
        return Outcome::Error(ApiError::new(
            405,
            "invalid_request_error",
            "Only GET is supported.",
        ));
    }
    let Some(endpoint) = endpoint else {
        return Outcome::Error(ApiError::new(
            404,
            "not_found_error",
            "The requested resource could not be found.",
        ));
    };
    if shared.config.plugins_artifacts_not_offered
        && matches!(endpoint, Endpoint::Plugins | Endpoint::Artifacts)
    {
        // What an organization without these newer endpoints gets: the same 404 a bad key
        // gets, which is why the client asks for them only after the key is proven.
        return Outcome::Error(ApiError::new(
            404,
            "not_found_error",
            "The requested resource could not be found.",
        ));
    }
    let offered = match endpoint {
        Endpoint::Cost => shared.config.cost_endpoint,
        Endpoint::UsageReport
        | Endpoint::CostReport
        | Endpoint::UserUsageReport
        | Endpoint::UserCostReport => shared.config.legacy_cost_endpoints,
        _ => true,
    };
    if !offered {
        return Outcome::Error(ApiError::new(
            404,
            "not_found_error",
            "The requested resource could not be found.",
        ));
    }
    if endpoint == Endpoint::Cost && !beta {
        return Outcome::Error(ApiError::new(
            400,
            "invalid_request_error",
            format!("This endpoint requires the `anthropic-beta: {COST_BETA}` header."),
        ));
    }
    let flaky =
        fault == Some(Fault::Flaky5xx) && shared.flaky.fetch_add(1, Ordering::Relaxed) % 3 == 1;
    if flaky || fault == Some(Fault::ServerErrors) {
        return Outcome::Error(if cost {
            ApiError::new(500, "api_error", "Internal server error.")
        } else {
            ApiError::new(503, "api_error", "Transient failure, please retry.")
        });
    }
    if fault == Some(Fault::Malformed) {
        return Outcome::Raw(MALFORMED_BODY);
    }
    let query = match Query::parse(uri.query()) {
        Ok(query) => query,
        Err(error) => return Outcome::Error(error),
    };
    let ctx = Ctx {
        shared,
        fault,
        serial,
    };
    let q = &query;
    match endpoint {
        Endpoint::Users => engagement::users(&ctx, q),
        Endpoint::Summaries => engagement::summaries(&ctx, q),
        Endpoint::Projects => adoption::projects(&ctx, q),
        Endpoint::Skills => adoption::skills(&ctx, q),
        Endpoint::Connectors => adoption::connectors(&ctx, q),
        Endpoint::Plugins => plugins::plugins(&ctx, q),
        Endpoint::Artifacts => plugins::artifacts(&ctx, q),
        Endpoint::UsageReport => reports::usage_report(&ctx, q),
        Endpoint::CostReport => reports::cost_report(&ctx, q),
        Endpoint::UserUsageReport => reports::user_usage_report(&ctx, q),
        Endpoint::UserCostReport => reports::user_cost_report(&ctx, q),
        Endpoint::Cost => super::cost_api::cost(&ctx, q),
    }
    .into()
}

fn render(outcome: Outcome, request_id: &str, wording: Wording) -> Response {
    let (status, body, retry_after) = match outcome {
        Outcome::Json(value) => (200, value.to_string(), None),
        Outcome::Raw(text) => (200, text.to_owned(), None),
        Outcome::Error(error) => (
            error.status,
            error.body(request_id, wording).to_string(),
            error.retry_after,
        ),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static("request-id"), value);
    }
    if let Some(seconds) = retry_after {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The raw query string with any key-like parameter replaced, so the log can never hold a key.
fn redact(query: &str, key: &str) -> String {
    let leaks = |text: &str| {
        let decoded = decode(text).unwrap_or_else(|| text.to_owned());
        (!key.is_empty() && (text.contains(key) || decoded.contains(key)))
            || decoded.to_ascii_lowercase().contains("sk-ant")
    };
    query
        .split('&')
        .map(|piece| {
            let (name, _) = piece.split_once('=').unwrap_or((piece, ""));
            if leaks(name) {
                "[redacted]".to_owned()
            } else if leaks(piece) {
                format!("{name}=[redacted]")
            } else {
                piece.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}
