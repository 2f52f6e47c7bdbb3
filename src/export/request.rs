//! What `topogy export` is asked for, in plain values: the table, the range, the format and
//! where to write.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// Which table to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    /// One row per person active in the range
    Developers,
    /// One row per day
    Daily,
}

/// Output format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    /// The format asked for, else the one the output file's name implies, else JSON.
    pub fn for_output(asked: Option<Format>, output: Option<&Path>) -> Format {
        let named_csv = output
            .and_then(|p| p.extension())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        asked.unwrap_or(if named_csv { Format::Csv } else { Format::Json })
    }
}

/// One export: `view` for `from..=to` (UTC days), as `format`, to `output` or standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub view: View,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub format: Format,
    pub output: Option<PathBuf>,
}
