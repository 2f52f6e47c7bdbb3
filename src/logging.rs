//! Logs go to a file beside the profile's store (owner-only), never to the terminal — except for
//! `collect`, which has no screen and logs to standard error or `--log-file`; `TOPOGY_LOG` sets
//! the level.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::settings::Settings;

/// Environment variable with a tracing filter, e.g. `debug` or `topogy=trace`.
pub const LOG_ENV: &str = "TOPOGY_LOG";

/// Starts file logging at `<data dir>/<profile>/topogy.log`. Logging is best-effort: when the
/// file cannot be opened the program runs without it.
pub fn init(settings: &Settings) {
    if let Some(file) = settings.paths.log_file() {
        let _ = init_file(&file);
    }
}

/// Appends the log to `path` (created owner-only, its directory too).
pub fn init_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_files::create_dir(dir)?;
    }
    crate::private_files::ensure_file(path)?;
    let file = OpenOptions::new().append(true).open(path)?;
    install(Mutex::new(file), false);
    Ok(())
}

/// Logs to standard error (what a service manager such as systemd's journal collects).
pub fn init_stderr() {
    install(
        std::io::stderr,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
}

fn install<W>(writer: W, ansi: bool)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer)
        .try_init();
}
