//! doctor's checks against the API: one probe of each endpoint family and the rate-limit
//! headroom, with the refused-key checklist where it applies.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::api::{ApiError, Client, ProbeOutcome};
use crate::credentials::{self, Resolved};
use crate::days::midnight;
use crate::diagnose::checklist;
use crate::diagnose::{Check, CheckStatus};
use crate::exit::ExitCode;

/// Fails `check` with `error`, adding the refused-key checklist when it applies.
pub(super) fn fail_with(check: &mut Check, error: &ApiError, findings: &[credentials::Finding]) {
    check.fail(error, error.exit_code());
    if checklist::applies_to(error) {
        check.fixes = checklist::as_fixes(Some(error), findings);
    }
    check.summary = match error.status() {
        Some(status) => format!("HTTP {status}: {}", error.cause()),
        None => error.cause().to_owned(),
    };
}

pub(super) async fn engagement_check(
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

pub(super) async fn cost_check(api: &Client, today: NaiveDate) -> (Check, Option<DateTime<Utc>>) {
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

pub(super) fn rate_limit_check(api: &Client, rpm: u32) -> Check {
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
            "no 429 in {}; the organization's budget ({rpm}/min here, 60 by default) is \
             shared by every key and tool",
            crate::metrics::plural(requests.len() as u64, "request", "requests")
        ),
    );
    if !refused.is_empty() {
        check.status = CheckStatus::Fail;
        check.exit_code = ExitCode::ApiError;
        check.summary = format!(
            "{} of {} refused with 429: no headroom right now",
            refused.len(),
            crate::metrics::plural(requests.len() as u64, "request", "requests")
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
