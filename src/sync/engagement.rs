//! Engagement's part of a sync: per-person totals by the range rollup (or the stored days
//! summed), the org summaries in 31-day windows, and the day-by-day rows, newest first.

use chrono::{Duration, NaiveDate};

use super::offline::{held_days, serve_stored};
use super::plan::{Coverage, Notices, Segment, meta, stale_days, stored, today, usable};
use super::{Need, SyncError, Syncer, rows, served};
use crate::api::{ApiError, DaySummary};
use crate::days::{days, next_day, windows};
use crate::store::{Dataset, MetaKey, SummaryDay};

const META_RANGE_REFUSED: MetaKey<'static> = MetaKey::UsersRangeRefusedOn;

/// Each served day of `[from, last]` fetched day by day (see [`per_day`]); days before the
/// oldest served day stay as the store holds them. A refusal leads to one search for the
/// oldest served day, then the days from there.
pub(super) async fn per_day_served(
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

pub(super) async fn engagement(
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
