//! The probe: the cheapest request that proves a key and learns the latest day with data.

use chrono::{Days, NaiveDate, Utc};

use super::params::{day, q};
use super::{ApiError, Client, DaySummary, ListEnvelope};
use crate::days::next_day;

/// The probe's first `/summaries` start, this many days back: past any documented lag.
const PROBE_FIRST_DAYS: u64 = 7;
/// The probe's one step back when the first start is refused: a whole 31-day window back.
const PROBE_STEP_BACK_DAYS: u64 = 31;
/// Requests a probe may make.
const PROBE_STEPS: usize = 2;

/// What a successful [`Client::probe`] learned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeOutcome {
    /// The most recent day with engagement data, if the answer revealed it. `None` with `Ok`
    /// means the key authenticated but every date the probe tried was refused.
    pub latest_available: Option<NaiveDate>,
    /// The oldest day in the probe's answer: a day the API is known to serve.
    pub oldest_seen: Option<NaiveDate>,
    pub request_id: Option<String>,
    pub organization_id: Option<String>,
    /// Assigned seats on the latest day the answer covered (who the key belongs to, roughly).
    pub seats: Option<u64>,
    /// Weekly active users of the latest day: people active in the 7 days ending on it.
    pub weekly_active: Option<u64>,
}

impl Client {
    /// The cheapest request that proves the key and learns the latest available engagement
    /// day: `/summaries` with `starting_date` alone, whose series documentedly ends at the
    /// most recent available day, so the newest row's own date is that day.
    pub async fn probe(&self) -> Result<ProbeOutcome, ApiError> {
        self.probe_at(Utc::now().date_naive()).await
    }

    /// [`Client::probe`] as of `today` (UTC), for callers that run on a fixed clock.
    ///
    /// Decided by structure, never by an error's wording: a 400 proves the key authenticated
    /// (the server refused only the dates) and the probe steps back once, to a start a full
    /// window earlier (or just before a day the message happened to name). Two requests at
    /// most; the outcome says when the latest day stayed unknown.
    pub async fn probe_at(&self, today: NaiveDate) -> Result<ProbeOutcome, ApiError> {
        let floor = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(today);
        let back = |days: u64| {
            today
                .checked_sub_days(Days::new(days))
                .unwrap_or(today)
                .max(floor)
        };
        let mut start = back(PROBE_FIRST_DAYS);
        let mut outcome = ProbeOutcome::default();
        for step in 0..PROBE_STEPS {
            if step > 0 {
                self.add_planned(1);
            }
            let query = [q("starting_date", day(start))];
            match self
                .get_json::<ListEnvelope<DaySummary>>("summaries", &query)
                .await
            {
                Ok(answer) => {
                    let mut envelope = answer.body;
                    outcome.request_id = answer.request_id.clone();
                    outcome.organization_id = envelope.organization_id.take();
                    let Some(rows) = envelope.rows() else {
                        return Err(ApiError::Malformed {
                            detail: "the response has no `data` list".to_owned(),
                            request_id: answer.request_id,
                        });
                    };
                    if let Some(newest) = rows.iter().max_by_key(|r| r.date) {
                        outcome.latest_available = Some(newest.date);
                        outcome.seats = newest.assigned_seat_count;
                        outcome.oldest_seen = rows.iter().map(|r| r.date).min();
                        outcome.weekly_active = Some(newest.weekly_active_user_count);
                        return Ok(outcome);
                    }
                    // An empty series: nothing from `start` on yet; look further back.
                    start = back(PROBE_STEP_BACK_DAYS).min(start);
                }
                Err(error) if error.is_refused_query() => {
                    outcome.request_id = error.request_id().map(str::to_owned);
                    let hinted = error
                        .latest_day_hint()
                        .and_then(|d| d.checked_sub_days(Days::new(PROBE_FIRST_DAYS - 1)))
                        .filter(|d| *d < start && *d >= floor);
                    start = hinted.unwrap_or_else(|| back(PROBE_STEP_BACK_DAYS));
                }
                Err(error) => return Err(error),
            }
        }
        Ok(outcome)
    }

    /// Whether the API serves engagement data for `date`: one `/summaries` request for that
    /// day alone. A refused query (400) or an empty series means it does not.
    pub async fn serves_day(&self, date: NaiveDate) -> Result<bool, ApiError> {
        let end = next_day(date);
        let query = [q("starting_date", day(date)), q("ending_date", day(end))];
        match self
            .get_json::<ListEnvelope<DaySummary>>("summaries", &query)
            .await
        {
            Ok(answer) => {
                let mut envelope = answer.body;
                Ok(envelope.rows().is_some_and(|rows| !rows.is_empty()))
            }
            Err(error) if error.is_refused_query() => Ok(false),
            Err(error) => Err(error),
        }
    }
}
