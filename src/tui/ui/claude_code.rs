//! Claude Code: org trends (commits, pull requests, lines) as charts, and leaderboards.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{block, clip, count, fit, freshness, number, percent};
use crate::metrics::Developer;
use crate::tui::model::{Model, first_shown, position_text};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [charts, boards, foot] = area.layout(&Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(Paragraph::new(freshness(model, theme, false)), foot);
    let Some(data) = model.data() else {
        frame.render_widget(block("Claude Code", theme), charts);
        return;
    };
    let [left, right] = charts.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let per_day = &model.figures.code_per_day;
    chart(
        frame,
        theme,
        left,
        "Commits and PRs per day",
        &[
            ("commits", &per_day.commits, true),
            ("PRs", &per_day.pull_requests, false),
        ],
        &data.days,
    );
    chart(
        frame,
        theme,
        right,
        "Lines added and removed per day",
        &[
            ("added", &per_day.lines_added, true),
            ("removed", &per_day.lines_removed, false),
        ],
        &data.days,
    );

    let [a, b, c] = boards.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let figures = &model.figures;
    leaderboard(
        frame,
        theme,
        model.lists.leaders,
        a,
        "Top by commits",
        model.ranked(&figures.by_commits).collect(),
        |d| count(d.commits),
    );
    leaderboard(
        frame,
        theme,
        model.lists.leaders,
        b,
        "Top by lines added",
        model.ranked(&figures.by_lines_added).collect(),
        |d| count(d.lines_added),
    );
    leaderboard(
        frame,
        theme,
        model.lists.leaders,
        c,
        "Top by sessions",
        model.ranked(&figures.by_sessions).collect(),
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

/// A line chart of daily series. The legend is a line above the plot rather than a box over
/// it, and the two series differ by mark (braille line, dots) so they part without colour.
fn chart(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    lines: &[Series<'_>],
    days: &[crate::metrics::Day],
) {
    let outer = block(title, theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [legend, plot] = inner.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    let style = |main: bool| if main { theme.series } else { theme.series_alt };
    let mark = |main: bool| if main { Marker::Braille } else { Marker::Dot };
    let mut spans = Vec::new();
    for (name, _, main) in lines {
        spans.push(Span::styled(
            if *main { "⠤⠤ " } else { "•• " },
            style(*main),
        ));
        spans.push(Span::styled(format!("{name}   "), theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), legend);

    let max = lines
        .iter()
        .flat_map(|(_, points, _)| points.iter().map(|p| p.1))
        .fold(1.0_f64, f64::max);
    let datasets: Vec<Dataset<'_>> = lines
        .iter()
        .map(|(name, points, main)| {
            Dataset::default()
                .name(*name)
                .marker(mark(*main))
                .graph_type(GraphType::Line)
                .style(style(*main))
                .data(points)
        })
        .collect();
    let day = |d: Option<&crate::metrics::Day>| {
        d.map_or_else(String::new, |d| d.date.format("%m-%d").to_string())
    };
    let chart = Chart::new(datasets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, days.len().saturating_sub(1).max(1) as f64])
                .labels([day(days.first()), day(days.last())])
                .style(theme.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max])
                .labels(["0".to_owned(), count(max as u64)])
                .style(theme.dim),
        );
    frame.render_widget(chart, plot);
}

/// The people with the most of something (`ranked`, most first), the values right-aligned in
/// a column as wide as the widest one shown.
fn leaderboard(
    frame: &mut Frame,
    theme: &Theme,
    position: usize,
    area: Rect,
    title: &str,
    ranked: Vec<&Developer>,
    show: impl Fn(&Developer) -> String,
) {
    let height = usize::from(area.height.saturating_sub(2));
    let at = position.min(ranked.len().saturating_sub(1));
    let first = first_shown(at, height, ranked.len());
    let shown: Vec<(String, &Developer, String)> = ranked
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, d)| (format!("{}.", i + 1), *d, show(d)))
        .collect();
    let rank_width = fit("", shown.iter().map(|r| r.0.as_str()), 2);
    let value_width = fit("", shown.iter().map(|r| r.2.as_str()), 1);
    let email_width =
        usize::from(area.width.saturating_sub(2 + rank_width + value_width + 2)).max(4);
    let rows: Vec<Row<'_>> = shown
        .into_iter()
        .enumerate()
        .map(|(i, (rank, d, value))| {
            let row = Row::new(vec![
                number(rank),
                Cell::from(clip(&d.email, email_width)),
                number(value),
            ]);
            if first + i == at {
                row.style(theme.selected)
            } else {
                row
            }
        })
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
                Constraint::Length(rank_width),
                Constraint::Fill(1),
                Constraint::Length(value_width),
            ],
        )
    };
    // The position first: a narrow board cuts the end of its title.
    let position = position_text(at, ranked.len());
    let title = if position.is_empty() {
        title.to_owned()
    } else {
        format!("{} {title}", position.trim_start())
    };
    frame.render_widget(widget.block(block(&title, theme)), area);
}
