//! Adoption: skills, connectors and chat projects of the latest available day.

use chrono::NaiveDate;

use super::plan::{Notices, meta, stored, usable};
use super::{SyncError, Syncer};
use crate::api::{ConnectorActivity, ProjectActivity, SkillActivity};
use crate::store::{AdoptionItem, Dataset, next_day};

/// Skills, connectors and chat projects of `day`, each fetched unless held and fresh.
pub(super) async fn adoption(
    syncer: &mut Syncer,
    day: NaiveDate,
    notices: &Notices,
) -> Result<(), SyncError> {
    let settle = syncer.options.engagement_settle_days;
    for dataset in [Dataset::Skills, Dataset::Connectors, Dataset::Projects] {
        let entry = syncer.store.fetch_entry(dataset, day, next_day(day))?;
        if usable(syncer, entry.as_ref(), settle) {
            continue;
        }
        syncer.client.add_planned(1);
        let items: Vec<AdoptionItem> = match dataset {
            Dataset::Skills => syncer.client.skills(day).await?.iter().map(skill).collect(),
            Dataset::Connectors => syncer
                .client
                .connectors(day)
                .await?
                .iter()
                .map(connector)
                .collect(),
            _ => syncer
                .client
                .chat_projects(day)
                .await?
                .iter()
                .map(project)
                .collect(),
        };
        syncer
            .store
            .replace_adoption(dataset, day, &items, meta(syncer))?;
        stored(notices, dataset);
    }
    Ok(())
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
