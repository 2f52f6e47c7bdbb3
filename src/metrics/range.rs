//! The preset date ranges: the picker's one-key choices and the config's `default_range`.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

/// A date range the picker offers in one key press, and the config's `default_range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum RangePreset {
    Days(u16),
    MonthToDate,
}

/// The spellings `default_range` accepts, in the order the error lists them.
const CONFIG_NAMES: [(&str, RangePreset); 5] = [
    ("7d", RangePreset::Days(7)),
    ("30d", RangePreset::Days(30)),
    ("90d", RangePreset::Days(90)),
    ("365d", RangePreset::Days(365)),
    ("mtd", RangePreset::MonthToDate),
];

impl Default for RangePreset {
    fn default() -> Self {
        RangePreset::Days(30)
    }
}

impl RangePreset {
    /// How the config file spells it (`30d`, `mtd`); custom day counts as `<n>d`.
    pub fn config_name(self) -> String {
        match self {
            RangePreset::Days(n) => format!("{n}d"),
            RangePreset::MonthToDate => "mtd".to_owned(),
        }
    }
}

/// A config value is one of the spellings or refused with all of them named, never guessed.
impl TryFrom<String> for RangePreset {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        CONFIG_NAMES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|&(_, preset)| preset)
            .ok_or_else(|| {
                let names: Vec<&str> = CONFIG_NAMES.iter().map(|(name, _)| *name).collect();
                format!("default_range {text:?} is not one of {}", names.join(", "))
            })
    }
}

/// The default ranges the date picker offers.
pub fn preset_range(preset: RangePreset, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    match preset {
        RangePreset::Days(n) => (today - Duration::days(i64::from(n) - 1), today),
        RangePreset::MonthToDate => (today.with_day(1).unwrap_or(today), today),
    }
}
