//! What a command runs against: the key, the base URL, the store, and the simulator under `--demo`.

use std::path::PathBuf;

use crate::api::{Client, ClientConfig, SharedBudget};
use crate::cli::GlobalArgs;
use crate::credentials::{self, ApiKey, KeySource, Resolved};
use crate::exit::ExitCode;
use crate::sim::{self, SimConfig, SimHandle};
use crate::store::orgs::{self, OrgStores};
use crate::store::{OpenNotice, Store};
use crate::sync::{Home, SyncOptions, Syncer};

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
    pub fn exit_code(&self) -> ExitCode {
        match self {
            ContextError::Api(e) => e.exit_code(),
            // A profile name is a command-line value: a usage error.
            ContextError::Profile(_) => ExitCode::Usage,
            _ => ExitCode::Other,
        }
    }
}

/// The profile a command works in: `--demo` has its own.
pub fn profile_name(global: &GlobalArgs) -> &str {
    if global.demo {
        DEMO_PROFILE
    } else {
        global.profile.as_str()
    }
}

/// Where a profile keeps its stores (one per organization) and its log file.
pub fn profile_dir(global: &GlobalArgs) -> Result<PathBuf, ContextError> {
    let profile = profile_name(global);
    credentials::storage::check_profile(profile)?;
    Store::profile_dir(profile).ok_or(ContextError::NoDataDir)
}

/// The profile's stores, the single store of older versions moved into their layout first.
pub fn org_stores(global: &GlobalArgs) -> Result<(OrgStores, Option<OpenNotice>), ContextError> {
    let stores = OrgStores::new(profile_dir(global)?).shared(global.store.clone());
    let notice = stores.migrate_single_store()?;
    Ok((stores, notice))
}

/// How a key is recognised among a profile's stores: under `--demo` the built-in simulator is
/// always the same organization, wherever it listens.
pub fn key_tag(global: &GlobalArgs, key: &ApiKey, base_url: &str) -> String {
    orgs::key_tag(
        &key.fingerprint(),
        if global.demo { "demo" } else { base_url },
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
                run: rand::random(),
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
/// other topogy process of the profile through `budget.db` in the profile's directory.
pub fn client_config(global: &GlobalArgs, base_url: &str) -> ClientConfig {
    let shared_budget = profile_dir(global)
        .ok()
        .map(|dir| SharedBudget::at(&dir.join("budget.db")));
    ClientConfig {
        base_url: base_url.to_owned(),
        requests_per_window: global.rpm,
        background_percent: global.background_share,
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

    /// Builds the client and opens the store of the organization the key is known to reach
    /// (a key met for the first time gets its store when its first sync learns it).
    pub fn with_key(
        global: &GlobalArgs,
        options: SyncOptions,
        endpoint: Endpoint,
        key: ApiKey,
        key_source: KeySource,
    ) -> Result<Context, ContextError> {
        let (stores, moved) = org_stores(global)?;
        let tag = key_tag(global, &key, &endpoint.base_url);
        let client = Client::new(key, client_config(global, &endpoint.base_url))?;
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
