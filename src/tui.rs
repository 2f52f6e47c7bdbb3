//! The interactive dashboard: terminal lifecycle and the app loop (event → action → update →
//! render), with one background sync task and store reads off the UI task.

pub mod action;
pub mod clipboard;
pub mod keymap;
pub mod model;
pub mod mouse;
mod session;
pub mod ui;
pub mod update;
pub mod wizard;

use std::path::PathBuf;
use std::time::Duration as StdDuration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::api::ApiError;
use crate::config::Config;
use crate::context::{Endpoint, resolve_key};
use crate::credentials::storage::key_file_path;
use crate::credentials::{KeyError, SecretText, display_path};
use crate::exit::ExitCode;
use crate::metrics::Dashboard;
use crate::settings::Settings;
use crate::store::Store;
use crate::sync::{SyncError, SyncEvent};
use action::{Action, SyncResult, Timeline};
use model::{DateRange, Model};
use update::{Command, update};

/// How often time passes for the model (clock, debounced reloads, refresh interval) while
/// something on screen moves or is due soon ([`Model::wants_fine_ticks`]).
const TICK: StdDuration = StdDuration::from_millis(250);
/// How often it passes otherwise: the minute on screen and the refresh interval are still met
/// within a second, and an idle dashboard wakes four times less.
const IDLE_TICK: StdDuration = StdDuration::from_secs(1);

/// Set by the benchmarks (`benches/process.sh`) to a file name: right after drawing its first
/// frame the dashboard writes the wall-clock time (UNIX seconds) there and quits, so a whole
/// process's time to its first frame is measured from outside, from a cold start.
pub const FIRST_FRAME_ENV: &str = "TOPOGY_BENCH_FIRST_FRAME";

/// Runs the dashboard until the user quits; returns the exit status.
pub async fn run(settings: &Settings) -> ExitCode {
    let config = match Config::load(settings.paths.config_file.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("topogy: {e}");
            return ExitCode::Other;
        }
    };
    // Checked when the config was read; a refused override never reaches the screen.
    let keys = match keymap::KeyTable::with_overrides(&config.keys) {
        Ok(keys) => keys,
        Err(e) => {
            eprintln!("topogy: {e}");
            return ExitCode::Other;
        }
    };
    let endpoint = match Endpoint::open(settings).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("topogy: {e}");
            return e.exit_code();
        }
    };
    // No key yet is the normal first start: the wizard asks for one.
    let resolved = match resolve_key(settings) {
        Ok(r) => Some(r),
        Err(KeyError::Missing) => None,
        Err(e) => {
            eprintln!("topogy: {e}");
            return ExitCode::Other;
        }
    };
    let mut sessions = session::Sessions::new(settings, endpoint);
    let now = Utc::now();
    let mut model = Model::new(
        DateRange::preset(config.default_range, now.date_naive()),
        now,
    );
    model.refresh_every =
        chrono::Duration::minutes(i64::try_from(config.refresh_interval_minutes).unwrap_or(15));
    model.plan = config.plan;
    model.keys = keys;
    model.source = if sessions.is_demo() {
        "built-in simulator (--demo)".to_owned()
    } else {
        crate::api::mask_credentials(sessions.base_url())
    };
    model.requests_per_minute = settings.budget.requests_per_minute;
    model.export_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    model.key.demo = settings.demo;
    model.key.key_file = key_file_path(&settings.key_profile)
        .map(|p| display_path(&p))
        .unwrap_or_default();
    let connected = match resolved {
        Some(resolved) => match sessions.start(resolved.key, resolved.source) {
            Ok((connected, notice)) => {
                model.notices.extend(notice.map(|n| n.0));
                Some(connected)
            }
            Err(e) => {
                eprintln!("topogy: {e}");
                return e.exit_code();
            }
        },
        None => {
            model.wizard = Some(wizard::Wizard::first_run(
                settings.demo,
                model.key.key_file.clone(),
            ));
            None
        }
    };
    // The first frame comes from the store, before any request (of the organization the key
    // is known to reach; nothing for a key met for the first time).
    if let Ok(reader) = read_store(sessions.store()) {
        match Dashboard::load(&reader, model.range.from, model.range.to, now, None) {
            Ok(data) => {
                update(&mut model, Action::DataLoaded(Box::new(data)));
            }
            Err(e) => model.dashboard.failed(e.to_string()),
        }
    }
    let theme = ui::Theme::from_config(config.theme);
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::EnableBracketedPaste,
        crossterm::event::EnableMouseCapture
    );
    if let Ok(size) = terminal.size() {
        model.size = (size.width, size.height);
    }
    let result = event_loop(&mut terminal, model, connected, &mut sessions, &theme).await;
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::event::DisableBracketedPaste
    );
    ratatui::restore();
    // Keep the simulator alive until the very end.
    drop(sessions);
    match result {
        Ok(None) => ExitCode::Ok,
        Ok(Some(signal)) => {
            tracing::info!(signal, "ended by a signal; the terminal was restored");
            ExitCode::Signal(signal)
        }
        Err(e) => {
            eprintln!("topogy: {e}");
            ExitCode::Other
        }
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    mut model: Model,
    connected: Option<Action>,
    sessions: &mut session::Sessions,
    theme: &ui::Theme,
) -> std::io::Result<Option<i32>> {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Action>();
    let mut signals = crate::signals::Signals::listen();
    let mut events = EventStream::new();
    let mut period = TICK;
    let mut tick = tokio::time::interval(period);
    // A known key starts its session's first sync at once.
    if let Some(connected) = connected {
        run_commands(&mut model, connected, sessions, &done_tx);
    }
    // Idle means idle: a frame is drawn after an action that may change the model, and after
    // a tick only when time shows on screen (see `tick_changes_screen`).
    let mut redraw = true;
    let mut drawn_at = model.now;
    let first_frame_file = std::env::var_os(FIRST_FRAME_ENV).map(PathBuf::from);
    loop {
        if redraw {
            terminal.draw(|frame| ui::render(&model, theme, frame))?;
            drawn_at = model.now;
            if let Some(path) = &first_frame_file {
                let at = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                std::fs::write(path, format!("{:.6}\n", at.as_secs_f64()))?;
                return Ok(None);
            }
        }
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => keymap::action_for(&model, key),
                Some(Ok(Event::Resize(w, h))) => Some(Action::Resize(w, h)),
                Some(Ok(Event::Mouse(event))) => mouse::action_for(&model, event),
                // The whole paste at once: the wizard's key field takes it as one secret.
                Some(Ok(Event::Paste(text))) => Some(Action::Paste(SecretText::new(&text))),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            },
            // The terminal is restored by the caller, as after `q`.
            signal = signals.next() => return Ok(Some(signal)),
            Some(event) = sessions.next_event() => match event {
                // Only a headless caller asks to hear when the task is idle.
                SyncEvent::Idle => None,
                SyncEvent::Progress(job, p) => Some({
                    let _ = done_tx.send(Action::RequestLog(sessions.recent_requests()));
                    Action::SyncProgress(job, p)
                }),
                SyncEvent::BackfillProgress(job, p) => Some({
                    let _ = done_tx.send(Action::RequestLog(sessions.recent_requests()));
                    Action::BackfillProgress(job, p)
                }),
                SyncEvent::Notice(text) => Some(Action::SyncNotice(text)),
                SyncEvent::OtherSyncing(elsewhere) => Some(Action::OtherSyncing(elsewhere)),
                SyncEvent::Stored(_) => Some(Action::Stored),
                SyncEvent::Finished(job, result) => Some({
                    let _ = done_tx.send(Action::RequestLog(sessions.recent_requests()));
                    Action::SyncFinished(job, sync_result(result))
                }),
                // A backfill chunk that worked only adds days; one that failed says why.
                SyncEvent::BackfillFinished(job, Ok(_)) => Some(Action::BackfillDone(job)),
                SyncEvent::BackfillFinished(job, result) => {
                    Some(Action::BackfillFailed(job, sync_result(result)))
                }
                // The key's organization is known: its store is the one to show.
                SyncEvent::Organization(reached) => {
                    sessions.reached(reached.store);
                    Some(Action::Stored)
                }
            },
            Some(action) = done_rx.recv() => Some(action),
            _ = tick.tick() => Some(Action::Tick(Utc::now())),
        };
        redraw = match action {
            Some(Action::Tick(now)) => {
                let flash = model.flash.is_some();
                run_commands(&mut model, Action::Tick(now), sessions, &done_tx);
                tick_changes_screen(&model, drawn_at, flash)
            }
            Some(action) => {
                run_commands(&mut model, action, sessions, &done_tx);
                true
            }
            None => false,
        };
        if model.quit {
            return Ok(None);
        }
        let wanted = if model.wants_fine_ticks() {
            TICK
        } else {
            IDLE_TICK
        };
        if wanted != period {
            period = wanted;
            tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        }
    }
}

/// Whether a tick changed what is drawn: the wizard's spinner turns every tick, a flash
/// message expires, ages ("12m ago") and today's date change with the minute. Everything else
/// on screen changes only through other actions.
fn tick_changes_screen(model: &Model, drawn_at: chrono::DateTime<Utc>, flash_before: bool) -> bool {
    model.wizard.is_some()
        || model.flash.is_some() != flash_before
        || model.now.timestamp().div_euclid(60) != drawn_at.timestamp().div_euclid(60)
}

/// Applies an action and starts the work it asks for.
fn run_commands(
    model: &mut Model,
    action: Action,
    sessions: &mut session::Sessions,
    done: &mpsc::UnboundedSender<Action>,
) {
    let store = sessions.store().cloned();
    for command in update(model, action) {
        match command {
            Command::Sync(job, need) => sessions.request(job, need),
            Command::Backfill(job, need) => sessions.backfill(job, need),
            Command::Key(command) => sessions.run(command, done),
            Command::Load { from, to, coverage } => {
                let (done, path, now) = (done.clone(), store.clone(), model.now);
                tokio::task::spawn_blocking(move || {
                    let result = read_store(path.as_ref())
                        .and_then(|s| Dashboard::load(&s, from, to, now, coverage.as_ref()));
                    let _ = done.send(match result {
                        Ok(d) => Action::DataLoaded(Box::new(d)),
                        Err(e) => Action::LoadFailed(e.to_string()),
                    });
                });
            }
            Command::LoadTimeline { user_id, from, to } => {
                let (done, path) = (done.clone(), store.clone());
                tokio::task::spawn_blocking(move || {
                    let read = read_store(path.as_ref())
                        .and_then(|s| Timeline::read(&s, &user_id, from, to));
                    // An unreadable store shows as no stored days yet.
                    let timeline = read.unwrap_or(Timeline {
                        user_id,
                        days: Vec::new(),
                        cost: Vec::new(),
                    });
                    let _ = done.send(Action::TimelineLoaded(timeline));
                });
            }
            Command::Copy(text) => {
                use std::io::Write as _;
                let mut out = std::io::stdout();
                let _ = out
                    .write_all(&clipboard::osc52(&text))
                    .and_then(|()| out.flush());
            }
            Command::DoctorReport => sessions.doctor_report(done),
            Command::Write { path, bytes } => {
                let done = done.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::export::write_new_file(&path, &bytes);
                    let _ = done.send(Action::Exported(result));
                });
            }
        }
    }
}

/// A reader of `path`, or an empty store while the key's organization is not known.
fn read_store(
    location: Option<&crate::store::Location>,
) -> Result<Store, crate::store::StoreError> {
    match location {
        Some(location) => location.open_reader(),
        None => Store::open_in_memory(),
    }
}

/// Reduces a sync's end to what the screen shows.
pub fn sync_result(result: Result<crate::sync::SyncOutcome, SyncError>) -> SyncResult {
    match result {
        // Served from the store while the API was unreachable: the data stays, marked offline.
        Ok(outcome) if outcome.coverage.stale.is_some() => SyncResult::Offline {
            cause: outcome.coverage.stale.map(|s| s.cause).unwrap_or_default(),
        },
        Ok(outcome) => SyncResult::Done {
            requests: outcome.requests,
            coverage: outcome.coverage,
        },
        Err(SyncError::Api(e)) => match e {
            ApiError::Unreachable { .. } => SyncResult::Offline {
                cause: e.to_string(),
            },
            ApiError::KeyRejected { .. }
            | ApiError::MissingScope { .. }
            | ApiError::AccessDisabled { .. } => SyncResult::Rejected {
                cause: e.cause().to_owned(),
                fixes: e.fixes().into_iter().map(str::to_owned).collect(),
            },
            other => SyncResult::Failed {
                cause: other.to_string(),
            },
        },
        Err(other) => SyncResult::Failed {
            cause: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_idle_tick_draws_nothing_until_the_minute_turns() {
        let t = |s: i64| {
            Utc.timestamp_opt(1_800_000_000 + s, 0)
                .single()
                .unwrap_or_default()
        };
        let at = t(0);
        let mut model = Model::new(
            DateRange::preset(crate::metrics::RangePreset::default(), at.date_naive()),
            at,
        );
        model.now = t(10);
        assert!(!tick_changes_screen(&model, at, false));
        model.now = t(60);
        assert!(
            tick_changes_screen(&model, at, false),
            "ages change with the minute"
        );
        model.now = t(10);
        assert!(tick_changes_screen(&model, at, true), "a flash expired");
        model.wizard = Some(wizard::Wizard::first_run(true, String::new()));
        assert!(
            tick_changes_screen(&model, at, false),
            "the wizard's spinner turns"
        );
    }
}
