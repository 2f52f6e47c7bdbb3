//! `topogy doctor`: everything a support engineer would check, as one redacted report.
//!
//! Key source and storage, the key's shape, proxy, DNS, connect, TLS/HTTP, clock skew, one
//! probe of each endpoint family (engagement answers a bad key 404, cost 401), the latest
//! available day of each dataset, rate-limit headroom and the local store. The key appears
//! only as its fingerprint; proxy passwords are masked; the home directory is shown as `~`.

use std::fmt::Write as _;
use std::io::IsTerminal;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::checklist::{self, checklist};
use super::key_file::{KeyFile, describe_key_file};
use super::network::{self, Target};
use super::plan;
use super::{Check, CheckStatus, client};
use crate::api::{ApiError, Client, ProbeOutcome};
use crate::cli::{GlobalArgs, ReportArgs};
use crate::context::{Endpoint, profile_dir, resolve_key};
use crate::credentials::{self, KeyError, Resolved, Severity, display_path, storage};
use crate::exit::ExitCode;
use crate::store::{Integrity, OrgStores, Store};

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
            "\nresult: {failed} failed, {warned} warning(s); exit status {}",
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

/// `topogy doctor [--json]`.
pub async fn run(global: &GlobalArgs, args: &ReportArgs) -> ExitCode {
    let report = examine(global).await;
    let text = if args.json {
        format!(
            "{:#}
",
            report.to_json()
        )
    } else {
        report.to_text()
    };
    crate::stdout::report(text, report.exit_code())
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
pub async fn examine(global: &GlobalArgs) -> DoctorReport {
    let now = Utc::now();
    let mut facts = vec![
        ("version", format!("topogy {}", env!("CARGO_PKG_VERSION"))),
        ("os", os_name()),
        ("terminal", terminal()),
        ("base URL", network::mask_credentials(&global.base_url)),
        ("profile", crate::context::profile_name(global).to_owned()),
        ("time", now.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
    ];
    let mut checks = Vec::new();
    let endpoint = match Endpoint::open(global).await {
        Ok(e) => e,
        Err(e) => {
            let mut check = Check::skip("setup", "Setup", "");
            check.status = CheckStatus::Fail;
            check.summary = e.to_string();
            check.exit_code = e.exit_code();
            checks.push(check);
            return DoctorReport { facts, checks };
        }
    };
    if endpoint.simulator.is_some() {
        facts[3].1 = format!("{} (built-in simulator, --demo)", endpoint.base_url);
    }
    let resolved = resolve_key(global);
    checks.push(key_check(&resolved));
    checks.push(storage_check(global));
    let key = resolved.ok();
    checks.push(shape_check(key.as_ref()));
    checks.push(network::proxy_check());
    match Target::parse(&endpoint.base_url) {
        Ok(target) => {
            let (dns, addrs) = network::dns_check(&target).await;
            checks.push(dns);
            checks.push(network::connect_check(&target, &addrs).await);
            let http = network::http_check(&target, &endpoint.base_url).await;
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
    let api = usable.map(|r| client(global, &endpoint.base_url, r.key.clone()));
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
                    plan::examine(&api, probe, crate::config::plan_setting(), today)
                        .await
                        .check(),
                );
            }
            checks.push(rate_limit_check(&api, global.rpm));
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
    let (store, stored) = store_check(global);
    checks.push(freshness_check(latest, &stored));
    checks.push(store);
    drop(endpoint);
    DoctorReport { facts, checks }
}

fn key_check(resolved: &Result<Resolved, KeyError>) -> Check {
    match resolved {
        Ok(r) => Check::pass(
            "key_source",
            "Key",
            &format!("{} from {}", r.key.fingerprint(), r.source),
        ),
        Err(e) => {
            let mut check = Check::skip("key_source", "Key", "no usable key");
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.cause = Some(e.to_string());
            check.fixes = match e {
                KeyError::InsecureKeyFile { path, .. } => {
                    vec![format!("chmod 600 {path}")]
                }
                KeyError::ForeignKeyFile { path, .. } => vec![format!(
                    "Delete {path} (another user owns it) and set the key up again with `topogy`."
                )],
                KeyError::InsecureKeyDir { path, .. } => vec![format!("chmod 700 {path}")],
                KeyError::NotAKeyFile { path, .. } => vec![format!(
                    "Remove {path} (it is not a plain file) and set the key up again with `topogy`."
                )],
                _ => vec![
                    "Run `topogy` and paste the key into the setup wizard (it is kept in the OS \
                     keychain, or in an owner-only file if you agree)."
                        .to_owned(),
                    "Or pipe it in with --key-stdin, or set TOPOGY_API_KEY.".to_owned(),
                ],
            };
            check
        }
    }
}

fn storage_check(global: &GlobalArgs) -> Check {
    if global.demo {
        return Check::pass(
            "key_storage",
            "Key storage",
            "--demo: the simulator's key is built in; nothing is stored",
        );
    }
    let keychain = match storage::keychain_status() {
        Ok(()) => "OS keychain available".to_owned(),
        Err(reason) => format!("no OS keychain ({reason})"),
    };
    let file = match storage::key_file_path(&global.profile) {
        Ok(path) => describe_key_file(&path),
        Err(e) => KeyFile::Unknown(e.to_string()),
    };
    let mut check = Check::pass(
        "key_storage",
        "Key storage",
        &format!("{keychain} · {}", file.describe()),
    );
    if matches!(file, KeyFile::ReadableByOthers { .. }) {
        check.status = CheckStatus::Fail;
        check.exit_code = ExitCode::Other;
    }
    check
}

fn shape_check(key: Option<&Resolved>) -> Check {
    let Some(resolved) = key else {
        return Check::skip("key_shape", "Key shape", "skipped: no key");
    };
    let mut check = Check::pass(
        "key_shape",
        "Key shape",
        &format!(
            "{} characters, looks like an Analytics API key",
            resolved.key.expose().chars().count()
        ),
    );
    let worst = resolved.findings.iter().map(|f| f.severity()).max();
    if let Some(worst) = worst {
        let said: Vec<String> = resolved.findings.iter().map(ToString::to_string).collect();
        check.summary = format!(
            "{} characters; {}",
            resolved.key.expose().chars().count(),
            said.join("; ")
        );
        match worst {
            Severity::Notice => {}
            Severity::Warning => check.status = CheckStatus::Warn,
            Severity::Blocking => {
                check.status = CheckStatus::Fail;
                check.exit_code = ExitCode::KeyRejected;
                check.fixes = checklist(None, &resolved.findings)
                    .into_iter()
                    .map(|i| format!("[{}] {}: {}", i.verdict.mark(), i.step.title(), i.note))
                    .collect();
            }
        }
    }
    check
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
}

/// Fails `check` with `error`, adding the refused-key checklist when it applies.
fn fail_with(check: &mut Check, error: &ApiError, findings: &[credentials::Finding]) {
    check.fail(error, error.exit_code());
    if checklist::applies_to(error) {
        check.fixes = checklist(Some(error), findings)
            .into_iter()
            .map(|i| format!("[{}] {}: {}", i.verdict.mark(), i.step.title(), i.note))
            .collect();
    }
    check.summary = match error.status() {
        Some(status) => format!("HTTP {status}: {}", error.cause()),
        None => error.cause().to_owned(),
    };
}

async fn engagement_check(
    api: &Client,
    today: NaiveDate,
    resolved: Option<&Resolved>,
) -> (Check, Option<ProbeOutcome>) {
    let mut check = Check::pass("engagement_api", "Engagement API", "");
    match api.probe_at(today).await {
        Ok(probe) => {
            let mut facts = vec!["/summaries accepted the key".to_owned()];
            match probe.latest_available {
                Some(day) => facts.push(format!("data through {day}")),
                None => facts.push("no recent day served yet (late data)".to_owned()),
            }
            if let Some(seats) = probe.seats {
                facts.push(format!("{seats} seats"));
            }
            check.summary = facts.join(" · ");
            check.request_ids.extend(probe.request_id.clone());
            (check, Some(probe))
        }
        Err(e) => {
            let findings = resolved.map_or(&[][..], |r| r.findings.as_slice());
            fail_with(&mut check, &e, findings);
            (check, None)
        }
    }
}

async fn cost_check(api: &Client, today: NaiveDate) -> (Check, Option<DateTime<Utc>>) {
    let mut check = Check::pass("cost_api", "Cost API", "");
    let start = today.checked_sub_days(Days::new(2)).unwrap_or(today);
    let result = api.cost_report(midnight(start), midnight(today), &[]).await;
    let last_id = api
        .recent_requests()
        .last()
        .and_then(|r| r.request_id.clone());
    match result {
        Ok(report) => {
            let mut facts = vec!["cost_report accepted the key".to_owned()];
            if let Some(at) = report.data_refreshed_at {
                facts.push(format!("refreshed {}", at.format("%Y-%m-%d %H:%M UTC")));
            }
            if let Some(org) = &report.organization_id {
                facts.push(format!("organization {org}"));
            }
            check.summary = facts.join(" · ");
            check.request_ids.extend(last_id);
            (check, report.data_refreshed_at)
        }
        Err(e) => {
            fail_with(&mut check, &e, &[]);
            (check, None)
        }
    }
}

fn rate_limit_check(api: &Client, rpm: u32) -> Check {
    let requests = api.recent_requests();
    if requests.iter().all(|r| r.status.is_none()) {
        return Check::skip(
            "rate_limit",
            "Rate limit",
            "skipped: the API was not reached",
        );
    }
    let refused: Vec<_> = requests.iter().filter(|r| r.status == Some(429)).collect();
    let mut check = Check::pass(
        "rate_limit",
        "Rate limit",
        &format!(
            "no 429 in {} request(s); the organization's budget ({rpm}/min here, 60 by \
             default) is shared by every key and tool",
            requests.len()
        ),
    );
    if !refused.is_empty() {
        check.status = CheckStatus::Fail;
        check.exit_code = ExitCode::ApiError;
        check.summary = format!(
            "{} of {} request(s) refused with 429: no headroom right now",
            refused.len(),
            requests.len()
        );
        check.cause = Some(
            "other tools or keys of the organization are using the shared per-minute limit"
                .to_owned(),
        );
        check.fixes = vec![
            "Wait a minute and run doctor again.".to_owned(),
            "Space out other tools that poll the Analytics API, or ask your Anthropic account \
             team to raise the limit."
                .to_owned(),
        ];
        check.request_ids = refused
            .iter()
            .filter_map(|r| r.request_id.clone())
            .collect();
    }
    check
}

/// What the local store holds, per dataset: (label, last day held).
type Held = Vec<(&'static str, NaiveDate)>;

fn store_check(global: &GlobalArgs) -> (Check, Held) {
    let Ok(dir) = profile_dir(global) else {
        let mut check = Check::skip("store", "Local store", "no data directory");
        check.status = CheckStatus::Warn;
        return (check, Vec::new());
    };
    // The store of the organization this profile showed last (each has its own).
    let stores = OrgStores::new(dir);
    let path = stores
        .last_shown()
        .map_or_else(|| stores.dir().join("orgs"), |org| stores.path(&org));
    let shown = display_path(&path);
    if !path.is_file() {
        return (
            Check::pass(
                "store",
                "Local store",
                &format!("none yet at {shown}; the first sync creates it"),
            ),
            Vec::new(),
        );
    }
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let opened = Store::open_reader(&path).and_then(|s| Ok((s.quick_check()?, s.last_fetches()?)));
    match opened {
        Ok((Integrity::Intact, fetches)) => {
            let held = fetches
                .iter()
                .map(|f| (f.dataset.label(), f.end.pred_opt().unwrap_or(f.end)))
                .collect();
            let last = fetches.iter().map(|f| f.fetched_at).max();
            let summary = format!(
                "{shown}: intact, {} KiB, {} dataset(s){}",
                size / 1024,
                fetches.len(),
                last.map(|t| format!(", last fetch {}", t.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default()
            );
            (Check::pass("store", "Local store", &summary), held)
        }
        Ok((Integrity::Damaged(verdict), _)) => {
            let mut check = Check::pass("store", "Local store", &format!("{shown}: damaged"));
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.cause = Some(format!("SQLite quick_check: {verdict}"));
            check.fixes = vec![format!(
                "Move {shown} aside; topogy rebuilds it from the API (engagement history older \
                 than ~90 days cannot be fetched again)."
            )];
            (check, Vec::new())
        }
        Err(e) => {
            let mut check = Check::pass("store", "Local store", &format!("{shown}: unreadable"));
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.cause = Some(e.to_string());
            check.fixes = vec!["Check the file's permissions and free disk space.".to_owned()];
            (check, Vec::new())
        }
    }
}

fn freshness_check(
    latest: Option<(Option<NaiveDate>, Option<DateTime<Utc>>)>,
    held: &Held,
) -> Check {
    let mut parts = Vec::new();
    match latest {
        Some((engagement, cost)) => {
            parts.push(format!(
                "API: engagement and adoption through {}",
                engagement.map_or_else(|| "unknown".to_owned(), |d| d.to_string())
            ));
            parts.push(format!(
                "cost refreshed {}",
                cost.map_or_else(
                    || "unknown".to_owned(),
                    |t| t.format("%Y-%m-%d %H:%M UTC").to_string()
                )
            ));
        }
        None => parts.push("API: not asked (no usable key)".to_owned()),
    }
    if held.is_empty() {
        parts.push("stored: nothing yet".to_owned());
    } else {
        let stored: Vec<String> = held.iter().map(|(l, d)| format!("{l} {d}")).collect();
        parts.push(format!("stored through: {}", stored.join(", ")));
    }
    Check::pass("freshness", "Latest data", &parts.join(" · "))
}
