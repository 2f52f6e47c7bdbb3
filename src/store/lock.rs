//! The sync lock: an OS file lock beside a store, held by the one process that syncs it.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{Result, StoreError};

/// Held while this process syncs a store; dropping it (or the process dying, even by
/// `kill -9`) releases it, because the kernel owns the lock, not a file's contents.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
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
#[derive(Debug)]
pub struct Waiting {
    _file: File,
}

impl SyncLock {
    /// Takes the lock at `path` if no other process holds it; `None` when one does.
    pub fn try_acquire(path: &Path) -> Result<Option<SyncLock>> {
        let file = open(path)?;
        if lock(&file, false).map_err(|source| io(path, source))? {
            Ok(Some(SyncLock { _file: file }))
        } else {
            Ok(None)
        }
    }

    /// Waits for the lock at `path` (for short critical sections, e.g. moving files).
    pub fn acquire(path: &Path) -> Result<SyncLock> {
        let file = open(path)?;
        lock(&file, true).map_err(|source| io(path, source))?;
        Ok(SyncLock { _file: file })
    }

    /// Says, until dropped, that this process waits for the lock at `path`.
    pub fn wait_in_line(path: &Path) -> Result<Waiting> {
        let path = waiting_path(path);
        let file = open(&path)?;
        share(&file).map_err(|source| io(&path, source))?;
        Ok(Waiting { _file: file })
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
