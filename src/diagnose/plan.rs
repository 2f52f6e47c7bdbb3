//! Whether the cost figures are the bill, for `verify` and `doctor`: the config's `plan`, else
//! a labelled heuristic from one request — the people active in the week to the latest day
//! (the probe's weekly active users) against those with any cost that week (`/analytics/cost`
//! by actor: one row per person who spent, one page for most organizations).

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use super::Check;
use super::CheckStatus;
use crate::api::{ApiError, Client, CostQuery, ProbeOutcome};
use crate::days::{midnight, next_day};
use crate::metrics::{CostBasis, PlanEvidence, PlanSetting};

/// The days weekly active users count back over, the latest one included.
const WEEK_DAYS: u64 = 7;

/// What the plan check learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFinding {
    pub setting: PlanSetting,
    pub evidence: Option<PlanEvidence>,
    pub basis: CostBasis,
    /// The organization the cost answer named (only the cost endpoints name it).
    pub organization_id: Option<String>,
}

impl PlanFinding {
    /// The finding as JSON for `verify --json`.
    pub fn to_json(&self) -> Value {
        json!({
            "setting": self.setting.name(),
            "cost_basis": match self.basis {
                CostBasis::Bill => "bill",
                CostBasis::ExtraUsage => "extra_usage",
                CostBasis::MaybeExtraUsage(_) => "maybe_extra_usage",
            },
            "evidence": self.evidence.map(|e| json!({
                "active": e.active,
                "with_cost": e.with_cost,
            })),
            "note": self.basis.note(),
        })
    }

    /// `doctor`'s check: a warning when the figures are (or may be) extra usage only.
    pub fn check(&self) -> Check {
        let evidence = self
            .evidence
            .map(|e| format!("{} of {} people active have cost", e.with_cost, e.active));
        let summary = match (self.basis.note(), self.setting, evidence) {
            (Some(note), _, _) => note,
            (None, PlanSetting::UsageBased, _) => {
                "usage-based plan (plan = \"usage-based\" in the config file): cost is the bill"
                    .to_owned()
            }
            (None, _, Some(evidence)) => {
                format!("no sign of a seat-based plan ({evidence}): cost reads as the bill")
            }
            (None, _, None) => {
                "could not tell the plan (no cost by person for the latest week); on a \
                 seat-based plan cost is extra usage only"
                    .to_owned()
            }
        };
        let mut check = Check::pass("plan", "Plan", &summary);
        if self.basis != CostBasis::Bill {
            check.status = CheckStatus::Warn;
        }
        check
    }
}

/// One `/analytics/cost` request by actor over the week to the probe's latest day; the legacy
/// `cost_report` only to name the organization when that endpoint is not served. Never fails:
/// what could not be learned stays `None`.
pub async fn examine(
    api: &Client,
    probe: &ProbeOutcome,
    setting: PlanSetting,
    today: NaiveDate,
) -> PlanFinding {
    let mut finding = PlanFinding {
        setting,
        evidence: None,
        basis: CostBasis::decide(setting, None),
        organization_id: probe.organization_id.clone(),
    };
    if let (Some(latest), Some(weekly)) = (probe.latest_available, probe.weekly_active) {
        let start = latest
            .checked_sub_days(Days::new(WEEK_DAYS - 1))
            .unwrap_or(latest);
        let end = next_day(latest);
        let ask = CostQuery {
            bucket: None,
            group_by: &["actor"],
            actor_ids: &[],
        };
        match api
            .dimension_cost(midnight(start), midnight(end), &ask)
            .await
        {
            Ok(report) => {
                let with_cost = report
                    .data
                    .iter()
                    .filter(|r| r.group.actor.as_ref().and_then(|a| a.seat_user()).is_some())
                    .filter(|r| !r.amount().is_zero())
                    .count();
                finding.evidence = Some(PlanEvidence {
                    active: weekly,
                    with_cost: u64::try_from(with_cost).unwrap_or(u64::MAX),
                });
                finding.basis = CostBasis::decide(setting, finding.evidence);
                if finding.organization_id.is_none() {
                    finding.organization_id = report.organization_id.filter(|id| !id.is_empty());
                }
            }
            Err(e) if matches!(e, ApiError::EndpointMissing { .. }) || e.is_refused_query() => {}
            Err(e) => {
                tracing::info!(error = %e, "the plan check's cost request failed");
                return finding;
            }
        }
    }
    if finding.organization_id.is_none() {
        api.add_planned(1);
        finding.organization_id = api.organization(today).await.ok().flatten();
    }
    finding
}
