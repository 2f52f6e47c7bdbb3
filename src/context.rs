//! What a command runs against: the key, the base URL, the store, and the simulator under `--demo`.

use std::path::PathBuf;

use crate::api::{Client, ClientConfig, SharedBudget};
use crate::credentials::{self, ApiKey, KeySource, Resolved};
use crate::exit::ExitCode;
use crate::settings::Settings;
use crate::sim::{self, SimHandle};
use crate::store::orgs::{self, OrgStores};
use crate::store::{OpenNotice, Store};
use crate::sync::{Home, SyncOptions, Syncer};

/// Everything a command needs, assembled from its [`Settings`].
pub struct Context {
    pub syncer: Syncer,
    pub key_source: KeySource,
    pub base_url: String,
    /// The in-process simulator under `--demo`; kept alive as long as the context.
    pub simulator: Option<SimHandle>,
    /// A message about how the store was opened (e.g. a damaged file moved aside).
    pub store_notice: Option<OpenNotice>,
}

/// Why a context could not be built, worded as advice.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error(transparent)]
    Key(#[from] credentials::KeyError),
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("could not start the built-in simulator: {0}")]
    Simulator(std::io::Error),
    #[error("no data directory could be found for the local store; set XDG_DATA_HOME or HOME")]
    NoDataDir,
    #[error(transparent)]
    Profile(#[from] credentials::storage::ProfileError),
}

impl ContextError {
    /// The exit status of the command-line contract.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            ContextError::Api(e) => e.exit_code(),
            // A profile name is a command-line value: a usage error.
            ContextError::Profile(_) => ExitCode::Usage,
            _ => ExitCode::Other,
        }
    }
}

/// Where a profile keeps its stores (one per organization) and its log file.
pub fn profile_dir(settings: &Settings) -> Result<PathBuf, ContextError> {
    credentials::storage::check_profile(&settings.profile)?;
    settings
        .profile_dir()
        .map(PathBuf::from)
        .ok_or(ContextError::NoDataDir)
}

/// The profile's stores, the single store of older versions moved into their layout first.
pub fn org_stores(settings: &Settings) -> Result<(OrgStores, Option<OpenNotice>), ContextError> {
    let stores = OrgStores::new(profile_dir(settings)?).shared(settings.store.clone());
    let notice = stores.migrate_single_store()?;
    Ok((stores, notice))
}

/// How a key is recognised among a profile's stores: under `--demo` the built-in simulator is
/// always the same organization, wherever it listens.
pub fn key_tag(settings: &Settings, key: &ApiKey, base_url: &str) -> String {
    orgs::key_tag(
        &key.fingerprint(),
        if settings.demo { "demo" } else { base_url },
    )
}

/// Where requests go: the base URL, and the simulator behind it under `--demo`.
pub struct Endpoint {
    pub base_url: String,
    /// The in-process simulator under `--demo`.
    pub simulator: Option<SimHandle>,
}

impl Endpoint {
    /// The configured base URL, or a freshly started simulator under `--demo`.
    pub async fn open(settings: &Settings) -> Result<Endpoint, ContextError> {
        if !settings.demo {
            return Ok(Endpoint {
                base_url: settings.base_url.clone(),
                simulator: None,
            });
        }
        let handle = sim::spawn(settings.demo_simulator())
            .await
            .map_err(ContextError::Simulator)?;
        Ok(Endpoint {
            base_url: handle.base_url(),
            simulator: Some(handle),
        })
    }
}

/// The key a command runs with: the simulator's under `--demo`, else the first of
/// `--key-stdin`, `TOPOGY_API_KEY` and the profile's stored key.
pub fn resolve_key(settings: &Settings) -> Result<Resolved, credentials::KeyError> {
    if settings.demo {
        return Ok(Resolved {
            key: ApiKey::new(sim::DEMO_KEY),
            source: KeySource::Demo,
            findings: Vec::new(),
            backend: None,
        });
    }
    credentials::resolve(settings.key_stdin, &settings.key_profile)
}

/// The client settings every command uses for `base_url`: the budget is shared with every
/// other topogy process of the profile through `budget.db` in the profile's directory.
pub fn client_config(settings: &Settings, base_url: &str) -> ClientConfig {
    let shared_budget = settings
        .paths
        .budget_file()
        .map(|file| SharedBudget::at(&file));
    ClientConfig {
        base_url: base_url.to_owned(),
        requests_per_window: settings.budget.requests_per_minute,
        background_percent: settings.budget.background_percent,
        shared_budget,
        ..ClientConfig::default()
    }
}

impl Context {
    /// Resolves the key (or starts the simulator), opens the store and builds the client.
    pub async fn open(settings: &Settings, options: SyncOptions) -> Result<Context, ContextError> {
        let endpoint = Endpoint::open(settings).await?;
        let resolved = resolve_key(settings)?;
        Context::with_key(settings, options, endpoint, resolved.key, resolved.source)
    }

    /// Builds the client and opens the store of the organization the key is known to reach
    /// (a key met for the first time gets its store when its first sync learns it).
    pub fn with_key(
        settings: &Settings,
        options: SyncOptions,
        endpoint: Endpoint,
        key: ApiKey,
        key_source: KeySource,
    ) -> Result<Context, ContextError> {
        let (stores, moved) = org_stores(settings)?;
        let tag = key_tag(settings, &key, &endpoint.base_url);
        let client = Client::new(key, client_config(settings, &endpoint.base_url))?;
        let organization = stores.reached_by(&tag);
        let (store, opened) = match &organization {
            Some(org) => stores.open(org, &tag, options.clock.now())?,
            None => (Store::open_in_memory()?, None),
        };
        let store_notice = OpenNotice::join(moved, opened);
        let home = Home::new(stores, tag, organization);
        Ok(Context {
            syncer: Syncer::new(client, store, options).at_home(home),
            key_source,
            base_url: endpoint.base_url,
            simulator: endpoint.simulator,
            store_notice,
        })
    }
}
