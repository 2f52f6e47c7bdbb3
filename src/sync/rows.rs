//! Per-person rows from the API checked before they are stored: one row per person, and
//! every row left out counted and said.

use std::collections::BTreeMap;

use super::SyncEvent;
use super::plan::Notices;
use crate::api::UserActivity;
use crate::store::Activity;

/// What [`merge`] kept and what it left out.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Merged {
    /// One row per user id, in user-id order.
    pub rows: Vec<Activity>,
    /// Further rows for a user id already seen (the first is kept: adding them would count
    /// the person's activity twice).
    pub duplicates: usize,
    /// Rows without a user id (nothing can be attributed to them).
    pub dropped: usize,
}

/// One row per person; the first row of a user id wins, rows without one are left out.
pub(super) fn merge(users: &[UserActivity]) -> Merged {
    let mut by_id: BTreeMap<String, Activity> = BTreeMap::new();
    let mut merged = Merged::default();
    for u in users {
        let Some(user) = u.user.as_ref().filter(|u| !u.id.trim().is_empty()) else {
            merged.dropped += 1;
            continue;
        };
        if by_id.contains_key(&user.id) {
            merged.duplicates += 1;
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
        by_id.insert(row.user_id.clone(), row);
    }
    merged.rows = by_id.into_values().collect();
    merged
}

/// [`merge`], with what was left out of `what` (a day or a range) logged and sent as a notice.
pub(super) fn one_per_person(
    users: &[UserActivity],
    what: &str,
    notices: &Notices,
) -> Vec<Activity> {
    let merged = merge(users);
    if merged.duplicates + merged.dropped > 0 {
        tracing::warn!(
            what,
            duplicates = merged.duplicates,
            dropped = merged.dropped,
            kept = merged.rows.len(),
            "per-person rows left out"
        );
        let _ = notices.send(SyncEvent::Notice(format!(
            "per-person activity for {what}: the API sent {} repeated row(s) for people already \
             counted (the first was kept) and {} row(s) without a user id (left out); the \
             totals count each person once",
            merged.duplicates, merged.dropped
        )));
    }
    merged.rows
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
        let merged = merge(&[first, again, other, nobody, blank]);
        let messages: Vec<(String, u64)> = merged
            .rows
            .iter()
            .map(|a| (a.user_id.clone(), a.messages))
            .collect();
        assert_eq!(messages, [("u1".to_owned(), 3), ("u2".to_owned(), 1)]);
        assert_eq!((merged.duplicates, merged.dropped), (1, 2));
    }
}
