//! The store: per-day engagement, summaries, cost and a fetch log, replaced a unit at a time, in
//! a SQLite file (the default) or in a PostgreSQL database shared by many processes.

pub(crate) mod db;
mod derived;
mod fetch_log;
pub mod lock;
mod meta;
mod open;
pub mod orgs;
pub mod postgres;
mod read;
mod rows;
mod schema;
mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, TransactionBehavior};

use db::{DbError, DbResult, Exec};
use postgres::{PgUrl, Session};

pub use fetch_log::Integrity;
pub use lock::SyncLock;
pub use meta::MetaKey;
pub use orgs::OrgStores;
pub use rows::{Activity, AdoptionItem, CostLine, PersonCost, SummaryDay};
pub use schema::SCHEMA_VERSION;

/// How long a statement waits for another process's write to end before SQLite says busy.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// A write that still finds the store busy after [`BUSY_TIMEOUT`] is tried this many more times.
const BUSY_RETRIES: u32 = 3;

/// What went wrong with the local store, worded as advice.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} could not be used: {source}")]
    Database {
        path: String,
        #[source]
        source: DbError,
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

/// Where a store lives: a SQLite file, or an organization's schema in a PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres { url: PgUrl, schema: String },
}

impl Location {
    /// Opens the store here for reading (see [`Store::open_reader`]).
    pub fn open_reader(&self) -> Result<Store> {
        match self {
            Location::File(path) => Store::open_reader(path),
            Location::Postgres { url, schema } => Store::open_postgres(url, schema, "topogy"),
        }
    }

    /// The file, for a SQLite store.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Postgres { .. } => None,
        }
    }
}

/// How a store is named in messages and logs (a PostgreSQL password never shows).
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres { url, schema } => write!(f, "{url} (schema {schema})"),
        }
    }
}

/// The connection behind a store.
enum Conn {
    Sqlite(Connection),
    Postgres(Session),
}

/// The store. Writers replace whole units (a day, a window) in one transaction, so a failure
/// part-way leaves the previous copy intact.
pub struct Store {
    conn: Conn,
    location: Option<Location>,
    /// The day's whole-file check, when this open started one (see [`Store::wait_for_check`]).
    check: Option<std::thread::JoinHandle<()>>,
}

/// Something the user should know about how the store was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenNotice(pub String);

impl OpenNotice {
    /// Both notices in one (either may be absent).
    pub fn join(a: Option<OpenNotice>, b: Option<OpenNotice>) -> Option<OpenNotice> {
        match (a, b) {
            (Some(a), Some(b)) => Some(OpenNotice(format!("{}; {}", a.0, b.0))),
            (a, b) => a.or(b),
        }
    }
}

impl Store {
    /// Opens an existing store for reading only, without checks or migrations: the dashboard
    /// reads this way beside the sync task's writer (WAL lets both work at once).
    pub fn open_reader(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Database {
            path: path.display().to_string(),
            source: source.into(),
        })?;
        let _ = conn.busy_timeout(BUSY_TIMEOUT);
        Ok(Store {
            conn: Conn::Sqlite(conn),
            location: Some(Location::File(path.to_path_buf())),
            check: None,
        })
    }

    /// Opens (creating and migrating it when needed) the store in `schema` of the PostgreSQL
    /// database at `url`; `application_name` names the connection in `pg_stat_activity`.
    pub fn open_postgres(url: &PgUrl, schema: &str, application_name: &str) -> Result<Store> {
        let location = Location::Postgres {
            url: url.clone(),
            schema: schema.to_owned(),
        };
        let session = Session::open_schema(url, schema, application_name).map_err(|source| {
            StoreError::Database {
                path: location.to_string(),
                source,
            }
        })?;
        Ok(Store {
            conn: Conn::Postgres(session),
            location: Some(location),
            check: None,
        })
    }

    /// An in-memory store, for tests and one-shot runs.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Database {
            path: ":memory:".into(),
            source: source.into(),
        })?;
        let mut store = Store {
            conn: Conn::Sqlite(conn),
            location: None,
            check: None,
        };
        store.prepare_connection()?;
        Ok(store)
    }

    fn prepare_connection(&mut self) -> Result<()> {
        let path = self.path_label();
        let sqlite = |source: rusqlite::Error| StoreError::Database {
            path: path.clone(),
            source: source.into(),
        };
        let Conn::Sqlite(conn) = &mut self.conn else {
            return Ok(());
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        schema::migrate(conn).map_err(sqlite)
    }

    /// The file behind the store, if any.
    pub fn path(&self) -> Option<&Path> {
        self.location.as_ref().and_then(Location::path)
    }

    /// Where the store lives (`None` in memory): what another reader opens.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    fn path_label(&self) -> String {
        self.location
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), ToString::to_string)
    }

    fn err(&self, source: impl Into<DbError>) -> StoreError {
        StoreError::Database {
            path: self.path_label(),
            source: source.into(),
        }
    }

    /// Where statements run outside a write.
    fn db(&self) -> &dyn Exec {
        match &self.conn {
            Conn::Sqlite(conn) => conn,
            Conn::Postgres(session) => session,
        }
    }

    /// Runs `f` in one write transaction, taken at its start (`BEGIN IMMEDIATE`) so a reader
    /// turned writer never meets another process's write half-way; a store another process
    /// keeps busy past [`BUSY_TIMEOUT`] is tried again a few times before giving up.
    /// On PostgreSQL the transaction is the server's (`BEGIN` … `COMMIT`, rolled back on error).
    fn write<T>(&mut self, f: impl Fn(&dyn Exec) -> DbResult<T>) -> Result<T> {
        let conn = match &mut self.conn {
            Conn::Sqlite(conn) => conn,
            Conn::Postgres(session) => {
                let result = session.batch("BEGIN").and_then(|()| match f(session) {
                    Ok(value) => session.batch("COMMIT").map(|()| value),
                    Err(e) => {
                        let _ = session.batch("ROLLBACK");
                        Err(e)
                    }
                });
                return result.map_err(|e| self.err(e));
            }
        };
        let result = patiently(is_busy, || -> DbResult<T> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&*tx)?;
            tx.commit()?;
            Ok(value)
        });
        result.map_err(|e| self.err(e))
    }
}

/// Runs `f`, and again (up to [`BUSY_RETRIES`] more times, 200 ms apart) while it fails
/// because another process holds the store in a way SQLite's busy timeout does not wait out.
fn patiently<T, E>(
    busy: impl Fn(&E) -> bool,
    mut f: impl FnMut() -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let mut retries = 0;
    loop {
        match f() {
            Err(e) if busy(&e) && retries < BUSY_RETRIES => {
                retries += 1;
                tracing::warn!(retries, "the local store is busy; trying again");
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            result => return result,
        }
    }
}

fn is_busy(e: &DbError) -> bool {
    let DbError::Sqlite(e) = e else {
        return false;
    };
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

use crate::days::month_of;
pub use crate::days::next_day;

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
