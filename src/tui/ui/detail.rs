//! One person's daily timeline (Enter on the Developers tab): totals, a chart, the days.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Sparkline, Table};

use super::widgets::{block, count, counted, money, number, percent};
use super::{Theme, clear};
use crate::metrics::PersonDays;
use crate::store::Activity;
use crate::tui::model::{Model, first_shown, position_text};

pub fn render(
    model: &Model,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    user_id: &str,
    timeline: Option<&PersonDays>,
) {
    let person = model
        .data()
        .and_then(|d| d.developers.iter().find(|p| p.user_id == user_id));
    let title = person.map_or(user_id, |p| p.email.as_str());
    clear(frame, area);
    let mut outer = block(title, theme).title_bottom(Line::styled(" Esc closes ", theme.dim));
    // The position in the days sits on the bottom border, right of "Esc closes".
    let len = timeline.map_or(0, |t| t.rows.len());
    let at = model.lists.timeline.min(len.saturating_sub(1));
    if len > 0 {
        let position = format!(" day{} ", position_text(at, len));
        outer = outer.title_bottom(Line::styled(position, theme.dim).right_aligned());
    }
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [summary, chart, days] = inner.layout(&Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(5),
        Constraint::Fill(1),
    ]));
    if let Some(p) = person {
        let lines = vec![
            Line::from(vec![
                Span::styled(
                    format!("{} – {} · ", model.range.from, model.range.to),
                    theme.dim,
                ),
                Span::styled(
                    format!(
                        "cost {} (list {})",
                        money(p.cost_usd),
                        money(p.list_cost_usd)
                    ),
                    theme.accent,
                ),
            ]),
            Line::styled(
                format!(
                    "{} · {} · {}",
                    counted(p.messages, "message", "messages"),
                    counted(p.conversations, "conversation", "conversations"),
                    counted(
                        p.claude_code_sessions,
                        "Claude Code session",
                        "Claude Code sessions"
                    )
                ),
                theme.text,
            ),
            Line::styled(
                format!(
                    "{} · {} · +{} −{} lines · tool acceptance {}",
                    counted(p.commits, "commit", "commits"),
                    counted(p.pull_requests, "PR", "PRs"),
                    count(p.lines_added),
                    count(p.lines_removed),
                    percent(p.acceptance_rate())
                ),
                theme.text,
            ),
            Line::styled(
                format!(
                    "Cowork {}, {} · Office {}, Design {} · {}",
                    counted(p.cowork_sessions, "session", "sessions"),
                    counted(p.cowork_messages, "msg", "msgs"),
                    count(p.office_messages),
                    counted(p.design_messages, "msg", "msgs"),
                    counted(p.web_searches, "web search", "web searches")
                ),
                theme.text,
            ),
        ];
        frame.render_widget(Paragraph::new(lines), summary);
    }
    let Some(timeline) = timeline else {
        frame.render_widget(
            Paragraph::new(Line::styled("reading the stored days…", theme.dim)),
            chart,
        );
        return;
    };
    if timeline.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "no day-by-day data stored for this range yet; the background sync fills it in",
                theme.dim,
            )),
            chart,
        );
        return;
    }
    let [label, spark, label2, spark2] = chart.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    frame.render_widget(
        Paragraph::new(Line::styled(
            "activity per day (messages + sessions + 5×commits)",
            theme.dim,
        )),
        label,
    );
    frame.render_widget(
        Sparkline::default()
            .data(&timeline.activity)
            .style(theme.series),
        spark,
    );
    frame.render_widget(
        Paragraph::new(Line::styled("cost per day", theme.dim)),
        label2,
    );
    frame.render_widget(
        Sparkline::default()
            .data(&timeline.cents)
            .style(theme.series_alt),
        spark2,
    );
    // Titles right-aligned over right-aligned numbers; 78 columns hold the whole row, and
    // from 115 the Cowork, Office, Design and web-search columns join it.
    let mut columns: Vec<DayColumn> = vec![
        ("Msgs", 5, |a| a.messages),
        ("Convs", 5, |a| a.conversations),
        ("Sessions", 8, |a| a.sessions),
        ("Commits", 7, |a| a.commits),
        ("PRs", 4, |a| a.pull_requests),
        ("+Lines", 7, |a| a.lines_added),
        ("-Lines", 7, |a| a.lines_removed),
        ("Accepted", 8, |a| a.tool_accepted),
    ];
    if days.width >= 115 {
        columns.extend([
            ("Cowork", 7, (|a| a.cowork_messages) as Counter),
            ("Office", 7, |a| a.office_messages),
            ("Design", 7, |a| a.design_messages),
            ("Web", 5, |a| a.web_searches),
        ]);
    }
    let header = Row::new(
        std::iter::once(Cell::from("Day"))
            .chain(columns.iter().map(|c| number(c.0)))
            .chain(std::iter::once(number("Cost"))),
    )
    .style(theme.header);
    let height = usize::from(days.height.saturating_sub(1));
    let dash = || "–".to_owned();
    let first = first_shown(at, height, len);
    let rows = timeline
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, day)| {
            let a = day.activity.as_ref();
            let n = |f: Counter| number(a.map_or_else(dash, |a| count(f(a))));
            let row = Row::new(
                std::iter::once(Cell::from(day.date.format("%a %m-%d").to_string()))
                    .chain(columns.iter().map(|c| n(c.2)))
                    .chain(std::iter::once(number(day.paid.map_or_else(dash, money)))),
            );
            if i == at {
                row.style(theme.selected)
            } else {
                row
            }
        });
    let widths = std::iter::once(9)
        .chain(columns.iter().map(|c| c.1))
        .chain(std::iter::once(9))
        .map(Constraint::Length);
    frame.render_widget(Table::new(rows, widths).header(header), days);
}

/// Reads one counter of a day.
type Counter = fn(&Activity) -> u64;

/// A timeline column: title, width, and the counter it shows.
type DayColumn = (&'static str, u16, Counter);
