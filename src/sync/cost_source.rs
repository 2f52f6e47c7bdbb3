//! Which cost source to ask: the Usage & Cost Analytics API (`/analytics/cost`) first, the
//! four legacy reports when the server has retired it or never had it, remembered per
//! organization (each organization has its own store) and checked again after a week.
//!
//! A retired path is never a rejected key: the client already turns a 404 that the key cannot
//! explain into [`ApiError::EndpointMissing`], and a 400 on the first page is the endpoint
//! refusing a query it does not know, not the key.

use chrono::{DateTime, Duration, Utc};

use super::plan::now;
use super::{SyncError, Syncer};
use crate::api::ApiError;
use crate::store::MetaKey;

/// The store's meta key; its value is `legacy <RFC 3339 instant of the check>`.
const META_KEY: MetaKey<'static> = MetaKey::CostSource;
const LEGACY: &str = "legacy";
/// How long the legacy reports are used before `/analytics/cost` is tried again.
const RECHECK_DAYS: i64 = 7;

/// Where cost figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CostSource {
    /// `/analytics/cost`: every cost, seat users' or not, in the fewest requests.
    Dimension,
    /// `cost_report`, `user_cost_report`: no word on cost that no seat user accounts for.
    Legacy,
}

/// The source to ask now: the new endpoint unless it was found missing within the week.
pub(super) fn chosen(syncer: &Syncer) -> Result<CostSource, SyncError> {
    let Some(value) = syncer.store.meta(META_KEY)? else {
        return Ok(CostSource::Dimension);
    };
    let checked = value
        .strip_prefix(LEGACY)
        .and_then(|at| DateTime::parse_from_rfc3339(at.trim()).ok())
        .map(|at| at.with_timezone(&Utc));
    Ok(match checked {
        Some(at) if now(syncer) - at < Duration::days(RECHECK_DAYS) => CostSource::Legacy,
        _ => CostSource::Dimension,
    })
}

/// After `/analytics/cost` failed with `error`: when the server does not have it, the legacy
/// reports are remembered for a week (and asked at once, one more request); any other
/// failure is the caller's.
pub(super) fn fall_back(syncer: &mut Syncer, error: ApiError) -> Result<(), SyncError> {
    if !matches!(error, ApiError::EndpointMissing { .. }) && !error.is_refused_query() {
        return Err(error.into());
    }
    tracing::info!(
        status = error.status(),
        "/analytics/cost is not served here; using the legacy cost reports for a week"
    );
    let at = now(syncer).to_rfc3339();
    syncer.store.set_meta(META_KEY, &format!("{LEGACY} {at}"))?;
    syncer.client.add_planned(1);
    Ok(())
}

/// `/analytics/cost` answered: forget an older fallback.
pub(super) fn served(syncer: &mut Syncer) -> Result<(), SyncError> {
    if syncer.store.meta(META_KEY)?.is_some() {
        syncer.store.delete_meta(META_KEY)?;
    }
    Ok(())
}
