//! Export of the current view (`e`): the rows on screen, with their filter and sort, as CSV.

use serde::Serialize;

use super::Command;
use crate::cli::Format;
use crate::tui::action::Tab;
use crate::tui::model::Model;

/// A row of the Adoption export.
#[derive(Serialize)]
struct AdoptionRow<'a> {
    kind: &'a str,
    name: &'a str,
    users: u64,
    uses: u64,
}

/// A row of the Status export.
#[derive(Serialize)]
struct RequestRow<'a> {
    at: String,
    path: &'a str,
    status: Option<u16>,
    latency_ms: u128,
    request_id: Option<&'a str>,
}

/// The current view, with its filter and sort, as a CSV file to write.
pub(super) fn export(model: &mut Model) -> Vec<Command> {
    let Some(data) = model.data.as_ref() else {
        model.say("nothing to export yet".to_owned());
        return Vec::new();
    };
    let mut bytes = Vec::new();
    let slug = match model.tab {
        Tab::Developers => "developers",
        Tab::Overview => "daily",
        Tab::ClaudeCode => "claude-code-daily",
        Tab::Cost => "cost-daily",
        Tab::Adoption => "adoption",
        Tab::Status => "requests",
    };
    let written = match model.tab {
        Tab::Developers => {
            let rows: Vec<_> = model.visible_developers().cloned().collect();
            crate::export::render(&rows, Format::Csv, &mut bytes)
        }
        Tab::Overview | Tab::ClaudeCode | Tab::Cost => {
            crate::export::render(&data.days, Format::Csv, &mut bytes)
        }
        Tab::Adoption => {
            let a = &data.adoption;
            let rows: Vec<AdoptionRow<'_>> = [
                ("skill", &a.skills),
                ("connector", &a.connectors),
                ("project", &a.projects),
            ]
            .into_iter()
            .flat_map(|(kind, items)| {
                items.iter().map(move |i| AdoptionRow {
                    kind,
                    name: &i.name,
                    users: i.users,
                    uses: i.uses,
                })
            })
            .collect();
            crate::export::render(&rows, Format::Csv, &mut bytes)
        }
        Tab::Status => {
            let rows: Vec<RequestRow<'_>> = model
                .requests
                .iter()
                .map(|r| RequestRow {
                    at: r.at.to_rfc3339(),
                    path: &r.path,
                    status: r.status,
                    latency_ms: r.latency.as_millis(),
                    request_id: r.request_id.as_deref(),
                })
                .collect();
            crate::export::render(&rows, Format::Csv, &mut bytes)
        }
    };
    if let Err(e) = written {
        model.say(format!("export failed: {e}"));
        return Vec::new();
    }
    let name = format!("topogy-{slug}-{}-{}.csv", model.range.from, model.range.to);
    vec![Command::Write {
        path: model.export_dir.join(name),
        bytes,
    }]
}
