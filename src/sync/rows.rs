//! Per-person rows from the API checked before they are stored: one row per person, and
//! every row left out counted and said.

use std::collections::BTreeMap;

use super::SyncEvent;
use super::plan::Notices;
use crate::api::UserActivity;
use crate::store::Activity;

/// One row per person, merged page by page: the first row of a user id wins, rows without
/// one are left out (and counted).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Merged {
    by_id: BTreeMap<String, Activity>,
    /// Further rows for a user id already seen (the first is kept: adding them would count
    /// the person's activity twice).
    pub duplicates: usize,
    /// Rows without a user id (nothing can be attributed to them).
    pub dropped: usize,
}

impl Merged {
    /// Merges one page of rows; the wire rows are dropped as soon as they are read.
    pub fn add(&mut self, users: Vec<UserActivity>) {
        for u in &users {
            let Some(user) = u.user.as_ref().filter(|u| !u.id.trim().is_empty()) else {
                self.dropped += 1;
                continue;
            };
            if self.by_id.contains_key(&user.id) {
                self.duplicates += 1;
                continue;
            }
            let core = &u.claude_code_metrics.core_metrics;
            let row = Activity {
                user_id: user.id.clone(),
                email: user.email_address.clone().unwrap_or_default(),
                messages: u.messages(),
                conversations: u.conversations(),
                sessions: core.distinct_session_count.unwrap_or(0),
                commits: core.commit_count,
                pull_requests: core.pull_request_count,
                lines_added: core.lines_of_code.added_count,
                lines_removed: core.lines_of_code.removed_count,
                tool_accepted: u.tool_accepted(),
                tool_rejected: u.tool_rejected(),
                cowork_sessions: u.cowork_sessions(),
                cowork_messages: u.cowork_messages(),
                office_messages: u.office_messages(),
                design_messages: u.design_messages(),
                web_searches: u.web_search_count,
            };
            self.by_id.insert(row.user_id.clone(), row);
        }
    }

    /// One row per user id, in user-id order.
    pub fn rows(self) -> Vec<Activity> {
        self.by_id.into_values().collect()
    }
}

/// The merged rows, with what was left out of `what` (a day or a range) logged and sent as a
/// notice.
pub(super) fn one_per_person(merged: Merged, what: &str, notices: &Notices) -> Vec<Activity> {
    if merged.duplicates + merged.dropped > 0 {
        tracing::warn!(
            what,
            duplicates = merged.duplicates,
            dropped = merged.dropped,
            kept = merged.by_id.len(),
            "per-person rows left out"
        );
        let _ = notices.send(SyncEvent::Notice(format!(
            "per-person activity for {what}: the API sent {} for people already counted (the \
             first was kept) and {} without a user id (left out); the totals count each \
             person once",
            crate::metrics::plural(merged.duplicates as u64, "repeated row", "repeated rows"),
            crate::metrics::plural(merged.dropped as u64, "row", "rows")
        )));
    }
    merged.rows()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(json: serde_json::Value) -> UserActivity {
        serde_json::from_value(json).unwrap_or_default()
    }

    #[test]
    fn the_first_row_of_a_person_wins_and_rows_without_a_user_are_counted() {
        let first =
            row(serde_json::json!({"user": {"id": "u1"}, "chat_metrics": {"message_count": 3}}));
        let again =
            row(serde_json::json!({"user": {"id": "u1"}, "chat_metrics": {"message_count": 3}}));
        let other =
            row(serde_json::json!({"user": {"id": "u2"}, "chat_metrics": {"message_count": 1}}));
        let nobody = row(serde_json::json!({"chat_metrics": {"message_count": 9}}));
        let blank = row(serde_json::json!({"user": {"id": " "}}));
        // Over two pages: a person already merged from an earlier page is not counted again.
        let mut merged = Merged::default();
        merged.add(vec![first, nobody]);
        merged.add(vec![again, other, blank]);
        let (duplicates, dropped) = (merged.duplicates, merged.dropped);
        let messages: Vec<(String, u64)> = merged
            .rows()
            .iter()
            .map(|a| (a.user_id.clone(), a.messages))
            .collect();
        assert_eq!(messages, [("u1".to_owned(), 3), ("u2".to_owned(), 1)]);
        assert_eq!((duplicates, dropped), (1, 2));
    }
}
