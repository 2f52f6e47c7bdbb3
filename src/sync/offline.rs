//! Offline-first: when the API cannot be reached, what the store holds for a need is served
//! as it is, with how old it is and why it was not refreshed; only what the store lacks needs
//! the network.

use chrono::{DateTime, NaiveDate, Utc};

use super::{SyncError, Syncer};
use crate::api::ApiError;
use crate::store::{Dataset, next_day};

/// A sync that could not reach the API and served stored data instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staleness {
    /// Why the refresh failed, worded as advice.
    pub cause: String,
    /// When the oldest stored copy that was served had been fetched.
    pub fetched_at: Option<DateTime<Utc>>,
}

impl Staleness {
    /// One line for standard error and the status bar, as of `now`.
    pub fn note(&self, now: DateTime<Utc>) -> String {
        let age = self.fetched_at.map_or_else(String::new, |at| {
            format!(
                " (fetched {} ago, at {})",
                age_words(now - at),
                at.format("%Y-%m-%d %H:%M UTC")
            )
        });
        format!(
            "the refresh failed, so these figures are the local store's copy{age}: {}",
            self.cause
        )
    }
}

fn age_words(age: chrono::Duration) -> String {
    match (age.num_days(), age.num_hours(), age.num_minutes()) {
        (d, _, _) if d >= 2 => format!("{d} days"),
        (_, h, _) if h >= 2 => format!("{h} hours"),
        (_, _, m) => format!("{} minutes", m.max(1)),
    }
}

/// After `error`: `Ok` when it is an unreachable API and the store holds the part anyway
/// (`held`: when its oldest copy was fetched), noting that it was served stale; the error
/// itself otherwise (the network was needed).
pub(super) fn serve_stored(
    syncer: &mut Syncer,
    error: ApiError,
    held: Option<Option<DateTime<Utc>>>,
) -> Result<(), SyncError> {
    let (ApiError::Unreachable { .. }, Some(fetched_at)) = (&error, held) else {
        return Err(error.into());
    };
    let cause = error.to_string();
    let note = syncer.served_offline.get_or_insert(Staleness {
        cause,
        fetched_at: None,
    });
    note.fetched_at = match (note.fetched_at, fetched_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(())
}

/// [`serve_stored`] for a part of a sync that failed with `error`.
pub(super) fn offline_or(
    syncer: &mut Syncer,
    error: SyncError,
    held: Option<Option<DateTime<Utc>>>,
) -> Result<(), SyncError> {
    match error {
        SyncError::Api(e) => serve_stored(syncer, e, held),
        other => Err(other),
    }
}

/// Whether every day of `[start, end]` of a per-day dataset is stored, whatever its age:
/// `Some(oldest fetch)` then, `None` when a day is missing.
pub(super) fn held_days(
    syncer: &Syncer,
    dataset: Dataset,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Option<Option<DateTime<Utc>>>, SyncError> {
    if start > end {
        return Ok(Some(None));
    }
    let entries: Vec<_> = syncer
        .store
        .fetch_entries(dataset, start, end)?
        .into_iter()
        .filter(|e| e.end == next_day(e.start))
        .collect();
    let days = (end - start).num_days() + 1;
    Ok((entries.len() as i64 >= days).then(|| entries.iter().map(|e| e.fetched_at).min()))
}

/// Whether each `[start, end)` window of `dataset` is stored, whatever its age.
pub(super) fn held_windows(
    syncer: &Syncer,
    dataset: Dataset,
    windows: &[(NaiveDate, NaiveDate)],
) -> Result<Option<Option<DateTime<Utc>>>, SyncError> {
    let mut oldest: Option<DateTime<Utc>> = None;
    for &(start, end) in windows {
        let Some(entry) = syncer.store.fetch_entry(dataset, start, end)? else {
            return Ok(None);
        };
        oldest = Some(oldest.map_or(entry.fetched_at, |o| o.min(entry.fetched_at)));
    }
    Ok(Some(oldest))
}
