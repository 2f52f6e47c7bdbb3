//! Developers: one row per person, sortable by any column, filtered by `/`; only the rows on
//! screen are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{NO_FIGURE, block, clip, count, fit, freshness, money, number, percent};
use crate::sync::CountBasis;
use crate::tui::model::{Model, SortColumn, position_text};
use crate::tui::update::table_height;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let t = &model.developers;
    let total = model.data.as_ref().map_or(0, |d| d.developers.len());
    let position = position_text(t.selected, t.rows.len());
    let title = if t.filter.is_empty() {
        format!("Developers ({}){position}", count(total as u64))
    } else {
        format!(
            "Developers ({} of {} matching “{}”){position}",
            t.rows.len(),
            total,
            t.filter
        )
    };
    let mut outer = block(&title, theme);
    // A range longer than one history says which days the columns cover, on the border so
    // the hint line keeps its notes.
    let mixed = model.data.as_ref().filter(|d| d.spans.mixed(d.from));
    if let Some(data) = mixed {
        outer = outer.title_bottom(Span::styled(format!(" {} ", data.spans.text()), theme.warn));
    }
    let mixed = mixed.is_some();
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [table_area, foot] = inner.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));

    // Titles shorten below 100 columns so the e-mails keep room at 80×24. Each number
    // column is as wide as its title with room for the sort mark (so no column moves when the
    // mark does) or its widest likely value.
    let wide = table_area.width >= 100;
    let title = |c: SortColumn| if wide { c.title() } else { short_title(c) };
    let header_text = |c: SortColumn| match (c == t.sort, t.descending) {
        (true, true) => format!("{}▼", title(c)),
        (true, false) => format!("{}▲", title(c)),
        (false, _) => title(c).to_owned(),
    };
    let numbers = &SortColumn::ALL[1..];
    let widths: Vec<u16> = numbers
        .iter()
        .map(|&c| fit(&format!("{}▼", title(c)), [], value_width(c)))
        .collect();
    let fixed: u16 = widths.iter().sum::<u16>() + u16::try_from(widths.len()).unwrap_or(0);
    let email_width = usize::from(table_area.width.saturating_sub(fixed)).max(8);
    let header = Row::new(
        std::iter::once(Cell::from(header_text(SortColumn::Email)))
            .chain(numbers.iter().map(|&c| number(header_text(c)))),
    )
    .style(theme.header);

    let height = table_height(model.size);
    // Absent is not zero: without stored activity (or cost) for the range, a dash.
    let engagement = model
        .data
        .as_ref()
        .is_some_and(|d| d.engagement_through.is_some());
    let costed = model
        .data
        .as_ref()
        .is_some_and(|d| d.cost_through.is_some());
    let known = |n: u64| {
        if engagement {
            count(n)
        } else {
            NO_FIGURE.to_owned()
        }
    };
    let rows = model
        .visible_developers()
        .enumerate()
        .skip(t.offset)
        .take(height)
        .map(|(i, d)| {
            let row = Row::new(vec![
                Cell::from(clip(&d.email, email_width)),
                number(known(d.messages)),
                number(known(d.claude_code_sessions)),
                number(known(d.commits)),
                number(known(d.pull_requests)),
                number(known(d.lines_added)),
                number(known(d.lines_removed)),
                number(percent(d.acceptance_rate())),
                number(if costed {
                    money(d.cost_usd)
                } else {
                    NO_FIGURE.to_owned()
                }),
            ]);
            if i == t.selected {
                row.style(theme.selected)
            } else {
                row
            }
        });
    // A wide screen gives the e-mails what the longest needs (up to a limit) and spreads the
    // rest over the number columns, so the Person column does not eat the width.
    let longest = model
        .visible_developers()
        .map(|d| d.email.chars().count())
        .max()
        .unwrap_or(0);
    let person = u16::try_from(longest.min(PERSON_MAX)).unwrap_or(u16::MAX) + 1;
    let spread = usize::from(table_area.width) > usize::from(fixed) + PERSON_MAX + 8;
    let widths: Vec<Constraint> = if spread {
        std::iter::once(Constraint::Length(person))
            .chain(widths.into_iter().map(Constraint::Min))
            .collect()
    } else {
        std::iter::once(Constraint::Fill(1))
            .chain(widths.into_iter().map(Constraint::Length))
            .collect()
    };
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );

    let hint = if t.rows.is_empty() && total > 0 {
        Line::styled("nobody matches the filter — Esc clears it", theme.warn)
    } else if total == 0 {
        Line::styled("no people in this range yet", theme.dim)
    } else if let Some(note) = model.data.as_ref().and_then(|d| basis_hint(d.count_basis)) {
        Line::styled(note, theme.warn)
    } else {
        let keys = Span::styled("s/S sort · / filter · Enter timeline", theme.dim);
        // When the border names the days covered, freshness would only repeat it.
        if mixed {
            Line::from(keys)
        } else {
            Line::from(vec![
                keys,
                Span::styled(" · ", theme.dim),
                freshness(model, theme, true)
                    .spans
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            ])
        }
    };
    frame.render_widget(Paragraph::new(hint), foot);
}

/// The widest the Person column grows on a wide screen.
const PERSON_MAX: usize = 40;

/// Says when sessions were not counted once over the range (see `export::basis_note`).
fn basis_hint(basis: CountBasis) -> Option<&'static str> {
    match basis {
        CountBasis::SumOfDays => {
            Some("Sessions: each day's count summed (no range rollup from the API)")
        }
        CountBasis::Mixed => Some("Sessions: older days summed per day — an upper bound"),
        CountBasis::Rollup | CountBasis::None => None,
    }
}

/// Column titles for narrow screens.
fn short_title(column: SortColumn) -> &'static str {
    match column {
        SortColumn::Messages => "Msgs",
        SortColumn::Sessions => "Sess",
        SortColumn::Commits => "Cmts",
        SortColumn::Acceptance => "Acc%",
        other => other.title(),
    }
}

/// Room for the values a column usually holds: `12,345` messages, `123,456` lines, `100.0%`,
/// `$12,345.67` (longer values are cut at the left edge of the column).
fn value_width(column: SortColumn) -> u16 {
    match column {
        SortColumn::Email => 12,
        SortColumn::Messages | SortColumn::Acceptance => 6,
        SortColumn::Sessions | SortColumn::Commits => 5,
        SortColumn::PullRequests => 4,
        SortColumn::LinesAdded | SortColumn::LinesRemoved => 7,
        SortColumn::Cost => 10,
    }
}
