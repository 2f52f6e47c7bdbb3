//! The fetch log: which unit of each dataset was fetched when, read by the planner and Status.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{Dataset, FetchEntry, Result, Store, StoreError};

/// What SQLite's `PRAGMA quick_check` found: callers decide on this, not on its wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    Intact,
    /// What SQLite found damaged, in its words (for `topogy doctor`).
    Damaged(String),
}

/// Runs `PRAGMA quick_check` on a connection (a store being opened, or an open one).
pub(super) fn quick_check(conn: &rusqlite::Connection) -> rusqlite::Result<Integrity> {
    conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
        .map(|verdict| {
            if verdict == "ok" {
                Integrity::Intact
            } else {
                Integrity::Damaged(verdict)
            }
        })
}

impl Store {
    /// The fetch-log entry for exactly this unit, if it was ever fetched.
    pub fn fetch_entry(
        &self,
        dataset: Dataset,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Option<FetchEntry>> {
        let entries = self.query_fetch_log(
            "fetch_log WHERE dataset = ?1 AND start = ?2 AND end = ?3",
            params![dataset.key(), start, end],
        )?;
        Ok(entries.into_iter().next())
    }

    /// Every entry of a dataset whose unit starts within `[from, to]`.
    pub fn fetch_entries(
        &self,
        dataset: Dataset,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FetchEntry>> {
        self.query_fetch_log(
            "fetch_log WHERE dataset = ?1 AND start >= ?2 AND start <= ?3 ORDER BY start",
            params![dataset.key(), from, to],
        )
    }

    /// The newest fetch of each dataset, for the Status screen.
    pub fn last_fetches(&self) -> Result<Vec<FetchEntry>> {
        // Per dataset: the newest fetch, and the furthest day any fetch reached.
        self.query_fetch_log(
            "(SELECT dataset, MIN(start) AS start, MAX(end) AS end,
                     MAX(fetched_at) AS fetched_at, MAX(data_refreshed_at) AS data_refreshed_at,
                     SUM(rows) AS rows
              FROM fetch_log GROUP BY dataset) ORDER BY dataset",
            params![],
        )
    }

    /// Whether SQLite finds the store intact (`PRAGMA quick_check`), for `topogy doctor`.
    pub fn quick_check(&self) -> Result<Integrity> {
        quick_check(&self.conn).map_err(|e| self.err(e))
    }

    /// Reads fetch-log entries; `source` is `fetch_log WHERE …` or a subquery with its columns.
    pub(super) fn query_fetch_log(
        &self,
        source: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<FetchEntry>> {
        let sql = format!(
            "SELECT dataset, start, end, fetched_at, data_refreshed_at, rows FROM {source}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(args, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, NaiveDate>(1)?,
                    r.get::<_, NaiveDate>(2)?,
                    r.get::<_, DateTime<Utc>>(3)?,
                    r.get::<_, Option<DateTime<Utc>>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(dataset, start, end, fetched_at, data_refreshed_at, n)| {
                let dataset = Dataset::ALL
                    .into_iter()
                    .find(|d| d.key() == dataset)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown dataset {dataset:?}")))?;
                Ok(FetchEntry {
                    dataset,
                    start,
                    end,
                    fetched_at,
                    data_refreshed_at,
                    rows: u64::try_from(n).unwrap_or(0),
                })
            })
            .collect()
    }
}
