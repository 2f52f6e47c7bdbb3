//! `/apps/chat/projects`, `/skills` and `/connectors`: small synthetic catalogs with daily counts.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::{Value, json};

use super::cursor;
use super::data::SyntheticOrg;
use super::dates::{self, Calendar, Span};
use super::error::ApiError;
use super::prng::{Draws, base62, day_word};
use super::query::Query;
use super::server::Ctx;

const PROJECTS: [&str; 12] = [
    "Q4 Roadmap",
    "Support Macros",
    "Onboarding Guide",
    "Firmware Release Notes",
    "Sales Battlecards",
    "Incident Postmortems",
    "Hiring Loop",
    "Brand Voice",
    "Customer Research",
    "Pricing Analysis",
    "Security Reviews",
    "Board Deck",
];
const SKILLS: [(&str, f64); 7] = [
    ("brand-guidelines", 0.05),
    ("docx", 0.2),
    ("internal-comms", 0.04),
    ("pdf", 0.25),
    ("pptx", 0.1),
    ("skill-creator", 0.02),
    ("xlsx", 0.15),
];
const CONNECTORS: [(&str, f64); 6] = [
    ("atlassian", 0.2),
    ("github", 0.3),
    ("google_drive", 0.25),
    ("linear", 0.08),
    ("notion", 0.1),
    ("slack", 0.35),
];

const SALT_PROJECT: u64 = 0x960;
const SALT_SKILL: u64 = 0x5C1;
const SALT_CONNECTOR: u64 = 0xC0E;

/// Per-entity counters: `[distinct users, chat, claude code, cowork, office]`.
pub(crate) type Counts = [u64; 5];

fn quiet(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Shared request handling: validate, sum daily counters per entity, page, build rows.
pub(crate) fn list(
    ctx: &Ctx<'_>,
    q: &Query,
    entities: usize,
    daily: impl Fn(usize, NaiveDate) -> Option<Counts>,
    cap: impl Fn(usize) -> u64,
    row: impl Fn(usize, &Counts) -> Value,
) -> Result<Value, ApiError> {
    q.allow(&dates::list_params(ctx.config().range_mode))?;
    let cal = Calendar::new(ctx);
    let span = Span::from_query(ctx, q, &cal)?;
    let limit = q.limit(100, 1000)?;
    let days = span.days(&cal);
    let rows: Vec<(usize, Counts)> = (0..entities)
        .filter_map(|i| {
            let mut total: Counts = [0; 5];
            let mut seen = false;
            for counts in days.iter().filter_map(|&d| daily(i, d)) {
                seen = true;
                for (t, c) in total.iter_mut().zip(counts) {
                    *t += c;
                }
            }
            total[0] = total[0].min(cap(i));
            seen.then_some((i, total))
        })
        .collect();
    let page = cursor::page(ctx, q, rows.len(), limit)?;
    let data: Vec<Value> = rows
        .iter()
        .skip(page.offset)
        .take(limit)
        .map(|(i, counts)| row(*i, counts))
        .collect();
    Ok(json!({ "data": data, "next_page": page.next }))
}

struct Project {
    id: String,
    name: &'static str,
    created: NaiveDate,
    created_hour: u32,
    creator: Option<usize>,
    pool: u64,
}

fn project_catalog(org: &SyntheticOrg) -> Vec<Project> {
    let users = org.members().len();
    let count = (3 + users / 8).min(PROJECTS.len());
    let mut projects: Vec<Project> = (0..count)
        .map(|i| {
            let d = Draws::keyed(&[org.seed(), SALT_PROJECT, i as u64]);
            let back = 20 + d.below(1, 200);
            Project {
                id: format!(
                    "claude_proj_{}",
                    base62(&[org.seed(), SALT_PROJECT, i as u64], 22)
                ),
                name: PROJECTS[i],
                created: org
                    .today()
                    .checked_sub_days(Days::new(back))
                    .unwrap_or(org.today()),
                created_hour: 9 + d.below(2, 8) as u32,
                creator: (users > 0).then(|| d.below(3, users as u64) as usize),
                pool: (2 + d.below(4, (users as u64 / 4).max(1))).min(users.max(1) as u64),
            }
        })
        .collect();
    projects.sort_by(|a, b| a.id.cmp(&b.id));
    projects
}

/// `GET /apps/chat/projects`, sorted by project id.
pub(crate) fn projects(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    let org = ctx.org();
    let catalog = project_catalog(org);
    let daily = |i: usize, day: NaiveDate| {
        let p = &catalog[i];
        let d = Draws::keyed(&[org.seed(), SALT_PROJECT, i as u64, day_word(day)]);
        let chance = if quiet(day) { 0.2 } else { 0.75 };
        (day >= p.created && d.f(1) < chance).then(|| {
            let users = 1 + d.below(2, p.pool);
            let conversations = users * (1 + d.below(3, 3));
            [
                users,
                conversations,
                conversations * (2 + d.below(4, 6)),
                0,
                0,
            ]
        })
    };
    let row = |i: usize, c: &Counts| {
        let p = &catalog[i];
        let creator = p.creator.map(|u| {
            let m = &org.members()[u];
            json!({ "id": m.id, "email_address": m.email, "type": "user" })
        });
        json!({
            "project_name": p.name,
            "project_id": p.id,
            "distinct_user_count": c[0],
            "distinct_conversation_count": c[1],
            "message_count": c[2],
            "created_at": format!("{}T{:02}:00:00Z", p.created, p.created_hour),
            "created_by": creator,
        })
    };
    list(ctx, q, catalog.len(), daily, |i| catalog[i].pool, row)
}

/// Daily counters for catalog entry `i` with popularity `weight`, scaled by the day's DAU.
fn usage(org: &SyntheticOrg, salt: u64, i: usize, weight: f64, day: NaiveDate) -> Option<Counts> {
    let d = Draws::keyed(&[org.seed(), salt, i as u64, day_word(day)]);
    let dau = org.dau(day) as f64;
    let users = (dau * weight * (0.5 + d.f(1))).round() as u64;
    (users > 0).then(|| {
        [
            users,
            users * (1 + d.below(2, 3)),
            users * d.below(3, 3),
            d.below(4, users + 1) / 2,
            d.below(5, users + 1) / 3,
        ]
    })
}

/// `GET /skills`, sorted by skill name.
pub(crate) fn skills(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    let org = ctx.org();
    let daily = |i: usize, day| usage(org, SALT_SKILL, i, SKILLS[i].1, day);
    let row = |i: usize, c: &Counts| {
        let name = SKILLS[i].0;
        let office = |app: &str| {
            let used = if name == app { c[4] } else { 0 };
            json!({ "distinct_session_skill_used_count": used })
        };
        json!({
            "skill_name": name,
            "distinct_user_count": c[0],
            "chat_metrics": { "distinct_conversation_skill_used_count": c[1] },
            "claude_code_metrics": { "distinct_session_skill_used_count": c[2] },
            "office_metrics": { "excel": office("xlsx"), "powerpoint": office("pptx") },
            "cowork_metrics": { "distinct_session_skill_used_count": c[3] },
        })
    };
    list(
        ctx,
        q,
        SKILLS.len(),
        daily,
        |_| org.members().len() as u64,
        row,
    )
}

/// `GET /connectors`, sorted by connector name (normalized, e.g. `atlassian`).
pub(crate) fn connectors(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    let org = ctx.org();
    let daily = |i: usize, day| usage(org, SALT_CONNECTOR, i, CONNECTORS[i].1, day);
    let row = |i: usize, c: &Counts| {
        let zero = json!({ "distinct_session_connector_used_count": 0 });
        json!({
            "connector_name": CONNECTORS[i].0,
            "distinct_user_count": c[0],
            "chat_metrics": { "distinct_conversation_connector_used_count": c[1] },
            "claude_code_metrics": { "distinct_session_connector_used_count": c[2] },
            "office_metrics": { "excel": zero, "powerpoint": zero },
            "cowork_metrics": { "distinct_session_connector_used_count": c[3] },
        })
    };
    list(
        ctx,
        q,
        CONNECTORS.len(),
        daily,
        |_| org.members().len() as u64,
        row,
    )
}
