//! How the client is set up: its limits, timeouts and retries, and the base URL it checks.

use std::time::Duration;

use super::{SharedBudget, mask_credentials};

/// How the client talks to the API. Defaults match the documented production limits; tests
/// shrink the window, timeouts and backoff.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme and host (`https://api.anthropic.com`); `/v1/organizations/analytics/…` is appended.
    pub base_url: String,
    /// Requests that may start within any `window` (every attempt counts).
    pub requests_per_window: u32,
    pub window: Duration,
    /// The percentage of `requests_per_window` that background work (see [`in_background`](super::in_background))
    /// may use: the rest stays free for screens and the organization's other tools.
    pub background_percent: u32,
    /// Requests on the wire at once.
    pub max_concurrency: usize,
    /// Whole-request timeout; connecting is limited to 10 s (or this, if shorter).
    pub timeout: Duration,
    /// The most one call may spend on the wire and backing off over all its retries (waits
    /// for the budget or for a 429 not counted): a server that accepts connections and never
    /// answers fails within this, not after `timeout × (max_retries + 1)`.
    pub max_call_time: Duration,
    /// Retries of transient failures (429, 5xx, connect errors, timeouts, and up to two
    /// malformed 200 bodies) per request. A 429 without `retry-after` spreads them over at
    /// least one `window`.
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// A `retry-after` longer than this is not waited out inside one call: the error goes back
    /// to the caller (the sync engine schedules the retry; `verify` reports it at once).
    pub max_retry_after: Duration,
    /// Rows per page, always sent as `limit` on the paginated per-row endpoints.
    pub page_limit: u32,
    /// The ledger every topogy process of the profile counts its requests in, so together
    /// they keep to the organization's limit; `None` paces this process alone.
    pub shared_budget: Option<SharedBudget>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: "https://api.anthropic.com".to_owned(),
            requests_per_window: 60,
            window: Duration::from_secs(60),
            background_percent: 50,
            max_concurrency: 4,
            timeout: Duration::from_secs(30),
            max_call_time: Duration::from_secs(45),
            max_retries: 5,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
            page_limit: 1000,
            shared_budget: None,
        }
    }
}

/// The base URL without a trailing slash, or why it cannot be one: it must be `http(s)://`
/// with a host and nothing after the path (a query or fragment would end up in the middle of
/// every request URL). The message is advice and shows the URL with any password masked.
pub fn check_base_url(text: &str) -> Result<String, String> {
    let base_url = text.trim().trim_end_matches('/').to_owned();
    let shown = mask_credentials(&base_url);
    let parsed = reqwest::Url::parse(&base_url)
        .map_err(|e| format!("the base URL {shown:?} is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(format!(
            "the base URL {shown:?} must start with https:// or http:// and name a host, e.g. \
             https://api.anthropic.com"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "the base URL {shown:?} has a query (?…) or fragment (#…); give only the scheme, \
             host and any path prefix, e.g. https://api.anthropic.com"
        ));
    }
    Ok(base_url)
}
