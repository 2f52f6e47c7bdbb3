//! Planning and running the fetches of one need: fewest requests first, store replaced per unit.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tokio::sync::mpsc;

use super::offline::{held_days, held_windows, offline_or, serve_stored};
use super::{Need, Staleness, SyncError, SyncEvent, Syncer, adoption, cost, rows, served};
use crate::api::{ApiError, DaySummary};
use crate::days::{days, next_day, windows};
use crate::store::{Dataset, FetchEntry, FetchMeta, MetaKey, SummaryDay};

/// How often the engagement plan may be redone after the server refuses dates it was believed
/// to serve (each time the latest and oldest served days are learned again).
const LATEST_DAY_ATTEMPTS: usize = 3;
const META_RANGE_REFUSED: MetaKey<'static> = MetaKey::UsersRangeRefusedOn;

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
        match engagement(syncer, need, &mut coverage, notices).await {
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
        && let Err(e) = per_day_served(syncer, need.from, last, notices).await
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

/// Each served day of `[from, last]` fetched day by day (see [`per_day`]); days before the
/// oldest served day stay as the store holds them. A refusal leads to one search for the
/// oldest served day, then the days from there.
async fn per_day_served(
    syncer: &mut Syncer,
    from: NaiveDate,
    last: NaiveDate,
    notices: &Notices,
) -> Result<(), SyncError> {
    let settle = syncer.options.engagement_settle_days;
    let start = from.max(served::floor(syncer)?);
    match per_day(syncer, start, last, settle, notices).await {
        Err(SyncError::Api(e))
            if e.is_refused_query() && served::known_oldest(syncer)?.is_none() =>
        {
            let oldest = served::discover_oldest(syncer, last).await?;
            per_day(syncer, from.max(oldest), last, settle, notices).await
        }
        other => other,
    }
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

// ----- engagement ------------------------------------------------------------------------------

async fn engagement(
    syncer: &mut Syncer,
    need: &Need,
    coverage: &mut Coverage,
    notices: &Notices,
) -> Result<(), SyncError> {
    if !(need.people_totals || need.people_daily || need.summaries) {
        return Ok(());
    }
    let latest = served::latest_day(syncer, false).await?;
    let floor = served::floor(syncer)?;
    let last = need.to.min(latest);
    coverage.engagement_through = (need.from <= last).then_some(last);
    if need.from > last {
        return Ok(());
    }
    let served_from = need.from.max(floor);
    let settle = syncer.options.engagement_settle_days;

    if need.people_totals {
        // Days older than the API serves can only come from the store.
        if need.from < served_from {
            let old_end = served_from.pred_opt().unwrap_or(served_from).min(last);
            let held: Vec<NaiveDate> = syncer
                .store
                .fetch_entries(Dataset::UsersDay, need.from, old_end)?
                .into_iter()
                .map(|e| e.start)
                .collect();
            coverage
                .missing_days
                .extend(days(need.from, old_end).filter(|d| !held.contains(d)));
            // Without a stored older day there is nothing to sum: the totals are the rollup's.
            if !held.is_empty() {
                coverage.engagement.push(Segment::Days {
                    start: need.from,
                    end: next_day(old_end),
                });
            }
        }
        if served_from <= last {
            let segment = people_totals(syncer, served_from, last, settle, notices).await?;
            coverage.engagement.push(segment);
        }
    }
    if need.summaries && served_from <= last {
        let stale = stale_days(syncer, Dataset::Summaries, served_from, last, settle)?;
        let plan = windows(&stale);
        syncer.client.add_planned(plan.len() as u64);
        for (start, end) in plan {
            let days = match syncer.client.summaries(start, end).await {
                Ok(days) => days,
                Err(e) => {
                    let held = held_days(syncer, Dataset::Summaries, served_from, last)?;
                    return serve_stored(syncer, e, held);
                }
            };
            let rows: Vec<SummaryDay> = days.iter().map(summary_day).collect();
            syncer
                .store
                .replace_summaries(start, end, &rows, meta(syncer))?;
            stored(notices, Dataset::Summaries);
        }
    }
    // Day-by-day backfill runs last (see `run`): what the screen needs comes first.
    Ok(())
}

/// Per-person totals over `[start, end]`, by one rule whatever the store holds: the API's
/// range rollup of exactly that range (a few pages, kept in the store), because its distinct
/// counts (conversations, sessions) count a conversation that spans days once and summed days
/// cannot. Only a server without range mode — or no network, when every day is stored —
/// gives the stored days summed instead, which [`Coverage::count_basis`] labels.
async fn people_totals(
    syncer: &mut Syncer,
    start: NaiveDate,
    end: NaiveDate,
    settle: i64,
    notices: &Notices,
) -> Result<Segment, SyncError> {
    let end_excl = next_day(end);
    let days_segment = Segment::Days {
        start,
        end: end_excl,
    };
    let rollup = Segment::Rollup {
        start,
        end: end_excl,
    };
    let entry = syncer
        .store
        .fetch_entry(Dataset::UsersRange, start, end_excl)?;
    if usable(syncer, entry.as_ref(), settle) {
        return Ok(rollup);
    }
    if !range_mode_refused(syncer)? {
        syncer.client.add_planned(1);
        // Each page is merged into one row per person as it arrives.
        let folded = syncer
            .client
            .users_range_folded(start, end_excl, rows::Merged::default, rows::Merged::add)
            .await;
        match folded {
            Ok(merged) => {
                let what = format!("{start} to {end}");
                let rows = rows::one_per_person(merged, &what, notices);
                syncer
                    .store
                    .replace_rollup(start, end_excl, &rows, meta(syncer))?;
                stored(notices, Dataset::UsersRange);
                return Ok(rollup);
            }
            // Days known to be served, refused as a range: the server has no range mode.
            Err(e) if e.is_refused_query() && served_range(syncer, start)? => {
                tracing::info!(error = %e, "range mode refused; fetching day by day");
                let on = today(syncer).to_string();
                syncer.store.set_meta(META_RANGE_REFUSED, &on)?;
            }
            // Offline: an older copy of this rollup, or every day stored, still answers.
            Err(e @ ApiError::Unreachable { .. }) => {
                if let Some(entry) = entry {
                    serve_stored(syncer, e, Some(Some(entry.fetched_at)))?;
                    return Ok(rollup);
                }
                let held = held_days(syncer, Dataset::UsersDay, start, end)?;
                serve_stored(syncer, e, held)?;
                return Ok(days_segment);
            }
            Err(e) => return Err(e.into()),
        }
    }
    per_day(syncer, start, end, settle, notices).await?;
    Ok(days_segment)
}

/// Whether `start` is known to be served (the end is at most the latest day, learned today):
/// then a refused range says the server has no range mode, not that the days are missing.
fn served_range(syncer: &Syncer, start: NaiveDate) -> Result<bool, SyncError> {
    Ok(served::known_oldest(syncer)?.is_some_and(|oldest| start >= oldest))
}

/// Range mode is retried a week after the server last refused it.
fn range_mode_refused(syncer: &Syncer) -> Result<bool, SyncError> {
    Ok(syncer
        .store
        .meta(META_RANGE_REFUSED)?
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .is_some_and(|on| today(syncer) - on < Duration::days(7)))
}

/// Fetches each missing or stale day of `[start, end]`, newest first, one transaction a day.
async fn per_day(
    syncer: &mut Syncer,
    start: NaiveDate,
    end: NaiveDate,
    settle: i64,
    notices: &Notices,
) -> Result<(), SyncError> {
    let mut stale = stale_days(syncer, Dataset::UsersDay, start, end, settle)?;
    stale.reverse();
    syncer.client.add_planned(stale.len() as u64);
    for day in stale {
        let merged = syncer
            .client
            .users_day_folded(day, rows::Merged::default, rows::Merged::add)
            .await?;
        let rows = rows::one_per_person(merged, &day.to_string(), notices);
        syncer.store.replace_user_day(day, &rows, meta(syncer))?;
        stored(notices, Dataset::UsersDay);
    }
    Ok(())
}

fn summary_day(d: &DaySummary) -> SummaryDay {
    SummaryDay {
        date: d.date,
        dau: d.daily_active_user_count,
        wau: d.weekly_active_user_count,
        mau: d.monthly_active_user_count,
        assigned_seats: d.assigned_seat_count,
        pending_invites: d.pending_invite_count,
    }
}
