//! The help overlay, generated from the key table that handles the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{block, wrap_words};
use super::{Theme, centred, clear};
use crate::tui::keymap::{Binding, Scope};
use crate::tui::model::Model;

/// The overlay's widest; at 80 columns it covers the screen edge to edge.
const WIDTH: u16 = 80;
const FOOTER: &str = "While filtering: type, Backspace, Enter keeps, Esc clears";

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let table = model.keys.bindings();
    let sections: Vec<(Scope, Vec<&Binding>)> = [
        Scope::Global,
        Scope::Lists,
        Scope::Developers,
        Scope::Picker,
    ]
    .into_iter()
    .map(|scope| (scope, table.iter().filter(|b| b.scope == scope).collect()))
    .collect();
    let label_width = table
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let width = WIDTH.min(area.width);
    let inner_width = usize::from(width.saturating_sub(2));

    // One column when everything fits, blank lines between sections and the footer last.
    let mut one = Vec::new();
    for (i, (scope, keys)) in sections.iter().enumerate() {
        if i > 0 {
            one.push(Line::raw(""));
        }
        one.extend(section(*scope, keys, 2, label_width, inner_width, theme));
    }
    one.push(Line::raw(""));
    one.push(Line::styled(FOOTER, theme.dim));
    let height = u16::try_from(one.len() + 2).unwrap_or(u16::MAX);
    let area = centred(area, width, height);
    clear(frame, area);
    if usize::from(area.height.saturating_sub(2)) >= one.len() {
        let outer = block("Keys — ? closes", theme);
        let inner = outer.inner(area);
        frame.render_widget(outer, area);
        frame.render_widget(Paragraph::new(one), inner);
        return;
    }
    // Too short: two columns, sections kept whole (the first on the left, the rest on the
    // right), long descriptions wrapped, and the footer on the bottom border.
    let outer = block("Keys — ? closes", theme)
        .title_bottom(Line::styled(format!(" {FOOTER} "), theme.dim));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [left, right] = inner.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
    ]));
    let column = usize::from(left.width.saturating_sub(1));
    let mut columns: [Vec<Line<'_>>; 2] = [Vec::new(), Vec::new()];
    let built: Vec<Vec<Line<'_>>> = sections
        .iter()
        .map(|(scope, keys)| section(*scope, keys, 0, label_width, column, theme))
        .collect();
    // Blank lines between the right column's sections only as far as they leave every key
    // on screen.
    let right_lines: usize = built.iter().skip(1).map(Vec::len).sum();
    let mut blanks = usize::from(inner.height).saturating_sub(right_lines);
    for (i, next) in built.into_iter().enumerate() {
        let lines = &mut columns[usize::from(i > 0)];
        if !lines.is_empty() && blanks > 0 {
            lines.push(Line::raw(""));
            blanks -= 1;
        }
        lines.extend(next);
    }
    let [l, r] = columns;
    frame.render_widget(Paragraph::new(l), left);
    frame.render_widget(Paragraph::new(r), right);
}

/// A section's heading and its keys, each description wrapped beside its key.
fn section<'a>(
    scope: Scope,
    keys: &[&Binding],
    indent: usize,
    label_width: usize,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(scope.title(), theme.header)];
    for b in keys {
        let text = wrap_words(b.help, width.saturating_sub(indent + label_width));
        for (i, part) in text.into_iter().enumerate() {
            let label = if i == 0 { &*b.label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{:indent$}{label:<label_width$}", ""), theme.accent),
                Span::styled(part, theme.text),
            ]));
        }
    }
    lines
}
