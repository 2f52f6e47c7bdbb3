//! UTC calendar days: midnight, the next day, a day's calendar month, walking a range, and
//! cutting one into windows of at most [`MAX_WINDOW_DAYS`] (the most one analytics request
//! may span).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

/// The most days one request may span.
pub const MAX_WINDOW_DAYS: i64 = 31;

/// The start of `day`, UTC.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The day after `date` (saturating at the calendar's end).
pub fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

/// The first and the last day of the calendar month holding `date`.
pub fn month_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = date.with_day(1).unwrap_or(date);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(first);
    (first, last)
}

/// Every day of `[start, end_inclusive]`, oldest first (none when `start` is later).
pub fn days(
    start: NaiveDate,
    end_inclusive: NaiveDate,
) -> impl DoubleEndedIterator<Item = NaiveDate> {
    let n = (end_inclusive - start).num_days().max(-1) + 1;
    (0..n).map(move |i| start + Duration::days(i))
}

/// `[start, end)` cut into `[from, to)` spans of at most `len` days, newest first: the newest
/// span ends at `end`, so the most recent days are always one span.
pub fn spans_back(
    start: NaiveDate,
    end: NaiveDate,
    len: i64,
) -> impl Iterator<Item = (NaiveDate, NaiveDate)> {
    let mut to = end;
    std::iter::from_fn(move || {
        (to > start).then(|| {
            let from = (to - Duration::days(len)).max(start);
            let span = (from, to);
            to = from;
            span
        })
    })
}

/// Groups sorted days into runs of consecutive days, each at most [`MAX_WINDOW_DAYS`] long,
/// as `[start, end)` windows.
pub fn windows(days: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &day in days {
        match out.last_mut() {
            Some((start, end)) if *end == day && (day - *start).num_days() < MAX_WINDOW_DAYS => {
                *end = next_day(day);
            }
            _ => out.push((day, next_day(day))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn windows_split_runs_at_gaps_and_at_31_days() {
        let mut all: Vec<NaiveDate> = days(d("2026-03-01"), d("2026-04-09")).collect();
        all.retain(|x| *x != d("2026-03-05"));
        let w = windows(&all);
        assert_eq!(
            w,
            vec![
                (d("2026-03-01"), d("2026-03-05")),
                (d("2026-03-06"), d("2026-04-06")),
                (d("2026-04-06"), d("2026-04-10")),
            ]
        );
    }

    #[test]
    fn spans_back_end_at_the_end_and_stop_at_the_start() {
        let spans: Vec<_> = spans_back(d("2026-01-01"), d("2026-03-05"), 31).collect();
        assert_eq!(
            spans,
            vec![
                (d("2026-02-02"), d("2026-03-05")),
                (d("2026-01-02"), d("2026-02-02")),
                (d("2026-01-01"), d("2026-01-02")),
            ]
        );
        assert_eq!(spans_back(d("2026-01-02"), d("2026-01-01"), 31).count(), 0);
    }

    #[test]
    fn a_range_walks_its_days_and_midnight_is_utc() {
        assert_eq!(days(d("2026-01-30"), d("2026-02-01")).count(), 3);
        assert_eq!(days(d("2026-01-02"), d("2026-01-01")).count(), 0);
        assert_eq!(
            midnight(d("2026-01-15")).to_rfc3339(),
            "2026-01-15T00:00:00+00:00"
        );
        assert_eq!(next_day(d("2026-12-31")), d("2027-01-01"));
    }
}
