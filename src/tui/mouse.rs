//! The mouse: a click on a tab opens it, a click on a row of the Developers table highlights
//! it (a click on the highlighted row opens it), the wheel moves through the list on screen.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::action::{Action, Tab};
use super::model::Model;
use super::ui::tab_at;
use super::update::table_height;

/// The first row of the Developers table on screen: under the tab bar, the pane's border and
/// the table's header.
const FIRST_ROW: u16 = 3;

/// The action for a mouse event in the model's current state, if any.
pub fn action_for(model: &Model, event: MouseEvent) -> Option<Action> {
    if model.wizard.is_some() {
        return None;
    }
    match event.kind {
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::Down(MouseButton::Left) if event.row == 0 => {
            tab_at(model, model.size.0, event.column).map(Action::GoTab)
        }
        MouseEventKind::Down(MouseButton::Left)
            if model.tab == Tab::Developers && model.overlay.is_none() =>
        {
            let row = usize::from(event.row.checked_sub(FIRST_ROW)?);
            let t = &model.developers;
            let index = t.offset() + row;
            if row >= table_height(model.size) || index >= t.rows.len() {
                return None;
            }
            Some(if index == t.selected() {
                Action::Confirm
            } else {
                Action::Select(index)
            })
        }
        _ => None,
    }
}
