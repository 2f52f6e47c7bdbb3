//! Wire models of the cost and usage endpoints (per-user and org-level reports, beta).
//!
//! Money is cents as decimal strings on the wire and [`Decimal`] here — never `f64`.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::lenient;

/// Who a per-user cost/usage row belongs to. `email` reads `email_address` first and falls
/// back to the deprecated `email`, so every API era yields the same field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawActor")]
pub struct Actor {
    /// Tagged user id, the same value `/users` reports as `user.id`.
    pub user_id: String,
    /// `"Deleted User"` for removed users in some orgs; a service name for service accounts.
    pub name: Option<String>,
    pub email: Option<String>,
    /// Also true for people no longer members of the org.
    pub deleted: bool,
}

#[derive(Deserialize)]
struct RawActor {
    #[serde(default, deserialize_with = "lenient::string")]
    user_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    deleted: bool,
}

impl From<RawActor> for Actor {
    fn from(raw: RawActor) -> Self {
        Self {
            user_id: raw.user_id,
            name: raw.name,
            email: raw.email_address.or(raw.email),
            deleted: raw.deleted,
        }
    }
}

/// Prompt-cache writes split by cache lifetime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheCreation {
    #[serde(deserialize_with = "lenient::count")]
    pub ephemeral_5m_input_tokens: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub ephemeral_1h_input_tokens: u64,
}

/// Server-side tool use billed separately from tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerToolUse {
    #[serde(deserialize_with = "lenient::count")]
    pub web_search_requests: u64,
}

/// The grouping dimensions a usage or cost row may carry: `None` unless the request grouped by
/// them (`group_by[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dimensions {
    pub product: Option<String>,
    pub model: Option<String>,
    pub context_window: Option<String>,
    pub inference_geo: Option<String>,
    pub speed: Option<String>,
    pub rbac_group_id: Option<String>,
    pub slack_channel_id: Option<String>,
    pub claude_tag_category: Option<String>,
    pub claude_tag_user_id: Option<String>,
}

/// One person's token usage (per group) from `/user_usage_report`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserUsageRow {
    #[serde(deserialize_with = "lenient::block")]
    pub actor: Actor,
    /// The row's dimensions and token counts, as in an org-level usage bucket.
    #[serde(flatten)]
    pub usage: UsageResult,
    /// The sum of the token components, as the server computed it.
    #[serde(deserialize_with = "lenient::count")]
    pub total_tokens: u64,
    /// Set only when the request used `bucket_width`.
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub starting_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub ending_at: Option<DateTime<Utc>>,
}

/// Cost in cents for one person (per group) from `/user_cost_report`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserCostRow {
    #[serde(deserialize_with = "lenient::block")]
    pub actor: Actor,
    /// The row's dimensions and amounts, as in an org-level cost bucket.
    #[serde(flatten)]
    pub cost: CostResult,
    /// Set only when the request used `bucket_width`.
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub starting_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub ending_at: Option<DateTime<Utc>>,
}

/// One group's token usage within a time bucket of `/usage_report`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageResult {
    #[serde(flatten)]
    pub dimensions: Dimensions,
    #[serde(deserialize_with = "lenient::count")]
    pub uncached_input_tokens: u64,
    #[serde(deserialize_with = "lenient::block")]
    pub cache_creation: CacheCreation,
    #[serde(deserialize_with = "lenient::count")]
    pub cache_read_input_tokens: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub output_tokens: u64,
    #[serde(deserialize_with = "lenient::block")]
    pub server_tool_use: ServerToolUse,
    /// `None` for sandbox rows that count execution spans differently, or when unknown.
    #[serde(deserialize_with = "lenient::opt_count")]
    pub requests: Option<u64>,
}

/// One group's cost within a time bucket of `/cost_report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostResult {
    #[serde(flatten)]
    pub dimensions: Dimensions,
    /// `tokens`, `web_search` or `code_execution`, when grouped by cost type.
    pub cost_type: Option<String>,
    /// Set only when `cost_type` is `tokens` and grouped by token type.
    pub token_type: Option<String>,
    /// Always `"USD"` so far (and assumed when absent).
    #[serde(deserialize_with = "usd")]
    pub currency: String,
    /// Cents after negotiated discounts (pre-credit).
    #[serde(deserialize_with = "lenient::money")]
    pub amount: Decimal,
    /// Cents at list price.
    #[serde(deserialize_with = "lenient::money")]
    pub list_amount: Decimal,
    /// `None` when grouped by cost or token type.
    #[serde(deserialize_with = "lenient::opt_count")]
    pub requests: Option<u64>,
}

impl Default for CostResult {
    fn default() -> Self {
        Self {
            dimensions: Dimensions::default(),
            cost_type: None,
            token_type: None,
            currency: USD.to_owned(),
            amount: Decimal::ZERO,
            list_amount: Decimal::ZERO,
            requests: None,
        }
    }
}

/// The only currency the API reports.
const USD: &str = "USD";

fn usd<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(|| USD.to_owned()))
}

/// A time bucket (a UTC day with `bucket_width=1d`) of org-level token usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageBucket {
    #[serde(deserialize_with = "lenient::instant")]
    pub starting_at: DateTime<Utc>,
    #[serde(deserialize_with = "lenient::instant")]
    pub ending_at: DateTime<Utc>,
    /// One row when ungrouped, empty when there was no usage.
    #[serde(default, deserialize_with = "lenient::block")]
    pub results: Vec<UsageResult>,
}

/// A time bucket (a UTC day with `bucket_width=1d`) of org-level cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostBucket {
    #[serde(deserialize_with = "lenient::instant")]
    pub starting_at: DateTime<Utc>,
    #[serde(deserialize_with = "lenient::instant")]
    pub ending_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "lenient::block")]
    pub results: Vec<CostResult>,
}
