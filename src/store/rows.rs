//! The rows the store keeps and hands back: per-person activity, adoption items, summaries, cost.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One skill, connector or chat project: how many people used it, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionItem {
    pub name: String,
    pub users: u64,
    /// Sessions or conversations that used it (skills, connectors) or messages (projects).
    pub uses: u64,
}

/// One person's engagement counters, for a day or summed over a window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub user_id: String,
    pub email: String,
    pub messages: u64,
    pub conversations: u64,
    pub sessions: u64,
    pub commits: u64,
    pub pull_requests: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub tool_accepted: u64,
    pub tool_rejected: u64,
    /// Cowork sessions and messages (`cowork_metrics` plus the unified block's `sessions`).
    pub cowork_sessions: u64,
    pub cowork_messages: u64,
    /// Claude in Office agent turns over every Office app.
    pub office_messages: u64,
    /// Claude Design messages.
    pub design_messages: u64,
    /// Web-search tool invocations (claude.ai and Claude Code).
    pub web_searches: u64,
}

impl Activity {
    /// The counters in the store's column order ([`Activity::COLUMNS`]).
    pub fn counts(&self) -> [u64; 14] {
        [
            self.messages,
            self.conversations,
            self.sessions,
            self.commits,
            self.pull_requests,
            self.lines_added,
            self.lines_removed,
            self.tool_accepted,
            self.tool_rejected,
            self.cowork_sessions,
            self.cowork_messages,
            self.office_messages,
            self.design_messages,
            self.web_searches,
        ]
    }

    /// The counter columns of `user_day`, `user_rollup` and `day_total`, in [`Activity::counts`]
    /// order: one list for every writer and reader, so a new counter is added in one place.
    pub const COLUMNS: [&'static str; 14] = [
        "messages",
        "conversations",
        "sessions",
        "commits",
        "pull_requests",
        "lines_added",
        "lines_removed",
        "tool_accepted",
        "tool_rejected",
        "cowork_sessions",
        "cowork_messages",
        "office_messages",
        "design_messages",
        "web_searches",
    ];

    /// Builds a row from counters in [`Activity::COLUMNS`] order.
    pub fn from_counts(user_id: String, email: String, c: [u64; 14]) -> Activity {
        let [
            messages,
            conversations,
            sessions,
            commits,
            pull_requests,
            lines_added,
            lines_removed,
            tool_accepted,
            tool_rejected,
            cowork_sessions,
            cowork_messages,
            office_messages,
            design_messages,
            web_searches,
        ] = c;
        Activity {
            user_id,
            email,
            messages,
            conversations,
            sessions,
            commits,
            pull_requests,
            lines_added,
            lines_removed,
            tool_accepted,
            tool_rejected,
            cowork_sessions,
            cowork_messages,
            office_messages,
            design_messages,
            web_searches,
        }
    }

    /// Adds another row's counters into this one (same person).
    pub fn add(&mut self, other: &Activity) {
        let mut sum = self.counts();
        for (mine, theirs) in sum.iter_mut().zip(other.counts()) {
            *mine += theirs;
        }
        *self = Activity::from_counts(
            std::mem::take(&mut self.user_id),
            std::mem::take(&mut self.email),
            sum,
        );
    }
}

/// One day of the organization summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryDay {
    pub date: NaiveDate,
    pub dau: u64,
    pub wau: u64,
    pub mau: u64,
    pub assigned_seats: Option<u64>,
    pub pending_invites: Option<u64>,
}

/// Org cost of one day for one product and model, in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    pub date: NaiveDate,
    pub product: String,
    pub model: String,
    pub amount_cents: Decimal,
    pub list_amount_cents: Decimal,
}

/// One person's cost over a window, in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonCost {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub amount_cents: Decimal,
    pub list_amount_cents: Decimal,
}
