//! Cost: by day (chart), by person, and by product and model; list price against what is
//! paid after discount; month to date.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Cell, Paragraph, Row, Table};

use rust_decimal::Decimal;

use super::Theme;
use super::widgets::{block, clip, fit, freshness, money, money_short, number, wrap_words};
use crate::metrics::bar_cents;
use crate::metrics::periods::{self, Period};
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
    let Some(data) = model.data() else {
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

    paid_chart(data, model.figures.paid_total, theme, frame, chart);

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

/// Paid per bar over the whole range with a scale: a bar a day when the days fit, else a week,
/// else a month; bars thin (without labels) before the period grows.
fn paid_chart(
    data: &crate::metrics::Dashboard,
    total: Decimal,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let series: Vec<_> = data.days.iter().map(|d| (d.date, d.cost_usd)).collect();
    // The scale is as wide as the range's total, which no bar exceeds.
    let axis_w = u16::try_from(money_short(total).chars().count() + 1).unwrap_or(u16::MAX);
    let plot_w = usize::from(area.width.saturating_sub(2 + axis_w));
    let room = |width: usize, gap: usize| (plot_w + gap) / (width + gap);
    let shapes = [Period::Day, Period::Week, Period::Month]
        .into_iter()
        .flat_map(|p| [(p, 3, 1), (p, 1, 1), (p, 1, 0)]);
    let mut chosen = None;
    for (period, width, gap) in shapes {
        let bars = periods::group(period, &series);
        let fits = bars.len() <= room(width, gap);
        chosen = Some((period, width, gap, bars));
        if fits {
            break;
        }
    }
    let Some((period, width, gap, buckets)) = chosen else {
        return;
    };
    let labelled = width == 3;
    let label = |b: &periods::Bucket| match period {
        Period::Day | Period::Week => b.first.format("%d").to_string(),
        Period::Month => b.first.format("%b").to_string(),
    };
    let bars: Vec<Bar<'_>> = buckets
        .iter()
        .map(|b| {
            let bar = Bar::default()
                .value(bar_cents(b.total))
                .text_value(String::new())
                .style(theme.series);
            if labelled {
                bar.label(Line::from(label(b)))
            } else {
                bar
            }
        })
        .collect();
    let peak = buckets.iter().map(|b| b.total.unwrap_or_default()).max();
    let shown = match (buckets.first(), buckets.last()) {
        (Some(first), Some(last)) if !labelled => format!(
            ", {} → {}",
            first.first.format("%m-%d"),
            last.last.format("%m-%d")
        ),
        _ => match period {
            Period::Day => ", day of month".to_owned(),
            Period::Week => ", weeks from day of month".to_owned(),
            Period::Month => String::new(),
        },
    };
    let title = format!("Paid per {} (US${shown})", period.noun());
    let outer = block(&title, theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [axis, plot] = inner.layout(&Layout::horizontal([
        Constraint::Length(axis_w),
        Constraint::Fill(1),
    ]));
    // The scale: the tallest bar's amount at the top, $0 on the bars' baseline.
    let baseline = usize::from(axis.height.saturating_sub(if labelled { 2 } else { 1 }));
    let mut scale = vec![Line::default(); baseline + 1];
    if let Some(peak) = peak.filter(|_| baseline > 0) {
        scale[0] = Line::styled(money_short(peak), theme.dim);
    }
    scale[baseline] = Line::styled("$0", theme.dim);
    frame.render_widget(Paragraph::new(scale), axis);
    frame.render_widget(
        BarChart::default()
            .bar_width(u16::try_from(width).unwrap_or(1))
            .bar_gap(u16::try_from(gap).unwrap_or(0))
            .max(bar_cents(peak).max(1))
            .data(BarGroup::default().bars(&bars)),
        plot,
    );
}
