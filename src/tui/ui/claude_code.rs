//! Claude Code: org trends (commits, pull requests, lines) as charts, and leaderboards.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{block, clip, count, freshness, percent};
use crate::metrics::Developer;
use crate::tui::model::Model;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [charts, boards, foot] = area.layout(&Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(Paragraph::new(freshness(model, theme, false)), foot);
    let Some(data) = model.data.as_ref() else {
        frame.render_widget(block("Claude Code", theme), charts);
        return;
    };
    let [left, right] = charts.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let series = |f: fn(&crate::metrics::Day) -> Option<u64>| -> Vec<(f64, f64)> {
        data.days
            .iter()
            .enumerate()
            .filter_map(|(i, d)| f(d).map(|v| (i as f64, v as f64)))
            .collect()
    };
    let commits = series(|d| d.commits);
    let prs = series(|d| d.pull_requests);
    let added = series(|d| d.lines_added);
    let removed = series(|d| d.lines_removed);
    chart(
        frame,
        theme,
        left,
        "Commits and PRs per day",
        &[("commits", &commits, true), ("PRs", &prs, false)],
        data.days.len(),
    );
    chart(
        frame,
        theme,
        right,
        "Lines added and removed per day",
        &[("added", &added, true), ("removed", &removed, false)],
        data.days.len(),
    );

    let [a, b, c] = boards.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    leaderboard(
        frame,
        theme,
        a,
        "Top by commits",
        &data.developers,
        |d| d.commits,
        |d| count(d.commits),
    );
    leaderboard(
        frame,
        theme,
        b,
        "Top by lines added",
        &data.developers,
        |d| d.lines_added,
        |d| count(d.lines_added),
    );
    leaderboard(
        frame,
        theme,
        c,
        "Top by sessions",
        &data.developers,
        |d| d.claude_code_sessions,
        |d| {
            format!(
                "{} · {}",
                count(d.claude_code_sessions),
                percent(d.acceptance_rate())
            )
        },
    );
}

/// A named series of (day index, value) points; `true` draws it in the main colour.
type Series<'a> = (&'a str, &'a [(f64, f64)], bool);

fn chart(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    lines: &[Series<'_>],
    days: usize,
) {
    let max = lines
        .iter()
        .flat_map(|(_, points, _)| points.iter().map(|p| p.1))
        .fold(1.0_f64, f64::max);
    let datasets: Vec<Dataset<'_>> = lines
        .iter()
        .map(|(name, points, main)| {
            Dataset::default()
                .name(*name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(if *main {
                    theme.series
                } else {
                    theme.series_alt
                })
                .data(points)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(block(title, theme))
        .x_axis(
            Axis::default()
                .bounds([0.0, days.saturating_sub(1).max(1) as f64])
                .style(theme.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max])
                .labels(["0".to_owned(), count(max as u64)])
                .style(theme.dim),
        );
    frame.render_widget(chart, area);
}

fn leaderboard(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    people: &[Developer],
    key: fn(&Developer) -> u64,
    show: impl Fn(&Developer) -> String,
) {
    let mut ranked: Vec<&Developer> = people.iter().filter(|d| key(d) > 0).collect();
    ranked.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.email.cmp(&b.email)));
    let height = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(16));
    let rows: Vec<Row<'_>> = ranked
        .iter()
        .take(height)
        .enumerate()
        .map(|(i, d)| Row::new(vec![format!("{}.", i + 1), clip(&d.email, width), show(d)]))
        .collect();
    let widget = if rows.is_empty() {
        Table::new(
            vec![Row::new(vec![Line::from(Span::styled(
                "nobody yet",
                theme.dim,
            ))])],
            [Constraint::Fill(1)],
        )
    } else {
        Table::new(
            rows,
            [
                Constraint::Length(3),
                Constraint::Fill(1),
                Constraint::Length(13),
            ],
        )
    };
    frame.render_widget(widget.block(block(title, theme)), area);
}
