//! The organization's request budget shared by every topogy process on the machine.
//!
//! The rate limit belongs to the organization, not to a process: a dashboard and six exports
//! each counting their own 60 a minute would together send 420. Every process of a profile
//! records each request it starts in one small SQLite file (`budget.db` beside the store) and
//! starts one only while fewer than the limit started in the trailing window, counting all
//! processes; a 429 seen by one process holds back all of them. Wall-clock milliseconds, so
//! processes agree; one short `IMMEDIATE` transaction per request, so they never race.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, TransactionBehavior, params};

/// A budget ledger file. Cheap to keep; it opens the file for each call (a few per minute).
#[derive(Debug, Clone)]
pub struct SharedBudget {
    path: PathBuf,
}

/// What the ledger says about starting a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Recorded as started.
    Go,
    /// The window is full (or a 429 holds everyone back) for this long.
    Wait { for_: Duration, rate_limited: bool },
}

impl SharedBudget {
    /// The ledger at `path` (created owner-only on first use).
    pub fn at(path: &Path) -> SharedBudget {
        SharedBudget {
            path: path.to_path_buf(),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        if let Some(dir) = self.path.parent() {
            let _ = crate::private_files::create_dir(dir);
        }
        let _ = crate::private_files::ensure_file(&self.path);
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS started (at_ms INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS started_at ON started (at_ms);
             CREATE TABLE IF NOT EXISTS held (until_ms INTEGER NOT NULL);",
        )?;
        Ok(conn)
    }

    /// Records a start if fewer than `limit` requests of any process started within `span`.
    pub(crate) fn take(&self, limit: usize, span: Duration) -> rusqlite::Result<Verdict> {
        let mut conn = self.open()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = now_ms();
        let span_ms = i64::try_from(span.as_millis()).unwrap_or(i64::MAX);
        tx.execute(
            "DELETE FROM started WHERE at_ms <= ?1",
            params![now - span_ms],
        )?;
        tx.execute("DELETE FROM held WHERE until_ms <= ?1", params![now])?;
        let held: Option<i64> = tx.query_row("SELECT MAX(until_ms) FROM held", [], |r| r.get(0))?;
        let verdict = if let Some(until) = held {
            Verdict::Wait {
                for_: millis(until - now),
                rate_limited: true,
            }
        } else {
            let (count, oldest): (i64, Option<i64>) =
                tx.query_row("SELECT COUNT(*), MIN(at_ms) FROM started", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if usize::try_from(count).unwrap_or(usize::MAX) < limit {
                tx.execute("INSERT INTO started (at_ms) VALUES (?1)", params![now])?;
                Verdict::Go
            } else {
                Verdict::Wait {
                    for_: millis(oldest.unwrap_or(now) + span_ms - now),
                    rate_limited: false,
                }
            }
        };
        tx.commit()?;
        Ok(verdict)
    }

    /// After a 429: no process of this budget starts a request for `pause`.
    pub(crate) fn hold(&self, pause: Duration) -> rusqlite::Result<()> {
        let conn = self.open()?;
        let until = now_ms() + i64::try_from(pause.as_millis()).unwrap_or(i64::MAX / 2);
        conn.execute("INSERT INTO held (until_ms) VALUES (?1)", params![until])?;
        Ok(())
    }

    /// Requests any process started within `span`.
    pub(crate) fn in_use(&self, span: Duration) -> usize {
        let count = || -> rusqlite::Result<i64> {
            let conn = self.open()?;
            let since = now_ms() - i64::try_from(span.as_millis()).unwrap_or(i64::MAX);
            conn.query_row(
                "SELECT COUNT(*) FROM started WHERE at_ms > ?1",
                params![since],
                |r| r.get(0),
            )
        };
        count().map_or(0, |n| usize::try_from(n).unwrap_or(0))
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms.max(1)).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_handles_share_one_window() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let path = dir.path().join("budget.db");
        let (a, b) = (SharedBudget::at(&path), SharedBudget::at(&path));
        let span = Duration::from_secs(60);
        assert_eq!(a.take(3, span).ok(), Some(Verdict::Go));
        assert_eq!(b.take(3, span).ok(), Some(Verdict::Go));
        assert_eq!(a.take(3, span).ok(), Some(Verdict::Go));
        assert!(matches!(
            b.take(3, span),
            Ok(Verdict::Wait {
                rate_limited: false,
                ..
            })
        ));
        assert_eq!(a.in_use(span), 3);
        let held = SharedBudget::at(&path);
        assert!(held.hold(Duration::from_secs(30)).is_ok());
        assert!(matches!(
            a.take(100, span),
            Ok(Verdict::Wait {
                rate_limited: true,
                ..
            })
        ));
    }
}
