//! The key setup wizard's part of the key table, panel by panel, and how it takes keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use std::borrow::Cow;

use super::{Binding, CTRL, NONE, Scope, bindings, matches};
use crate::tui::action::Action;
use crate::tui::wizard::{Panel, WizardAction};

/// The wizard's keys, panel by panel; its footer is generated from them.
pub(super) fn wizard_bindings() -> Vec<Binding> {
    use KeyCode::{Char, Enter, Esc};
    let b = |keys, label, action, panel, help| Binding {
        name: "",
        keys: Cow::Borrowed(keys),
        label: Cow::Borrowed(label),
        action,
        scope: Scope::Wizard(panel),
        help,
    };
    vec![
        b(
            &[(Enter, NONE)],
            "Enter",
            Action::Confirm,
            Panel::Field,
            "verify",
        ),
        b(
            &[(Char('r'), CTRL)],
            "Ctrl-R",
            Action::Wizard(WizardAction::ToggleReveal),
            Panel::Field,
            "show/hide",
        ),
        b(
            &[(Char('u'), CTRL)],
            "Ctrl-U",
            Action::Wizard(WizardAction::Clear),
            Panel::Field,
            "clear",
        ),
        b(&[(Esc, NONE)], "Esc", Action::Back, Panel::Field, "back"),
        b(
            &[(Esc, NONE)],
            "Esc",
            Action::Back,
            Panel::Verifying,
            "cancel",
        ),
        b(
            &[(Char('r'), NONE)],
            "r",
            Action::Refresh,
            Panel::Failed,
            "re-test the same key",
        ),
        b(
            &[(Esc, NONE), (Char('e'), NONE)],
            "Esc",
            Action::Back,
            Panel::Failed,
            "edit the key",
        ),
        b(
            &[(Char('y'), NONE)],
            "y",
            Action::Wizard(WizardAction::Consent(true)),
            Panel::Consent,
            "store it in the file",
        ),
        b(
            &[(Char('n'), NONE), (Esc, NONE)],
            "n",
            Action::Wizard(WizardAction::Consent(false)),
            Panel::Consent,
            "don't store it (this session only)",
        ),
        b(
            &[(Enter, NONE)],
            "Enter",
            Action::Confirm,
            Panel::Done,
            "open the dashboard",
        ),
        b(
            &[(Enter, NONE)],
            "Enter",
            Action::Confirm,
            Panel::Manage,
            "new key",
        ),
        b(
            &[(Char('x'), NONE)],
            "x",
            Action::Wizard(WizardAction::Remove),
            Panel::Manage,
            "remove the stored key",
        ),
        b(
            &[(Esc, NONE)],
            "Esc",
            Action::Back,
            Panel::Manage,
            "dashboard",
        ),
    ]
}

/// The wizard takes every key while it is open: its panel's bindings, typing in the key
/// field, and `q` to quit elsewhere.
pub(super) fn wizard_action(panel: Panel, key: KeyEvent) -> Option<Action> {
    let found = bindings()
        .into_iter()
        .find(|b| b.scope == Scope::Wizard(panel) && matches(b, &key));
    if let Some(binding) = found {
        return Some(binding.action);
    }
    let plain = !key.modifiers.intersects(CTRL | KeyModifiers::ALT);
    match (panel, key.code) {
        (Panel::Field, KeyCode::Char(c)) if plain => Some(Action::Input(c)),
        (Panel::Field, KeyCode::Backspace) => Some(Action::Backspace),
        (Panel::Field, _) => None,
        (_, KeyCode::Char('q')) if plain => Some(Action::Quit),
        _ => None,
    }
}
