//! The local SQLite store: per-day engagement, summaries, cost and a fetch log, replaced a unit at a time.

mod read;
mod rows;
mod schema;
mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

pub use rows::{Activity, AdoptionItem, CostLine, PersonCost, SummaryDay};
pub use schema::SCHEMA_VERSION;

/// What went wrong with the local store, worded as advice.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local store at {path} could not be used: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("could not prepare the data directory {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the local store holds a value it cannot read ({0}); delete the store file to rebuild it"
    )]
    Corrupt(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// The kinds of data the store keeps, each with its own fetch-log entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// `/users` for one day: per-person engagement of that day.
    UsersDay,
    /// `/users` in range mode: per-person totals over a window.
    UsersRange,
    /// `/summaries`: DAU/WAU/MAU, seats and invites per day.
    Summaries,
    /// `cost_report` with `1d` buckets: org cost per day by product and model.
    CostDaily,
    /// `user_cost_report` over a window: per-person cost.
    UserCost,
    /// `/skills` for one day.
    Skills,
    /// `/connectors` for one day.
    Connectors,
    /// `/apps/chat/projects` for one day.
    Projects,
    /// `/plugins` for one day (not offered to every organization).
    Plugins,
    /// `/artifacts` for one day (not offered to every organization).
    Artifacts,
}

impl Dataset {
    /// All datasets, in the order the Status screen lists them.
    pub const ALL: [Dataset; 10] = [
        Dataset::UsersDay,
        Dataset::UsersRange,
        Dataset::Summaries,
        Dataset::CostDaily,
        Dataset::UserCost,
        Dataset::Skills,
        Dataset::Connectors,
        Dataset::Projects,
        Dataset::Plugins,
        Dataset::Artifacts,
    ];

    /// The stable name used in the fetch log.
    pub fn key(self) -> &'static str {
        match self {
            Dataset::UsersDay => "users_day",
            Dataset::UsersRange => "users_range",
            Dataset::Summaries => "summaries",
            Dataset::CostDaily => "cost_daily",
            Dataset::UserCost => "user_cost",
            Dataset::Skills => "skills",
            Dataset::Connectors => "connectors",
            Dataset::Projects => "projects",
            Dataset::Plugins => "plugins",
            Dataset::Artifacts => "artifacts",
        }
    }

    /// The name people read on the Status screen.
    pub fn label(self) -> &'static str {
        match self {
            Dataset::UsersDay => "people by day",
            Dataset::UsersRange => "people, range totals",
            Dataset::Summaries => "active users & seats",
            Dataset::CostDaily => "cost by day",
            Dataset::UserCost => "cost by person",
            Dataset::Skills => "skills",
            Dataset::Connectors => "connectors",
            Dataset::Projects => "chat projects",
            Dataset::Plugins => "plugins",
            Dataset::Artifacts => "artifacts",
        }
    }
}

/// A fetch-log entry: which unit of data was fetched, when, and how fresh the server said it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchEntry {
    pub dataset: Dataset,
    /// First day covered.
    pub start: NaiveDate,
    /// Day after the last covered (exclusive).
    pub end: NaiveDate,
    pub fetched_at: DateTime<Utc>,
    pub data_refreshed_at: Option<DateTime<Utc>>,
    pub rows: u64,
}

/// Facts about one fetch, recorded with the data it brought.
#[derive(Debug, Clone, Copy)]
pub struct FetchMeta {
    pub fetched_at: DateTime<Utc>,
    pub data_refreshed_at: Option<DateTime<Utc>>,
}

/// The store. Writers replace whole units (a day, a window) in one transaction, so a failure
/// part-way leaves the previous copy intact.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// Something the user should know about how the store was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenNotice(pub String);

impl Store {
    /// Where a profile's store lives: `<platform data dir>/<profile>/topogy.db`.
    pub fn default_path(profile: &str) -> Option<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "topogy")?;
        Some(dirs.data_dir().join(profile).join("topogy.db"))
    }

    /// Opens (creating if needed) the store at `path`, in WAL mode, migrated to the current
    /// schema. A file that is not a database, or that a newer topogy wrote, is moved aside
    /// (never overwritten) and a fresh store is built; the notice says where the old file went.
    pub fn open(path: &Path) -> Result<(Store, Option<OpenNotice>)> {
        let io = |at: &Path| {
            let at = at.display().to_string();
            move |source| StoreError::Io { path: at, source }
        };
        if let Some(dir) = path.parent() {
            crate::private_files::create_dir(dir).map_err(io(dir))?;
        }
        // Owner-only before SQLite opens it: its WAL files take the database's mode.
        crate::private_files::ensure_file(path).map_err(io(path))?;
        match Self::open_existing(path) {
            Ok(store) => Ok((store, None)),
            Err(Unusable::Error(e)) => Err(e),
            Err(Unusable::MoveAside(reason)) => {
                let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
                let aside = path.with_extension(format!(
                    "db.{reason_tag}-{stamp}",
                    reason_tag = reason.tag()
                ));
                for suffix in ["", "-wal", "-shm"] {
                    let from = PathBuf::from(format!("{}{suffix}", path.display()));
                    if from.exists() {
                        let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                        std::fs::rename(&from, &to).map_err(|source| StoreError::Io {
                            path: from.display().to_string(),
                            source,
                        })?;
                    }
                }
                let notice = OpenNotice(format!(
                    "the local store {} {}; it was moved to {} and a new store was built \
                     (data will be fetched again)",
                    path.display(),
                    reason.describe(),
                    aside.display()
                ));
                crate::private_files::ensure_file(path).map_err(io(path))?;
                let store = Self::open_existing(path).map_err(|e| match e {
                    Unusable::Error(e) => e,
                    Unusable::MoveAside(r) => StoreError::Corrupt(r.describe()),
                })?;
                Ok((store, Some(notice)))
            }
        }
    }

    fn open_existing(path: &Path) -> std::result::Result<Store, Unusable> {
        let sqlite = |source| StoreError::Sqlite {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(path).map_err(|e| Unusable::Error(sqlite(e)))?;
        // The first statement reads the header: a non-database file fails here.
        let version: i64 = match conn.query_row("PRAGMA user_version", [], |r| r.get(0)) {
            Ok(v) => v,
            Err(e) if is_not_a_database(&e) => {
                return Err(Unusable::MoveAside(AsideReason::Corrupt));
            }
            Err(e) => return Err(Unusable::Error(sqlite(e))),
        };
        if version > SCHEMA_VERSION {
            return Err(Unusable::MoveAside(AsideReason::Newer(version)));
        }
        match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
            Ok(ok) if ok == "ok" => {}
            Ok(_) => return Err(Unusable::MoveAside(AsideReason::Corrupt)),
            Err(e) if is_not_a_database(&e) => {
                return Err(Unusable::MoveAside(AsideReason::Corrupt));
            }
            Err(e) => return Err(Unusable::Error(sqlite(e))),
        }
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.prepare_connection().map_err(Unusable::Error)?;
        Ok(store)
    }

    /// Opens an existing store for reading only, without checks or migrations: the dashboard
    /// reads this way beside the sync task's writer (WAL lets both work at once).
    pub fn open_reader(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Sqlite {
            path: path.display().to_string(),
            source,
        })?;
        let _ = conn.busy_timeout(std::time::Duration::from_secs(5));
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
        })
    }

    /// An in-memory store, for tests and one-shot runs.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: ":memory:".into(),
            source,
        })?;
        let mut store = Store { conn, path: None };
        store.prepare_connection()?;
        Ok(store)
    }

    fn prepare_connection(&mut self) -> Result<()> {
        let path = self.path_label();
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        self.conn
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sqlite)?;
        schema::migrate(&mut self.conn).map_err(sqlite)
    }

    /// The file behind the store, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn path_label(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string())
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path_label(),
            source,
        }
    }

    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>) -> Result<T> {
        let result = (|| {
            let tx = self.conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        result.map_err(|e| self.err(e))
    }

    // ----- meta -------------------------------------------------------------------------------

    /// Reads a small named value (e.g. the latest available engagement day).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Stores a small named value.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    // ----- fetch log --------------------------------------------------------------------------

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

    /// SQLite's `PRAGMA quick_check`: `"ok"`, or what it found damaged (for `topogy doctor`).
    pub fn quick_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Reads fetch-log entries; `source` is `fetch_log WHERE …` or a subquery with its columns.
    fn query_fetch_log(
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

enum Unusable {
    Error(StoreError),
    MoveAside(AsideReason),
}

enum AsideReason {
    Corrupt,
    Newer(i64),
}

impl AsideReason {
    fn tag(&self) -> &'static str {
        match self {
            AsideReason::Corrupt => "corrupt",
            AsideReason::Newer(_) => "newer",
        }
    }

    fn describe(&self) -> String {
        match self {
            AsideReason::Corrupt => "is damaged or is not a topogy database".to_owned(),
            AsideReason::Newer(v) => format!(
                "was written by a newer topogy (schema {v}, this one knows {SCHEMA_VERSION})"
            ),
        }
    }
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// The day after `date` (saturating at the calendar's end).
pub fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The meta key that marks `dataset` as not offered to the organization.
fn not_offered_key(dataset: Dataset) -> String {
    format!("not_offered.{}", dataset.key())
}
