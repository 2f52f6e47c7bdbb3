//! Status: connection, key source, organization; per-dataset freshness; the request log and
//! the budget in use.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::widgets::{block, count, counted, fit, number, wrap_words};
use super::{Theme, connection_text};
use crate::store::{Dataset, FetchEntry};
use crate::tui::model::{Connection, Model, first_shown, position_text};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Below 120 columns the datasets table goes compact: short names, ages, no watermark.
    let wide = area.width >= 120;
    let conn_width = if wide { 48 } else { 42 };
    let (state, alarming) = connection_text(model);
    let org = model
        .data()
        .and_then(|d| d.organization_id.clone())
        .unwrap_or_else(|| "— (the cost endpoints report it)".to_owned());
    let p = &model.sync.progress;
    // Label, value: a value too long for the pane wraps under itself, not under the label.
    let value_width = usize::from(conn_width - 2 - LABEL);
    let mut lines = Vec::new();
    let mut labelled = |label: &str, value: String, style| {
        for (i, part) in wrap_words(&value, value_width).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{label:<width$}", width = usize::from(LABEL)),
                    theme.dim,
                ),
                Span::styled(part, style),
            ]));
        }
    };
    labelled(
        "state",
        state,
        if alarming { theme.bad } else { theme.good },
    );
    labelled("source", model.source.clone(), theme.text);
    labelled("key", format!("from {}", model.key_source), theme.text);
    labelled("org", org, theme.text);
    labelled(
        "budget",
        format!(
            "{} of {} in the last minute",
            model.budget_in_use(),
            counted(u64::from(model.requests_per_minute), "request", "requests")
        ),
        theme.text,
    );
    labelled(
        "sync",
        format!(
            "{} done / {} planned, {} {}",
            p.done,
            p.planned.max(p.done),
            counted(p.retries, "retry", "retries"),
            model.wait_text()
        ),
        theme.text,
    );
    if let Some((at, _)) = &model.last_sync {
        labelled(
            "synced",
            at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            theme.text,
        );
    }
    let mut text = |text: &str, style| {
        for part in wrap_words(text, usize::from(conn_width - 2)) {
            lines.push(Line::styled(part, style));
        }
    };
    if let Connection::Rejected { cause, .. }
    | Connection::Offline { cause }
    | Connection::Failed { cause } = &model.connection
    {
        text(cause, theme.bad);
    }
    if let Connection::Rejected { fixes, .. } = &model.connection {
        for (i, fix) in fixes.iter().enumerate() {
            text(&format!("{}. {fix}", i + 1), theme.warn);
        }
    }
    for notice in &model.notices {
        text(notice, theme.warn);
    }
    // The pane grows to show why the connection is down, or every dataset (a header and a
    // row each), leaving the log a few rows.
    let datasets_rows = model.data().map_or(0, |d| d.fetches.len()) + 1;
    let wanted = u16::try_from(lines.len().max(datasets_rows) + 2).unwrap_or(u16::MAX);
    let [top, log] = area.layout(&Layout::vertical([
        Constraint::Length(wanted.clamp(12, area.height.saturating_sub(6).max(12))),
        Constraint::Fill(1),
    ]));
    let [conn, datasets] = top.layout(&Layout::horizontal([
        Constraint::Length(conn_width),
        Constraint::Fill(1),
    ]));
    frame.render_widget(
        Paragraph::new(lines).block(block("Connection", theme)),
        conn,
    );

    let fetches = model.data().map(|d| d.fetches.clone()).unwrap_or_default();
    let settling = |f: &FetchEntry| match f.dataset {
        Dataset::CostDaily | Dataset::UserCost => "30 days",
        _ => "7 days",
    };
    let through = |f: &FetchEntry| f.end.pred_opt().unwrap_or(f.end);
    let table = if wide {
        let rows = fetches.iter().map(|f| {
            Row::new(vec![
                f.dataset.label().to_owned(),
                f.fetched_at.format("%m-%d %H:%M").to_string(),
                through(f).to_string(),
                settling(f).to_owned(),
                f.data_refreshed_at
                    .map_or_else(|| "—".to_owned(), |t| t.format("%m-%d %H:%M").to_string()),
            ])
        });
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
    } else {
        let rows = fetches.iter().map(|f| {
            Row::new(vec![
                short_label(f.dataset).to_owned(),
                through(f).format("%m-%d").to_string(),
                settling(f).to_owned(),
                age(model.now - f.fetched_at),
            ])
        });
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(5),
                Constraint::Length(7),
                Constraint::Length(7),
            ],
        )
        .header(Row::new(["Dataset", "Thru", "Settles", "Synced"]).style(theme.header))
    };
    frame.render_widget(table.block(block("Datasets (times UTC)", theme)), datasets);

    // Paths lose the prefix every request shares; request ids are never cut.
    let height = usize::from(log.height.saturating_sub(3));
    let len = model.requests.len();
    let at = model.lists.requests.min(len.saturating_sub(1));
    let first = first_shown(at, height, len);
    let shown: Vec<_> = model
        .requests
        .iter()
        .rev()
        .skip(first)
        .take(height)
        .collect();
    let id_width = fit(
        "Request id",
        shown.iter().filter_map(|r| r.request_id.as_deref()),
        10,
    );
    let rows = shown.into_iter().enumerate().map(|(i, r)| {
        let status = r.status.map_or_else(|| "—".to_owned(), |s| s.to_string());
        let style = match r.status {
            _ if first + i == at => theme.selected,
            Some(200..=299) => theme.good,
            Some(429) | None => theme.warn,
            Some(_) => theme.bad,
        };
        let millis = u64::try_from(r.latency.as_millis()).unwrap_or(u64::MAX);
        Row::new(vec![
            Cell::from(r.at.format("%H:%M:%S").to_string()),
            number(status),
            number(format!("{} ms", count(millis))),
            Cell::from(r.request_id.clone().unwrap_or_default()),
            Cell::from(
                r.path
                    .strip_prefix(PATH_PREFIX)
                    .unwrap_or(&r.path)
                    .to_owned(),
            ),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Length(9),
                Constraint::Length(id_width),
                Constraint::Fill(1),
            ],
        )
        .header(
            Row::new([
                Cell::from("Time"),
                number("Status"),
                number("Latency"),
                Cell::from("Request id"),
                Cell::from(if wide {
                    format!("Path (under {PATH_PREFIX})")
                } else {
                    "Path".to_owned()
                }),
            ])
            .style(theme.header),
        )
        .block(block(
            &format!("Recent requests (never the key){}", position_text(at, len)),
            theme,
        )),
        log,
    );
}

/// The width of the Connection pane's labels.
const LABEL: u16 = 8;

/// What every analytics request path starts with.
const PATH_PREFIX: &str = "/v1/organizations/analytics/";

/// Dataset names that fit the compact table.
fn short_label(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::UsersDay => "people/day",
        Dataset::UsersRange => "people totals",
        Dataset::Summaries => "users & seats",
        Dataset::CostDaily => "cost/day",
        Dataset::UserCost => "cost/person",
        other => other.label(),
    }
}

/// How long ago, in the largest whole unit: `now`, `12m ago`, `3h ago`, `4d ago`.
fn age(elapsed: chrono::Duration) -> String {
    let minutes = elapsed.num_minutes();
    match minutes {
        ..1 => "now".to_owned(),
        1..60 => format!("{minutes}m ago"),
        60..1440 => format!("{}h ago", minutes / 60),
        _ => format!("{}d ago", minutes / 1440),
    }
}
