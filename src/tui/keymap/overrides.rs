//! The config's `[keys]` table: action names mapped to keys, applied over the built-in table,
//! with every bad or conflicting entry refused with advice (never dropped silently).

use std::borrow::Cow;
use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyModifiers};
use serde::Deserialize;

use super::{Binding, CTRL, NONE, SHIFT, Scope};
use crate::tui::action::Action;

/// `[keys]` as written: action name → one key or a list of keys.
pub type KeyOverrides = BTreeMap<String, KeySpec>;

/// One action's keys in the config: `quit = "x"` or `down = ["n", "Down"]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    /// The keys as written, one or several.
    pub fn texts(&self) -> &[String] {
        match self {
            KeySpec::One(text) => std::slice::from_ref(text),
            KeySpec::Many(texts) => texts,
        }
    }
}

/// The named keys `[keys]` accepts besides single characters and `Ctrl-<character>`.
const NAMED: &str = "Enter, Esc, Tab, Shift-Tab, Backspace, Space, Up, Down, Left, Right, \
                     Home, End, PgUp, PgDn, Insert, Delete, F1 to F12";

/// An override that cannot be used, worded as advice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyOverrideError {
    #[error("[keys] {action:?} is not an action; the actions are {known}")]
    UnknownAction { action: String, known: String },
    #[error(
        "[keys] {action} = {key:?} is not a key; write one character (\"x\", \"E\"), \
         Ctrl-<character> or one of {NAMED}"
    )]
    BadKey { action: String, key: String },
    #[error("[keys] {action} has no key; give it at least one")]
    NoKey { action: String },
    #[error("[keys] {action} = {key:?}: Ctrl-C always quits; choose another key for {action}")]
    Reserved { action: String, key: String },
    #[error(
        "[keys] {action} = {key:?}: {key} is already the key of {other}; choose another key \
         for {action}, or give {other} a different key in [keys] as well"
    )]
    Conflict {
        action: String,
        key: String,
        other: &'static str,
    },
}

/// A key as written in the config, and the presses it stands for.
struct ParsedKey {
    text: String,
    presses: Vec<(KeyCode, KeyModifiers)>,
    label: String,
}

/// The built-in table with `overrides` applied, or the first override that cannot be used.
pub(super) fn apply(
    mut table: Vec<Binding>,
    overrides: &KeyOverrides,
) -> Result<Vec<Binding>, KeyOverrideError> {
    let mut changed = Vec::new();
    for (action, spec) in overrides {
        let Some(index) = table
            .iter()
            .position(|b| !b.name.is_empty() && b.name == action.as_str())
        else {
            let known: Vec<&str> = table
                .iter()
                .map(|b| b.name)
                .filter(|n| !n.is_empty())
                .collect();
            return Err(KeyOverrideError::UnknownAction {
                action: action.clone(),
                known: known.join(", "),
            });
        };
        let keys = spec
            .texts()
            .iter()
            .map(|text| parse_key(action, text))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(KeyOverrideError::NoKey {
                action: action.clone(),
            });
        }
        let binding = &mut table[index];
        let mut presses: Vec<_> = keys.iter().flat_map(|k| k.presses.clone()).collect();
        let mut labels: Vec<&str> = keys.iter().map(|k| k.label.as_str()).collect();
        // Ctrl-C quits whatever the table says, so the help keeps saying so.
        if binding.action == Action::Quit {
            presses.push((KeyCode::Char('c'), CTRL));
            labels.push("Ctrl-C");
        }
        binding.keys = Cow::Owned(presses);
        binding.label = Cow::Owned(labels.join("  "));
        changed.push((index, keys));
    }
    for (index, keys) in &changed {
        let binding = &table[*index];
        for key in keys {
            let taken = table.iter().enumerate().find(|(i, other)| {
                i != index
                    && overlap(binding.scope, other.scope)
                    && key.presses.iter().any(|p| other.keys.contains(p))
            });
            if let Some((_, other)) = taken {
                return Err(KeyOverrideError::Conflict {
                    action: binding.name.to_owned(),
                    key: key.text.clone(),
                    other: other.name,
                });
            }
        }
    }
    Ok(table)
}

/// Whether two scopes can take keys at the same time. The picker stands in front of the
/// dashboard's keys on purpose (its `m` and `3` shadow the tabs), so it overlaps only itself.
fn overlap(a: Scope, b: Scope) -> bool {
    let dashboard = |s| matches!(s, Scope::Global | Scope::Lists | Scope::Developers);
    a == b || (dashboard(a) && dashboard(b))
}

/// `x`, `E`, `?`, `Ctrl-x`, `Enter`, `PgDn`, `F5` …; named keys in any case.
fn parse_key(action: &str, text: &str) -> Result<ParsedKey, KeyOverrideError> {
    let bad = || KeyOverrideError::BadKey {
        action: action.to_owned(),
        key: text.to_owned(),
    };
    let parsed = |presses, label: String| ParsedKey {
        text: text.to_owned(),
        presses,
        label,
    };
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_control() || c == ' ' {
            return Err(bad());
        }
        // Terminals report capitals and shifted symbols with or without SHIFT.
        let presses = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            vec![(KeyCode::Char(c), NONE)]
        } else {
            vec![(KeyCode::Char(c), NONE), (KeyCode::Char(c), SHIFT)]
        };
        return Ok(parsed(presses, c.to_string()));
    }
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("ctrl+"))
    {
        let mut chars = rest.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(bad());
        };
        if !c.is_ascii_alphanumeric() {
            return Err(bad());
        }
        if c == 'c' {
            return Err(KeyOverrideError::Reserved {
                action: action.to_owned(),
                key: text.to_owned(),
            });
        }
        let label = format!("Ctrl-{}", c.to_ascii_uppercase());
        return Ok(parsed(vec![(KeyCode::Char(c), CTRL)], label));
    }
    let (code, label) = match lower.as_str() {
        "enter" | "return" => (KeyCode::Enter, "Enter"),
        "esc" | "escape" => (KeyCode::Esc, "Esc"),
        "tab" => (KeyCode::Tab, "Tab"),
        "shift-tab" | "backtab" => (KeyCode::BackTab, "Shift-Tab"),
        "backspace" => (KeyCode::Backspace, "Backspace"),
        "space" => (KeyCode::Char(' '), "Space"),
        "up" => (KeyCode::Up, "↑"),
        "down" => (KeyCode::Down, "↓"),
        "left" => (KeyCode::Left, "←"),
        "right" => (KeyCode::Right, "→"),
        "home" => (KeyCode::Home, "Home"),
        "end" => (KeyCode::End, "End"),
        "pgup" | "pageup" => (KeyCode::PageUp, "PgUp"),
        "pgdn" | "pagedown" => (KeyCode::PageDown, "PgDn"),
        "insert" | "ins" => (KeyCode::Insert, "Ins"),
        "delete" | "del" => (KeyCode::Delete, "Del"),
        _ => {
            let n = lower
                .strip_prefix('f')
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=12).contains(n))
                .ok_or_else(bad)?;
            return Ok(parsed(vec![(KeyCode::F(n), NONE)], format!("F{n}")));
        }
    };
    // Shift-Tab arrives as BackTab with or without SHIFT, as in the built-in table.
    let presses = if code == KeyCode::BackTab {
        vec![(code, NONE), (code, SHIFT)]
    } else {
        vec![(code, NONE)]
    };
    Ok(parsed(presses, label.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::bindings;

    #[test]
    fn the_built_in_table_has_unique_names_and_no_conflicts() {
        let table = bindings();
        let mut names: Vec<&str> = table
            .iter()
            .map(|b| b.name)
            .filter(|n| !n.is_empty())
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "every action name is unique");
        // Re-stating every default is accepted: the defaults do not conflict.
        let same: KeyOverrides = [("quit", "q"), ("sort", "s"), ("range_7d", "7")]
            .into_iter()
            .map(|(a, k)| (a.to_owned(), KeySpec::One(k.to_owned())))
            .collect();
        assert!(apply(table, &same).is_ok());
    }

    #[test]
    fn keys_parse_as_written() {
        let p = |t| parse_key("quit", t).map(|k| (k.presses, k.label));
        assert_eq!(
            p("x"),
            Ok((vec![(KeyCode::Char('x'), NONE)], "x".to_owned()))
        );
        assert_eq!(
            p("ctrl-x"),
            Ok((vec![(KeyCode::Char('x'), CTRL)], "Ctrl-X".to_owned()))
        );
        assert_eq!(
            p("PgDn"),
            Ok((vec![(KeyCode::PageDown, NONE)], "PgDn".to_owned()))
        );
        assert_eq!(p("f5"), Ok((vec![(KeyCode::F(5), NONE)], "F5".to_owned())));
        assert!(p("F13").is_err());
        assert!(p("xy").is_err());
        assert!(p("").is_err());
        assert!(matches!(
            parse_key("export", "Ctrl-C"),
            Err(KeyOverrideError::Reserved { .. })
        ));
    }
}
