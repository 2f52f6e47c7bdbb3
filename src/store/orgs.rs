//! One store per organization under a profile: where each lives, which one a key reaches, which
//! one the profile showed last, and the single store of older versions moved into that layout.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::db::{args, first};
use super::open::{checkpoint, move_files};
use super::postgres::{PgUrl, Session, quote, schema_for};
use super::{Location, MetaKey, OpenNotice, Result, Store, SyncLock};

const STORE_FILE: &str = "topogy.db";

/// The stores of one profile: `<profile dir>/orgs/<organization id>/topogy.db`, each with its
/// own `sync.lock`; or, shared, the schema `topogy_<organization id>` of one PostgreSQL
/// database. A key reaches exactly one organization, so it only ever opens that one's.
#[derive(Debug, Clone)]
pub struct OrgStores {
    dir: PathBuf,
    shared: Option<PgUrl>,
}

/// How a key is recognised again without a request: its fingerprint and where it is sent
/// (the same key at another base URL may be another organization, e.g. two simulators).
pub fn key_tag(fingerprint: &str, base_url: &str) -> String {
    format!("{fingerprint}@{}", base_url.trim_end_matches('/'))
}

impl OrgStores {
    /// The stores under `dir` (a profile's directory).
    pub fn new(dir: PathBuf) -> OrgStores {
        OrgStores { dir, shared: None }
    }

    /// The same stores kept in the PostgreSQL database at `url` instead (when `Some`).
    pub fn shared(self, url: Option<PgUrl>) -> OrgStores {
        OrgStores {
            shared: url,
            ..self
        }
    }

    /// Where the store of `organization` lives: its file, or its schema of the shared database.
    pub fn location(&self, organization: &str) -> Location {
        match &self.shared {
            Some(url) => Location::Postgres {
                url: url.clone(),
                schema: schema_for(organization),
            },
            None => Location::File(self.path(organization)),
        }
    }

    /// The profile's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the store of `organization` lives.
    pub fn path(&self, organization: &str) -> PathBuf {
        self.dir
            .join("orgs")
            .join(safe_name(organization))
            .join(STORE_FILE)
    }

    /// Every organization with a store here: `(organization id, its store, last shown)`.
    pub fn organizations(&self) -> Vec<(String, Location, Option<DateTime<Utc>>)> {
        if let Some(url) = &self.shared {
            return shared_organizations(url);
        }
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
                Some((org, Location::File(path), shown))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The organization a key (see [`key_tag`]) reached before, if any store says so.
    pub fn reached_by(&self, key_tag: &str) -> Option<String> {
        self.organizations()
            .into_iter()
            .find_map(|(org, location, _)| {
                let store = location.open_reader().ok()?;
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
        let (mut store, notice) = match self.location(organization) {
            Location::File(path) => Store::open(&path)?,
            Location::Postgres { url, schema } => {
                (Store::open_postgres(&url, &schema, "topogy")?, None)
            }
        };
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
        let mut store = match self.location(organization) {
            Location::File(path) if path.exists() => Store::open(&path)?.0,
            Location::File(_) => return Ok(()),
            Location::Postgres { url, schema } => Store::open_postgres(&url, &schema, "topogy")?,
        };
        store.delete_meta(MetaKey::ReachedBy(key_tag))
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

/// The organizations of a shared database: every `topogy_` schema whose `meta` names one.
/// One connection reads them all; an unreachable server has none (opening the store says why).
fn shared_organizations(url: &PgUrl) -> Vec<(String, Location, Option<DateTime<Utc>>)> {
    let Ok(session) = Session::connect(url, "topogy") else {
        return Vec::new();
    };
    let schemas = session.schemas().unwrap_or_default();
    let mut out: Vec<_> = schemas
        .into_iter()
        .filter_map(|schema| {
            let read = |key: MetaKey<'_>| {
                first(
                    &session,
                    &format!("SELECT value FROM {}.meta WHERE key = ?1", quote(&schema)),
                    &args![key.name()],
                    |r| r.string(0),
                )
                .ok()
                .flatten()
            };
            let org = read(MetaKey::Organization)?;
            let shown = read(MetaKey::ShownAt).and_then(|t| t.parse::<DateTime<Utc>>().ok());
            let location = Location::Postgres {
                url: url.clone(),
                schema,
            };
            Some((org, location, shown))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What the wizard, `verify` and the dashboard say when a key reaches another organization
/// than the one the profile showed last.
pub fn switch_message(reached: &str, last: &str) -> String {
    format!(
        "this key reaches {reached}; this profile last showed {last} — its data stays apart \
         (each organization has its own store) and shows again with a key of {last}"
    )
}

/// An organization id as a name a file system or a database takes: characters outside
/// `[A-Za-z0-9_-]` become `_`.
pub(super) fn safe_name(organization: &str) -> String {
    organization
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
