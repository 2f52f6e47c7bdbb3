//! The key setup wizard without a terminal: its update sequences (commands asked of the app
//! loop, answers fed back), the keys it takes, revocation while running, and `TestBackend`
//! snapshots of every state at 80×24 and 120×40. Verification answers come from the real
//! client talking to in-test simulators, one per failure.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use topogy::api::{ApiError, Client, UnreachableKind};
use topogy::cli::Cli;
use topogy::credentials::{ApiKey, KeySource, SecretText};
use topogy::diagnose::{OrgIdentity, identify, quick_config};
use topogy::metrics::RangePreset;
use topogy::sim::{self, Fault, SimConfig};
use topogy::tui::action::{Action, SyncResult};
use topogy::tui::keymap::action_for;
use topogy::tui::model::{Connection, DateRange, Model};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::{Command, update};
use topogy::tui::wizard::{
    Failure, KeyCommand, Panel, Stage, StoreFailure, Stored, Wizard, WizardAction,
};

/// Shaped like an Analytics key (100 characters) and unmistakable in any output.
const CANARY: &str = "sk-ant-api01-CANARYxKEYxNEVERxPRINTxME0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ADMIN: &str = "sk-ant-admin01-CANARYxADMINxKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123";
const KEY_FILE: &str = "~/.config/topogy/default/key";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 25) {
    Some(d) => d,
    None => panic!("valid date"),
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

/// A dashboard with no key yet: the wizard's first screen.
fn first_run() -> Model {
    let mut model = Model::new(DateRange::preset(RangePreset::Days(30), TODAY), now());
    model.source = "https://api.anthropic.com".to_owned();
    model.key.key_file = KEY_FILE.to_owned();
    model.wizard = Some(Wizard::first_run(false, KEY_FILE.to_owned()));
    model
}

fn wizard(model: &Model) -> &Wizard {
    model.wizard.as_ref().expect("the wizard is open")
}

fn paste(model: &mut Model, text: &str) -> Vec<Command> {
    update(model, Action::Paste(SecretText::new(text)))
}

/// Presses Enter on the field; returns the verification the app loop is asked to run.
fn confirm(model: &mut Model) -> (u64, ApiKey, Vec<topogy::credentials::Finding>) {
    let commands = update(model, Action::Confirm);
    match commands.as_slice() {
        [
            Command::Key(KeyCommand::Verify {
                attempt,
                key,
                findings,
            }),
        ] => (*attempt, key.clone(), findings.clone()),
        other => panic!("expected one verification, got {other:?}"),
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

#[allow(clippy::result_large_err)] // the same Result the app loop sends in the action
/// What the app loop does for a verification: the real client (with the app's settings)
/// against a simulator with `fault` that accepts only `valid_key`.
fn probe(
    valid_key: &str,
    fault: Option<Fault>,
    key: ApiKey,
    findings: &[topogy::credentials::Finding],
) -> Result<OrgIdentity, Failure> {
    runtime().block_on(async {
        let sim = sim::spawn(SimConfig {
            users: 30,
            today: TODAY,
            fault,
            valid_key: valid_key.to_owned(),
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let settings = Cli::try_parse_from(["topogy"]).unwrap().global.settings();
        let client = Client::new(key, quick_config(&settings, &sim.base_url())).unwrap();
        let result = identify(&client, TODAY).await;
        sim.shutdown();
        result.map_err(|e| Failure::from_error(&e, findings))
    })
}

/// Pastes `text`, presses Enter and feeds back the simulator's answer.
fn verify_against(valid_key: &str, fault: Option<Fault>, text: &str) -> (Model, Vec<Command>) {
    let mut model = first_run();
    paste(&mut model, text);
    let (attempt, key, findings) = confirm(&mut model);
    let result = probe(valid_key, fault, key, &findings);
    let commands = update(
        &mut model,
        Action::Wizard(WizardAction::Verified { attempt, result }),
    );
    (model, commands)
}

fn draw(model: &mut Model, (width, height): (u16, u16)) -> Terminal<TestBackend> {
    update(model, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(model, &Theme::mono(), frame))
        .unwrap();
    terminal
}

/// Snapshots `model` at both sizes, and proves neither the key nor any part of it is drawn.
fn snapshot(name: &str, model: &Model) {
    for size in SIZES {
        let mut model = model.clone();
        let terminal = draw(&mut model, size);
        let shown = terminal.backend().to_string();
        assert!(!shown.contains("CANARY"), "{name} shows the key:\n{shown}");
        assert!(!format!("{model:?}").contains("CANARY"), "{name}: Debug");
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), terminal.backend());
    }
}

fn press(model: &Model, code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
    action_for(model, KeyEvent::new(code, modifiers))
}

// ----- update sequences ---------------------------------------------------------------------

#[test]
fn a_pasted_key_is_checked_locally_verified_stored_after_consent_and_handed_over() {
    let (mut model, commands) = verify_against(CANARY, None, &format!("  {CANARY}\n"));
    // Verified: the field is emptied; the keychain is tried first.
    assert!(wizard(&model).field.is_empty());
    assert_eq!(
        commands,
        vec![Command::Key(KeyCommand::Store {
            key: ApiKey::new(CANARY),
            allow_file: false
        })]
    );
    let Stage::Storing { identity, .. } = &wizard(&model).stage else {
        panic!("storing: {:?}", wizard(&model).stage)
    };
    assert!(
        identity
            .organization_id
            .as_deref()
            .unwrap()
            .starts_with("org_")
    );
    assert_eq!(identity.seats, Some(30));
    assert!(identity.people.unwrap() > 0);
    assert!(identity.top_domain.is_some());
    // No keychain: ask before writing a file.
    update(
        &mut model,
        Action::Wizard(WizardAction::Stored(Err(StoreFailure::NeedsConsent(
            "no Secret Service".to_owned(),
        )))),
    );
    assert_eq!(wizard(&model).panel(), Panel::Consent);
    assert_eq!(
        update(&mut model, Action::Wizard(WizardAction::Consent(true))),
        vec![Command::Key(KeyCommand::Store {
            key: ApiKey::new(CANARY),
            allow_file: true
        })]
    );
    let commands = update(
        &mut model,
        Action::Wizard(WizardAction::Stored(Ok(Stored::File(KEY_FILE.to_owned())))),
    );
    assert_eq!(
        commands,
        vec![Command::Key(KeyCommand::Connect {
            key: ApiKey::new(CANARY),
            source: KeySource::KeyFile
        })]
    );
    assert_eq!(wizard(&model).panel(), Panel::Done);
    // The loop started the session: the dashboard syncs with the new key.
    let fingerprint = ApiKey::new(CANARY).fingerprint();
    let commands = update(
        &mut model,
        Action::Wizard(WizardAction::Connected {
            key_source: format!("the owner-only key file · {fingerprint}"),
            fingerprint: fingerprint.clone(),
        }),
    );
    // It reads the new key's store first: another organization's data is never kept.
    assert!(
        matches!(
            commands.as_slice(),
            [Command::Load { coverage: None, .. }, Command::Sync(..), ..]
        ),
        "{commands:?}"
    );
    assert!(model.sync.refresh.is_running());
    assert_eq!(model.key.fingerprint, fingerprint);
    // Enter opens the dashboard.
    update(&mut model, Action::Confirm);
    assert!(model.wizard.is_none());
}

#[test]
fn declining_the_key_file_uses_the_key_for_this_session_only() {
    let (mut model, _) = verify_against(CANARY, None, CANARY);
    update(
        &mut model,
        Action::Wizard(WizardAction::Stored(Err(StoreFailure::NeedsConsent(
            "none".to_owned(),
        )))),
    );
    let commands = update(&mut model, Action::Wizard(WizardAction::Consent(false)));
    assert_eq!(
        commands,
        vec![Command::Key(KeyCommand::Connect {
            key: ApiKey::new(CANARY),
            source: KeySource::Wizard
        })]
    );
    assert!(matches!(
        &wizard(&model).stage,
        Stage::Done {
            stored: Stored::NotStored(_),
            ..
        }
    ));
}

#[test]
fn local_checks_stop_an_admin_key_before_any_request() {
    let mut model = first_run();
    paste(&mut model, ADMIN);
    assert_eq!(update(&mut model, Action::Confirm), vec![]);
    assert!(wizard(&model).blocked);
    assert_eq!(wizard(&model).panel(), Panel::Field);
    // Esc with no key in use keeps the wizard (there is no dashboard to go back to).
    update(&mut model, Action::Back);
    assert!(model.wizard.is_some());
}

#[test]
fn a_failure_can_be_retested_or_edited_and_a_cancelled_probe_is_ignored() {
    let (mut model, commands) = verify_against(sim::DEMO_KEY, None, CANARY);
    assert_eq!(commands, vec![]);
    let Stage::Failed { failure, .. } = &wizard(&model).stage else {
        panic!("{:?}", wizard(&model).stage)
    };
    assert_eq!(failure.cause, "key rejected");
    assert_eq!(failure.status, Some(404));
    assert!(failure.checklist.is_some());
    // r re-tests the same key.
    let commands = update(&mut model, Action::Refresh);
    let [Command::Key(KeyCommand::Verify { attempt, key, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_eq!((*attempt, key.clone()), (2, ApiKey::new(CANARY)));
    // Esc while verifying cancels; the late answer changes nothing.
    update(&mut model, Action::Back);
    assert_eq!(wizard(&model).panel(), Panel::Field);
    update(
        &mut model,
        Action::Wizard(WizardAction::Verified {
            attempt: 2,
            result: Ok(OrgIdentity::default()),
        }),
    );
    assert_eq!(wizard(&model).panel(), Panel::Field);
    // The field still holds the key (masked) for editing.
    assert_eq!(wizard(&model).field.expose(), CANARY);
}

#[test]
fn the_wizard_takes_the_keys_while_open() {
    let mut model = first_run();
    let plain = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    // Typing: q, r and K are text; Ctrl-C still quits; Ctrl-R reveals.
    assert_eq!(
        press(&model, KeyCode::Char('q'), plain),
        Some(Action::Input('q'))
    );
    assert_eq!(
        press(&model, KeyCode::Char('K'), KeyModifiers::SHIFT),
        Some(Action::Input('K'))
    );
    assert_eq!(press(&model, KeyCode::Char('c'), ctrl), Some(Action::Quit));
    assert_eq!(
        press(&model, KeyCode::Char('r'), ctrl),
        Some(Action::Wizard(WizardAction::ToggleReveal))
    );
    assert_eq!(press(&model, KeyCode::Enter, plain), Some(Action::Confirm));
    assert_eq!(
        press(&model, KeyCode::Char('1'), plain),
        Some(Action::Input('1'))
    );
    // On the failure panel: r re-tests, Esc edits, q quits, tab keys do nothing.
    if let Some(w) = model.wizard.as_mut() {
        w.stage = Stage::Failed {
            fingerprint: "fp:00000000".to_owned(),
            key: ApiKey::new(CANARY),
            failure: Failure::from_error(
                &ApiError::Unreachable {
                    kind: UnreachableKind::Connect,
                    detail: String::new(),
                },
                &[],
            ),
        };
    }
    assert_eq!(
        press(&model, KeyCode::Char('r'), plain),
        Some(Action::Refresh)
    );
    assert_eq!(press(&model, KeyCode::Esc, plain), Some(Action::Back));
    assert_eq!(press(&model, KeyCode::Char('q'), plain), Some(Action::Quit));
    assert_eq!(press(&model, KeyCode::Char('2'), plain), None);
    // On the dashboard, K opens it.
    model.wizard = None;
    assert_eq!(
        press(&model, KeyCode::Char('K'), KeyModifiers::SHIFT),
        Some(Action::OpenWizard)
    );
}

#[test]
fn typing_and_paste_edit_the_field_and_reveal_toggles() {
    let mut model = first_run();
    for c in "sk-ant".chars() {
        update(&mut model, Action::Input(c));
    }
    update(&mut model, Action::Backspace);
    assert_eq!(wizard(&model).field.expose(), "sk-an");
    update(&mut model, Action::Wizard(WizardAction::Clear));
    assert!(wizard(&model).field.is_empty());
    paste(&mut model, CANARY);
    assert_eq!(wizard(&model).field.expose(), CANARY);
    update(&mut model, Action::Wizard(WizardAction::ToggleReveal));
    assert!(wizard(&model).reveal);
    // On the dashboard a paste still types into the filter.
    let mut dashboard = Model::new(DateRange::preset(RangePreset::Days(30), TODAY), now());
    update(
        &mut dashboard,
        Action::GoTab(topogy::tui::action::Tab::Developers),
    );
    update(&mut dashboard, Action::StartFilter);
    paste(&mut dashboard, "acme\n");
    assert_eq!(dashboard.developers.filter, "acme");
}

/// A dashboard running with a key, as after a connected session's first sync.
fn connected() -> Model {
    let mut model = Model::new(DateRange::preset(RangePreset::Days(30), TODAY), now());
    model.source = "https://api.anthropic.com".to_owned();
    model.key.key_file = KEY_FILE.to_owned();
    let fingerprint = ApiKey::new(CANARY).fingerprint();
    update(
        &mut model,
        Action::Wizard(WizardAction::Connected {
            key_source: format!("the OS keychain · {fingerprint}"),
            fingerprint,
        }),
    );
    model
}

#[test]
fn revocation_while_running_stops_requests_and_the_wizard_is_one_key_away() {
    let mut model = connected();
    let job = model.sync.refresh.job().unwrap_or_default();
    update(
        &mut model,
        Action::SyncFinished(
            job,
            SyncResult::Rejected {
                cause: "Analytics API access is off".to_owned(),
                fixes: vec!["switch Access on".to_owned()],
            },
        ),
    );
    assert!(matches!(model.connection, Connection::Rejected { .. }));
    assert!(ui::connection_text(&model).0.contains("K new key"));
    for minutes in [15, 60, 600] {
        let later = now() + chrono::Duration::minutes(minutes);
        let commands = update(&mut model, Action::Tick(later));
        assert!(
            !commands.iter().any(|c| matches!(c, Command::Sync(..))),
            "{commands:?}"
        );
    }
    // K: straight to the field, saying why.
    update(&mut model, Action::OpenWizard);
    let w = wizard(&model);
    assert_eq!(w.panel(), Panel::Field);
    assert!(w.notice.as_deref().unwrap().contains("refused now"));
    assert!(w.current.is_some());
    // Esc goes back to the dashboard, which still shows its stored data.
    update(&mut model, Action::Back);
    assert!(model.wizard.is_none());
}

#[test]
fn manage_removes_the_stored_key_and_stops_the_session() {
    let mut model = connected();
    update(&mut model, Action::OpenWizard);
    assert_eq!(wizard(&model).panel(), Panel::Manage);
    assert_eq!(
        update(&mut model, Action::Wizard(WizardAction::Remove)),
        vec![Command::Key(KeyCommand::Remove)]
    );
    let commands = update(
        &mut model,
        Action::Wizard(WizardAction::Removed(Ok(vec![
            "the OS keychain".to_owned(),
        ]))),
    );
    assert_eq!(commands, vec![Command::Key(KeyCommand::Disconnect)]);
    let w = wizard(&model);
    assert_eq!(w.panel(), Panel::Field);
    assert!(w.current.is_none());
    assert!(
        w.notice
            .as_deref()
            .unwrap()
            .contains("removed the stored key")
    );
}

// ----- snapshots ----------------------------------------------------------------------------

#[test]
fn snapshots_of_the_field() {
    let mut model = first_run();
    snapshot("wizard_empty", &model);
    paste(&mut model, &format!("  {CANARY}\r\n"));
    snapshot("wizard_pasted_masked", &model);

    let mut short = first_run();
    paste(&mut short, &CANARY[..45]);
    snapshot("wizard_local_warning", &short);

    let mut admin = first_run();
    paste(&mut admin, ADMIN);
    update(&mut admin, Action::Confirm);
    snapshot("wizard_admin_key_blocked", &admin);

    confirm(&mut model);
    snapshot("wizard_verifying", &model);
}

#[test]
fn snapshots_of_success_and_consent() {
    let (mut model, _) = verify_against(CANARY, None, CANARY);
    update(
        &mut model,
        Action::Wizard(WizardAction::Stored(Err(StoreFailure::NeedsConsent(
            "switched off by TOPOGY_KEYRING=off".to_owned(),
        )))),
    );
    snapshot("wizard_file_storage_consent", &model);
    update(&mut model, Action::Wizard(WizardAction::Consent(true)));
    update(
        &mut model,
        Action::Wizard(WizardAction::Stored(Ok(Stored::File(KEY_FILE.to_owned())))),
    );
    snapshot("wizard_success_with_org_identity", &model);

    let (mut keychain, _) = verify_against(CANARY, None, CANARY);
    update(
        &mut keychain,
        Action::Wizard(WizardAction::Stored(Ok(Stored::Keychain))),
    );
    snapshot("wizard_success_in_keychain", &keychain);

    let mut manage = connected();
    update(&mut manage, Action::OpenWizard);
    snapshot("wizard_manage", &manage);
}

#[test]
fn a_key_that_reaches_another_organization_than_the_profile_showed_says_so() {
    let mut model = first_run();
    paste(&mut model, CANARY);
    let (attempt, key, findings) = confirm(&mut model);
    let mut result = probe(CANARY, None, key, &findings);
    if let Ok(identity) = &mut result {
        let reached = identity.organization_id.clone().unwrap();
        identity.switched = Some(topogy::store::orgs::switch_message(
            &reached,
            "org_01PreviouslyShownOrganization",
        ));
    }
    update(
        &mut model,
        Action::Wizard(WizardAction::Verified { attempt, result }),
    );
    update(
        &mut model,
        Action::Wizard(WizardAction::Stored(Ok(Stored::Keychain))),
    );
    snapshot("wizard_success_other_organization", &model);
}

#[test]
fn snapshots_of_each_failure_cause() {
    let (model, _) = verify_against(sim::DEMO_KEY, None, CANARY);
    snapshot("wizard_failed_key_rejected", &model);
    let (model, _) = verify_against(CANARY, Some(Fault::ToggleOff), CANARY);
    snapshot("wizard_failed_access_off", &model);
    let (model, _) = verify_against(CANARY, Some(Fault::RateLimited), CANARY);
    snapshot("wizard_failed_rate_limited", &model);
    let (model, _) = verify_against(CANARY, Some(Fault::ServerErrors), CANARY);
    snapshot("wizard_failed_server_errors", &model);
    let (model, _) = verify_against(CANARY, Some(Fault::Malformed), CANARY);
    snapshot("wizard_failed_malformed", &model);
    let (model, _) = verify_against(sim::DEMO_KEY, None, &CANARY[..50]);
    snapshot("wizard_failed_truncated_key", &model);

    // Unreachable: the error as the client reports a refused connection (the real one names
    // a random port).
    let mut model = first_run();
    paste(&mut model, CANARY);
    let (attempt, _, findings) = confirm(&mut model);
    let error = ApiError::Unreachable {
        kind: UnreachableKind::Connect,
        detail: "tcp connect error: Connection refused (os error 111)".to_owned(),
    };
    update(
        &mut model,
        Action::Wizard(WizardAction::Verified {
            attempt,
            result: Err(Failure::from_error(&error, &findings)),
        }),
    );
    snapshot("wizard_failed_unreachable", &model);
}
