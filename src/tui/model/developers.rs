//! The Developers table's state: its columns and sort, the filter, the highlighted row, and
//! the row order they produce (computed when data or settings change, never while drawing).

use ratatui::widgets::TableState;

use crate::metrics::Developer;

/// Columns of the Developers table, in their order on screen; it sorts by any shown one (`s`
/// cycles, `S` reverses). Conversations, rejected and list price are shown on request (`c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Email,
    Messages,
    Conversations,
    Sessions,
    Commits,
    PullRequests,
    LinesAdded,
    LinesRemoved,
    Acceptance,
    Rejected,
    Cost,
    ListCost,
}

impl SortColumn {
    pub const ALL: [SortColumn; 12] = [
        SortColumn::Email,
        SortColumn::Messages,
        SortColumn::Conversations,
        SortColumn::Sessions,
        SortColumn::Commits,
        SortColumn::PullRequests,
        SortColumn::LinesAdded,
        SortColumn::LinesRemoved,
        SortColumn::Acceptance,
        SortColumn::Rejected,
        SortColumn::Cost,
        SortColumn::ListCost,
    ];

    /// Whether the column is on screen: the three extra ones only when asked for.
    pub fn shown(self, more: bool) -> bool {
        more || !matches!(
            self,
            SortColumn::Conversations | SortColumn::Rejected | SortColumn::ListCost
        )
    }

    /// The columns on screen, Person first.
    pub fn on_screen(more: bool) -> impl Iterator<Item = SortColumn> {
        SortColumn::ALL.into_iter().filter(move |c| c.shown(more))
    }

    pub fn title(self) -> &'static str {
        match self {
            SortColumn::Email => "Person",
            SortColumn::Messages => "Msgs",
            SortColumn::Conversations => "Convs",
            SortColumn::Sessions => "Sessions",
            SortColumn::Commits => "Commits",
            SortColumn::PullRequests => "PRs",
            SortColumn::LinesAdded => "+Lines",
            SortColumn::LinesRemoved => "-Lines",
            SortColumn::Acceptance => "Accept%",
            SortColumn::Rejected => "Rejected",
            SortColumn::Cost => "Cost",
            SortColumn::ListCost => "List",
        }
    }

    /// The column `s` moves to: the next of `shown` (Person first) after this one in the
    /// table's order.
    pub fn next(self, shown: &[SortColumn]) -> SortColumn {
        let at = |c: SortColumn| SortColumn::ALL.iter().position(|x| *x == c).unwrap_or(0);
        shown
            .iter()
            .copied()
            .find(|&c| at(c) > at(self))
            .or_else(|| shown.first().copied())
            .unwrap_or(SortColumn::Email)
    }

    /// Orders two people by this column, ascending.
    pub fn compare(self, a: &Developer, b: &Developer) -> std::cmp::Ordering {
        match self {
            SortColumn::Email => a.email.cmp(&b.email),
            SortColumn::Messages => a.messages.cmp(&b.messages),
            SortColumn::Conversations => a.conversations.cmp(&b.conversations),
            SortColumn::Sessions => a.claude_code_sessions.cmp(&b.claude_code_sessions),
            SortColumn::Commits => a.commits.cmp(&b.commits),
            SortColumn::PullRequests => a.pull_requests.cmp(&b.pull_requests),
            SortColumn::LinesAdded => a.lines_added.cmp(&b.lines_added),
            SortColumn::LinesRemoved => a.lines_removed.cmp(&b.lines_removed),
            SortColumn::Acceptance => a.acceptance_rate().cmp(&b.acceptance_rate()),
            SortColumn::Rejected => a.tool_rejected.cmp(&b.tool_rejected),
            SortColumn::Cost => a.cost_usd.cmp(&b.cost_usd),
            SortColumn::ListCost => a.list_cost_usd.cmp(&b.list_cost_usd),
        }
        .then_with(|| a.email.cmp(&b.email))
    }
}

/// The Developers table: sort, filter, selection and scroll, plus the row order they produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeveloperTable {
    pub sort: SortColumn,
    pub descending: bool,
    pub filter: String,
    /// True while `/` input is open.
    pub filtering: bool,
    /// The highlighted row (an index into `rows`) and the first row drawn, kept by `update`
    /// so the highlighted row stays on screen; drawing uses a copy.
    pub state: TableState,
    /// Indices into the dashboard's developers, filtered and sorted — computed in `update`,
    /// never while drawing.
    pub rows: Vec<usize>,
    /// Conversations, rejected and list price shown too (`c`).
    pub more_columns: bool,
}

impl Default for DeveloperTable {
    fn default() -> Self {
        Self {
            sort: SortColumn::Cost,
            descending: true,
            filter: String::new(),
            filtering: false,
            state: TableState::new().with_selected(Some(0)),
            rows: Vec::new(),
            more_columns: false,
        }
    }
}

impl DeveloperTable {
    /// Index into `rows` of the highlighted person.
    pub fn selected(&self) -> usize {
        self.state.selected().unwrap_or(0)
    }

    /// The first row drawn.
    pub fn offset(&self) -> usize {
        self.state.offset()
    }

    /// Recomputes the row order after the data, the sort or the filter changed, keeping the
    /// same person highlighted when they are still listed.
    pub fn rebuild(&mut self, people: &[Developer]) {
        let keep = self
            .rows
            .get(self.selected())
            .and_then(|&i| people.get(i))
            .map(|d| d.user_id.clone());
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..people.len())
            .filter(|&i| needle.is_empty() || people[i].email.to_lowercase().contains(&needle))
            .collect();
        let (sort, descending) = (self.sort, self.descending);
        rows.sort_by(|&a, &b| {
            let order = sort.compare(&people[a], &people[b]);
            if descending { order.reverse() } else { order }
        });
        self.rows = rows;
        let selected = keep
            .and_then(|id| self.rows.iter().position(|&i| people[i].user_id == id))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
        self.state.select(Some(selected));
    }
}
