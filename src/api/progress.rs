//! What the client is doing, published for progress bars, the status bar and the status pane:
//! attempts done and planned, in flight, retries, and the soonest wait with its reason.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

/// Why the client is currently not sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// The per-window request budget is spent; waiting for the oldest request to age out.
    Budget,
    /// The server answered 429 with `retry-after` (or a 429 pushed the budget back).
    RetryAfter,
    /// Exponential backoff before retrying a failed attempt.
    Backoff,
}

/// What the client is doing, for progress bars and the status pane.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProgressSnapshot {
    /// Attempts finished (any outcome).
    pub done: u64,
    /// Attempts expected: what callers planned plus extra pages, restarts and retries.
    pub planned: u64,
    /// Attempts on the wire right now.
    pub in_flight: u64,
    /// Retries so far.
    pub retries: u64,
    /// Answers that were 429 (rate limited) so far.
    pub rate_limited: u64,
    /// Remaining time of the soonest wait in progress as of this snapshot (it is republished
    /// whenever a wait starts or ends, not every tick); `None` when nobody is waiting.
    pub waiting: Option<Duration>,
    pub waiting_reason: Option<WaitReason>,
    /// Status of the most recent answer.
    pub last_status: Option<u16>,
}

impl ProgressSnapshot {
    /// The current wait in words, for progress lines and the status bar: empty when nothing
    /// waits.
    pub fn wait_text(&self) -> String {
        match (self.waiting, self.waiting_reason) {
            (Some(wait), Some(reason)) => {
                let why = match reason {
                    WaitReason::Budget => "for the request budget",
                    WaitReason::RetryAfter => "as the API asked (rate limited)",
                    WaitReason::Backoff => "before retrying",
                };
                format!("(waiting {}s {why})", wait.as_secs_f32().ceil())
            }
            _ => String::new(),
        }
    }
}

/// Shared progress, published on a watch channel.
pub(crate) struct Progress {
    tx: watch::Sender<ProgressSnapshot>,
    waits: Mutex<BTreeMap<u64, (Instant, WaitReason)>>,
    next_wait: AtomicU64,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Self {
            tx: watch::Sender::new(ProgressSnapshot::default()),
            waits: Mutex::new(BTreeMap::new()),
            next_wait: AtomicU64::new(0),
        }
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<ProgressSnapshot> {
        self.tx.subscribe()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut ProgressSnapshot)) {
        self.tx.send_modify(f);
    }

    pub(crate) fn add_planned(&self, n: u64) {
        self.update(|p| p.planned += n);
    }

    /// Marks an attempt as started; the guard records it finished when dropped, even if the
    /// caller's future is cancelled mid-request.
    pub(crate) fn start_attempt(&self) -> AttemptGuard<'_> {
        self.update(|p| p.in_flight += 1);
        AttemptGuard {
            progress: self,
            status: None,
        }
    }

    /// Announces a wait until `deadline`; cleared when the guard drops.
    pub(crate) fn wait(&self, deadline: Instant, reason: WaitReason) -> WaitGuard<'_> {
        let id = self.next_wait.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut waits) = self.waits.lock() {
            waits.insert(id, (deadline, reason));
        }
        self.publish_waits();
        WaitGuard { progress: self, id }
    }

    fn publish_waits(&self) {
        let soonest = self.waits.lock().ok().and_then(|w| {
            w.values()
                .min_by_key(|(deadline, _)| *deadline)
                .map(|(d, r)| (d.saturating_duration_since(Instant::now()), *r))
        });
        self.update(|p| {
            p.waiting = soonest.map(|(d, _)| d);
            p.waiting_reason = soonest.map(|(_, r)| r);
        });
    }
}

/// See [`Progress::start_attempt`].
pub(crate) struct AttemptGuard<'a> {
    progress: &'a Progress,
    status: Option<u16>,
}

impl AttemptGuard<'_> {
    pub(crate) fn set_status(&mut self, status: u16) {
        self.status = Some(status);
    }
}

impl Drop for AttemptGuard<'_> {
    fn drop(&mut self) {
        let status = self.status;
        self.progress.update(|p| {
            p.in_flight = p.in_flight.saturating_sub(1);
            p.done += 1;
            if status.is_some() {
                p.last_status = status;
            }
            if status == Some(429) {
                p.rate_limited += 1;
            }
        });
    }
}

/// See [`Progress::wait`].
pub(crate) struct WaitGuard<'a> {
    progress: &'a Progress,
    id: u64,
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut waits) = self.progress.waits.lock() {
            waits.remove(&self.id);
        }
        self.progress.publish_waits();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_429_answer_is_counted_and_nothing_else() {
        let progress = Progress::new();
        for status in [200, 429, 503, 429] {
            progress.start_attempt().set_status(status);
        }
        // An attempt without an answer (a timeout) is no 429.
        drop(progress.start_attempt());
        let snapshot = progress.subscribe().borrow().clone();
        assert_eq!((snapshot.done, snapshot.rate_limited), (5, 2));
    }
}
