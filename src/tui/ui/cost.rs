//! Cost: by day (chart), by person, and by product and model; list price against what is
//! paid after discount; month to date.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{block, clip, freshness, money, money_short};
use crate::tui::model::Model;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [head, chart, tables, foot] = area.layout(&Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(9),
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(Paragraph::new(freshness(model, theme, true)), foot);
    let Some(data) = model.data.as_ref() else {
        frame.render_widget(block("Cost", theme), head);
        return;
    };
    let paid = data.total_cost_usd();
    let list: rust_decimal::Decimal = data.developers.iter().map(|d| d.list_cost_usd).sum();
    let saved = list - paid;
    let mtd = &data.month_to_date;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("range ", theme.dim),
            Span::styled(money(paid), theme.title),
            Span::styled(
                format!(
                    " paid · {} at list price · {} saved",
                    money(list),
                    money(saved)
                ),
                theme.dim,
            ),
            Span::styled("   month to date ", theme.dim),
            Span::styled(money(mtd.cost_usd), theme.title),
            Span::styled(" → ", theme.dim),
            Span::styled(
                format!("{} projected", money(mtd.projected_usd)),
                theme.warn,
            ),
        ]))
        .block(block("Cost", theme)),
        head,
    );

    // Cost per day: the most recent days that fit, one bar each.
    let fit = usize::from(chart.width.saturating_sub(2)) / 4;
    let bars: Vec<Bar<'_>> = data
        .days
        .iter()
        .rev()
        .take(fit)
        .rev()
        .map(|d| {
            let value = d
                .cost_usd
                .map_or(0, |c| u64::try_from(c.round()).unwrap_or(0));
            Bar::default()
                .value(value)
                .label(Line::from(d.date.format("%d").to_string()))
                .text_value(String::new())
                .style(theme.series)
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(block("Paid per day (US$, day of month)", theme))
            .bar_width(3)
            .bar_gap(1)
            .data(BarGroup::default().bars(&bars)),
        chart,
    );

    let [people, models] = tables.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let mut ranked: Vec<_> = data
        .developers
        .iter()
        .filter(|d| !d.cost_usd.is_zero())
        .collect();
    ranked.sort_by(|a, b| {
        b.cost_usd
            .cmp(&a.cost_usd)
            .then_with(|| a.email.cmp(&b.email))
    });
    let height = usize::from(people.height.saturating_sub(3));
    let width = usize::from(people.width.saturating_sub(24));
    let rows = ranked.iter().take(height).map(|d| {
        Row::new(vec![
            clip(&d.email, width),
            money_short(d.cost_usd),
            money_short(d.list_cost_usd),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(10),
                Constraint::Length(10),
            ],
        )
        .header(Row::new(["Person", "Paid", "List"]).style(theme.header))
        .block(block("By person", theme)),
        people,
    );
    let rows = data
        .cost_by_model
        .iter()
        .take(usize::from(models.height.saturating_sub(3)))
        .map(|m| {
            Row::new(vec![
                m.product.clone(),
                m.model.clone(),
                money_short(m.cost_usd),
                money_short(m.list_cost_usd),
            ])
        });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Fill(1),
                Constraint::Length(10),
                Constraint::Length(10),
            ],
        )
        .header(Row::new(["Product", "Model", "Paid", "List"]).style(theme.header))
        .block(block("By product and model", theme)),
        models,
    );
}
