//! The background sync task: runs what a screen needs first and backfills history in chunks
//! that give way to it, reporting progress and results as events.

use tokio::sync::mpsc;

use super::{Need, SyncError, SyncEvent, SyncOutcome, Syncer};
use crate::days::{next_day, spans_back};

/// The handle of the background sync task: send it needs, read its events.
pub struct SyncTask {
    jobs: mpsc::UnboundedSender<Job>,
    pub events: mpsc::UnboundedReceiver<SyncEvent>,
    join: tokio::task::JoinHandle<Syncer>,
}

/// Names one request to the task; the task echoes it in the events of that request, so the
/// asker tells the answer to its newest request from a late one to an older request it has
/// since superseded. Ids are the asker's to hand out (growing); `JobId::default()` (0) is a
/// request nobody tracks (the headless commands).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u64);

/// Work for the task: what a screen needs now, backfill that yields to it, or a request to
/// say when everything asked before has run.
enum Job {
    Now(JobId, Need),
    Background(JobId, Need),
    NotifyIdle,
}

/// Backfill runs in chunks of this many days, so a screen's need waits for one chunk at most.
const BACKFILL_CHUNK_DAYS: i64 = 7;
/// How often backfill looks again whether half the budget is free.
const BACKFILL_POLL: std::time::Duration = std::time::Duration::from_millis(500);

impl SyncTask {
    /// Starts the task. Needs asked with [`SyncTask::request`] run one at a time, in the order
    /// sent; backfill ([`SyncTask::backfill`]) runs only while no such need is waiting.
    pub fn spawn(mut syncer: Syncer) -> Self {
        let (jobs, mut job_rx) = mpsc::unbounded_channel::<Job>();
        let (event_tx, events) = mpsc::unbounded_channel();
        let join = tokio::spawn(async move {
            let mut progress = syncer.client.subscribe_progress();
            let mut now: std::collections::VecDeque<(JobId, Need)> =
                std::collections::VecDeque::new();
            let mut background: std::collections::VecDeque<(JobId, Need)> =
                std::collections::VecDeque::new();
            let mut notify_idle = false;
            let take = |job: Job,
                        now: &mut std::collections::VecDeque<(JobId, Need)>,
                        background: &mut std::collections::VecDeque<(JobId, Need)>,
                        notify_idle: &mut bool| {
                match job {
                    Job::Now(job, need) => now.push_back((job, need)),
                    Job::Background(job, need) => {
                        background.extend(chunks(&need).into_iter().map(|chunk| (job, chunk)));
                    }
                    Job::NotifyIdle => *notify_idle = true,
                }
            };
            loop {
                while let Ok(job) = job_rx.try_recv() {
                    take(job, &mut now, &mut background, &mut notify_idle);
                }
                let ((job, need), foreground) = match (now.pop_front(), background.pop_front()) {
                    (Some(need), back) => {
                        if let Some(back) = back {
                            background.push_front(back);
                        }
                        (need, true)
                    }
                    (None, Some(need)) => {
                        // Backfill keeps to its share of the budget (half by default),
                        // leaving the rest to what a person opens next and to the
                        // organization's other tools: it waits, giving way to any job.
                        if !syncer.client.background_has_room() {
                            background.push_front(need);
                            tokio::select! {
                                job = job_rx.recv() => match job {
                                    Some(job) => take(job, &mut now, &mut background, &mut notify_idle),
                                    None => break,
                                },
                                () = tokio::time::sleep(BACKFILL_POLL) => {}
                            }
                            continue;
                        }
                        (need, false)
                    }
                    (None, None) => {
                        if std::mem::take(&mut notify_idle) {
                            let _ = event_tx.send(SyncEvent::Idle);
                        }
                        match job_rx.recv().await {
                            Some(job) => {
                                take(job, &mut now, &mut background, &mut notify_idle);
                                continue;
                            }
                            None => break,
                        }
                    }
                };
                let result = {
                    let run = syncer.sync(&need, &event_tx);
                    // Every request of a backfill chunk is paced as background work.
                    let run = async {
                        if foreground {
                            run.await
                        } else {
                            crate::api::in_background(run).await
                        }
                    };
                    tokio::pin!(run);
                    loop {
                        tokio::select! {
                            result = &mut run => break result,
                            changed = progress.changed() => {
                                if changed.is_ok() {
                                    let snapshot = progress.borrow_and_update().clone();
                                    let _ = event_tx.send(if foreground {
                                        SyncEvent::Progress(job, snapshot)
                                    } else {
                                        SyncEvent::BackfillProgress(job, snapshot)
                                    });
                                }
                            }
                        }
                    }
                };
                let failed = result.is_err();
                let _ = event_tx.send(if foreground {
                    SyncEvent::Finished(job, result)
                } else {
                    SyncEvent::BackfillFinished(job, result)
                });
                // A refused key or an unreachable API ends the backfill until it is asked again.
                if failed && !foreground {
                    background.clear();
                }
            }
            syncer
        });
        Self { jobs, events, join }
    }

    /// Asks the task to bring the store up to date for `need`; its events carry `job`.
    pub fn request(&self, job: JobId, need: Need) -> Result<(), SyncError> {
        self.jobs
            .send(Job::Now(job, need))
            .map_err(|_| SyncError::Stopped)
    }

    /// Asks the task to fill the store for `need` in the background, newest week first, giving
    /// way to every [`SyncTask::request`]; the events of each of its chunks carry `job`.
    pub fn backfill(&self, job: JobId, need: Need) -> Result<(), SyncError> {
        self.jobs
            .send(Job::Background(job, need))
            .map_err(|_| SyncError::Stopped)
    }

    /// Asks the task to send [`SyncEvent::Idle`] once everything asked before has run (the
    /// backfill included, or ended by a failure): how a headless caller knows a round is over.
    pub fn notify_when_idle(&self) -> Result<(), SyncError> {
        self.jobs
            .send(Job::NotifyIdle)
            .map_err(|_| SyncError::Stopped)
    }

    /// Runs one need to completion, passing every event on to `on_event`.
    pub async fn run(
        &mut self,
        need: Need,
        mut on_event: impl FnMut(&SyncEvent),
    ) -> Result<SyncOutcome, SyncError> {
        self.request(JobId::default(), need)?;
        while let Some(event) = self.events.recv().await {
            on_event(&event);
            if let SyncEvent::Finished(_, result) = event {
                return result;
            }
        }
        Err(SyncError::Stopped)
    }

    /// Stops at once, abandoning the request in flight: every day and window is written in one
    /// transaction, so the store keeps only whole ones (and the sync lock is let go).
    pub async fn abort(self) {
        self.join.abort();
        let _ = self.join.await;
    }

    /// Stops taking needs and returns the engine once the current one ends.
    pub async fn finish(self) -> Result<Syncer, SyncError> {
        drop(self.jobs);
        self.join.await.map_err(|_| SyncError::Stopped)
    }
}

/// Splits a backfill need: its summaries in one go (a request per 31 days), then its
/// day-by-day parts in chunks of [`BACKFILL_CHUNK_DAYS`], newest first.
fn chunks(need: &Need) -> Vec<Need> {
    let mut out = Vec::new();
    if need.summaries {
        out.push(Need {
            people_daily: false,
            ..Need::backfill(need.from, need.to)
        });
    }
    let need = Need {
        summaries: false,
        ..need.clone()
    };
    for (from, end) in spans_back(need.from, next_day(need.to), BACKFILL_CHUNK_DAYS) {
        out.push(Need {
            from,
            to: end.pred_opt().unwrap_or(end),
            ..need.clone()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::API_FLOOR;
    use chrono::NaiveDate;

    #[test]
    fn backfill_runs_newest_week_first() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or(API_FLOOR);
        let parts: Vec<(NaiveDate, NaiveDate)> =
            chunks(&Need::backfill(d("2026-11-01"), d("2026-11-16")))
                .iter()
                .map(|n| (n.from, n.to))
                .collect();
        let kinds: Vec<(bool, bool)> = chunks(&Need::backfill(d("2026-11-01"), d("2026-11-16")))
            .iter()
            .map(|n| (n.summaries, n.people_daily))
            .collect();
        assert_eq!(
            kinds,
            vec![(true, false), (false, true), (false, true), (false, true)]
        );
        assert_eq!(
            parts,
            vec![
                (d("2026-11-01"), d("2026-11-16")),
                (d("2026-11-10"), d("2026-11-16")),
                (d("2026-11-03"), d("2026-11-09")),
                (d("2026-11-01"), d("2026-11-02")),
            ]
        );
    }
}
