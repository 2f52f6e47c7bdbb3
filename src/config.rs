//! The TOML config file (refresh, range, theme, plan, keys), its commented defaults embedded
//! from `assets/`; where it lives comes from [`crate::settings::Paths`].

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::exit::ExitCode;
use crate::metrics::{PlanSetting, RangePreset};
use crate::tui::keymap::{KeyOverrides, KeySpec, KeyTable};

/// The commented default configuration, as shipped in `assets/config.toml`.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// The dashboard's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Minutes between background refreshes.
    pub refresh_interval_minutes: u64,
    /// The range the dashboard opens with: `7d`, `30d`, `90d`, `365d` or `mtd`.
    pub default_range: RangePreset,
    /// `dark`, `light` or `mono`.
    pub theme: ThemeName,
    /// `auto`, `seat-based` or `usage-based`: whether the cost figures are the bill or only
    /// extra usage (the API does not say).
    pub plan: PlanSetting,
    /// `[keys]`: action names mapped to keys, over the built-in key table.
    pub keys: KeyOverrides,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            refresh_interval_minutes: 15,
            default_range: RangePreset::Days(30),
            theme: ThemeName::Dark,
            plan: PlanSetting::Auto,
            keys: KeyOverrides::new(),
        }
    }
}

/// The `theme` setting: which palette the dashboard draws with (`NO_COLOR` still wins).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    Mono,
}

impl ThemeName {
    const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Mono];

    /// The spelling in the config file.
    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }
}

/// A config value is one of the names or refused with all of them named, never guessed.
impl TryFrom<String> for ThemeName {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        ThemeName::ALL
            .into_iter()
            .find(|t| t.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = ThemeName::ALL.iter().map(|t| t.name()).collect();
                format!("theme {text:?} is not one of {}", names.join(", "))
            })
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

/// The config's `plan`; `auto` when the file is missing or invalid (`topogy config` says why).
pub fn plan_setting(file: Option<&Path>) -> PlanSetting {
    Config::load(file).map(|c| c.plan).unwrap_or_default()
}

impl Config {
    /// Reads the config file (`Settings::paths`' `config_file`); a missing file, or no config
    /// directory, means the defaults.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let Some(path) = file else {
            return Ok(Config::default());
        };
        match std::fs::read_to_string(path) {
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
        if config.refresh_interval_minutes == 0 {
            return Err("refresh_interval_minutes must be at least 1".to_owned());
        }
        KeyTable::with_overrides(&config.keys).map_err(|e| e.to_string())?;
        Ok(config)
    }
}

/// `topogy config`: prints the defaults (`print_default`), or where the file is and whether it
/// is valid.
pub fn command(file: Option<&Path>, print_default: bool) -> ExitCode {
    if print_default {
        return crate::stdout::report(DEFAULT_CONFIG, ExitCode::Ok);
    }
    let where_ = file.map_or_else(
        || "(no config directory)".to_owned(),
        |p| p.display().to_string(),
    );
    match Config::load(file) {
        Ok(config) => {
            let mut text = format!(
                "config file: {where_}\nrefresh_interval_minutes = {}\ndefault_range = {:?}\n\
                 theme = {:?}\nplan = {:?}\n",
                config.refresh_interval_minutes,
                config.default_range.config_name(),
                config.theme.name(),
                config.plan.name()
            );
            if !config.keys.is_empty() {
                text.push_str("[keys]\n");
                for (action, keys) in &config.keys {
                    let _ = match keys {
                        KeySpec::One(key) => writeln!(text, "{action} = {key:?}"),
                        KeySpec::Many(keys) => writeln!(text, "{action} = {keys:?}"),
                    };
                }
            }
            crate::stdout::report(text, ExitCode::Ok)
        }
        Err(e) => {
            eprintln!("topogy: {e}");
            ExitCode::Other
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
        assert_eq!(
            Config::parse("default_range = \"5d\"").err().as_deref(),
            Some("default_range \"5d\" is not one of 7d, 30d, 90d, 365d, mtd")
        );
    }

    #[test]
    fn every_accepted_spelling_reads_as_its_value() {
        let range = |text: &str| {
            Config::parse(&format!("default_range = {text:?}")).map(|c| c.default_range)
        };
        assert_eq!(range("7d"), Ok(RangePreset::Days(7)));
        assert_eq!(range("365d"), Ok(RangePreset::Days(365)));
        assert_eq!(range("mtd"), Ok(RangePreset::MonthToDate));
        let theme = |text: &str| Config::parse(&format!("theme = {text:?}")).map(|c| c.theme);
        assert_eq!(theme("light"), Ok(ThemeName::Light));
        assert_eq!(theme("mono"), Ok(ThemeName::Mono));
        assert!(theme("Dark").is_err(), "spellings are exact, as before");
    }
}
