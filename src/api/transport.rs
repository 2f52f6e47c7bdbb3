//! One GET with pacing and retries: semaphore → budget → send → classify → back off → repeat.
//!
//! Every attempt is counted by the budget, reported through progress, logged with `tracing`
//! (method, path, status, latency, request id — never headers) and kept in the request log.
//! Everything the server sent (headers, body) passes [`Inner::redact`] first, before it is
//! parsed, stored, logged or shown: a hostile server echoing the key gets it masked.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::classify::{self, ErrorBody};
use super::error::{ApiError, UnreachableKind};
use super::pacing::{WaitReason, backoff};
use super::redact;
use super::{Client, Inner};

/// How many requests [`Client::recent_requests`] keeps.
pub(crate) const REQUEST_LOG_LEN: usize = 200;

/// One attempt as it appears in the status pane's request log and in `doctor` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// When the attempt started.
    pub at: DateTime<Utc>,
    pub method: &'static str,
    /// Path and query (the query never carries secrets; the key travels in a header).
    pub path: String,
    /// `None` when no HTTP answer arrived (DNS, TLS, connect, timeout).
    pub status: Option<u16>,
    pub latency: Duration,
    pub request_id: Option<String>,
    /// 0 for the first try, 1 for the first retry, …
    pub attempt: u32,
}

/// The ring buffer behind [`Client::recent_requests`].
pub(crate) type RequestLog = Mutex<VecDeque<RequestRecord>>;

/// A parsed successful answer.
pub(crate) struct Answer<T> {
    pub body: T,
    pub request_id: Option<String>,
}

tokio::task_local! {
    /// Within [`offline_after_first_failure`]: the first unreachable answer, if any.
    static UNREACHABLE: std::cell::RefCell<Option<ApiError>>;
}

/// Runs `work` so that once one of its requests finds the API unreachable (after all its
/// retries), every later request of it fails at once with the same error instead of retrying
/// again: a sync that serves the store offline says so in seconds, not after a minute.
pub async fn offline_after_first_failure<F: std::future::Future>(work: F) -> F::Output {
    UNREACHABLE.scope(std::cell::RefCell::new(None), work).await
}

/// The unreachable answer an earlier request of this [`offline_after_first_failure`] met.
fn known_unreachable() -> Option<ApiError> {
    UNREACHABLE.try_with(|c| c.borrow().clone()).ok().flatten()
}

fn remember_unreachable(error: &ApiError) {
    if matches!(error, ApiError::Unreachable { .. }) {
        let _ = UNREACHABLE.try_with(|c| *c.borrow_mut() = Some(error.clone()));
    }
}

/// A 200 whose body is not the documented JSON is retried at most this often (a proxy or a
/// load balancer cut it short); the API's own errors are never retried this way.
const MAX_MALFORMED_RETRIES: u32 = 2;

impl Client {
    /// GETs `path` (relative to `/v1/organizations/analytics/`) with `query`, retrying transient
    /// failures, and parses the JSON body as `T`.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Answer<T>, ApiError> {
        self.get_checked(path, query, |_: &T| Ok(())).await
    }

    /// [`Client::get_json`], with `check` judging the parsed body: a body it refuses (with the
    /// reason) counts as malformed, like one that does not parse, and is retried as such.
    pub(crate) async fn get_checked<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        check: impl Fn(&T) -> Result<(), String>,
    ) -> Result<Answer<T>, ApiError> {
        if let Some(error) = known_unreachable() {
            return Err(error);
        }
        let result = self.get_retrying(path, query, check).await;
        if let Err(error) = &result {
            remember_unreachable(error);
        }
        result
    }

    async fn get_retrying<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        check: impl Fn(&T) -> Result<(), String>,
    ) -> Result<Answer<T>, ApiError> {
        let inner = &self.inner;
        let config = &inner.config;
        let url = format!("{}/v1/organizations/analytics/{path}", inner.base_url);
        let mut builder = inner.http.get(&url).query(query);
        if path == super::dimension_cost::PATH {
            // The beta header goes only where it is documented.
            builder = builder.header("anthropic-beta", super::dimension_cost::BETA);
        }
        let request = builder.build().map_err(|e| ApiError::InvalidConfig {
            detail: redact::sanitize(&e.to_string()),
        })?;
        let shown_path = match request.url().query() {
            Some(q) => format!("{}?{q}", request.url().path()),
            None => request.url().path().to_owned(),
        };
        let mut attempt = 0u32;
        let mut malformed = 0u32;
        // Time spent on the wire and backing off (not waiting for the budget or for a 429):
        // a server that accepts and never answers gives up within `max_call_time`.
        let mut spent = Duration::ZERO;
        loop {
            let Some(mut this_try) = request.try_clone() else {
                return Err(ApiError::InvalidConfig {
                    detail: "request cannot be repeated".to_owned(),
                });
            };
            let left = config.max_call_time.saturating_sub(spent);
            *this_try.timeout_mut() = Some(config.timeout.min(left));
            let answer = inner
                .attempt(this_try, &shown_path, attempt, &mut spent)
                .await;
            let error = match answer {
                Ok((bytes, request_id)) => {
                    let parsed = serde_json::from_slice::<T>(&bytes)
                        .map_err(|e| e.to_string())
                        .and_then(|body| check(&body).map(|()| body));
                    match parsed {
                        Ok(body) => return Ok(Answer { body, request_id }),
                        Err(e) => {
                            malformed += 1;
                            ApiError::Malformed {
                                detail: redact::sanitize(&e),
                                request_id,
                            }
                        }
                    }
                }
                Err(error) => error,
            };
            let (rate_limited, retry_after) = match &error {
                ApiError::RateLimited { retry_after, .. } => (true, *retry_after),
                _ => (false, None),
            };
            let transient = match &error {
                ApiError::RateLimited { .. } | ApiError::Server { .. } => true,
                ApiError::Unreachable { kind, .. } => {
                    matches!(kind, UnreachableKind::Connect | UnreachableKind::Timeout)
                }
                ApiError::Malformed { .. } => {
                    malformed <= config.max_retries.min(MAX_MALFORMED_RETRIES)
                }
                _ => false,
            };
            // A 429 that does not say how long: the retries are spread over a whole window,
            // since that is how long the organization's budget takes to come back.
            let floor = match retry_after {
                None if rate_limited => Some(config.window / config.max_retries.max(1)),
                given => given,
            };
            let too_long = floor.is_some_and(|d| d > config.max_retry_after);
            if !transient || attempt >= config.max_retries || too_long {
                return Err(error);
            }
            let jitter = backoff(attempt, config.backoff_base, config.backoff_cap);
            let (delay, reason) = match floor {
                Some(floor) => (floor.max(jitter), WaitReason::RetryAfter),
                None => (jitter, WaitReason::Backoff),
            };
            if !rate_limited {
                spent += delay;
                if spent >= config.max_call_time {
                    return Err(error);
                }
            }
            let resume = Instant::now() + delay;
            if rate_limited {
                // Nobody else fires before the server said we may.
                inner.budget.block_until(resume);
            }
            tracing::warn!(
                path = %shown_path,
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                cause = error.cause(),
                "retrying analytics request"
            );
            inner.progress.update(|p| {
                p.retries += 1;
                p.planned += 1;
            });
            {
                let _announced = inner.progress.wait(resume, reason);
                tokio::time::sleep_until(resume).await;
            }
            attempt += 1;
        }
    }
}

impl Inner {
    /// One attempt: waits for a concurrency slot and the budget, sends, reads the body. The
    /// time from sending to the end of the body is added to `spent`.
    async fn attempt(
        &self,
        request: reqwest::Request,
        shown_path: &str,
        attempt: u32,
        spent: &mut Duration,
    ) -> Result<(Vec<u8>, Option<String>), ApiError> {
        // The semaphore is never closed; if it were, sending unthrottled beats hanging.
        let _slot = self.slots.acquire().await.ok();
        self.budget.acquire(&self.progress).await;
        let mut progress = self.progress.start_attempt();
        let at = Utc::now();
        let started = Instant::now();
        let result = self.http.execute(request).await;
        let (outcome, status, request_id) = match result {
            Err(e) => (Err(classify::classify_transport(&e)), None, None),
            Ok(response) => {
                let status = response.status().as_u16();
                progress.set_status(status);
                let headers = response.headers();
                let header = |name: &str| self.header(headers, name);
                let request_id = header("request-id").or_else(|| header("x-request-id"));
                let retry_after =
                    header("retry-after").and_then(|v| classify::parse_retry_after(&v, Utc::now()));
                let location = header("location");
                match response.bytes().await {
                    Err(e) => (
                        Err(classify::classify_transport(&e)),
                        Some(status),
                        request_id,
                    ),
                    Ok(bytes) if (200..300).contains(&status) => {
                        (Ok(self.redact(&bytes)), Some(status), request_id)
                    }
                    Ok(bytes) => {
                        let mut body = ErrorBody::parse(&self.redact(&bytes));
                        if (300..400).contains(&status) {
                            body.message = Some(format!(
                                "redirected to {}; check the base URL",
                                location.as_deref().unwrap_or("another address")
                            ));
                        }
                        let error =
                            classify::classify_status(status, body, request_id, retry_after);
                        let request_id = error.request_id().map(str::to_owned);
                        (Err(error), Some(status), request_id)
                    }
                }
            }
        };
        let latency = started.elapsed();
        *spent += latency;
        tracing::debug!(
            method = "GET",
            path = %shown_path,
            status,
            latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
            request_id = request_id.as_deref(),
            attempt,
            "analytics request"
        );
        self.record(RequestRecord {
            at,
            method: "GET",
            path: shown_path.to_owned(),
            status,
            latency,
            request_id: request_id.clone(),
            attempt,
        });
        drop(progress);
        outcome.map(|bytes| (bytes, request_id))
    }

    /// Masks this client's key (verbatim) and anything key-shaped in what a server sent: the
    /// one gate between the network and everything that stores or shows server text.
    fn redact(&self, bytes: &[u8]) -> Vec<u8> {
        redact::redact_body(bytes, self.key.expose().as_bytes())
    }

    /// A response header, trimmed, redacted, one line; `None` when absent or empty.
    fn header(&self, headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
        let value = headers.get(name)?;
        let text = String::from_utf8_lossy(&self.redact(value.as_bytes())).into_owned();
        Some(redact::sanitize(&text)).filter(|v| !v.is_empty())
    }

    fn record(&self, record: RequestRecord) {
        if let Ok(mut log) = self.log.lock() {
            if log.len() >= REQUEST_LOG_LEN {
                log.pop_front();
            }
            log.push_back(record);
        }
    }
}
