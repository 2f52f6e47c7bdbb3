//! `/plugins` and `/artifacts`, the two endpoints not every organization is offered: their
//! ground truth ([`SyntheticOrg::plugins_on`], [`SyntheticOrg::artifacts_on`]) and answers.
//!
//! `/plugins` takes the engagement list parameters (`date` or, in range mode,
//! `starting_date`/`ending_date`; `limit` 1–1000, default 100; `page`) and answers rows sorted
//! by `plugin_name`. `/artifacts` takes `date` (required; no range mode) and `limit`/`page`,
//! and answers the whole (`artifact_type`, `is_shared`) cube with `next_page: null`. Neither
//! simulates `group_by[]` or `filter[]`: both answer 400 naming the parameter. With
//! [`crate::sim::SimConfig::plugins_artifacts_not_offered`] both answer 404 (see `server`).

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::adoption::{Counts, list};
use super::data::SyntheticOrg;
use super::dates::Calendar;
use super::error::ApiError;
use super::prng::{Draws, day_word};
use super::query::Query;
use super::server::Ctx;

/// Plugin catalog: name, stable id (`None` = redacted third-party plugin), popularity.
const PLUGINS: [(&str, Option<&str>, f64); 5] = [
    (
        "code-review",
        Some("code-review@claude-plugins-official"),
        0.25,
    ),
    (
        "frontend-design",
        Some("frontend-design@claude-plugins-official"),
        0.1,
    ),
    ("serena", Some("serena@claude-plugins-official"), 0.15),
    ("third-party", None, 0.08),
    (
        "security-guidance",
        Some("security-guidance@claude-plugins-official"),
        0.05,
    ),
];
/// Artifact MIME types and how often each is made.
const ARTIFACT_TYPES: [(&str, f64); 5] = [
    ("application/vnd.ant.react", 0.12),
    ("image/svg+xml", 0.04),
    ("text/html", 0.1),
    ("text/markdown", 0.2),
    ("other", 0.03),
];

const SALT_PLUGIN: u64 = 0x9106;
const SALT_ARTIFACT: u64 = 0xA271;

/// One plugin's use on one day (ground truth of a `/plugins?date=` row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginUse {
    pub plugin_name: &'static str,
    pub plugin_id: Option<&'static str>,
    pub distinct_user_count: u64,
    pub invocation_count: u64,
    pub claude_code_sessions: u64,
    pub cowork_sessions: u64,
    pub install_count: u64,
}

/// One (`artifact_type`, `is_shared`) bucket of one day (ground truth of an `/artifacts` row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactUse {
    pub artifact_type: &'static str,
    pub is_shared: bool,
    pub artifacts_created_count: u64,
    pub published_artifacts_created_count: u64,
    pub distinct_user_count: u64,
}

impl SyntheticOrg {
    /// Every plugin used on `date`, sorted by name (the `/plugins` order).
    pub fn plugins_on(&self, date: NaiveDate) -> Vec<PluginUse> {
        let mut out: Vec<PluginUse> = (0..PLUGINS.len())
            .filter_map(|i| plugin_counts(self, i, date).map(|c| plugin_use(i, &c)))
            .collect();
        out.sort_by_key(|p| p.plugin_name);
        out
    }

    /// Every non-empty artifact bucket of `date`, by type, private before shared.
    pub fn artifacts_on(&self, date: NaiveDate) -> Vec<ArtifactUse> {
        (0..ARTIFACT_TYPES.len() * 2)
            .filter_map(|i| artifact_bucket(self, i, date))
            .collect()
    }
}

/// `[distinct users, invocations, Claude Code sessions, Cowork sessions, installs]`.
fn plugin_counts(org: &SyntheticOrg, i: usize, date: NaiveDate) -> Option<Counts> {
    let d = Draws::keyed(&[org.seed(), SALT_PLUGIN, i as u64, day_word(date)]);
    let users = (org.dau(date) as f64 * PLUGINS[i].2 * (0.5 + d.f(1))).round() as u64;
    (users > 0).then(|| {
        let cc = users * (1 + d.below(2, 3));
        let cowork = d.below(3, users + 1) / 2;
        [
            users,
            (cc + cowork) * (2 + d.below(4, 5)),
            cc,
            cowork,
            d.below(5, users.div_ceil(4) + 1),
        ]
    })
}

fn plugin_use(i: usize, c: &Counts) -> PluginUse {
    PluginUse {
        plugin_name: PLUGINS[i].0,
        plugin_id: PLUGINS[i].1,
        distinct_user_count: c[0],
        invocation_count: c[1],
        claude_code_sessions: c[2],
        cowork_sessions: c[3],
        install_count: c[4],
    }
}

/// Bucket `i`: type `i / 2`, shared when `i` is odd; `None` when nothing was made.
fn artifact_bucket(org: &SyntheticOrg, i: usize, date: NaiveDate) -> Option<ArtifactUse> {
    let (artifact_type, weight) = ARTIFACT_TYPES[i / 2];
    let is_shared = i % 2 == 1;
    let d = Draws::keyed(&[org.seed(), SALT_ARTIFACT, i as u64, day_word(date)]);
    let share = if is_shared { 0.3 } else { 1.0 };
    let users = (org.dau(date) as f64 * weight * share * (0.5 + d.f(1))).round() as u64;
    (users > 0).then(|| {
        let created = users * (1 + d.below(2, 3));
        ArtifactUse {
            artifact_type,
            is_shared,
            artifacts_created_count: created,
            published_artifacts_created_count: if is_shared {
                d.below(3, created + 1)
            } else {
                0
            },
            distinct_user_count: users,
        }
    })
}

/// Refuses `group_by[]`/`filter[]`, which the simulator does not compute.
fn no_grouping(q: &Query) -> Result<(), ApiError> {
    for name in ["group_by[]", "filter[]"] {
        if q.has(name) {
            return Err(ApiError::invalid(format!(
                "`{name}` is not supported by the topogy simulator on this endpoint."
            )));
        }
    }
    Ok(())
}

/// `GET /plugins`, sorted by plugin name.
pub(crate) fn plugins(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    no_grouping(q)?;
    let org = ctx.org();
    // The catalog in name order, so rows come out sorted as the API sorts them.
    let mut order: Vec<usize> = (0..PLUGINS.len()).collect();
    order.sort_by_key(|&i| PLUGINS[i].0);
    let daily = |n: usize, day| plugin_counts(org, order[n], day);
    let row = |n: usize, c: &Counts| {
        let p = plugin_use(order[n], c);
        json!({
            "plugin_name": p.plugin_name,
            "plugin_id": p.plugin_id,
            "install_count": p.install_count,
            "invocation_count": p.invocation_count,
            "distinct_user_count": p.distinct_user_count,
            "claude_code_metrics": { "distinct_session_plugin_used_count": p.claude_code_sessions },
            "cowork_metrics": { "distinct_session_plugin_used_count": p.cowork_sessions },
        })
    };
    list(
        ctx,
        q,
        PLUGINS.len(),
        daily,
        |_| org.members().len() as u64,
        row,
    )
}

/// `GET /artifacts`: the whole cube of one day.
pub(crate) fn artifacts(ctx: &Ctx<'_>, q: &Query) -> Result<Value, ApiError> {
    q.allow(&["date", "limit", "page", "beta", "group_by[]", "filter[]"])?;
    no_grouping(q)?;
    q.limit(100, 1000)?;
    let cal = Calendar::new(ctx);
    let date = q.one("date")?.ok_or_else(|| {
        ApiError::invalid("`date` is required (this endpoint has no date-range mode).")
    })?;
    let date = cal.available("date", date)?;
    let data: Vec<Value> = ctx
        .org()
        .artifacts_on(date)
        .into_iter()
        .map(|a| {
            json!({
                "artifact_type": a.artifact_type,
                "is_shared": a.is_shared,
                "artifacts_created_count": a.artifacts_created_count,
                "published_artifacts_created_count": a.published_artifacts_created_count,
                "distinct_user_count": a.distinct_user_count,
            })
        })
        .collect();
    Ok(json!({ "data": data, "next_page": null }))
}
