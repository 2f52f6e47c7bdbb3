//! The request budget (sliding window + concurrency), retry backoff, and published progress.
//!
//! The Analytics API allows ~60 requests a minute per organization, shared by every key and
//! tool. The budget counts every attempt (retries and 429s included) when it starts, and never
//! lets more than `requests_per_window` start within any `window`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::Rng;

use super::ledger::{SharedBudget, Verdict};
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

/// Sliding-window request budget shared by every clone of a client and, through a
/// [`SharedBudget`] ledger, by every topogy process of the profile.
pub(crate) struct Budget {
    limit: usize,
    shared: Option<SharedBudget>,
    /// The window plus a small safety margin, so that arrival jitter at the server cannot
    /// squeeze one request too many into a window the server measures.
    span: Duration,
    state: Mutex<BudgetState>,
}

#[derive(Default)]
struct BudgetState {
    starts: VecDeque<Instant>,
    blocked_until: Option<Instant>,
}

impl Budget {
    pub(crate) fn new(
        requests_per_window: u32,
        window: Duration,
        shared: Option<SharedBudget>,
    ) -> Self {
        let margin = (window / 20).min(Duration::from_millis(250));
        Self {
            limit: usize::try_from(requests_per_window.max(1)).unwrap_or(usize::MAX),
            shared,
            span: window + margin,
            state: Mutex::new(BudgetState::default()),
        }
    }

    /// Waits until one more request may start, then records that it started.
    pub(crate) async fn acquire(&self, progress: &Progress) {
        loop {
            let (deadline, reason) = match self.try_take() {
                None => return,
                Some(wait) => wait,
            };
            let _announced = progress.wait(deadline, reason);
            tokio::time::sleep_until(deadline).await;
        }
    }

    /// Takes a slot now, or says until when (and why) to wait.
    fn try_take(&self) -> Option<(Instant, WaitReason)> {
        let now = Instant::now();
        let Ok(mut state) = self.state.lock() else {
            // A poisoned lock means another task panicked mid-update; sending anyway is
            // safer than deadlocking every sync.
            return None;
        };
        if let Some(until) = state.blocked_until {
            if until > now {
                return Some((until, WaitReason::RetryAfter));
            }
            state.blocked_until = None;
        }
        while state.starts.front().is_some_and(|t| *t + self.span <= now) {
            state.starts.pop_front();
        }
        if state.starts.len() >= self.limit {
            return state
                .starts
                .front()
                .map(|oldest| (*oldest + self.span, WaitReason::Budget));
        }
        // Room in this process: the organization's other topogy processes count too. A
        // ledger that cannot be read does not stop the work (this process still paces itself).
        if let Some(shared) = &self.shared {
            match shared.take(self.limit, self.span) {
                Ok(Verdict::Go) => {}
                Ok(Verdict::Wait { for_, rate_limited }) => {
                    let reason = if rate_limited {
                        WaitReason::RetryAfter
                    } else {
                        WaitReason::Budget
                    };
                    return Some((now + for_, reason));
                }
                Err(e) => tracing::warn!(error = %e, "shared request budget unreadable"),
            }
        }
        state.starts.push_back(now);
        None
    }

    /// How many requests started within the current window (by any process of the profile,
    /// when the budget is shared).
    pub(crate) fn in_use(&self) -> usize {
        let now = Instant::now();
        let own = self.state.lock().map_or(0, |state| {
            state
                .starts
                .iter()
                .filter(|t| **t + self.span > now)
                .count()
        });
        let all = self.shared.as_ref().map_or(0, |s| s.in_use(self.span));
        own.max(all)
    }

    /// After a 429, no request of this client (nor of the other processes sharing its
    /// budget) starts before `until`.
    pub(crate) fn block_until(&self, until: Instant) {
        if let Ok(mut state) = self.state.lock() {
            state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
        }
        if let Some(shared) = &self.shared
            && let Err(e) = shared.hold(until.saturating_duration_since(Instant::now()))
        {
            tracing::warn!(error = %e, "could not share a rate-limit pause");
        }
    }
}

/// Full-jitter exponential backoff: a random delay in `[0, min(cap, base·2^attempt)]`.
pub(crate) fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempt.min(31));
    let ceiling = base.saturating_mul(factor).min(cap);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=ceiling_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_within_the_jitter_ceiling() {
        let base = Duration::from_millis(500);
        let cap = Duration::from_secs(30);
        for attempt in 0..40 {
            let ceiling = base
                .saturating_mul(2u32.saturating_pow(attempt.min(31)))
                .min(cap);
            for _ in 0..20 {
                assert!(backoff(attempt, base, cap) <= ceiling);
            }
        }
    }

    #[tokio::test]
    async fn budget_never_admits_more_than_the_limit_per_window() {
        let window = Duration::from_millis(100);
        let budget = Budget::new(3, window, None);
        let progress = Progress::new();
        let origin = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..10 {
            budget.acquire(&progress).await;
            starts.push(Instant::now() - origin);
        }
        for (i, s) in starts.iter().enumerate() {
            let in_window = starts[i..].iter().filter(|t| **t < *s + window).count();
            assert!(in_window <= 3, "{starts:?}");
        }
        assert_eq!(progress.subscribe().borrow().waiting, None);
    }
}
