//! Which organization's store a sync may touch (learned before anything is written), and the
//! sync lock that lets one process at a time sync it while the others show its results.

use std::path::PathBuf;
use std::time::{Duration as StdDuration, Instant};

use tokio::sync::mpsc;

use super::plan::now;
use super::{SyncError, SyncEvent, Syncer};
use crate::store::{Dataset, Location, OrgStores, Store, SyncLock};

/// How often a process waiting for another's sync looks at the lock (and reloads its views).
const LOCK_POLL: StdDuration = StdDuration::from_millis(500);
/// How often the views of a waiting process re-read the store the other process is filling.
const RELOAD_EVERY: StdDuration = StdDuration::from_secs(2);

/// A profile's stores and the key a syncer runs with: until the organization is known, the
/// syncer holds a throwaway in-memory store, so nothing is written (or marked final) anywhere.
#[derive(Debug, Clone)]
pub struct Home {
    stores: OrgStores,
    key_tag: String,
    organization: Option<String>,
}

impl Home {
    /// `organization` is the one `key_tag` is known to reach, if any.
    pub fn new(stores: OrgStores, key_tag: String, organization: Option<String>) -> Home {
        Home {
            stores,
            key_tag,
            organization,
        }
    }
}

/// An organization the sync learned: its id and where its store is, for the views to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub organization: String,
    pub store: Location,
}

/// Learns the organization the key reaches (one cost request) when it is not known yet, and
/// moves the syncer onto that organization's store.
pub(super) async fn identify(
    syncer: &mut Syncer,
    notices: &mpsc::UnboundedSender<SyncEvent>,
) -> Result<(), SyncError> {
    let Some(home) = syncer.home.as_ref().filter(|h| h.organization.is_none()) else {
        return Ok(());
    };
    let key_tag = home.key_tag.clone();
    syncer.client.add_planned(1);
    let found = syncer.client.organization(now(syncer).date_naive()).await?;
    // An API that names no organization: the key itself keeps its data apart.
    let organization = found.unwrap_or_else(|| {
        let fingerprint = key_tag.split('@').next().unwrap_or_default();
        format!("unnamed-{}", fingerprint.trim_start_matches("fp:"))
    });
    let at = now(syncer);
    let Some(home) = syncer.home.as_mut() else {
        return Ok(());
    };
    let (store, notice) = home.stores.open(&organization, &home.key_tag, at)?;
    let reached = Reached {
        organization: organization.clone(),
        store: store
            .location()
            .cloned()
            .unwrap_or_else(|| Location::File(PathBuf::new())),
    };
    home.organization = Some(organization);
    syncer.store = store;
    if let Some(notice) = notice {
        let _ = notices.send(SyncEvent::Notice(notice.0));
    }
    let _ = notices.send(SyncEvent::Organization(reached));
    Ok(())
}

/// Keeps the organization an answer names (for the Status screen) and checks it against the
/// store's: a key that reaches another organization than its store's never writes there. The
/// key is forgotten for that store, so the next sync learns where it belongs.
pub(super) fn check_organization(syncer: &mut Syncer, id: Option<&str>) -> Result<(), SyncError> {
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        return Ok(());
    };
    let recorded = syncer.store.meta(crate::store::MetaKey::Organization)?;
    match recorded {
        None => {
            syncer
                .store
                .set_meta(crate::store::MetaKey::Organization, id)?;
            Ok(())
        }
        Some(recorded) if recorded == id => Ok(()),
        Some(recorded) => {
            if let Some(home) = syncer.home.as_mut() {
                home.stores.forget_key(&recorded, &home.key_tag)?;
                home.organization = None;
                syncer.store = Store::open_in_memory()?;
            }
            Err(SyncError::OtherOrganization {
                recorded,
                reached: id.to_owned(),
            })
        }
    }
}

/// Takes the store's sync lock (a file lock, or a PostgreSQL advisory lock for a shared
/// store); while another process holds it, says so (and who, for a shared store), lets the
/// views reload what that process writes, and waits. `None` for a store in memory.
pub(super) async fn lock(
    syncer: &mut Syncer,
    notices: &mpsc::UnboundedSender<SyncEvent>,
) -> Result<Option<SyncLock>, SyncError> {
    let Some(place) = syncer.store.location().cloned() else {
        return Ok(None);
    };
    // A process waiting for the lock goes first: one that has just released it (a dashboard
    // between backfill chunks) gives the waiter two of its polls to take it.
    if SyncLock::others_waiting_at(&place)? {
        tokio::time::sleep(LOCK_POLL * 2).await;
    }
    if let Some(lock) = SyncLock::try_acquire_at(&place)? {
        return Ok(Some(lock));
    }
    let _in_line = SyncLock::wait_in_line_at(&place)?;
    let _ = notices.send(SyncEvent::OtherSyncing(true));
    let who = SyncLock::holder_at(&place).map_or_else(String::new, |who| format!(" ({who})"));
    let _ = notices.send(SyncEvent::Notice(format!(
        "another topogy is syncing this organization{who}: showing its results, waiting for \
         it to finish before fetching what is still missing"
    )));
    let started = Instant::now();
    let mut reloaded = Instant::now();
    loop {
        tokio::time::sleep(LOCK_POLL).await;
        if let Some(lock) = SyncLock::try_acquire_at(&place)? {
            let waited = started.elapsed().as_secs_f64();
            tracing::info!(waited, "another process's sync ended");
            let _ = notices.send(SyncEvent::Notice(format!(
                "the other topogy finished syncing after {waited:.1} s; continuing from what it \
                 stored"
            )));
            let _ = notices.send(SyncEvent::OtherSyncing(false));
            let _ = notices.send(SyncEvent::Stored(Dataset::UsersDay));
            return Ok(Some(lock));
        }
        if reloaded.elapsed() >= RELOAD_EVERY {
            reloaded = Instant::now();
            let _ = notices.send(SyncEvent::Stored(Dataset::UsersDay));
        }
    }
}
