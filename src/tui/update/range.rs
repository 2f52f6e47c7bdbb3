//! The date range and keeping it current: parsing a custom range, the needs of a range, the
//! background backfill, `r`, progress, what a finished sync leaves, and time passing (the
//! debounced reloads and the refresh interval).

use chrono::{Duration, NaiveDate};

use super::{Command, FLASH_SECONDS, RELOAD_EVERY_MS, load_command};
use crate::sync::Need;
use crate::tui::action::SyncResult;
use crate::tui::model::{Connection, DateRange, JobId, Model};

/// Parses `YYYY-MM-DD..YYYY-MM-DD` (or two dates separated by a space), inclusive.
pub fn parse_range(text: &str, today: NaiveDate) -> Result<DateRange, String> {
    let parts: Vec<&str> = text
        .split([' ', '.', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [from, to] = parts.as_slice() else {
        return Err("type two dates: YYYY-MM-DD..YYYY-MM-DD".to_owned());
    };
    let parse = |s: &str| {
        s.parse::<NaiveDate>()
            .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
    };
    let (from, to) = (parse(from)?, parse(to)?);
    if from > to {
        return Err("the first date must not be after the second".to_owned());
    }
    if to > today {
        return Err(format!("{to} is in the future (today is {today} UTC)"));
    }
    Ok(DateRange {
        from,
        to,
        label: "custom".to_owned(),
    })
}

pub(super) fn set_range(model: &mut Model, range: DateRange) -> Vec<Command> {
    model.overlay = None;
    if range == model.range {
        return Vec::new();
    }
    model.range = range;
    model.coverage = None;
    model.dashboard.loading();
    let mut commands = vec![Command::Load {
        from: model.range.from,
        to: model.range.to,
        coverage: None,
    }];
    commands.extend(sync_commands(model));
    commands
}

/// The needs of the current range (see [`Need::for_range`]).
pub fn needs(range: &DateRange, today: NaiveDate) -> Vec<Need> {
    Need::for_range(range.from, range.to, today)
}

/// History accumulates: every day the API still serves (the sync finds how far back that is)
/// is fetched in the background once, then kept, so the store holds what the API has forgotten.
pub(crate) fn backfill_command(model: &mut Model) -> Option<Command> {
    if matches!(model.connection, Connection::Rejected { .. }) {
        return None;
    }
    let today = model.now.date_naive();
    Some(Command::Backfill(
        model.sync.start_backfill(),
        Need::backfill(crate::sync::API_FLOOR, today),
    ))
}

/// The syncs of the current range; before any answer (at start, after a new key or a
/// re-test) the first one proves the key with a request even when the store is complete.
pub(crate) fn sync_commands(model: &mut Model) -> Vec<Command> {
    let check = model.connection == Connection::Starting;
    checked_sync_commands(model, check)
}

fn checked_sync_commands(model: &mut Model, check_key: bool) -> Vec<Command> {
    if matches!(model.connection, Connection::Rejected { .. }) {
        return Vec::new();
    }
    let mut needs = needs(&model.range, model.now.date_naive());
    if let Some(first) = needs.first_mut() {
        first.check_key = check_key;
    }
    let job = model.sync.start_refresh(needs.len());
    needs
        .into_iter()
        .map(|need| Command::Sync(job, need))
        .collect()
}

pub(super) fn refresh(model: &mut Model) -> Vec<Command> {
    // A refresh already running will answer; the state shown stays what is known.
    if model.sync.refresh.is_running() {
        model.say("a refresh is already running".to_owned());
        return Vec::new();
    }
    // After a rejection, `r` is the re-test: try again with the same key.
    if matches!(model.connection, Connection::Rejected { .. }) {
        model.connection = Connection::Starting;
    }
    // `r` asks the API, so what the status bar says next is a real answer.
    checked_sync_commands(model, true)
}

/// A need of a job ended. The answer of a job superseded since (the range changed while it
/// ran) is ignored: its coverage is another range's, and the job running now is not over.
pub(super) fn sync_finished(model: &mut Model, job: JobId, result: SyncResult) -> Vec<Command> {
    if !model.sync.finished(job) {
        return Vec::new();
    }
    ended(model, result)
}

/// A chunk of backfill failed (the key refused, the API gone): the backfill has stopped; a
/// refresh running beside it still runs.
pub(super) fn backfill_failed(model: &mut Model, result: SyncResult) -> Vec<Command> {
    model.sync.backfill_failed();
    ended(model, result)
}

/// Work ended: the connection state it proves, its failure kept in the message log, and a
/// reload of what it stored.
fn ended(model: &mut Model, result: SyncResult) -> Vec<Command> {
    model.sync.elsewhere = false;
    model.sync.wait_over();
    // What was planned and not needed (a page that did not come, a retry not taken) is
    // dropped: a finished sync never reads "37 done / 38 planned".
    model.sync.progress.planned = model.sync.progress.done;
    model.connection = match &result {
        SyncResult::Done { coverage, .. } => {
            // A coverage from the month-to-date need does not describe the range's people.
            if !coverage.engagement.is_empty() {
                model.coverage = Some(coverage.clone());
            }
            Connection::Online
        }
        SyncResult::Offline { cause } => Connection::Offline {
            cause: cause.clone(),
        },
        SyncResult::Rejected { cause, fixes } => Connection::Rejected {
            cause: cause.clone(),
            fixes: fixes.clone(),
        },
        // A definite answer: the problem stays on the status bar until a sync works.
        SyncResult::Failed { cause } => Connection::Failed {
            cause: cause.clone(),
        },
    };
    match &result {
        SyncResult::Done { .. } => {}
        SyncResult::Offline { cause } => model.log(format!("offline: {cause}"), true),
        SyncResult::Rejected { cause, fixes } => {
            let fixes: Vec<String> = fixes
                .iter()
                .enumerate()
                .map(|(i, fix)| format!(" {}. {fix}", i + 1))
                .collect();
            model.log(format!("key refused: {cause}{}", fixes.concat()), true);
        }
        SyncResult::Failed { cause } => model.log(format!("refresh failed: {cause}"), true),
    }
    model.last_sync = Some((model.now, result));
    model.reload.asked(model.now);
    vec![load_command(model)]
}

pub(super) fn tick(model: &mut Model, now: chrono::DateTime<chrono::Utc>) -> Vec<Command> {
    model.now = now;
    if model
        .flash
        .as_ref()
        .is_some_and(|(_, at)| now - *at > Duration::seconds(FLASH_SECONDS))
    {
        model.flash = None;
    }
    let mut commands = Vec::new();
    if model
        .reload
        .due(now, Duration::milliseconds(RELOAD_EVERY_MS))
    {
        model.reload.asked(now);
        commands.push(load_command(model));
    }
    let due = model
        .last_sync
        .as_ref()
        .is_some_and(|(at, _)| now - *at >= model.refresh_every);
    // A running backfill does not hold the refresh back; it is not asked for twice.
    if due && !model.sync.refresh.is_running() {
        commands.extend(sync_commands(model));
        if !model.sync.backfill.is_running() {
            commands.extend(backfill_command(model));
        }
    }
    commands
}
