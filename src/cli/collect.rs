//! `topogy collect`'s options: the schedule of its rounds, its log and its metrics endpoint.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use crate::collect::CollectOptions;

/// `topogy collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Time between rounds, e.g. 30m, 1h, 6h (the API refreshes its data daily)
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = every)]
    pub every: std::time::Duration,
    /// The oldest day to keep (UTC, YYYY-MM-DD); by default every day the API still serves,
    /// as the dashboard's background backfill
    #[arg(long, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Run one round, then exit (for cron or a systemd timer); exit status as `export`
    #[arg(long)]
    pub once: bool,
    /// Append the log to this file instead of standard error
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Serve OpenMetrics (Prometheus) at http://ADDRESS/metrics, e.g. 127.0.0.1:9464
    #[arg(long, value_name = "ADDRESS")]
    pub metrics: Option<std::net::SocketAddr>,
    /// Also expose per-person figures, labelled by e-mail address (personal data)
    #[arg(long, requires = "metrics")]
    pub metrics_per_person: bool,
}

impl CollectArgs {
    /// How the collector is asked to run.
    pub fn options(&self) -> CollectOptions {
        CollectOptions {
            every: self.every,
            since: self.since,
            once: self.once,
            log_file: self.log_file.clone(),
            metrics: self.metrics,
            metrics_per_person: self.metrics_per_person,
        }
    }
}

/// A time between rounds: a whole number and a unit (`s`, `m`, `h` or `d`), at least a minute.
fn every(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => 0,
    };
    match number.parse::<u64>() {
        Ok(n) if seconds > 0 && n.saturating_mul(seconds) >= 60 => {
            Ok(std::time::Duration::from_secs(n.saturating_mul(seconds)))
        }
        _ => Err("give a duration of at least a minute, e.g. 30m, 1h or 1d".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_interval_is_a_number_and_a_unit_of_at_least_a_minute() {
        assert_eq!(every("1h"), Ok(std::time::Duration::from_secs(3_600)));
        assert_eq!(every("30m"), Ok(std::time::Duration::from_secs(1_800)));
        assert_eq!(every("90s"), Ok(std::time::Duration::from_secs(90)));
        assert_eq!(every("1d"), Ok(std::time::Duration::from_secs(86_400)));
        for refused in ["10s", "0m", "1", "h", "1.5h", "-1h", "1h30m", ""] {
            assert!(every(refused).is_err(), "{refused}");
        }
    }
}
