//! The sync lock: an OS file lock beside a store, held by the one process that syncs it.

use std::fs::{File, OpenOptions};
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
}

fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| io(dir, source))?;
    }
    OpenOptions::new()
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

/// Without `flock`, every process may sync; SQLite's own locking still keeps the store whole.
#[cfg(not(unix))]
fn lock(_file: &File, _wait: bool) -> std::io::Result<bool> {
    Ok(true)
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
}
