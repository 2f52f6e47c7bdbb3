//! The simulator's newer surfaces: Chat and Cowork unified on `/users`, `/plugins` and
//! `/artifacts`, and an organization not offered the last two. Expected numbers come from
//! the ground truth (`SyntheticOrg`), never from the simulator's JSON code.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::NaiveDate;
use serde_json::Value;
use topogy::sim::{self, DEMO_KEY, SimConfig, SimHandle};

const BASE: &str = "/v1/organizations/analytics";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

async fn start(unified_chat: bool, not_offered: bool) -> SimHandle {
    sim::spawn(SimConfig {
        today: day("2026-11-25"),
        requests_per_window: 10_000,
        unified_chat,
        plugins_artifacts_not_offered: not_offered,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

async fn get(sim: &SimHandle, endpoint: &str, query: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}{BASE}/{endpoint}?{query}", sim.base_url()))
        .header("x-api-key", DEMO_KEY)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn unified_members_report_chat_and_cowork_in_the_unified_block() {
    let sim = start(true, false).await;
    let org = sim.org().clone();
    let date = day("2026-11-23");
    let (status, body) = get(&sim, "users", "date=2026-11-23&limit=1000").await;
    assert_eq!(status, 200);
    let rows = body["data"].as_array().unwrap();
    let mut unified_seen = 0;
    for row in rows {
        let id = row["user"]["id"].as_str().unwrap();
        let member = org.members().iter().find(|m| m.id == id).unwrap();
        let truth = org.user_day(member.index, date).unwrap();
        let unified = &row["chat_cowork_unified_metrics"];
        let (classic_chat, unified_chat) = if org.on_unified_chat(member.index) {
            unified_seen += 1;
            (0, truth.messages)
        } else {
            (truth.messages, 0)
        };
        assert_eq!(row["chat_metrics"]["message_count"], classic_chat, "{id}");
        assert_eq!(unified["chat"]["message_count"], unified_chat, "{id}");
        assert!(unified["chat"]["distinct_shared_artifacts_viewed_count"].is_null());
        let cowork = row["cowork_metrics"]["message_count"].as_u64().unwrap()
            + unified["sessions"]["message_count"].as_u64().unwrap();
        assert_eq!(cowork, truth.cowork_messages, "{id}");
        let office: u64 = ["excel", "powerpoint"]
            .iter()
            .map(|app| {
                row["office_metrics"][app]["message_count"]
                    .as_u64()
                    .unwrap()
            })
            .sum();
        assert_eq!(office, truth.office_messages, "{id}");
        let design = row["design_metrics"]["message_count"].as_u64().unwrap_or(0);
        assert_eq!(design, truth.design_messages, "{id}");
        assert_eq!(row["web_search_count"], truth.web_searches, "{id}");
    }
    assert!(unified_seen >= 5, "{unified_seen} unified members active");

    // Off (the default): the block is absent unless the seed's organization offers it, and
    // then it holds zeros; chat stays in `chat_metrics`.
    let plain = start(false, false).await;
    let (_, body) = get(&plain, "users", "date=2026-11-23&limit=1000").await;
    for row in body["data"].as_array().unwrap() {
        let unified = &row["chat_cowork_unified_metrics"];
        assert!(unified.is_null() || unified["chat"]["message_count"] == 0);
    }
}

#[tokio::test]
async fn plugins_and_artifacts_answer_their_ground_truth() {
    let sim = start(false, false).await;
    let org = sim.org().clone();
    let date = day("2026-11-23");
    let (status, body) = get(&sim, "plugins", "date=2026-11-23").await;
    assert_eq!(status, 200, "{body}");
    let truth = org.plugins_on(date);
    assert!(truth.len() >= 3, "{truth:?}");
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), truth.len());
    for (row, t) in rows.iter().zip(&truth) {
        assert_eq!(row["plugin_name"], t.plugin_name);
        assert_eq!(row["plugin_id"].as_str(), t.plugin_id);
        assert_eq!(row["distinct_user_count"], t.distinct_user_count);
        assert_eq!(row["invocation_count"], t.invocation_count);
        assert_eq!(row["install_count"], t.install_count);
        assert_eq!(
            row["claude_code_metrics"]["distinct_session_plugin_used_count"],
            t.claude_code_sessions
        );
        assert_eq!(
            row["cowork_metrics"]["distinct_session_plugin_used_count"],
            t.cowork_sessions
        );
    }
    // Paged like the other list endpoints.
    let (_, first) = get(&sim, "plugins", "date=2026-11-23&limit=2").await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert!(first["next_page"].is_string());

    let (status, body) = get(&sim, "artifacts", "date=2026-11-23").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["next_page"].is_null());
    let truth = org.artifacts_on(date);
    assert!(truth.len() >= 4, "{truth:?}");
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), truth.len());
    for (row, t) in rows.iter().zip(&truth) {
        assert_eq!(row["artifact_type"], t.artifact_type);
        assert_eq!(row["is_shared"], t.is_shared);
        assert_eq!(row["artifacts_created_count"], t.artifacts_created_count);
        assert_eq!(
            row["published_artifacts_created_count"],
            t.published_artifacts_created_count
        );
        assert_eq!(row["distinct_user_count"], t.distinct_user_count);
        assert!(t.published_artifacts_created_count <= t.artifacts_created_count);
    }
}

#[tokio::test]
async fn artifacts_take_one_date_and_no_grouping() {
    let sim = start(false, false).await;
    for query in [
        "",
        "starting_date=2026-11-01",
        "date=2026-11-23&group_by[]=product",
        "date=2026-11-25",
        "date=2026-11-23&limit=0",
    ] {
        let (status, body) = get(&sim, "artifacts", query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["type"], "invalid_request_error", "{query}");
    }
    let (status, _) = get(&sim, "plugins", "date=2026-11-23&filter[]=product:cowork").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_organization_not_offered_them_gets_404_from_both_and_nothing_else() {
    let sim = start(false, true).await;
    for endpoint in ["plugins", "artifacts"] {
        let (status, body) = get(&sim, endpoint, "date=2026-11-23").await;
        assert_eq!(status, 404, "{endpoint}");
        assert_eq!(body["error"]["type"], "not_found_error");
    }
    for endpoint in ["skills", "connectors", "users"] {
        let (status, _) = get(&sim, endpoint, "date=2026-11-23").await;
        assert_eq!(status, 200, "{endpoint}");
    }
}
