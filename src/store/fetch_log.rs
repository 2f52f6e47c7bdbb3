//! The fetch log: which unit of each dataset was fetched when, read by the planner and Status.

use chrono::NaiveDate;

use super::db::{Value, args, rows};
use super::{Conn, Dataset, FetchEntry, Result, Store, StoreError};

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
            r#"fetch_log WHERE dataset = ?1 AND start = ?2 AND "end" = ?3"#,
            &args![dataset.key(), start, end],
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
            &args![dataset.key(), from, to],
        )
    }

    /// The newest fetch of each dataset, for the Status screen.
    pub fn last_fetches(&self) -> Result<Vec<FetchEntry>> {
        // Per dataset: the newest fetch, and the furthest day any fetch reached.
        self.query_fetch_log(
            r#"(SELECT dataset, MIN(start) AS start, MAX("end") AS "end",
                     MAX(fetched_at) AS fetched_at, MAX(data_refreshed_at) AS data_refreshed_at,
                     CAST(SUM(rows) AS BIGINT) AS rows
              FROM fetch_log GROUP BY dataset) AS newest ORDER BY dataset"#,
            &[],
        )
    }

    /// Whether SQLite finds the store intact (`PRAGMA quick_check`), for `topogy doctor`;
    /// a PostgreSQL store is the server's to keep whole (intact here).
    pub fn quick_check(&self) -> Result<Integrity> {
        match &self.conn {
            Conn::Sqlite(conn) => quick_check(conn).map_err(|e| self.err(e)),
            Conn::Postgres(_) => Ok(Integrity::Intact),
        }
    }

    /// Reads fetch-log entries; `source` is `fetch_log WHERE …` or a subquery with its columns.
    pub(super) fn query_fetch_log(&self, source: &str, args: &[Value]) -> Result<Vec<FetchEntry>> {
        let sql = format!(
            r#"SELECT dataset, start, "end", fetched_at, data_refreshed_at, rows FROM {source}"#
        );
        let rows = rows(self.db(), &sql, args, |r| {
            Ok((
                r.string(0)?,
                r.date(1)?,
                r.date(2)?,
                r.instant(3)?,
                r.opt_instant(4)?,
                r.int(5)?,
            ))
        })
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
