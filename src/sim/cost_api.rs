//! `GET /analytics/cost` (Usage & Cost Analytics API, beta): every cost of the organization,
//! seat users' and its service accounts' and API keys', grouped by the dimensions asked for.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::automation::AutomationKind;
use super::cursor;
use super::error::ApiError;
use super::ledger::{self, GroupBy, Kind, Totals};
use super::query::Query;
use super::report_query::{selection, window};
use super::reports::envelope;
use super::server::Ctx;

const PARAMS: [&str; 14] = [
    "starting_at",
    "ending_at",
    "time_bucket_width",
    "group_by[]",
    "actor_ids[]",
    "actor_types[]",
    "rbac_group_ids[]",
    "workspace_ids[]",
    "exclude_deleted_users",
    "order_by",
    "order",
    "limit",
    "page",
    "beta",
];

const USER: &str = "user_actor";
const SERVICE_ACCOUNT: &str = "service_account_actor";
const API_KEY: &str = "api_key_actor";
const ACTOR_TYPES: [&str; 4] = [USER, SERVICE_ACCOUNT, API_KEY, "federated_identity_actor"];

/// Who spent: a member or an automation (by index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Spender {
    Member(usize),
    Automation(usize),
}

/// One output row's group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Group {
    bucket: usize,
    actor: Option<Spender>,
    actor_type: Option<&'static str>,
    product: Option<&'static str>,
    model: Option<&'static str>,
    cost_type: Option<&'static str>,
    token_type: Option<&'static str>,
}

/// `GET /cost`.
pub(crate) fn cost(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    q.allow(&PARAMS)?;
    let width = match q.one("time_bucket_width")? {
        None => None,
        Some("1d") => Some(TimeDelta::days(1)),
        Some("1h") => Some(TimeDelta::hours(1)),
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "Unsupported `time_bucket_width` `{other}`; expected 1d or 1h."
            )));
        }
    };
    let (start, end) = window(ctx, q, width.unwrap_or(TimeDelta::hours(1)))?;
    let limit = q.limit(100, 1000)?;
    let mut group = GroupBy::default();
    let (mut by_actor, mut by_type) = (false, false);
    for value in q.many("group_by[]")? {
        match value {
            "actor" => by_actor = true,
            "actor_type" => by_type = true,
            "product" => group.product = true,
            "model" => group.model = true,
            "cost_type" => group.cost_type = true,
            "token_type" => group.token_type = true,
            other => {
                return Err(ApiError::invalid(format!(
                    "Unsupported `group_by[]` value `{other}`."
                )));
            }
        }
    }
    let types = q.many("actor_types[]")?;
    if let Some(bad) = types.iter().find(|t| !ACTOR_TYPES.contains(t)) {
        return Err(ApiError::invalid(format!(
            "Unsupported `actor_types[]` value `{bad}`."
        )));
    }
    let ids = q.many("actor_ids[]")?;
    if let Some(bad) = ids.iter().find(|id| {
        !["user_", "svac_", "apikey_"]
            .iter()
            .any(|p| id.starts_with(p))
    }) {
        return Err(ApiError::invalid(format!(
            "Unsupported `actor_ids[]` value `{bad}`."
        )));
    }
    let order_by: fn(&Totals) -> Decimal = match q.one("order_by")?.unwrap_or("amount") {
        "amount" => |t| t.amount,
        "list_amount" => |t| t.list_amount,
        other => {
            return Err(ApiError::invalid(format!(
                "Unsupported `order_by` `{other}`."
            )));
        }
    };
    let descending = match q.one("order")?.unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        other => {
            return Err(ApiError::invalid(format!(
                "Unsupported `order` `{other}`; expected asc or desc."
            )));
        }
    };
    let mut chosen = selection(q, start, end)?;
    chosen.user_ids = ids;
    let index = |at: DateTime<Utc>| {
        width.map_or(0, |w| {
            ((at - start).num_seconds() / w.num_seconds().max(1)) as usize
        })
    };
    let org = ctx.org();
    let automations = org.automations();
    let type_of = |spender: Spender| match spender {
        Spender::Member(_) => USER,
        Spender::Automation(i) => match automations.get(i).map(|a| a.kind) {
            Some(AutomationKind::ApiKey) => API_KEY,
            _ => SERVICE_ACCOUNT,
        },
    };
    let tallied = ledger::tally(org, &chosen, group, Kind::Cost, true, index);
    let mut rows: BTreeMap<Group, Totals> = BTreeMap::new();
    for (key, totals) in tallied {
        let spender = match (key.user, key.automation) {
            (Some(u), _) => Spender::Member(u),
            (None, Some(a)) => Spender::Automation(a),
            (None, None) => continue,
        };
        if !types.is_empty() && !types.contains(&type_of(spender)) {
            continue;
        }
        let out = Group {
            bucket: key.bucket,
            actor: by_actor.then_some(spender),
            actor_type: by_type.then_some(type_of(spender)),
            product: key.product,
            model: key.model,
            cost_type: key.cost_type,
            token_type: key.token_type,
        };
        let sum = rows.entry(out).or_default();
        sum.amount += totals.amount;
        sum.list_amount += totals.list_amount;
        sum.requests += totals.requests;
    }
    let mut rows: Vec<(Group, Totals)> = rows.into_iter().collect();
    rows.sort_by(|a, b| {
        let (x, y) = (order_by(&a.1), order_by(&b.1));
        let by_metric = if descending { y.cmp(&x) } else { x.cmp(&y) };
        a.0.bucket
            .cmp(&b.0.bucket)
            .then(by_metric)
            .then(a.0.cmp(&b.0))
    });
    let page = cursor::page(ctx, q, rows.len(), limit)?;
    let splits = group.cost_type || group.token_type;
    let data = rows
        .iter()
        .skip(page.offset)
        .take(limit)
        .map(|(g, totals)| {
            let (from, to) = match width {
                Some(w) => {
                    let from = start + w * i32::try_from(g.bucket).unwrap_or(i32::MAX);
                    (from, (from + w).min(end))
                }
                None => (start, end),
            };
            let actor = g.actor.map_or(Value::Null, |s| match s {
                Spender::Member(u) => org.members().get(u).map_or(Value::Null, |m| {
                    json!({
                        "type": USER,
                        "user_id": m.id,
                        "email_address": m.email,
                        "name": m.name,
                        "deleted": false,
                    })
                }),
                Spender::Automation(i) => {
                    automations.get(i).map_or(Value::Null, |a| match a.kind {
                        AutomationKind::ServiceAccount => {
                            json!({ "type": SERVICE_ACCOUNT, "service_account_id": a.id })
                        }
                        AutomationKind::ApiKey => json!({ "type": API_KEY, "api_key_id": a.id }),
                    })
                }
            });
            json!({
                "starting_at": ledger::timestamp(from),
                "ending_at": ledger::timestamp(to),
                "group": {
                    "actor": actor,
                    "actor_type": g.actor_type,
                    "product": g.product,
                    "model": g.model,
                    "cost_type": g.cost_type,
                    "token_type": g.token_type,
                },
                "cost": {
                    "amount": ledger::cents(totals.amount),
                    "currency": "USD",
                    "list_amount": ledger::cents(totals.list_amount),
                    "requests": if splits { Value::Null } else { json!(totals.requests) },
                },
            })
        })
        .collect();
    Ok(envelope(ctx, data, page.next))
}
