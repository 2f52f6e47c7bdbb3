//! The help overlay, generated from the key table that handles the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::block;
use super::{Theme, centred, clear};
use crate::tui::keymap::{Scope, bindings};
use crate::tui::model::Model;

pub fn render(_model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let table = bindings();
    let mut lines = Vec::new();
    for scope in [Scope::Global, Scope::Developers, Scope::Picker] {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(scope.title(), theme.header));
        for b in table.iter().filter(|b| b.scope == scope) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<11}", b.label), theme.accent),
                Span::styled(b.help, theme.text),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "While filtering: type, Backspace, Enter keeps, Esc clears",
        theme.dim,
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    // Two columns when the screen is short.
    let area = centred(area, 78, height);
    clear(frame, area);
    let outer = block("Keys — ? closes", theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if usize::from(inner.height) >= lines.len() {
        frame.render_widget(Paragraph::new(lines), inner);
    } else {
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let [l, r] = inner.layout(&ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Fill(1),
            ratatui::layout::Constraint::Fill(1),
        ]));
        frame.render_widget(Paragraph::new(lines), l);
        frame.render_widget(Paragraph::new(right), r);
    }
}
