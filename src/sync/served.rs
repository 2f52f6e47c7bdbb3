//! Which engagement days the API serves: the latest from the probe, the oldest found by a
//! bounded search, both remembered in the store. Learned from structure (status codes and
//! rows' own dates), never from an error message's wording.

use chrono::{Duration, NaiveDate, Timelike};

use super::plan::{now, today};
use super::{API_FLOOR, SyncError, Syncer};
use crate::store::MetaKey;

/// `<days served back>@<day learned>`: the history is a length, so it moves with the calendar.
const META_HISTORY: MetaKey<'static> = MetaKey::EngagementHistoryDays;
const META_LATEST: MetaKey<'static> = MetaKey::EngagementLatest;
/// How long a discovered history length is trusted before it is looked for again.
const HISTORY_RECHECK_DAYS: i64 = 7;

/// The latest engagement day available: learned from the server earlier today, or asked of it
/// now with the cheapest request. `force` asks again (after a day the server refused).
pub(super) async fn latest_day(syncer: &mut Syncer, force: bool) -> Result<NaiveDate, SyncError> {
    let now = now(syncer);
    let today = now.date_naive();
    if !force && let Some((day, learned)) = read_pair(syncer, META_LATEST)? {
        let day = day.parse::<NaiveDate>().ok();
        if let Some(day) = day.filter(|_| learned == today) {
            return Ok(day);
        }
    }
    syncer.client.add_planned(1);
    let probe = match syncer.client.probe_at(today).await {
        Ok(probe) => probe,
        // Offline: the latest day learned before still says what the store can serve.
        Err(e) => {
            let known = read_pair(syncer, META_LATEST)?.and_then(|(day, _)| day.parse().ok());
            super::offline::serve_stored(syncer, e, known.map(|_| None))?;
            return known.ok_or(SyncError::Stopped);
        }
    };
    super::org::check_organization(syncer, probe.organization_id.as_deref())?;
    // Without an answer, assume the documented lag: about 13:30 UTC the following day,
    // until then two days back.
    let lag = if now.hour() >= 14 { 1 } else { 2 };
    let latest = probe
        .latest_available
        .unwrap_or_else(|| today - Duration::days(lag));
    syncer
        .store
        .set_meta(META_LATEST, &format!("{latest}@{today}"))?;
    Ok(latest)
}

/// The oldest engagement day the API serves, if it has been looked for this week.
pub(super) fn known_oldest(syncer: &Syncer) -> Result<Option<NaiveDate>, SyncError> {
    let today = today(syncer);
    Ok(
        read_pair(syncer, META_HISTORY)?.and_then(|(days, learned)| {
            let days = days.parse::<i64>().ok()?;
            (today - learned < Duration::days(HISTORY_RECHECK_DAYS))
                .then(|| API_FLOOR.max(today - Duration::days(days)))
        }),
    )
}

/// The first day to ask the API for: the known oldest served day, else 2026-01-01 (tried
/// optimistically; a refusal leads to [`discover_oldest`]).
pub(super) fn floor(syncer: &Syncer) -> Result<NaiveDate, SyncError> {
    Ok(known_oldest(syncer)?.unwrap_or(API_FLOOR))
}

/// Finds the oldest day the API serves with a bounded search over `[2026-01-01, latest]`
/// (one-day `/summaries` requests: about nine for a 90-day history, one when everything since
/// 2026-01-01 is served) and remembers it for a week.
pub(super) async fn discover_oldest(
    syncer: &mut Syncer,
    latest: NaiveDate,
) -> Result<NaiveDate, SyncError> {
    let oldest = if serves(syncer, API_FLOOR).await? {
        API_FLOOR
    } else {
        // `low` is not served, `high` is (the latest day is served by definition).
        let (mut low, mut high) = (API_FLOOR, latest);
        while (high - low).num_days() > 1 {
            let mid = low + Duration::days((high - low).num_days() / 2);
            if serves(syncer, mid).await? {
                high = mid;
            } else {
                low = mid;
            }
        }
        high
    };
    let today = today(syncer);
    let days = (today - oldest).num_days();
    syncer
        .store
        .set_meta(META_HISTORY, &format!("{days}@{today}"))?;
    tracing::info!(%oldest, days, "engagement history discovered");
    Ok(oldest)
}

async fn serves(syncer: &mut Syncer, day: NaiveDate) -> Result<bool, SyncError> {
    syncer.client.add_planned(1);
    Ok(syncer.client.serves_day(day).await?)
}

/// A `<value>@<YYYY-MM-DD>` meta entry.
fn read_pair(syncer: &Syncer, key: MetaKey<'_>) -> Result<Option<(String, NaiveDate)>, SyncError> {
    Ok(syncer.store.meta(key)?.and_then(|text| {
        let (value, learned) = text.split_once('@')?;
        Some((value.to_owned(), learned.parse::<NaiveDate>().ok()?))
    }))
}
