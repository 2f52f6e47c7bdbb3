//! What a command runs against: the key, the base URL, the store, and the simulator under `--demo`.

use std::path::PathBuf;

use crate::api::{Client, ClientConfig, SharedBudget};
use crate::cli::GlobalArgs;
use crate::credentials::{self, ApiKey, KeySource, Resolved};
use crate::sim::{self, SimConfig, SimHandle};
use crate::store::{OpenNotice, Store};
use crate::sync::{SyncOptions, Syncer};

/// The profile name the demo uses, so simulated data never mixes with a real organization's.
pub const DEMO_PROFILE: &str = "demo";

/// Everything a command needs, assembled from the global options.
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
    pub fn exit_code(&self) -> i32 {
        match self {
            ContextError::Api(e) => e.exit_code(),
            // A profile name is a command-line value: a usage error.
            ContextError::Profile(_) => 2,
            _ => 1,
        }
    }
}

/// Where a profile keeps its store (and its log file beside it).
pub fn store_path(global: &GlobalArgs) -> Result<PathBuf, ContextError> {
    let profile = if global.demo {
        DEMO_PROFILE
    } else {
        global.profile.as_str()
    };
    credentials::storage::check_profile(profile)?;
    Store::default_path(profile).ok_or(ContextError::NoDataDir)
}

/// Where requests go: the base URL, and the simulator behind it under `--demo`.
pub struct Endpoint {
    pub base_url: String,
    /// The in-process simulator under `--demo`.
    pub simulator: Option<SimHandle>,
}

impl Endpoint {
    /// The configured base URL, or a freshly started simulator under `--demo`.
    pub async fn open(global: &GlobalArgs) -> Result<Endpoint, ContextError> {
        if !global.demo {
            return Ok(Endpoint {
                base_url: global.base_url.clone(),
                simulator: None,
            });
        }
        // The simulated organization's limit is the budget this process was given.
        let handle = sim::spawn(
            SimConfig {
                users: global.demo_users,
                fault: global.fault,
                requests_per_window: global.rpm,
                ..SimConfig::default()
            }
            .with_variants(&global.variant),
        )
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
pub fn resolve_key(global: &GlobalArgs) -> Result<Resolved, credentials::KeyError> {
    if global.demo {
        return Ok(Resolved {
            key: ApiKey::new(sim::DEMO_KEY),
            source: KeySource::Demo,
            findings: Vec::new(),
            backend: None,
        });
    }
    credentials::resolve(global.key_stdin, &global.profile)
}

/// The client settings every command uses for `base_url`: the budget is shared with every
/// other topogy process of the profile through `budget.db` beside its store.
pub fn client_config(global: &GlobalArgs, base_url: &str) -> ClientConfig {
    let shared_budget = store_path(global).ok().and_then(|p| {
        p.parent()
            .map(|dir| SharedBudget::at(&dir.join("budget.db")))
    });
    ClientConfig {
        base_url: base_url.to_owned(),
        requests_per_window: global.rpm,
        shared_budget,
        ..ClientConfig::default()
    }
}

impl Context {
    /// Resolves the key (or starts the simulator), opens the store and builds the client.
    pub async fn open(global: &GlobalArgs, options: SyncOptions) -> Result<Context, ContextError> {
        let endpoint = Endpoint::open(global).await?;
        let resolved = resolve_key(global)?;
        Context::with_key(global, options, endpoint, resolved.key, resolved.source)
    }

    /// Builds the client and opens the store for a key already in hand (the wizard's).
    pub fn with_key(
        global: &GlobalArgs,
        options: SyncOptions,
        endpoint: Endpoint,
        key: ApiKey,
        key_source: KeySource,
    ) -> Result<Context, ContextError> {
        let client = Client::new(key, client_config(global, &endpoint.base_url))?;
        let (store, store_notice) = Store::open(&store_path(global)?)?;
        Ok(Context {
            syncer: Syncer::new(client, store, options),
            key_source,
            base_url: endpoint.base_url,
            simulator: endpoint.simulator,
            store_notice,
        })
    }
}
