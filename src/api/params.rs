//! Query-string building blocks shared by the client's endpoint methods.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

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

/// The span of a query in whole-day buckets. The API floors `ending_at` to the bucket, so an
/// end inside today (a window that starts today) would floor onto its start and be refused:
/// then `ending_at` is left out and the API's default (now) ends the partial day.
pub(super) fn day_bucket_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(String, String)> {
    if end.time() == chrono::NaiveTime::MIN {
        span(start, end)
    } else {
        vec![q("starting_at", instant(start))]
    }
}

pub(super) fn daily_buckets(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    group_by: &[&str],
) -> Vec<(String, String)> {
    let mut query = day_bucket_span(start, end);
    query.push(q("bucket_width", "1d".to_owned()));
    query.extend(grouping(group_by));
    query.push(q("limit", "31".to_owned()));
    query
}
