//! Export of the current view (`e`): the rows on screen, with their filter and sort, as CSV,
//! to a new file each time.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Command;
use crate::export::Format;
use crate::tui::action::Tab;
use crate::tui::model::Model;

/// A row of the Adoption export.
#[derive(Default, Serialize)]
struct AdoptionRow<'a> {
    kind: &'a str,
    name: &'a str,
    users: u64,
    uses: u64,
}

/// A row of the Cost export: a person, the cost no person accounts for, or a product and model.
#[derive(Default, Serialize)]
struct CostRow<'a> {
    section: &'a str,
    name: &'a str,
    product: &'a str,
    model: &'a str,
    /// Exact decimal dollars; empty where the source cannot tell.
    #[serde(with = "rust_decimal::serde::str_option")]
    cost_usd: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    list_cost_usd: Option<Decimal>,
}

/// A row of the Claude Code export: one person's output, most commits first (as the first
/// leaderboard ranks them).
#[derive(Default, Serialize)]
struct ClaudeCodeRow<'a> {
    email: &'a str,
    commits: u64,
    pull_requests: u64,
    lines_added: u64,
    lines_removed: u64,
    sessions: u64,
    tool_accepted: u64,
    tool_rejected: u64,
}

/// A row of the Status export.
#[derive(Default, Serialize)]
struct RequestRow<'a> {
    at: String,
    path: &'a str,
    status: Option<u16>,
    latency_ms: u128,
    request_id: Option<&'a str>,
}

/// The current view, with its filter and sort, as a CSV file to write.
pub(super) fn export(model: &mut Model) -> Vec<Command> {
    let Some(data) = model.data() else {
        model.say("nothing to export yet".to_owned());
        return Vec::new();
    };
    let mut bytes = Vec::new();
    let slug = match model.tab {
        Tab::Developers => "developers",
        Tab::Overview => "daily",
        Tab::ClaudeCode => "claude-code",
        Tab::Cost => "cost",
        Tab::Adoption => "adoption",
        Tab::Status => "requests",
    };
    let written = match model.tab {
        Tab::Developers => {
            let rows: Vec<_> = model.visible_developers().cloned().collect();
            crate::export::render(&rows, Format::Csv, &mut bytes)
        }
        Tab::Overview => crate::export::render(&data.days, Format::Csv, &mut bytes),
        Tab::Cost => {
            let row = |section, name, product, model, paid, list| CostRow {
                section,
                name,
                product,
                model,
                cost_usd: paid,
                list_cost_usd: list,
            };
            let people = model.cost_ranking().into_iter().map(|d| {
                let (paid, list) = (Some(d.cost_usd), Some(d.list_cost_usd));
                row("person", d.email.as_str(), "", "", paid, list)
            });
            let nobody = row(
                "not tied to a person",
                "service accounts, API keys, Slack",
                "",
                "",
                data.unattributed_cost_usd(),
                data.unattributed_list_cost_usd(),
            );
            let models = data.cost_by_model.iter().map(|m| {
                let (paid, list) = (Some(m.cost_usd), Some(m.list_cost_usd));
                row(
                    "product and model",
                    "",
                    m.product.as_str(),
                    m.model.as_str(),
                    paid,
                    list,
                )
            });
            let rows: Vec<CostRow<'_>> = std::iter::once(nobody)
                .chain(people)
                .chain(models)
                .collect();
            crate::export::render(&rows, Format::Csv, &mut bytes)
        }
        Tab::ClaudeCode => {
            let mut people: Vec<_> = data
                .developers
                .iter()
                .filter(|d| d.commits + d.lines_added + d.claude_code_sessions > 0)
                .collect();
            people.sort_by(|a, b| {
                b.commits
                    .cmp(&a.commits)
                    .then_with(|| a.email.cmp(&b.email))
            });
            let rows: Vec<ClaudeCodeRow<'_>> = people
                .into_iter()
                .map(|d| ClaudeCodeRow {
                    email: &d.email,
                    commits: d.commits,
                    pull_requests: d.pull_requests,
                    lines_added: d.lines_added,
                    lines_removed: d.lines_removed,
                    sessions: d.claude_code_sessions,
                    tool_accepted: d.tool_accepted,
                    tool_rejected: d.tool_rejected,
                })
                .collect();
            crate::export::render(&rows, Format::Csv, &mut bytes)
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
