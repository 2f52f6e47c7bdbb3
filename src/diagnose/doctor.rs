//! `topogy doctor`: everything a support engineer would check, as one redacted report.
//!
//! Key source and storage, the key's shape, proxy, DNS, connect, TLS/HTTP, clock skew, one
//! probe of each endpoint family (engagement answers a bad key 404, cost 401), the latest
//! available day of each dataset, rate-limit headroom and the local store. The key appears
//! only as its fingerprint; proxy passwords are masked; the home directory is shown as `~`.

mod api_checks;
mod key_checks;
mod store_checks;

use api_checks::{cost_check, engagement_check, rate_limit_check};
use key_checks::{key_check, shape_check, storage_check};
use store_checks::{freshness_check, store_check};

use std::fmt::Write as _;
use std::io::IsTerminal;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::network::{self, Target};
use super::plan;
use super::{Check, CheckStatus, client};
use crate::context::{Endpoint, resolve_key};
use crate::credentials::{KeyError, Resolved, Severity};
use crate::exit::ExitCode;
use crate::settings::Settings;

/// The whole report: facts about the machine, then the checks in order.
#[derive(Debug, Clone)]
pub struct DoctorReport {
    pub facts: Vec<(&'static str, String)>,
    pub checks: Vec<Check>,
}

impl DoctorReport {
    /// The exit status: that of the first failed check (0 when none failed).
    pub fn exit_code(&self) -> ExitCode {
        self.checks
            .iter()
            .find(|c| c.status == CheckStatus::Fail)
            .map_or(ExitCode::Ok, |c| c.exit_code.max(ExitCode::Other))
    }

    /// Plain text, ready to paste into a ticket.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "topogy doctor report (redacted: the key appears only as its fingerprint)\n\n",
        );
        for (name, value) in &self.facts {
            let _ = writeln!(out, "{name:<10} {value}");
        }
        let _ = writeln!(out);
        for check in &self.checks {
            let _ = writeln!(
                out,
                "{} {:<15} {}",
                check.status.mark(),
                check.title,
                check.summary
            );
            if let Some(cause) = &check.cause {
                let _ = writeln!(out, "    cause: {cause}");
            }
            for fix in &check.fixes {
                let _ = writeln!(out, "    fix:   {fix}");
            }
            if !check.request_ids.is_empty() {
                let _ = writeln!(out, "    request ids: {}", check.request_ids.join(", "));
            }
        }
        let failed = self
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .count();
        let warned = self
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Warn)
            .count();
        let _ = writeln!(
            out,
            "\nresult: {failed} failed, {}; exit status {}",
            crate::metrics::plural(
                u64::try_from(warned).unwrap_or(u64::MAX),
                "warning",
                "warnings"
            ),
            self.exit_code()
        );
        out
    }

    /// The same report as JSON.
    pub fn to_json(&self) -> Value {
        let facts: serde_json::Map<String, Value> = self
            .facts
            .iter()
            .map(|(k, v)| ((*k).replace(' ', "_"), Value::String(v.clone())))
            .collect();
        json!({
            "report": "topogy doctor",
            "facts": facts,
            "checks": self.checks,
            "exit_code": self.exit_code(),
        })
    }
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
    let base = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    pretty.map_or(base.clone(), |p| format!("{base} ({p})"))
}

fn terminal() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut parts = vec![format!(
        "TERM={}",
        var("TERM").unwrap_or_else(|| "(unset)".to_owned())
    )];
    for name in ["COLORTERM", "TERM_PROGRAM", "TMUX"] {
        if let Some(v) = var(name) {
            parts.push(if name == "TMUX" {
                "inside tmux".to_owned()
            } else {
                format!("{name}={v}")
            });
        }
    }
    if var("NO_COLOR").is_some() {
        parts.push("NO_COLOR".to_owned());
    }
    if std::io::stdout().is_terminal() {
        if let Ok((w, h)) = crossterm::terminal::size() {
            parts.push(format!("{w}×{h}"));
        }
    } else {
        parts.push("output is not a terminal".to_owned());
    }
    parts.join(" · ")
}

/// Runs every check; never prints.
pub async fn examine(settings: &Settings) -> DoctorReport {
    // Under `--demo` the simulator lives until every check has run.
    match Endpoint::open(settings).await {
        Ok(endpoint) => examine_with(settings, &endpoint.base_url, resolve_key(settings)).await,
        Err(e) => {
            let mut check = Check::skip("setup", "Setup", "");
            check.status = CheckStatus::Fail;
            check.summary = e.to_string();
            check.exit_code = e.exit_code();
            DoctorReport {
                facts: facts(settings, &settings.base_url, false, Utc::now()),
                checks: vec![check],
            }
        }
    }
}

/// What the report says of this machine and setup, before any check.
fn facts(
    settings: &Settings,
    base_url: &str,
    simulated: bool,
    now: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    let base_url = if simulated {
        format!("{base_url} (built-in simulator, --demo)")
    } else {
        network::mask_credentials(base_url)
    };
    vec![
        ("version", format!("topogy {}", env!("CARGO_PKG_VERSION"))),
        ("os", os_name()),
        ("terminal", terminal()),
        ("base URL", base_url),
        ("profile", settings.profile.clone()),
        ("time", now.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
    ]
}

/// Every check against `base_url` with the key already found: `topogy doctor`'s own, or the
/// dashboard's `Y` with the endpoint and key it runs with (standard input is read once, and
/// `--demo` asks the simulator already running).
pub async fn examine_with(
    settings: &Settings,
    base_url: &str,
    resolved: Result<Resolved, KeyError>,
) -> DoctorReport {
    let now = Utc::now();
    let facts = facts(settings, base_url, settings.demo, now);
    let mut checks = Vec::new();
    checks.push(key_check(&resolved));
    checks.push(storage_check(settings));
    let key = resolved.ok();
    checks.push(shape_check(key.as_ref()));
    checks.push(network::proxy_check());
    match Target::parse(base_url) {
        Ok(target) => {
            let (dns, addrs) = network::dns_check(&target).await;
            checks.push(dns);
            checks.push(network::connect_check(&target, &addrs).await);
            let http = network::http_check(&target, base_url).await;
            checks.push(http.check);
            checks.push(network::clock_check(http.clocks));
        }
        Err(message) => {
            let mut check = Check::skip("base_url", "Base URL", &message);
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Usage;
            check.fixes = vec![
                "Set --base-url / TOPOGY_BASE_URL to an http(s) URL such as \
                 https://api.anthropic.com."
                    .to_owned(),
            ];
            checks.push(check);
        }
    }
    let usable = key.as_ref().filter(|r| {
        !r.findings
            .iter()
            .any(|f| f.severity() == Severity::Blocking)
    });
    let api = usable.map(|r| client(settings, base_url, r.key.clone()));
    let latest = match api {
        Some(Ok(api)) => {
            let today = now.date_naive();
            let (engagement, probe) = engagement_check(&api, today, usable).await;
            let latest_day = probe.as_ref().and_then(|p| p.latest_available);
            let (cost, refreshed) = cost_check(&api, today).await;
            checks.push(engagement);
            checks.push(cost);
            // Whether the cost figures are the bill or only extra usage (seat-based plans).
            if let Some(probe) = &probe {
                checks.push(
                    plan::examine(
                        &api,
                        probe,
                        crate::config::plan_setting(settings.paths.config_file.as_deref()),
                        today,
                    )
                    .await
                    .check(),
                );
            }
            checks.push(rate_limit_check(&api, settings.budget.requests_per_minute));
            Some((latest_day, refreshed))
        }
        Some(Err(e)) => {
            let mut check = Check::skip("engagement_api", "Engagement API", "");
            check.fail(&e, e.exit_code());
            check.summary = "the client could not be set up".to_owned();
            checks.push(check);
            None
        }
        None => {
            for (id, title) in [
                ("engagement_api", "Engagement API"),
                ("cost_api", "Cost API"),
                ("plan", "Plan"),
                ("rate_limit", "Rate limit"),
            ] {
                checks.push(Check::skip(id, title, "skipped: no usable key"));
            }
            None
        }
    };
    let (store, stored) = store_check(settings);
    checks.push(freshness_check(latest, &stored, settings.store.is_some()));
    checks.push(store);
    DoctorReport { facts, checks }
}
