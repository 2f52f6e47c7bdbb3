//! Query-string building blocks shared by the client's endpoint methods, and the hooks that
//! reinterpret a first-page error.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::error::ApiError;

pub(super) fn q(name: &str, value: String) -> (String, String) {
    (name.to_owned(), value)
}

pub(super) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(super) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(String, String)> {
    vec![
        q("starting_at", instant(start)),
        q("ending_at", instant(end)),
    ]
}

pub(super) fn grouping(group_by: &[&str]) -> Vec<(String, String)> {
    group_by
        .iter()
        .map(|g| q("group_by[]", (*g).to_owned()))
        .collect()
}

pub(super) fn daily_buckets(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    group_by: &[&str],
) -> Vec<(String, String)> {
    let mut query = span(start, end);
    query.push(q("bucket_width", "1d".to_owned()));
    query.extend(grouping(group_by));
    query.push(q("limit", "31".to_owned()));
    query
}

pub(super) fn keep(error: ApiError) -> ApiError {
    error
}

pub(super) fn range_refused(error: ApiError) -> ApiError {
    match error {
        ApiError::InvalidRequest {
            status: 400,
            request_id,
            server_message,
        } => ApiError::RangeModeRefused {
            request_id,
            server_message,
        },
        other => other,
    }
}
