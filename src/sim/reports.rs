//! The cost and usage endpoints (beta): `usage_report`, `cost_report` and their per-user forms.

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::ActorEmail;
use super::cursor;
use super::data::{NOW_HOUR, REFRESH_HOUR};
use super::error::ApiError;
use super::ledger::{self, Key, Kind, Totals};
use super::query::Query;
use super::report_query::{bucket_width, group_by, selection, window};
use super::server::Ctx;

/// Most groups one bucket returns.
const MAX_GROUPS_PER_BUCKET: usize = 100;

const COMMON_PARAMS: [&str; 13] = [
    "starting_at",
    "ending_at",
    "bucket_width",
    "group_by[]",
    "products[]",
    "models[]",
    "user_ids[]",
    "context_windows[]",
    "inference_geos[]",
    "speeds[]",
    "limit",
    "page",
    "beta",
];

/// The simulator's "now" on its fixed clock (cost data counts up to `data_refreshed_at`).
pub(crate) fn now(ctx: &Ctx<'_>) -> DateTime<Utc> {
    at_hour(ctx, NOW_HOUR)
}

fn at_hour(ctx: &Ctx<'_>, hour: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default();
    ctx.config().today.and_time(time).and_utc()
}

pub(crate) fn envelope(ctx: &Ctx<'_>, data: Vec<Value>, next: Option<String>) -> Value {
    json!({
        "organization_id": ctx.org().organization_id(),
        "data": data,
        "has_more": next.is_some(),
        "next_page": next,
        "data_refreshed_at": ledger::timestamp(at_hour(ctx, REFRESH_HOUR)),
    })
}

/// `GET /usage_report`.
pub(crate) fn usage_report(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    bucket_report(ctx, q, Kind::Usage)
}

/// `GET /cost_report`.
pub(crate) fn cost_report(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    bucket_report(ctx, q, Kind::Cost)
}

/// Organization totals per time bucket; `limit` counts buckets.
fn bucket_report(ctx: &Ctx<'_>, q: &Query, kind: Kind) -> Result<Value, ApiError> {
    q.allow(&COMMON_PARAMS)?;
    let (width, default_limit, max_limit) = bucket_width(q.one("bucket_width")?.unwrap_or("1d"))?;
    let (start, end) = window(ctx, q, width)?;
    let limit = q.limit(default_limit, max_limit)?;
    let group = group_by(q, kind)?;
    let mut selection = selection(q, start, end)?;
    let now = now(ctx);
    let starts: Vec<DateTime<Utc>> = (0..)
        .map(|i| start + width * i)
        .take_while(|&b| b < end && b < now)
        .collect();
    let page = cursor::page(ctx, q, starts.len(), limit)?;
    let shown = starts
        .iter()
        .skip(page.offset)
        .take(limit)
        .copied()
        .collect::<Vec<_>>();
    let (Some(&first), Some(&last)) = (shown.first(), shown.last()) else {
        return Ok(envelope(ctx, Vec::new(), page.next));
    };
    // Only the buckets on this page are computed.
    selection.start = first;
    selection.end = (last + width).min(end);
    let index =
        |at: DateTime<Utc>| ((at - first).num_seconds() / width.num_seconds().max(1)) as usize;
    let groups = ledger::tally(ctx.org(), &selection, group, kind, false, index);
    let data = shown
        .iter()
        .enumerate()
        .map(|(i, &bucket_start)| {
            let mut rows: Vec<(&Key, &Totals)> =
                groups.iter().filter(|(k, _)| k.bucket == i).collect();
            rows.sort_by(|a, b| metric(kind, b.1).cmp(&metric(kind, a.1)).then(a.0.cmp(b.0)));
            let results: Vec<Value> = rows
                .into_iter()
                .take(MAX_GROUPS_PER_BUCKET)
                .map(|(key, totals)| ledger::row(key, totals, group, kind, false))
                .collect();
            json!({
                "starting_at": ledger::timestamp(bucket_start),
                "ending_at": ledger::timestamp((bucket_start + width).min(end)),
                "results": results,
            })
        })
        .collect();
    Ok(envelope(ctx, data, page.next))
}

/// The default ranking metric of a group.
fn metric(kind: Kind, totals: &Totals) -> Decimal {
    match kind {
        Kind::Cost => totals.amount,
        Kind::Usage => Decimal::from(totals.total_tokens()),
    }
}

/// `GET /user_usage_report`.
pub(crate) fn user_usage_report(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    user_report(ctx, q, Kind::Usage)
}

/// `GET /user_cost_report`.
pub(crate) fn user_cost_report(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    user_report(ctx, q, Kind::Cost)
}

/// Per-user rows over the whole window (or per bucket with `bucket_width`), ranked by `order_by`.
fn user_report(ctx: &Ctx<'_>, q: &Query, kind: Kind) -> Result<Value, ApiError> {
    let mut allowed = COMMON_PARAMS.to_vec();
    allowed.extend(["order_by", "order", "exclude_deleted_users"]);
    q.allow(&allowed)?;
    let bucket = match q.one("bucket_width")? {
        None => None,
        Some(_) if !q.has("ending_at") => {
            return Err(ApiError::invalid("`bucket_width` requires `ending_at`."));
        }
        Some(text) => Some(bucket_width(text)?.0),
    };
    let (start, end) = window(
        ctx,
        q,
        bucket
            .unwrap_or(TimeDelta::hours(1))
            .max(TimeDelta::hours(1)),
    )?;
    if bucket == Some(TimeDelta::minutes(1)) && end - start > TimeDelta::days(1) {
        return Err(ApiError::invalid(
            "With `bucket_width=1m` the range may span at most 24 hours.",
        ));
    }
    let limit = q.limit(20, 1000)?;
    let group = group_by(q, kind)?;
    let order_by = order_by(q, kind)?;
    let descending = match q.one("order")?.unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        other => {
            return Err(ApiError::invalid(format!(
                "Unsupported `order` `{other}`; expected asc or desc."
            )));
        }
    };
    match q.one("exclude_deleted_users")? {
        None | Some("true" | "false") => {}
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "`exclude_deleted_users` must be true or false; got `{other}`."
            )));
        }
    }
    let mut selection = selection(q, start, end)?;
    // Per-user reports leave out cost no seat user accounts for.
    selection.automations = false;
    let index = |at: DateTime<Utc>| {
        bucket.map_or(0, |w| {
            ((at - start).num_seconds() / w.num_seconds().max(1)) as usize
        })
    };
    let org = ctx.org();
    let groups = ledger::tally(org, &selection, group, kind, true, index);
    let mut rows: Vec<(&Key, &Totals)> = groups.iter().collect();
    let email = |key: &Key| key.user.map(|u| org.members()[u].email.as_str());
    rows.sort_by(|a, b| {
        let (x, y) = (order_by(a.1), order_by(b.1));
        let by_metric = if descending { y.cmp(&x) } else { x.cmp(&y) };
        by_metric
            .then_with(|| email(a.0).cmp(&email(b.0)))
            .then(a.0.cmp(b.0))
    });
    let page = cursor::page(ctx, q, rows.len(), limit)?;
    let data = rows
        .into_iter()
        .skip(page.offset)
        .take(limit)
        .map(|(key, totals)| {
            let mut row = ledger::row(key, totals, group, kind, true);
            if let Some(map) = row.as_object_mut() {
                let member = key.user.and_then(|u| org.members().get(u));
                let actor = member.map_or(Value::Null, |m| {
                    let mut actor = json!({
                        "type": "user_actor",
                        "user_id": m.id,
                        "name": m.name,
                        "deleted": false,
                    });
                    let fields: &[&str] = match ctx.config().actor_email {
                        ActorEmail::Both => &["email_address", "email"],
                        ActorEmail::Legacy => &["email"],
                        ActorEmail::Current => &["email_address"],
                    };
                    for field in fields {
                        actor[*field] = json!(m.email);
                    }
                    actor
                });
                map.insert("actor".into(), actor);
                let bounds = bucket.map(|w| {
                    let from = start + w * i32::try_from(key.bucket).unwrap_or(i32::MAX);
                    (
                        ledger::timestamp(from),
                        ledger::timestamp((from + w).min(end)),
                    )
                });
                map.insert("starting_at".into(), json!(bounds.as_ref().map(|b| &b.0)));
                map.insert("ending_at".into(), json!(bounds.as_ref().map(|b| &b.1)));
            }
            row
        })
        .collect();
    Ok(envelope(ctx, data, page.next))
}

/// The `order_by` metric as a comparable number.
fn order_by(q: &Query, kind: Kind) -> Result<fn(&Totals) -> Decimal, ApiError> {
    let default = if kind == Kind::Cost {
        "amount"
    } else {
        "total_tokens"
    };
    let name = q.one("order_by")?.unwrap_or(default);
    let pick: fn(&Totals) -> Decimal = match (kind, name) {
        (Kind::Cost, "amount") => |t| t.amount,
        (Kind::Cost, "list_amount") => |t| t.list_amount,
        (Kind::Usage, "total_tokens") => |t| Decimal::from(t.total_tokens()),
        (Kind::Usage, "output_tokens") => |t| Decimal::from(t.output),
        (Kind::Usage, "uncached_input_tokens") => |t| Decimal::from(t.uncached),
        (Kind::Usage, "requests") => |t| Decimal::from(t.requests),
        _ => {
            return Err(ApiError::invalid(format!(
                "Unsupported `order_by` `{name}` for this endpoint."
            )));
        }
    };
    Ok(pick)
}
