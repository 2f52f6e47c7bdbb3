//! The sync lock, held by the one process that syncs a store: an OS file lock beside a SQLite
//! store, a PostgreSQL advisory lock on a connection of its own for a shared store.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::postgres::{PgUrl, Session, lock_key};
use super::{Location, Result, StoreError};

/// Held while this process syncs a store; dropping it (or the process dying, even by
/// `kill -9`) releases it, because the kernel (or the database server, which ends a dead
/// client's session) owns the lock, not a file's contents.
pub struct SyncLock {
    _held: Held,
}

impl std::fmt::Debug for SyncLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncLock")
    }
}

/// What keeps a lock: an open file, or a database session.
enum Held {
    File(#[allow(dead_code, reason = "held for its lock, never read")] File),
    Postgres(#[allow(dead_code, reason = "held for its lock, never read")] Session),
}

/// The advisory-lock keys of a shared store's sync and of the processes waiting for it.
fn keys(schema: &str) -> (i64, i64) {
    (
        lock_key(&format!("topogy sync {schema}")),
        lock_key(&format!("topogy waiting {schema}")),
    )
}

/// How the syncing process names its lock's connection, so every viewer can say who syncs.
fn syncer_name() -> String {
    let host = host_name();
    let host: String = host.chars().take(32).collect();
    format!("topogy sync {host} pid {}", std::process::id())
}

#[cfg(unix)]
fn host_name() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown host".to_owned())
}

fn database(location: &Location, source: super::db::DbError) -> StoreError {
    StoreError::Database {
        path: location.to_string(),
        source,
    }
}

fn connect(location: &Location, url: &PgUrl, name: &str) -> Result<Session> {
    Session::connect(url, name).map_err(|e| database(location, e))
}

impl SyncLock {
    /// Takes the sync lock of the store at `location` if no other process holds it; `None`
    /// when one does.
    pub fn try_acquire_at(location: &Location) -> Result<Option<SyncLock>> {
        match location {
            Location::File(path) => SyncLock::try_acquire(&lock_path(path)),
            Location::Postgres { url, schema } => {
                let session = connect(location, url, &syncer_name())?;
                let taken = session
                    .try_lock(keys(schema).0)
                    .map_err(|e| database(location, e))?;
                Ok(taken.then_some(SyncLock {
                    _held: Held::Postgres(session),
                }))
            }
        }
    }

    /// Says, until dropped, that this process waits for the sync lock of `location`.
    pub fn wait_in_line_at(location: &Location) -> Result<Waiting> {
        match location {
            Location::File(path) => SyncLock::wait_in_line(&lock_path(path)),
            Location::Postgres { url, schema } => {
                let session = connect(location, url, "topogy waiting")?;
                session
                    .lock_shared(keys(schema).1)
                    .map_err(|e| database(location, e))?;
                Ok(Waiting {
                    _held: Held::Postgres(session),
                })
            }
        }
    }

    /// Whether another process waits for the sync lock of `location`.
    pub fn others_waiting_at(location: &Location) -> Result<bool> {
        match location {
            Location::File(path) => SyncLock::others_waiting(&lock_path(path)),
            Location::Postgres { url, schema } => {
                let session = connect(location, url, "topogy")?;
                let key = keys(schema).1;
                // Exclusive is refused while anyone holds it shared; let go at once if granted.
                let free = session.try_lock(key).map_err(|e| database(location, e))?;
                if free {
                    session.unlock(key).map_err(|e| database(location, e))?;
                }
                Ok(!free)
            }
        }
    }

    /// Who holds the sync lock of a shared store, as its connection names it ("topogy sync
    /// <host> pid <pid>") and since when (UTC); `None` for a file or when nobody does.
    pub fn holder_at(location: &Location) -> Option<String> {
        let Location::Postgres { url, schema } = location else {
            return None;
        };
        let session = Session::connect(url, "topogy").ok()?;
        let (name, since) = session.holder(keys(schema).0).ok()??;
        Some(format!("{name}, connected since {since} UTC"))
    }
}

/// Where the lock of the store at `store` lives: `sync.lock` in the same directory.
pub fn lock_path(store: &Path) -> PathBuf {
    store.with_file_name("sync.lock")
}

/// Beside the sync lock, each process waiting for it holds a shared lock on this file, so the
/// holder can tell that someone waits and let them go first.
fn waiting_path(lock: &Path) -> PathBuf {
    lock.with_file_name("sync.waiting")
}

/// Held (shared) by a process while it waits for the sync lock.
pub struct Waiting {
    _held: Held,
}

impl SyncLock {
    /// Takes the lock at `path` if no other process holds it; `None` when one does.
    pub fn try_acquire(path: &Path) -> Result<Option<SyncLock>> {
        let file = open(path)?;
        if lock(&file, false).map_err(|source| io(path, source))? {
            Ok(Some(SyncLock {
                _held: Held::File(file),
            }))
        } else {
            Ok(None)
        }
    }

    /// Waits for the lock at `path` (for short critical sections, e.g. moving files).
    pub fn acquire(path: &Path) -> Result<SyncLock> {
        let file = open(path)?;
        lock(&file, true).map_err(|source| io(path, source))?;
        Ok(SyncLock {
            _held: Held::File(file),
        })
    }

    /// Says, until dropped, that this process waits for the lock at `path`.
    pub fn wait_in_line(path: &Path) -> Result<Waiting> {
        let path = waiting_path(path);
        let file = open(&path)?;
        share(&file).map_err(|source| io(&path, source))?;
        Ok(Waiting {
            _held: Held::File(file),
        })
    }

    /// Whether another process waits for the lock at `path` (see [`SyncLock::wait_in_line`]).
    pub fn others_waiting(path: &Path) -> Result<bool> {
        let path = waiting_path(path);
        let file = open(&path)?;
        // Exclusive is refused while anyone holds it shared; released at once when granted.
        Ok(!lock(&file, false).map_err(|source| io(&path, source))?)
    }
}

fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        crate::private_files::create_dir(dir).map_err(|source| io(dir, source))?;
    }
    crate::private_files::file_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|source| io(path, source))
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// `flock(2)`: true when taken, false when another holder has it (non-blocking only).
#[cfg(unix)]
fn lock(file: &File, wait: bool) -> std::io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    let operation = if wait {
        FlockOperation::LockExclusive
    } else {
        FlockOperation::NonBlockingLockExclusive
    };
    match flock(file, operation) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// `flock(2)` shared, waiting (only ever for a moment: exclusive holds are instant probes).
#[cfg(unix)]
fn share(file: &File) -> std::io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockShared).map_err(Into::into)
}

/// Without `flock`, every process may sync; SQLite's own locking still keeps the store whole.
#[cfg(not(unix))]
fn lock(_file: &File, _wait: bool) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(not(unix))]
fn share(_file: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.lock");
        let first = SyncLock::try_acquire(&path).unwrap();
        assert!(first.is_some());
        assert!(SyncLock::try_acquire(&path).unwrap().is_none());
        drop(first);
        assert!(SyncLock::try_acquire(&path).unwrap().is_some());
    }

    #[test]
    fn a_waiting_process_is_seen_by_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.lock");
        assert!(!SyncLock::others_waiting(&path).unwrap());
        let waiting = SyncLock::wait_in_line(&path).unwrap();
        let second = SyncLock::wait_in_line(&path).unwrap();
        assert!(SyncLock::others_waiting(&path).unwrap());
        drop((waiting, second));
        assert!(!SyncLock::others_waiting(&path).unwrap());
    }
}
