//! Developers: one row per person, sortable by any column, filtered by `/`; only the rows on
//! screen are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{block, clip, count, freshness, money, percent};
use crate::tui::model::{Model, SortColumn};
use crate::tui::update::table_height;

const NUMBER: Constraint = Constraint::Length(9);

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let t = &model.developers;
    let total = model.data.as_ref().map_or(0, |d| d.developers.len());
    let title = if t.filter.is_empty() {
        format!("Developers ({})", count(total as u64))
    } else {
        format!(
            "Developers ({} of {} matching “{}”)",
            t.rows.len(),
            total,
            t.filter
        )
    };
    let outer = block(&title, theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [table_area, foot] = inner.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));

    let header = Row::new(SortColumn::ALL.iter().map(|c| {
        let mark = if *c == t.sort {
            if t.descending { " ▼" } else { " ▲" }
        } else {
            ""
        };
        Cell::from(format!("{}{mark}", c.title()))
    }))
    .style(theme.header);

    let height = table_height(model.size);
    let email_width = usize::from(table_area.width.saturating_sub(8 * 9 + 8)).max(12);
    let rows = model
        .visible_developers()
        .enumerate()
        .skip(t.offset)
        .take(height)
        .map(|(i, d)| {
            let row = Row::new(vec![
                Cell::from(clip(&d.email, email_width)),
                Cell::from(count(d.messages)),
                Cell::from(count(d.claude_code_sessions)),
                Cell::from(count(d.commits)),
                Cell::from(count(d.pull_requests)),
                Cell::from(count(d.lines_added)),
                Cell::from(count(d.lines_removed)),
                Cell::from(percent(d.acceptance_rate())),
                Cell::from(money(d.cost_usd)),
            ]);
            if i == t.selected {
                row.style(theme.selected)
            } else {
                row
            }
        });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(7),
        NUMBER,
        Constraint::Length(8),
        Constraint::Length(5),
        NUMBER,
        NUMBER,
        Constraint::Length(8),
        Constraint::Length(11),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );

    let hint = if t.rows.is_empty() && total > 0 {
        Line::styled("nobody matches the filter — Esc clears it", theme.warn)
    } else if total == 0 {
        Line::styled("no people in this range yet", theme.dim)
    } else {
        Line::from(vec![
            Span::styled("s/S sort · / filter · Enter timeline · ", theme.dim),
            freshness(model, theme, true)
                .spans
                .into_iter()
                .next()
                .unwrap_or_default(),
        ])
    };
    frame.render_widget(Paragraph::new(hint), foot);
}
