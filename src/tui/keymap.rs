//! The one key table: it maps key presses to actions and generates the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod wizard;

use super::action::{Action, Tab};
use super::model::{Model, Overlay};
use super::wizard::Panel;
use crate::metrics::RangePreset;
use wizard::{wizard_action, wizard_bindings};

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
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the help overlay names the keys.
    pub label: &'static str,
    pub action: Action,
    pub scope: Scope,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// The key table, in the order the help overlay lists it.
pub fn bindings() -> Vec<Binding> {
    use KeyCode::{
        BackTab, Char, Down, End, Enter, Esc, Home, PageDown, PageUp, Tab as TabKey, Up,
    };
    let b = |keys, label, action, scope, help| Binding {
        keys,
        label,
        action,
        scope,
        help,
    };
    let mut table = vec![
        b(
            &[(Char('q'), NONE), (Char('c'), CTRL)],
            "q  Ctrl-C",
            Action::Quit,
            Scope::Global,
            "quit",
        ),
        b(
            &[(Char('?'), NONE), (Char('?'), SHIFT)],
            "?",
            Action::ToggleHelp,
            Scope::Global,
            "show or hide this help",
        ),
        b(
            &[(Char('m'), NONE)],
            "m",
            Action::ToggleMessages,
            Scope::Global,
            "message log",
        ),
        b(
            &[(Char('1'), NONE)],
            "1",
            Action::GoTab(Tab::Overview),
            Scope::Global,
            "Overview",
        ),
        b(
            &[(Char('2'), NONE)],
            "2",
            Action::GoTab(Tab::Developers),
            Scope::Global,
            "Developers",
        ),
        b(
            &[(Char('3'), NONE)],
            "3",
            Action::GoTab(Tab::ClaudeCode),
            Scope::Global,
            "Claude Code",
        ),
        b(
            &[(Char('4'), NONE)],
            "4",
            Action::GoTab(Tab::Cost),
            Scope::Global,
            "Cost",
        ),
        b(
            &[(Char('5'), NONE)],
            "5",
            Action::GoTab(Tab::Adoption),
            Scope::Global,
            "Adoption",
        ),
        b(
            &[(Char('6'), NONE)],
            "6",
            Action::GoTab(Tab::Status),
            Scope::Global,
            "Status",
        ),
        b(
            &[(TabKey, NONE)],
            "Tab",
            Action::NextTab,
            Scope::Global,
            "next tab",
        ),
        b(
            &[(BackTab, NONE), (BackTab, SHIFT)],
            "Shift-Tab",
            Action::PrevTab,
            Scope::Global,
            "previous tab",
        ),
        b(
            &[(Char('d'), NONE)],
            "d",
            Action::OpenRangePicker,
            Scope::Global,
            "pick the date range",
        ),
        b(
            &[(Char('r'), NONE)],
            "r",
            Action::Refresh,
            Scope::Global,
            "refresh now (re-test a refused key)",
        ),
        b(
            &[(Char('e'), NONE)],
            "e",
            Action::Export,
            Scope::Global,
            "export this view to CSV",
        ),
        b(
            &[(Char('K'), SHIFT), (Char('K'), NONE)],
            "K",
            Action::OpenWizard,
            Scope::Global,
            "replace or remove the key",
        ),
        b(
            &[(Esc, NONE)],
            "Esc",
            Action::Back,
            Scope::Global,
            "close / clear",
        ),
        b(
            &[(Char('j'), NONE), (Down, NONE)],
            "j  ↓",
            Action::Down,
            Scope::Lists,
            "next row",
        ),
        b(
            &[(Char('k'), NONE), (Up, NONE)],
            "k  ↑",
            Action::Up,
            Scope::Lists,
            "previous row",
        ),
        b(
            &[(PageDown, NONE)],
            "PgDn",
            Action::PageDown,
            Scope::Lists,
            "page down",
        ),
        b(
            &[(PageUp, NONE)],
            "PgUp",
            Action::PageUp,
            Scope::Lists,
            "page up",
        ),
        b(
            &[(Char('g'), NONE), (Home, NONE)],
            "g  Home",
            Action::Top,
            Scope::Lists,
            "first row",
        ),
        b(
            &[(Char('G'), SHIFT), (Char('G'), NONE), (End, NONE)],
            "G  End",
            Action::Bottom,
            Scope::Lists,
            "last row",
        ),
        b(
            &[(Char('y'), NONE)],
            "y",
            Action::Copy,
            Scope::Lists,
            "copy e-mail or request id",
        ),
        b(
            &[(Char('/'), NONE)],
            "/",
            Action::StartFilter,
            Scope::Developers,
            "filter by e-mail",
        ),
        b(
            &[(Char('s'), NONE)],
            "s",
            Action::SortNext,
            Scope::Developers,
            "sort by the next column",
        ),
        b(
            &[(Char('S'), SHIFT), (Char('S'), NONE)],
            "S",
            Action::SortReverse,
            Scope::Developers,
            "reverse the sort",
        ),
        b(
            &[(Char('c'), NONE)],
            "c",
            Action::ToggleColumns,
            Scope::Developers,
            "extra columns on/off",
        ),
        b(
            &[(Enter, NONE)],
            "Enter",
            Action::Confirm,
            Scope::Lists,
            "open the person's timeline",
        ),
        b(
            &[(Char('7'), NONE)],
            "7",
            Action::PickRange(RangePreset::Days(7)),
            Scope::Picker,
            "last 7 days",
        ),
        b(
            &[(Char('3'), NONE)],
            "3",
            Action::PickRange(RangePreset::Days(30)),
            Scope::Picker,
            "last 30 days",
        ),
        b(
            &[(Char('9'), NONE)],
            "9",
            Action::PickRange(RangePreset::Days(90)),
            Scope::Picker,
            "last 90 days",
        ),
        b(
            &[(Char('y'), NONE)],
            "y",
            Action::PickRange(RangePreset::Days(365)),
            Scope::Picker,
            "last 365 days",
        ),
        b(
            &[(Char('m'), NONE)],
            "m",
            Action::PickRange(RangePreset::MonthToDate),
            Scope::Picker,
            "month to date",
        ),
        b(
            &[(Char('c'), NONE)],
            "c",
            Action::CustomRange,
            Scope::Picker,
            "custom: type two dates",
        ),
    ];
    table.extend(wizard_bindings());
    table
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
    let table = bindings();
    scopes.iter().find_map(|scope| {
        table
            .iter()
            .filter(|b| b.scope == *scope)
            .find(|b| {
                b.keys
                    .iter()
                    .any(|&(code, mods)| code == key.code && mods == key.modifiers)
            })
            .map(|b| b.action.clone())
    })
}
