//! What a command runs against: the key, the base URL, the store, and the simulator under `--demo`.

use std::path::PathBuf;

use crate::api::{Client, ClientConfig};
use crate::cli::GlobalArgs;
use crate::credentials::{self, ApiKey, KeySource};
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
}

impl ContextError {
    /// The exit status of the command-line contract.
    pub fn exit_code(&self) -> i32 {
        match self {
            ContextError::Api(e) => e.exit_code(),
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
    Store::default_path(profile).ok_or(ContextError::NoDataDir)
}

impl Context {
    /// Resolves the key (or starts the simulator), opens the store and builds the client.
    pub async fn open(global: &GlobalArgs, options: SyncOptions) -> Result<Context, ContextError> {
        let (key, key_source, base_url, simulator) = if global.demo {
            let handle = sim::spawn(SimConfig {
                users: global.demo_users,
                fault: global.fault,
                ..SimConfig::default()
            })
            .await
            .map_err(ContextError::Simulator)?;
            let url = handle.base_url();
            (
                ApiKey::new(sim::DEMO_KEY),
                KeySource::Demo,
                url,
                Some(handle),
            )
        } else {
            let (key, source) = credentials::resolve(global.key_stdin)?;
            (key, source, global.base_url.clone(), None)
        };
        let client = Client::new(
            key,
            ClientConfig {
                base_url: base_url.clone(),
                requests_per_window: global.rpm,
                ..ClientConfig::default()
            },
        )?;
        let (store, store_notice) = Store::open(&store_path(global)?)?;
        Ok(Context {
            syncer: Syncer::new(client, store, options),
            key_source,
            base_url,
            simulator,
            store_notice,
        })
    }
}
