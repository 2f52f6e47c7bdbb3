//! The simulator's `/analytics/cost` (Usage & Cost Analytics API, beta) against ground truth:
//! the beta header is required, every row of every page adds up to the organization's cost,
//! seat users' and its service accounts' and API keys' (which the per-user report leaves out),
//! and the `cost-legacy-only`/`cost-new-only` variants answer 404 where they should.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "integration tests should fail loudly at the failing step"
)]

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use topogy::sim::{self, DEMO_KEY, SimConfig, SimHandle, Variant};

const COST: &str = "/v1/organizations/analytics/cost";
const USER_COST: &str = "/v1/organizations/analytics/user_cost_report";
const BETA: &str = "analytics-usage-cost-2026-08-24";
const RANGE: &str = "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-25T00:00:00Z";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

async fn start(variants: &[Variant]) -> SimHandle {
    sim::spawn(
        SimConfig {
            today: day("2026-11-25"),
            requests_per_window: 10_000,
            ..SimConfig::default()
        }
        .with_variants(variants),
    )
    .await
    .unwrap()
}

async fn get(sim: &SimHandle, path: &str, query: &str, beta: bool) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .get(format!("{}{path}?{query}", sim.base_url()))
        .header("x-api-key", DEMO_KEY)
        .header("anthropic-version", "2023-06-01");
    if beta {
        request = request.header("anthropic-beta", BETA);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Every row of every page.
async fn rows(sim: &SimHandle, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut page = String::new();
    loop {
        let (status, body) = get(sim, COST, &format!("{query}{page}"), true).await;
        assert_eq!(status, 200, "{body}");
        out.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["next_page"].as_str() {
            Some(next) => page = format!("&page={next}"),
            None => return out,
        }
    }
}

fn cents(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn the_beta_header_is_required() {
    let sim = start(&[]).await;
    let (status, body) = get(&sim, COST, RANGE, false).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["message"].as_str().unwrap().contains(BETA));
    let (status, body) = get(&sim, COST, &format!("{RANGE}&group_by[]=seat"), true).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = get(&sim, COST, &format!("{RANGE}&time_bucket_width=1w"), true).await;
    assert_eq!(status, 400);
    let (status, _) = get(&sim, COST, &format!("{RANGE}&actor_ids[]=bob"), true).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn per_actor_rows_add_up_to_the_organization_and_name_non_users() {
    let sim = start(&[]).await;
    let org = sim.org().clone();
    let days: Vec<NaiveDate> = day("2026-11-01").iter_days().take(24).collect();
    let members: Decimal = days
        .iter()
        .flat_map(|&d| org.members().iter().map(move |m| (m.index, d)))
        .flat_map(|(u, d)| org.user_cost(u, d))
        .map(|l| l.amount_cents)
        .sum();
    let unattributed: Decimal = days.iter().map(|&d| org.unattributed_cost(d)).sum();
    assert!(unattributed > Decimal::ZERO);

    let by_actor = rows(&sim, &format!("{RANGE}&group_by[]=actor&limit=7")).await;
    let (mut people, mut others) = (Decimal::ZERO, Decimal::ZERO);
    for row in &by_actor {
        let actor = &row["group"]["actor"];
        match actor["type"].as_str().unwrap() {
            "user_actor" => people += cents(&row["cost"]["amount"]),
            _ => {
                assert!(actor["user_id"].is_null(), "{actor}");
                others += cents(&row["cost"]["amount"]);
            }
        }
    }
    assert_eq!((people, others), (members, unattributed));
    assert_eq!(
        by_actor.len(),
        org.members().len() + org.automations().len() - idle(&org)
    );

    // Daily by product, model and actor type: the same totals, day by day.
    let daily = rows(
        &sim,
        &format!(
            "{RANGE}&time_bucket_width=1d&group_by[]=product&group_by[]=model\
             &group_by[]=actor_type&limit=1000"
        ),
    )
    .await;
    for &d in &days {
        let on = |t: &str| {
            daily
                .iter()
                .filter(|r| r["starting_at"] == format!("{d}T00:00:00Z"))
                .filter(|r| (r["group"]["actor_type"] == "user_actor") == (t == "user"))
                .map(|r| cents(&r["cost"]["amount"]))
                .sum::<Decimal>()
        };
        assert_eq!(on("other"), org.unattributed_cost(d), "{d}");
    }

    // The legacy per-user report leaves the service accounts and API keys out.
    let (_, legacy) = get(&sim, USER_COST, &format!("{RANGE}&limit=1000"), false).await;
    let legacy: Decimal = legacy["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| cents(&r["amount"]))
        .sum();
    assert_eq!(legacy, members);
}

/// Members with no cost in November (never active).
fn idle(org: &topogy::sim::SyntheticOrg) -> usize {
    org.members()
        .iter()
        .filter(|m| {
            day("2026-11-01")
                .iter_days()
                .take(24)
                .all(|d| org.user_cost(m.index, d).is_empty())
        })
        .count()
}

#[tokio::test]
async fn the_variants_retire_one_side_or_the_other() {
    let legacy_only = start(&[Variant::CostLegacyOnly]).await;
    assert_eq!(get(&legacy_only, COST, RANGE, true).await.0, 404);
    assert_eq!(get(&legacy_only, USER_COST, RANGE, false).await.0, 200);
    let new_only = start(&[Variant::CostNewOnly]).await;
    assert_eq!(get(&new_only, COST, RANGE, true).await.0, 200);
    assert_eq!(get(&new_only, USER_COST, RANGE, false).await.0, 404);
}
