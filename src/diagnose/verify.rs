//! `topogy verify`: the local checks, then the cheapest live request; the cause and the fix.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::checklist::{self, ChecklistItem};
use super::client;
use super::plan::{self, PlanFinding};
use crate::api::{ApiError, ProbeOutcome, mask_credentials};
use crate::context::{Endpoint, profile_dir, resolve_key};
use crate::credentials::{Finding, KeySource, Severity};
use crate::exit::ExitCode;
use crate::settings::Settings;
use crate::store::OrgStores;

/// The key as it may be shown: never its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    pub fingerprint: String,
    pub source: KeySource,
    pub characters: usize,
}

/// How verification ended.
#[derive(Debug, Clone)]
pub enum VerifyResult {
    /// The API accepted the key.
    Works(ProbeOutcome),
    /// No key could be found (or a stored one was refused); the message says what to do.
    NoKey(String),
    /// The local checks stopped the key before any request.
    Blocked,
    /// Something else stopped the check before any request (e.g. the simulator did not start).
    Setup(String),
    /// The API (or the network) said no.
    Failed(ApiError),
}

/// Everything `verify` prints, as data (text and JSON are two views of it).
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub profile: String,
    pub base_url: String,
    pub key: Option<KeyFacts>,
    pub findings: Vec<Finding>,
    pub result: VerifyResult,
    /// When the key reaches another organization than the one this profile showed last: what
    /// to tell the person (that one's data stays in its own store).
    pub switched: Option<String>,
    /// Whether the cost figures are the bill or only extra usage (seat-based plans).
    pub plan: Option<PlanFinding>,
}

impl VerifyReport {
    /// The exit status of the command-line contract.
    pub fn exit_code(&self) -> ExitCode {
        match &self.result {
            VerifyResult::Works(_) => ExitCode::Ok,
            VerifyResult::NoKey(_) | VerifyResult::Setup(_) => ExitCode::Other,
            VerifyResult::Blocked => ExitCode::KeyRejected,
            VerifyResult::Failed(e) => e.exit_code(),
        }
    }

    /// The troubleshooting order, when the failure is about the key.
    pub fn checklist(&self) -> Option<Vec<ChecklistItem>> {
        match &self.result {
            VerifyResult::Blocked => Some(checklist::checklist(None, &self.findings)),
            VerifyResult::Failed(e) if checklist::applies_to(e) => {
                Some(checklist::checklist(Some(e), &self.findings))
            }
            _ => None,
        }
    }

    /// The cause in a few words.
    pub fn cause(&self) -> Option<String> {
        match &self.result {
            VerifyResult::Works(_) => None,
            VerifyResult::NoKey(_) => Some("no key".to_owned()),
            VerifyResult::Setup(_) => Some("setup failed".to_owned()),
            VerifyResult::Blocked => Some(
                if self.findings.contains(&Finding::AdminKey) {
                    "Admin API key used"
                } else {
                    "the key cannot be sent"
                }
                .to_owned(),
            ),
            VerifyResult::Failed(e) => Some(e.cause().to_owned()),
        }
    }

    /// The report as plain text for a terminal or a ticket.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "topogy verify · profile {} · {}",
            self.profile, self.base_url
        );
        if let Some(key) = &self.key {
            let _ = writeln!(
                out,
                "key      {} from {} ({} characters)",
                key.fingerprint, key.source, key.characters
            );
        }
        for finding in &self.findings {
            let label = match finding.severity() {
                Severity::Notice => "notice  ",
                Severity::Warning => "warning ",
                Severity::Blocking => "problem ",
            };
            let _ = writeln!(out, "{label} {finding}");
        }
        match &self.result {
            VerifyResult::Works(probe) => {
                let _ = write!(out, "✓ the key works: the Analytics API accepted it");
                if let Some(id) = &probe.request_id {
                    let _ = write!(out, " (request id {id})");
                }
                let _ = writeln!(out);
                let mut facts = Vec::new();
                match probe.latest_available {
                    Some(day) => facts.push(format!("engagement data through {day}")),
                    None => facts.push(
                        "the latest day with engagement data is unknown: the API refused the \
                         recent dates asked (late data; it usually appears within three days)"
                            .to_owned(),
                    ),
                }
                if let Some(seats) = probe.seats {
                    facts.push(format!("{seats} seats"));
                }
                if let Some(org) = &probe.organization_id {
                    facts.insert(0, format!("organization {org}"));
                }
                if !facts.is_empty() {
                    let _ = writeln!(out, "  {}", facts.join(" · "));
                }
                if let Some(switched) = &self.switched {
                    let _ = writeln!(out, "  note: {switched}");
                }
                if let Some(note) = self.plan.as_ref().and_then(|p| p.basis.note()) {
                    let _ = writeln!(out, "  note: {note}");
                }
            }
            VerifyResult::NoKey(message) => {
                let _ = writeln!(out, "✗ no key — {message}");
            }
            VerifyResult::Setup(message) => {
                let _ = writeln!(out, "✗ {message}");
            }
            VerifyResult::Blocked => {
                let _ = writeln!(
                    out,
                    "✗ {} — not sent to the API (see the problem above)",
                    self.cause().unwrap_or_default()
                );
            }
            VerifyResult::Failed(e) => {
                let _ = writeln!(out, "✗ {} — {e}", e.cause());
                if let Some(message) = e.server_message() {
                    let _ = writeln!(out, "  the server said: {message}");
                }
            }
        }
        if let Some(items) = self.checklist() {
            let _ = writeln!(out, "Check, in this order:");
            checklist::write_numbered(&mut out, &items);
        } else if let VerifyResult::Failed(e) = &self.result {
            let _ = writeln!(out, "What to do:");
            for fix in e.fixes() {
                let _ = writeln!(out, "  - {fix}");
            }
        }
        out
    }

    /// The same report as JSON.
    pub fn to_json(&self) -> Value {
        let (status, request_id, message, fixes) = match &self.result {
            VerifyResult::Failed(e) => (
                e.status(),
                e.request_id().map(str::to_owned),
                Some(e.to_string()),
                e.fixes().into_iter().map(str::to_owned).collect(),
            ),
            VerifyResult::Works(p) => (Some(200), p.request_id.clone(), None, Vec::new()),
            VerifyResult::NoKey(m) | VerifyResult::Setup(m) => {
                (None, None, Some(m.clone()), Vec::new())
            }
            VerifyResult::Blocked => (None, None, None, Vec::new()),
        };
        let probe = match &self.result {
            VerifyResult::Works(p) => json!({
                "latest_available": p.latest_available,
                "seats": p.seats,
                "organization_id": p.organization_id,
                "profile_switched": self.switched,
                "plan": self.plan.as_ref().map(PlanFinding::to_json),
            }),
            _ => Value::Null,
        };
        json!({
            "ok": matches!(self.result, VerifyResult::Works(_)),
            "exit_code": self.exit_code(),
            "profile": self.profile,
            "base_url": self.base_url,
            "key": self.key.as_ref().map(|k| json!({
                "fingerprint": k.fingerprint,
                "source": k.source.code(),
                "characters": k.characters,
            })),
            "findings": self.findings.iter().map(|f| json!({
                "code": f.code(),
                "severity": f.severity(),
                "message": f.to_string(),
            })).collect::<Vec<_>>(),
            "cause": self.cause(),
            "message": message,
            "http_status": status,
            "request_id": request_id,
            "fixes": fixes,
            "checklist": self.checklist(),
            "probe": probe,
        })
    }
}

/// Runs the checks and the probe; never prints.
pub async fn check(settings: &Settings) -> VerifyReport {
    let mut report = VerifyReport {
        profile: settings.profile.clone(),
        base_url: mask_credentials(&settings.base_url),
        key: None,
        findings: Vec::new(),
        result: VerifyResult::Blocked,
        switched: None,
        plan: None,
    };
    let endpoint = match Endpoint::open(settings).await {
        Ok(e) => e,
        Err(e) => {
            report.result = VerifyResult::Setup(e.to_string());
            return report;
        }
    };
    report.base_url = mask_credentials(&endpoint.base_url);
    let resolved = match resolve_key(settings) {
        Ok(r) => r,
        Err(e) => {
            report.result = VerifyResult::NoKey(e.to_string());
            return report;
        }
    };
    report.key = Some(KeyFacts {
        fingerprint: resolved.key.fingerprint(),
        source: resolved.source,
        characters: resolved.key.expose().chars().count(),
    });
    report.findings = resolved.findings;
    if report
        .findings
        .iter()
        .any(|f| f.severity() == Severity::Blocking)
    {
        return report;
    }
    report.result = match client(settings, &endpoint.base_url, resolved.key) {
        Ok(api) => match api.probe().await {
            Ok(mut probe) => {
                // Only the cost endpoints name the organization: one more request, which also
                // tells whether the cost figures look like the bill.
                let today = chrono::Utc::now().date_naive();
                let plan = plan::examine(
                    &api,
                    &probe,
                    crate::config::plan_setting(settings.paths.config_file.as_deref()),
                    today,
                )
                .await;
                probe.organization_id.clone_from(&plan.organization_id);
                report.plan = Some(plan);
                report.switched = probe.organization_id.as_deref().and_then(|org| {
                    let stores =
                        OrgStores::new(profile_dir(settings).ok()?).shared(settings.store.clone());
                    stores.switch_notice(org)
                });
                VerifyResult::Works(probe)
            }
            Err(e) => VerifyResult::Failed(e),
        },
        Err(e) => VerifyResult::Failed(e),
    };
    drop(endpoint);
    report
}
