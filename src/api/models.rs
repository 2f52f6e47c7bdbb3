//! Wire models of the engagement endpoints (`/users`, `/summaries`, projects, skills, connectors).
//!
//! Typed but tolerant: every documented era of the API parses (see `analytics-api.md` §11).
//! Blocks that are absent or `null` become defaults, nullable counts stay `Option<u64>` so
//! "not measured" is not shown as zero, and unknown fields are ignored. The cost and usage
//! models live in [`super::cost_models`] and are re-exported here.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use super::adoption_models::*;
pub use super::cost_models::*;
use super::lenient;

/// The person behind a row (`user` on `/users`, `created_by` on projects). `email_address`
/// also accepts the older `email` spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawUser")]
pub struct AnalyticsUser {
    /// Tagged user id (`user_…`), stable across days; the key the store joins on.
    pub id: String,
    /// The user's email, when the API sends one.
    pub email_address: Option<String>,
}

#[derive(Deserialize)]
struct RawUser {
    #[serde(default, deserialize_with = "lenient::string")]
    id: String,
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

impl From<RawUser> for AnalyticsUser {
    fn from(raw: RawUser) -> Self {
        Self {
            id: raw.id,
            email_address: raw.email_address.or(raw.email),
        }
    }
}

/// One person's activity on one day (or over a range in rollup mode) from `/users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserActivity {
    /// `None` on rows aggregated across users (grouped requests).
    pub user: Option<AnalyticsUser>,
    #[serde(deserialize_with = "lenient::block")]
    pub chat_metrics: ChatMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub claude_code_metrics: ClaudeCodeMetrics,
    /// Claude in Office, keyed by app (`excel`, `powerpoint`, `outlook`, `word`, …).
    #[serde(deserialize_with = "lenient::block_map")]
    pub office_metrics: BTreeMap<String, OfficeAppMetrics>,
    #[serde(deserialize_with = "lenient::block")]
    pub cowork_metrics: CoworkMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub design_metrics: DesignMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub science_metrics: ScienceMetrics,
    /// Present only where "Chat and Cowork unified" is offered.
    pub chat_cowork_unified_metrics: Option<ChatCoworkUnifiedMetrics>,
    #[serde(deserialize_with = "lenient::count")]
    pub web_search_count: u64,
    /// Only on grouped rows.
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_user_count: Option<u64>,
    /// Latest active UTC day in the window; omitted while the org lacks the feature.
    #[serde(deserialize_with = "lenient::opt_day")]
    pub last_activity_date: Option<NaiveDate>,
    pub rbac_group_id: Option<String>,
    pub rbac_group_name: Option<String>,
}

impl UserActivity {
    /// Claude Code tool suggestions accepted, summed over every tool the API reports.
    pub fn tool_accepted(&self) -> u64 {
        self.claude_code_metrics
            .tool_actions
            .values()
            .map(|t| t.accepted_count)
            .sum()
    }

    /// Claude Code tool suggestions rejected, summed over every tool the API reports.
    pub fn tool_rejected(&self) -> u64 {
        self.claude_code_metrics
            .tool_actions
            .values()
            .map(|t| t.rejected_count)
            .sum()
    }

    // The unified rule. A member on "Chat and Cowork unified" reports chat under
    // `chat_cowork_unified_metrics.chat` and Cowork under `.sessions` instead of
    // `chat_metrics`/`cowork_metrics`, so every chat or Cowork figure is the sum of both
    // places. Adding distinct counts is sound here: a conversation or session lives on one
    // surface, so no one is counted twice. An absent or `null` block adds nothing.

    /// Chat messages: `chat_metrics` plus the unified block's `chat`.
    pub fn messages(&self) -> u64 {
        self.chat_metrics.message_count + self.unified().map_or(0, |u| u.chat.message_count)
    }

    /// Distinct chat conversations: `chat_metrics` plus the unified block's `chat`.
    pub fn conversations(&self) -> u64 {
        let unified = self
            .unified()
            .and_then(|u| u.chat.distinct_conversation_count);
        self.chat_metrics.distinct_conversation_count.unwrap_or(0) + unified.unwrap_or(0)
    }

    /// Cowork sessions: `cowork_metrics` plus the unified block's `sessions`.
    pub fn cowork_sessions(&self) -> u64 {
        let unified = self
            .unified()
            .and_then(|u| u.sessions.distinct_session_count);
        self.cowork_metrics.distinct_session_count.unwrap_or(0) + unified.unwrap_or(0)
    }

    /// Cowork messages: `cowork_metrics` plus the unified block's `sessions`.
    pub fn cowork_messages(&self) -> u64 {
        self.cowork_metrics.message_count + self.unified().map_or(0, |u| u.sessions.message_count)
    }

    /// Claude in Office agent turns, summed over every Office app the API reports.
    pub fn office_messages(&self) -> u64 {
        self.office_metrics.values().map(|a| a.message_count).sum()
    }

    /// Claude Design messages.
    pub fn design_messages(&self) -> u64 {
        self.design_metrics.message_count
    }

    fn unified(&self) -> Option<&ChatCoworkUnifiedMetrics> {
        self.chat_cowork_unified_metrics.as_ref()
    }
}

/// claude.ai chat activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatMetrics {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_conversation_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub message_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_projects_created_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_projects_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_files_uploaded_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_artifacts_created_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_shared_artifacts_viewed_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub thinking_message_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_skills_used_count: Option<u64>,
    /// Total connector invocations.
    #[serde(deserialize_with = "lenient::count")]
    pub connectors_used_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_connectors_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub shared_conversations_viewed_count: u64,
}

/// Claude Code output attributed to the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaudeCodeMetrics {
    #[serde(deserialize_with = "lenient::block")]
    pub core_metrics: CoreMetrics,
    /// Per tool (`edit_tool`, `multi_edit_tool`, `write_tool`, `notebook_edit_tool`, …).
    #[serde(deserialize_with = "lenient::block_map")]
    pub tool_actions: BTreeMap<String, ToolActionCounts>,
}

/// Commits, pull requests, lines and sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoreMetrics {
    #[serde(deserialize_with = "lenient::count")]
    pub commit_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub pull_request_count: u64,
    #[serde(deserialize_with = "lenient::block")]
    pub lines_of_code: LinesOfCode,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_count: Option<u64>,
    /// Counted from 2026-08-17; zero before.
    #[serde(deserialize_with = "lenient::count")]
    pub artifacts_created_count: u64,
}

/// Lines written and removed by Claude Code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinesOfCode {
    #[serde(deserialize_with = "lenient::count")]
    pub added_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub removed_count: u64,
}

/// Accepted/rejected suggestions for one tool; also reads the Admin API's `accepted`/`rejected`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawToolActionCounts")]
pub struct ToolActionCounts {
    pub accepted_count: u64,
    pub rejected_count: u64,
}

#[derive(Deserialize)]
struct RawToolActionCounts {
    #[serde(default, deserialize_with = "lenient::opt_count")]
    accepted_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    accepted: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    rejected_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    rejected: Option<u64>,
}

impl From<RawToolActionCounts> for ToolActionCounts {
    fn from(raw: RawToolActionCounts) -> Self {
        Self {
            accepted_count: raw.accepted_count.or(raw.accepted).unwrap_or(0),
            rejected_count: raw.rejected_count.or(raw.rejected).unwrap_or(0),
        }
    }
}

/// One Claude in Office app (Excel, PowerPoint, Outlook, Word).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfficeAppMetrics {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub message_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub skills_used_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_skills_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub connectors_used_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_connectors_used_count: Option<u64>,
}

/// Cowork sessions; the optional plugin and file-edit counts stay `None` until enabled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoworkMetrics {
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub message_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub action_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub dispatch_turn_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub skills_used_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_skills_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub connectors_used_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_connectors_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub artifacts_created_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_plugins_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub plugins_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub edit_tool_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub multi_edit_tool_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub write_tool_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub notebook_edit_tool_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub file_edit_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub sessions_with_file_edits_count: Option<u64>,
}

/// Claude Design activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DesignMetrics {
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_projects_created_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_projects_used_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub message_count: u64,
}

/// Claude Science activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScienceMetrics {
    #[serde(deserialize_with = "lenient::count")]
    pub delegation_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_session_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub message_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub remote_compute_job_count: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub skills_used_count: u64,
}

/// The unified Chat + Cowork view offered to some orgs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatCoworkUnifiedMetrics {
    #[serde(deserialize_with = "lenient::block")]
    pub chat: ChatMetrics,
    #[serde(deserialize_with = "lenient::block")]
    pub sessions: CoworkMetrics,
}

/// A chat project's activity from `/apps/chat/projects`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectActivity {
    #[serde(deserialize_with = "lenient::string")]
    pub project_name: String,
    /// Tagged id (`claude_proj_…`).
    #[serde(deserialize_with = "lenient::string")]
    pub project_id: String,
    #[serde(deserialize_with = "lenient::count")]
    pub distinct_user_count: u64,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub distinct_conversation_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub message_count: u64,
    #[serde(deserialize_with = "lenient::opt_instant")]
    pub created_at: Option<DateTime<Utc>>,
    pub created_by: Option<AnalyticsUser>,
    pub product: Option<String>,
    pub rbac_group_id: Option<String>,
    pub rbac_group_name: Option<String>,
    pub user_id: Option<String>,
}

/// The list envelope every endpoint answers with: `data` (or the deprecated `summaries` alias
/// on `/summaries`), the cursor, and on cost/usage endpoints the freshness watermark and org id.
/// Public so fixtures can be parsed exactly as the client parses responses.
#[derive(Debug, Clone, Deserialize)]
pub struct ListEnvelope<T> {
    pub data: Option<Vec<T>>,
    pub summaries: Option<Vec<T>>,
    /// Opaque cursor for the next page; `null` (or empty) on the last page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// Cost/usage endpoints only.
    #[serde(default)]
    pub has_more: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_instant")]
    pub data_refreshed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl<T> ListEnvelope<T> {
    /// The rows, preferring `data` over the deprecated `summaries`; `None` when neither list
    /// is present, which the client reports as a malformed response.
    pub fn rows(&mut self) -> Option<Vec<T>> {
        self.data.take().or_else(|| self.summaries.take())
    }

    /// The cursor to follow, if the server says there is more.
    pub fn next_cursor(&self) -> Option<&str> {
        if self.has_more == Some(false) {
            return None;
        }
        self.next_page.as_deref().filter(|c| !c.trim().is_empty())
    }
}
