//! One store per organization under a profile: where each lives, which one a key reaches, which
//! one the profile showed last, and the single store of older versions moved into that layout.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::open::{checkpoint, move_files};
use super::{MetaKey, OpenNotice, Result, Store, SyncLock};

const STORE_FILE: &str = "topogy.db";

/// The stores of one profile: `<profile dir>/orgs/<organization id>/topogy.db`, each with its
/// own `sync.lock`. A key reaches exactly one organization, so it only ever opens that one's.
#[derive(Debug, Clone)]
pub struct OrgStores {
    dir: PathBuf,
}

/// How a key is recognised again without a request: its fingerprint and where it is sent
/// (the same key at another base URL may be another organization, e.g. two simulators).
pub fn key_tag(fingerprint: &str, base_url: &str) -> String {
    format!("{fingerprint}@{}", base_url.trim_end_matches('/'))
}

impl OrgStores {
    /// The stores under `dir` (a profile's directory).
    pub fn new(dir: PathBuf) -> OrgStores {
        OrgStores { dir }
    }

    /// The profile's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the store of `organization` lives.
    pub fn path(&self, organization: &str) -> PathBuf {
        let safe: String = organization
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join("orgs").join(safe).join(STORE_FILE)
    }

    /// Every organization with a store here: `(organization id, store path, last shown)`.
    pub fn organizations(&self) -> Vec<(String, PathBuf, Option<DateTime<Utc>>)> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("orgs")) else {
            return Vec::new();
        };
        let mut out: Vec<_> = entries
            .flatten()
            .map(|e| e.path().join(STORE_FILE))
            .filter(|p| p.exists())
            .filter_map(|path| {
                let store = Store::open_reader(&path).ok()?;
                let org = store.meta(MetaKey::Organization).ok()??;
                let shown = store
                    .meta(MetaKey::ShownAt)
                    .ok()
                    .flatten()
                    .and_then(|t| t.parse::<DateTime<Utc>>().ok());
                Some((org, path, shown))
            })
            .collect();
        out.sort();
        out
    }

    /// The organization a key (see [`key_tag`]) reached before, if any store says so.
    pub fn reached_by(&self, key_tag: &str) -> Option<String> {
        self.organizations().into_iter().find_map(|(org, path, _)| {
            let store = Store::open_reader(&path).ok()?;
            store.meta(MetaKey::ReachedBy(key_tag)).ok()?.map(|_| org)
        })
    }

    /// The organization this profile showed last.
    pub fn last_shown(&self) -> Option<String> {
        self.organizations()
            .into_iter()
            .filter_map(|(org, _, shown)| Some((shown?, org)))
            .max()
            .map(|(_, org)| org)
    }

    /// Says so when `organization` is not the one this profile showed last.
    pub fn switch_notice(&self, organization: &str) -> Option<String> {
        let last = self.last_shown()?;
        (last != organization).then(|| switch_message(organization, &last))
    }

    /// Opens (creating it, named for its organization) the store of `organization`, records
    /// that `key_tag` reaches it and that it is shown now. The notice says when the profile
    /// last showed another organization, or how the store was opened.
    pub fn open(
        &self,
        organization: &str,
        key_tag: &str,
        now: DateTime<Utc>,
    ) -> Result<(Store, Option<OpenNotice>)> {
        let switched = self.switch_notice(organization);
        let (mut store, notice) = Store::open(&self.path(organization))?;
        if store.meta(MetaKey::Organization)?.is_none() {
            store.set_meta(MetaKey::Organization, organization)?;
        }
        let reached = MetaKey::ReachedBy(key_tag);
        if store.meta(reached)?.is_none() {
            store.set_meta(reached, &now.to_rfc3339())?;
        }
        store.set_meta(MetaKey::ShownAt, &now.to_rfc3339())?;
        Ok((store, OpenNotice::join(switched.map(OpenNotice), notice)))
    }

    /// Forgets that `key_tag` reaches `organization` (its answer named another one).
    pub fn forget_key(&self, organization: &str, key_tag: &str) -> Result<()> {
        let path = self.path(organization);
        if path.exists() {
            let (mut store, _) = Store::open(&path)?;
            store.delete_meta(MetaKey::ReachedBy(key_tag))?;
        }
        Ok(())
    }

    /// Moves the single `<profile>/topogy.db` of older versions to the store of the
    /// organization it records. One that never learned its organization cannot be told apart
    /// from another's data: it is moved aside, kept, and not read.
    pub fn migrate_single_store(&self) -> Result<Option<OpenNotice>> {
        let single = self.dir.join(STORE_FILE);
        if !single.exists() {
            return Ok(None);
        }
        // Two processes starting at once: the second finds the file gone.
        let _guard = SyncLock::acquire(&self.dir.join("orgs").join("migrate.lock"))?;
        if !single.exists() {
            return Ok(None);
        }
        let organization = Store::open_reader(&single)
            .ok()
            .and_then(|s| s.meta(MetaKey::Organization).ok().flatten());
        let target = organization
            .as_deref()
            .map(|org| self.path(org))
            .filter(|p| !p.exists());
        match (organization, target) {
            (Some(org), Some(target)) => {
                checkpoint(&single);
                move_files(&single, &target)?;
                Ok(Some(OpenNotice(format!(
                    "the local store now keeps each organization apart; the existing data \
                     (organization {org}) moved to {}",
                    target.display()
                ))))
            }
            (organization, _) => {
                let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
                let aside = single.with_extension(format!("db.unassigned-{stamp}"));
                move_files(&single, &aside)?;
                let why = match organization {
                    Some(org) => format!("organization {org} already has a store"),
                    None => "it never recorded which organization it belongs to".to_owned(),
                };
                Ok(Some(OpenNotice(format!(
                    "the old local store was moved to {} and is not read ({why}); data will be \
                     fetched again for the organization your key reaches",
                    aside.display()
                ))))
            }
        }
    }
}

/// What the wizard, `verify` and the dashboard say when a key reaches another organization
/// than the one the profile showed last.
pub fn switch_message(reached: &str, last: &str) -> String {
    format!(
        "this key reaches {reached}; this profile last showed {last} — its data stays apart \
         (each organization has its own store) and shows again with a key of {last}"
    )
}
