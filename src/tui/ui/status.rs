//! Status: connection, key source, organization; per-dataset freshness; the request log and
//! the budget in use.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::widgets::block;
use super::{Theme, connection_text};
use crate::export::describe;
use crate::tui::model::{Connection, Model};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [top, log] = area.layout(&Layout::vertical([
        Constraint::Length(12),
        Constraint::Fill(1),
    ]));
    let [conn, datasets] = top.layout(&Layout::horizontal([
        Constraint::Length(48),
        Constraint::Fill(1),
    ]));
    let (state, alarming) = connection_text(model);
    let org = model
        .data
        .as_ref()
        .and_then(|d| d.organization_id.clone())
        .unwrap_or_else(|| "— (the cost endpoints report it)".to_owned());
    let p = &model.progress;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("state   ", theme.dim),
            Span::styled(state, if alarming { theme.bad } else { theme.good }),
        ]),
        Line::from(vec![
            Span::styled("source  ", theme.dim),
            Span::styled(model.source.clone(), theme.text),
        ]),
        Line::from(vec![
            Span::styled("key     ", theme.dim),
            Span::styled(format!("from {}", model.key_source), theme.text),
        ]),
        Line::from(vec![
            Span::styled("org     ", theme.dim),
            Span::styled(org, theme.text),
        ]),
        Line::from(vec![
            Span::styled("budget  ", theme.dim),
            Span::styled(
                format!(
                    "{} of {} requests in the last minute",
                    model.budget_in_use(),
                    model.requests_per_minute
                ),
                theme.text,
            ),
        ]),
        Line::from(vec![
            Span::styled("sync    ", theme.dim),
            Span::styled(
                format!(
                    "{} done / {} planned, {} retries {}",
                    p.done,
                    p.planned.max(p.done),
                    p.retries,
                    describe(p)
                ),
                theme.text,
            ),
        ]),
    ];
    if let Some((at, _)) = &model.last_sync {
        lines.push(Line::from(vec![
            Span::styled("synced  ", theme.dim),
            Span::styled(at.format("%Y-%m-%d %H:%M:%S UTC").to_string(), theme.text),
        ]));
    }
    if let Connection::Rejected { cause, .. } | Connection::Offline { cause } = &model.connection {
        lines.push(Line::styled(cause.clone(), theme.bad));
    }
    if let Connection::Rejected { fixes, .. } = &model.connection {
        for (i, fix) in fixes.iter().enumerate() {
            lines.push(Line::styled(format!("{}. {fix}", i + 1), theme.warn));
        }
    }
    for notice in &model.notices {
        lines.push(Line::styled(notice.clone(), theme.warn));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block("Connection", theme)),
        conn,
    );

    let fetches = model
        .data
        .as_ref()
        .map(|d| d.fetches.clone())
        .unwrap_or_default();
    let rows = fetches.iter().map(|f| {
        let settling = match f.dataset {
            crate::store::Dataset::CostDaily | crate::store::Dataset::UserCost => "30 days",
            _ => "7 days",
        };
        Row::new(vec![
            f.dataset.label().to_owned(),
            f.fetched_at.format("%m-%d %H:%M").to_string(),
            f.end.pred_opt().unwrap_or(f.end).to_string(),
            settling.to_owned(),
            f.data_refreshed_at
                .map_or_else(|| "—".to_owned(), |t| t.format("%m-%d %H:%M").to_string()),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Length(9),
                Constraint::Length(11),
            ],
        )
        .header(
            Row::new(["Dataset", "Last sync", "Data thru", "Settles", "Refreshed"])
                .style(theme.header),
        )
        .block(block("Datasets (times UTC)", theme)),
        datasets,
    );

    let height = usize::from(log.height.saturating_sub(3));
    let rows = model.requests.iter().rev().take(height).map(|r| {
        let status = r.status.map_or_else(|| "—".to_owned(), |s| s.to_string());
        let style = match r.status {
            Some(200..=299) => theme.good,
            Some(429) | None => theme.warn,
            Some(_) => theme.bad,
        };
        Row::new(vec![
            r.at.format("%H:%M:%S").to_string(),
            status,
            format!("{} ms", r.latency.as_millis()),
            r.request_id.clone().unwrap_or_default(),
            r.path.clone(),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Length(8),
                Constraint::Length(30),
                Constraint::Fill(1),
            ],
        )
        .header(Row::new(["Time", "Status", "Latency", "Request id", "Path"]).style(theme.header))
        .block(block("Recent requests (never the key)", theme)),
        log,
    );
}
