//! The message log overlay (`m`): every status-bar message, sync notice and failure of this
//! run, whole and timestamped, newest at the bottom; failures drawn as such.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::widgets::{block, wrap_words};
use super::{Theme, centred, clear};
use crate::tui::model::Model;

/// The overlay's widest.
const WIDTH: u16 = 120;
/// Room for `HH:MM:SS  ` before each message.
const STAMP: usize = 10;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, scroll: usize) {
    let area = centred(area, WIDTH.min(area.width), area.height);
    clear(frame, area);
    let outer = block("Messages — m closes, j/k scroll", theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let width = usize::from(inner.width).saturating_sub(STAMP).max(1);
    let height = usize::from(inner.height);
    if model.messages.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("no messages yet", theme.dim)),
            inner,
        );
        return;
    }
    // Only the messages that can show are wrapped: the newest `scroll` are skipped, then
    // older ones fill the screen upwards.
    let mut lines: Vec<Line<'_>> = Vec::new();
    for entry in model.messages.iter().rev().skip(scroll) {
        let style = if entry.problem { theme.bad } else { theme.text };
        let stamp = entry.at.format("%H:%M:%S").to_string();
        let parts = wrap_words(&entry.text, width);
        let mut block: Vec<Line<'_>> = parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let lead = if i == 0 { stamp.as_str() } else { "" };
                Line::styled(format!("{lead:<STAMP$}{part}"), style)
            })
            .collect();
        block.append(&mut lines);
        lines = block;
        if lines.len() >= height {
            break;
        }
    }
    let skip = lines.len().saturating_sub(height);
    let shown: Vec<Line<'_>> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
