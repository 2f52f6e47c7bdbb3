//! The OpenMetrics text `collect --metrics` serves: the store's figures per organization, as the
//! dashboard computes them ([`Dashboard`]), and the client's own request counters.

use std::sync::atomic::AtomicU64;

use chrono::{DateTime, NaiveDate, Utc};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use rust_decimal::Decimal;

use crate::api::ProgressSnapshot;
use crate::metrics::{Dashboard, cost_by_model};
use crate::store::{Store, StoreError};

/// The content type of the OpenMetrics text exposition format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

type Labels = Vec<(String, String)>;
type Gauges = Family<Labels, Gauge<f64, AtomicU64>>;

/// What one scrape shows besides the store: the range the dashboard opens with (per-person
/// figures cover it), whether e-mail addresses may be labels, and this process's own state.
pub struct Scrape<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub now: DateTime<Utc>,
    pub per_person: bool,
    pub progress: &'a ProgressSnapshot,
    /// The end of this collector's last round that worked.
    pub last_success: Option<DateTime<Utc>>,
}

/// A registry being filled: one gauge family per metric name, created on first use.
struct Exposition {
    registry: Registry,
    families: Vec<(&'static str, Gauges)>,
}

impl Exposition {
    fn gauge(&mut self, name: &'static str, help: &str, labels: &Labels, value: f64) {
        let family = match self.families.iter().find(|(n, _)| *n == name) {
            Some((_, family)) => family.clone(),
            None => {
                let family = Gauges::default();
                self.registry.register(name, help, family.clone());
                self.families.push((name, family.clone()));
                family
            }
        };
        family.get_or_create(labels).set(value);
    }

    fn counter(&mut self, name: &str, help: &str, value: u64) {
        let counter: Counter = Counter::default();
        counter.inc_by(value);
        self.registry.register(name, help, counter);
    }
}

/// Dollars as the nearest `f64` (through their decimal text, so the exposition shows the same
/// digits, cents and fractions of a cent included).
fn usd(amount: Decimal) -> f64 {
    amount.normalize().to_string().parse().unwrap_or(f64::NAN)
}

/// Midnight UTC starting `day`, as a unix timestamp.
fn day_start(day: NaiveDate) -> f64 {
    crate::days::midnight(day).timestamp() as f64
}

fn with(labels: &Labels, more: &[(&str, &str)]) -> Labels {
    let mut out = labels.clone();
    out.extend(more.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    out
}

/// The scrape's text: every figure the store holds for its organization, and the counters.
pub fn render(store: &Store, scrape: &Scrape<'_>) -> Result<String, StoreError> {
    let mut out = Exposition {
        registry: Registry::with_prefix("topogy"),
        families: Vec::new(),
    };
    let dashboard = Dashboard::load(store, scrape.from, scrape.to, scrape.now, None)?;
    if let Some(org) = dashboard.organization_id.clone() {
        organization(&mut out, store, &dashboard, scrape, &org)?;
    }
    let p = scrape.progress;
    out.counter(
        "api_requests",
        "HTTP requests this collector made to the Analytics API (attempts, retries included)",
        p.done,
    );
    out.counter(
        "api_rate_limited",
        "Answers of 429 (rate limited) this collector received",
        p.rate_limited,
    );
    out.counter(
        "api_retries",
        "Retried requests of this collector",
        p.retries,
    );
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut text, &out.registry);
    Ok(text)
}

fn organization(
    out: &mut Exposition,
    store: &Store,
    dashboard: &Dashboard,
    scrape: &Scrape<'_>,
    org: &str,
) -> Result<(), StoreError> {
    let labels: Labels = vec![("organization_id".to_owned(), org.to_owned())];
    if let Some(s) = &dashboard.latest_summary {
        out.gauge(
            "daily_active_users",
            "Daily active users on the newest summary day",
            &labels,
            s.dau as f64,
        );
        out.gauge(
            "weekly_active_users",
            "Users active in the 7 days ending on the newest summary day",
            &labels,
            s.wau as f64,
        );
        out.gauge(
            "monthly_active_users",
            "Users active in the 30 days ending on the newest summary day",
            &labels,
            s.mau as f64,
        );
        if let Some(seats) = s.assigned_seats {
            out.gauge(
                "assigned_seats",
                "Seats assigned on the newest summary day",
                &labels,
                seats as f64,
            );
        }
        if let Some(invites) = s.pending_invites {
            out.gauge(
                "pending_invites",
                "Invitations not accepted yet on the newest summary day",
                &labels,
                invites as f64,
            );
        }
    }
    if let Some(day) = dashboard.engagement_through {
        out.gauge(
            "engagement_data_through_timestamp_seconds",
            "Start (UTC) of the newest day with engagement data",
            &labels,
            day_start(day),
        );
        if let Some(d) = dashboard.days.iter().find(|d| d.date == day) {
            let code = [
                (
                    "claude_code_commits",
                    "Commits made with Claude Code on the newest engagement day",
                    d.commits,
                ),
                (
                    "claude_code_pull_requests",
                    "Pull requests made with Claude Code on the newest engagement day",
                    d.pull_requests,
                ),
                (
                    "claude_code_lines_added",
                    "Lines added with Claude Code on the newest engagement day",
                    d.lines_added,
                ),
                (
                    "claude_code_lines_removed",
                    "Lines removed with Claude Code on the newest engagement day",
                    d.lines_removed,
                ),
            ];
            for (name, help, value) in code {
                if let Some(value) = value {
                    out.gauge(name, help, &labels, value as f64);
                }
            }
        }
    }
    let today = scrape.now.date_naive();
    // The newest complete day with cost (today's cost is still partial).
    let complete = dashboard
        .days
        .iter()
        .rev()
        .find(|d| d.date < today && d.cost_usd.is_some());
    if let Some(day) = complete {
        out.gauge(
            "cost_data_through_timestamp_seconds",
            "Start (UTC) of the newest complete day with cost",
            &labels,
            day_start(day.date),
        );
        if let Some(cost) = day.cost_usd {
            out.gauge(
                "cost_day_usd",
                "The organization's cost of the newest complete day, after discount, in US dollars",
                &labels,
                usd(cost),
            );
        }
        for m in cost_by_model(store, day.date, day.date)? {
            let by = with(&labels, &[("product", &m.product), ("model", &m.model)]);
            out.gauge(
                "cost_day_by_model_usd",
                "Cost of the newest complete day per product and model, in US dollars",
                &by,
                usd(m.cost_usd),
            );
        }
    }
    let month = &dashboard.month_to_date;
    if let (true, Some(start)) = (month.held, month.month_start) {
        out.gauge(
            "cost_month_to_date_usd",
            "The organization's cost this month so far (today partial), in US dollars",
            &labels,
            usd(month.cost_usd),
        );
        if let Some(projected) = month.projected_usd {
            out.gauge(
                "cost_month_projected_usd",
                "This month's cost at the run rate of its complete days, in US dollars",
                &labels,
                usd(projected),
            );
        }
        for m in cost_by_model(store, start, today)? {
            let by = with(&labels, &[("product", &m.product), ("model", &m.model)]);
            out.gauge(
                "cost_month_to_date_by_model_usd",
                "Cost this month so far per product and model, in US dollars",
                &by,
                usd(m.cost_usd),
            );
        }
    }
    if let Some(fetched) = dashboard.fetches.iter().map(|f| f.fetched_at).max() {
        out.gauge(
            "last_sync_timestamp_seconds",
            "When any topogy process last stored data from the API for this organization",
            &labels,
            fetched.timestamp() as f64,
        );
    }
    if let Some(at) = scrape.last_success {
        out.gauge(
            "collect_last_success_timestamp_seconds",
            "When this collector's last round of syncing ended without a failure",
            &labels,
            at.timestamp() as f64,
        );
    }
    if scrape.per_person {
        people(out, dashboard, &labels, scrape);
    }
    Ok(())
}

/// One series per person (label `email`): personal data, exposed only with
/// `--metrics-per-person`.
fn people(out: &mut Exposition, dashboard: &Dashboard, labels: &Labels, scrape: &Scrape<'_>) {
    let days = (scrape.to - scrape.from).num_days() + 1;
    out.gauge(
        "person_range_days",
        "Days the per-person figures cover (the dashboard's range, ending today)",
        labels,
        days as f64,
    );
    for d in &dashboard.developers {
        let by = with(labels, &[("email", &d.email)]);
        let figures = [
            (
                "person_messages",
                "Chat messages per person over the range",
                d.messages as f64,
            ),
            (
                "person_claude_code_commits",
                "Claude Code commits per person over the range",
                d.commits as f64,
            ),
            (
                "person_claude_code_pull_requests",
                "Claude Code pull requests per person over the range",
                d.pull_requests as f64,
            ),
            (
                "person_claude_code_lines_added",
                "Lines added with Claude Code per person over the range",
                d.lines_added as f64,
            ),
            (
                "person_cost_usd",
                "Cost per person over the range, after discount, in US dollars",
                usd(d.cost_usd),
            ),
        ];
        for (name, help, value) in figures {
            out.gauge(name, help, &by, value);
        }
    }
}
