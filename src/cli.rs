//! The command line: global options and subcommands (clap).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, FromArgMatches, Parser, Subcommand};

mod collect;
mod help;

pub use collect::CollectArgs;

use crate::export::ExportRequest;
pub use crate::export::{Format, View};
use crate::settings::{Budget, Paths, Settings, Simulated};
use crate::sim::{Fault, Variant};

/// Claude Enterprise usage, Claude Code output and cost, in your terminal.
#[derive(Debug, Parser)]
#[command(name = "topogy", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parses the process's arguments (exits with clap's usage error or help, as `parse`).
    pub fn from_command_line() -> Self {
        Self::try_from_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// Parses these arguments (the first is the program's name).
    pub fn try_from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Self::command_line().try_get_matches_from(args)?;
        Self::from_arg_matches(&matches)
    }
}

/// Options every command understands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Use the built-in simulator instead of the real API (no key, no network)
    #[arg(long, global = true)]
    pub demo: bool,
    /// Read the API key from standard input (never pass a key as an argument)
    #[arg(long, global = true)]
    pub key_stdin: bool,
    /// API base URL; /v1/organizations/analytics/... is appended
    #[arg(
        long,
        global = true,
        env = "TOPOGY_BASE_URL",
        default_value = "https://api.anthropic.com"
    )]
    pub base_url: String,
    /// Keeps several organizations apart, each with its own store
    #[arg(long, global = true, env = "TOPOGY_PROFILE", default_value = "default",
          value_parser = profile_name)]
    pub profile: String,
    /// Requests per minute this process may make (the org-wide default limit is 60);
    /// for `sim` and `--demo`, the limit the simulator enforces
    #[arg(long, global = true, env = "TOPOGY_RPM", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub rpm: u32,
    /// The percentage of that budget background work (the history backfill) may use; the
    /// rest stays free for what you open and for the organization's other tools
    #[arg(long, global = true, env = "TOPOGY_BACKGROUND_SHARE", default_value_t = 50,
          value_name = "PERCENT", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub background_share: u32,
    /// With --demo or sim: make the simulator misbehave, to rehearse a failure
    #[arg(long, global = true, value_name = "KIND")]
    pub fault: Option<Fault>,
    /// With --demo or sim: speak one documented variant of the API (repeat or separate with
    /// commas to combine), e.g. errors-bare,no-range,history-366
    #[arg(long, global = true, value_name = "VARIANT", value_delimiter = ',')]
    pub variant: Vec<Variant>,
    /// With --demo: how many people the simulated organization has
    #[arg(long, global = true, default_value_t = 40, hide_short_help = true,
          value_parser = people)]
    pub demo_users: usize,
    /// Keep each organization's store in this PostgreSQL database (postgres://user@host/db)
    /// instead of a SQLite file under the profile: one collector syncs, many dashboards read
    #[arg(long, global = true, env = "TOPOGY_STORE", hide_env_values = true,
          value_name = "URL", value_parser = store_url)]
    pub store: Option<crate::store::postgres::PgUrl>,
}

/// Taken as given; [`GlobalArgs::check`] refuses what is not a `postgres://` URL without
/// echoing it (clap would, password and all).
fn store_url(text: &str) -> Result<crate::store::postgres::PgUrl, String> {
    Ok(crate::store::postgres::PgUrl::given(text))
}

impl GlobalArgs {
    /// Usage errors clap cannot report without echoing a secret: a base URL that holds a
    /// password is named with the password masked. Returns the advice (exit status 2).
    pub fn check(&mut self) -> Result<(), String> {
        self.base_url = crate::api::check_base_url(&self.base_url)?;
        if let Some(url) = &self.store
            && !url.is_postgres()
        {
            return Err(format!(
                "--store (TOPOGY_STORE) takes a postgres:// URL, not {}; without it each \
                 organization's store is a SQLite file under the profile",
                url.redacted()
            ));
        }
        Ok(())
    }

    /// The settings these options (and the environment they read) make: resolved here, once,
    /// so no command decides the profile or a path on its own.
    pub fn settings(&self) -> Settings {
        let profile = Settings::profile_for(self.demo, &self.profile).to_owned();
        Settings {
            demo: self.demo,
            paths: Paths::of_profile(&profile),
            profile,
            key_profile: self.profile.clone(),
            key_stdin: self.key_stdin,
            base_url: self.base_url.clone(),
            budget: Budget {
                requests_per_minute: self.rpm,
                background_percent: self.background_share,
            },
            simulator: Simulated {
                users: self.demo_users,
                fault: self.fault,
                variants: self.variant.clone(),
            },
            store: self.store.clone(),
        }
    }
}

/// The subcommands; without one, topogy opens the dashboard.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an API key: local checks, then one live request; prints the cause and the fix
    Verify(ReportArgs),
    /// Diagnose the whole setup (key, network, API, store) as a redacted report for a ticket
    Doctor(ReportArgs),
    /// Write per-person or per-day figures for a date range as JSON or CSV
    Export(ExportArgs),
    /// Keep the store current without a screen, on a schedule (a service); optionally serve
    /// its figures to Prometheus
    Collect(CollectArgs),
    /// Show or print the configuration file
    Config(ConfigArgs),
    /// Run the simulator as an HTTP server on loopback
    Sim(SimArgs),
}

/// The most people a simulated organization may have: far beyond any real one, small enough
/// that the simulator's data fits in memory.
pub const MAX_SIMULATED_PEOPLE: usize = 100_000;

/// A profile name, checked as the directory name it becomes (a bad one is a usage error).
fn profile_name(text: &str) -> Result<String, String> {
    crate::credentials::storage::check_profile(text)
        .map(|()| text.to_owned())
        .map_err(|e| e.to_string())
}

/// A simulated organization's size: 1 to [`MAX_SIMULATED_PEOPLE`].
fn people(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_SIMULATED_PEOPLE).contains(&n) => Ok(n),
        _ => Err(format!(
            "give a number of people from 1 to {MAX_SIMULATED_PEOPLE}"
        )),
    }
}

/// `topogy verify` / `topogy doctor`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

/// `topogy config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the commented default configuration (to start your own config file)
    #[arg(long)]
    pub print_default: bool,
}

/// `topogy export VIEW --from --to`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    pub view: View,
    /// First day, inclusive (UTC, YYYY-MM-DD)
    #[arg(long)]
    pub from: NaiveDate,
    /// Last day, inclusive (UTC, YYYY-MM-DD)
    #[arg(long)]
    pub to: NaiveDate,
    /// json or csv; without it, an --output name ending in .csv means CSV, anything else JSON
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

impl ExportArgs {
    /// The format asked for, else the one the output file's name implies, else JSON.
    pub fn format(&self) -> Format {
        Format::for_output(self.format, self.output.as_deref())
    }

    /// The export these options ask for.
    pub fn request(&self) -> ExportRequest {
        ExportRequest {
            view: self.view,
            from: self.from,
            to: self.to,
            format: self.format(),
            output: self.output.clone(),
        }
    }
}

/// `topogy sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Loopback port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// People in the simulated organization
    #[arg(long, default_value_t = 40, value_parser = people)]
    pub users: usize,
    /// Seed of the synthetic data
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    // The limit (--rpm) and the fault (--fault) are the global options.
}

impl SimArgs {
    /// The simulator these options ask for: the global `--rpm`, `--fault` and `--variant` as
    /// under `--demo` ([`Settings::demo_simulator`]), with its own size, seed and port.
    pub fn config(&self, settings: &Settings) -> crate::sim::SimConfig {
        crate::sim::SimConfig {
            users: self.users,
            seed: self.seed,
            port: self.port,
            ..settings.demo_simulator()
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on a refused command line"
)]
mod tests {
    use super::*;

    fn export(args: &[&str]) -> ExportArgs {
        let line = [
            "topogy",
            "export",
            "daily",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
        ];
        match Cli::parse_from(line.iter().chain(args)).command {
            Some(Command::Export(args)) => args,
            other => panic!("not an export: {other:?}"),
        }
    }

    #[test]
    fn the_export_format_follows_the_flag_then_the_file_name() {
        assert_eq!(export(&[]).format(), Format::Json);
        assert_eq!(export(&["-o", "out.csv"]).format(), Format::Csv);
        assert_eq!(export(&["-o", "OUT.CSV"]).format(), Format::Csv);
        assert_eq!(export(&["-o", "out.txt"]).format(), Format::Json);
        assert_eq!(export(&["--format", "csv"]).format(), Format::Csv);
        assert_eq!(
            export(&["--format", "json", "-o", "x.csv"]).format(),
            Format::Json
        );
    }

    #[test]
    fn the_demo_works_in_its_own_profile_and_keeps_the_named_one_for_the_key() {
        let settings = |args: &[&str]| {
            Cli::try_from_args(["topogy"].iter().chain(args))
                .unwrap()
                .global
                .settings()
        };
        let demo = settings(&["--demo", "--profile", "work", "--rpm", "7"]);
        assert!(demo.demo);
        assert_eq!(
            (demo.profile.as_str(), demo.key_profile.as_str()),
            ("demo", "work")
        );
        assert_eq!(demo.budget.requests_per_minute, 7);
        assert_eq!(demo.paths, crate::settings::Paths::of_profile("demo"));
        let real = settings(&["--profile", "work"]);
        assert_eq!(
            (real.profile.as_str(), real.key_profile.as_str()),
            ("work", "work")
        );
        assert_eq!(real.paths, crate::settings::Paths::of_profile("work"));
    }
}
