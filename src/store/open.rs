//! Opening a store file: created when missing, checked, and moved aside (never overwritten)
//! when it is damaged or a newer topogy wrote it.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::Connection;

use super::{
    BUSY_TIMEOUT, Conn, Integrity, Location, MetaKey, OpenNotice, Result, SCHEMA_VERSION, Store,
    StoreError,
};

impl Store {
    /// Opens (creating if needed) the store at `path`, in WAL mode, migrated to the current
    /// schema, every page checked on the first open of the day. A file that is not a database,
    /// or that a newer topogy wrote, is moved aside (never overwritten) and a fresh store is
    /// built; the notice says where the old file went.
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
        match Self::open_existing_patiently(path) {
            Ok(store) => Ok((store, None)),
            Err(Unusable::Error(e)) => Err(e),
            Err(Unusable::MoveAside(reason)) => {
                let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
                let aside = path.with_extension(format!(
                    "db.{reason_tag}-{stamp}",
                    reason_tag = reason.tag()
                ));
                move_files(path, &aside)?;
                // What the daily check found is said by this notice; the new store starts clean.
                let _ = std::fs::remove_file(damage_marker(path));
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

    /// [`Store::open_existing`], tried again while another process holds the file in a way the
    /// busy timeout does not wait out (several processes opening a new store at once: one of
    /// them switching it to WAL while another migrates).
    fn open_existing_patiently(path: &Path) -> std::result::Result<Store, Unusable> {
        let busy = |e: &Unusable| match e {
            Unusable::Error(StoreError::Database { source, .. }) => super::is_busy(source),
            _ => false,
        };
        super::patiently(busy, || Self::open_existing(path))
    }

    fn open_existing(path: &Path) -> std::result::Result<Store, Unusable> {
        let sqlite = |source: rusqlite::Error| StoreError::Database {
            path: path.display().to_string(),
            source: source.into(),
        };
        let conn = Connection::open(path).map_err(|e| Unusable::Error(sqlite(e)))?;
        // Another process may be writing: wait for it rather than fail, from the first read on.
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| Unusable::Error(sqlite(e)))?;
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
        // A page the last whole-file check found damaged: move the file aside now, kept.
        if damage_marker(path).exists() {
            return Err(Unusable::MoveAside(AsideReason::Corrupt));
        }
        // Reading the schema proves the header and the schema pages on every open. The whole
        // check reads every page of the file (about 0.3 s for 10,000 people's history, more
        // than a first frame may take), so it runs once a UTC day, beside the work, on its own
        // connection: see `spawn_daily_check`.
        let today = Utc::now().date_naive().to_string();
        let checked_on: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [MetaKey::QuickCheckOn.name()],
                |r| r.get(0),
            )
            .ok();
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(_) => {}
            Err(e) if is_not_a_database(&e) => {
                return Err(Unusable::MoveAside(AsideReason::Corrupt));
            }
            Err(e) => return Err(Unusable::Error(sqlite(e))),
        }
        let mut store = Store {
            conn: Conn::Sqlite(conn),
            location: Some(Location::File(path.to_path_buf())),
            check: None,
        };
        store.prepare_connection().map_err(Unusable::Error)?;
        if checked_on.as_deref() != Some(today.as_str()) {
            store.check = Some(spawn_daily_check(path.to_path_buf(), today));
        }
        Ok(store)
    }

    /// Waits for the day's whole-file check this open started, if any (tests, and a process
    /// that wants the verdict recorded before it ends).
    pub fn wait_for_check(&mut self) {
        if let Some(check) = self.check.take() {
            let _ = check.join();
        }
    }
}

/// The file beside a store that says the whole-file check found it damaged (SQLite's words);
/// the next open moves the store aside and builds a new one.
fn damage_marker(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.damaged", path.display()))
}

/// Checks every page of the store (`PRAGMA quick_check`) on a connection of its own, off the
/// caller's thread: intact, the day is recorded so later opens that day skip it; damaged, the
/// marker is left for the next open (this run goes on with what SQLite can still read).
fn spawn_daily_check(path: PathBuf, today: String) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let verdict = Connection::open(&path).and_then(|mut conn| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            let verdict = super::fetch_log::quick_check(&conn)?;
            if verdict == Integrity::Intact {
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                super::meta::set_in(&*tx, MetaKey::QuickCheckOn, &today).map_err(|e| match e {
                    super::db::DbError::Sqlite(e) => e,
                    other => rusqlite::Error::ToSqlConversionFailure(Box::new(other)),
                })?;
                tx.commit()?;
            }
            Ok(verdict)
        });
        let damage = match verdict {
            Ok(Integrity::Intact) => return,
            Ok(Integrity::Damaged(found)) => found,
            Err(e) if is_not_a_database(&e) => e.to_string(),
            // Busy or unreadable for another reason: tried again on the next open.
            Err(e) => {
                tracing::warn!(error = %e, "the store's daily check did not run");
                return;
            }
        };
        tracing::warn!(
            damage,
            "the local store is damaged; it will be moved aside when next opened"
        );
        let _ = std::fs::write(damage_marker(&path), damage);
    })
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

/// Writes what the `-wal` file holds into the store file and empties it (best effort), so a
/// move that stops between the files loses nothing.
pub(super) fn checkpoint(path: &Path) {
    if let Ok(conn) = Connection::open(path) {
        let _ = conn.busy_timeout(BUSY_TIMEOUT);
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

/// Moves a store file and its `-wal` and `-shm` companions to `to` (same directory tree).
pub(super) fn move_files(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        crate::private_files::create_dir(dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", from.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", to.display()));
            std::fs::rename(&from, &to).map_err(|source| StoreError::Io {
                path: from.display().to_string(),
                source,
            })?;
        }
    }
    Ok(())
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}
