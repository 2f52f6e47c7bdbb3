//! Adoption: skills, connectors, chat projects, plugins and artifacts; idle seats and pending
//! invites.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use super::Theme;
use super::widgets::{block, clip, count, fit, freshness, number};
use crate::store::AdoptionItem;
use crate::tui::model::Model;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    // The seats box needs six rows; the lists share the rest, the newer two a little less.
    let seats_height = (area.height.saturating_sub(1) / 4).max(6);
    let [lists, newer, idle, foot] = area.layout(&Layout::vertical([
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(seats_height),
        Constraint::Length(1),
    ]));
    frame.render_widget(Paragraph::new(freshness(model, theme, false)), foot);
    let Some(data) = model.data() else {
        frame.render_widget(block("Adoption", theme), lists);
        return;
    };
    let [a, b, c] = lists.layout(&Layout::horizontal([Constraint::Fill(1); 3]));
    let [d, e] = newer.layout(&Layout::horizontal([Constraint::Fill(1); 2]));
    // The lists are of one day; its year goes when the longest title would not fit.
    let narrowest = usize::from(a.width.min(b.width).min(c.width));
    let with_year = "Chat projects on 2026-01-01".len() + 4 <= narrowest;
    let on = |what: &str| match data.adoption.day {
        None => format!("{what} on —"),
        Some(d) if with_year => format!("{what} on {d}"),
        Some(d) => format!("{what} on {}", d.format("%m-%d")),
    };
    let adoption = &data.adoption;
    let lists = [
        (a, "Skills", &adoption.skills, "Uses", false),
        (b, "Connectors", &adoption.connectors, "Uses", false),
        (c, "Chat projects", &adoption.projects, "Msgs", false),
        (
            d,
            "Plugins",
            &adoption.plugins,
            "Uses",
            adoption.plugins_not_offered,
        ),
        (
            e,
            "Artifacts",
            &adoption.artifacts,
            "Made",
            adoption.artifacts_not_offered,
        ),
    ];
    for (area, what, list, uses, not_offered) in lists {
        if not_offered {
            let title = what.to_owned();
            frame.render_widget(
                Paragraph::new(Line::styled(
                    "not offered for this organization (the API answers 404 here)",
                    theme.dim,
                ))
                .wrap(Wrap { trim: true })
                .block(block(&title, theme)),
                area,
            );
        } else {
            items(frame, theme, area, &on(what), list, uses);
        }
    }

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
    if data.idle.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "nobody: everyone seen before was active in this range",
                theme.dim,
            ))
            .wrap(Wrap { trim: true })
            .block(block(&title, theme)),
            people,
        );
        return;
    }
    frame.render_widget(
        Table::new(rows, [Constraint::Fill(1), Constraint::Length(11)])
            .header(Row::new(["Person", "Last active"]).style(theme.header))
            .block(block(&title, theme)),
        people,
    );
}

/// One list: names, then people and uses right-aligned in columns as wide as they need.
fn items(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    list: &[AdoptionItem],
    uses: &str,
) {
    let height = usize::from(area.height.saturating_sub(3));
    let shown: Vec<(&str, String, String)> = list
        .iter()
        .take(height)
        .map(|i| (i.name.as_str(), count(i.users), count(i.uses)))
        .collect();
    let people_w = fit("People", shown.iter().map(|r| r.1.as_str()), 1);
    let uses_w = fit(uses, shown.iter().map(|r| r.2.as_str()), 1);
    let name_w = usize::from(area.width.saturating_sub(2 + people_w + uses_w + 2)).max(4);
    let mut rows: Vec<Row<'_>> = shown
        .into_iter()
        .map(|(name, users, uses)| {
            Row::new(vec![
                Cell::from(clip(name, name_w)),
                number(users),
                number(uses),
            ])
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::new(vec![Line::styled("none that day", theme.dim)]));
    }
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(people_w),
                Constraint::Length(uses_w),
            ],
        )
        .header(
            Row::new([
                Cell::from("Name"),
                number("People"),
                number(uses.to_owned()),
            ])
            .style(theme.header),
        )
        .block(block(title, theme)),
        area,
    );
}
