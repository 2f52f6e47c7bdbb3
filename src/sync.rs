//! The sync engine: plans the fewest requests for what a view needs, skips what the store holds,
//! and runs as a background task that reports progress as messages.

mod adoption;
mod cost;
mod plan;
mod rows;
mod served;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tokio::sync::mpsc;

use crate::api::{ApiError, Client, ProgressSnapshot};
use crate::store::{Store, StoreError};

pub use plan::{CountBasis, Coverage, Segment};

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
        }
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
}

impl SyncError {
    /// The process exit status for this failure (see the command-line contract).
    pub fn exit_code(&self) -> i32 {
        match self {
            SyncError::Api(e) => e.exit_code(),
            SyncError::Store(_) | SyncError::Stopped => 1,
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
    /// Requests done and planned, and any current wait.
    Progress(ProgressSnapshot),
    /// Something the user should know (e.g. days the API no longer serves).
    Notice(String),
    /// A unit of data was written to the store; views may reload.
    Stored(crate::store::Dataset),
    /// The sync of one [`Need`] ended.
    Finished(Result<SyncOutcome, SyncError>),
    /// One chunk of background backfill ended.
    BackfillFinished(Result<SyncOutcome, SyncError>),
}

/// The engine: owns the client and the store's writer.
pub struct Syncer {
    client: Client,
    store: Store,
    options: SyncOptions,
}

impl Syncer {
    pub fn new(client: Client, store: Store, options: SyncOptions) -> Self {
        Self {
            client,
            store,
            options,
        }
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
        let coverage = plan::run(self, need, notices).await?;
        let after = self.client.subscribe_progress().borrow().done;
        Ok(SyncOutcome {
            coverage,
            requests: after.saturating_sub(before),
        })
    }
}

/// The handle of the background sync task: send it needs, read its events.
pub struct SyncTask {
    jobs: mpsc::UnboundedSender<Job>,
    pub events: mpsc::UnboundedReceiver<SyncEvent>,
    join: tokio::task::JoinHandle<Syncer>,
}

/// Work for the task: what a screen needs now, or backfill that yields to it.
enum Job {
    Now(Need),
    Background(Need),
}

/// Backfill runs in chunks of this many days, so a screen's need waits for one chunk at most.
const BACKFILL_CHUNK_DAYS: i64 = 7;
/// How often backfill looks again whether half the budget is free.
const BACKFILL_POLL: std::time::Duration = std::time::Duration::from_millis(500);

impl SyncTask {
    /// Starts the task. Needs asked with [`SyncTask::request`] run one at a time, in the order
    /// sent; backfill ([`SyncTask::backfill`]) runs only while no such need is waiting.
    pub fn spawn(mut syncer: Syncer) -> Self {
        let (jobs, mut job_rx) = mpsc::unbounded_channel::<Job>();
        let (event_tx, events) = mpsc::unbounded_channel();
        let join = tokio::spawn(async move {
            let mut progress = syncer.client.subscribe_progress();
            let mut now: std::collections::VecDeque<Need> = std::collections::VecDeque::new();
            let mut background: std::collections::VecDeque<Need> =
                std::collections::VecDeque::new();
            let take = |job: Job,
                        now: &mut std::collections::VecDeque<Need>,
                        background: &mut std::collections::VecDeque<Need>| {
                match job {
                    Job::Now(need) => now.push_back(need),
                    Job::Background(need) => background.extend(chunks(&need)),
                }
            };
            loop {
                while let Ok(job) = job_rx.try_recv() {
                    take(job, &mut now, &mut background);
                }
                let (need, foreground) = match (now.pop_front(), background.pop_front()) {
                    (Some(need), back) => {
                        if let Some(back) = back {
                            background.push_front(back);
                        }
                        (need, true)
                    }
                    (None, Some(need)) => {
                        // Backfill leaves half the budget to what a person opens next (and to
                        // the organization's other tools): it waits, giving way to any job.
                        let (used, limit) = syncer.client.budget_in_use();
                        if used * 2 >= usize::try_from(limit).unwrap_or(usize::MAX) {
                            background.push_front(need);
                            tokio::select! {
                                job = job_rx.recv() => match job {
                                    Some(job) => take(job, &mut now, &mut background),
                                    None => break,
                                },
                                () = tokio::time::sleep(BACKFILL_POLL) => {}
                            }
                            continue;
                        }
                        (need, false)
                    }
                    (None, None) => match job_rx.recv().await {
                        Some(job) => {
                            take(job, &mut now, &mut background);
                            continue;
                        }
                        None => break,
                    },
                };
                let result = {
                    let run = syncer.sync(&need, &event_tx);
                    tokio::pin!(run);
                    loop {
                        tokio::select! {
                            result = &mut run => break result,
                            changed = progress.changed() => {
                                if changed.is_ok() {
                                    let snapshot = progress.borrow_and_update().clone();
                                    let _ = event_tx.send(SyncEvent::Progress(snapshot));
                                }
                            }
                        }
                    }
                };
                let failed = result.is_err();
                let _ = event_tx.send(if foreground {
                    SyncEvent::Finished(result)
                } else {
                    SyncEvent::BackfillFinished(result)
                });
                // A refused key or an unreachable API ends the backfill until it is asked again.
                if failed && !foreground {
                    background.clear();
                }
            }
            syncer
        });
        Self { jobs, events, join }
    }

    /// Asks the task to bring the store up to date for `need`.
    pub fn request(&self, need: Need) -> Result<(), SyncError> {
        self.jobs
            .send(Job::Now(need))
            .map_err(|_| SyncError::Stopped)
    }

    /// Asks the task to fill the store for `need` in the background, newest week first, giving
    /// way to every [`SyncTask::request`].
    pub fn backfill(&self, need: Need) -> Result<(), SyncError> {
        self.jobs
            .send(Job::Background(need))
            .map_err(|_| SyncError::Stopped)
    }

    /// Runs one need to completion, passing every event on to `on_event`.
    pub async fn run(
        &mut self,
        need: Need,
        mut on_event: impl FnMut(&SyncEvent),
    ) -> Result<SyncOutcome, SyncError> {
        self.request(need)?;
        while let Some(event) = self.events.recv().await {
            on_event(&event);
            if let SyncEvent::Finished(result) = event {
                return result;
            }
        }
        Err(SyncError::Stopped)
    }

    /// Stops taking needs and returns the engine once the current one ends.
    pub async fn finish(self) -> Result<Syncer, SyncError> {
        drop(self.jobs);
        self.join.await.map_err(|_| SyncError::Stopped)
    }
}

/// Splits a backfill need: its summaries in one go (a request per 31 days), then its
/// day-by-day parts in chunks of [`BACKFILL_CHUNK_DAYS`], newest first.
fn chunks(need: &Need) -> Vec<Need> {
    let mut out = Vec::new();
    if need.summaries {
        out.push(Need {
            people_daily: false,
            ..Need::backfill(need.from, need.to)
        });
    }
    let need = Need {
        summaries: false,
        ..need.clone()
    };
    let mut to = need.to;
    while to >= need.from {
        let from = (to - Duration::days(BACKFILL_CHUNK_DAYS - 1)).max(need.from);
        out.push(Need {
            from,
            to,
            ..need.clone()
        });
        match from.pred_opt() {
            Some(day) => to = day,
            None => break,
        }
    }
    out
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backfill_runs_newest_week_first() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or(API_FLOOR);
        let parts: Vec<(NaiveDate, NaiveDate)> =
            chunks(&Need::backfill(d("2026-11-01"), d("2026-11-16")))
                .iter()
                .map(|n| (n.from, n.to))
                .collect();
        let kinds: Vec<(bool, bool)> = chunks(&Need::backfill(d("2026-11-01"), d("2026-11-16")))
            .iter()
            .map(|n| (n.summaries, n.people_daily))
            .collect();
        assert_eq!(
            kinds,
            vec![(true, false), (false, true), (false, true), (false, true)]
        );
        assert_eq!(
            parts,
            vec![
                (d("2026-11-01"), d("2026-11-16")),
                (d("2026-11-10"), d("2026-11-16")),
                (d("2026-11-03"), d("2026-11-09")),
                (d("2026-11-01"), d("2026-11-02")),
            ]
        );
    }
}
