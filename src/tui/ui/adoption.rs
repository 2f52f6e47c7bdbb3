//! Adoption: skills, connectors and chat projects; idle seats and pending invites.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::Theme;
use super::widgets::{block, clip, count, freshness};
use crate::store::AdoptionItem;
use crate::tui::model::Model;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [lists, idle, foot] = area.layout(&Layout::vertical([
        Constraint::Percentage(55),
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(Paragraph::new(freshness(model, theme, false)), foot);
    let Some(data) = model.data.as_ref() else {
        frame.render_widget(block("Adoption", theme), lists);
        return;
    };
    let day = data
        .adoption
        .day
        .map_or_else(|| "—".to_owned(), |d| d.to_string());
    let [a, b, c] = lists.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    items(
        frame,
        theme,
        a,
        &format!("Skills on {day}"),
        &data.adoption.skills,
        "Uses",
    );
    items(
        frame,
        theme,
        b,
        &format!("Connectors on {day}"),
        &data.adoption.connectors,
        "Uses",
    );
    items(
        frame,
        theme,
        c,
        &format!("Chat projects on {day}"),
        &data.adoption.projects,
        "Msgs",
    );

    let summary = data.latest_summary.as_ref();
    let seats = summary.and_then(|s| s.assigned_seats);
    let active = data.developers.iter().filter(|d| d.is_active()).count() as u64;
    let [facts, people] = idle.layout(&Layout::horizontal([
        Constraint::Length(38),
        Constraint::Fill(1),
    ]));
    let figure = |v: Option<u64>| v.map_or_else(|| "—".to_owned(), count);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("seats assigned  ", theme.dim),
                Span::styled(figure(seats), theme.title),
            ]),
            Line::from(vec![
                Span::styled("active in range ", theme.dim),
                Span::styled(count(active), theme.good),
            ]),
            Line::from(vec![
                Span::styled("idle seats      ", theme.dim),
                Span::styled(
                    seats.map_or_else(|| "—".into(), |s| count(s.saturating_sub(active))),
                    theme.warn,
                ),
            ]),
            Line::from(vec![
                Span::styled("pending invites ", theme.dim),
                Span::styled(figure(summary.and_then(|s| s.pending_invites)), theme.text),
            ]),
        ])
        .block(block("Seats", theme)),
        facts,
    );
    let height = usize::from(people.height.saturating_sub(3));
    let rows = data
        .idle
        .iter()
        .take(height)
        .map(|p| Row::new(vec![p.email.clone(), p.last_active.to_string()]));
    let title = format!("Seen before, idle in this range ({})", data.idle.len());
    frame.render_widget(
        Table::new(rows, [Constraint::Fill(1), Constraint::Length(12)])
            .header(Row::new(["Person", "Last active"]).style(theme.header))
            .block(block(&title, theme)),
        people,
    );
}

fn items(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    list: &[AdoptionItem],
    uses: &str,
) {
    let height = usize::from(area.height.saturating_sub(3));
    let width = usize::from(area.width.saturating_sub(18));
    let rows = list
        .iter()
        .take(height)
        .map(|i| Row::new(vec![clip(&i.name, width), count(i.users), count(i.uses)]));
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(7),
            ],
        )
        .header(
            Row::new(["Name".to_owned(), "People".to_owned(), uses.to_owned()]).style(theme.header),
        )
        .block(block(title, theme)),
        area,
    );
}
