//! Everything the dashboard shows for a range, computed off the UI task from the store.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{DataSpans, Day, Developer, PlanEvidence, cents_to_usd, daily, developers};
use crate::store::{AdoptionItem, Dataset, FetchEntry, Store, StoreError, SummaryDay, next_day};
use crate::sync::{CountBasis, Coverage, Segment};

/// Cost of one product and model over the range, in dollars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCost {
    pub product: String,
    pub model: String,
    pub cost_usd: Decimal,
    pub list_cost_usd: Decimal,
}

/// This month's spend so far and where it is heading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthToDate {
    pub month_start: Option<NaiveDate>,
    /// Spend of the month's complete days and today's partial day so far.
    pub cost_usd: Decimal,
    pub list_cost_usd: Decimal,
    /// Whole days of the month before today (today is still partial).
    pub complete_days: u32,
    /// The run rate of the complete days times the days in the month; `None` on the 1st,
    /// when no day is complete yet (a partial day would project nonsense).
    pub projected_usd: Option<Decimal>,
    pub days_in_month: u32,
    /// Whether any day of the month's cost is stored yet: until then the figures are not
    /// $0 but unknown (the first sync has not brought them).
    pub held: bool,
}

impl MonthToDate {
    /// "run rate of 3 complete days", or why there is no projection yet.
    pub fn basis_text(&self) -> String {
        match self.complete_days {
            0 => "no complete day yet".to_owned(),
            n => format!(
                "run rate of {}",
                plural(u64::from(n), "complete day", "complete days")
            ),
        }
    }
}

/// `1 day`, `2 days`: a count with its noun in the right number.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A day whose value is far above the median of the days before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spike {
    pub date: NaiveDate,
    /// "cost" or "active users".
    pub what: &'static str,
    pub value: Decimal,
    pub median: Decimal,
}

/// Skills, connectors, projects, plugins and artifacts of the latest stored day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adoption {
    pub day: Option<NaiveDate>,
    pub skills: Vec<AdoptionItem>,
    pub connectors: Vec<AdoptionItem>,
    pub projects: Vec<AdoptionItem>,
    pub plugins: Vec<AdoptionItem>,
    /// One item per artifact type, shared ones apart; `uses` = artifacts created.
    pub artifacts: Vec<AdoptionItem>,
    /// The API answered `/plugins` (`/artifacts`) with 404: not offered to this organization.
    pub plugins_not_offered: bool,
    pub artifacts_not_offered: bool,
}

/// A person the store has seen who has had no activity in the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdlePerson {
    pub user_id: String,
    pub email: String,
    pub last_active: NaiveDate,
}

/// Everything the dashboard's panes draw for one range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The instant the figures were computed for (a fixed clock in tests).
    pub now: DateTime<Utc>,
    pub developers: Vec<Developer>,
    pub days: Vec<Day>,
    /// The newest summary day in the range (DAU/WAU/MAU, seats, invites).
    pub latest_summary: Option<SummaryDay>,
    pub cost_by_model: Vec<ModelCost>,
    pub month_to_date: MonthToDate,
    pub spikes: Vec<Spike>,
    pub adoption: Adoption,
    pub idle: Vec<IdlePerson>,
    /// The last engagement day with data in the range.
    pub engagement_through: Option<NaiveDate>,
    /// The last day with cost data in the range.
    pub cost_through: Option<NaiveDate>,
    /// Which days of the range hold activity and which hold cost.
    pub spans: DataSpans,
    /// How many people active in the range have any cost (see [`crate::metrics::CostBasis`]).
    pub plan_evidence: Option<PlanEvidence>,
    pub cost_refreshed_at: Option<DateTime<Utc>>,
    /// The newest fetch of each dataset, for the Status tab.
    pub fetches: Vec<FetchEntry>,
    pub organization_id: Option<String>,
    /// How the per-person distinct counts (sessions, conversations) were counted.
    pub count_basis: CountBasis,
}

/// How far above the trailing median a day must be to be flagged.
const SPIKE_FACTOR: i64 = 2;
/// How many previous days the median looks at.
const SPIKE_WINDOW: usize = 14;

impl Dashboard {
    /// Builds the dashboard for `[from, to]` from what the store holds. `coverage` is the last
    /// sync's answer for this range when there is one; without it, per-person totals come from
    /// the stored range totals or the stored days, whichever covers more.
    pub fn load(
        store: &Store,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
        coverage: Option<&Coverage>,
    ) -> Result<Dashboard, StoreError> {
        let coverage = match coverage {
            Some(c) => c.clone(),
            None => coverage_from_store(store, from, to)?,
        };
        let developers = developers(store, &coverage)?;
        let days = daily(store, from, to)?;
        let engagement_through = days
            .iter()
            .rev()
            .find(|d| d.dau.is_some() || d.commits.is_some())
            .map(|d| d.date);
        let cost_through = days
            .iter()
            .rev()
            .find(|d| d.cost_usd.is_some())
            .map(|d| d.date);
        let latest_summary = store.summaries(from, to)?.pop();
        let cost_by_model = cost_by_model(store, from, to)?;
        let month_to_date = month_to_date(store, now)?;
        let spikes = spikes(&days);
        let adoption = Adoption::load(store)?;
        let active: std::collections::BTreeSet<&str> = developers
            .iter()
            .filter(|d| d.is_active())
            .map(|d| d.user_id.as_str())
            .collect();
        let idle = store
            .known_people()?
            .into_iter()
            .filter(|(id, _, _)| !active.contains(id.as_str()))
            .map(|(user_id, email, last_active)| IdlePerson {
                user_id,
                email,
                last_active,
            })
            .collect();
        let fetches = store.last_fetches()?;
        let cost_refreshed_at = fetches
            .iter()
            .filter(|f| matches!(f.dataset, Dataset::CostDaily | Dataset::UserCost))
            .filter_map(|f| f.data_refreshed_at)
            .max();
        let spans = DataSpans::of(&days);
        Ok(Dashboard {
            plan_evidence: PlanEvidence::of(&developers, &spans),
            spans,
            from,
            to,
            now,
            developers,
            days,
            latest_summary,
            cost_by_model,
            month_to_date,
            spikes,
            adoption,
            idle,
            engagement_through,
            cost_through,
            cost_refreshed_at,
            fetches,
            organization_id: store.meta(crate::store::MetaKey::Organization)?,
            count_basis: coverage.count_basis(),
        })
    }

    /// Total cost of the range, in dollars: every person's and, where the source tells, what
    /// no seat user accounts for.
    pub fn total_cost_usd(&self) -> Decimal {
        let people: Decimal = self.developers.iter().map(|d| d.cost_usd).sum();
        people + self.unattributed_cost_usd().unwrap_or_default()
    }

    /// Cost of the range's cost days that no seat user accounts for (service accounts, API
    /// keys, Slack), in dollars; `None` when a day's source could not tell (the legacy cost
    /// reports).
    pub fn unattributed_cost_usd(&self) -> Option<Decimal> {
        self.unattributed(|d| d.unattributed_cost_usd)
    }

    /// [`Dashboard::unattributed_cost_usd`] at list price.
    pub fn unattributed_list_cost_usd(&self) -> Option<Decimal> {
        self.unattributed(|d| d.unattributed_list_cost_usd)
    }

    fn unattributed(&self, field: impl Fn(&Day) -> Option<Decimal>) -> Option<Decimal> {
        self.days
            .iter()
            .filter(|d| d.cost_usd.is_some())
            .map(field)
            .sum()
    }

    /// Total at list price of the range: every person's and what no seat user accounts for.
    pub fn total_list_cost_usd(&self) -> Decimal {
        let people: Decimal = self.developers.iter().map(|d| d.list_cost_usd).sum();
        people + self.unattributed_list_cost_usd().unwrap_or_default()
    }
}

impl Developer {
    /// True when the person did anything in the range (chat, Claude Code or spend).
    pub fn is_active(&self) -> bool {
        self.messages > 0
            || self.claude_code_sessions > 0
            || self.commits > 0
            || self.lines_added > 0
            || self.cost_usd > Decimal::ZERO
    }

    /// Accepted tool actions over all decided ones, as a percentage.
    pub fn acceptance_rate(&self) -> Option<Decimal> {
        super::acceptance_rate(self.tool_accepted, self.tool_rejected)
    }
}

impl Adoption {
    fn load(store: &Store) -> Result<Adoption, StoreError> {
        let mut day = None;
        let mut take = |dataset| -> Result<Vec<AdoptionItem>, StoreError> {
            Ok(match store.latest_adoption(dataset)? {
                Some((d, items)) => {
                    day = Some(day.map_or(d, |x: NaiveDate| x.max(d)));
                    items
                }
                None => Vec::new(),
            })
        };
        let skills = take(Dataset::Skills)?;
        let connectors = take(Dataset::Connectors)?;
        let projects = take(Dataset::Projects)?;
        let plugins = take(Dataset::Plugins)?;
        let artifacts = take(Dataset::Artifacts)?;
        Ok(Adoption {
            day,
            skills,
            connectors,
            projects,
            plugins,
            artifacts,
            plugins_not_offered: store.not_offered(Dataset::Plugins)?,
            artifacts_not_offered: store.not_offered(Dataset::Artifacts)?,
        })
    }
}

/// Whether the store holds any per-person day of `[start, end)`.
fn holds_days(store: &Store, start: NaiveDate, end: NaiveDate) -> Result<bool, StoreError> {
    let last = end.pred_opt().unwrap_or(end);
    Ok(!store
        .fetch_entries(Dataset::UsersDay, start, last)?
        .is_empty())
}

/// Per-person totals without a sync's answer: the stored range totals that reach furthest
/// into the range plus stored days for the rest, else the stored days alone.
pub fn coverage_from_store(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Coverage, StoreError> {
    let end = next_day(to);
    let mut engagement = Vec::new();
    let mut start = from;
    // A rollup may start later than `from` when older days were outside the API's window.
    if let Some(entry) = store.best_rollup(from, end)? {
        if entry.start > from && holds_days(store, from, entry.start)? {
            engagement.push(Segment::Days {
                start: from,
                end: entry.start,
            });
        }
        engagement.push(Segment::Rollup {
            start: entry.start,
            end: entry.end,
        });
        start = entry.end;
    }
    // Days with nothing stored (past the latest engagement day) are not a segment: they would
    // label a whole rollup's counts as mixed.
    if start < end && (engagement.is_empty() || holds_days(store, start, end)?) {
        engagement.push(Segment::Days { start, end });
    }
    let cost_windows = store
        .fetch_entries(Dataset::UserCost, from, to)?
        .into_iter()
        .filter(|e| e.start >= from && e.end <= end)
        .fold(Vec::<(NaiveDate, NaiveDate)>::new(), |mut acc, e| {
            // Keep a tiling: windows that do not overlap the ones already taken.
            if acc.iter().all(|&(s, t)| e.end <= s || e.start >= t) {
                acc.push((e.start, e.end));
            }
            acc
        });
    Ok(Coverage {
        engagement,
        cost_windows,
        ..Coverage::default()
    })
}

/// Cost per product and model over `[from, to]`, most expensive first.
pub fn cost_by_model(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ModelCost>, StoreError> {
    let mut sums: BTreeMap<(String, String), (Decimal, Decimal)> = BTreeMap::new();
    for line in store.cost_days(from, to)? {
        let e = sums.entry((line.product, line.model)).or_default();
        e.0 += line.amount_cents;
        e.1 += line.list_amount_cents;
    }
    let mut rows: Vec<ModelCost> = sums
        .into_iter()
        .map(|((product, model), (amount, list))| ModelCost {
            product,
            model,
            cost_usd: cents_to_usd(amount),
            list_cost_usd: cents_to_usd(list),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.cost_usd
            .cmp(&a.cost_usd)
            .then_with(|| a.model.cmp(&b.model))
    });
    Ok(rows)
}

fn month_to_date(store: &Store, now: DateTime<Utc>) -> Result<MonthToDate, StoreError> {
    let today = now.date_naive();
    let Some(start) = today.with_day(1) else {
        return Ok(MonthToDate::default());
    };
    let next_month = if today.month() == 12 {
        NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(today.year(), today.month() + 1, 1)
    };
    let days_in_month = next_month.map_or(30, |n| (n - start).num_days()) as u32;
    let lines = store.cost_days(start, today)?;
    let cents: Decimal = lines.iter().map(|l| l.amount_cents).sum();
    let list: Decimal = lines.iter().map(|l| l.list_amount_cents).sum();
    // Today is partial: the projection is the run rate of the complete days only.
    let complete_days = u32::try_from((today - start).num_days()).unwrap_or(0);
    let complete_cents: Decimal = lines
        .iter()
        .filter(|l| l.date < today)
        .map(|l| l.amount_cents)
        .sum();
    let projected_usd = (complete_days > 0).then(|| {
        (cents_to_usd(complete_cents) / Decimal::from(complete_days) * Decimal::from(days_in_month))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    });
    Ok(MonthToDate {
        month_start: Some(start),
        cost_usd: cents_to_usd(cents),
        list_cost_usd: cents_to_usd(list),
        complete_days,
        projected_usd,
        days_in_month,
        held: !store
            .fetch_entries(Dataset::CostDaily, start, today)?
            .is_empty(),
    })
}

/// Days whose cost or active users exceed twice the median of the previous 14 days.
pub fn spikes(days: &[Day]) -> Vec<Spike> {
    let series: [(&'static str, Vec<Option<Decimal>>); 2] = [
        ("cost", days.iter().map(|d| d.cost_usd).collect()),
        (
            "active users",
            days.iter().map(|d| d.dau.map(Decimal::from)).collect(),
        ),
    ];
    let mut out = Vec::new();
    for (what, values) in series {
        for (i, value) in values.iter().enumerate() {
            let Some(value) = *value else { continue };
            let mut before: Vec<Decimal> = values[i.saturating_sub(SPIKE_WINDOW)..i]
                .iter()
                .flatten()
                .copied()
                .collect();
            if before.len() < 7 {
                continue;
            }
            before.sort_unstable();
            let median = before[before.len() / 2];
            if median > Decimal::ZERO && value > median * Decimal::from(SPIKE_FACTOR) {
                out.push(Spike {
                    date: days[i].date,
                    what,
                    value,
                    median,
                });
            }
        }
    }
    out.sort_by_key(|s| s.date);
    out
}
