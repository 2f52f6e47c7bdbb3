//! One person's daily timeline (Enter on the Developers tab): totals, a chart, the days.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Sparkline, Table};

use super::widgets::{block, count, money, percent};
use super::{Theme, clear};
use crate::tui::action::Timeline;
use crate::tui::model::Model;

pub fn render(
    model: &Model,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    user_id: &str,
    timeline: Option<&Timeline>,
) {
    let person = model
        .data
        .as_ref()
        .and_then(|d| d.developers.iter().find(|p| p.user_id == user_id));
    let title = person.map_or(user_id, |p| p.email.as_str());
    clear(frame, area);
    let outer = block(title, theme).title_bottom(Line::styled(" Esc closes ", theme.dim));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [summary, chart, days] = inner.layout(&Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(5),
        Constraint::Fill(1),
    ]));
    if let Some(p) = person {
        let lines = vec![
            Line::from(vec![
                Span::styled(
                    format!("{} – {}  ", model.range.from, model.range.to),
                    theme.dim,
                ),
                Span::styled(
                    format!(
                        "{} messages · {} conversations · ",
                        count(p.messages),
                        count(p.conversations)
                    ),
                    theme.text,
                ),
                Span::styled(
                    format!("{} Claude Code sessions", count(p.claude_code_sessions)),
                    theme.text,
                ),
            ]),
            Line::from(vec![
                Span::styled(
                    format!(
                        "{} commits · {} PRs · +{} −{} lines · ",
                        count(p.commits),
                        count(p.pull_requests),
                        count(p.lines_added),
                        count(p.lines_removed)
                    ),
                    theme.text,
                ),
                Span::styled(
                    format!("accept {} · ", percent(p.acceptance_rate())),
                    theme.text,
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
    if timeline.days.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "no day-by-day data stored for this range yet; the background sync fills it in",
                theme.dim,
            )),
            chart,
        );
        return;
    }
    let activity: Vec<u64> = timeline
        .days
        .iter()
        .map(|(_, a)| a.messages + a.commits * 5 + a.sessions)
        .collect();
    let [label, spark] = chart.layout(&Layout::vertical([
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
        Sparkline::default().data(&activity).style(theme.series),
        spark,
    );
    let header = Row::new([
        "Day", "Msgs", "Convs", "Sessions", "Commits", "PRs", "+Lines", "-Lines", "Accepted",
    ])
    .style(theme.header);
    let height = usize::from(days.height.saturating_sub(1));
    let rows = timeline.days.iter().rev().take(height).map(|(date, a)| {
        Row::new(vec![
            date.format("%a %m-%d").to_string(),
            count(a.messages),
            count(a.conversations),
            count(a.sessions),
            count(a.commits),
            count(a.pull_requests),
            count(a.lines_added),
            count(a.lines_removed),
            count(a.tool_accepted),
        ])
    });
    let widths = [Constraint::Length(10)]
        .into_iter()
        .chain(std::iter::repeat_n(Constraint::Length(8), 8));
    frame.render_widget(Table::new(rows, widths).header(header), days);
}
