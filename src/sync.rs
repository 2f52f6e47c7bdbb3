//! The sync engine: plans the fewest requests for what a view needs, skips what the store holds,
//! and runs as a background task that reports progress as messages.

mod adoption;
mod cost;
mod cost_source;
mod engagement;
mod offline;
mod org;
mod plan;
mod rows;
mod served;
mod task;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use tokio::sync::mpsc;

use crate::api::{ApiError, Client, ProgressSnapshot};
use crate::store::{Store, StoreError};

pub use offline::Staleness;
pub use org::{Home, Reached};
pub use plan::{CountBasis, Coverage, Segment};
pub use task::{JobId, SyncTask};

/// The earliest day the API serves.
pub const API_FLOOR: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// Where "now" comes from: the system clock, or a fixed instant for tests and snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant.
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }
}

/// How eagerly the engine re-fetches what it already holds.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Data still in its settling window is re-fetched once its copy is older than this.
    pub ttl: Duration,
    /// Engagement days may still be revised this many days after the day itself.
    pub engagement_settle_days: i64,
    /// Cost may be revised for this many days (the API documents 30).
    pub cost_settle_days: i64,
    /// The cost endpoints serve this many days back.
    pub cost_history_days: i64,
    pub clock: Clock,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            ttl: Duration::hours(1),
            engagement_settle_days: 7,
            cost_settle_days: 30,
            cost_history_days: 365,
            clock: Clock::System,
        }
    }
}

/// What a view needs: an inclusive UTC date range and the datasets over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Per-person engagement totals over the range.
    pub people_totals: bool,
    /// Per-person engagement for each day of the range.
    pub people_daily: bool,
    /// DAU/WAU/MAU, seats and invites per day.
    pub summaries: bool,
    /// Org cost per day.
    pub cost_daily: bool,
    /// Per-person cost over the range.
    pub people_cost: bool,
    /// Skills, connectors and chat projects of the latest available day.
    pub adoption: bool,
    /// One person's cost per day over the range (the detail view's timeline).
    pub person_cost: Option<String>,
    /// Prove the key with one request first, however complete the store already is, so the
    /// connection state shown comes from a real answer (at start and on `r`) — a warm store
    /// would otherwise need no request at all and never learn the key is refused.
    pub check_key: bool,
}

impl Need {
    /// What `export developers` needs.
    pub fn developers(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            people_totals: true,
            people_daily: false,
            summaries: false,
            cost_daily: false,
            people_cost: true,
            adoption: false,
            person_cost: None,
            check_key: false,
        }
    }

    /// What `export daily` needs.
    pub fn daily(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            people_totals: false,
            people_daily: true,
            summaries: true,
            cost_daily: true,
            people_cost: false,
            adoption: false,
            person_cost: None,
            check_key: false,
        }
    }

    /// One person's daily cost over `[from, to]`, for the detail view.
    pub fn person(user_id: &str, from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            people_totals: false,
            people_daily: false,
            summaries: false,
            cost_daily: false,
            people_cost: false,
            adoption: false,
            person_cost: Some(user_id.to_owned()),
            check_key: false,
        }
    }

    /// The needs of a range the dashboard shows (and `collect` keeps warm for it): everything
    /// for the range, and this month's cost for the month-to-date figure when the range starts
    /// later.
    pub fn for_range(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Vec<Need> {
        let mut needs = vec![Need::dashboard(from, to)];
        let month_start = today.with_day(1).unwrap_or(today);
        if from > month_start {
            needs.push(Need {
                cost_daily: true,
                people_totals: false,
                people_cost: false,
                ..Need::developers(month_start, today)
            });
        }
        needs
    }

    /// What the dashboard needs: everything, the range's month to date included for cost.
    pub fn dashboard(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            people_totals: true,
            people_daily: true,
            summaries: true,
            cost_daily: true,
            people_cost: true,
            adoption: true,
            person_cost: None,
            check_key: false,
        }
    }
}

/// What went wrong during a sync.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the background sync stopped unexpectedly")]
    Stopped,
    #[error(
        "the key now reaches organization {reached}, not {recorded} whose store was open; \
         nothing was written to {recorded}'s store — run again to show {reached}'s own data"
    )]
    OtherOrganization { recorded: String, reached: String },
}

impl SyncError {
    /// The process exit status for this failure (see the command-line contract).
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            SyncError::Api(e) => e.exit_code(),
            SyncError::Store(_) | SyncError::Stopped | SyncError::OtherOrganization { .. } => {
                crate::exit::ExitCode::Other
            }
        }
    }
}

/// The result of one sync: what the store now covers, and what it cost in requests.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOutcome {
    pub coverage: Coverage,
    /// HTTP requests made by this sync (attempts, including retries).
    pub requests: u64,
}

/// Messages from the background task.
#[derive(Debug)]
pub enum SyncEvent {
    /// Requests done and planned, and any current wait, of what a screen or a command asked.
    Progress(JobId, ProgressSnapshot),
    /// The same for a chunk of background backfill: a screen's need is not waiting on it.
    BackfillProgress(JobId, ProgressSnapshot),
    /// Something the user should know (e.g. days the API no longer serves).
    Notice(String),
    /// A unit of data was written to the store; views may reload.
    Stored(crate::store::Dataset),
    /// The sync of one [`Need`] of the job ended.
    Finished(JobId, Result<SyncOutcome, SyncError>),
    /// One chunk of the job's background backfill ended.
    BackfillFinished(JobId, Result<SyncOutcome, SyncError>),
    /// The organization the key reaches is known: its store is the one to read from now on.
    Organization(Reached),
    /// Everything asked before [`SyncTask::notify_when_idle`] has run.
    Idle,
    /// Another process holds the store's sync lock (true: this one waits and shows its
    /// results) or let go of it (false).
    OtherSyncing(bool),
}

/// The engine: owns the client and the store's writer.
pub struct Syncer {
    client: Client,
    store: Store,
    options: SyncOptions,
    /// The profile's per-organization stores; `None` for a syncer given one store to fill.
    home: Option<Home>,
    /// Set during a sync that could not reach the API and served stored data instead.
    served_offline: Option<Staleness>,
}

impl Syncer {
    pub fn new(client: Client, store: Store, options: SyncOptions) -> Self {
        Self {
            client,
            store,
            options,
            home: None,
            served_offline: None,
        }
    }

    /// A syncer that works on the store of the organization its key reaches, among a
    /// profile's; `store` is that store when the organization is already known, else an
    /// in-memory one until the first sync learns it.
    pub fn at_home(mut self, home: Home) -> Self {
        self.home = Some(home);
        self
    }

    /// The store, for reading aggregates after a sync.
    /// Gives the store back (e.g. to sync it again under another clock).
    pub fn into_store(self) -> Store {
        self.store
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The client, for its progress and request log.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Brings the store up to date for `need`, making only the requests it must.
    pub async fn sync(
        &mut self,
        need: &Need,
        notices: &mpsc::UnboundedSender<SyncEvent>,
    ) -> Result<SyncOutcome, SyncError> {
        let before = self.client.subscribe_progress().borrow().done;
        org::identify(self, notices).await?;
        if need.check_key {
            self.client.add_planned(1);
            self.client.probe_at(plan::now(self).date_naive()).await?;
        }
        let lock = org::lock(self, notices).await?;
        self.served_offline = None;
        // Offline, the first unreachable request ends the others at once: what the store
        // holds is served (see `offline`), and only what it lacks fails.
        let mut coverage =
            crate::api::offline_after_first_failure(plan::run(self, need, notices)).await?;
        coverage.stale = self.served_offline.take();
        drop(lock);
        let after = self.client.subscribe_progress().borrow().done;
        Ok(SyncOutcome {
            coverage,
            requests: after.saturating_sub(before),
        })
    }
}

impl Need {
    /// What accumulates history: every day the API still serves, per person and per day, so
    /// the store keeps it after the API's window has moved on.
    pub fn backfill(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            people_totals: false,
            people_daily: true,
            summaries: true,
            cost_daily: false,
            people_cost: false,
            adoption: false,
            person_cost: None,
            check_key: false,
        }
    }
}
