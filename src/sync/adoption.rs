//! Adoption: skills, connectors, chat projects, plugins and artifacts of the latest available day.

use chrono::NaiveDate;

use super::plan::{Notices, meta, stored, usable};
use super::{SyncError, Syncer};
use crate::api::{
    ArtifactActivity, ConnectorActivity, Offered, PluginActivity, ProjectActivity, SkillActivity,
};
use crate::store::{AdoptionItem, Dataset, next_day};

/// Skills, connectors, chat projects, plugins and artifacts of `day`, each fetched unless held
/// and fresh. Runs after the engagement data, so the key is proven before `/plugins` or
/// `/artifacts` may answer 404 for "not offered".
pub(super) async fn adoption(
    syncer: &mut Syncer,
    day: NaiveDate,
    notices: &Notices,
) -> Result<(), SyncError> {
    let settle = syncer.options.engagement_settle_days;
    let datasets = [
        Dataset::Skills,
        Dataset::Connectors,
        Dataset::Projects,
        Dataset::Plugins,
        Dataset::Artifacts,
    ];
    for dataset in datasets {
        let entry = syncer.store.fetch_entry(dataset, day, next_day(day))?;
        if usable(syncer, entry.as_ref(), settle) {
            continue;
        }
        syncer.client.add_planned(1);
        let client = &syncer.client;
        let items: Offered<AdoptionItem> = match dataset {
            Dataset::Skills => Offered::Rows(rows(client.skills(day).await?, skill)),
            Dataset::Connectors => Offered::Rows(rows(client.connectors(day).await?, connector)),
            Dataset::Plugins => offered(client.plugins(day).await?, plugin),
            Dataset::Artifacts => offered(client.artifacts(day).await?, artifact),
            _ => Offered::Rows(rows(client.chat_projects(day).await?, project)),
        };
        match items {
            Offered::Rows(items) => {
                syncer
                    .store
                    .replace_adoption(dataset, day, &items, meta(syncer))?;
            }
            Offered::NotOffered { .. } => {
                syncer.store.mark_not_offered(dataset, day, meta(syncer))?;
            }
        }
        stored(notices, dataset);
    }
    Ok(())
}

fn rows<T>(answer: Vec<T>, item: fn(&T) -> AdoptionItem) -> Vec<AdoptionItem> {
    answer.iter().map(item).collect()
}

fn offered<T>(answer: Offered<T>, item: fn(&T) -> AdoptionItem) -> Offered<AdoptionItem> {
    match answer {
        Offered::Rows(found) => Offered::Rows(rows(found, item)),
        Offered::NotOffered { request_id } => Offered::NotOffered { request_id },
    }
}

fn skill(s: &SkillActivity) -> AdoptionItem {
    let surfaces = [
        s.chat_metrics.distinct_conversation_skill_used_count,
        s.claude_code_metrics.distinct_session_skill_used_count,
        s.cowork_metrics.distinct_session_skill_used_count,
    ];
    AdoptionItem {
        name: s
            .skill_display_name
            .clone()
            .unwrap_or_else(|| s.skill_name.clone()),
        users: s.distinct_user_count,
        uses: s
            .invocation_count
            .unwrap_or_else(|| surfaces.iter().flatten().sum()),
    }
}

fn connector(c: &ConnectorActivity) -> AdoptionItem {
    let surfaces = [
        c.chat_metrics.distinct_conversation_connector_used_count,
        c.claude_code_metrics.distinct_session_connector_used_count,
        c.cowork_metrics.distinct_session_connector_used_count,
    ];
    AdoptionItem {
        name: c
            .connector_display_name
            .clone()
            .unwrap_or_else(|| c.connector_name.clone()),
        users: c.distinct_user_count,
        uses: surfaces.iter().flatten().sum(),
    }
}

fn project(p: &ProjectActivity) -> AdoptionItem {
    AdoptionItem {
        name: p.project_name.clone(),
        users: p.distinct_user_count,
        uses: p.message_count,
    }
}

fn plugin(p: &PluginActivity) -> AdoptionItem {
    AdoptionItem {
        name: p.plugin_name.clone(),
        users: p.distinct_user_count,
        uses: p.invocation_count,
    }
}

/// One item per bucket: the MIME type, marked when the artifacts were shared.
fn artifact(a: &ArtifactActivity) -> AdoptionItem {
    let shared = if a.is_shared { " (shared)" } else { "" };
    AdoptionItem {
        name: format!("{}{shared}", a.artifact_type),
        users: a.distinct_user_count,
        uses: a.artifacts_created_count,
    }
}
