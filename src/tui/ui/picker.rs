//! The date range picker (`d`): presets in one key, or a typed custom range.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{block, wrap_words};
use super::{Theme, centred, clear};
use crate::tui::keymap::Scope;
use crate::tui::model::Model;

/// The box's width, borders included.
const WIDTH: u16 = 58;

pub fn render(
    model: &Model,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    custom: Option<&str>,
    error: Option<&str>,
) {
    let mut lines = vec![Line::from(vec![
        Span::styled("now: ", theme.dim),
        Span::styled(
            format!(
                "{} ({} – {})",
                model.range.label, model.range.from, model.range.to
            ),
            theme.text,
        ),
    ])];
    lines.push(Line::raw(""));
    for b in model
        .keys
        .bindings()
        .iter()
        .filter(|b| b.scope == Scope::Picker)
    {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<3}", b.label), theme.accent),
            Span::styled(b.help, theme.text),
        ]));
    }
    if let Some(text) = custom {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("  from..to: ", theme.header),
            Span::styled(format!("{text}▏"), theme.text),
        ]));
        lines.push(Line::styled("  Enter applies · Esc goes back", theme.dim));
    }
    // An error wraps inside the box rather than running off its edge.
    if let Some(e) = error {
        for part in wrap_words(e, usize::from(WIDTH - 4)) {
            lines.push(Line::styled(format!("  {part}"), theme.bad));
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centred(area, WIDTH, height);
    clear(frame, area);
    let outer = block("Date range — Esc closes", theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    frame.render_widget(Paragraph::new(lines), inner);
}
