//! Everything that can happen to the dashboard, as one enum: keys, data arriving, time passing.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

use crate::api::ProgressSnapshot;
use crate::metrics::{Dashboard, RangePreset, cents_to_usd};
use crate::store::{Activity, Store, StoreError};
use crate::sync::JobId;

/// The dashboard's tabs, in order (`1`–`6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    Developers,
    ClaudeCode,
    Cost,
    Adoption,
    Status,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Developers,
        Tab::ClaudeCode,
        Tab::Cost,
        Tab::Adoption,
        Tab::Status,
    ];

    /// The title on the tab bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Developers => "Developers",
            Tab::ClaudeCode => "Claude Code",
            Tab::Cost => "Cost",
            Tab::Adoption => "Adoption",
            Tab::Status => "Status",
        }
    }

    /// Position in [`Tab::ALL`].
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// One person's days, for the detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub user_id: String,
    pub days: Vec<(NaiveDate, Activity)>,
    /// Cost per day in dollars: (day, paid, list price).
    pub cost: Vec<(NaiveDate, rust_decimal::Decimal, rust_decimal::Decimal)>,
}

impl Timeline {
    /// Reads one person's stored days and daily cost (in dollars) over `[from, to]`: what the
    /// detail view draws. The app loop calls it off the UI task; tests call it directly.
    pub fn read(
        store: &Store,
        user_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Timeline, StoreError> {
        let days = store.person_days(user_id, from, to)?;
        let cost = store
            .person_cost_days(user_id, from, to)?
            .into_iter()
            .map(|(d, paid, list)| (d, cents_to_usd(paid), cents_to_usd(list)))
            .collect();
        Ok(Timeline {
            user_id: user_id.to_owned(),
            days,
            cost,
        })
    }
}

/// How a sync ended, reduced to what the screen needs (errors as advice text).
#[derive(Debug, Clone, PartialEq)]
pub enum SyncResult {
    Done {
        requests: u64,
        coverage: crate::sync::Coverage,
    },
    /// The API could not be reached: keep showing stored data, marked offline.
    Offline { cause: String },
    /// The key stopped working (revoked, or the Access toggle turned off).
    Rejected { cause: String, fixes: Vec<String> },
    /// Any other failure; stored data stays on screen.
    Failed { cause: String },
}

/// Actions: produced by the key table and by the background work, consumed by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    NextTab,
    PrevTab,
    GoTab(Tab),
    ToggleHelp,
    /// `m`: the message log, where every message stays readable after the status bar.
    ToggleMessages,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// A click on a row of the Developers table: highlight that row.
    Select(usize),
    /// `y`: copy the highlighted e-mail or request id to the terminal's clipboard.
    Copy,
    /// `Y`: run `topogy doctor` and copy its redacted report to the terminal's clipboard.
    CopyReport,
    /// The doctor report `Y` asked for, ready to copy.
    ReportReady(String),
    /// `/`: start typing a filter.
    StartFilter,
    /// A character typed into the filter (or the custom range field).
    Input(char),
    Backspace,
    /// Enter: open the detail view, confirm a filter or a picked range.
    Confirm,
    /// Esc: close whatever is open.
    Back,
    SortNext,
    SortReverse,
    /// Show or hide the Developers table's extra columns.
    ToggleColumns,
    Refresh,
    OpenRangePicker,
    PickRange(RangePreset),
    /// `c` in the picker: type a custom `YYYY-MM-DD..YYYY-MM-DD` range.
    CustomRange,
    Export,
    /// `K`: open the key setup wizard (replace or remove the key).
    OpenWizard,
    /// Bracketed paste, whole: the wizard's key field takes it as one secret; elsewhere it
    /// is typed character by character.
    Paste(crate::credentials::SecretText),
    /// The wizard's own keys and the answers of its background work.
    Wizard(super::wizard::WizardAction),
    Resize(u16, u16),
    /// Time passes (for the clock, debounced reloads and the refresh interval).
    Tick(DateTime<Utc>),
    /// Progress of a job of the sync task (the job it echoes back).
    SyncProgress(JobId, ProgressSnapshot),
    /// Progress of a chunk of background backfill (which `r` and the auto-refresh do not wait
    /// for: their sync runs before the next chunk).
    BackfillProgress(JobId, ProgressSnapshot),
    /// The client's recent requests, for the Status tab.
    RequestLog(Vec<crate::api::RequestRecord>),
    SyncNotice(String),
    /// Another topogy holds the sync lock (true) or let go of it (false).
    OtherSyncing(bool),
    /// A unit of data was stored; the views should reload soon.
    Stored,
    /// One need of a job ended.
    SyncFinished(JobId, SyncResult),
    /// A chunk of background backfill was stored.
    BackfillDone(JobId),
    /// A chunk of background backfill failed; the backfill stops until asked again.
    BackfillFailed(JobId, SyncResult),
    DataLoaded(Box<Dashboard>),
    LoadFailed(String),
    TimelineLoaded(Timeline),
    Exported(Result<PathBuf, String>),
}
