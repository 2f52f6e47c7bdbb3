//! The figures the panes draw, computed once when the data arrives (never while drawing): the
//! organization's Claude Code totals, the rates, and the order of the ranked lists.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Dashboard, Day, Developer};

/// `part` of `whole` as a percentage with one decimal (halves away from zero); none of
/// nothing. Every percentage on screen is this one.
pub fn percent_of(part: u64, whole: u64) -> Option<Decimal> {
    (whole > 0).then(|| {
        (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    })
}

/// Tool acceptance: accepted tool actions over all decided ones (accepted + rejected), for a
/// person and for the organization alike.
pub fn acceptance_rate(accepted: u64, rejected: u64) -> Option<Decimal> {
    percent_of(accepted, accepted + rejected)
}

/// Adoption: the people active in the last 30 days (MAU) over the assigned seats.
pub fn adoption_rate(mau: u64, seats: u64) -> Option<Decimal> {
    percent_of(mau, seats)
}

/// The range's Claude Code output, summed over its people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeTotals {
    pub commits: u64,
    pub pull_requests: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub sessions: u64,
    pub tool_accepted: u64,
    pub tool_rejected: u64,
}

impl CodeTotals {
    pub fn acceptance_rate(&self) -> Option<Decimal> {
        acceptance_rate(self.tool_accepted, self.tool_rejected)
    }
}

/// A chart's points: (day of the range, value) for the days that have a value.
pub type Points = Vec<(f64, f64)>;

/// The Claude Code charts' series, a point a day with data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodePerDay {
    pub commits: Points,
    pub pull_requests: Points,
    pub lines_added: Points,
    pub lines_removed: Points,
}

impl CodePerDay {
    fn of(days: &[Day]) -> CodePerDay {
        let series = |f: fn(&Day) -> Option<u64>| -> Points {
            days.iter()
                .enumerate()
                .filter_map(|(i, d)| f(d).map(|v| (i as f64, v as f64)))
                .collect()
        };
        CodePerDay {
            commits: series(|d| d.commits),
            pull_requests: series(|d| d.pull_requests),
            lines_added: series(|d| d.lines_added),
            lines_removed: series(|d| d.lines_removed),
        }
    }
}

/// What the panes show besides the stored figures themselves; the people are indices into
/// [`Dashboard::developers`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub code: CodeTotals,
    pub code_per_day: CodePerDay,
    /// People who did anything in the range.
    pub active_people: u64,
    /// MAU over seats on the newest summary day, when it has seats.
    pub adoption: Option<Decimal>,
    /// The people with a cost, most expensive first: Cost's "By person".
    pub cost_ranking: Vec<usize>,
    /// Claude Code's leaderboards: the people with any, most first.
    pub by_commits: Vec<usize>,
    pub by_lines_added: Vec<usize>,
    pub by_sessions: Vec<usize>,
    /// Paid over the range's days: the scale of the paid-per-day chart.
    pub paid_total: Decimal,
}

impl Figures {
    pub fn of(data: &Dashboard) -> Figures {
        let people = &data.developers;
        let sum = |f: fn(&Developer) -> u64| people.iter().map(f).sum::<u64>();
        let code = CodeTotals {
            commits: sum(|d| d.commits),
            pull_requests: sum(|d| d.pull_requests),
            lines_added: sum(|d| d.lines_added),
            lines_removed: sum(|d| d.lines_removed),
            sessions: sum(|d| d.claude_code_sessions),
            tool_accepted: sum(|d| d.tool_accepted),
            tool_rejected: sum(|d| d.tool_rejected),
        };
        let summary = data.latest_summary.as_ref();
        Figures {
            code,
            code_per_day: CodePerDay::of(&data.days),
            active_people: people.iter().filter(|d| d.is_active()).count() as u64,
            adoption: summary.and_then(|s| adoption_rate(s.mau, s.assigned_seats?)),
            cost_ranking: ranked(
                people,
                |a, b| b.cost_usd.cmp(&a.cost_usd),
                |d| !d.cost_usd.is_zero(),
            ),
            by_commits: most(people, |d| d.commits),
            by_lines_added: most(people, |d| d.lines_added),
            by_sessions: most(people, |d| d.claude_code_sessions),
            paid_total: data.days.iter().filter_map(|d| d.cost_usd).sum(),
        }
    }
}

/// The people `keep` keeps, in `order`, ties by e-mail.
fn ranked(
    people: &[Developer],
    order: impl Fn(&Developer, &Developer) -> std::cmp::Ordering,
    keep: impl Fn(&Developer) -> bool,
) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..people.len()).filter(|&i| keep(&people[i])).collect();
    rows.sort_by(|&a, &b| {
        let (a, b) = (&people[a], &people[b]);
        order(a, b).then_with(|| a.email.cmp(&b.email))
    });
    rows
}

/// The people with any of `key`, most first.
fn most(people: &[Developer], key: fn(&Developer) -> u64) -> Vec<usize> {
    ranked(people, |a, b| key(b).cmp(&key(a)), |d| key(d) > 0)
}
