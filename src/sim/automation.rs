//! Ground truth of cost that belongs to no seat user: the organization's service accounts and
//! API keys (a CI bot, a nightly job, a Slack app). Every day, weekends too.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::data::{CostLine, SyntheticOrg};
use super::pricing;
use super::prng::{Draws, base62};

const SALT_AUTOMATION: u64 = 0xA7;

/// What kind of non-user actor spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutomationKind {
    ServiceAccount,
    ApiKey,
}

/// A non-user actor of the synthetic organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Automation {
    pub index: usize,
    pub kind: AutomationKind,
    /// `svac_…` or `apikey_…`.
    pub id: String,
    pub name: &'static str,
    pub product: &'static str,
    pub model: &'static str,
    /// Requests on an ordinary day.
    pub requests: u64,
}

/// (kind, name, product, model, requests per day).
const AUTOMATIONS: [(AutomationKind, &str, &str, &str, u64); 3] = [
    (
        AutomationKind::ServiceAccount,
        "ci-review-bot",
        "claude_code",
        "claude-sonnet-4-6",
        90,
    ),
    (
        AutomationKind::ServiceAccount,
        "nightly-triage",
        "claude_code",
        "claude-haiku-4-5",
        40,
    ),
    (
        AutomationKind::ApiKey,
        "slack-assistant",
        "claude-tag",
        "claude-sonnet-4-6",
        25,
    ),
];

impl SyntheticOrg {
    /// The organization's service accounts and API keys.
    pub fn automations(&self) -> Vec<Automation> {
        AUTOMATIONS
            .iter()
            .enumerate()
            .map(|(index, &(kind, name, product, model, requests))| {
                let prefix = match kind {
                    AutomationKind::ServiceAccount => "svac_01",
                    AutomationKind::ApiKey => "apikey_01",
                };
                Automation {
                    index,
                    kind,
                    id: format!(
                        "{prefix}{}",
                        base62(&[self.seed(), SALT_AUTOMATION, index as u64], 22)
                    ),
                    name,
                    product,
                    model,
                    requests,
                }
            })
            .collect()
    }

    /// When an automation's usage on `date` is timestamped: before the refresh watermark, so
    /// today's partial day is counted like a member's.
    pub fn automation_at(&self, index: usize, date: NaiveDate) -> DateTime<Utc> {
        let hour = 3 + (index as u32 % 5);
        date.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
    }

    /// An automation's cost lines for `date` (none in the future; today's are partial).
    pub fn automation_cost(&self, index: usize, date: NaiveDate) -> Vec<CostLine> {
        let Some(&(_, _, product, model, requests)) = AUTOMATIONS.get(index) else {
            return Vec::new();
        };
        if date > self.today() {
            return Vec::new();
        }
        let draws = Draws::new(self.seed(), SALT_AUTOMATION + index as u64, date);
        let requests = requests / 2 + draws.below(1, requests);
        vec![pricing::automation_line(
            product,
            model,
            requests,
            draws,
            date == self.today(),
        )]
    }

    /// Every automation's cost on `date` in cents: what no seat user accounts for.
    pub fn unattributed_cost(&self, date: NaiveDate) -> Decimal {
        (0..AUTOMATIONS.len())
            .flat_map(|i| self.automation_cost(i, date))
            .map(|l| l.amount_cents)
            .sum()
    }
}
