//! Reading a cost or usage report's query as the API does: the time window, the bucket width,
//! the grouping and the filters, each refused in the API's words.

use chrono::{DateTime, TimeDelta, Utc};

use super::error::ApiError;
use super::ledger::{CONTEXT_WINDOW, GroupBy, INFERENCE_GEO, Kind, SPEED, Selection};
use super::query::Query;
use super::reports::now;
use super::server::Ctx;

/// Longest time range of one request.
const MAX_SPAN_DAYS: i64 = 31;
/// Oldest `starting_at`, counted back from now.
const HISTORY_DAYS: i64 = 365;
/// Products the `products[]` filter accepts.
const PRODUCTS: [&str; 7] = [
    "chat",
    "claude_code",
    "cowork",
    "office_agent",
    "claude_in_chrome",
    "claude_design",
    "claude-tag",
];
/// A bucket width and its page-size rule (`limit` counts buckets).
pub(crate) fn bucket_width(text: &str) -> Result<(TimeDelta, usize, usize), ApiError> {
    match text {
        "1d" => Ok((TimeDelta::days(1), 7, 31)),
        "1h" => Ok((TimeDelta::hours(1), 24, 168)),
        "1m" => Ok((TimeDelta::minutes(1), 60, 256)),
        _ => Err(ApiError::invalid(format!(
            "Unsupported `bucket_width` `{text}`; expected 1d, 1h or 1m."
        ))),
    }
}

pub(crate) fn instant(name: &str, text: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::invalid(format!(
                "Invalid `{name}` `{text}`: expected an RFC 3339 datetime such as 2026-03-01T00:00:00Z."
            ))
        })
}

pub(crate) fn floor(at: DateTime<Utc>, width: TimeDelta) -> DateTime<Utc> {
    let secs = at.timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(width.num_seconds().max(1)), 0).unwrap_or(at)
}

/// Reads `starting_at`/`ending_at` (both floored to `granularity`) and applies the rules:
/// not before 2026-01-01, within 365 days, at most 31 days long.
pub(crate) fn window(
    ctx: &Ctx<'_>,
    q: &Query,
    granularity: TimeDelta,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let now = now(ctx);
    let start = q
        .one("starting_at")?
        .ok_or_else(|| ApiError::invalid("`starting_at` is required."))?;
    let start = floor(instant("starting_at", start)?, granularity);
    let first = crate::days::midnight(super::dates::first_day());
    if start < first {
        return Err(ApiError::out_of_range(
            "`starting_at` must be on or after 2026-01-01T00:00:00Z.",
        ));
    }
    if start < now - TimeDelta::days(HISTORY_DAYS) {
        return Err(ApiError::out_of_range(format!(
            "`starting_at` must be within the last {HISTORY_DAYS} days."
        )));
    }
    if start >= now {
        return Err(ApiError::too_recent("`starting_at` must be in the past."));
    }
    let end = match q.one("ending_at")? {
        Some(text) => floor(instant("ending_at", text)?, granularity),
        None => now.min(start + TimeDelta::days(MAX_SPAN_DAYS)),
    };
    if end <= start {
        return Err(ApiError::invalid(
            "`ending_at` must be after `starting_at`.",
        ));
    }
    if end - start > TimeDelta::days(MAX_SPAN_DAYS) {
        return Err(ApiError::out_of_range(format!(
            "The time range may span at most {MAX_SPAN_DAYS} days (`ending_at` - `starting_at`); \
             split longer periods into adjacent windows."
        )));
    }
    Ok((start, end))
}

pub(crate) fn group_by(q: &Query, kind: Kind) -> Result<GroupBy, ApiError> {
    let mut group = GroupBy::default();
    for value in q.many("group_by[]")? {
        let flag = match (value, kind) {
            ("product", _) => &mut group.product,
            ("model", _) => &mut group.model,
            ("context_window", _) => &mut group.context_window,
            ("inference_geo", _) => &mut group.inference_geo,
            ("speed", _) => &mut group.speed,
            ("cost_type", Kind::Cost) => &mut group.cost_type,
            ("token_type", Kind::Cost) => &mut group.token_type,
            _ => {
                return Err(ApiError::invalid(format!(
                    "Unsupported `group_by[]` value `{value}` for this endpoint."
                )));
            }
        };
        *flag = true;
    }
    Ok(group)
}

/// Checks a list filter's values against `allowed`; true when `constant` passes the filter.
pub(crate) fn constant_filter(
    q: &Query,
    name: &str,
    allowed: &[&str],
    constant: &str,
) -> Result<bool, ApiError> {
    let values = q.many(name)?;
    if let Some(bad) = values.iter().find(|v| !allowed.contains(v)) {
        return Err(ApiError::invalid(format!(
            "Unsupported `{name}` value `{bad}`."
        )));
    }
    Ok(values.is_empty() || values.contains(&constant))
}

pub(crate) fn selection<'q>(
    q: &'q Query,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Selection<'q>, ApiError> {
    let products = q.many("products[]")?;
    if let Some(bad) = products.iter().find(|p| !PRODUCTS.contains(p)) {
        return Err(ApiError::invalid(format!(
            "Unsupported `products[]` value `{bad}`."
        )));
    }
    let windows = constant_filter(
        q,
        "context_windows[]",
        &["0-200k", "200k-1M"],
        CONTEXT_WINDOW,
    )?;
    let geos = constant_filter(
        q,
        "inference_geos[]",
        &["global", "us", "not_available"],
        INFERENCE_GEO,
    )?;
    let speeds = constant_filter(q, "speeds[]", &["fast", "standard"], SPEED)?;
    Ok(Selection {
        start,
        end,
        products,
        models: q.many("models[]")?,
        user_ids: q.many("user_ids[]")?,
        constant_dims_match: windows && geos && speeds,
        automations: true,
    })
}
