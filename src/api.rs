//! The Claude Enterprise Analytics API client: one paced, retrying HTTP client per process.
//!
//! Every call goes through one shared budget (the API allows ~60 requests a minute per
//! organization), follows every page with the identical query, and turns failures into
//! [`ApiError`]s worded as advice. Wire models are in [`models`].

mod adoption_models;
pub(crate) mod classify;
mod client_config;
mod cost_models;
mod dimension_cost;
pub mod error;
mod error_advice;
mod ledger;
mod lenient;
pub mod models;
pub mod pacing;
mod paging;
pub use paging::Collected;
mod params;
mod probe;
mod progress;
mod redact;
mod transport;

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::{Semaphore, watch};

use crate::credentials::ApiKey;
pub use client_config::{ClientConfig, check_base_url};
pub use dimension_cost::{CostActor, CostFigures, CostGroup, CostQuery, DimensionCostRow};
pub use error::{ApiError, UnreachableKind};
pub use ledger::SharedBudget;
pub use models::*;
use pacing::Budget;
pub use pacing::{Priority, in_background};
use params::{daily_buckets, day, grouping, q, span};
pub use probe::ProbeOutcome;
use progress::Progress;
pub use progress::{ProgressSnapshot, WaitReason};
pub use redact::mask_credentials;
pub(crate) use redact::sanitize;
pub use transport::{RequestRecord, offline_after_first_failure};

/// The only `anthropic-version` the analytics endpoints document.
const ANTHROPIC_VERSION: &str = "2023-06-01";

/// A cost/usage answer: the rows of every page plus the freshness watermark.
#[derive(Debug, Clone, PartialEq)]
pub struct Report<T> {
    pub data: Vec<T>,
    /// Data after this instant is incomplete (earliest watermark over all pages).
    pub data_refreshed_at: Option<DateTime<Utc>>,
    pub organization_id: Option<String>,
}

/// The answer of an endpoint that not every organization is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offered<T> {
    /// Every row of every page.
    Rows(Vec<T>),
    /// The endpoint answered 404: this organization does not have it (yet).
    NotOffered { request_id: Option<String> },
}

/// The API client. Cheap to clone; clones share one connection pool, budget and progress.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Without a trailing slash.
    base_url: String,
    config: ClientConfig,
    budget: Budget,
    slots: Semaphore,
    progress: Progress,
    log: transport::RequestLog,
    /// Kept only to mask it wherever a server echoes it back (see `Inner::redact`).
    key: ApiKey,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds the client. The key goes into a sensitive default header and nowhere else.
    pub fn new(key: ApiKey, config: ClientConfig) -> Result<Client, ApiError> {
        let base_url = check_base_url(&config.base_url)
            .map_err(|detail| ApiError::InvalidConfig { detail })?;
        if key.expose().len() > crate::credentials::shape::MAX_KEY_LEN {
            return Err(ApiError::KeyNotSendable);
        }
        let mut headers = HeaderMap::new();
        let mut key_value =
            HeaderValue::from_str(key.expose()).map_err(|_| ApiError::KeyNotSendable)?;
        key_value.set_sensitive(true);
        headers.insert("x-api-key", key_value);
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        headers.insert("accept", HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("topogy/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            // A redirect would carry the key to another host; the API never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::InvalidConfig {
                detail: redact::sanitize(&e.to_string()),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                budget: Budget::new(
                    config.requests_per_window,
                    config.window,
                    config.background_percent,
                    config.shared_budget.clone(),
                ),
                slots: Semaphore::new(config.max_concurrency.max(1)),
                progress: Progress::new(),
                log: Mutex::new(VecDeque::with_capacity(transport::REQUEST_LOG_LEN)),
                config,
                key,
            }),
        })
    }

    /// Per-person activity for one UTC day (`/users?date=`), every page.
    pub async fn users_day(&self, date: NaiveDate) -> Result<Vec<UserActivity>, ApiError> {
        self.users_day_folded(date, Vec::new, |rows, page| rows.extend(page))
            .await
    }

    /// [`Client::users_day`], each page folded into `start()` as it arrives (what a caller
    /// keeps of 10,000 people is far smaller than their wire rows).
    pub async fn users_day_folded<R>(
        &self,
        date: NaiveDate,
        start: impl Fn() -> R,
        fold: impl FnMut(&mut R, Vec<UserActivity>),
    ) -> Result<R, ApiError> {
        let query = self.with_limit(vec![q("date", day(date))]);
        Ok(self.fold_pages("users", &query, start, fold).await?.rows)
    }

    /// Per-person totals over `[start, end_exclusive)` in one rollup (range mode). A 400 may
    /// mean the server has no range mode or does not serve those dates: the caller, which
    /// knows which days are served, decides (and falls back to [`Client::users_day`]).
    pub async fn users_range(
        &self,
        start: NaiveDate,
        end_exclusive: NaiveDate,
    ) -> Result<Vec<UserActivity>, ApiError> {
        self.users_range_folded(start, end_exclusive, Vec::new, |rows, page| {
            rows.extend(page);
        })
        .await
    }

    /// [`Client::users_range`], each page folded into `begin()` as it arrives.
    pub async fn users_range_folded<R>(
        &self,
        start: NaiveDate,
        end_exclusive: NaiveDate,
        begin: impl Fn() -> R,
        fold: impl FnMut(&mut R, Vec<UserActivity>),
    ) -> Result<R, ApiError> {
        let query = self.with_limit(vec![
            q("starting_date", day(start)),
            q("ending_date", day(end_exclusive)),
        ]);
        Ok(self.fold_pages("users", &query, begin, fold).await?.rows)
    }

    /// Org-wide DAU/WAU/MAU, seats and invites per day over `[start, end_exclusive)`; the
    /// caller keeps windows to 31 days. No `limit` is sent: older API versions do not page
    /// this endpoint and may refuse unknown parameters.
    pub async fn summaries(
        &self,
        start: NaiveDate,
        end_exclusive: NaiveDate,
    ) -> Result<Vec<DaySummary>, ApiError> {
        let query = [
            q("starting_date", day(start)),
            q("ending_date", day(end_exclusive)),
        ];
        Ok(self.collect("summaries", &query).await?.rows)
    }

    /// Chat project activity for one UTC day.
    pub async fn chat_projects(&self, date: NaiveDate) -> Result<Vec<ProjectActivity>, ApiError> {
        let query = self.with_limit(vec![q("date", day(date))]);
        Ok(self.collect("apps/chat/projects", &query).await?.rows)
    }

    /// Skill use for one UTC day.
    pub async fn skills(&self, date: NaiveDate) -> Result<Vec<SkillActivity>, ApiError> {
        let query = self.with_limit(vec![q("date", day(date))]);
        Ok(self.collect("skills", &query).await?.rows)
    }

    /// Connector use for one UTC day.
    pub async fn connectors(&self, date: NaiveDate) -> Result<Vec<ConnectorActivity>, ApiError> {
        let query = self.with_limit(vec![q("date", day(date))]);
        Ok(self.collect("connectors", &query).await?.rows)
    }

    /// Plugin installs and invocations for one UTC day, or [`Offered::NotOffered`].
    pub async fn plugins(&self, date: NaiveDate) -> Result<Offered<PluginActivity>, ApiError> {
        let query = self.with_limit(vec![q("date", day(date))]);
        self.offered("plugins", &query).await
    }

    /// Artifacts created on one UTC day by type and sharing, or [`Offered::NotOffered`].
    pub async fn artifacts(&self, date: NaiveDate) -> Result<Offered<ArtifactActivity>, ApiError> {
        let query = self.with_limit(vec![q("date", day(date))]);
        self.offered("artifacts", &query).await
    }

    /// Per-person token usage over `[start, end)` (≤ 31 days).
    pub async fn user_usage_report(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Report<UserUsageRow>, ApiError> {
        let query = self.with_limit(span(start, end));
        self.report("user_usage_report", &query).await
    }

    /// Per-person cost in cents over `[start, end)` (≤ 31 days), largest `amount` first.
    pub async fn user_cost_report(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        group_by: &[&str],
    ) -> Result<Report<UserCostRow>, ApiError> {
        let mut query = span(start, end);
        query.push(q("order_by", "amount".to_owned()));
        query.extend(grouping(group_by));
        let query = self.with_limit(query);
        self.report("user_cost_report", &query).await
    }

    /// One person's cost in cents per UTC day over `[start, end)` (≤ 31 days): the
    /// detail view's cost timeline, one small request per window instead of everyone's days.
    pub async fn user_cost_daily(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        user_id: &str,
    ) -> Result<Report<UserCostRow>, ApiError> {
        let mut query = span(start, end);
        query.push(q("bucket_width", "1d".to_owned()));
        query.push(q("user_ids[]", user_id.to_owned()));
        let query = self.with_limit(query);
        self.report("user_cost_report", &query).await
    }

    /// Org token usage in daily buckets over `[start, end)` (≤ 31 days, so one page of 31).
    pub async fn usage_report(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        group_by: &[&str],
    ) -> Result<Report<UsageBucket>, ApiError> {
        self.report("usage_report", &daily_buckets(start, end, group_by))
            .await
    }

    /// Org cost in cents in daily buckets over `[start, end)` (≤ 31 days).
    pub async fn cost_report(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        group_by: &[&str],
    ) -> Result<Report<CostBucket>, ApiError> {
        self.report("cost_report", &daily_buckets(start, end, group_by))
            .await
    }

    /// Progress of everything this client (and its clones) does.
    pub fn subscribe_progress(&self) -> watch::Receiver<ProgressSnapshot> {
        self.inner.progress.subscribe()
    }

    /// Adds `n` expected requests; callers plan one per high-level call, the client adds one
    /// per extra page, restart and retry.
    pub fn add_planned(&self, n: u64) {
        self.inner.progress.add_planned(n);
    }

    /// Whether background work would find room in the budget now: backfill waits for it
    /// between chunks, so that what a person opens next never queues behind it.
    pub fn background_has_room(&self) -> bool {
        self.inner.budget.background_has_room()
    }

    /// The last 200 attempts, oldest first.
    pub fn recent_requests(&self) -> Vec<RequestRecord> {
        self.inner
            .log
            .lock()
            .map(|log| log.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn with_limit(&self, mut query: Vec<(String, String)>) -> Vec<(String, String)> {
        query.push(q("limit", self.inner.config.page_limit.to_string()));
        query
    }

    /// Every page of an endpoint that not every organization is offered (`/plugins`,
    /// `/artifacts`): a 404 while `/summaries` accepts the key (see [`Client::collect`]) means
    /// "not offered here"; a 404 that the probe confirms is the key stays a refused key.
    async fn offered<T: serde::de::DeserializeOwned + paging::PageRow>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Offered<T>, ApiError> {
        match self.collect(path, query).await {
            Ok(collected) => Ok(Offered::Rows(collected.rows)),
            Err(ApiError::EndpointMissing { request_id, .. }) => {
                Ok(Offered::NotOffered { request_id })
            }
            Err(e) => Err(e),
        }
    }

    async fn report<T: serde::de::DeserializeOwned + paging::PageRow>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Report<T>, ApiError> {
        let collected = self.collect(path, query).await?;
        Ok(Report {
            data: collected.rows,
            data_refreshed_at: collected.data_refreshed_at,
            organization_id: collected.organization_id,
        })
    }
}
