//! Every endpoint's fixtures parse into the wire models, including each documented variant.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Reason: tests fail loudly on bad fixtures.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use topogy::api::models::*;

fn parse<T: DeserializeOwned>(json: &str) -> (Vec<T>, ListEnvelope<T>) {
    let mut envelope: ListEnvelope<T> = serde_json::from_str(json).expect("fixture parses");
    let rows = envelope.rows().expect("fixture has rows");
    (rows, envelope)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cents(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn users_early_era_without_office_or_cowork_blocks() {
    let (rows, env) = parse::<UserActivity>(include_str!("fixtures/users_v1.json"));
    assert_eq!(rows.len(), 1);
    assert_eq!(env.next_cursor(), None);
    let u = &rows[0];
    let user = u.user.as_ref().unwrap();
    assert_eq!(user.id, "user_01EarlyEraAaaaaaaaaaaaa");
    assert_eq!(user.email_address.as_deref(), Some("ada@example.com"));
    assert_eq!(u.chat_metrics.message_count, 42);
    assert_eq!(u.chat_metrics.distinct_conversation_count, Some(7));
    assert_eq!(u.chat_metrics.shared_conversations_viewed_count, 0);
    assert_eq!(u.chat_metrics.distinct_shared_artifacts_viewed_count, None);
    let core = &u.claude_code_metrics.core_metrics;
    assert_eq!((core.commit_count, core.pull_request_count), (3, 1));
    assert_eq!(
        (
            core.lines_of_code.added_count,
            core.lines_of_code.removed_count
        ),
        (250, 40)
    );
    assert_eq!(core.distinct_session_count, Some(4));
    // Four tools summed.
    assert_eq!(u.claude_code_metrics.tool_actions.len(), 4);
    assert_eq!(u.tool_accepted(), 100);
    assert_eq!(u.tool_rejected(), 10);
    assert!(u.office_metrics.is_empty());
    assert_eq!(u.cowork_metrics, CoworkMetrics::default());
    assert_eq!(u.chat_cowork_unified_metrics, None);
    assert_eq!(u.web_search_count, 9);
    assert_eq!(u.last_activity_date, None);
}

#[test]
fn users_latest_era_with_every_block_and_unknown_fields() {
    let (rows, env) = parse::<UserActivity>(include_str!("fixtures/users_latest.json"));
    assert_eq!(env.next_cursor(), Some("cursor_page_2"));
    let u = &rows[0];
    assert_eq!(u.chat_metrics.distinct_files_uploaded_count, None);
    assert_eq!(u.chat_metrics.distinct_connectors_used_count, Some(2));
    assert_eq!(
        u.claude_code_metrics.core_metrics.artifacts_created_count,
        1
    );
    assert_eq!(u.tool_accepted(), 70);
    assert_eq!(u.tool_rejected(), 9);
    assert_eq!(u.office_metrics.len(), 4);
    assert_eq!(u.office_metrics["excel"].message_count, 6);
    assert_eq!(u.office_metrics["powerpoint"].distinct_session_count, None);
    assert_eq!(u.cowork_metrics.action_count, 40);
    assert_eq!(u.cowork_metrics.plugins_used_count, None);
    assert_eq!(u.cowork_metrics.file_edit_count, Some(8));
    assert_eq!(u.cowork_metrics.edit_tool_count, None);
    assert_eq!(u.design_metrics.message_count, 10);
    assert_eq!(u.science_metrics.distinct_session_count, None);
    let unified = u.chat_cowork_unified_metrics.as_ref().unwrap();
    assert_eq!(unified.chat.message_count, 90);
    assert_eq!(unified.chat.distinct_shared_artifacts_viewed_count, None);
    assert_eq!(unified.sessions.action_count, 40);
    assert_eq!(u.web_search_count, 21);
    assert_eq!(u.last_activity_date, Some(day(2026, 3, 14)));
}

#[test]
fn users_with_null_and_absent_blocks_and_alias_fields() {
    let (rows, env) = parse::<UserActivity>(include_str!("fixtures/users_nulls.json"));
    assert_eq!(env.next_cursor(), None, "an empty cursor ends pagination");
    assert_eq!(rows.len(), 2);
    let u = &rows[0];
    let user = u.user.as_ref().unwrap();
    assert_eq!(
        user.email_address.as_deref(),
        Some("linus@example.com"),
        "alias `email`"
    );
    assert_eq!(
        u.chat_metrics,
        ChatMetrics::default(),
        "null block → defaults"
    );
    assert_eq!(
        u.cowork_metrics,
        CoworkMetrics::default(),
        "absent block → defaults"
    );
    assert!(u.office_metrics.is_empty());
    assert_eq!(
        u.claude_code_metrics.core_metrics.distinct_session_count,
        None
    );
    assert_eq!(u.web_search_count, 0);
    // `accepted`/`rejected` aliases; the null tool and the scalar are skipped.
    assert_eq!(u.claude_code_metrics.tool_actions.len(), 1);
    assert_eq!((u.tool_accepted(), u.tool_rejected()), (4, 1));
    let grouped = &rows[1];
    assert_eq!(grouped.user, None);
    assert_eq!(grouped.distinct_user_count, Some(17));
    assert_eq!(grouped.rbac_group_name.as_deref(), Some("Platform"));
    assert_eq!(grouped.chat_metrics.message_count, 300);
    assert_eq!(grouped.claude_code_metrics, ClaudeCodeMetrics::default());
}

#[test]
fn summaries_under_data_with_starting_at() {
    let (rows, _) = parse::<DaySummary>(include_str!("fixtures/summaries_data.json"));
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(first.date, day(2026, 3, 1));
    assert_eq!(
        (
            first.daily_active_user_count,
            first.weekly_active_user_count,
            first.monthly_active_user_count
        ),
        (120, 180, 240)
    );
    assert_eq!(first.assigned_seat_count, Some(300));
    assert_eq!(first.pending_invite_count, Some(12));
    assert_eq!(first.daily_adoption_rate, Some(40.0));
    assert_eq!(first.cowork_monthly_active_user_count, 30);
    assert_eq!(first.products.claude_code_daily_active_user_count, Some(45));
    assert_eq!(first.products.chat_weekly_active_user_count, None);
    let second = &rows[1];
    assert_eq!(second.date, day(2026, 3, 2));
    assert_eq!(second.assigned_seat_count, None);
    assert_eq!(second.monthly_adoption_rate, None);
}

#[test]
fn summaries_under_legacy_key_with_starting_date() {
    let (rows, env) = parse::<DaySummary>(include_str!("fixtures/summaries_legacy.json"));
    assert_eq!(env.next_cursor(), None);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].date, day(2026, 2, 10));
    assert_eq!(rows[0].daily_active_user_count, 50);
    assert_eq!(rows[0].pending_invite_count, Some(3));
    assert_eq!(rows[0].daily_adoption_rate, None);
    assert_eq!(rows[0].cowork_daily_active_user_count, 0);
}

#[test]
fn summaries_prefer_data_when_both_keys_are_sent() {
    let json = r#"{"data":[{"starting_at":"2026-03-01T00:00:00Z","daily_active_user_count":1}],
                  "summaries":[{"starting_at":"2026-03-01T00:00:00Z","daily_active_user_count":2}],
                  "next_page":null}"#;
    let (rows, _) = parse::<DaySummary>(json);
    assert_eq!(rows[0].daily_active_user_count, 1);
}

#[test]
fn summary_without_a_day_is_rejected() {
    let json = r#"{"data":[{"daily_active_user_count":1}]}"#;
    assert!(serde_json::from_str::<ListEnvelope<DaySummary>>(json).is_err());
}

#[test]
fn chat_projects() {
    let (rows, _) = parse::<ProjectActivity>(include_str!("fixtures/chat_projects.json"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].project_id, "claude_proj_01Planning");
    assert_eq!(rows[0].message_count, 120);
    assert_eq!(
        rows[0].created_at,
        Some(Utc.with_ymd_and_hms(2026, 2, 1, 9, 30, 0).unwrap())
    );
    assert_eq!(
        rows[0]
            .created_by
            .as_ref()
            .unwrap()
            .email_address
            .as_deref(),
        Some("pm@example.com")
    );
    assert_eq!(rows[1].distinct_conversation_count, None);
    assert_eq!(rows[1].created_at, None);
    assert_eq!(rows[1].created_by, None);
}

#[test]
fn skills_with_money_and_optional_blocks() {
    let (rows, _) = parse::<SkillActivity>(include_str!("fixtures/skills.json"));
    let xlsx = &rows[0];
    assert_eq!(xlsx.skill_display_name.as_deref(), Some("Excel builder"));
    assert_eq!(
        xlsx.chat_metrics.distinct_conversation_skill_used_count,
        Some(20)
    );
    assert_eq!(
        xlsx.claude_code_metrics.distinct_session_skill_used_count,
        None
    );
    assert_eq!(
        xlsx.office_metrics["excel"].distinct_session_skill_used_count,
        Some(5)
    );
    assert_eq!(xlsx.estimated_overage_spend, Some(cents("1234.5")));
    assert_eq!(xlsx.attributed_list_price, Some(Decimal::from(2000)));
    assert_eq!(xlsx.share_status.as_deref(), Some("organization"));
    let unified = xlsx.chat_cowork_unified_metrics.as_ref().unwrap();
    assert_eq!(
        unified
            .chat
            .as_ref()
            .unwrap()
            .distinct_conversation_skill_used_count,
        Some(21)
    );
    let opaque = &rows[1];
    assert_eq!(opaque.invocation_count, None);
    assert_eq!(opaque.estimated_overage_spend, None);
    assert_eq!(opaque.cowork_metrics, SkillSurfaceMetrics::default());
    assert_eq!(opaque.chat_cowork_unified_metrics, None);
}

#[test]
fn connectors() {
    let (rows, _) = parse::<ConnectorActivity>(include_str!("fixtures/connectors.json"));
    assert_eq!(rows[0].connector_name, "atlassian");
    assert_eq!(rows[0].distinct_user_count, 14);
    assert_eq!(
        rows[0].office_metrics["word"].distinct_session_connector_used_count,
        Some(1)
    );
    assert_eq!(rows[0].read_call_count, Some(100));
    assert_eq!(rows[0].unclassified_call_count, None);
    assert_eq!(rows[1].connector_display_name, None);
    assert_eq!(
        rows[1]
            .claude_code_metrics
            .distinct_session_connector_used_count,
        Some(12)
    );
    assert_eq!(rows[1].managed_auth_distinct_user_count, None);
}

#[test]
fn user_usage_report_rows_and_envelope() {
    let (rows, env) = parse::<UserUsageRow>(include_str!("fixtures/user_usage_report.json"));
    assert_eq!(env.organization_id.as_deref(), Some("org_01UsageOrg"));
    assert_eq!(
        env.data_refreshed_at,
        Some(Utc.with_ymd_and_hms(2026, 3, 5, 4, 0, 0).unwrap())
    );
    let ada = &rows[0];
    assert_eq!(ada.actor.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        ada.usage.dimensions.model.as_deref(),
        Some("claude-opus-4-6")
    );
    assert_eq!(ada.usage.cache_creation.ephemeral_5m_input_tokens, 200);
    assert_eq!(ada.total_tokens, 5000);
    assert_eq!(ada.usage.server_tool_use.web_search_requests, 2);
    assert_eq!(ada.usage.requests, Some(17));
    let gone = &rows[1];
    assert!(gone.actor.deleted);
    assert_eq!(gone.actor.name.as_deref(), Some("Deleted User"));
    assert_eq!(gone.actor.email, None);
    assert_eq!(gone.usage.cache_creation, CacheCreation::default());
    assert_eq!(gone.usage.requests, None);
    assert_eq!(
        gone.starting_at,
        Some(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
    );
}

#[test]
fn user_cost_report_money_is_exact_and_actor_emails_resolve() {
    let (rows, env) = parse::<UserCostRow>(include_str!("fixtures/user_cost_report.json"));
    assert_eq!(
        env.organization_id.as_deref(),
        Some("org_013FP9SaFPBg7Kw7fetjn6cF")
    );
    let jane = &rows[0];
    assert_eq!(
        jane.cost.amount,
        Decimal::from(41280),
        "\"41280.000000\" is exactly 41280 cents"
    );
    assert_eq!(jane.cost.list_amount, Decimal::from(51600));
    assert_eq!(jane.cost.currency, "USD");
    assert_eq!(jane.cost.requests, Some(128));
    assert_eq!(
        jane.actor.email.as_deref(),
        Some("jane@example.com"),
        "deprecated `email` only"
    );
    assert!(jane.actor.deleted);
    let max = &rows[1];
    assert_eq!(
        max.actor.email.as_deref(),
        Some("max@example.com"),
        "`email_address` only"
    );
    assert_eq!(max.cost.amount, cents("0.015"));
    assert_eq!(
        max.cost.token_type.as_deref(),
        Some("cache_creation.ephemeral_5m_input_tokens")
    );
    assert_eq!(max.cost.requests, None);
    let both = &rows[2];
    assert_eq!(
        both.actor.email.as_deref(),
        Some("canonical@example.com"),
        "`email_address` wins"
    );
    assert_eq!(
        both.cost.amount,
        cents("250.5"),
        "a JSON number is accepted"
    );
    assert_eq!(both.cost.list_amount, Decimal::from(300));
    let service = &rows[3];
    assert_eq!(service.actor.email, None);
    assert_eq!(service.cost.currency, "USD", "absent currency is USD");
    let total: Decimal = rows.iter().map(|r| r.cost.amount).sum();
    assert_eq!(total, cents("41542.515"));
}

#[test]
fn usage_report_buckets() {
    let (buckets, env) = parse::<UsageBucket>(include_str!("fixtures/usage_report.json"));
    assert_eq!(env.has_more, Some(false));
    assert_eq!(buckets.len(), 2);
    assert_eq!(
        buckets[0].starting_at,
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(buckets[0].results.len(), 2);
    assert_eq!(
        buckets[0].results[0].dimensions.product.as_deref(),
        Some("chat")
    );
    assert_eq!(buckets[0].results[0].output_tokens, 400);
    assert_eq!(buckets[0].results[1].dimensions.product, None);
    assert_eq!(
        buckets[0].results[1].cache_creation,
        CacheCreation::default()
    );
    assert!(buckets[1].results.is_empty());
}

#[test]
fn cost_report_buckets() {
    let (buckets, env) = parse::<CostBucket>(include_str!("fixtures/cost_report.json"));
    assert_eq!(
        env.data_refreshed_at,
        Some(Utc.with_ymd_and_hms(2026, 3, 5, 8, 0, 0).unwrap())
    );
    let results = &buckets[0].results;
    assert_eq!(results[0].amount, Decimal::from(41280));
    assert_eq!(results[1].amount, cents("720.25"));
    assert_eq!(results[1].cost_type, None);
    let day_total: Decimal = results.iter().map(|r| r.amount).sum();
    assert_eq!(day_total, cents("42000.25"));
}

#[test]
fn has_more_false_ends_pagination_even_with_a_cursor() {
    let json = r#"{"data":[],"has_more":false,"next_page":"stale"}"#;
    let env: ListEnvelope<UserCostRow> = serde_json::from_str(json).unwrap();
    assert_eq!(env.next_cursor(), None);
}

#[test]
fn users_chat_cowork_unified_present_null_absent_and_partial() {
    let (rows, _) = parse::<UserActivity>(include_str!("fixtures/users_unified.json"));
    assert_eq!(rows.len(), 4);
    // Present: chat and Cowork are the classic blocks plus the unified block.
    let both = &rows[0];
    let unified = both.chat_cowork_unified_metrics.as_ref().unwrap();
    assert_eq!(unified.chat.message_count, 40);
    assert_eq!(unified.chat.distinct_shared_artifacts_viewed_count, None);
    assert_eq!(unified.sessions.action_count, 60);
    assert_eq!(both.messages(), 45);
    assert_eq!(both.conversations(), 9);
    assert_eq!(both.cowork_sessions(), 4);
    assert_eq!(both.cowork_messages(), 27);
    assert_eq!(both.office_messages(), 7);
    assert_eq!(both.design_messages(), 9);
    assert_eq!(both.web_search_count, 11);
    // `null`: the classic blocks alone.
    let null = &rows[1];
    assert_eq!(null.chat_cowork_unified_metrics, None);
    assert_eq!((null.messages(), null.conversations()), (12, 4));
    assert_eq!((null.cowork_sessions(), null.cowork_messages()), (0, 2));
    // Absent (an organization without the unified experience): the same.
    let absent = &rows[2];
    assert_eq!(absent.chat_cowork_unified_metrics, None);
    assert_eq!((absent.messages(), absent.conversations()), (3, 1));
    assert_eq!((absent.office_messages(), absent.design_messages()), (0, 0));
    // Partly null: a `null` count or block adds nothing, the rest still counts.
    let partial = &rows[3];
    let unified = partial.chat_cowork_unified_metrics.as_ref().unwrap();
    assert_eq!(unified.sessions, CoworkMetrics::default());
    assert_eq!((partial.messages(), partial.conversations()), (8, 0));
    assert_eq!(
        (partial.cowork_sessions(), partial.cowork_messages()),
        (0, 0)
    );
}

#[test]
fn plugins_rows_with_nulls_and_grouped_fields() {
    let (rows, env) = parse::<PluginActivity>(include_str!("fixtures/plugins.json"));
    assert_eq!(env.next_cursor(), Some("plugins_cursor_2"));
    assert_eq!(rows.len(), 3);
    let serena = &rows[0];
    assert_eq!(serena.plugin_name, "serena");
    assert_eq!(
        serena.plugin_id.as_deref(),
        Some("serena@claude-plugins-official")
    );
    assert_eq!(serena.install_count, Some(3));
    assert_eq!(
        (serena.invocation_count, serena.distinct_user_count),
        (57, 6)
    );
    assert_eq!(
        serena
            .claude_code_metrics
            .distinct_session_plugin_used_count,
        Some(14)
    );
    assert_eq!(
        serena.cowork_metrics.distinct_session_plugin_used_count,
        Some(2)
    );
    assert_eq!(
        serena
            .chat_cowork_unified_metrics
            .as_ref()
            .and_then(|u| u.distinct_session_plugin_used_count),
        Some(1)
    );
    let bucket = &rows[1];
    assert_eq!(bucket.plugin_id, None);
    assert_eq!(bucket.install_count, None);
    assert_eq!(bucket.cowork_metrics, PluginSurfaceMetrics::default());
    assert_eq!(bucket.chat_cowork_unified_metrics, None);
    let grouped = &rows[2];
    assert_eq!(grouped.product.as_deref(), Some("claude_code"));
    assert_eq!(
        grouped.user_id.as_deref(),
        Some("user_01GroupedRowEeeeeeeee")
    );
    assert_eq!(grouped.install_count, None);
}

#[test]
fn artifacts_cube_rows() {
    let (rows, env) = parse::<ArtifactActivity>(include_str!("fixtures/artifacts.json"));
    assert_eq!(env.next_cursor(), None);
    let got: Vec<(&str, bool, u64, u64, u64)> = rows
        .iter()
        .map(|a| {
            (
                a.artifact_type.as_str(),
                a.is_shared,
                a.artifacts_created_count,
                a.published_artifacts_created_count,
                a.distinct_user_count,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("text/markdown", false, 31, 0, 12),
            ("application/vnd.ant.react", true, 5, 2, 3),
            ("other", false, 1, 0, 1),
        ]
    );
    assert_eq!(rows[2].product.as_deref(), Some("chat"));
}
