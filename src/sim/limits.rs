//! The per-organization rate limit: a sliding window over accepted requests.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Admits at most `max` requests in any trailing `window`; rejected requests do not count.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    max: u32,
    window: Duration,
    accepted: VecDeque<Instant>,
}

impl RateLimiter {
    pub(crate) fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            accepted: VecDeque::new(),
        }
    }

    /// Records the request at `now` if the window has room; otherwise returns the whole
    /// seconds (at least 1) until the oldest accepted request leaves the window.
    pub(crate) fn admit(&mut self, now: Instant) -> Result<(), u64> {
        while self
            .accepted
            .front()
            .is_some_and(|&t| now.duration_since(t) >= self.window)
        {
            self.accepted.pop_front();
        }
        if self.accepted.len() < self.max as usize {
            self.accepted.push_back(now);
            return Ok(());
        }
        let wait = self.accepted.front().map_or(self.window, |&t| {
            (t + self.window).saturating_duration_since(now)
        });
        Err((wait.as_secs_f64().ceil() as u64).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(2, Duration::from_secs(10));
        assert_eq!(limiter.admit(start), Ok(()));
        assert_eq!(limiter.admit(start + Duration::from_secs(4)), Ok(()));
        assert_eq!(limiter.admit(start + Duration::from_millis(4500)), Err(6));
        assert_eq!(limiter.admit(start + Duration::from_secs(10)), Ok(()));
        assert_eq!(limiter.admit(start + Duration::from_secs(11)), Err(3));
        assert_eq!(limiter.admit(start + Duration::from_secs(14)), Ok(()));
    }
}
