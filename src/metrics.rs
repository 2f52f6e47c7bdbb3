//! Aggregates for views and exports: per-person totals and the daily series, from the store.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

mod dashboard;
mod figures;
pub mod periods;
mod plan;
mod range;
mod spans;
mod timeline;

pub use dashboard::{
    Adoption, Dashboard, IdlePerson, ModelCost, MonthToDate, Spike, cost_by_model,
    coverage_from_store, plural, spikes,
};
pub use figures::{
    CodePerDay, CodeTotals, Figures, Points, acceptance_rate, adoption_rate, percent_of,
};
pub use plan::{CostBasis, PlanEvidence, PlanSetting};
pub use range::{RangePreset, preset_range};
pub use spans::DataSpans;
pub use timeline::{PersonDay, PersonDays};

use crate::store::{Activity, Store, StoreError, next_day};
use crate::sync::{Coverage, Segment};

/// One person's totals over a range: engagement, Claude Code output and cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Developer {
    pub user_id: String,
    pub email: String,
    pub messages: u64,
    pub conversations: u64,
    pub claude_code_sessions: u64,
    pub commits: u64,
    pub pull_requests: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub tool_accepted: u64,
    pub tool_rejected: u64,
    /// Cost after discount, in US dollars.
    #[serde(with = "rust_decimal::serde::float")]
    pub cost_usd: Decimal,
    /// Cost at list price, in US dollars.
    #[serde(with = "rust_decimal::serde::float")]
    pub list_cost_usd: Decimal,
    /// Cowork sessions and messages, including those under Chat and Cowork unified.
    pub cowork_sessions: u64,
    pub cowork_messages: u64,
    /// Claude in Office agent turns (every Office app).
    pub office_messages: u64,
    /// Claude Design messages.
    pub design_messages: u64,
    /// Web-search tool invocations.
    pub web_searches: u64,
}

impl Developer {
    fn add_activity(&mut self, a: &Activity) {
        if self.email.is_empty() {
            self.email.clone_from(&a.email);
        }
        self.messages += a.messages;
        self.conversations += a.conversations;
        self.claude_code_sessions += a.sessions;
        self.commits += a.commits;
        self.pull_requests += a.pull_requests;
        self.lines_added += a.lines_added;
        self.lines_removed += a.lines_removed;
        self.tool_accepted += a.tool_accepted;
        self.tool_rejected += a.tool_rejected;
        self.cowork_sessions += a.cowork_sessions;
        self.cowork_messages += a.cowork_messages;
        self.office_messages += a.office_messages;
        self.design_messages += a.design_messages;
        self.web_searches += a.web_searches;
    }
}

/// Dollars as whole cents, the height of a bar in a chart (nothing, or less than nothing, is 0).
pub fn bar_cents(usd: Option<Decimal>) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    usd.and_then(|c| (c * Decimal::ONE_HUNDRED).round().to_u64())
        .unwrap_or(0)
}

/// Converts cents (the API's unit) to dollars, exactly.
pub fn cents_to_usd(cents: Decimal) -> Decimal {
    (cents / Decimal::ONE_HUNDRED).normalize()
}

/// Per-person totals over the range a sync covered, one row per person active in it (with
/// engagement or cost), ordered by e-mail.
pub fn developers(store: &Store, coverage: &Coverage) -> Result<Vec<Developer>, StoreError> {
    let mut people: BTreeMap<String, Developer> = BTreeMap::new();
    for segment in &coverage.engagement {
        match *segment {
            Segment::Days { start, end } => {
                let last = end.pred_opt().unwrap_or(end);
                for a in store.person_totals(start, last)? {
                    person(&mut people, &a.user_id).add_activity(&a);
                }
            }
            Segment::Rollup { start, end } => {
                for a in store.rollup(start, end)? {
                    person(&mut people, &a.user_id).add_activity(&a);
                }
            }
        }
    }
    for c in store.person_cost_totals(&coverage.cost_windows)? {
        let dev = person(&mut people, &c.user_id);
        if dev.email.is_empty() {
            dev.email = c.email;
        }
        dev.cost_usd = cents_to_usd(c.amount_cents);
        dev.list_cost_usd = cents_to_usd(c.list_amount_cents);
    }
    let mut rows: Vec<Developer> = people.into_values().collect();
    rows.sort_by(|a, b| {
        a.email
            .cmp(&b.email)
            .then_with(|| a.user_id.cmp(&b.user_id))
    });
    Ok(rows)
}

/// One day of the organization: activity counts, Claude Code output and cost. A field is
/// `None` when that dataset has no data for the day yet (engagement trails by days).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub dau: Option<u64>,
    pub wau: Option<u64>,
    pub mau: Option<u64>,
    pub commits: Option<u64>,
    pub pull_requests: Option<u64>,
    pub lines_added: Option<u64>,
    pub lines_removed: Option<u64>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub cost_usd: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub list_cost_usd: Option<Decimal>,
    /// Chat messages and conversations (`chat_metrics` plus Chat and Cowork unified).
    pub messages: Option<u64>,
    pub conversations: Option<u64>,
    pub cowork_sessions: Option<u64>,
    pub cowork_messages: Option<u64>,
    pub office_messages: Option<u64>,
    pub design_messages: Option<u64>,
    pub web_searches: Option<u64>,
    /// The part of `cost_usd` no seat user accounts for (service accounts, API keys, Slack);
    /// `None` when the source could not tell (the legacy cost reports).
    #[serde(with = "rust_decimal::serde::float_option")]
    pub unattributed_cost_usd: Option<Decimal>,
    /// The same at list price (on screen; the export keeps what is paid).
    #[serde(skip)]
    pub unattributed_list_cost_usd: Option<Decimal>,
}

impl Day {
    /// Adds the organization's engagement of the day (held days start at zero).
    fn add_activity(&mut self, a: &Activity) {
        let pairs = [
            (&mut self.commits, a.commits),
            (&mut self.pull_requests, a.pull_requests),
            (&mut self.lines_added, a.lines_added),
            (&mut self.lines_removed, a.lines_removed),
            (&mut self.messages, a.messages),
            (&mut self.conversations, a.conversations),
            (&mut self.cowork_sessions, a.cowork_sessions),
            (&mut self.cowork_messages, a.cowork_messages),
            (&mut self.office_messages, a.office_messages),
            (&mut self.design_messages, a.design_messages),
            (&mut self.web_searches, a.web_searches),
        ];
        for (field, value) in pairs {
            *field.get_or_insert(0) += value;
        }
    }
}

fn person<'a>(people: &'a mut BTreeMap<String, Developer>, id: &str) -> &'a mut Developer {
    people.entry(id.to_owned()).or_insert_with(|| Developer {
        user_id: id.to_owned(),
        ..Developer::default()
    })
}

/// The daily series over `[from, to]`, one row per day, from whatever the store holds.
pub fn daily(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<Day>, StoreError> {
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        days.insert(
            day,
            Day {
                date: day,
                ..Day::default()
            },
        );
        let next = next_day(day);
        if next == day {
            break;
        }
        day = next;
    }
    for s in store.summaries(from, to)? {
        if let Some(d) = days.get_mut(&s.date) {
            d.dau = Some(s.dau);
            d.wau = Some(s.wau);
            d.mau = Some(s.mau);
        }
    }
    let held: Vec<NaiveDate> = store
        .fetch_entries(crate::store::Dataset::UsersDay, from, to)?
        .into_iter()
        .map(|e| e.start)
        .collect();
    for date in held {
        if let Some(d) = days.get_mut(&date) {
            d.add_activity(&Activity::default());
        }
    }
    for (date, a) in store.day_totals(from, to)? {
        if let Some(d) = days.get_mut(&date) {
            d.add_activity(&a);
        }
    }
    let cost_held: Vec<NaiveDate> = store
        .fetch_entries(crate::store::Dataset::CostDaily, from, to)?
        .into_iter()
        .map(|e| e.start)
        .collect();
    let mut cents: BTreeMap<NaiveDate, (Decimal, Decimal)> = cost_held
        .into_iter()
        .map(|d| (d, Default::default()))
        .collect();
    for line in store.cost_days(from, to)? {
        let sum = cents.entry(line.date).or_default();
        sum.0 += line.amount_cents;
        sum.1 += line.list_amount_cents;
    }
    for (date, (amount, list)) in cents {
        if let Some(d) = days.get_mut(&date) {
            d.cost_usd = Some(cents_to_usd(amount));
            d.list_cost_usd = Some(cents_to_usd(list));
        }
    }
    for (date, amount, list) in store.unattributed_cost_days(from, to)? {
        if let Some(d) = days.get_mut(&date).filter(|d| d.cost_usd.is_some()) {
            d.unattributed_cost_usd = Some(cents_to_usd(amount));
            d.unattributed_list_cost_usd = Some(cents_to_usd(list));
        }
    }
    Ok(days.into_values().collect())
}
