//! Wire models of the org-level adoption endpoints: `/summaries`, `/skills`, `/connectors`,
//! `/plugins` and `/artifacts`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::lenient;

/// One day of org-wide activity from `/summaries`. The day comes from `starting_at`
/// (RFC 3339, current API) or the legacy `starting_date`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DaySummary {
    /// The UTC day this row describes.
    pub date: NaiveDate,
    pub daily_active_user_count: u64,
    pub weekly_active_user_count: u64,
    pub monthly_active_user_count: u64,
    /// `None` when the series is scoped to an RBAC group.
    pub assigned_seat_count: Option<u64>,
    pub pending_invite_count: Option<u64>,
    /// Percent of assigned seats; `None` when scoped or not sent by older API versions.
    pub daily_adoption_rate: Option<f64>,
    pub weekly_adoption_rate: Option<f64>,
    pub monthly_adoption_rate: Option<f64>,
    pub cowork_daily_active_user_count: u64,
    pub cowork_weekly_active_user_count: u64,
    pub cowork_monthly_active_user_count: u64,
    /// Per-product active users, omitted while the breakdown is not enabled for the org.
    pub products: DayProductActivity,
}

/// Optional per-product daily/weekly/monthly active users on a [`DaySummary`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayProductActivity {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub chat_daily_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub chat_weekly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub chat_monthly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub claude_code_daily_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub claude_code_weekly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub claude_code_monthly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub claude_design_daily_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub claude_design_weekly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub claude_design_monthly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub office_agent_daily_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub office_agent_weekly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub office_agent_monthly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub science_daily_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub science_weekly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub science_monthly_active_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub science_entitled_user_count: Option<u64>,
}

#[derive(Deserialize)]
struct RawDaySummary {
    #[serde(default)]
    starting_at: Option<String>,
    #[serde(default)]
    starting_date: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default, deserialize_with = "lenient::count")]
    daily_active_user_count: u64,
    #[serde(default, deserialize_with = "lenient::count")]
    weekly_active_user_count: u64,
    #[serde(default, deserialize_with = "lenient::count")]
    monthly_active_user_count: u64,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    assigned_seat_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pending_invite_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    daily_adoption_rate: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    weekly_adoption_rate: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    monthly_adoption_rate: Option<f64>,
    #[serde(default, deserialize_with = "lenient::count")]
    cowork_daily_active_user_count: u64,
    #[serde(default, deserialize_with = "lenient::count")]
    cowork_weekly_active_user_count: u64,
    #[serde(default, deserialize_with = "lenient::count")]
    cowork_monthly_active_user_count: u64,
    #[serde(flatten)]
    products: DayProductActivity,
}

impl<'de> Deserialize<'de> for DaySummary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawDaySummary::deserialize(d)?;
        let text = raw
            .starting_at
            .or(raw.starting_date)
            .or(raw.date)
            .ok_or_else(|| {
                D::Error::custom("summary row has neither starting_at nor starting_date")
            })?;
        let date = lenient::parse_day(&text).ok_or_else(|| {
            D::Error::custom(format!("summary row has an unreadable day {text:?}"))
        })?;
        Ok(Self {
            date,
            daily_active_user_count: raw.daily_active_user_count,
            weekly_active_user_count: raw.weekly_active_user_count,
            monthly_active_user_count: raw.monthly_active_user_count,
            assigned_seat_count: raw.assigned_seat_count,
            pending_invite_count: raw.pending_invite_count,
            daily_adoption_rate: raw.daily_adoption_rate,
            weekly_adoption_rate: raw.weekly_adoption_rate,
            monthly_adoption_rate: raw.monthly_adoption_rate,
            cowork_daily_active_user_count: raw.cowork_daily_active_user_count,
            cowork_weekly_active_user_count: raw.cowork_weekly_active_user_count,
            cowork_monthly_active_user_count: raw.cowork_monthly_active_user_count,
            products: raw.products,
        })
    }
}

/// Skill use per surface: `distinct_conversation_skill_used_count` in chat,
/// `distinct_session_skill_used_count` elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkillSurfaceMetrics {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_conversation_skill_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_skill_used_count: Option<u64>,
}

/// The unified Chat + Cowork view of a skill or connector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnifiedSurfaceMetrics<T> {
    pub chat: Option<T>,
    pub sessions: Option<T>,
}

/// A skill's use from `/skills`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkillActivity {
    /// May be an opaque id for user/org/plugin skills; see `skill_display_name`.
    #[serde(deserialize_with = "lenient::string")]
    pub skill_name: String,
    pub skill_display_name: Option<String>,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_user_count: u64,
    #[serde(deserialize_with = "lenient::block")]
    pub chat_metrics: SkillSurfaceMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub claude_code_metrics: SkillSurfaceMetrics,
    #[serde(deserialize_with = "lenient::block_map")]
    pub office_metrics: BTreeMap<String, SkillSurfaceMetrics>,
    #[serde(deserialize_with = "lenient::block")]
    pub cowork_metrics: SkillSurfaceMetrics,
    pub chat_cowork_unified_metrics: Option<UnifiedSurfaceMetrics<SkillSurfaceMetrics>>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub invocation_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub enable_count: Option<u64>,
    /// `private`, `organization` or `public` (claude.ai skills only).
    pub share_status: Option<String>,
    /// Cents, decimal.
    #[serde(deserialize_with = "lenient::opt_money")]
    pub estimated_overage_spend: Option<Decimal>,
    /// Cents, decimal.
    #[serde(deserialize_with = "lenient::opt_money")]
    pub attributed_list_price: Option<Decimal>,
    pub currency: Option<String>,
    pub product: Option<String>,
    pub rbac_group_id: Option<String>,
    pub rbac_group_name: Option<String>,
    pub user_id: Option<String>,
}

/// Connector use per surface: `distinct_conversation_connector_used_count` in chat,
/// `distinct_session_connector_used_count` elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectorSurfaceMetrics {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_conversation_connector_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_connector_used_count: Option<u64>,
}

/// A connector's (MCP server's) use from `/connectors`; names arrive normalized.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectorActivity {
    #[serde(deserialize_with = "lenient::string")]
    pub connector_name: String,
    pub connector_display_name: Option<String>,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_user_count: u64,
    #[serde(deserialize_with = "lenient::block")]
    pub chat_metrics: ConnectorSurfaceMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub claude_code_metrics: ConnectorSurfaceMetrics,
    #[serde(deserialize_with = "lenient::block_map")]
    pub office_metrics: BTreeMap<String, ConnectorSurfaceMetrics>,
    #[serde(deserialize_with = "lenient::block")]
    pub cowork_metrics: ConnectorSurfaceMetrics,
    pub chat_cowork_unified_metrics: Option<UnifiedSurfaceMetrics<ConnectorSurfaceMetrics>>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub read_call_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub write_call_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub unclassified_call_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub managed_auth_distinct_user_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub individual_auth_distinct_user_count: Option<u64>,
    pub product: Option<String>,
    pub rbac_group_id: Option<String>,
    pub rbac_group_name: Option<String>,
    pub user_id: Option<String>,
}

/// Plugin use per surface: `distinct_session_plugin_used_count`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginSurfaceMetrics {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_plugin_used_count: Option<u64>,
}

/// A plugin's installs and invocations from `/plugins` (not offered to every organization).
/// `plugin_name` `third-party` is a bucket of activity whose plugin was not named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginActivity {
    #[serde(deserialize_with = "lenient::string")]
    pub plugin_name: String,
    /// e.g. `serena@claude-plugins-official`; `None` for redacted third-party plugins.
    pub plugin_id: Option<String>,
    /// Distinct people who installed it; `None` where not measured.
    #[serde(deserialize_with = "lenient::opt_count")]
    pub install_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub invocation_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_user_count: u64,
    #[serde(deserialize_with = "lenient::block")]
    pub claude_code_metrics: PluginSurfaceMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub cowork_metrics: PluginSurfaceMetrics,
    pub chat_cowork_unified_metrics: Option<PluginSurfaceMetrics>,
    pub product: Option<String>,
    pub rbac_group_id: Option<String>,
    pub rbac_group_name: Option<String>,
    pub user_id: Option<String>,
}

/// One (`artifact_type`, `is_shared`) bucket from `/artifacts` (not offered to every
/// organization): artifacts created that day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArtifactActivity {
    /// A canonical MIME type (`text/markdown`, `application/vnd.ant.react`, …) or `other`.
    #[serde(deserialize_with = "lenient::string")]
    pub artifact_type: String,
    #[serde(deserialize_with = "lenient::flag")]
    pub is_shared: bool,
    #[serde(deserialize_with = "lenient::count")]
    pub artifacts_created_count: u64,
    /// Never more than `artifacts_created_count`.
    #[serde(deserialize_with = "lenient::count")]
    pub published_artifacts_created_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_user_count: u64,
    pub product: Option<String>,
    pub rbac_group_id: Option<String>,
    pub rbac_group_name: Option<String>,
    pub user_id: Option<String>,
}
