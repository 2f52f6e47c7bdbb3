//! The dashboard's whole state. `update` changes it; rendering only reads it.

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, Utc};

mod developers;
mod states;

pub use developers::{DeveloperTable, SortColumn};
pub use states::{JobId, PaneState, Reload, Route, SyncState, Work};

use super::action::{SyncResult, Tab};
use super::keymap::KeyTable;
use crate::api::RequestRecord;
use crate::metrics::{
    CostBasis, Dashboard, Developer, Figures, PersonDays, PlanSetting, RangePreset, preset_range,
};
use crate::sync::Coverage;

/// The date range every pane shows (inclusive UTC days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// How the picker names it: "30 days", "month to date", "custom".
    pub label: String,
}

impl DateRange {
    /// A preset range ending today.
    pub fn preset(preset: RangePreset, today: NaiveDate) -> Self {
        let (from, to) = preset_range(preset, today);
        let label = match preset {
            RangePreset::Days(n) => format!("{n} days"),
            RangePreset::MonthToDate => "month to date".to_owned(),
        };
        Self { from, to, label }
    }
}

/// Whether the figures on screen are current, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Nothing has been asked of the API yet.
    Starting,
    /// The last sync worked.
    Online,
    /// The API could not be reached; stored data is shown.
    Offline { cause: String },
    /// The key is refused now (revoked, or Access turned off); background requests stopped.
    Rejected { cause: String, fixes: Vec<String> },
    /// The last sync failed for another reason (a server error, a malformed answer); stored
    /// data is shown until a sync works again.
    Failed { cause: String },
}

/// Where the lists other than the Developers table are: the highlighted row of Cost by
/// person, and the first row shown of the leaderboards, the requests and a timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPositions {
    pub cost_people: usize,
    pub leaders: usize,
    pub requests: usize,
    pub timeline: usize,
}

/// The first row to draw of `len` rows in `height` lines so that `position` shows (as the
/// last line when it is past the first screen).
pub fn first_shown(position: usize, height: usize, len: usize) -> usize {
    position
        .saturating_sub(height.saturating_sub(1))
        .min(len.saturating_sub(height))
}

/// `12/36`: a list's position for its title (nothing for an empty list).
pub fn position_text(position: usize, len: usize) -> String {
    if len == 0 {
        String::new()
    } else {
        format!(" {}/{len}", position.min(len - 1) + 1)
    }
}

/// What is drawn over the tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// The date range picker; `custom` holds the text being typed for a custom range.
    RangePicker {
        custom: Option<String>,
        error: Option<String>,
    },
    /// The message log (`m`), `scroll` lines up from its newest line.
    Messages {
        scroll: usize,
    },
    /// One person's daily timeline; its days arrive from the store shortly after opening.
    Detail {
        user_id: String,
        timeline: PaneState<PersonDays>,
    },
}

/// One line of the message log (`m`): a status-bar message, a sync notice or a failure,
/// kept whole after the status bar has moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub text: String,
    /// A failure (drawn as one) rather than news.
    pub problem: bool,
}

/// How many messages the log keeps (the oldest go first).
pub const MESSAGE_LOG_LEN: usize = 500;

/// The whole dashboard state.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub tab: Tab,
    pub range: DateRange,
    pub now: DateTime<Utc>,
    /// The range's figures; a failed load or sync never clears the last good ones.
    pub dashboard: PaneState<Box<Dashboard>>,
    /// Totals, rates and rankings of the figures on screen, computed when they arrived.
    pub figures: Figures,
    pub connection: Connection,
    /// What the sync task does for this dashboard.
    pub sync: SyncState,
    pub last_sync: Option<(DateTime<Utc>, SyncResult)>,
    /// The coverage the last sync reported for the current range.
    pub coverage: Option<Coverage>,
    pub developers: DeveloperTable,
    pub lists: ListPositions,
    pub overlay: Option<Overlay>,
    /// A short message for the status bar (e.g. where an export went) and when it was set.
    pub flash: Option<(String, DateTime<Utc>)>,
    pub notices: Vec<String>,
    /// Every message and failure of this run, oldest first (`m` shows it).
    pub messages: Vec<LogEntry>,
    pub requests: Vec<RequestRecord>,
    /// Terminal size in cells.
    pub size: (u16, u16),
    pub quit: bool,
    /// Re-reads of the store while a sync writes to it.
    pub reload: Reload,
    pub refresh_every: Duration,
    /// Describes where the figures come from: "simulator (--demo)" or the API's base URL.
    pub source: String,
    /// Where the key came from, never the key itself.
    pub key_source: String,
    /// Where exports are written.
    pub export_dir: PathBuf,
    /// Requests per minute this process may make (the shared per-organization budget).
    pub requests_per_minute: u32,
    /// The key setup wizard, drawn over everything while open.
    pub wizard: Option<super::wizard::Wizard>,
    /// The key in use as it may be shown (fingerprint), and how key setup works here.
    pub key: super::wizard::KeyInfo,
    /// The config's `plan`: whether the cost figures are the bill or only extra usage.
    pub plan: PlanSetting,
    /// The key table in use (the defaults with the config's `[keys]` overrides).
    pub keys: KeyTable,
}

impl Model {
    /// A dashboard for `range`, with nothing loaded yet.
    pub fn new(range: DateRange, now: DateTime<Utc>) -> Self {
        Self {
            tab: Tab::Overview,
            range,
            now,
            dashboard: PaneState::Idle,
            figures: Figures::default(),
            connection: Connection::Starting,
            sync: SyncState::default(),
            last_sync: None,
            coverage: None,
            developers: DeveloperTable::default(),
            lists: ListPositions::default(),
            overlay: None,
            flash: None,
            notices: Vec::new(),
            messages: Vec::new(),
            requests: Vec::new(),
            size: (80, 24),
            quit: false,
            reload: Reload::default(),
            refresh_every: Duration::minutes(15),
            source: String::new(),
            key_source: String::new(),
            export_dir: PathBuf::from("."),
            requests_per_minute: 60,
            wizard: None,
            key: super::wizard::KeyInfo::default(),
            plan: PlanSetting::Auto,
            keys: KeyTable::default(),
        }
    }

    /// The figures on screen: the range's, or the last good ones while loading or after a
    /// failure.
    pub fn data(&self) -> Option<&Dashboard> {
        self.dashboard.data().map(|d| &**d)
    }

    /// What the cost figures are: the config's `plan`, else the heuristic over the data.
    pub fn cost_basis(&self) -> CostBasis {
        CostBasis::decide(self.plan, self.data().and_then(|d| d.plan_evidence))
    }

    /// The people of the Developers table in display order.
    pub fn visible_developers(&self) -> impl Iterator<Item = &Developer> {
        let people = self.data().map_or(&[][..], |d| d.developers.as_slice());
        self.developers
            .rows
            .iter()
            .filter_map(move |&i| people.get(i))
    }

    /// Shows `text` in the status bar for a while and keeps it in the message log.
    pub fn say(&mut self, text: String) {
        self.log(text.clone(), false);
        self.flash = Some((text, self.now));
    }

    /// Keeps `text` in the message log only.
    pub fn log(&mut self, text: String, problem: bool) {
        self.messages.push(LogEntry {
            at: self.now,
            text,
            problem,
        });
        if self.messages.len() > MESSAGE_LOG_LEN {
            self.messages.remove(0);
        }
    }

    /// The sync's current wait in words, counted down from its deadline to `now` (the
    /// snapshot's own figure is only how long it was when the wait began).
    pub fn wait_text(&self) -> String {
        self.sync.wait_text(self.now)
    }

    /// Whether anything is syncing: what the screen needs, a person's cost, a backfill chunk.
    pub fn busy(&self) -> bool {
        self.sync.busy()
    }

    /// Whether time shows on screen finer than the minute or work is due soon: the wizard's
    /// spinner, a flash message's expiry, a wait counted down or progress while syncing, a
    /// debounced re-read of the store. Otherwise the clock is ticked slowly (idle means idle).
    pub fn wants_fine_ticks(&self) -> bool {
        self.wizard.is_some() || self.flash.is_some() || self.reload.pending || self.busy()
    }

    /// Requests started in the last minute, against the budget.
    pub fn budget_in_use(&self) -> usize {
        let since = self.now - Duration::minutes(1);
        self.requests.iter().filter(|r| r.at > since).count()
    }

    /// The people with a cost in the range, most expensive first: Cost's "By person".
    pub fn cost_ranking(&self) -> Vec<&Developer> {
        self.ranked(&self.figures.cost_ranking).collect()
    }

    /// The people of a ranking of [`Model::figures`], in its order.
    pub fn ranked<'m>(&'m self, ranking: &'m [usize]) -> impl Iterator<Item = &'m Developer> {
        let people = self.data().map_or(&[][..], |d| d.developers.as_slice());
        ranking.iter().filter_map(move |&i| people.get(i))
    }

    /// The highlighted person, if any.
    pub fn selected_developer(&self) -> Option<&Developer> {
        let people = &self.data()?.developers;
        people.get(*self.developers.rows.get(self.developers.selected())?)
    }
}
