//! Moving through lists (j/k, PgDn/PgUp, g/G): the Developers table, Cost by person, the
//! Claude Code leaderboards, the Status tab's requests, a person's timeline and the message
//! log. Drawing clamps again to what fits, so a position here is never drawn past the end.

use super::table_height;
use crate::tui::action::Tab;
use crate::tui::model::{Model, Overlay};

/// `position` moved `by` rows within `len` rows.
fn step(position: usize, by: isize, len: usize) -> usize {
    let last = len.saturating_sub(1) as isize;
    (position as isize).saturating_add(by).clamp(0, last.max(0)) as usize
}

pub(super) fn move_selection(model: &mut Model, by: isize) {
    let timeline_len = match &model.overlay {
        Some(Overlay::Detail { timeline, .. }) => timeline.data().map_or(0, |t| t.rows.len()),
        _ => 0,
    };
    match &mut model.overlay {
        Some(Overlay::Messages { scroll }) => {
            // Up (a negative move) goes back in time, away from the newest line.
            *scroll = step(*scroll, -by, model.messages.len());
            return;
        }
        Some(Overlay::Detail { .. }) => {
            model.lists.timeline = step(model.lists.timeline, by, timeline_len);
            return;
        }
        Some(_) => return,
        None => {}
    }
    match model.tab {
        Tab::Developers if !model.developers.filtering => {
            let t = &mut model.developers;
            let selected = step(t.selected(), by, t.rows.len());
            t.state.select(Some(selected));
            clamp_scroll(model);
        }
        Tab::Cost => {
            let len = model.cost_ranking().len();
            model.lists.cost_people = step(model.lists.cost_people, by, len);
        }
        Tab::ClaudeCode => {
            let len = model.data().map_or(0, |d| d.developers.len());
            model.lists.leaders = step(model.lists.leaders, by, len);
        }
        Tab::Status => {
            model.lists.requests = step(model.lists.requests, by, model.requests.len());
        }
        _ => {}
    }
}

/// Keeps the highlighted row of the Developers table on screen.
pub(super) fn clamp_scroll(model: &mut Model) {
    let height = table_height(model.size);
    let t = &mut model.developers;
    let (selected, mut offset) = (t.selected(), t.offset());
    if selected < offset {
        offset = selected;
    } else if selected >= offset + height {
        offset = selected + 1 - height;
    }
    *t.state.offset_mut() = offset.min(t.rows.len().saturating_sub(height));
}
