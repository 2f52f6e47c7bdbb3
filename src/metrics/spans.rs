//! Which days each figure of a range covers: activity and cost histories differ in length, so
//! a long range may hold a year of cost beside three months of activity.

use chrono::NaiveDate;

use super::Day;
use crate::sync::{Coverage, Segment};

/// The first and last day of a range that hold activity data, and those that hold cost data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataSpans {
    pub activity: Option<(NaiveDate, NaiveDate)>,
    pub cost: Option<(NaiveDate, NaiveDate)>,
}

impl DataSpans {
    /// The spans of a daily series (see [`super::daily`]): a day holds activity when the store
    /// has its summary or its per-person rows, and cost when its cost is stored.
    pub fn of(days: &[Day]) -> DataSpans {
        let span = |holds: fn(&Day) -> bool| {
            let first = days.iter().find(|d| holds(d))?.date;
            let last = days.iter().rev().find(|d| holds(d))?.date;
            Some((first, last))
        };
        DataSpans {
            activity: span(|d| d.dau.is_some() || d.commits.is_some()),
            cost: span(|d| d.cost_usd.is_some()),
        }
    }

    /// The spans of per-person totals: the engagement segments and the per-person cost windows
    /// a sync assembled them from (`[start, end)` each).
    pub fn of_coverage(coverage: &Coverage) -> DataSpans {
        let span = |windows: &mut dyn Iterator<Item = (NaiveDate, NaiveDate)>| {
            windows.fold(None, |acc: Option<(NaiveDate, NaiveDate)>, (start, end)| {
                let last = end.pred_opt().unwrap_or(end);
                Some(acc.map_or((start, last), |(a, b)| (a.min(start), b.max(last))))
            })
        };
        let through = coverage.engagement_through;
        let activity = span(&mut coverage.engagement.iter().map(|s| match *s {
            Segment::Days { start, end } | Segment::Rollup { start, end } => (start, end),
        }))
        .map(|(first, last)| (first, through.map_or(last, |t| last.min(t))));
        DataSpans {
            activity,
            cost: span(&mut coverage.cost_windows.iter().copied()),
        }
    }

    /// True when the figures of a range starting `from` do not all cover it from its start:
    /// one history is shorter than the range (or than the other), and a total would silently
    /// mix different days.
    pub fn mixed(&self, from: NaiveDate) -> bool {
        let late = |span: Option<(NaiveDate, NaiveDate)>| span.is_some_and(|(s, _)| s > from);
        let starts_differ = matches!((self.activity, self.cost), (Some(a), Some(c)) if a.0 != c.0);
        late(self.activity) || late(self.cost) || starts_differ
    }

    /// `activity 2026-09-04 → 2026-12-01 · cost 2025-12-03 → 2026-12-02`.
    pub fn text(&self) -> String {
        let span = |name: &str, span: Option<(NaiveDate, NaiveDate)>| match span {
            Some((first, last)) => format!("{name} {first} → {last}"),
            None => format!("{name}: no data"),
        };
        format!(
            "{} · {}",
            span("activity", self.activity),
            span("cost", self.cost)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, activity: bool, cost: bool) -> Day {
        Day {
            date: date.parse().unwrap_or_default(),
            dau: activity.then_some(3),
            cost_usd: cost.then(Default::default),
            ..Day::default()
        }
    }

    #[test]
    fn a_shorter_activity_history_is_named_with_both_spans() {
        let days = [
            day("2026-09-01", false, true),
            day("2026-09-02", true, true),
            day("2026-09-03", true, true),
            day("2026-09-04", false, true),
        ];
        let spans = DataSpans::of(&days);
        assert!(spans.mixed(days[0].date));
        assert_eq!(
            spans.text(),
            "activity 2026-09-02 → 2026-09-03 · cost 2026-09-01 → 2026-09-04"
        );
    }

    #[test]
    fn histories_that_both_cover_the_range_start_are_not_mixed() {
        let days = [
            day("2026-09-01", true, true),
            day("2026-09-02", false, true),
        ];
        let spans = DataSpans::of(&days);
        assert!(!spans.mixed(days[0].date), "only the usual lag at the end");
        assert!(!DataSpans::default().mixed(days[0].date));
        assert_eq!(
            DataSpans::default().text(),
            "activity: no data · cost: no data"
        );
    }
}
