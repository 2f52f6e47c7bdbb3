//! `update`: applies one action to the model and says what background work to start.
//! Synchronous and free of I/O, so action sequences are tested without a terminal.

mod clipboard;
mod export;
mod lists;
mod range;

use clipboard::{copy, copy_report, report_ready};

use lists::{clamp_scroll, move_selection};
pub(crate) use range::{backfill_command, sync_commands};
use range::{backfill_failed, refresh, set_range, sync_finished, tick};
pub use range::{needs, parse_range};

use std::path::PathBuf;

use chrono::NaiveDate;

use super::action::{Action, Tab};
use super::model::{Connection, DateRange, JobId, Model, Overlay, PaneState};
use crate::metrics::PersonDays;
use crate::sync::{Coverage, Need};

/// Work `update` asks the app loop to do off the UI task.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Bring the store up to date for a need (the background sync task), as part of a job
    /// whose id the task's events carry back.
    Sync(JobId, Need),
    /// Fill the store with every day the API still serves, in the background.
    Backfill(JobId, Need),
    /// Recompute the dashboard's figures from the store.
    Load {
        from: NaiveDate,
        to: NaiveDate,
        coverage: Option<Coverage>,
    },
    /// Read one person's days for the detail view.
    LoadTimeline {
        user_id: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Run `topogy doctor`'s checks off the UI task; its report comes back as `ReportReady`.
    DoctorReport,
    /// Write an export file.
    Write { path: PathBuf, bytes: Vec<u8> },
    /// Verify, store or remove a key, or restart the sync session with one (the wizard).
    Key(super::wizard::KeyCommand),
}

/// How long a status-bar message stays.
const FLASH_SECONDS: i64 = 6;
/// Stored data is re-read at most this often while a sync is writing.
const RELOAD_EVERY_MS: i64 = 1000;

/// Rows of the Developers table that fit on screen: the height less the tab bar, the status
/// bar, the pane's two borders, the table header and the pane's footer line.
pub fn table_height(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(6)).max(1)
}

/// Applies `action`; returns the background work it calls for.
pub fn update(model: &mut Model, action: Action) -> Vec<Command> {
    if super::wizard::takes(model, &action) {
        return super::wizard::update(model, action);
    }
    match action {
        Action::Quit => model.quit = true,
        Action::NextTab => model.tab = Tab::ALL[(model.tab.index() + 1) % Tab::ALL.len()],
        Action::PrevTab => {
            model.tab = Tab::ALL[(model.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()];
        }
        Action::GoTab(tab) => {
            model.tab = tab;
            model.overlay = None;
        }
        Action::ToggleHelp => {
            model.overlay = match model.overlay {
                Some(Overlay::Help) => None,
                _ => Some(Overlay::Help),
            };
        }
        Action::ToggleMessages => {
            model.overlay = match model.overlay {
                Some(Overlay::Messages { .. }) => None,
                _ => Some(Overlay::Messages { scroll: 0 }),
            };
        }
        Action::Up => move_selection(model, -1),
        Action::Down => move_selection(model, 1),
        Action::PageUp => move_selection(model, -(table_height(model.size) as isize)),
        Action::PageDown => move_selection(model, table_height(model.size) as isize),
        Action::Top => move_selection(model, isize::MIN / 2),
        Action::Select(index) => {
            let by = index as isize - model.developers.selected() as isize;
            move_selection(model, by);
        }
        Action::Copy => return copy(model),
        Action::CopyReport => return copy_report(model),
        Action::ReportReady(report) => return report_ready(model, report),
        Action::Bottom => move_selection(model, isize::MAX / 2),
        Action::StartFilter => {
            if model.tab == Tab::Developers && model.overlay.is_none() {
                model.developers.filtering = true;
            }
        }
        Action::Input(c) => return input(model, Some(c)),
        Action::Paste(text) => {
            for c in text.expose().chars().filter(|c| !c.is_control()) {
                input(model, Some(c));
            }
        }
        // The wizard takes these (see `wizard::takes`).
        Action::OpenWizard | Action::Wizard(_) => {}
        Action::Backspace => return input(model, None),
        Action::Confirm => return confirm(model),
        Action::Back => back(model),
        Action::SortNext | Action::SortReverse if model.tab == Tab::Developers => {
            if action == Action::SortNext {
                let table_width = model.size.0.saturating_sub(2);
                let (numbers, _, _) =
                    crate::tui::ui::developers::columns(&model.developers, table_width);
                let shown: Vec<_> = std::iter::once(super::model::SortColumn::Email)
                    .chain(numbers)
                    .collect();
                model.developers.sort = model.developers.sort.next(&shown);
                model.developers.descending =
                    model.developers.sort != super::model::SortColumn::Email;
            } else {
                model.developers.descending = !model.developers.descending;
            }
            rebuild(model);
        }
        Action::SortNext | Action::SortReverse => {}
        Action::ToggleColumns if model.tab == Tab::Developers => {
            let table = &mut model.developers;
            table.more_columns = !table.more_columns;
            // A hidden column sorts nothing: back to the default order.
            if !table.sort.shown(table.more_columns) {
                table.sort = super::model::SortColumn::Cost;
                table.descending = true;
                rebuild(model);
            }
        }
        Action::ToggleColumns => {}
        Action::Refresh => return refresh(model),
        Action::OpenRangePicker => {
            model.overlay = Some(Overlay::RangePicker {
                custom: None,
                error: None,
            });
        }
        Action::PickRange(preset) => {
            let range = DateRange::preset(preset, model.now.date_naive());
            return set_range(model, range);
        }
        Action::CustomRange => {
            if let Some(Overlay::RangePicker { custom, error }) = &mut model.overlay {
                *custom = Some(String::new());
                *error = None;
            }
        }
        Action::Export => return export::export(model),
        Action::Resize(w, h) => {
            model.size = (w, h);
            clamp_scroll(model);
        }
        Action::Tick(now) => return tick(model, now),
        Action::SyncProgress(job, p) => {
            // A superseded job's requests were made all the same: the counts stay true.
            model.sync.progressed(job);
            model.sync.report(p, model.now);
        }
        Action::BackfillProgress(job, p) => {
            model.sync.backfill_progressed(job);
            model.sync.report(p, model.now);
        }
        Action::RequestLog(requests) => {
            // An answer from the API is a definite answer: no longer "connecting".
            let answered = requests
                .iter()
                .any(|r| r.status.is_some_and(|s| (200..300).contains(&s)));
            if answered && model.connection == Connection::Starting {
                model.connection = Connection::Online;
            }
            model.requests = requests;
        }
        Action::SyncNotice(text) => {
            model.log(text.clone(), false);
            model.notices.push(text);
            if model.notices.len() > 5 {
                model.notices.remove(0);
            }
        }
        Action::OtherSyncing(elsewhere) => model.sync.elsewhere = elsewhere,
        Action::BackfillFailed(_, result) => return backfill_failed(model, result),
        Action::BackfillDone(job) => {
            model.sync.backfill_chunk_done(job);
            model.sync.wait_over();
            model.reload.stored();
        }
        Action::Stored => {
            model.reload.stored();
            // An open timeline picks up its person's days as they arrive.
            if let Some(Overlay::Detail { user_id, .. }) = &model.overlay {
                return vec![Command::LoadTimeline {
                    user_id: user_id.clone(),
                    from: model.range.from,
                    to: model.range.to,
                }];
            }
        }
        Action::SyncFinished(job, result) => return sync_finished(model, job, result),
        Action::DataLoaded(data) => {
            if data.from == model.range.from && data.to == model.range.to {
                model.figures = crate::metrics::Figures::of(&data);
                model.dashboard.loaded(data, model.now);
                model.reload.answered(model.now);
                rebuild(model);
            }
        }
        Action::LoadFailed(message) => {
            model.log(format!("reading the store failed: {message}"), true);
            model.dashboard.failed(message);
        }
        Action::TimelineLoaded(timeline) => {
            if let Some(Overlay::Detail {
                user_id,
                timeline: pane,
            }) = &mut model.overlay
                && *user_id == timeline.user_id
            {
                let (from, to) = (model.range.from, model.range.to);
                let days = PersonDays::assemble(&timeline.days, &timeline.cost, from, to);
                pane.loaded(days, model.now);
            }
        }
        Action::Exported(result) => {
            let text = match result {
                Ok(path) => format!("exported to {}", path.display()),
                Err(e) => format!("export failed: {e}"),
            };
            model.say(text);
        }
    }
    Vec::new()
}

fn rebuild(model: &mut Model) {
    let people = model
        .dashboard
        .data()
        .map_or(&[][..], |d| d.developers.as_slice());
    model.developers.rebuild(people);
    clamp_scroll(model);
}

fn input(model: &mut Model, c: Option<char>) -> Vec<Command> {
    if let Some(Overlay::RangePicker {
        custom: Some(text), ..
    }) = &mut model.overlay
    {
        match c {
            Some(c) => text.push(c),
            None => {
                text.pop();
            }
        }
    } else if model.developers.filtering {
        match c {
            Some(c) => model.developers.filter.push(c),
            None => {
                model.developers.filter.pop();
            }
        }
        // The highlighted person stays highlighted while they still match.
        rebuild(model);
    }
    Vec::new()
}

fn confirm(model: &mut Model) -> Vec<Command> {
    if let Some(Overlay::RangePicker {
        custom: Some(text),
        error,
    }) = &mut model.overlay
    {
        return match parse_range(text, model.now.date_naive()) {
            Ok(range) => set_range(model, range),
            Err(e) => {
                *error = Some(e);
                Vec::new()
            }
        };
    }
    if model.developers.filtering {
        model.developers.filtering = false;
        return Vec::new();
    }
    let person = match model.tab {
        _ if model.overlay.is_some() => None,
        Tab::Developers => model.selected_developer(),
        Tab::Cost => model.cost_ranking().get(model.lists.cost_people).copied(),
        _ => None,
    };
    if let Some(person) = person {
        let user_id = person.user_id.clone();
        model.lists.timeline = 0;
        model.overlay = Some(Overlay::Detail {
            user_id: user_id.clone(),
            timeline: PaneState::Loading { last_good: None },
        });
        let mut commands = vec![Command::LoadTimeline {
            user_id: user_id.clone(),
            from: model.range.from,
            to: model.range.to,
        }];
        // Cost per day per person is fetched on demand: one small request per month.
        if !matches!(model.connection, Connection::Rejected { .. }) {
            commands.push(Command::Sync(
                model.sync.start_person(),
                Need::person(&user_id, model.range.from, model.range.to),
            ));
        }
        return commands;
    }
    Vec::new()
}

fn back(model: &mut Model) {
    if model.developers.filtering {
        model.developers.filtering = false;
        model.developers.filter.clear();
        rebuild(model);
    } else if let Some(Overlay::RangePicker {
        custom: custom @ Some(_),
        ..
    }) = &mut model.overlay
    {
        *custom = None;
    } else if model.overlay.is_some() {
        model.overlay = None;
    } else if model.tab == Tab::Developers && !model.developers.filter.is_empty() {
        // A kept filter: Esc clears it, as the table's hint says.
        model.developers.filter.clear();
        rebuild(model);
    }
}

/// Re-reads the current range from the store.
pub fn load_command(model: &Model) -> Command {
    Command::Load {
        from: model.range.from,
        to: model.range.to,
        coverage: model.coverage.clone(),
    }
}
