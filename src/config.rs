//! Settings from the TOML config file, with the commented defaults embedded from `assets/`.

use std::path::PathBuf;

use serde::Deserialize;

use crate::cli::{ConfigArgs, GlobalArgs};
use crate::metrics::PlanSetting;

/// The commented default configuration, as shipped in `assets/config.toml`.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// The dashboard's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Minutes between background refreshes.
    pub refresh_interval_minutes: u64,
    /// The range the dashboard opens with: `7d`, `30d`, `90d`, `365d` or `mtd`.
    pub default_range: String,
    /// `dark`, `light` or `mono`.
    pub theme: String,
    /// `auto`, `seat-based` or `usage-based`: whether the cost figures are the bill or only
    /// extra usage (the API does not say).
    pub plan: PlanSetting,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            refresh_interval_minutes: 15,
            default_range: "30d".to_owned(),
            theme: "dark".to_owned(),
            plan: PlanSetting::Auto,
        }
    }
}

/// A config file that could not be used, worded as advice.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}; `topogy config --print-default` shows every setting")]
    Invalid { path: String, message: String },
}

/// Where the config file lives: `<platform config dir>/config.toml`.
pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "topogy").map(|d| d.config_dir().join("config.toml"))
}

/// The config's `plan`; `auto` when the file is missing or invalid (`topogy config` says why).
pub fn plan_setting() -> PlanSetting {
    Config::load().map(|c| c.plan).unwrap_or_default()
}

impl Config {
    /// Reads the config file; a missing file means the defaults.
    pub fn load() -> Result<Config, ConfigError> {
        let Some(path) = path() else {
            return Ok(Config::default());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text).map_err(|message| ConfigError::Invalid {
                path: path.display().to_string(),
                message,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// Parses config text and checks its values.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        if !["7d", "30d", "90d", "365d", "mtd"].contains(&config.default_range.as_str()) {
            return Err(format!(
                "default_range {:?} is not one of 7d, 30d, 90d, 365d, mtd",
                config.default_range
            ));
        }
        if !["dark", "light", "mono"].contains(&config.theme.as_str()) {
            return Err(format!(
                "theme {:?} is not one of dark, light, mono",
                config.theme
            ));
        }
        if config.refresh_interval_minutes == 0 {
            return Err("refresh_interval_minutes must be at least 1".to_owned());
        }
        Ok(config)
    }
}

/// `topogy config`: prints the defaults, or where the file is and whether it is valid.
pub fn command(_global: &GlobalArgs, args: &ConfigArgs) -> i32 {
    if args.print_default {
        return crate::stdout::report(DEFAULT_CONFIG, 0);
    }
    let where_ = path().map_or_else(
        || "(no config directory)".to_owned(),
        |p| p.display().to_string(),
    );
    match Config::load() {
        Ok(config) => {
            let text = format!(
                "config file: {where_}\nrefresh_interval_minutes = {}\ndefault_range = {:?}\n\
                 theme = {:?}\nplan = {:?}\n",
                config.refresh_interval_minutes,
                config.default_range,
                config.theme,
                config.plan.name()
            );
            crate::stdout::report(text, 0)
        }
        Err(e) => {
            eprintln!("topogy: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_parses_to_the_built_in_defaults() {
        assert_eq!(Config::parse(DEFAULT_CONFIG), Ok(Config::default()));
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::parse("theme = \"neon\"").err();
        assert_eq!(
            err.as_deref(),
            Some("theme \"neon\" is not one of dark, light, mono")
        );
        assert!(Config::parse("colour = 1").is_err());
        assert!(Config::parse("plan = \"seats\"").is_err());
        assert_eq!(
            Config::parse("plan = \"seat-based\"").map(|c| c.plan),
            Ok(PlanSetting::SeatBased)
        );
    }
}
