//! Cost: by day (chart), by person, and by product and model; list price against what is
//! paid after discount; month to date.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Cell, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{block, clip, fit, freshness, money, money_short, number, wrap_words};
use crate::tui::model::{Model, first_shown, position_text};

/// The By person row of cost that belongs to no seat user.
const UNATTRIBUTED: &str = "not tied to a person: service accounts, API keys, Slack";

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    // On a seat-based plan (or one that may be) the figures are extra usage, not the bill.
    let basis = model
        .cost_basis()
        .short()
        .map(|text| wrap_words(&text, usize::from(area.width.saturating_sub(2))))
        .unwrap_or_default();
    let basis_rows = u16::try_from(basis.len()).unwrap_or(0);
    let [head, chart, tables, foot] = area.layout(&Layout::vertical([
        Constraint::Length(4 + basis_rows),
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
    let list = data.total_list_cost_usd();
    let saved = list - paid;
    let mtd = &data.month_to_date;
    let mut lines: Vec<Line<'_>> = basis
        .into_iter()
        .map(|l| Line::styled(l, theme.warn))
        .collect();
    lines.extend([
        Line::from(vec![
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
        ]),
        Line::from(vec![
            Span::styled("month to date ", theme.dim),
            Span::styled(money(mtd.cost_usd), theme.title),
            Span::styled(" → ", theme.dim),
            Span::styled(
                match mtd.projected_usd {
                    Some(p) => format!("{} projected ({})", money(p), mtd.basis_text()),
                    None => format!("no projection ({})", mtd.basis_text()),
                },
                theme.warn,
            ),
        ]),
    ]);
    frame.render_widget(Paragraph::new(lines).block(block("Cost", theme)), head);

    // Cost per day: the most recent days that fit, one bar each.
    let bars_fit = usize::from(chart.width.saturating_sub(2)) / 4;
    let bars: Vec<Bar<'_>> = data
        .days
        .iter()
        .rev()
        .take(bars_fit)
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
    let ranked = model.cost_ranking();
    // Amounts right-aligned in columns as wide as the widest amount shown.
    // One row fewer for the cost no person accounts for.
    let height = usize::from(people.height.saturating_sub(4));
    let at = model.lists.cost_people.min(ranked.len().saturating_sub(1));
    let first = first_shown(at, height, ranked.len());
    let shown: Vec<[String; 3]> = ranked
        .iter()
        .skip(first)
        .take(height)
        .map(|d| {
            [
                d.email.clone(),
                money_short(d.cost_usd),
                money_short(d.list_cost_usd),
            ]
        })
        .collect();
    // Cost no person accounts for comes first, so person rows + it = the range's total.
    let unattributed = [
        UNATTRIBUTED.to_owned(),
        data.unattributed_cost_usd()
            .map_or_else(|| "unknown".to_owned(), money_short),
        data.unattributed_list_cost_usd()
            .map_or_else(String::new, money_short),
    ];
    let paid_w = fit(
        "Paid",
        shown.iter().chain([&unattributed]).map(|r| r[1].as_str()),
        4,
    );
    let list_w = fit(
        "List",
        shown.iter().chain([&unattributed]).map(|r| r[2].as_str()),
        4,
    );
    let email_w = usize::from(people.width.saturating_sub(2 + paid_w + list_w + 2));
    let not_a_person = Row::new(vec![
        Cell::from(clip(&unattributed[0], email_w)),
        number(unattributed[1].clone()),
        number(unattributed[2].clone()),
    ])
    .style(theme.dim);
    let people_rows = shown
        .into_iter()
        .enumerate()
        .map(|(i, [email, paid, list])| {
            let row = Row::new(vec![
                Cell::from(clip(&email, email_w)),
                number(paid),
                number(list),
            ]);
            if first + i == at {
                row.style(theme.selected)
            } else {
                row
            }
        });
    let rows = std::iter::once(not_a_person).chain(people_rows);
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(paid_w),
                Constraint::Length(list_w),
            ],
        )
        .header(
            Row::new([Cell::from("Person"), number("Paid"), number("List")]).style(theme.header),
        )
        .block(block(
            &format!("By person{}", position_text(at, ranked.len())),
            theme,
        )),
        people,
    );
    // Model names lose their `claude-` prefix when the column is too narrow for them.
    let shown: Vec<[String; 4]> = data
        .cost_by_model
        .iter()
        .take(usize::from(models.height.saturating_sub(3)))
        .map(|m| {
            [
                m.product.clone(),
                m.model.clone(),
                money_short(m.cost_usd),
                money_short(m.list_cost_usd),
            ]
        })
        .collect();
    let product_w = fit("Product", shown.iter().map(|r| r[0].as_str()), 7);
    let paid_w = fit("Paid", shown.iter().map(|r| r[2].as_str()), 4);
    let list_w = fit("List", shown.iter().map(|r| r[3].as_str()), 4);
    let model_w = usize::from(
        models
            .width
            .saturating_sub(2 + product_w + paid_w + list_w + 3),
    )
    .max(4);
    let rows = shown.into_iter().map(|[product, model, paid, list]| {
        let model = if model.chars().count() > model_w {
            model.strip_prefix("claude-").unwrap_or(&model).to_owned()
        } else {
            model
        };
        Row::new(vec![
            Cell::from(product),
            Cell::from(clip(&model, model_w)),
            number(paid),
            number(list),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(product_w),
                Constraint::Fill(1),
                Constraint::Length(paid_w),
                Constraint::Length(list_w),
            ],
        )
        .header(
            Row::new([
                Cell::from("Product"),
                Cell::from("Model"),
                number("Paid"),
                number("List"),
            ])
            .style(theme.header),
        )
        .block(block("By product and model", theme)),
        models,
    );
}
