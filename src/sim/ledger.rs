//! Cost and usage bookkeeping: which usage falls in a time window, grouped by the requested
//! dimensions, and the JSON rows the cost/usage endpoints return.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::data::{CostLine, SyntheticOrg};

/// Constant values of the dimensions the synthetic organization does not vary.
pub(crate) const CONTEXT_WINDOW: &str = "0-200k";
pub(crate) const INFERENCE_GEO: &str = "global";
pub(crate) const SPEED: &str = "standard";

/// Cost (money) or usage (tokens) endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Usage,
    Cost,
}

/// Which `group_by[]` dimensions were asked for.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GroupBy {
    pub(crate) product: bool,
    pub(crate) model: bool,
    pub(crate) context_window: bool,
    pub(crate) inference_geo: bool,
    pub(crate) speed: bool,
    pub(crate) cost_type: bool,
    pub(crate) token_type: bool,
}

impl GroupBy {
    /// Grouping by cost or token type splits lines into parts (and makes `requests` null).
    fn splits(self) -> bool {
        self.cost_type || self.token_type
    }
}

/// Which usage counts: the window, the user/product/model filters.
pub(crate) struct Selection<'a> {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) products: Vec<&'a str>,
    pub(crate) models: Vec<&'a str>,
    pub(crate) user_ids: Vec<&'a str>,
    /// False when a `context_windows[]`/`inference_geos[]`/`speeds[]` filter excludes everything.
    pub(crate) constant_dims_match: bool,
    /// Whether cost of no seat user (service accounts, API keys) counts: org totals yes,
    /// per-user reports no.
    pub(crate) automations: bool,
}

/// A group: the user (per-user reports), the time bucket and the grouped dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    pub(crate) user: Option<usize>,
    /// The service account or API key (per-actor reports only).
    pub(crate) automation: Option<usize>,
    pub(crate) bucket: usize,
    pub(crate) product: Option<&'static str>,
    pub(crate) model: Option<&'static str>,
    pub(crate) cost_type: Option<&'static str>,
    pub(crate) token_type: Option<&'static str>,
}

/// Summed money and tokens of one group.
#[derive(Clone, Debug)]
pub(crate) struct Totals {
    pub(crate) amount: Decimal,
    pub(crate) list_amount: Decimal,
    pub(crate) uncached: u64,
    pub(crate) output: u64,
    pub(crate) cache_read: u64,
    pub(crate) cache_5m: u64,
    pub(crate) cache_1h: u64,
    pub(crate) web_searches: u64,
    pub(crate) requests: u64,
}

impl Default for Totals {
    fn default() -> Self {
        let zero = Decimal::from_i128_with_scale(0, 6);
        Self {
            amount: zero,
            list_amount: zero,
            uncached: 0,
            output: 0,
            cache_read: 0,
            cache_5m: 0,
            cache_1h: 0,
            web_searches: 0,
            requests: 0,
        }
    }
}

impl Totals {
    fn add_line(&mut self, line: &CostLine) {
        self.amount += line.amount_cents;
        self.list_amount += line.list_amount_cents;
        self.uncached += line.uncached_input_tokens;
        self.output += line.output_tokens;
        self.cache_read += line.cache_read_input_tokens;
        self.cache_5m += line.cache_creation_5m;
        self.cache_1h += line.cache_creation_1h;
        self.web_searches += line.web_search_requests;
        self.requests += line.requests;
    }

    pub(crate) fn total_tokens(&self) -> u64 {
        self.uncached + self.output + self.cache_read + self.cache_5m + self.cache_1h
    }
}

/// Sums the selected usage into groups. `per_user` keys groups by user; `bucket` maps a usage
/// timestamp to its bucket index (0 when not bucketed).
pub(crate) fn tally(
    org: &SyntheticOrg,
    selection: &Selection<'_>,
    group: GroupBy,
    kind: Kind,
    per_user: bool,
    bucket: impl Fn(DateTime<Utc>) -> usize,
) -> BTreeMap<Key, Totals> {
    let mut groups: BTreeMap<Key, Totals> = BTreeMap::new();
    if !selection.constant_dims_match || selection.end <= selection.start {
        return groups;
    }
    let first = selection.start.date_naive();
    let last = (selection.end - TimeDelta::nanoseconds(1)).date_naive();
    let users: Vec<usize> = org
        .members()
        .iter()
        .filter(|m| selection.user_ids.is_empty() || selection.user_ids.contains(&m.id.as_str()))
        .map(|m| m.index)
        .collect();
    let automations: Vec<usize> = if selection.automations {
        org.automations()
            .iter()
            .filter(|a| {
                selection.user_ids.is_empty() || selection.user_ids.contains(&a.id.as_str())
            })
            .map(|a| a.index)
            .collect()
    } else {
        Vec::new()
    };
    let mut add = |base: Key, lines: Vec<CostLine>| {
        for line in lines {
            if !selection.products.is_empty() && !selection.products.contains(&line.product)
                || !selection.models.is_empty() && !selection.models.contains(&line.model)
            {
                continue;
            }
            let key = Key {
                product: group.product.then_some(line.product),
                model: group.model.then_some(line.model),
                ..base
            };
            if kind == Kind::Cost && group.splits() {
                for part in line.parts() {
                    let key = Key {
                        cost_type: group.cost_type.then_some(part.cost_type),
                        token_type: group.token_type.then_some(part.token_type).flatten(),
                        ..key
                    };
                    let totals = groups.entry(key).or_default();
                    totals.amount += part.amount_cents;
                    totals.list_amount += part.list_amount_cents;
                }
            } else {
                groups.entry(key).or_default().add_line(&line);
            }
        }
    };
    let inside = |at: DateTime<Utc>| at >= selection.start && at < selection.end;
    let base = |at: DateTime<Utc>| Key {
        user: None,
        automation: None,
        bucket: bucket(at),
        product: None,
        model: None,
        cost_type: None,
        token_type: None,
    };
    for day in first.iter_days().take_while(|&d| d <= last) {
        for &user in &users {
            let at = org.usage_at(user, day);
            if inside(at) {
                let key = Key {
                    user: per_user.then_some(user),
                    ..base(at)
                };
                add(key, org.user_cost(user, day));
            }
        }
        for &index in &automations {
            let at = org.automation_at(index, day);
            if inside(at) {
                let key = Key {
                    automation: per_user.then_some(index),
                    ..base(at)
                };
                add(key, org.automation_cost(index, day));
            }
        }
    }
    groups
}

/// The grouping fields of a row (`null` unless grouped).
fn dimensions(key: &Key, group: GroupBy, kind: Kind) -> serde_json::Map<String, Value> {
    let mut row = serde_json::Map::new();
    let pick =
        |grouped: bool, value: &'static str| if grouped { json!(value) } else { Value::Null };
    row.insert("product".into(), json!(key.product));
    row.insert("model".into(), json!(key.model));
    row.insert(
        "context_window".into(),
        pick(group.context_window, CONTEXT_WINDOW),
    );
    row.insert(
        "inference_geo".into(),
        pick(group.inference_geo, INFERENCE_GEO),
    );
    row.insert("speed".into(), pick(group.speed, SPEED));
    if kind == Kind::Cost {
        row.insert("cost_type".into(), json!(key.cost_type));
        row.insert("token_type".into(), json!(key.token_type));
    }
    row
}

/// One result row (without `actor`/bucket fields): cost or usage figures for a group.
pub(crate) fn row(key: &Key, totals: &Totals, group: GroupBy, kind: Kind, per_user: bool) -> Value {
    let mut row = dimensions(key, group, kind);
    match kind {
        Kind::Cost => {
            row.insert("currency".into(), json!("USD"));
            row.insert("amount".into(), json!(cents(totals.amount)));
            row.insert("list_amount".into(), json!(cents(totals.list_amount)));
            let requests = if group.splits() {
                Value::Null
            } else {
                json!(totals.requests)
            };
            row.insert("requests".into(), requests);
        }
        Kind::Usage => {
            row.insert("uncached_input_tokens".into(), json!(totals.uncached));
            row.insert(
                "cache_creation".into(),
                json!({
                    "ephemeral_5m_input_tokens": totals.cache_5m,
                    "ephemeral_1h_input_tokens": totals.cache_1h,
                }),
            );
            row.insert("cache_read_input_tokens".into(), json!(totals.cache_read));
            row.insert("output_tokens".into(), json!(totals.output));
            if per_user {
                row.insert("total_tokens".into(), json!(totals.total_tokens()));
            }
            row.insert(
                "server_tool_use".into(),
                json!({ "web_search_requests": totals.web_searches }),
            );
            row.insert("requests".into(), json!(totals.requests));
        }
    }
    Value::Object(row)
}

/// Cents as a decimal string with six places, e.g. `41280.000000`.
pub(crate) fn cents(amount: Decimal) -> String {
    let mut amount = amount;
    amount.rescale(6);
    amount.to_string()
}

/// RFC 3339 with a `Z`, e.g. `2026-03-01T00:00:00Z`.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
