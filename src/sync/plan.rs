//! Planning and running the fetches of one need: fewest requests first, store replaced per unit.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tokio::sync::mpsc;

use super::offline::{held_days, held_windows, offline_or};
use super::{Need, Staleness, SyncError, SyncEvent, Syncer, adoption, cost, engagement, served};
use crate::days::{days, next_day};
use crate::store::{Dataset, FetchEntry, FetchMeta};

/// How often the engagement plan may be redone after the server refuses dates it was believed
/// to serve (each time the latest and oldest served days are learned again).
const LATEST_DAY_ATTEMPTS: usize = 3;

/// How per-person totals over a range are assembled from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Sum the stored per-day rows of `[start, end)`.
    Days { start: NaiveDate, end: NaiveDate },
    /// Use the stored range-mode totals of exactly `[start, end)`.
    Rollup { start: NaiveDate, end: NaiveDate },
}

/// How a range's distinct counts (conversations, Claude Code sessions) were counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CountBasis {
    /// The API's range rollup: each conversation once over the range (the documented rule).
    Rollup,
    /// Each day's distinct count, summed: a conversation active on two days counts twice
    /// (the server has no range mode).
    SumOfDays,
    /// A rollup for the days the API serves plus stored days summed for older ones.
    Mixed,
    /// No engagement in the range.
    #[default]
    None,
}

/// What the store covers for a need after a sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// The last engagement day that is in the data (engagement trails real time).
    pub engagement_through: Option<NaiveDate>,
    /// How to assemble per-person engagement totals for the range.
    pub engagement: Vec<Segment>,
    /// The per-person cost windows `[start, end)` that tile the range.
    pub cost_windows: Vec<(NaiveDate, NaiveDate)>,
    /// The newest `data_refreshed_at` the cost endpoints reported.
    pub cost_refreshed_at: Option<DateTime<Utc>>,
    /// Days of the range the API no longer serves and the store does not hold.
    pub missing_days: Vec<NaiveDate>,
    /// Set when the API could not be reached and the store's copy was served instead.
    pub stale: Option<Staleness>,
}

impl Coverage {
    /// How the distinct counts of these per-person totals were counted.
    pub fn count_basis(&self) -> CountBasis {
        let rollups = self
            .engagement
            .iter()
            .filter(|s| matches!(s, Segment::Rollup { .. }))
            .count();
        match (rollups, self.engagement.len() - rollups) {
            (0, 0) => CountBasis::None,
            (_, 0) => CountBasis::Rollup,
            (0, _) => CountBasis::SumOfDays,
            _ => CountBasis::Mixed,
        }
    }
}

pub(super) type Notices = mpsc::UnboundedSender<SyncEvent>;

pub(super) fn stored(notices: &Notices, dataset: Dataset) {
    let _ = notices.send(SyncEvent::Stored(dataset));
}

/// Runs every part of `need` in priority order.
pub(super) async fn run(
    syncer: &mut Syncer,
    need: &Need,
    notices: &mpsc::UnboundedSender<SyncEvent>,
) -> Result<Coverage, SyncError> {
    let mut coverage = Coverage::default();
    let mut attempts = 0;
    // Engagement: the latest available day is learned from the server when the guess is late.
    loop {
        attempts += 1;
        match engagement::engagement(syncer, need, &mut coverage, notices).await {
            Ok(()) => break,
            // A 400 (whatever its words) means the dates were not served: learn both ends of
            // what is served again, then plan again.
            Err(SyncError::Api(e)) if e.is_refused_query() && attempts < LATEST_DAY_ATTEMPTS => {
                tracing::info!(error = %e, "engagement dates refused; learning what is served");
                relearn_served(syncer, need.from).await?;
                coverage = Coverage::default();
            }
            Err(e) => return Err(e),
        }
    }
    // Offline, each part is served from the store when it holds the part whole.
    if need.people_cost
        && let Err(e) = cost::people_cost(syncer, need, &mut coverage, notices).await
    {
        let held = held_windows(syncer, Dataset::UserCost, &coverage.cost_windows)?;
        offline_or(syncer, e, held)?;
    }
    if need.cost_daily
        && let Err(e) = cost::cost_daily(syncer, need, &mut coverage, notices).await
    {
        let start = need.from.max(cost::cost_floor(syncer));
        let held = held_days(
            syncer,
            Dataset::CostDaily,
            start,
            need.to.min(today(syncer)),
        )?;
        offline_or(syncer, e, held)?;
    }
    // One person's timeline and the adoption tab show what is stored, however little.
    if let Some(user_id) = &need.person_cost
        && let Err(e) = cost::person_cost(syncer, need, user_id, notices).await
    {
        offline_or(syncer, e, Some(None))?;
    }
    if need.adoption
        && let Some(day) = coverage.engagement_through
        && let Err(e) = adoption::adoption(syncer, day, notices).await
    {
        offline_or(syncer, e, Some(None))?;
    }
    if need.people_daily
        && let Some(last) = coverage.engagement_through
        && let Err(e) = engagement::per_day_served(syncer, need.from, last, notices).await
    {
        let held = held_days(syncer, Dataset::UsersDay, need.from, last)?;
        offline_or(syncer, e, held)?;
    }
    if let (Some(first), Some(last)) = (coverage.missing_days.first(), coverage.missing_days.last())
    {
        let oldest = served::known_oldest(syncer)?
            .map(|d| format!(" (it serves {d} onwards)"))
            .unwrap_or_default();
        let n = coverage.missing_days.len();
        let days = if n == 1 { "day" } else { "days" };
        let _ = notices.send(SyncEvent::Notice(format!(
            "{n} {days} from {first} to {last} are older than the API still serves{oldest} \
             and are not in the local store; totals leave them out"
        )));
    }
    Ok(coverage)
}

pub(super) fn now(syncer: &Syncer) -> DateTime<Utc> {
    syncer.options.clock.now()
}

pub(super) fn today(syncer: &Syncer) -> NaiveDate {
    now(syncer).date_naive()
}

/// After a refused query: the latest day asked again, and the oldest looked for when
/// `from` reaches past what is known to be served.
async fn relearn_served(syncer: &mut Syncer, from: NaiveDate) -> Result<(), SyncError> {
    let latest = served::latest_day(syncer, true).await?;
    let known = served::known_oldest(syncer)?;
    if from < latest && known.is_none_or(|oldest| from < oldest) {
        served::discover_oldest(syncer, latest).await?;
    }
    Ok(())
}

/// True when a stored unit need not be fetched again: it was fetched after its last day
/// settled, or it is younger than the TTL.
pub(super) fn usable(syncer: &Syncer, entry: Option<&FetchEntry>, settle_days: i64) -> bool {
    let Some(entry) = entry else { return false };
    let last_day = entry.end.pred_opt().unwrap_or(entry.end);
    let settled = entry.fetched_at.date_naive() >= last_day + Duration::days(settle_days);
    settled || now(syncer) - entry.fetched_at < syncer.options.ttl
}

/// Days of `[start, end]` whose stored copy of `dataset` is missing or stale.
pub(super) fn stale_days(
    syncer: &Syncer,
    dataset: Dataset,
    start: NaiveDate,
    end: NaiveDate,
    settle_days: i64,
) -> Result<Vec<NaiveDate>, SyncError> {
    if start > end {
        return Ok(Vec::new());
    }
    let held: BTreeMap<NaiveDate, FetchEntry> = syncer
        .store
        .fetch_entries(dataset, start, end)?
        .into_iter()
        .filter(|e| e.end == next_day(e.start))
        .map(|e| (e.start, e))
        .collect();
    Ok(days(start, end)
        .filter(|d| !usable(syncer, held.get(d), settle_days))
        .collect())
}

pub(super) fn meta(syncer: &Syncer) -> FetchMeta {
    FetchMeta {
        fetched_at: now(syncer),
        data_refreshed_at: None,
    }
}
