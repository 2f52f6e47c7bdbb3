//! Overview: active users, seats and adoption, cost this month with a projection, Claude Code
//! totals, and days far above normal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};

use super::Theme;
use super::widgets::{NO_DATA, NO_FIGURE, block, count, freshness, money};
use crate::metrics::plural;
use crate::tui::model::Model;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [top, middle, bottom] = area.layout(&Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Fill(1),
    ]));
    let [users, seats] = top.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let [cost, code] = middle.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let Some(data) = model.data() else {
        frame.render_widget(
            Paragraph::new(freshness(model, theme, false)).block(block("Overview", theme)),
            area,
        );
        return;
    };
    let summary = data.latest_summary.as_ref();
    let figure = |v: Option<u64>| v.map_or_else(|| NO_FIGURE.to_owned(), count);
    // Absent is not zero: a figure the store holds no row for is a dash, not `0` or `$0.00`.
    let engagement = data.engagement_through.is_some();
    let known = |n: u64| {
        if engagement {
            count(n)
        } else {
            NO_FIGURE.to_owned()
        }
    };
    let partial = partial_note(model);

    // Active users with a DAU sparkline.
    let dau: Vec<u64> = data.days.iter().filter_map(|d| d.dau).collect();
    let active_people = vec![
        Line::from(vec![
            Span::styled("DAU ", theme.dim),
            Span::styled(figure(summary.map(|s| s.dau)), theme.title),
            Span::styled("  WAU ", theme.dim),
            Span::styled(figure(summary.map(|s| s.wau)), theme.title),
            Span::styled("  MAU ", theme.dim),
            Span::styled(figure(summary.map(|s| s.mau)), theme.title),
        ]),
        Line::styled(
            summary.map_or_else(|| NO_DATA.to_owned(), |s| format!("on {}{partial}", s.date)),
            theme.dim,
        ),
    ];
    figures_with_trend(
        frame,
        theme,
        users,
        "Active people",
        active_people,
        &dau,
        theme.series,
    );

    // Seats, invites, adoption.
    let seats_total = summary.and_then(|s| s.assigned_seats);
    let figures = &model.figures;
    let adoption = rate(figures.adoption);
    let active = figures.active_people;
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("seats ", theme.dim),
                Span::styled(figure(seats_total), theme.title),
            ]),
            Line::from(vec![
                Span::styled("pending invites ", theme.dim),
                Span::styled(figure(summary.and_then(|s| s.pending_invites)), theme.text),
            ]),
            Line::from(vec![
                Span::styled("adoption (MAU ÷ seats) ", theme.dim),
                Span::styled(adoption, theme.good),
            ]),
            Line::from(vec![
                Span::styled("active in range ", theme.dim),
                Span::styled(known(active), theme.text),
                Span::styled(
                    format!(
                        "  idle seats {}",
                        seats_total
                            .filter(|_| engagement)
                            .map_or_else(|| NO_FIGURE.into(), |s| count(s.saturating_sub(active)))
                    ),
                    theme.dim,
                ),
            ]),
        ])
        .block(block("Seats", theme)),
        seats,
    );

    // Cost this month with the projection.
    let mtd = &data.month_to_date;
    let cost_days: Vec<u64> = data
        .days
        .iter()
        .map(|d| {
            d.cost_usd
                .map_or(0, |c| u64::try_from(c.round()).unwrap_or(0))
        })
        .collect();
    // Cost not stored yet is unknown, not $0: loading while a sync runs, else no data.
    let unknown = if model.busy() {
        "loading…".to_owned()
    } else {
        format!("{NO_DATA} for this month")
    };
    let month = if mtd.held {
        vec![
            Line::from(vec![
                Span::styled(money(mtd.cost_usd), theme.title),
                Span::styled(
                    format!(
                        " so far ({} + today){partial}",
                        plural(u64::from(mtd.complete_days), "day", "days")
                    ),
                    theme.dim,
                ),
            ]),
            Line::from(vec![
                Span::styled("at list price ", theme.dim),
                Span::styled(money(mtd.list_cost_usd), theme.text),
            ]),
            Line::from(vec![
                Span::styled("projected month end ", theme.dim),
                Span::styled(
                    mtd.projected_usd
                        .map_or_else(|| NO_FIGURE.to_owned(), money),
                    theme.warn,
                ),
            ]),
            Line::styled(mtd.basis_text(), theme.dim),
        ]
    } else {
        vec![Line::styled(unknown.clone(), theme.dim)]
    };
    figures_with_trend(
        frame,
        theme,
        cost,
        "Cost this month",
        month,
        &cost_days,
        theme.series_alt,
    );

    // Claude Code totals.
    let totals = &figures.code;
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("commits ", theme.dim),
                Span::styled(known(totals.commits), theme.title),
                Span::styled("  pull requests ", theme.dim),
                Span::styled(known(totals.pull_requests), theme.title),
            ]),
            Line::from(vec![
                Span::styled("lines ", theme.dim),
                Span::styled(
                    if engagement {
                        format!(
                            "+{} −{}",
                            count(totals.lines_added),
                            count(totals.lines_removed)
                        )
                    } else {
                        NO_FIGURE.to_owned()
                    },
                    theme.text,
                ),
            ]),
            Line::from(vec![
                Span::styled("sessions ", theme.dim),
                Span::styled(known(totals.sessions), theme.text),
                Span::styled("  tool acceptance ", theme.dim),
                Span::styled(rate(totals.acceptance_rate()), theme.good),
            ]),
            Line::from(vec![
                Span::styled("range cost ", theme.dim),
                Span::styled(
                    match data.cost_through {
                        Some(_) => money(data.total_cost_usd()),
                        None if model.busy() => unknown,
                        None => NO_FIGURE.to_owned(),
                    },
                    theme.text,
                ),
            ]),
            Line::styled(if engagement { partial.trim() } else { NO_DATA }, theme.dim),
        ])
        .block(block("Claude Code in range", theme)),
        code,
    );

    // Unusual days.
    let mut lines = vec![freshness(model, theme, true)];
    if !engagement && data.cost_through.is_none() {
        lines.push(Line::styled(
            format!("{NO_DATA}: nothing to compare a day with"),
            theme.dim,
        ));
    } else if data.spikes.is_empty() {
        lines.push(Line::styled(
            "no day stands far above its trailing two-week median",
            theme.dim,
        ));
    }
    for s in data
        .spikes
        .iter()
        .rev()
        .take(usize::from(bottom.height.saturating_sub(4)))
    {
        let (value, median) = if s.what == "cost" {
            (money(s.value), money(s.median))
        } else {
            (s.value.to_string(), s.median.to_string())
        };
        lines.push(Line::from(vec![
            Span::styled("▲ ", theme.bad),
            Span::styled(format!("{} {} {value}", s.date, s.what), theme.text),
            Span::styled(format!(" — median of the days before: {median}"), theme.dim),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block("Unusual days", theme)),
        bottom,
    );
}

/// Marks totals that a running sync is still filling for this range.
fn partial_note(model: &Model) -> &'static str {
    if model.busy() && model.coverage.is_none() {
        " (partial: still syncing)"
    } else {
        ""
    }
}

/// A titled block with some figures on top and their trend as a sparkline below.
fn figures_with_trend(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    figures: Vec<Line<'_>>,
    trend: &[u64],
    style: ratatui::style::Style,
) {
    let outer = block(title, theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let height = u16::try_from(figures.len()).unwrap_or(u16::MAX);
    let [text, spark] = inner.layout(&Layout::vertical([
        Constraint::Length(height),
        Constraint::Fill(1),
    ]));
    frame.render_widget(Paragraph::new(figures), text);
    frame.render_widget(Sparkline::default().data(trend).style(style), spark);
}

/// A rate of the Overview, or a dash.
fn rate(value: Option<rust_decimal::Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"))
}
