//! Developers: one row per person, sortable by any column, filtered by `/`; only the rows on
//! screen are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::Theme;
use super::widgets::{NO_FIGURE, block, clip, count, fit, freshness, money, number, percent};
use crate::sync::CountBasis;
use crate::tui::model::{DeveloperTable, Model, SortColumn, position_text};
use crate::tui::update::table_height;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let t = &model.developers;
    let total = model.data().map_or(0, |d| d.developers.len());
    let position = position_text(t.selected(), t.rows.len());
    let table_width = area.width.saturating_sub(2);
    let (numbers, widths, left_out) = columns(t, table_width);
    let left_out = if left_out.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = left_out.iter().map(|c| c.title()).collect();
        format!(" · no room for {}", names.join(", "))
    };
    let title = if t.filter.is_empty() {
        format!("Developers ({}){position}{left_out}", count(total as u64))
    } else {
        format!(
            "Developers ({} of {} matching “{}”){position}{left_out}",
            t.rows.len(),
            total,
            t.filter
        )
    };
    let mut outer = block(&title, theme);
    // A range longer than one history says which days the columns cover, on the border so
    // the hint line keeps its notes.
    let mixed = model.data().filter(|d| d.spans.mixed(d.from));
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

    let header_text = |c: SortColumn| match (c == t.sort, t.descending) {
        (true, true) => format!("{}▼", column_title(c, table_width)),
        (true, false) => format!("{}▲", column_title(c, table_width)),
        (false, _) => column_title(c, table_width).to_owned(),
    };
    let fixed: u16 = widths.iter().sum::<u16>() + u16::try_from(widths.len()).unwrap_or(0);
    let email_width = usize::from(table_area.width.saturating_sub(fixed)).max(8);
    let header = Row::new(
        std::iter::once(Cell::from(header_text(SortColumn::Email)))
            .chain(numbers.iter().map(|&c| number(header_text(c)))),
    )
    .style(theme.header);

    let height = table_height(model.size);
    // Absent is not zero: without stored activity (or cost) for the range, a dash.
    let engagement = model.data().is_some_and(|d| d.engagement_through.is_some());
    let costed = model.data().is_some_and(|d| d.cost_through.is_some());
    let known = |n: u64| {
        if engagement {
            count(n)
        } else {
            NO_FIGURE.to_owned()
        }
    };
    // Only the rows on screen are built; the table skips the placeholders before them.
    let shown = t.offset()..t.offset() + height;
    let rows = model
        .visible_developers()
        .enumerate()
        .take(shown.end)
        .map(|(i, d)| {
            if !shown.contains(&i) {
                return Row::default();
            }
            let value = |c: SortColumn| match c {
                SortColumn::Email => d.email.clone(),
                SortColumn::Messages => known(d.messages),
                SortColumn::Conversations => known(d.conversations),
                SortColumn::Sessions => known(d.claude_code_sessions),
                SortColumn::Commits => known(d.commits),
                SortColumn::PullRequests => known(d.pull_requests),
                SortColumn::LinesAdded => known(d.lines_added),
                SortColumn::LinesRemoved => known(d.lines_removed),
                SortColumn::Acceptance => percent(d.acceptance_rate()),
                SortColumn::Rejected => known(d.tool_rejected),
                SortColumn::Cost if costed => money(d.cost_usd),
                SortColumn::ListCost if costed => money(d.list_cost_usd),
                SortColumn::Cost | SortColumn::ListCost => NO_FIGURE.to_owned(),
            };
            Row::new(
                std::iter::once(Cell::from(clip(&d.email, email_width)))
                    .chain(numbers.iter().map(|&c| number(value(c)))),
            )
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
    frame.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(theme.selected),
        table_area,
        &mut t.state.clone(),
    );

    let hint = if t.rows.is_empty() && total > 0 {
        Line::styled("nobody matches the filter — Esc clears it", theme.warn)
    } else if total == 0 {
        Line::styled("no people in this range yet", theme.dim)
    } else if let Some(note) = model.data().and_then(|d| basis_hint(d.count_basis)) {
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

/// Titles shorten below 100 columns so the e-mails keep room at 80×24.
fn column_title(column: SortColumn, table_width: u16) -> &'static str {
    if table_width >= 100 {
        column.title()
    } else {
        short_title(column)
    }
}

/// The number columns shown and their widths, and those left out for room. Each is as wide as
/// its title with room for the sort mark (so no column moves when the mark does) or its widest
/// likely value, never narrower: a figure is never cut. When the extra columns (`c`) leave the
/// Person column less than [`PERSON_MIN`], the least telling default columns give way (the
/// title names them, and `s` skips them).
pub(crate) fn columns(
    t: &DeveloperTable,
    table_width: u16,
) -> (Vec<SortColumn>, Vec<u16>, Vec<SortColumn>) {
    let width = |c: SortColumn| {
        fit(
            &format!("{}▼", column_title(c, table_width)),
            [],
            value_width(c),
        )
    };
    let room = |cols: &[SortColumn]| -> u16 { cols.iter().map(|&c| width(c) + 1).sum() };
    let mut shown: Vec<SortColumn> = SortColumn::on_screen(t.more_columns).skip(1).collect();
    let mut left_out = Vec::new();
    for give_way in [
        SortColumn::LinesRemoved,
        SortColumn::PullRequests,
        SortColumn::Sessions,
        SortColumn::LinesAdded,
    ] {
        if room(&shown) + PERSON_MIN <= table_width {
            break;
        }
        shown.retain(|&c| c != give_way);
        left_out.push(give_way);
    }
    let widths = shown.iter().map(|&c| width(c)).collect();
    (shown, widths, left_out)
}

/// The narrowest the Person column gets (an e-mail's first dozen characters).
const PERSON_MIN: u16 = 12;

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
        SortColumn::Conversations => "Conv",
        SortColumn::Sessions => "Sess",
        SortColumn::Commits => "Cmts",
        SortColumn::Acceptance => "Acc%",
        SortColumn::Rejected => "Rej",
        other => other.title(),
    }
}

/// Room for the values a column usually holds: `12,345` messages, `123,456` lines, `100.0%`,
/// `$12,345.67` (longer values are cut at the left edge of the column).
fn value_width(column: SortColumn) -> u16 {
    match column {
        SortColumn::Email => 12,
        SortColumn::Messages | SortColumn::Acceptance => 6,
        SortColumn::Conversations | SortColumn::Sessions | SortColumn::Commits => 5,
        SortColumn::Rejected => 4,
        SortColumn::PullRequests => 4,
        SortColumn::LinesAdded | SortColumn::LinesRemoved => 7,
        SortColumn::Cost | SortColumn::ListCost => 10,
    }
}
