//! Planning and running the fetches of one need: fewest requests first, store replaced per unit.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use tokio::sync::mpsc;

use super::{API_FLOOR, Need, SyncError, SyncEvent, Syncer, adoption, cost, rows};
use crate::api::{ApiError, DaySummary};
use crate::store::{Dataset, FetchEntry, FetchMeta, SummaryDay, next_day};

/// Longest window the cost and summaries endpoints accept in one request.
pub(super) const MAX_WINDOW_DAYS: i64 = 31;
/// How often a plan may be redone after the server names a later-than-guessed lag.
const LATEST_DAY_ATTEMPTS: usize = 3;
const META_LATEST: &str = "engagement_latest";
const META_RANGE_REFUSED: &str = "users_range_refused_on";
/// Store key of the organization id the API reported (read by the dashboard).
pub(super) const META_ORGANIZATION: &str = "organization_id";

/// How per-person totals over a range are assembled from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Sum the stored per-day rows of `[start, end)`.
    Days { start: NaiveDate, end: NaiveDate },
    /// Use the stored range-mode totals of exactly `[start, end)`.
    Rollup { start: NaiveDate, end: NaiveDate },
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
            Err(SyncError::Api(ApiError::DateNotYetAvailable {
                latest_available, ..
            })) if attempts < LATEST_DAY_ATTEMPTS => {
                let guess = latest_engagement_day(syncer).await?;
                let latest = latest_available
                    .filter(|d| *d < guess)
                    .unwrap_or_else(|| guess.pred_opt().unwrap_or(guess));
                remember_latest(syncer, latest)?;
                coverage = Coverage::default();
            }
            Err(e) => return Err(e),
        }
    }
    if need.people_cost {
        cost::people_cost(syncer, need, &mut coverage, notices).await?;
    }
    if need.cost_daily {
        cost::cost_daily(syncer, need, &mut coverage, notices).await?;
    }
    if let Some(user_id) = &need.person_cost {
        cost::person_cost(syncer, need, user_id, notices).await?;
    }
    if need.adoption
        && let Some(day) = coverage.engagement_through
    {
        adoption::adoption(syncer, day, notices).await?;
    }
    if need.people_daily
        && let Some(last) = coverage.engagement_through
    {
        let floor = API_FLOOR.max(today(syncer) - Duration::days(syncer.options.history_days));
        let settle = syncer.options.engagement_settle_days;
        per_day(syncer, need.from.max(floor), last, settle, notices).await?;
    }
    if let (Some(first), Some(last)) = (coverage.missing_days.first(), coverage.missing_days.last())
    {
        let _ = notices.send(SyncEvent::Notice(format!(
            "{} day(s) from {first} to {last} are older than the API's {}-day engagement \
             history and are not in the local store; totals leave them out",
            coverage.missing_days.len(),
            syncer.options.history_days
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

/// The latest engagement day available: learned from the server earlier today, or asked of it
/// now with the cheapest request (a range-mode answer does not say where its data ends).
async fn latest_engagement_day(syncer: &mut Syncer) -> Result<NaiveDate, SyncError> {
    let now = now(syncer);
    let today = now.date_naive();
    let learned_today = syncer
        .store
        .meta(META_LATEST)?
        .and_then(|text| {
            let (day, learned) = text.split_once('@')?;
            Some((
                day.parse::<NaiveDate>().ok()?,
                learned.parse::<NaiveDate>().ok()?,
            ))
        })
        .filter(|(_, learned)| *learned == today);
    if let Some((day, _)) = learned_today {
        return Ok(day);
    }
    syncer.client.add_planned(1);
    let probe = syncer.client.probe_at(today).await?;
    cost::remember_organization(syncer, probe.organization_id.as_deref())?;
    // Without an answer, assume the documented lag: about 13:30 UTC the following day,
    // until then two days back.
    let lag = if now.hour() >= 14 { 1 } else { 2 };
    let latest = probe
        .latest_available
        .unwrap_or_else(|| today - Duration::days(lag));
    remember_latest(syncer, latest)?;
    Ok(latest)
}

fn remember_latest(syncer: &mut Syncer, latest: NaiveDate) -> Result<(), SyncError> {
    let learned = today(syncer);
    syncer
        .store
        .set_meta(META_LATEST, &format!("{latest}@{learned}"))?;
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

fn days(start: NaiveDate, end_inclusive: NaiveDate) -> impl DoubleEndedIterator<Item = NaiveDate> {
    let n = (end_inclusive - start).num_days().max(-1) + 1;
    (0..n).map(move |i| start + Duration::days(i))
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

/// Groups sorted days into runs of consecutive days, each at most `MAX_WINDOW_DAYS` long,
/// as `[start, end)` windows.
pub(super) fn windows(days: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &day in days {
        match out.last_mut() {
            Some((start, end)) if *end == day && (day - *start).num_days() < MAX_WINDOW_DAYS => {
                *end = next_day(day);
            }
            _ => out.push((day, next_day(day))),
        }
    }
    out
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
    let latest = latest_engagement_day(syncer).await?;
    let floor = API_FLOOR.max(today(syncer) - Duration::days(syncer.options.history_days));
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
            coverage.engagement.push(Segment::Days {
                start: need.from,
                end: next_day(old_end),
            });
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
            let days = syncer.client.summaries(start, end).await?;
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

/// Per-person totals over `[start, end]`: from stored days when they are all there, else
/// one range-mode request (a few pages), else day by day when the server refuses range mode.
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
    if stale_days(syncer, Dataset::UsersDay, start, end, settle)?.is_empty() {
        return Ok(days_segment);
    }
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
        match syncer.client.users_range(start, end_excl).await {
            Ok(users) => {
                let what = format!("{start} to {end}");
                let rows = rows::one_per_person(&users, &what, notices);
                syncer
                    .store
                    .replace_rollup(start, end_excl, &rows, meta(syncer))?;
                stored(notices, Dataset::UsersRange);
                return Ok(rollup);
            }
            Err(ApiError::RangeModeRefused { .. }) => {
                let on = today(syncer).to_string();
                syncer.store.set_meta(META_RANGE_REFUSED, &on)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    per_day(syncer, start, end, settle, notices).await?;
    Ok(days_segment)
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
        let users = syncer.client.users_day(day).await?;
        let rows = rows::one_per_person(&users, &day.to_string(), notices);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(API_FLOOR)
    }

    #[test]
    fn windows_split_runs_at_gaps_and_at_31_days() {
        let mut all: Vec<NaiveDate> = days(d("2026-03-01"), d("2026-04-09")).collect();
        all.retain(|x| *x != d("2026-03-05"));
        let w = windows(&all);
        assert_eq!(
            w,
            vec![
                (d("2026-03-01"), d("2026-03-05")),
                (d("2026-03-06"), d("2026-04-06")),
                (d("2026-04-06"), d("2026-04-10")),
            ]
        );
    }
}
