//! Who a key belongs to: the organization a verified key reaches, so the person can confirm it
//! is the one they expect before the key is stored.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::api::{ApiError, Client};

/// What a verified key revealed about its organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgIdentity {
    /// `org_…`, from the cost endpoints (the engagement endpoints do not carry it).
    pub organization_id: Option<String>,
    /// Assigned seats on the latest engagement day.
    pub seats: Option<u64>,
    /// The latest day with engagement data.
    pub latest_day: Option<NaiveDate>,
    /// People listed on that day.
    pub people: Option<usize>,
    /// The most common e-mail domain among them, and how many of them have it.
    pub top_domain: Option<(String, usize)>,
    /// Request ids of the answers, for a support ticket.
    pub request_ids: Vec<String>,
    /// Set when the organization is not the one the profile showed last: what to tell the
    /// person before anything is shown (the other one's data stays in its own store).
    pub switched: Option<String>,
}

/// Proves the key with the cheapest request (one `/summaries` page), then, when it works,
/// reads who it belongs to: one `/users` day and one small `cost_report`. Only the first
/// request's failure is an error; the others just leave their fields empty.
pub async fn identify(client: &Client, today: NaiveDate) -> Result<OrgIdentity, ApiError> {
    let probe = client.probe_at(today).await?;
    let mut identity = OrgIdentity {
        seats: probe.seats,
        latest_day: probe.latest_available,
        organization_id: probe.organization_id,
        ..OrgIdentity::default()
    };
    if let Some(day) = probe.latest_available
        && let Ok(rows) = client.users_day(day).await
    {
        let emails: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.user.as_ref()?.email_address.as_deref())
            .collect();
        identity.people = Some(rows.iter().filter(|r| r.user.is_some()).count());
        identity.top_domain = most_common_domain(&emails);
    }
    if let Ok(organization) = client.organization(today).await {
        identity.organization_id = identity.organization_id.or(organization);
    }
    identity.request_ids = client
        .recent_requests()
        .into_iter()
        .filter_map(|r| r.request_id)
        .collect();
    Ok(identity)
}

/// The most frequent domain of `emails` (ties: alphabetical first), with its count.
pub fn most_common_domain(emails: &[&str]) -> Option<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for email in emails {
        if let Some((_, domain)) = email.rsplit_once('@')
            && !domain.is_empty()
        {
            *counts.entry(domain.to_lowercase()).or_default() += 1;
        }
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_common_domain_wins_ties_alphabetically() {
        assert_eq!(
            most_common_domain(&["a@x.com", "b@Y.com", "c@y.com", "bad"]),
            Some(("y.com".to_owned(), 2))
        );
        assert_eq!(
            most_common_domain(&["a@b.io", "c@a.io"]),
            Some(("a.io".to_owned(), 1))
        );
        assert_eq!(most_common_domain(&[]), None);
    }
}
