//! The request budget (sliding window, spacing, background share) and retry backoff.
//!
//! The Analytics API allows ~60 requests a minute per organization, shared by every key and
//! tool. The budget counts every attempt (retries and 429s included) when it starts, never
//! lets more than `requests_per_window` start within any `window`, and spreads them over the
//! window (one per `window / requests_per_window`, after a small burst) so that the
//! organization's other tools always find room. Background work (see [`in_background`]) keeps
//! to its share of the limit; a 429 that this budget did not expect (someone else is using
//! the limit) halves the pace for a window at a time.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;

use super::ledger::{SharedBudget, Verdict};
use super::progress::Progress;
pub use super::progress::WaitReason;
use tokio::time::Instant;

/// Who is waiting for a request: a person looking at a screen, or work nobody waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// What a screen or a command needs now: the whole limit, paced.
    Foreground,
    /// Backfill: at most the background share of the limit, no burst.
    Background,
}

tokio::task_local! {
    static PRIORITY: Priority;
}

/// Runs `work` with every request it makes counted as background work: it keeps to the
/// background share of the budget, leaving the rest to screens and the organization's other
/// tools.
pub async fn in_background<F: std::future::Future>(work: F) -> F::Output {
    PRIORITY.scope(Priority::Background, work).await
}

fn current_priority() -> Priority {
    PRIORITY.try_with(|p| *p).unwrap_or(Priority::Foreground)
}

/// Requests that may start at once after a quiet spell, before the spacing applies: a
/// screen's first few requests go together, the rest one per `window / limit`.
const BURST: u32 = 4;
/// The most halvings of the pace after 429s that this budget did not expect.
const MAX_SLOWDOWN: u32 = 3;

/// Sliding-window request budget shared by every clone of a client and, through a
/// [`SharedBudget`] ledger, by every topogy process of the profile.
pub(crate) struct Budget {
    limit: usize,
    /// How many of `limit` background work may use per window.
    background_limit: usize,
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
    /// When the next start keeps the spacing (the theoretical arrival time of a cell-rate
    /// limiter): a start is allowed up to the burst allowance before it.
    next_due: Option<Instant>,
    /// Halvings of the pace: one per 429 this budget did not expect, one fewer per window
    /// without one.
    slowdown: u32,
    slowdown_since: Option<Instant>,
}

impl Budget {
    /// `background_percent` of `requests_per_window` is what background work may use.
    pub(crate) fn new(
        requests_per_window: u32,
        window: Duration,
        background_percent: u32,
        shared: Option<SharedBudget>,
    ) -> Self {
        let margin = (window / 20).min(Duration::from_millis(250));
        let limit = usize::try_from(requests_per_window.max(1)).unwrap_or(usize::MAX);
        let percent = usize::try_from(background_percent.clamp(1, 100)).unwrap_or(100);
        Self {
            limit,
            background_limit: (limit.saturating_mul(percent) / 100).max(1),
            shared,
            span: window + margin,
            state: Mutex::new(BudgetState::default()),
        }
    }

    /// Waits until one more request may start, then records that it started.
    pub(crate) async fn acquire(&self, progress: &Progress) {
        let priority = current_priority();
        loop {
            let (deadline, reason) = match self.try_take(priority) {
                None => return,
                Some(wait) => wait,
            };
            let _announced = progress.wait(deadline, reason);
            tokio::time::sleep_until(deadline).await;
        }
    }

    /// How many starts `priority` may have within one span now, after any slowdown.
    fn cap(&self, state: &BudgetState, priority: Priority) -> usize {
        let base = match priority {
            Priority::Foreground => self.limit,
            Priority::Background => self.background_limit,
        };
        (base >> state.slowdown).max(1)
    }

    /// Whether background work would find room in the budget now.
    pub(crate) fn background_has_room(&self) -> bool {
        let used = self.in_use();
        self.state
            .lock()
            .map_or(true, |state| used < self.cap(&state, Priority::Background))
    }

    /// Takes a slot now, or says until when (and why) to wait.
    fn try_take(&self, priority: Priority) -> Option<(Instant, WaitReason)> {
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
        // A quiet window earns back one halving of the pace.
        if state.slowdown > 0
            && let Some(since) = state.slowdown_since
            && since + self.span <= now
        {
            state.slowdown -= 1;
            state.slowdown_since = Some(now);
        }
        while state.starts.front().is_some_and(|t| *t + self.span <= now) {
            state.starts.pop_front();
        }
        let cap = self.cap(&state, priority);
        if state.starts.len() >= cap {
            // The start that must age out before one more fits under this cap.
            let index = state.starts.len() - cap;
            return state
                .starts
                .get(index)
                .map(|t| (*t + self.span, WaitReason::Budget));
        }
        let spacing = self.span / u32::try_from(cap).unwrap_or(u32::MAX);
        let burst = match priority {
            Priority::Foreground => BURST.min(u32::try_from(cap).unwrap_or(u32::MAX)),
            Priority::Background => 1,
        };
        let tolerance = spacing * burst.saturating_sub(1);
        if let Some(due) = state.next_due
            && due > now + tolerance
        {
            return Some((due - tolerance, WaitReason::Budget));
        }
        // Room in this process: the organization's other topogy processes count too. A
        // ledger that cannot be read does not stop the work (this process still paces itself).
        if let Some(shared) = &self.shared {
            match shared.take(cap, self.span) {
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
        state.next_due = Some(state.next_due.map_or(now, |due| due.max(now)) + spacing);
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
    /// budget) starts before `until`; and since this budget had room, someone else is using
    /// the organization's limit: the pace halves (up to [`MAX_SLOWDOWN`] times), recovering
    /// one step per window without a 429.
    pub(crate) fn block_until(&self, until: Instant) {
        if let Ok(mut state) = self.state.lock() {
            state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
            state.slowdown = (state.slowdown + 1).min(MAX_SLOWDOWN);
            state.slowdown_since = Some(until);
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
        let budget = Budget::new(3, window, 50, None);
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

    #[tokio::test]
    async fn starts_are_spaced_after_a_small_burst_and_background_keeps_to_its_share() {
        let window = Duration::from_millis(600);
        let budget = Budget::new(6, window, 50, None);
        let progress = Progress::new();
        let origin = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..6 {
            budget.acquire(&progress).await;
            starts.push(Instant::now() - origin);
        }
        // Four at once, then one per window / limit (≈ 105 ms with the margin).
        assert!(starts[3] < Duration::from_millis(50), "{starts:?}");
        assert!(starts[4] >= Duration::from_millis(95), "{starts:?}");
        assert!(
            starts[5] - starts[4] >= Duration::from_millis(95),
            "{starts:?}"
        );
        // Background work waits until fewer than half the limit started within the window.
        let before = Instant::now();
        in_background(budget.acquire(&progress)).await;
        assert!(before.elapsed() >= Duration::from_millis(300));
        assert!(budget.in_use() <= 4);
    }

    #[test]
    fn an_unexpected_429_halves_the_pace() {
        let budget = Budget::new(8, Duration::from_secs(60), 50, None);
        let cap = |b: &Budget, p| b.state.lock().map(|s| b.cap(&s, p)).unwrap_or(0);
        assert_eq!(cap(&budget, Priority::Foreground), 8);
        assert_eq!(cap(&budget, Priority::Background), 4);
        budget.block_until(Instant::now());
        assert_eq!(cap(&budget, Priority::Foreground), 4);
        assert_eq!(cap(&budget, Priority::Background), 2);
        for _ in 0..5 {
            budget.block_until(Instant::now());
        }
        assert_eq!(cap(&budget, Priority::Foreground), 1);
    }
}
