//! Logs go to a file beside the profile's store (owner-only), never to the terminal; `TOPOGY_LOG`
//! sets the level.

use std::fs::OpenOptions;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::cli::GlobalArgs;

/// Environment variable with a tracing filter, e.g. `debug` or `topogy=trace`.
pub const LOG_ENV: &str = "TOPOGY_LOG";

/// Starts file logging at `<data dir>/<profile>/topogy.log`. Logging is best-effort: when the
/// file cannot be opened the program runs without it.
pub fn init(global: &GlobalArgs) {
    let Ok(dir) = crate::context::profile_dir(global) else {
        return;
    };
    let path = dir.join("topogy.log");
    if let Some(dir) = path.parent()
        && crate::private_files::create_dir(dir).is_err()
    {
        return;
    }
    if crate::private_files::ensure_file(&path).is_err() {
        return;
    }
    let Ok(file) = OpenOptions::new().append(true).open(&path) else {
        return;
    };
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
