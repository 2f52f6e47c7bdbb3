//! `topogy verify` and `topogy doctor`: failure → cause → fix, and the redacted report.

use crate::cli::{GlobalArgs, ReportArgs};

/// `topogy verify`: local checks and one live request; returns the exit status.
pub async fn verify(_global: &GlobalArgs, _args: &ReportArgs) -> i32 {
    eprintln!("topogy: verify is being built (issue 3)");
    1
}

/// `topogy doctor`: the whole setup, as a report to paste into a ticket.
pub async fn doctor(_global: &GlobalArgs, _args: &ReportArgs) -> i32 {
    eprintln!("topogy: doctor is being built (issue 3)");
    1
}
