//! Month to date on a fixed clock: the projection is the run rate of the month's complete days
//! only (today is partial), there is none on the 1st, and counts read "1 day", not "1 days".
//! Against the simulator: a window that starts today works, and a day the API has said
//! nothing about yet is never stored as a final $0.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod dashboard_common;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use topogy::metrics::{Dashboard, plural};
use topogy::store::{CostLine, FetchMeta, Store, next_day};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// $100.00 on every complete day, and $999.99 of today's partial day (which must not move
/// the projection).
fn store_with_cost(first: NaiveDate, today: NaiveDate) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut lines = Vec::new();
    let mut d = first;
    while d <= today {
        let cents = if d == today { "99999" } else { "10000" };
        lines.push(CostLine {
            date: d,
            product: "chat".to_owned(),
            model: "claude-opus".to_owned(),
            amount_cents: cents.parse().unwrap(),
            list_amount_cents: cents.parse().unwrap(),
        });
        d = next_day(d);
    }
    let meta = FetchMeta {
        fetched_at: today.and_hms_opt(12, 0, 0).unwrap().and_utc(),
        data_refreshed_at: None,
    };
    store
        .replace_cost_days(first, next_day(today), &lines, meta)
        .unwrap();
    store
}

fn month_to_date(today: &str) -> topogy::metrics::MonthToDate {
    let today = day(today);
    let first = today.with_day0(0).unwrap();
    let store = store_with_cost(day("2026-10-20"), today);
    let now = at(&format!("{today}T12:00:00Z"));
    let dashboard = Dashboard::load(&store, first, today, now, None).unwrap();
    dashboard.month_to_date
}

use chrono::Datelike;

#[test]
fn on_the_first_there_is_no_projection_yet() {
    let mtd = month_to_date("2026-11-01");
    assert_eq!(mtd.complete_days, 0);
    assert_eq!(mtd.projected_usd, None);
    assert_eq!(
        mtd.cost_usd,
        Decimal::new(99999, 2),
        "today's partial spend is shown"
    );
    assert_eq!(mtd.basis_text(), "no complete day yet");
}

#[test]
fn on_the_second_one_complete_day_sets_the_rate() {
    let mtd = month_to_date("2026-11-02");
    assert_eq!(mtd.complete_days, 1);
    assert_eq!(mtd.days_in_month, 30);
    // $100.00 a day × 30 days; today's $999.99 does not count.
    assert_eq!(mtd.projected_usd, Some(Decimal::new(300000, 2)));
    assert_eq!(mtd.cost_usd, Decimal::new(109999, 2));
    assert_eq!(mtd.basis_text(), "run rate of 1 complete day");
}

#[test]
fn on_the_last_day_the_month_is_nearly_known() {
    let mtd = month_to_date("2026-12-31");
    assert_eq!(mtd.complete_days, 30);
    assert_eq!(mtd.days_in_month, 31);
    assert_eq!(mtd.projected_usd, Some(Decimal::new(310000, 2)));
    assert_eq!(mtd.basis_text(), "run rate of 30 complete days");
}

#[test]
fn counts_agree_with_their_nouns() {
    assert_eq!(plural(1, "day", "days"), "1 day");
    assert_eq!(plural(0, "day", "days"), "0 days");
    assert_eq!(plural(2, "PR", "PRs"), "2 PRs");
}

/// Cost per day of the 1st of a month, synced at 00:30 (nothing to ask yet), at 09:30 (the
/// partial day so far) and the next day at 00:30 (the 1st complete, the 2nd not yet known).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_of_a_month_is_never_a_final_zero() {
    use topogy::metrics::daily;
    use topogy::sync::Need;
    let first = day("2026-12-01");
    let sim = dashboard_common::simulator(30, first).await;
    let org = sim.org().clone();
    let truth = |org: &topogy::sim::SyntheticOrg, d: NaiveDate, before_hour: u32| -> Decimal {
        org.members()
            .iter()
            .filter(|m| {
                org.usage_at(m.index, d)
                    < d.and_hms_opt(0, 0, 0).unwrap().and_utc()
                        + chrono::Duration::hours(before_hour.into())
            })
            .flat_map(|m| org.user_cost(m.index, d))
            .chain(
                // Service accounts and API keys count in the organization's cost too.
                org.automations()
                    .iter()
                    .filter(|a| {
                        org.automation_at(a.index, d)
                            < d.and_hms_opt(0, 0, 0).unwrap().and_utc()
                                + chrono::Duration::hours(before_hour.into())
                    })
                    .flat_map(|a| org.automation_cost(a.index, d)),
            )
            .map(|l| l.amount_cents)
            .sum::<Decimal>()
            / Decimal::ONE_HUNDRED
    };
    let store = Store::open_in_memory().unwrap();
    let need = Need::daily(first, first);

    let mut s = dashboard_common::syncer(&sim, store, at("2026-12-01T00:30:00Z"));
    dashboard_common::sync(&mut s, &need).await;
    let requests = sim.request_count();
    let days = daily(s.store(), first, first).unwrap();
    assert_eq!(days[0].cost_usd, None, "no data yet, not $0");

    let store = s.into_store();
    let mut s = dashboard_common::syncer(&sim, store, at("2026-12-01T09:30:00Z"));
    dashboard_common::sync(&mut s, &need).await;
    assert!(
        sim.request_count() > requests,
        "a window starting today is asked for"
    );
    let days = daily(s.store(), first, first).unwrap();
    assert_eq!(
        days[0].cost_usd.map(|c| c.normalize()),
        Some(truth(&org, first, 9).normalize())
    );

    let store = s.into_store();
    let next = dashboard_common::simulator(30, day("2026-12-02")).await;
    let mut s = dashboard_common::syncer(&next, store, at("2026-12-02T00:30:00Z"));
    let second = day("2026-12-02");
    dashboard_common::sync(&mut s, &Need::daily(first, second)).await;
    let days = daily(s.store(), first, second).unwrap();
    assert_eq!(
        days[0].cost_usd.map(|c| c.normalize()),
        Some(truth(next.org(), first, 24).normalize())
    );
    assert_eq!(days[1].cost_usd, None, "the 2nd has no whole hour yet");
}
