//! The settings a command runs with, resolved once at start: the profile (with `--demo` folded
//! in), the endpoint, the request budget, where the key comes from, and the paths.

use std::path::{Path, PathBuf};

use crate::sim::{Fault, SimConfig, Variant};

/// The profile name the demo uses, so simulated data never mixes with a real organization's.
pub const DEMO_PROFILE: &str = "demo";

/// The platform's directories for topogy; every path topogy keeps comes from here.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "topogy")
}

/// Everything the commands need to know from the command line and the environment, in plain
/// values (no clap types), decided in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The built-in simulator stands in for the API (no key, no network).
    pub demo: bool,
    /// The profile the command works in (store, log, budget): [`DEMO_PROFILE`] under `--demo`.
    pub profile: String,
    /// The profile whose key is stored and looked up: the one named, `--demo` or not.
    pub key_profile: String,
    /// Read the key from standard input (before the environment and the stored key).
    pub key_stdin: bool,
    /// Where requests go when there is no simulator, credentials in it already checked.
    pub base_url: String,
    /// How many requests this process may make, and how many of them background work may.
    pub budget: Budget,
    /// The simulator that `--demo` starts.
    pub simulator: Simulated,
    /// The files and directories, from one [`project_dirs`].
    pub paths: Paths,
    /// A shared PostgreSQL database for the organizations' stores (`--store`), instead of a
    /// SQLite file per organization under the profile.
    pub store: Option<crate::store::postgres::PgUrl>,
}

/// The request budget: the organization's limit is shared by everyone's tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Requests per minute this process may make.
    pub requests_per_minute: u32,
    /// The percentage of that budget the history backfill may use.
    pub background_percent: u32,
}

/// How `--demo`'s simulator behaves, to rehearse a failure or an API variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulated {
    pub users: usize,
    pub fault: Option<Fault>,
    pub variants: Vec<Variant>,
}

/// Where topogy keeps its files; `None` where the platform has no such directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `<config dir>/config.toml`.
    pub config_file: Option<PathBuf>,
    /// `<data dir>/<profile>`: the profile's stores (one per organization), budget and log.
    pub profile_dir: Option<PathBuf>,
}

impl Paths {
    /// The paths of `profile` (already checked as a directory name).
    pub fn of_profile(profile: &str) -> Paths {
        let dirs = project_dirs();
        Paths {
            config_file: dirs.as_ref().map(|d| d.config_dir().join("config.toml")),
            profile_dir: dirs.as_ref().map(|d| d.data_dir().join(profile)),
        }
    }

    /// The log file of the profile: `<profile dir>/topogy.log`.
    pub fn log_file(&self) -> Option<PathBuf> {
        self.profile_dir.as_ref().map(|d| d.join("topogy.log"))
    }

    /// The request budget every topogy process of the profile shares.
    pub fn budget_file(&self) -> Option<PathBuf> {
        self.profile_dir.as_ref().map(|d| d.join("budget.db"))
    }
}

impl Settings {
    /// The effective profile for `named` (the `--profile` given): `--demo` has its own.
    pub fn profile_for(demo: bool, named: &str) -> &str {
        if demo { DEMO_PROFILE } else { named }
    }

    /// The profile's directory, if the platform has a data directory.
    pub fn profile_dir(&self) -> Option<&Path> {
        self.paths.profile_dir.as_deref()
    }

    /// The simulator `--demo` starts (and `topogy sim`, with its own size, seed and port): the
    /// simulated organization's limit is the budget this process was given.
    pub fn demo_simulator(&self) -> SimConfig {
        SimConfig {
            users: self.simulator.users,
            fault: self.simulator.fault,
            requests_per_window: self.budget.requests_per_minute,
            run: rand::random(),
            ..SimConfig::default()
        }
        .with_variants(&self.simulator.variants)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_its_own_profile_whatever_profile_is_named() {
        assert_eq!(Settings::profile_for(true, "work"), DEMO_PROFILE);
        assert_eq!(Settings::profile_for(false, "work"), "work");
    }

    #[test]
    fn a_profiles_files_live_in_its_own_directory() {
        let paths = Paths::of_profile("work");
        let Some(dir) = paths.profile_dir.clone() else {
            return; // no data directory on this machine: nothing to place
        };
        assert!(dir.ends_with("work"));
        assert_eq!(paths.log_file(), Some(dir.join("topogy.log")));
        assert_eq!(paths.budget_file(), Some(dir.join("budget.db")));
        assert!(
            paths
                .config_file
                .is_some_and(|f| f.ends_with("config.toml"))
        );
    }
}
