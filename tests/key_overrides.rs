//! Key overrides from the config file's `[keys]` table: what parses, what is refused with
//! advice, and that an overridden key both does its action and shows in the help overlay.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod dashboard_common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use topogy::config::Config;
use topogy::metrics::RangePreset;
use topogy::tui::action::{Action, Tab};
use topogy::tui::keymap::{KeyOverrideError, KeySpec, KeyTable, action_for};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::Theme;
use topogy::tui::update::update;

use dashboard_common::{TODAY, draw, now, screen_text};

const OVERRIDES: &str = r#"
[keys]
quit = "x"
export = "E"
down = ["n", "Down"]
"#;

fn table(text: &str) -> Result<KeyTable, KeyOverrideError> {
    let config: Config = toml::from_str(text).unwrap();
    KeyTable::with_overrides(&config.keys)
}

/// The refusal `topogy` prints at start for a config text.
fn refusal(text: &str) -> String {
    Config::parse(text).expect_err("the override is refused")
}

fn model_with(text: &str) -> Model {
    let mut model = Model::new(DateRange::preset(RangePreset::Days(30), TODAY), now());
    model.keys = Config::parse(text)
        .map(|c| KeyTable::with_overrides(&c.keys))
        .unwrap()
        .unwrap();
    model
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn good_overrides_parse_and_keep_every_other_key() {
    let config = Config::parse(OVERRIDES).unwrap();
    assert_eq!(config.keys.get("quit"), Some(&KeySpec::One("x".to_owned())));
    let keys = table(OVERRIDES).unwrap();
    let label = |name: &str| {
        keys.bindings()
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.label.to_string())
    };
    assert_eq!(
        label("quit").as_deref(),
        Some("x  Ctrl-C"),
        "Ctrl-C always quits"
    );
    assert_eq!(label("export").as_deref(), Some("E"));
    assert_eq!(label("down").as_deref(), Some("n  ↓"));
    assert_eq!(label("refresh").as_deref(), Some("r"), "untouched");
    // No [keys] table is the built-in table.
    assert_eq!(table("").unwrap(), KeyTable::default());
}

#[test]
fn an_unknown_action_is_refused_with_the_actions_named() {
    let text = refusal("[keys]\nexplode = \"x\"");
    assert!(
        text.starts_with("[keys] \"explode\" is not an action; the actions are quit, help,"),
        "{text}"
    );
    assert!(text.contains("range_mtd"), "{text}");
}

#[test]
fn a_bad_key_is_refused_with_the_spellings() {
    assert_eq!(
        table("[keys]\nquit = \"xy\""),
        Err(KeyOverrideError::BadKey {
            action: "quit".to_owned(),
            key: "xy".to_owned()
        })
    );
    let text = refusal("[keys]\nrefresh = \"F13\"");
    assert!(
        text.contains("refresh = \"F13\" is not a key; write one character"),
        "{text}"
    );
    assert!(table("[keys]\nquit = []").is_err(), "an action needs a key");
    let text = refusal("[keys]\nexport = \"ctrl-c\"");
    assert!(text.contains("Ctrl-C always quits"), "{text}");
}

#[test]
fn a_conflicting_key_is_refused_naming_the_action_that_has_it() {
    // `r` is refresh's key by default.
    assert_eq!(
        table("[keys]\nexport = \"r\""),
        Err(KeyOverrideError::Conflict {
            action: "export".to_owned(),
            key: "r".to_owned(),
            other: "refresh",
        })
    );
    assert_eq!(
        refusal("[keys]\nexport = \"r\""),
        "[keys] export = \"r\": r is already the key of refresh; choose another key for \
         export, or give refresh a different key in [keys] as well"
    );
    // Lists and Global keys are live together on the Developers tab.
    assert!(table("[keys]\nquit = \"j\"").is_err());
    // Two overrides onto one key.
    assert!(table("[keys]\nquit = \"x\"\nexport = \"x\"").is_err());
    // Moving refresh away frees `r` for export.
    assert!(table("[keys]\nexport = \"r\"\nrefresh = \"R\"").is_ok());
    // The picker stands in front of the dashboard keys, as its `m` and `3` already do.
    assert!(table("[keys]\nrange_7d = \"q\"").is_ok());
}

#[test]
fn an_overridden_key_does_its_action_and_the_old_one_does_nothing() {
    let mut model = model_with(OVERRIDES);
    assert_eq!(
        action_for(&model, press(KeyCode::Char('q'), KeyModifiers::NONE)),
        None
    );
    let export = action_for(&model, press(KeyCode::Char('E'), KeyModifiers::SHIFT));
    assert_eq!(export, Some(Action::Export));
    update(&mut model, export.unwrap());
    assert_eq!(
        model.flash.as_ref().map(|(text, _)| text.as_str()),
        Some("nothing to export yet"),
        "export ran"
    );
    update(&mut model, Action::GoTab(Tab::Developers));
    assert_eq!(
        action_for(&model, press(KeyCode::Char('n'), KeyModifiers::NONE)),
        Some(Action::Down)
    );
    let quit = action_for(&model, press(KeyCode::Char('x'), KeyModifiers::NONE));
    assert_eq!(quit, Some(Action::Quit));
    update(&mut model, quit.unwrap());
    assert!(model.quit);
    // Ctrl-C quits whatever the table says.
    let model = model_with(OVERRIDES);
    assert_eq!(
        action_for(&model, press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
}

#[test]
fn the_help_overlay_shows_the_overridden_keys() {
    let mut model = model_with(OVERRIDES);
    update(&mut model, Action::ToggleHelp);
    let terminal = draw(&mut model, (80, 24), &Theme::mono());
    let text = screen_text(&terminal);
    assert!(text.contains("│x  Ctrl-C  quit "), "{text}");
    assert!(text.contains("│E          export this view"), "{text}");
    assert!(
        !text.contains("q  Ctrl-C"),
        "the old quit keys are gone: {text}"
    );
    insta::assert_snapshot!("help_with_key_overrides_80x24", terminal.backend());
}
