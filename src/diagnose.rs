//! `topogy verify` and `topogy doctor`: failure → cause → fix, the ordered checklist for a
//! refused key, and the redacted report for a support ticket.
//!
//! Both use the same endpoint, key resolution and API client as every other command
//! ([`crate::context`]), with a client tuned to answer quickly instead of waiting out long
//! retry-after periods. The wizard reuses [`checklist`] and [`identity`].

pub mod checklist;
mod doctor;
pub mod identity;
mod key_file;
pub mod network;
pub mod plan;
pub mod verify;

use std::time::Duration;

use serde::Serialize;

use crate::api::{ApiError, Client, ClientConfig};
use crate::context::client_config;
use crate::credentials::ApiKey;
use crate::exit::ExitCode;
use crate::settings::Settings;

pub use checklist::{ChecklistItem, Step, Verdict};
pub use doctor::{DoctorReport, examine, examine_with};
pub use identity::{OrgIdentity, identify};
pub use verify::{VerifyReport, VerifyResult};

/// Client settings for a diagnosis: the same client as everything else, but a person is
/// waiting, so a couple of quick retries and no waiting out a long `retry-after`.
pub fn quick_config(settings: &Settings, base_url: &str) -> ClientConfig {
    ClientConfig {
        max_retries: 2,
        backoff_base: Duration::from_millis(250),
        backoff_cap: Duration::from_secs(2),
        timeout: Duration::from_secs(15),
        max_retry_after: Duration::from_secs(5),
        ..client_config(settings, base_url)
    }
}

/// The API client a diagnosis uses for `key`.
pub fn client(settings: &Settings, base_url: &str, key: ApiKey) -> Result<Client, ApiError> {
    Client::new(key, quick_config(settings, base_url))
}

/// `topogy verify [--json]`: local checks and one live request, printed to standard output;
/// returns the exit status.
pub async fn verify(settings: &Settings, json: bool) -> ExitCode {
    let report = verify::check(settings).await;
    print(
        json.then(|| report.to_json()),
        || report.to_text(),
        report.exit_code(),
    )
}

/// `topogy doctor [--json]`: the whole setup, as a report to paste into a ticket.
pub async fn doctor(settings: &Settings, json: bool) -> ExitCode {
    let report = examine(settings).await;
    print(
        json.then(|| report.to_json()),
        || report.to_text(),
        report.exit_code(),
    )
}

/// Prints a report on standard output: its JSON when asked for, else its text.
fn print(
    json: Option<serde_json::Value>,
    text: impl FnOnce() -> String,
    code: ExitCode,
) -> ExitCode {
    let text = match json {
        Some(value) => format!("{value:#}\n"),
        None => text(),
    };
    crate::stdout::report(text, code)
}

/// How one check of a report came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl CheckStatus {
    /// The mark in the text report.
    pub fn mark(self) -> &'static str {
        match self {
            CheckStatus::Pass => "✓",
            CheckStatus::Warn => "!",
            CheckStatus::Fail => "✗",
            CheckStatus::Skip => "-",
        }
    }
}

/// One line of a report: what was checked, how it came out, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable name (`dns`, `engagement_api`, …).
    pub id: &'static str,
    pub title: &'static str,
    pub status: CheckStatus,
    pub summary: String,
    pub cause: Option<String>,
    pub fixes: Vec<String>,
    pub request_ids: Vec<String>,
    /// The exit status this check alone would give (0 unless it failed).
    #[serde(skip)]
    pub exit_code: ExitCode,
}

impl Check {
    /// A passed check.
    pub fn pass(id: &'static str, title: &'static str, summary: &str) -> Check {
        Check {
            id,
            title,
            status: CheckStatus::Pass,
            summary: summary.to_owned(),
            cause: None,
            fixes: Vec::new(),
            request_ids: Vec::new(),
            exit_code: ExitCode::Ok,
        }
    }

    /// A check that could not run.
    pub fn skip(id: &'static str, title: &'static str, summary: &str) -> Check {
        Check {
            status: CheckStatus::Skip,
            ..Check::pass(id, title, summary)
        }
    }

    /// Marks the check failed by `error`, with its cause, fixes and request id.
    pub fn fail(&mut self, error: &ApiError, exit_code: ExitCode) {
        self.status = CheckStatus::Fail;
        self.cause = Some(error.to_string());
        self.fixes = error.fixes().into_iter().map(str::to_owned).collect();
        self.request_ids
            .extend(error.request_id().map(str::to_owned));
        self.exit_code = exit_code;
    }
}
