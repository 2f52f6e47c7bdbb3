//! `topogy collect`: the dashboard's sync task without a screen, run in rounds on a schedule so
//! a store stays current for everyone who reads it; optionally its figures for Prometheus.

mod openmetrics;
mod serve;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use tracing::{info, warn};

pub use openmetrics::{CONTENT_TYPE, Scrape, render};
pub use serve::Exposed;

use crate::config::Config;
use crate::context::Context;
use crate::exit::ExitCode;
use crate::metrics::preset_range;
use crate::settings::Settings;
use crate::signals::Signals;
use crate::sync::{API_FLOOR, JobId, Need, SyncError, SyncEvent, SyncOptions, SyncTask};

/// How the collector runs: its rounds, its log, and what it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectOptions {
    /// Time between rounds.
    pub every: Duration,
    /// The oldest day to keep; `None`: every day the API still serves.
    pub since: Option<NaiveDate>,
    /// One round, then exit.
    pub once: bool,
    /// Append the log here instead of standard error.
    pub log_file: Option<PathBuf>,
    /// Serve OpenMetrics at this address.
    pub metrics: Option<SocketAddr>,
    /// Also expose per-person figures (personal data).
    pub metrics_per_person: bool,
}

/// Logs to standard error, or appends to `--log-file`.
pub fn init_logging(args: &CollectOptions) -> Result<(), String> {
    match &args.log_file {
        Some(path) => crate::logging::init_file(path)
            .map_err(|e| format!("cannot write the log file {}: {e}", path.display())),
        None => {
            crate::logging::init_stderr();
            Ok(())
        }
    }
}

/// How one round ended.
struct Round {
    /// Requests the round made (attempts, retries included).
    requests: u64,
    /// The exit status of its first failure; `Ok` when it worked.
    exit_code: ExitCode,
}

/// Runs `topogy collect` until a signal (or after one round with `--once`); returns the exit
/// status: 0 after SIGTERM/SIGINT/SIGHUP, or `--once`'s round as `export` would report it.
pub async fn run(settings: &Settings, args: &CollectOptions) -> ExitCode {
    // Listening from the start: a signal during setup ends the collector in order too.
    let mut signals = Signals::listen();
    let fatal = |message: String, code: ExitCode| {
        tracing::error!("{message}");
        if args.log_file.is_some() {
            eprintln!("topogy: {message}");
        }
        code
    };
    let config = Config::load(settings.paths.config_file.as_deref()).unwrap_or_else(|e| {
        warn!("{e}; using the default range");
        Config::default()
    });
    let context = match Context::open(settings, SyncOptions::default()).await {
        Ok(c) => c,
        Err(e) => return fatal(e.to_string(), e.exit_code()),
    };
    if let Some(notice) = &context.store_notice {
        info!("{}", notice.0);
    }
    let exposed = Arc::new(Exposed {
        client: context.syncer.client().clone(),
        store: Mutex::new(context.syncer.store().location().cloned()),
        last_success: Mutex::new(None),
        range: config.default_range,
        per_person: args.metrics_per_person,
    });
    if let Some(addr) = args.metrics {
        match serve::start(addr, Arc::clone(&exposed)).await {
            Ok(bound) => info!("serving OpenMetrics at http://{bound}/metrics"),
            Err(e) => {
                return fatal(
                    format!("cannot serve metrics on {addr}: {e}"),
                    ExitCode::Other,
                );
            }
        }
    }
    // Under `--demo` the simulator lives as long as the collector.
    let _simulator = context.simulator;
    let mut task = SyncTask::spawn(context.syncer);
    info!(every = ?args.every, once = args.once, "collecting");
    let code = loop {
        let round = tokio::select! {
            round = round(&mut task, &exposed, args) => round,
            signal = signals.next() => break stopped(signal),
        };
        info!(
            requests = round.requests,
            exit_code = round.exit_code.code(),
            "round ended"
        );
        if round.exit_code == ExitCode::Ok
            && let Ok(mut last) = exposed.last_success.lock()
        {
            *last = Some(Utc::now());
        }
        if args.once {
            break round.exit_code;
        }
        tokio::select! {
            () = tokio::time::sleep(args.every) => {}
            signal = signals.next() => break stopped(signal),
        }
    };
    task.abort().await;
    code
}

/// A signal ends the collector with status 0: the request in flight is abandoned, and every
/// day and window written so far was written whole.
fn stopped(signal: i32) -> ExitCode {
    info!(
        signal,
        "stopping on a signal; the store keeps every day and window written whole"
    );
    ExitCode::Ok
}

/// One round: what the dashboard opens with (so a viewer starts warm), then the history from
/// `--since` (or as far back as the API serves) as background backfill, within its share of
/// the budget; ends when the task is idle.
async fn round(task: &mut SyncTask, exposed: &Exposed, args: &CollectOptions) -> Round {
    let today = Utc::now().date_naive();
    let (from, to) = preset_range(exposed.range, today);
    let before = exposed.client.subscribe_progress().borrow().done;
    let mut failures: Vec<SyncError> = Vec::new();
    let mut offline = false;
    let asked = Need::for_range(from, to, today)
        .into_iter()
        .try_for_each(|need| task.request(JobId::default(), need))
        .and_then(|()| {
            task.backfill(
                JobId::default(),
                Need::backfill(args.since.unwrap_or(API_FLOOR), today),
            )
        })
        .and_then(|()| task.notify_when_idle());
    if let Err(e) = &asked {
        failures.push(SyncError::Stopped);
        warn!("{e}");
    }
    let mut listening = asked.is_ok();
    while listening {
        let Some(event) = task.events.recv().await else {
            failures.push(SyncError::Stopped);
            break;
        };
        match event {
            SyncEvent::Idle => listening = false,
            SyncEvent::Finished(_, Err(e)) | SyncEvent::BackfillFinished(_, Err(e)) => {
                warn!("{e}");
                failures.push(e);
            }
            SyncEvent::Finished(_, Ok(outcome)) | SyncEvent::BackfillFinished(_, Ok(outcome)) => {
                if let Some(stale) = &outcome.coverage.stale {
                    warn!("{}", stale.note(Utc::now()));
                    offline = true;
                }
            }
            SyncEvent::Notice(text) => info!("{text}"),
            SyncEvent::Organization(reached) => {
                info!(organization = %reached.organization, store = %reached.store, "the key reaches this organization");
                if let Ok(mut store) = exposed.store.lock() {
                    *store = Some(reached.store);
                }
            }
            SyncEvent::Progress(..)
            | SyncEvent::BackfillProgress(..)
            | SyncEvent::Stored(_)
            | SyncEvent::OtherSyncing(_) => {}
        }
    }
    let after = exposed.client.subscribe_progress().borrow().done;
    let exit_code = match failures.first() {
        Some(e) => e.exit_code(),
        // Served from the store because the API could not be reached: not current.
        None if offline => ExitCode::Unreachable,
        None => ExitCode::Ok,
    };
    Round {
        requests: after.saturating_sub(before),
        exit_code,
    }
}
