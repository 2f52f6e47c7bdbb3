//! Built-in simulator of the Claude Enterprise Analytics API, for `topogy sim`, `--demo` and tests.
//!
//! It serves the documented endpoints under `/v1/organizations/analytics/` on loopback with
//! the documented shapes, errors, cursor pagination and per-organization rate limit, over a
//! deterministic synthetic organization ([`data::SyntheticOrg`]) that tests use as ground
//! truth. Fault modes ([`Fault`]) reproduce what support staff need to rehearse.
//!
//! The simulator never uses the client's wire types: every response is written with
//! `serde_json::json!` from the field names in `docs/analytics-api.md`, so a field the client
//! misspells cannot be mirrored here and pass.

mod adoption;
mod automation;
mod cost_api;
mod cursor;
pub mod data;
mod dates;
mod engagement;
mod error;
mod ledger;
mod limits;
mod people;
mod plugins;
mod pricing;
mod prng;
mod query;
mod report_query;
mod reports;
mod server;
mod variant;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use tokio::sync::watch;

pub use automation::{Automation, AutomationKind};
pub use data::{CostLine, CostPart, Member, SyntheticOrg, UserDay};
pub use error::Wording;
pub use plugins::{ArtifactUse, PluginUse};
pub use variant::{ActorEmail, Variant};

use server::{Shared, lock};

/// The one key a default simulator accepts: shaped like an Analytics key, plainly fake.
pub const DEMO_KEY: &str = "sk-ant-api01-topogy-demo-key-0000000000000000000000000000000000000000000000000000000000000000-AAAAAA";

/// How the simulator behaves; [`SimConfig::default`] is a 40-person org at 60 requests/minute.
#[derive(Clone)]
pub struct SimConfig {
    /// Organization size (seats).
    pub users: usize,
    pub seed: u64,
    /// Accepted requests allowed in any trailing `window` (per organization, all endpoints).
    pub requests_per_window: u32,
    pub window: Duration,
    /// Fault injected from the start (switchable later with [`SimHandle::set_fault`]).
    pub fault: Option<Fault>,
    /// The simulator's current UTC date; a fixed clock keeps answers reproducible.
    pub today: NaiveDate,
    /// Latest available engagement day = `today - engagement_lag_days`.
    pub engagement_lag_days: u32,
    /// Engagement dates older than `today - history_days` are refused.
    pub history_days: u32,
    /// Whether engagement list endpoints accept `starting_date`/`ending_date` (rollup mode).
    pub range_mode: bool,
    /// `/summaries` answers `{"summaries": […]}` (older shape) instead of `{"data", "next_page"}`.
    pub legacy_summaries: bool,
    /// `/summaries` refuses an `ending_date` past the latest available day (+1), as one
    /// independent server did, where the SDK allows up to today.
    pub summaries_strict_end: bool,
    /// How 400 answers are worded (the real API documents no wording).
    pub wording: Wording,
    /// Which e-mail field the cost actor carries.
    pub actor_email: ActorEmail,
    /// The one accepted `x-api-key`.
    pub valid_key: String,
    /// Page cursors older than this answer 410.
    pub cursor_ttl: Duration,
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// "Chat and Cowork unified" is on for every third member
    /// ([`SyntheticOrg::on_unified_chat`]): they report chat under
    /// `chat_cowork_unified_metrics.chat` and Cowork under `.sessions`, with zeros in
    /// `chat_metrics`/`cowork_metrics`; everyone else gets the block with zeros.
    pub unified_chat: bool,
    /// `/plugins` and `/artifacts` answer 404, as for an organization not offered them.
    pub plugins_artifacts_not_offered: bool,
    /// `/cost` (the Usage & Cost Analytics API) is served; otherwise it answers 404.
    pub cost_endpoint: bool,
    /// The four legacy cost/usage reports are served; otherwise they answer 404.
    pub legacy_cost_endpoints: bool,
    /// A seat-based plan: cost is extra usage only ([`SyntheticOrg::seat_based`]).
    pub seat_based: bool,
    /// Mixed into request ids so that two runs never share one (`--demo` and `topogy sim`
    /// draw it at random); the tests keep 0 for ids they can snapshot.
    pub run: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            users: 40,
            seed: 7,
            requests_per_window: 60,
            window: Duration::from_secs(60),
            fault: None,
            today: Utc::now().date_naive(),
            engagement_lag_days: 2,
            history_days: 90,
            range_mode: true,
            legacy_summaries: false,
            summaries_strict_end: false,
            wording: Wording::default(),
            actor_email: ActorEmail::default(),
            valid_key: DEMO_KEY.to_owned(),
            cursor_ttl: Duration::from_secs(300),
            port: 0,
            unified_chat: false,
            plugins_artifacts_not_offered: false,
            cost_endpoint: true,
            legacy_cost_endpoints: true,
            seat_based: false,
            run: 0,
        }
    }
}

impl SimConfig {
    /// This configuration speaking each of `variants` (see [`Variant`]).
    pub fn with_variants(mut self, variants: &[Variant]) -> Self {
        for variant in variants {
            variant.apply(&mut self);
        }
        self
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("users", &self.users)
            .field("seed", &self.seed)
            .field("requests_per_window", &self.requests_per_window)
            .field("window", &self.window)
            .field("fault", &self.fault)
            .field("today", &self.today)
            .field("engagement_lag_days", &self.engagement_lag_days)
            .field("history_days", &self.history_days)
            .field("range_mode", &self.range_mode)
            .field("legacy_summaries", &self.legacy_summaries)
            .field("summaries_strict_end", &self.summaries_strict_end)
            .field("wording", &self.wording)
            .field("actor_email", &self.actor_email)
            .field("valid_key", &"<redacted>")
            .field("cursor_ttl", &self.cursor_ttl)
            .field("port", &self.port)
            .field("unified_chat", &self.unified_chat)
            .field(
                "plugins_artifacts_not_offered",
                &self.plugins_artifacts_not_offered,
            )
            .field("cost_endpoint", &self.cost_endpoint)
            .field("legacy_cost_endpoints", &self.legacy_cost_endpoints)
            .field("seat_based", &self.seat_based)
            .finish()
    }
}

/// A failure the simulator can inject, for rehearsing troubleshooting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Fault {
    /// Every key is refused (404 on engagement endpoints, 401 on cost/usage).
    #[value(name = "key-rejected")]
    KeyRejected,
    /// The organization's Access toggle is off: 403 on everything.
    #[value(name = "toggle-off")]
    ToggleOff,
    /// Every request answers 429 with `retry-after: 30`.
    #[value(name = "rate-limited")]
    RateLimited,
    /// About one request in three fails (503 engagement, 500 cost/usage).
    #[value(name = "flaky-5xx")]
    Flaky5xx,
    /// Every request fails (503 engagement, 500 cost/usage): an outage that retries cannot
    /// get through.
    #[value(name = "server-errors")]
    ServerErrors,
    /// Every answer is delayed by 1.5 s.
    #[value(name = "slow")]
    Slow,
    /// 200 with a truncated JSON body.
    #[value(name = "malformed")]
    Malformed,
    /// The first cursor used for each query answers 410; a restarted pagination succeeds.
    #[value(name = "expired-cursor")]
    ExpiredCursor,
    /// Engagement data lags six days instead of the configured lag.
    #[value(name = "too-recent")]
    TooRecent,
    /// The key authenticates but lacks the `read:analytics` scope: 403 `permission_error`
    /// listing the scopes it has.
    #[value(name = "missing-scope")]
    MissingScope,
}

impl Fault {
    /// Every fault, in documentation order.
    pub fn all() -> &'static [Fault] {
        &[
            Fault::KeyRejected,
            Fault::ToggleOff,
            Fault::RateLimited,
            Fault::Flaky5xx,
            Fault::ServerErrors,
            Fault::Slow,
            Fault::Malformed,
            Fault::ExpiredCursor,
            Fault::TooRecent,
            Fault::MissingScope,
        ]
    }

    /// The kebab-case name used on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::KeyRejected => "key-rejected",
            Fault::ToggleOff => "toggle-off",
            Fault::RateLimited => "rate-limited",
            Fault::Flaky5xx => "flaky-5xx",
            Fault::ServerErrors => "server-errors",
            Fault::Slow => "slow",
            Fault::Malformed => "malformed",
            Fault::ExpiredCursor => "expired-cursor",
            Fault::TooRecent => "too-recent",
            Fault::MissingScope => "missing-scope",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault name that is not one of [`Fault::all`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown fault `{0}`; expected one of: key-rejected, toggle-off, rate-limited, flaky-5xx, server-errors, slow, malformed, expired-cursor, too-recent, missing-scope"
)]
pub struct UnknownFault(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Fault::all()
            .iter()
            .copied()
            .find(|fault| fault.name() == text)
            .ok_or_else(|| UnknownFault(text.to_owned()))
    }
}

/// One request as the simulator saw it. Holds no header values, so never the key.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// Arrival time since the simulator started.
    pub at: Duration,
    /// e.g. `/v1/organizations/analytics/users`.
    pub path: String,
    /// Raw query string (any key-like value replaced by `[redacted]`).
    pub query: String,
    pub status: u16,
    pub request_id: String,
    /// The request carried the valid key and no `key-rejected`/`toggle-off` fault was active.
    pub authorized: bool,
}

/// A running simulator; clones share it.
#[derive(Clone)]
pub struct SimHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Arc<watch::Sender<bool>>,
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`; the client appends `/v1/organizations/analytics/…`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log)
            .iter()
            .map(|(_, request)| request.clone())
            .collect()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// How many answers had `status`.
    pub fn count_status(&self, status: u16) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|(_, r)| r.status == status)
            .count()
    }

    pub fn clear_log(&self) {
        lock(&self.shared.log).clear();
    }

    /// Switches the injected fault while running (e.g. the Access toggle turned off mid-session).
    pub fn set_fault(&self, fault: Option<Fault>) {
        *lock(&self.shared.fault) = fault;
    }

    /// The synthetic organization the answers are computed from.
    pub fn org(&self) -> &SyntheticOrg {
        &self.shared.org
    }

    /// Stops accepting connections and finishes open ones.
    pub fn shutdown(&self) {
        self.stop.send_replace(true);
    }
}

/// Binds `127.0.0.1:port` and serves the simulator in a tokio task.
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared::new(config));
    let app = axum::Router::new()
        .fallback(server::handle)
        .with_state(Arc::clone(&shared));
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(async move {
        let until_stopped = async move {
            // Dropping every handle does not stop the server; only `shutdown` does.
            if stopped.wait_for(|&stop| stop).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(until_stopped)
            .await
        {
            tracing::warn!(%error, "simulator stopped");
        }
    });
    Ok(SimHandle {
        shared,
        addr,
        stop: Arc::new(stop),
    })
}

/// `topogy sim`: serves until Ctrl-C, announcing itself on stderr.
pub async fn run(config: SimConfig) -> std::io::Result<()> {
    let fault = config.fault;
    let (users, seed) = (config.users, config.seed);
    let rate = if config.window == Duration::from_secs(60) {
        format!("{} requests/min", config.requests_per_window)
    } else {
        format!(
            "{} requests per {:?}",
            config.requests_per_window, config.window
        )
    };
    let handle = spawn(config).await?;
    eprintln!(
        "simulator listening on {} ({users} people, seed {seed}, {rate})",
        handle.base_url()
    );
    if let Some(fault) = fault {
        eprintln!("injected fault: {fault}");
    }
    tokio::signal::ctrl_c().await?;
    handle.shutdown();
    Ok(())
}
