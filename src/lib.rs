//! topogy: Claude Enterprise Analytics in the terminal — client, store, sync, simulator, export.
//!
//! The layers, from the wire up: [`api`] (client, pacing, error classification), [`store`]
//! (SQLite), [`sync`] (plans the fewest requests and fills the store), [`metrics`] (aggregates
//! for views), [`export`] (JSON/CSV of those aggregates). [`sim`] imitates the API for `--demo`
//! and the tests; it shares no types with [`api`].
//!
//! Every command takes a plain [`settings::Settings`], resolved once in `main.rs` from the
//! command line ([`cli`], the only module that knows clap) and the environment.

pub mod api;
pub mod cli;
pub mod collect;
pub mod config;
pub mod context;
pub mod credentials;
pub mod days;
pub mod diagnose;
pub mod exit;
pub mod export;
pub mod logging;
pub mod metrics;
pub mod private_files;
pub mod settings;
pub mod signals;
pub mod sim;
pub mod stdout;
pub mod store;
pub mod sync;
pub mod tui;
