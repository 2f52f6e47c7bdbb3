//! One person's days for the detail view, assembled once when they are read from the store:
//! the rows of the day table and the two per-day series of its charts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::bar_cents;
use crate::store::Activity;

/// A day with activity or cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDay {
    pub date: NaiveDate,
    pub activity: Option<Activity>,
    /// Paid that day, in dollars.
    pub paid: Option<Decimal>,
}

/// What the detail view draws of one person's days over a range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDays {
    /// One row per day with activity or cost, newest first.
    pub rows: Vec<PersonDay>,
    /// Every day of the range, oldest first: messages + sessions + 5 × commits.
    pub activity: Vec<u64>,
    /// Every day of the range, oldest first: paid, in cents.
    pub cents: Vec<u64>,
}

impl PersonDays {
    /// Joins a person's stored days and their daily cost (day, paid, list) over `[from, to]`.
    pub fn assemble(
        days: &[(NaiveDate, Activity)],
        cost: &[(NaiveDate, Decimal, Decimal)],
        from: NaiveDate,
        to: NaiveDate,
    ) -> PersonDays {
        let mut by_day: BTreeMap<NaiveDate, (Option<&Activity>, Option<Decimal>)> = BTreeMap::new();
        for (d, a) in days {
            by_day.entry(*d).or_default().0 = Some(a);
        }
        for (d, paid, _) in cost {
            by_day.entry(*d).or_default().1 = Some(*paid);
        }
        let range = crate::days::days(from, to);
        let (activity, cents) = range
            .map(|d| {
                let (a, paid) = by_day.get(&d).copied().unwrap_or_default();
                let activity = a.map_or(0, |a| a.messages + a.sessions + a.commits * 5);
                (activity, bar_cents(paid))
            })
            .unzip();
        let rows = by_day
            .into_iter()
            .rev()
            .map(|(date, (activity, paid))| PersonDay {
                date,
                activity: activity.cloned(),
                paid,
            })
            .collect();
        PersonDays {
            rows,
            activity,
            cents,
        }
    }
}
