//! The one key table: it maps key presses to actions and generates the help overlay. The
//! defaults are static data (`table`); the config's `[keys]` overrides apply over them
//! (`overrides`).

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod overrides;
mod table;
mod wizard;

use super::action::{Action, Tab};
use super::model::{Model, Overlay};
use super::wizard::Panel;
pub use overrides::{KeyOverrideError, KeyOverrides, KeySpec};
pub use table::bindings;
use wizard::wizard_action;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere (unless text is being typed).
    Global,
    /// Wherever a list is shown: the Developers table, Cost by person, the leaderboards, the
    /// requests, a person's timeline and the message log.
    Lists,
    /// On the Developers tab.
    Developers,
    /// In the date range picker.
    Picker,
    /// On one panel of the key setup wizard.
    Wizard(Panel),
}

impl Scope {
    /// The help overlay's section heading.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Lists => "Lists",
            Scope::Developers => "Developers",
            Scope::Picker => "Date range picker (d)",
            Scope::Wizard(_) => "Key setup (K)",
        }
    }
}

/// One line of the key table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The action's name in the config's `[keys]` table (`quit`, `export`); empty for the
    /// wizard's keys, which are not overridable.
    pub name: &'static str,
    pub keys: Cow<'static, [(KeyCode, KeyModifiers)]>,
    /// How the help overlay names the keys.
    pub label: Cow<'static, str>,
    pub action: Action,
    pub scope: Scope,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// The key table in use: the built-in defaults with the config's `[keys]` overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable {
    bindings: Vec<Binding>,
}

impl Default for KeyTable {
    fn default() -> Self {
        KeyTable {
            bindings: bindings(),
        }
    }
}

impl KeyTable {
    /// The defaults with `overrides` applied; a bad or conflicting override is refused, never
    /// dropped.
    pub fn with_overrides(overrides: &KeyOverrides) -> Result<KeyTable, KeyOverrideError> {
        overrides::apply(bindings(), overrides).map(|bindings| KeyTable { bindings })
    }

    /// Every binding, in the order the help overlay lists them.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }
}

/// Whether a key press is one of a binding's keys.
fn matches(binding: &Binding, key: &KeyEvent) -> bool {
    binding
        .keys
        .iter()
        .any(|&(code, mods)| code == key.code && mods == key.modifiers)
}

/// The action for a key press in the model's current state, if any. Text being typed (the
/// filter, a custom range) takes every printable key first.
pub fn action_for(model: &Model, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(CTRL) {
        return Some(Action::Quit);
    }
    if let Some(wizard) = &model.wizard {
        return wizard_action(wizard.panel(), key);
    }
    let typing = model.developers.filtering
        || matches!(
            model.overlay,
            Some(Overlay::RangePicker {
                custom: Some(_),
                ..
            })
        );
    if typing {
        return match key.code {
            KeyCode::Enter => Some(Action::Confirm),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Char(c) => Some(Action::Input(c)),
            _ => None,
        };
    }
    let in_picker = matches!(model.overlay, Some(Overlay::RangePicker { .. }));
    let list_shown = match model.overlay {
        Some(Overlay::Detail { .. } | Overlay::Messages { .. }) => true,
        Some(_) => false,
        None => matches!(
            model.tab,
            Tab::Developers | Tab::Cost | Tab::ClaudeCode | Tab::Status
        ),
    };
    let mut scopes = Vec::new();
    if in_picker {
        scopes.push(Scope::Picker);
    }
    if list_shown {
        scopes.push(Scope::Lists);
    }
    if model.tab == Tab::Developers && !in_picker {
        scopes.push(Scope::Developers);
    }
    scopes.push(Scope::Global);
    let table = model.keys.bindings();
    scopes.iter().find_map(|scope| {
        table
            .iter()
            .filter(|b| b.scope == *scope)
            .find(|b| matches(b, &key))
            .map(|b| b.action.clone())
    })
}
