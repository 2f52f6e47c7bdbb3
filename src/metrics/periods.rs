//! A daily series grouped into bars of a day, a week (Monday to Sunday) or a calendar month,
//! for charts that show every day of a range in the room they have.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// How many days one bar holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    /// The noun for a chart's title ("per week").
    pub fn noun(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The first day of the period `day` falls in.
    fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Week => day.week(chrono::Weekday::Mon).first_day(),
            Self::Month => day.with_day(1).unwrap_or(day),
        }
    }
}

/// One bar: the range's days from `first` to `last` (inclusive) and their sum, `None` when no
/// day in it has a figure (not a $0 bar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub total: Option<Decimal>,
}

/// Groups `days` (in date order) into one bar per `period`. A bar at either end of the range
/// may hold fewer days than its period (the range need not start on a Monday or the 1st).
pub fn group(period: Period, days: &[(NaiveDate, Option<Decimal>)]) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::new();
    for &(date, value) in days {
        match out.last_mut() {
            Some(b) if period.start(b.first) == period.start(date) => {
                b.last = date;
                b.total = match (b.total, value) {
                    (Some(a), Some(v)) => Some(a + v),
                    (a, v) => a.or(v),
                };
            }
            _ => out.push(Bucket {
                first: date,
                last: date,
                total: value,
            }),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    fn series(from: NaiveDate, n: u64) -> Vec<(NaiveDate, Option<Decimal>)> {
        (0..n)
            .map(|i| (from + chrono::Days::new(i), Some(Decimal::from(i + 1))))
            .collect()
    }

    #[test]
    fn days_weeks_and_months_count_every_day_once() {
        // Thursday 2026-10-01 for 90 days.
        let from = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let days = series(from, 90);
        assert_eq!(group(Period::Day, &days).len(), 90);
        let bars = group(Period::Week, &days);
        // Thu 10-01..Sun 10-04, then 12 whole weeks, then Mon 12-28..Tue 12-29.
        assert_eq!(bars.len(), 14);
        assert_eq!(
            (bars[0].first, bars[0].last),
            (from, from + chrono::Days::new(3))
        );
        assert_eq!(bars[0].total, Some(Decimal::from(1 + 2 + 3 + 4)));
        assert_eq!(bars[13].last, from + chrono::Days::new(89));
        let bars = group(Period::Month, &days);
        assert_eq!(bars.len(), 3);
        let sum: Decimal = bars.iter().filter_map(|b| b.total).sum();
        assert_eq!(sum, Decimal::from(90 * 91 / 2));
    }

    #[test]
    fn a_bar_with_no_figure_is_none_and_one_figure_makes_it_known() {
        let from = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(); // a Monday
        let mut days = series(from, 14);
        for d in &mut days[..7] {
            d.1 = None;
        }
        days[9].1 = None;
        let bars = group(Period::Week, &days);
        assert_eq!(bars[0].total, None);
        assert_eq!(
            bars[1].total,
            Some(Decimal::from(8 + 9 + 11 + 12 + 13 + 14))
        );
    }
}
