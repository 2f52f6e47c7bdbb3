//! The simulator against its contract (docs/analytics-api.md), over real HTTP on loopback.
//!
//! Expected numbers come from `sim::data` ground truth, never from the simulator's JSON code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "integration tests should fail loudly at the failing step"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use topogy::sim::{self, DEMO_KEY, Fault, SimConfig, SimHandle};

const USERS: &str = "/v1/organizations/analytics/users";
const SUMMARIES: &str = "/v1/organizations/analytics/summaries";
const COST: &str = "/v1/organizations/analytics/cost_report";
const USAGE: &str = "/v1/organizations/analytics/usage_report";
const USER_COST: &str = "/v1/organizations/analytics/user_cost_report";
const USER_USAGE: &str = "/v1/organizations/analytics/user_usage_report";

/// A Wednesday; with the default 2-day lag the latest available day is Monday 2026-11-23.
fn today() -> NaiveDate {
    day("2026-11-25")
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn config() -> SimConfig {
    SimConfig {
        today: today(),
        requests_per_window: 10_000,
        ..SimConfig::default()
    }
}

async fn start(config: SimConfig) -> SimHandle {
    sim::spawn(config).await.unwrap()
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn message(&self) -> String {
        self.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn error_type(&self) -> String {
        self.json()["error"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

async fn get_with(sim: &SimHandle, path: &str, query: &str, key: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(format!("{}{path}?{query}", sim.base_url()));
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

async fn get(sim: &SimHandle, path: &str, query: &str) -> Answer {
    get_with(sim, path, query, Some(DEMO_KEY)).await
}

/// Follows `next_page` to the end; returns every page's `data`.
async fn all_pages(sim: &SimHandle, path: &str, query: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let q = match &next {
            Some(cursor) => format!("{query}&page={cursor}"),
            None => query.to_owned(),
        };
        let answer = get(sim, path, &q).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let body = answer.json();
        pages.push(body["data"].as_array().unwrap().clone());
        match body["next_page"].as_str() {
            Some(cursor) => next = Some(cursor.to_owned()),
            None => return pages,
        }
    }
}

fn cents(value: &Value) -> Decimal {
    let text = value.as_str().expect("money is a string");
    let (_, decimals) = text.split_once('.').expect("money has decimals");
    assert_eq!(decimals.len(), 6, "six decimal places: {text}");
    text.parse().unwrap()
}

#[tokio::test]
async fn auth_answers_depend_on_the_endpoint_family() {
    let sim = start(config()).await;
    for key in [None, Some("sk-ant-api01-wrong")] {
        let users = get_with(&sim, USERS, "date=2026-11-20", key).await;
        assert_eq!(users.status, 404);
        assert_eq!(users.error_type(), "not_found_error");
        let cost = get_with(&sim, COST, "starting_at=2026-11-01T00:00:00Z", key).await;
        assert_eq!(cost.status, 401);
        assert_eq!(cost.error_type(), "authentication_error");
    }
    let admin = get_with(&sim, USERS, "date=2026-11-20", Some("sk-ant-admin01-abc")).await;
    assert_eq!(admin.status, 403);
    assert_eq!(admin.error_type(), "permission_error");
    assert_eq!(
        admin.message(),
        "Missing required scopes. Got: ['api:admin'] Needed: ['read:analytics']"
    );
    let body = admin.json();
    assert_eq!(body["type"], "error");
    let request_id = body["request_id"].as_str().unwrap();
    assert!(request_id.starts_with("req_"));
    assert_eq!(admin.header("request-id"), Some(request_id));
    let ok = get(&sim, USERS, "date=2026-11-20").await;
    assert_eq!(ok.status, 200);
    assert!(ok.header("request-id").unwrap().starts_with("req_"));
    assert!(ok.header("date").is_some());
    let log = sim.requests();
    assert_eq!(log.len(), 6);
    assert_eq!(log.iter().filter(|r| r.authorized).count(), 1);
    assert_eq!(log[0].path, USERS);
    assert_eq!(log[0].query, "date=2026-11-20");
}

/// Request ids are unique within a run and differ between runs (`run`), so two support
/// sessions never quote the same id; a fixed `run` repeats them for snapshots.
#[tokio::test]
async fn request_ids_differ_between_runs() {
    let mut ids = Vec::new();
    for run in [0, 0, 1] {
        let sim = start(SimConfig { run, ..config() }).await;
        let first = get(&sim, USERS, "date=2026-11-20").await;
        let second = get(&sim, USERS, "date=2026-11-20").await;
        let id = |a: &Answer| a.header("request-id").unwrap().to_owned();
        assert_ne!(id(&first), id(&second));
        ids.push(id(&first));
    }
    assert_eq!(ids[0], ids[1], "the same run repeats its ids");
    assert_ne!(ids[0], ids[2], "another run does not");
}

#[tokio::test]
async fn engagement_date_rules() {
    let sim = start(config()).await;
    let cases = [
        ("2026-11-2", 400),
        ("20261120", 400),
        ("2025-12-31", 400),
        ("2026-11-25", 400),
        ("2026-12-01", 400),
        ("2026-11-24", 400),
        ("2026-11-23", 200),
        ("2026-08-27", 200),
        ("2026-08-26", 400),
    ];
    for (date, status) in cases {
        let answer = get(&sim, USERS, &format!("date={date}")).await;
        assert_eq!(answer.status, status, "date={date}: {}", answer.text);
        if status == 400 {
            assert_eq!(answer.error_type(), "invalid_request_error");
        }
    }
    let recent = get(&sim, USERS, "date=2026-11-24").await;
    assert!(
        recent.message().contains(
            "Data for 2026-11-24 is not yet available. The most recent available date is 2026-11-23."
        ),
        "{}",
        recent.message()
    );
    let old = get(&sim, USERS, "date=2026-08-26").await;
    assert!(old.message().contains("outside the 90-day history window"));
    let both = get(&sim, USERS, "date=2026-11-20&starting_date=2026-11-19").await;
    assert_eq!(both.status, 400);
    assert!(
        both.message()
            .contains("Use either `date` or `starting_date`, not both")
    );
    let neither = get(&sim, USERS, "limit=5").await;
    assert_eq!(neither.status, 400);
    for path in ["apps/chat/projects", "skills", "connectors"] {
        let path = format!("/v1/organizations/analytics/{path}");
        assert_eq!(get(&sim, &path, "date=2026-11-24").await.status, 400);
        assert_eq!(get(&sim, &path, "date=2026-11-23").await.status, 200);
    }
}

#[tokio::test]
async fn limits_are_validated() {
    let sim = start(config()).await;
    for (path, query, status) in [
        (USERS, "date=2026-11-20&limit=0", 400),
        (USERS, "date=2026-11-20&limit=1001", 400),
        (USERS, "date=2026-11-20&limit=ten", 400),
        (USERS, "date=2026-11-20&limit=1000", 200),
        (
            "/v1/organizations/analytics/skills",
            "date=2026-11-20&limit=1001",
            400,
        ),
        (COST, "starting_at=2026-11-01T00:00:00Z&limit=32", 400),
        (COST, "starting_at=2026-11-01T00:00:00Z&limit=31", 200),
        (
            COST,
            "starting_at=2026-11-24T00:00:00Z&bucket_width=1h&limit=168",
            200,
        ),
        (
            COST,
            "starting_at=2026-11-24T00:00:00Z&bucket_width=1h&limit=169",
            400,
        ),
        (
            USER_COST,
            "starting_at=2026-11-01T00:00:00Z&limit=1001",
            400,
        ),
        (
            USER_COST,
            "starting_at=2026-11-01T00:00:00Z&limit=1000",
            200,
        ),
        (USERS, "date=2026-11-20&limt=5", 400),
    ] {
        let answer = get(&sim, path, query).await;
        assert_eq!(answer.status, status, "{path}?{query}: {}", answer.text);
    }
}

#[tokio::test]
async fn users_paginate_past_1000_rows_sorted_by_email() {
    let sim = start(SimConfig {
        users: 3500,
        ..config()
    })
    .await;
    let date = day("2026-11-23");
    let org = sim.org();
    let expected: Vec<&str> = org
        .members_by_email()
        .filter(|m| org.user_day(m.index, date).is_some())
        .map(|m| m.email.as_str())
        .collect();
    assert!(
        expected.len() > 2000 && expected.len() <= 3000,
        "{}",
        expected.len()
    );
    let pages = all_pages(&sim, USERS, "date=2026-11-23&limit=1000").await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [1000, 1000, expected.len() - 2000]);
    let emails: Vec<&str> = pages
        .iter()
        .flatten()
        .map(|row| row["user"]["email_address"].as_str().unwrap())
        .collect();
    assert_eq!(emails, expected);
    let distinct: BTreeSet<&str> = pages
        .iter()
        .flatten()
        .map(|row| row["user"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(distinct.len(), expected.len());
}

#[tokio::test]
async fn cursors_are_bound_to_their_query_and_expire() {
    let sim = start(SimConfig {
        cursor_ttl: Duration::from_millis(300),
        ..config()
    })
    .await;
    let first = get(&sim, USERS, "date=2026-11-23&limit=5").await.json();
    let cursor = first["next_page"].as_str().unwrap().to_owned();
    let ok = get(
        &sim,
        USERS,
        &format!("limit=5&page={cursor}&date=2026-11-23"),
    )
    .await;
    assert_eq!(ok.status, 200, "parameter order does not matter");
    for other in ["date=2026-11-23&limit=6", "date=2026-11-20&limit=5"] {
        let answer = get(&sim, USERS, &format!("{other}&page={cursor}")).await;
        assert_eq!(answer.status, 400);
        assert_eq!(answer.error_type(), "invalid_request_error");
        assert!(
            answer
                .message()
                .contains("does not match the query parameters")
        );
    }
    let garbage = get(&sim, USERS, "date=2026-11-23&limit=5&page=%21%21").await;
    assert_eq!(garbage.status, 400);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = get(
        &sim,
        USERS,
        &format!("date=2026-11-23&limit=5&page={cursor}"),
    )
    .await;
    assert_eq!(expired.status, 410);
    assert!(expired.message().contains("expired"));
    // Cost cursors carry has_more as well.
    let cost = get(&sim, USER_COST, "starting_at=2026-11-01T00:00:00Z&limit=3")
        .await
        .json();
    assert_eq!(cost["has_more"], true);
    let cursor = cost["next_page"].as_str().unwrap();
    let changed =
        format!("starting_at=2026-11-01T00:00:00Z&limit=3&order_by=list_amount&page={cursor}");
    assert_eq!(get(&sim, USER_COST, &changed).await.status, 400);
}

/// Sums what the ground truth says about one user over some days.
fn truth(sim: &SimHandle, user: usize, days: &[NaiveDate]) -> Option<sim::UserDay> {
    let mut total = sim::UserDay::zero();
    let mut any = false;
    for &d in days {
        if let Some(day) = sim.org().user_day(user, d) {
            total += &day;
            any = true;
        }
    }
    any.then_some(total)
}

#[tokio::test]
async fn range_mode_rolls_up_single_days_and_counts_distinct_once() {
    let sim = start(config()).await;
    let days: Vec<NaiveDate> = day("2026-11-16").iter_days().take(7).collect();
    let range = all_pages(
        &sim,
        USERS,
        "starting_date=2026-11-16&ending_date=2026-11-23&limit=1000",
    )
    .await
    .concat();
    let mut summed: BTreeMap<String, [u64; 6]> = BTreeMap::new();
    for d in &days {
        for row in all_pages(&sim, USERS, &format!("date={d}&limit=1000"))
            .await
            .concat()
        {
            let entry = summed
                .entry(row["user"]["id"].as_str().unwrap().to_owned())
                .or_default();
            let core = &row["claude_code_metrics"]["core_metrics"];
            let values = [
                &row["chat_metrics"]["message_count"],
                &row["chat_metrics"]["distinct_conversation_count"],
                &core["commit_count"],
                &core["lines_of_code"]["added_count"],
                &row["claude_code_metrics"]["tool_actions"]["edit_tool"]["accepted_count"],
                &row["web_search_count"],
            ];
            for (slot, value) in entry.iter_mut().zip(values) {
                *slot += value.as_u64().unwrap();
            }
        }
    }
    assert_eq!(range.len(), summed.len());
    for row in &range {
        let member = sim
            .org()
            .members()
            .iter()
            .find(|m| m.id == row["user"]["id"].as_str().unwrap())
            .unwrap();
        let expected = truth(&sim, member.index, &days).unwrap();
        let core = &row["claude_code_metrics"]["core_metrics"];
        let got = [
            row["chat_metrics"]["message_count"].as_u64().unwrap(),
            row["chat_metrics"]["distinct_conversation_count"]
                .as_u64()
                .unwrap(),
            core["commit_count"].as_u64().unwrap(),
            core["lines_of_code"]["added_count"].as_u64().unwrap(),
            row["claude_code_metrics"]["tool_actions"]["edit_tool"]["accepted_count"]
                .as_u64()
                .unwrap(),
            row["web_search_count"].as_u64().unwrap(),
        ];
        // Addable counters sum; the distinct conversation count counts a conversation that
        // continues the next day once, so it is at most the days' sum.
        let mut sum = summed[member.id.as_str()];
        let (distinct, _) = sim
            .org()
            .distinct_over(member.index, days[0], days[days.len() - 1]);
        assert_eq!(got[1], distinct);
        assert!(distinct <= sum[1]);
        sum[1] = distinct;
        assert_eq!(got, sum);
        assert_eq!(got[0], expected.messages);
        assert_eq!(got[2], expected.commits);
        let last = days
            .iter()
            .rev()
            .find(|&&d| sim.org().user_day(member.index, d).is_some());
        assert_eq!(row["last_activity_date"], last.unwrap().to_string());
    }
    // ending_date defaults to today: days without data yet add nothing.
    let open = all_pages(&sim, USERS, "starting_date=2026-11-16&limit=1000")
        .await
        .concat();
    let through_latest = all_pages(
        &sim,
        USERS,
        "starting_date=2026-11-16&ending_date=2026-11-24&limit=1000",
    )
    .await
    .concat();
    assert_eq!(open, through_latest);
    assert_eq!(
        get(
            &sim,
            USERS,
            "starting_date=2026-11-20&ending_date=2026-11-20"
        )
        .await
        .status,
        400
    );
    assert_eq!(
        get(
            &sim,
            USERS,
            "starting_date=2026-11-20&ending_date=2026-11-26"
        )
        .await
        .status,
        400
    );
    let off = start(SimConfig {
        range_mode: false,
        ..config()
    })
    .await;
    assert_eq!(
        get(
            &off,
            USERS,
            "starting_date=2026-11-16&ending_date=2026-11-23"
        )
        .await
        .status,
        400
    );
    assert_eq!(get(&off, USERS, "date=2026-11-16").await.status, 200);
    assert_eq!(
        get(
            &off,
            "/v1/organizations/analytics/skills",
            "starting_date=2026-11-16"
        )
        .await
        .status,
        400
    );
}

#[tokio::test]
async fn cost_windows_are_limited_to_31_days_and_365_days_back() {
    let sim = start(config()).await;
    for (query, status) in [
        (
            "starting_at=2026-10-01T00:00:00Z&ending_at=2026-11-01T00:00:00Z&limit=31",
            200,
        ),
        (
            "starting_at=2026-10-01T00:00:00Z&ending_at=2026-11-02T00:00:00Z",
            400,
        ),
        (
            "starting_at=2025-12-31T23:00:00Z&ending_at=2026-01-05T00:00:00Z",
            400,
        ),
        ("starting_at=yesterday", 400),
        ("ending_at=2026-11-20T00:00:00Z", 400),
        (
            "starting_at=2026-11-20T00:00:00Z&ending_at=2026-11-10T00:00:00Z",
            400,
        ),
    ] {
        for path in [COST, USAGE, USER_COST, USER_USAGE] {
            let answer = get(&sim, path, query).await;
            assert_eq!(answer.status, status, "{path}?{query}: {}", answer.text);
        }
    }
    let later = start(SimConfig {
        today: day("2027-03-01"),
        ..config()
    })
    .await;
    let old = get(
        &later,
        USER_COST,
        "starting_at=2026-02-01T00:00:00Z&ending_at=2026-02-10T00:00:00Z",
    )
    .await;
    assert_eq!(old.status, 400);
    assert!(old.message().contains("365"), "{}", old.message());
    let fine = get(
        &later,
        USER_COST,
        "starting_at=2026-03-10T00:00:00Z&ending_at=2026-03-20T00:00:00Z",
    )
    .await;
    assert_eq!(fine.status, 200);
    let body = fine.json();
    assert_eq!(body["organization_id"], later.org().organization_id());
    assert_eq!(body["data_refreshed_at"], "2027-03-01T09:00:00Z");
}

#[tokio::test]
async fn summaries_in_both_shapes_match_ground_truth() {
    let sim = start(config()).await;
    let body = get(
        &sim,
        SUMMARIES,
        "starting_date=2026-11-01&ending_date=2026-11-08",
    )
    .await
    .json();
    assert!(body["next_page"].is_null());
    assert!(body.get("summaries").is_none());
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    let org = sim.org();
    for (row, date) in rows.iter().zip(day("2026-11-01").iter_days()) {
        assert_eq!(row["starting_at"], format!("{date}T00:00:00Z"));
        assert_eq!(
            row["ending_at"],
            format!("{}T00:00:00Z", date.succ_opt().unwrap())
        );
        assert_eq!(row["daily_active_user_count"], org.dau(date));
        assert_eq!(row["weekly_active_user_count"], org.wau(date));
        assert_eq!(row["monthly_active_user_count"], org.mau(date));
        assert_eq!(row["assigned_seat_count"], 40);
        assert_eq!(row["pending_invite_count"], org.pending_invites(date));
        assert_eq!(row["cowork_daily_active_user_count"], org.cowork_dau(date));
        let rate = row["daily_adoption_rate"].as_f64().unwrap();
        assert!((rate - org.dau(date) as f64 * 100.0 / 40.0).abs() < 0.01);
    }
    // Days past the latest available one are left out; a too-recent start is refused.
    let open = get(&sim, SUMMARIES, "starting_date=2026-11-20")
        .await
        .json();
    assert_eq!(open["data"].as_array().unwrap().len(), 4);
    let recent = get(&sim, SUMMARIES, "starting_date=2026-11-24").await;
    assert_eq!(recent.status, 400);
    assert!(recent.message().contains("2026-11-23"));
    assert_eq!(
        get(
            &sim,
            SUMMARIES,
            "starting_date=2026-10-01&ending_date=2026-11-02"
        )
        .await
        .status,
        400
    );
    assert_eq!(
        get(
            &sim,
            SUMMARIES,
            "starting_date=2026-10-01&ending_date=2026-11-01"
        )
        .await
        .status,
        200
    );
    assert_eq!(
        get(&sim, SUMMARIES, "ending_date=2026-11-01").await.status,
        400
    );

    let legacy = start(SimConfig {
        legacy_summaries: true,
        ..config()
    })
    .await;
    let old = get(
        &legacy,
        SUMMARIES,
        "starting_date=2026-11-01&ending_date=2026-11-08",
    )
    .await
    .json();
    assert!(old.get("data").is_none() && old.get("next_page").is_none());
    assert_eq!(old["summaries"], body["data"]);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sim = start(SimConfig {
        requests_per_window: 5,
        window: Duration::from_secs(2),
        ..config()
    })
    .await;
    for _ in 0..5 {
        assert_eq!(get(&sim, USERS, "date=2026-11-20").await.status, 200);
    }
    let limited = get(&sim, COST, "starting_at=2026-11-01T00:00:00Z").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.error_type(), "rate_limit_error");
    assert_eq!(limited.message(), "Rate limit exceeded. Too many requests.");
    assert_eq!(limited.header("retry-after"), Some("2"));
    // Checked before authentication, and rejected requests do not use up the window.
    assert_eq!(
        get_with(&sim, USERS, "date=2026-11-20", None).await.status,
        429
    );
    tokio::time::sleep(Duration::from_millis(2050)).await;
    assert_eq!(get(&sim, USERS, "date=2026-11-20").await.status, 200);
    assert_eq!(sim.count_status(429), 2);
    assert_eq!(sim.count_status(200), 6);
}

#[tokio::test]
async fn fault_modes_behave_as_documented() {
    let sim = start(config()).await;
    let users = "date=2026-11-20";
    let cost = "starting_at=2026-11-01T00:00:00Z";

    sim.set_fault(Some(Fault::KeyRejected));
    assert_eq!(get(&sim, USERS, users).await.status, 404);
    assert_eq!(get(&sim, COST, cost).await.status, 401);

    sim.set_fault(Some(Fault::ToggleOff));
    let off = get(&sim, USERS, users).await;
    assert_eq!(off.status, 403);
    assert_eq!(off.error_type(), "permission_error");
    let message = off.message().to_lowercase();
    assert!(
        message.contains("access") && message.contains("disabled"),
        "{message}"
    );
    assert_eq!(get(&sim, COST, cost).await.status, 403);

    sim.set_fault(Some(Fault::RateLimited));
    let limited = get(&sim, USERS, users).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("30"));

    sim.set_fault(Some(Fault::Malformed));
    let malformed = get(&sim, USERS, users).await;
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_str::<Value>(&malformed.text).is_err());

    sim.set_fault(Some(Fault::TooRecent));
    let recent = get(&sim, USERS, "date=2026-11-22").await;
    assert_eq!(recent.status, 400);
    assert!(
        recent
            .message()
            .contains("The most recent available date is 2026-11-19.")
    );
    assert_eq!(get(&sim, USERS, "date=2026-11-19").await.status, 200);

    sim.set_fault(Some(Fault::Flaky5xx));
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(get(&sim, USERS, users).await.status);
    }
    for _ in 0..6 {
        statuses.push(get(&sim, COST, cost).await.status);
    }
    assert_eq!(
        statuses,
        [200, 503, 200, 200, 503, 200, 200, 500, 200, 200, 500, 200]
    );

    sim.set_fault(None);
    assert_eq!(get(&sim, USERS, users).await.status, 200);
}

#[tokio::test]
async fn slow_fault_delays_answers() {
    let sim = start(SimConfig {
        fault: Some(Fault::Slow),
        ..config()
    })
    .await;
    let started = Instant::now();
    assert_eq!(get(&sim, USERS, "date=2026-11-20").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(1500));
}

#[tokio::test]
async fn expired_cursor_fault_lets_a_restart_complete() {
    let sim = start(SimConfig {
        fault: Some(Fault::ExpiredCursor),
        ..config()
    })
    .await;
    let query = "date=2026-11-23&limit=10";
    let first = get(&sim, USERS, query).await.json();
    let cursor = first["next_page"].as_str().unwrap().to_owned();
    let expired = get(&sim, USERS, &format!("{query}&page={cursor}")).await;
    assert_eq!(expired.status, 410);
    assert!(expired.message().contains("restart pagination from page 1"));
    assert_eq!(
        get(&sim, USERS, &format!("{query}&page={cursor}"))
            .await
            .status,
        410
    );
    let pages = all_pages(&sim, USERS, query).await;
    let active = (0..40)
        .filter(|&u| sim.org().user_day(u, day("2026-11-23")).is_some())
        .count();
    assert_eq!(pages.concat().len(), active);
}

/// The organization's cost on `date`: its members' and its service accounts' and API keys'.
fn day_cost(sim: &SimHandle, date: NaiveDate) -> (Decimal, Decimal, u64, u64) {
    let mut totals = (Decimal::ZERO, Decimal::ZERO, 0, 0);
    let org = sim.org();
    let members = org.members().iter().map(|m| org.user_cost(m.index, date));
    let automations = org
        .automations()
        .into_iter()
        .map(|a| org.automation_cost(a.index, date));
    for lines in members.chain(automations) {
        for line in lines {
            totals.0 += line.amount_cents;
            totals.1 += line.list_amount_cents;
            totals.2 += line.output_tokens;
            totals.3 += line.requests;
        }
    }
    totals
}

#[tokio::test]
async fn bucket_totals_equal_ground_truth() {
    let sim = start(config()).await;
    let query = "starting_at=2026-11-17T00:00:00Z&ending_at=2026-11-26T00:00:00Z&limit=31";
    let body = get(&sim, COST, query).await.json();
    assert_eq!(body["has_more"], false);
    let buckets = body["data"].as_array().unwrap();
    assert_eq!(buckets.len(), 9, "through today's partial bucket");
    for (bucket, date) in buckets.iter().zip(day("2026-11-17").iter_days()) {
        assert_eq!(bucket["starting_at"], format!("{date}T00:00:00Z"));
        let results = bucket["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        let row = &results[0];
        let (amount, list, _, requests) = day_cost(&sim, date);
        assert_eq!(cents(&row["amount"]), amount);
        assert_eq!(cents(&row["list_amount"]), list);
        assert_eq!(row["currency"], "USD");
        assert_eq!(row["requests"], requests);
        assert!(row["product"].is_null() && row["model"].is_null() && row["token_type"].is_null());
    }
    // Grouped rows add up to the same totals, whatever the grouping.
    for group in [
        "group_by[]=product",
        "group_by[]=model&group_by[]=product",
        "group_by[]=cost_type&group_by[]=token_type",
    ] {
        let body = get(&sim, COST, &format!("{query}&{group}")).await.json();
        for (bucket, date) in body["data"]
            .as_array()
            .unwrap()
            .iter()
            .zip(day("2026-11-17").iter_days())
        {
            let rows = bucket["results"].as_array().unwrap();
            let sum: Decimal = rows.iter().map(|r| cents(&r["amount"])).sum();
            assert_eq!(sum, day_cost(&sim, date).0, "{group} {date}");
        }
    }
    let usage = get(
        &sim,
        USAGE,
        "starting_at=2026-11-17T00:00:00Z&ending_at=2026-11-24T00:00:00Z",
    )
    .await
    .json();
    assert_eq!(usage["data"].as_array().unwrap().len(), 7);
    for (bucket, date) in usage["data"]
        .as_array()
        .unwrap()
        .iter()
        .zip(day("2026-11-17").iter_days())
    {
        assert_eq!(
            bucket["results"][0]["output_tokens"],
            day_cost(&sim, date).2
        );
    }
    // Bucket pages: 9 days at 4 per page.
    let pages = all_pages(
        &sim,
        COST,
        "starting_at=2026-11-17T00:00:00Z&ending_at=2026-11-26T00:00:00Z&limit=4",
    )
    .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 1]);
    // Hourly buckets partition the same day.
    let hours = get(
        &sim,
        COST,
        "starting_at=2026-11-20T00:00:00Z&ending_at=2026-11-21T00:00:00Z&bucket_width=1h",
    )
    .await
    .json();
    let sum: Decimal = hours["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| {
            b["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| cents(&r["amount"]))
        })
        .sum();
    assert_eq!(sum, day_cost(&sim, day("2026-11-20")).0);
}

#[tokio::test]
async fn per_user_cost_matches_ground_truth_and_is_ordered() {
    let sim = start(config()).await;
    let days: Vec<NaiveDate> = day("2026-11-01").iter_days().take(20).collect();
    let rows = all_pages(
        &sim,
        USER_COST,
        "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-21T00:00:00Z&limit=7",
    )
    .await
    .concat();
    let org = sim.org();
    let mut expected: BTreeMap<&str, Decimal> = BTreeMap::new();
    for m in org.members() {
        for &d in &days {
            for line in org.user_cost(m.index, d) {
                *expected.entry(m.id.as_str()).or_default() += line.amount_cents;
            }
        }
    }
    assert_eq!(rows.len(), expected.len());
    let amounts: Vec<Decimal> = rows.iter().map(|r| cents(&r["amount"])).collect();
    assert!(
        amounts.windows(2).all(|w| w[0] >= w[1]),
        "ordered by amount, descending"
    );
    for row in &rows {
        let actor = &row["actor"];
        assert_eq!(actor["type"], "user_actor");
        assert_eq!(actor["email"], actor["email_address"]);
        assert_eq!(actor["deleted"], false);
        assert_eq!(
            cents(&row["amount"]),
            expected[actor["user_id"].as_str().unwrap()]
        );
        assert!(cents(&row["list_amount"]) >= cents(&row["amount"]));
    }
    let usage = get(&sim, USER_USAGE, "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-21T00:00:00Z&order=asc&order_by=output_tokens&limit=1000").await.json();
    let outputs: Vec<u64> = usage["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["output_tokens"].as_u64().unwrap())
        .collect();
    assert!(outputs.windows(2).all(|w| w[0] <= w[1]));
    let row = &usage["data"][0];
    let parts = [
        "uncached_input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
    ]
    .iter()
    .map(|f| row[f].as_u64().unwrap())
    .sum::<u64>()
        + row["cache_creation"]["ephemeral_5m_input_tokens"]
            .as_u64()
            .unwrap()
        + row["cache_creation"]["ephemeral_1h_input_tokens"]
            .as_u64()
            .unwrap();
    assert_eq!(row["total_tokens"], parts);
    for (path, query) in [
        (
            USER_USAGE,
            "starting_at=2026-11-01T00:00:00Z&group_by[]=token_type",
        ),
        (
            USER_COST,
            "starting_at=2026-11-01T00:00:00Z&group_by[]=workspace",
        ),
        (
            USER_COST,
            "starting_at=2026-11-01T00:00:00Z&bucket_width=1d",
        ),
        (
            USER_COST,
            "starting_at=2026-11-01T00:00:00Z&order_by=total_tokens",
        ),
        (
            USER_COST,
            "starting_at=2026-11-01T00:00:00Z&products[]=excel",
        ),
    ] {
        assert_eq!(get(&sim, path, query).await.status, 400, "{path}?{query}");
    }
    let filtered = get(&sim, USER_COST, "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-21T00:00:00Z&group_by[]=product&products[]=claude_code&limit=1000").await.json();
    assert!(
        filtered["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["product"] == "claude_code")
    );
}

#[tokio::test]
async fn same_seed_gives_identical_bodies() {
    let queries = [
        (USERS, "date=2026-11-20&limit=7"),
        (SUMMARIES, "starting_date=2026-11-01"),
        (
            "/v1/organizations/analytics/apps/chat/projects",
            "date=2026-11-20",
        ),
        (
            "/v1/organizations/analytics/skills",
            "starting_date=2026-11-01",
        ),
        ("/v1/organizations/analytics/connectors", "date=2026-11-20"),
        (
            USER_USAGE,
            "starting_at=2026-11-01T00:00:00Z&group_by[]=model",
        ),
        (COST, "starting_at=2026-11-01T00:00:00Z&group_by[]=model"),
        (USERS, "date=2026-11-24"),
    ];
    let a = start(config()).await;
    let b = start(config()).await;
    let c = start(SimConfig {
        seed: 8,
        ..config()
    })
    .await;
    for (path, query) in queries {
        let (x, y, z) = (
            get(&a, path, query).await,
            get(&b, path, query).await,
            get(&c, path, query).await,
        );
        assert_eq!(x.text, y.text, "{path}?{query}");
        assert_eq!(x.status, y.status);
        if x.status == 200 {
            assert_ne!(x.text, z.text, "another seed, another org: {path}");
        }
    }
}

#[tokio::test]
async fn adoption_endpoints_list_sorted_catalogs() {
    let sim = start(config()).await;
    for (path, name) in [
        ("apps/chat/projects", "project_id"),
        ("skills", "skill_name"),
        ("connectors", "connector_name"),
    ] {
        let path = format!("/v1/organizations/analytics/{path}");
        let rows = all_pages(&sim, &path, "starting_date=2026-11-01&limit=2")
            .await
            .concat();
        assert!(rows.len() >= 3, "{path}");
        let names: Vec<&str> = rows.iter().map(|r| r[name].as_str().unwrap()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "{path} sorted by {name}");
        assert!(
            rows.iter()
                .all(|r| r["distinct_user_count"].as_u64().unwrap() <= 40)
        );
    }
    let connectors = get(
        &sim,
        "/v1/organizations/analytics/connectors",
        "date=2026-11-23",
    )
    .await
    .json();
    let row = &connectors["data"][0];
    assert!(row["chat_metrics"]["distinct_conversation_connector_used_count"].is_u64());
    assert!(row["office_metrics"]["excel"]["distinct_session_connector_used_count"].is_u64());
}

#[tokio::test]
async fn the_log_never_holds_the_key() {
    let canary = "sk-ant-api01-CANARY-canary-canary-canary-0000000000000000000000000000000000000000000000-ZZZZZZ";
    let sim = start(SimConfig {
        valid_key: canary.to_owned(),
        ..config()
    })
    .await;
    assert_eq!(
        get_with(&sim, USERS, "date=2026-11-20", Some(canary))
            .await
            .status,
        200
    );
    assert_eq!(
        get_with(&sim, COST, "starting_at=2026-11-01T00:00:00Z", Some(canary))
            .await
            .status,
        200
    );
    let smuggled = format!("date=2026-11-20&api_key={canary}");
    get_with(&sim, USERS, &smuggled, Some(canary)).await;
    get_with(&sim, USERS, &format!("{canary}=1"), None).await;
    let log = sim.requests();
    assert_eq!(log.len(), 4);
    let dump = format!("{log:?}");
    assert!(!dump.contains(canary) && !dump.contains("CANARY"), "{dump}");
    assert!(log[2].query.contains("api_key=[redacted]"));
    assert!(log[0].authorized && !log[3].authorized);
    let config_dump = format!(
        "{:?}",
        SimConfig {
            valid_key: canary.to_owned(),
            ..config()
        }
    );
    assert!(!config_dump.contains("CANARY"));
    sim.clear_log();
    assert_eq!(sim.request_count(), 0);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sim = start(config()).await;
    assert_eq!(get(&sim, USERS, "date=2026-11-20").await.status, 200);
    sim.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused = reqwest::Client::new()
        .get(format!("{}{USERS}?date=2026-11-20", sim.base_url()))
        .header("x-api-key", DEMO_KEY)
        .send()
        .await;
    assert!(refused.is_err());
}

#[test]
fn fault_names_round_trip() {
    use clap::ValueEnum;
    let names: Vec<&str> = Fault::all().iter().map(Fault::name).collect();
    assert_eq!(
        names,
        [
            "key-rejected",
            "toggle-off",
            "rate-limited",
            "flaky-5xx",
            "server-errors",
            "slow",
            "malformed",
            "expired-cursor",
            "too-recent",
            "missing-scope"
        ]
    );
    for fault in Fault::all() {
        assert_eq!(fault.name().parse::<Fault>().unwrap(), *fault);
        assert_eq!(fault.to_possible_value().unwrap().get_name(), fault.name());
    }
    assert!("flaky".parse::<Fault>().is_err());
    for variant in topogy::sim::Variant::all() {
        assert_eq!(
            variant.to_possible_value().unwrap().get_name(),
            variant.name()
        );
    }
    assert_eq!(DEMO_KEY.len(), 100);
    assert!(DEMO_KEY.starts_with("sk-ant-api01-"));
}
