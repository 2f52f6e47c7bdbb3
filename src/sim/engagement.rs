//! `/users` and `/summaries`: per-person activity rows and the organization's daily series.

use chrono::{Days, NaiveDate};
use serde_json::{Map, Value, json};

use super::cursor;
use super::data::{Member, SyntheticOrg, UserDay};
use super::dates::{self, Calendar, Span, check_range_end};
use super::error::ApiError;
use super::ledger;
use super::query::Query;
use super::server::Ctx;
use crate::days::{midnight, next_day};

/// Longest `/summaries` range (`ending_date - starting_date`).
const MAX_SUMMARY_DAYS: i64 = 31;

/// Optional fields this organization emits, drawn from the seed so client tolerance is exercised.
#[derive(Clone, Copy, Debug)]
struct Flavor {
    design: bool,
    unified: bool,
    office_extended: bool,
    distinct_connectors: bool,
    science: bool,
    code_artifacts: bool,
}

impl Flavor {
    fn of(org: &SyntheticOrg) -> Self {
        Self {
            design: org.flavor(0),
            unified: org.flavor(1),
            office_extended: org.flavor(2),
            distinct_connectors: org.flavor(3),
            science: org.flavor(4),
            code_artifacts: org.flavor(5),
        }
    }
}

/// `GET /users`: one row per person active on the day (or in the range), sorted by e-mail.
pub(crate) fn users(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    let mut allowed = dates::list_params(ctx.config().range_mode);
    allowed.push("filter[]");
    q.allow(&allowed)?;
    let cal = Calendar::new(ctx);
    let span = Span::from_query(ctx, q, &cal)?;
    let limit = q.limit(20, 1000)?;
    let only = user_filter(q)?;
    let org = ctx.org();
    let days = span.days(&cal);
    let rows: Vec<(&Member, UserDay, NaiveDate)> = org
        .members_by_email()
        .filter(|m| only.is_empty() || only.contains(&m.id.as_str()))
        .filter_map(|m| {
            let mut total = UserDay::zero();
            let mut last = None;
            for &date in &days {
                if let Some(day) = org.user_day(m.index, date) {
                    total += &day;
                    last = Some(date);
                }
            }
            // A rollup counts a conversation (session) that spans days once.
            if let (Some(first), Some(end)) = (days.first(), days.last())
                && span.is_range()
            {
                (total.conversations, total.sessions) = org.distinct_over(m.index, *first, *end);
            }
            last.map(|last| (m, total, last))
        })
        .collect();
    let page = cursor::page(ctx, q, rows.len(), limit)?;
    let mut flavor = Flavor::of(org);
    flavor.unified |= ctx.config().unified_chat;
    let data: Vec<Value> = rows
        .iter()
        .skip(page.offset)
        .take(limit)
        .map(|(member, day, last)| {
            let place = if !flavor.unified {
                ChatPlace::Classic
            } else if ctx.config().unified_chat && org.on_unified_chat(member.index) {
                ChatPlace::Unified
            } else {
                ChatPlace::ClassicWithEmptyUnified
            };
            user_row(member, day, span.is_range().then_some(*last), flavor, place)
        })
        .collect();
    Ok(json!({ "data": data, "next_page": page.next }))
}

/// `filter[]=user_id:…` values (the only `/users` filter dimension the simulator knows).
fn user_filter(q: &Query) -> Result<Vec<&str>, ApiError> {
    q.many("filter[]")?
        .into_iter()
        .map(|f| match f.split_once(':') {
            Some(("user_id", id)) => Ok(id),
            _ => Err(ApiError::invalid(format!(
                "Unsupported `filter[]` value `{f}`; expected `user_id:<id>`."
            ))),
        })
        .collect()
}

/// Where a member's chat and Cowork figures go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChatPlace {
    /// `chat_metrics`/`cowork_metrics`; no `chat_cowork_unified_metrics` block.
    Classic,
    /// `chat_metrics`/`cowork_metrics`, and a unified block of zeros (the org offers it).
    ClassicWithEmptyUnified,
    /// The unified block's `chat` and `sessions`; zeros in `chat_metrics`/`cowork_metrics`.
    Unified,
}

fn user_row(
    member: &Member,
    day: &UserDay,
    last: Option<NaiveDate>,
    flavor: Flavor,
    place: ChatPlace,
) -> Value {
    let zero = UserDay::zero();
    let (classic, unified) = match place {
        ChatPlace::Unified => (&zero, day),
        _ => (day, &zero),
    };
    let mut row = activity_row(member, day, classic, flavor);
    if place != ChatPlace::Classic {
        let mut chat = chat_block(unified, flavor);
        insert(
            &mut chat,
            "distinct_shared_artifacts_viewed_count",
            Value::Null,
        );
        let sessions = cowork_block(unified);
        insert(
            &mut row,
            "chat_cowork_unified_metrics",
            json!({ "chat": chat, "sessions": sessions }),
        );
    }
    if let Some(last) = last {
        insert(&mut row, "last_activity_date", json!(last.to_string()));
    }
    row
}

/// The `chat_metrics` fields (also the unified block's `chat`).
fn chat_block(day: &UserDay, flavor: Flavor) -> Value {
    let mut chat = json!({
        "distinct_conversation_count": day.conversations,
        "message_count": day.messages,
        "distinct_projects_created_count": day.projects_created,
        "distinct_projects_used_count": day.projects_used,
        "distinct_files_uploaded_count": day.files_uploaded,
        "distinct_artifacts_created_count": day.artifacts_created,
        "distinct_shared_artifacts_viewed_count": 0,
        "thinking_message_count": day.thinking_messages,
        "distinct_skills_used_count": day.skills_used,
        "connectors_used_count": day.connectors_used,
        "shared_conversations_viewed_count": day.shared_conversations_viewed,
    });
    if flavor.distinct_connectors {
        insert(
            &mut chat,
            "distinct_connectors_used_count",
            json!(day.connectors_used.min(3)),
        );
    }
    chat
}

/// The `cowork_metrics` fields (also the unified block's `sessions`).
fn cowork_block(day: &UserDay) -> Value {
    json!({
        "distinct_session_count": day.cowork_sessions,
        "message_count": day.cowork_messages,
        "action_count": day.cowork_messages * 3,
        "dispatch_turn_count": day.cowork_sessions / 2,
        "skills_used_count": 0,
        "distinct_skills_used_count": 0,
        "connectors_used_count": 0,
        "distinct_connectors_used_count": 0,
        "artifacts_created_count": 0,
    })
}

/// One `/users` row with `chat` (chat and Cowork figures) and `day` (everything else).
fn activity_row(member: &Member, day: &UserDay, chat: &UserDay, flavor: Flavor) -> Value {
    let mut core = json!({
        "commit_count": day.commits,
        "pull_request_count": day.pull_requests,
        "lines_of_code": { "added_count": day.lines_added, "removed_count": day.lines_removed },
        "distinct_session_count": day.sessions,
    });
    if flavor.code_artifacts {
        insert(&mut core, "artifacts_created_count", json!(0));
    }
    let tools: Map<String, Value> = day
        .tool_actions
        .iter()
        .map(|&(tool, accepted, rejected)| {
            let counts = json!({ "accepted_count": accepted, "rejected_count": rejected });
            (tool.to_owned(), counts)
        })
        .collect();
    // Office turns split over Excel (the larger half) and PowerPoint.
    let office_app = |messages: u64| {
        json!({
            "distinct_session_count": u64::from(messages > 0), "message_count": messages,
            "skills_used_count": 0, "distinct_skills_used_count": 0, "connectors_used_count": 0,
            "distinct_connectors_used_count": 0,
        })
    };
    let excel = day.office_messages.div_ceil(2);
    let mut office = json!({
        "excel": office_app(excel),
        "powerpoint": office_app(day.office_messages - excel),
    });
    if flavor.office_extended {
        insert(&mut office, "outlook", office_app(0));
        insert(&mut office, "word", office_app(0));
    }
    let mut row = json!({
        "user": { "id": member.id, "email_address": member.email, "type": "user" },
        "chat_metrics": chat_block(chat, flavor),
        "claude_code_metrics": { "core_metrics": core, "tool_actions": tools },
        "office_metrics": office,
        "cowork_metrics": cowork_block(chat),
        "web_search_count": day.web_searches,
    });
    // Orgs with Claude Design always get the block; others only on days it was used, so
    // rows with and without it both occur.
    if flavor.design || day.design_messages > 0 {
        let design = json!({
            "distinct_projects_created_count": 0, "distinct_projects_used_count": 0,
            "distinct_session_count": u64::from(day.design_messages > 0),
            "message_count": day.design_messages,
        });
        insert(&mut row, "design_metrics", design);
    }
    if flavor.science {
        let science = json!({
            "delegation_count": 0, "distinct_session_count": 0, "message_count": 0,
            "remote_compute_job_count": 0, "skills_used_count": 0,
        });
        insert(&mut row, "science_metrics", science);
    }
    row
}

fn insert(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

/// `GET /summaries`: one row per available day of `[starting_date, ending_date)`.
pub(crate) fn summaries(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    q.allow(&["starting_date", "ending_date", "limit", "page", "beta"])?;
    let cal = Calendar::new(ctx);
    let start = q
        .one("starting_date")?
        .ok_or_else(|| ApiError::invalid("`starting_date` is required."))?;
    let start = cal.available("starting_date", start)?;
    let end = match q.one("ending_date")? {
        Some(text) => {
            let end = Calendar::parse("ending_date", text)?;
            check_range_end(
                &cal,
                start,
                end,
                MAX_SUMMARY_DAYS.unsigned_abs(),
                &format!(
                    "The date range may span at most {MAX_SUMMARY_DAYS} days \
                     (`ending_date` - `starting_date`)."
                ),
            )?;
            // The SDK allows any `ending_date` up to today; some servers refuse one past the
            // latest available day (the `summaries-strict-end` variant).
            if ctx.config().summaries_strict_end && end > next_day(cal.latest) {
                return Err(ApiError::too_recent(format!(
                    "`ending_date` {end} reaches past the most recent available date {}.",
                    cal.latest
                )));
            }
            end
        }
        None => next_day(cal.latest).min(start + Days::new(MAX_SUMMARY_DAYS.unsigned_abs())),
    };
    let rows: Vec<Value> = cal
        .days(start, end)
        .into_iter()
        .map(|day| day_summary(ctx.org(), day))
        .collect();
    if ctx.config().legacy_summaries {
        Ok(json!({ "summaries": rows }))
    } else {
        Ok(json!({ "data": rows, "next_page": null }))
    }
}

fn day_summary(org: &SyntheticOrg, day: NaiveDate) -> Value {
    let seats = org.assigned_seats(day);
    let (dau, wau, mau) = (org.dau(day), org.wau(day), org.mau(day));
    let rate = |active: u64| {
        if seats == 0 {
            Value::Null
        } else {
            json!((active as f64 * 10_000.0 / seats as f64).round() / 100.0)
        }
    };
    json!({
        "starting_at": ledger::timestamp(midnight(day)),
        "ending_at": ledger::timestamp(midnight(next_day(day))),
        "daily_active_user_count": dau,
        "weekly_active_user_count": wau,
        "monthly_active_user_count": mau,
        "assigned_seat_count": seats,
        "pending_invite_count": org.pending_invites(day),
        "cowork_daily_active_user_count": org.cowork_dau(day),
        "cowork_weekly_active_user_count": org.cowork_wau(day),
        "cowork_monthly_active_user_count": org.cowork_mau(day),
        "daily_adoption_rate": rate(dau),
        "weekly_adoption_rate": rate(wau),
        "monthly_adoption_rate": rate(mau),
    })
}
