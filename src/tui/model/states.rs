//! What the dashboard waits for: the sync task's work for it (one slot per kind of work, each
//! named by the job id the task echoes back), a pane's data, and re-reads of the store.

use chrono::{DateTime, Duration, Utc};

use crate::api::ProgressSnapshot;

pub use crate::sync::JobId;

/// One kind of work asked of the sync task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Work {
    #[default]
    Idle,
    /// Asked, and nothing of it runs at the moment: not yet, or (a backfill) between chunks.
    Asked { job: JobId },
    /// Running; `needs` of its needs have not ended yet.
    Running { job: JobId, needs: usize },
}

impl Work {
    /// The job this slot holds, asked or running.
    pub fn job(self) -> Option<JobId> {
        match self {
            Work::Idle => None,
            Work::Asked { job } | Work::Running { job, .. } => Some(job),
        }
    }

    pub fn is_running(self) -> bool {
        matches!(self, Work::Running { .. })
    }

    /// One need of the job ended: the slot is idle after its last.
    fn need_ended(&mut self) {
        *self = match *self {
            Work::Running { job, needs } if needs > 1 => Work::Running {
                job,
                needs: needs - 1,
            },
            _ => Work::Idle,
        };
    }
}

/// Whose answer an event of the sync task (other than the backfill's) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The refresh running now.
    Refresh,
    /// The person's cost the detail view asked for last.
    Person,
    /// A job this dashboard did not hand out (id 0): taken as a refresh, as before job ids.
    Untracked,
    /// A job this dashboard handed out and has since superseded: a late answer, ignored.
    Stale,
}

/// The sync task's work for the dashboard. A refresh and a backfill run side by side (the
/// task runs a refresh's needs between two backfill chunks), and a person's cost (the detail
/// view) is asked on its own, so each has its own slot. Their requests share one client, whose
/// counts (`progress`) are of them all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncState {
    /// The range's needs (at start, `r`, a new range, the refresh interval): `r` waits for it.
    pub refresh: Work,
    /// One person's cost per day for the detail view: running from its first request (a
    /// store that already holds it needs none, and shows no work).
    pub person: Work,
    /// The history backfill: running during a chunk, asked between chunks.
    pub backfill: Work,
    /// Another topogy holds the organization's sync lock; this one shows its results.
    pub elsewhere: bool,
    /// The client's requests done and planned, and its current wait.
    pub progress: ProgressSnapshot,
    /// When the current wait ends: the status bar counts down to it on every tick.
    pub wait_until: Option<DateTime<Utc>>,
    /// The last job id handed out; ids only grow, so an older job's answer is known as such.
    last_job: JobId,
}

impl SyncState {
    fn next_job(&mut self) -> JobId {
        self.last_job = JobId(self.last_job.0 + 1);
        self.last_job
    }

    /// A refresh of `needs` needs starts; one still running is superseded.
    pub fn start_refresh(&mut self, needs: usize) -> JobId {
        let job = self.next_job();
        self.refresh = Work::Running { job, needs };
        job
    }

    /// A person's cost is asked; an earlier person's is superseded.
    pub fn start_person(&mut self) -> JobId {
        let job = self.next_job();
        self.person = Work::Asked { job };
        job
    }

    /// The backfill is asked (again); a chunk running now goes on.
    pub fn start_backfill(&mut self) -> JobId {
        let job = self.next_job();
        if !self.backfill.is_running() {
            self.backfill = Work::Asked { job };
        }
        job
    }

    /// A new sync session (a new key): nothing of the old one runs any more, and its answers,
    /// should any still come, are stale.
    pub fn new_session(&mut self) {
        self.refresh = Work::Idle;
        self.person = Work::Idle;
        self.backfill = Work::Idle;
    }

    /// Whose answer an event of `job` is.
    pub fn route(&self, job: JobId) -> Route {
        if self.refresh.job() == Some(job) {
            Route::Refresh
        } else if self.person.job() == Some(job) {
            Route::Person
        } else if job == JobId::default() || job > self.last_job {
            Route::Untracked
        } else {
            Route::Stale
        }
    }

    /// `job` made a request; returns false for a stale job.
    pub fn progressed(&mut self, job: JobId) -> bool {
        match self.route(job) {
            Route::Refresh => {}
            Route::Person => {
                if let Work::Asked { job } = self.person {
                    self.person = Work::Running { job, needs: 1 };
                }
            }
            Route::Untracked => {
                if !self.refresh.is_running() {
                    self.refresh = Work::Running { job, needs: 1 };
                }
            }
            Route::Stale => return false,
        }
        true
    }

    /// One need of `job` ended; returns false for a stale job (its answer is ignored).
    pub fn finished(&mut self, job: JobId) -> bool {
        match self.route(job) {
            Route::Refresh => self.refresh.need_ended(),
            Route::Person => self.person = Work::Idle,
            Route::Untracked => {}
            Route::Stale => return false,
        }
        true
    }

    /// A chunk of the backfill of `job` runs. Any backfill's chunk counts: a later backfill
    /// only asks again for what an earlier one still has queued.
    pub fn backfill_progressed(&mut self, job: JobId) {
        self.backfill = Work::Running { job, needs: 1 };
    }

    /// A chunk ended well: more may follow.
    pub fn backfill_chunk_done(&mut self, job: JobId) {
        self.backfill = Work::Asked { job };
    }

    /// A chunk failed: the task dropped the rest of the backfill.
    pub fn backfill_failed(&mut self) {
        self.backfill = Work::Idle;
    }

    /// The client's counts at `now`; a wait counts down from its deadline on every tick.
    pub fn report(&mut self, progress: ProgressSnapshot, now: DateTime<Utc>) {
        self.wait_until = progress
            .waiting
            .and_then(|w| Duration::from_std(w).ok())
            .map(|w| now + w);
        self.progress = progress;
    }

    /// Work ended: no wait stands.
    pub fn wait_over(&mut self) {
        self.progress.waiting = None;
        self.wait_until = None;
    }

    /// The current wait in words, counted down from its deadline to `now` (the snapshot's own
    /// figure is only how long it was when the wait began).
    pub fn wait_text(&self, now: DateTime<Utc>) -> String {
        let left = self
            .wait_until
            .map(|until| until - now)
            .filter(|left| *left > Duration::zero());
        ProgressSnapshot {
            waiting: left.map(|d| d.to_std().unwrap_or_default()),
            ..self.progress.clone()
        }
        .wait_text()
    }

    /// Whether anything runs: a refresh, a person's cost or a chunk of backfill.
    pub fn busy(&self) -> bool {
        self.refresh.is_running() || self.person.is_running() || self.backfill.is_running()
    }
}

/// A pane's data and how it was loaded. A failed or new load never blanks the screen: the
/// last good data stays until new data arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PaneState<T> {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// Asked (a first load, a new range), with what was shown before.
    Loading {
        last_good: Option<T>,
    },
    Loaded {
        fetched_at: DateTime<Utc>,
        data: T,
    },
    /// The last load failed; what was shown before stays.
    Failed {
        error: String,
        last_good: Option<T>,
    },
}

impl<T> PaneState<T> {
    /// What to draw: the data loaded, or the last good one while loading or after a failure.
    pub fn data(&self) -> Option<&T> {
        match self {
            PaneState::Idle => None,
            PaneState::Loaded { data, .. } => Some(data),
            PaneState::Loading { last_good } | PaneState::Failed { last_good, .. } => {
                last_good.as_ref()
            }
        }
    }

    /// The data in place (tests shape a fixture with it).
    pub fn data_mut(&mut self) -> Option<&mut T> {
        match self {
            PaneState::Idle => None,
            PaneState::Loaded { data, .. } => Some(data),
            PaneState::Loading { last_good } | PaneState::Failed { last_good, .. } => {
                last_good.as_mut()
            }
        }
    }

    fn take(&mut self) -> Option<T> {
        match std::mem::take(self) {
            PaneState::Idle => None,
            PaneState::Loaded { data, .. } => Some(data),
            PaneState::Loading { last_good } | PaneState::Failed { last_good, .. } => last_good,
        }
    }

    /// New data is asked for; what is shown stays until it comes.
    pub fn loading(&mut self) {
        let last_good = self.take();
        *self = PaneState::Loading { last_good };
    }

    pub fn loaded(&mut self, data: T, fetched_at: DateTime<Utc>) {
        *self = PaneState::Loaded { fetched_at, data };
    }

    pub fn failed(&mut self, error: String) {
        let last_good = self.take();
        *self = PaneState::Failed { error, last_good };
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, PaneState::Loading { .. })
    }

    pub fn is_loaded(&self) -> bool {
        matches!(self, PaneState::Loaded { .. })
    }

    /// Why the last load failed, while it stands.
    pub fn error(&self) -> Option<&str> {
        match self {
            PaneState::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Re-reads of the store while a sync writes to it: at most one per `every`, however many
/// units are stored meanwhile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reload {
    /// A unit was stored since the last read was asked.
    pub pending: bool,
    /// When the store was last read or asked to be.
    pub last: Option<DateTime<Utc>>,
}

impl Reload {
    /// A unit was stored: read again soon.
    pub fn stored(&mut self) {
        self.pending = true;
    }

    /// A read is asked now: it holds everything stored before.
    pub fn asked(&mut self, now: DateTime<Utc>) {
        self.pending = false;
        self.last = Some(now);
    }

    /// A read arrived now.
    pub fn answered(&mut self, now: DateTime<Utc>) {
        self.last = Some(now);
    }

    /// Whether a read is due at `now`.
    pub fn due(&self, now: DateTime<Utc>, every: Duration) -> bool {
        self.pending && self.last.is_none_or(|at| now - at >= every)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_ends_with_its_last_need_and_an_older_one_is_stale() {
        let mut sync = SyncState::default();
        let old = sync.start_refresh(1);
        let new = sync.start_refresh(2);
        assert_eq!(sync.route(old), Route::Stale);
        assert!(!sync.finished(old) && sync.refresh.is_running());
        assert!(sync.finished(new) && sync.refresh.is_running());
        assert!(sync.finished(new) && !sync.busy());
        // A job this dashboard never handed out is taken as a refresh, as before job ids.
        assert_eq!(sync.route(JobId::default()), Route::Untracked);
        assert!(sync.progressed(JobId::default()) && sync.refresh.is_running());
    }

    #[test]
    fn a_backfill_runs_during_a_chunk_and_waits_between_chunks() {
        let mut sync = SyncState::default();
        let job = sync.start_backfill();
        assert_eq!(sync.backfill, Work::Asked { job });
        assert!(!sync.busy());
        sync.backfill_progressed(job);
        assert!(sync.busy());
        // Asked again while a chunk runs: the chunk goes on.
        sync.start_backfill();
        assert!(sync.backfill.is_running());
        sync.backfill_chunk_done(job);
        assert_eq!(sync.backfill, Work::Asked { job });
        sync.backfill_failed();
        assert_eq!(sync.backfill, Work::Idle);
    }

    #[test]
    fn a_pane_keeps_its_last_good_data_while_loading_and_after_a_failure() {
        let at = DateTime::<Utc>::default();
        let mut pane = PaneState::Idle;
        assert_eq!(pane.data(), None);
        pane.loaded(1, at);
        pane.loading();
        assert_eq!((pane.is_loading(), pane.data()), (true, Some(&1)));
        pane.failed("locked".to_owned());
        assert_eq!((pane.error(), pane.data()), (Some("locked"), Some(&1)));
        pane.loaded(2, at);
        assert_eq!(
            (pane.is_loaded(), pane.error(), pane.data()),
            (true, None, Some(&2))
        );
    }
}
