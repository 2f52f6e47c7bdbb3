//! The Usage & Cost Analytics API's cost endpoint (`/analytics/cost`, beta): every cost of the
//! organization, seat users' or not, grouped by the dimensions asked for.
//!
//! Tolerant by design: the actor is a union whose unknown types and missing fields are kept
//! as far as they go, and `data_refreshed_at`/`organization_id` may be absent.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::params::{day_bucket_span, instant, q};
use super::{Client, Collected, Report};
use crate::api::ApiError;
use crate::days::midnight;

/// The path under `/v1/organizations/analytics/`; only requests to it carry [`BETA`].
pub(crate) const PATH: &str = "cost";
/// The `anthropic-beta` value the endpoint requires.
pub(crate) const BETA: &str = "analytics-usage-cost-2026-08-24";

/// The `type` of a seat user's actor.
const USER_ACTOR: &str = "user_actor";

/// Who spent: a seat user, a service account, a federated identity, an API key, or a type
/// this build does not know (kept by name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostActor {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub user_id: Option<String>,
    pub email_address: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::flag")]
    pub deleted: bool,
    pub service_account_id: Option<String>,
    pub api_key_id: Option<String>,
    pub provider: Option<String>,
    pub subject: Option<String>,
}

impl CostActor {
    /// The seat user's id, when this actor is one (a user id without a type counts too).
    pub fn seat_user(&self) -> Option<&str> {
        let user_type = self.kind.as_deref().is_none_or(|k| k == USER_ACTOR);
        self.user_id
            .as_deref()
            .filter(|id| user_type && !id.trim().is_empty())
    }
}

/// The dimensions of a row; each is `None` unless the request grouped by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostGroup {
    #[serde(deserialize_with = "lenient::block")]
    pub actor: Option<CostActor>,
    pub actor_type: Option<String>,
    pub product: Option<String>,
    pub model: Option<String>,
    pub cost_type: Option<String>,
    pub token_type: Option<String>,
}

impl CostGroup {
    /// Whether the row's cost belongs to a seat user: by the actor when grouped by actor,
    /// else by `actor_type`. `None` when the row says neither.
    pub fn is_seat_user(&self) -> Option<bool> {
        if let Some(actor) = &self.actor {
            return Some(actor.seat_user().is_some());
        }
        // The reference names the actor's `type` `user_actor`; the `actor_type` enum's own
        // spelling is not confirmed, so the bare `user` counts too.
        self.actor_type
            .as_deref()
            .map(|t| t == USER_ACTOR || t == "user")
    }
}

/// Money of a row, in cents (fractional) as decimal strings on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostFigures {
    #[serde(deserialize_with = "lenient::money")]
    pub amount: Decimal,
    pub currency: Option<String>,
    #[serde(deserialize_with = "lenient::money")]
    pub list_amount: Decimal,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub requests: Option<u64>,
}

/// One combination of the requested dimensions (and time bucket) that has cost in the range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DimensionCostRow {
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub starting_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub ending_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "lenient::block")]
    pub group: CostGroup,
    /// `None` when the row has no `cost` object: junk, not a row (see `PageRow`).
    #[serde(deserialize_with = "lenient::block")]
    pub cost: Option<CostFigures>,
}

impl DimensionCostRow {
    /// Cents after discount (zero for a row without figures).
    pub fn amount(&self) -> Decimal {
        self.cost.as_ref().map_or(Decimal::ZERO, |c| c.amount)
    }

    /// Cents at list price.
    pub fn list_amount(&self) -> Decimal {
        self.cost.as_ref().map_or(Decimal::ZERO, |c| c.list_amount)
    }
}

/// What to ask `/analytics/cost` for over `[start, end)`.
#[derive(Debug, Clone, Default)]
pub struct CostQuery<'a> {
    /// `time_bucket_width`, e.g. `1d`; `None` aggregates the whole range per group.
    pub bucket: Option<&'a str>,
    pub group_by: &'a [&'a str],
    /// `actor_ids[]`: only these actors.
    pub actor_ids: &'a [&'a str],
}

impl Client {
    /// Cost over `[start, end)` (≤ 31 days) from the Usage & Cost Analytics API, every page.
    /// A 404 that the key cannot explain comes back as [`ApiError::EndpointMissing`].
    pub async fn dimension_cost(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        ask: &CostQuery<'_>,
    ) -> Result<Report<DimensionCostRow>, ApiError> {
        let collected = self
            .dimension_cost_folded(start, end, ask, Vec::new, |rows, page| rows.extend(page))
            .await?;
        Ok(Report {
            data: collected.rows,
            data_refreshed_at: collected.data_refreshed_at,
            organization_id: collected.organization_id,
        })
    }

    /// [`Client::dimension_cost`], each page folded into `begin()` as it arrives (10,000
    /// people's cost rows need not be held at once to be summed per person).
    pub async fn dimension_cost_folded<R>(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        ask: &CostQuery<'_>,
        begin: impl Fn() -> R,
        fold: impl FnMut(&mut R, Vec<DimensionCostRow>),
    ) -> Result<Collected<R>, ApiError> {
        let mut query = match ask.bucket {
            // An end inside a day may be floored onto the start of a day bucket and refused:
            // then the API's default end (now) ends the partial day.
            Some("1d") => day_bucket_span(start, end),
            _ => vec![
                q("starting_at", instant(start)),
                q("ending_at", instant(end)),
            ],
        };
        if let Some(width) = ask.bucket {
            query.push(q("time_bucket_width", width.to_owned()));
        }
        query.extend(
            ask.group_by
                .iter()
                .map(|g| q("group_by[]", (*g).to_owned())),
        );
        query.extend(
            ask.actor_ids
                .iter()
                .map(|a| q("actor_ids[]", (*a).to_owned())),
        );
        let query = self.with_limit(query);
        self.fold_pages(PATH, &query, begin, fold).await
    }

    /// The organization the key reaches. Only the cost endpoints name it, so this is the
    /// cheapest of them: org cost of the two days before `today`, ungrouped — from
    /// `/analytics/cost` (one request), or the legacy `cost_report` when that is not served
    /// or does not name it.
    pub async fn organization(&self, today: NaiveDate) -> Result<Option<String>, ApiError> {
        let start = today.checked_sub_days(Days::new(2)).unwrap_or(today);
        let (start, end) = (midnight(start), midnight(today));
        let named = |id: Option<String>| id.filter(|id| !id.is_empty());
        match self.dimension_cost(start, end, &CostQuery::default()).await {
            Ok(report) if named(report.organization_id.clone()).is_some() => {
                return Ok(report.organization_id);
            }
            Ok(_) => {}
            Err(e) if matches!(e, ApiError::EndpointMissing { .. }) || e.is_refused_query() => {}
            Err(e) => return Err(e),
        }
        self.add_planned(1);
        match self.cost_report(start, end, &[]).await {
            Ok(report) => Ok(named(report.organization_id)),
            Err(ApiError::EndpointMissing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
