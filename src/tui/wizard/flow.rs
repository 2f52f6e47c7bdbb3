//! How actions move the wizard: its keys, the answers of its commands, and the hand-over to
//! the dashboard. Pure: the app loop runs the [`KeyCommand`]s it returns.

use super::{CurrentKey, Failure, KeyCommand, Stage, StoreFailure, Stored, Wizard, WizardAction};
use crate::credentials::{ApiKey, KeySource, inspect};
use crate::diagnose::identity::OrgIdentity;
use crate::tui::action::Action;
use crate::tui::model::{Connection, Model};
use crate::tui::update::Command;

/// True for the actions the wizard handles: its own, and the keys while it is open (the rest
/// go to the dashboard).
pub fn takes(model: &Model, action: &Action) -> bool {
    matches!(action, Action::OpenWizard | Action::Wizard(_))
        || (model.wizard.is_some()
            && matches!(
                action,
                Action::Input(_)
                    | Action::Backspace
                    | Action::Confirm
                    | Action::Back
                    | Action::Refresh
                    | Action::Paste(_)
            ))
}

/// `K`: opens the wizard over the dashboard. A refused key goes straight to the field.
fn open(model: &mut Model) {
    if model.wizard.is_some() {
        return;
    }
    let (demo, key_file) = (model.key.demo, model.key.key_file.clone());
    let Some(fingerprint) = Some(model.key.fingerprint.clone()).filter(|f| !f.is_empty()) else {
        model.wizard = Some(Wizard::first_run(demo, key_file));
        return;
    };
    let current = CurrentKey {
        fingerprint,
        source: model.key_source.clone(),
    };
    let mut wizard = Wizard::manage(current, demo, key_file);
    if let Connection::Rejected { cause, .. } = &model.connection {
        wizard.notice = Some(format!(
            "the key in use ({}) is refused now: {cause}. Paste a new key, or fix the cause and \
             press Esc, then r on the dashboard",
            model.key.fingerprint
        ));
        wizard.edit(true);
    }
    model.wizard = Some(wizard);
}

/// A new sync session runs with a new key: the dashboard starts over with it.
fn connected(model: &mut Model, key_source: String, fingerprint: String) -> Vec<Command> {
    model.key_source = key_source.clone();
    model.key.fingerprint = fingerprint.clone();
    model.connection = Connection::Starting;
    model.sync.new_session();
    if let Some(wizard) = &mut model.wizard {
        wizard.current = Some(CurrentKey {
            fingerprint,
            source: key_source,
        });
    }
    // The new key may reach another organization: what is shown is read again from its
    // store (empty until its organization is known), never kept from the previous key's.
    model.coverage = None;
    let mut commands = vec![crate::tui::update::load_command(model)];
    commands.extend(crate::tui::update::sync_commands(model));
    commands.extend(crate::tui::update::backfill_command(model));
    commands
}

/// Applies an action the wizard [`takes`].
pub fn update(model: &mut Model, action: Action) -> Vec<Command> {
    let action = match action {
        Action::OpenWizard => {
            open(model);
            return Vec::new();
        }
        Action::Wizard(WizardAction::Connected {
            key_source,
            fingerprint,
        }) => return connected(model, key_source, fingerprint),
        other => other,
    };
    let now = model.now;
    let Some(wizard) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let mut close = false;
    let commands = match (&wizard.stage, action) {
        (Stage::Edit, Action::Input(c)) => {
            wizard.field.push_str(&c.to_string());
            wizard.recheck();
            Vec::new()
        }
        (Stage::Edit, Action::Backspace) => {
            wizard.field.pop();
            wizard.recheck();
            Vec::new()
        }
        (Stage::Edit, Action::Wizard(WizardAction::Clear)) => {
            wizard.field.clear();
            wizard.recheck();
            Vec::new()
        }
        (_, Action::Wizard(WizardAction::ToggleReveal)) => {
            wizard.reveal = !wizard.reveal;
            Vec::new()
        }
        (Stage::Edit | Stage::Failed { .. } | Stage::Manage, Action::Paste(text)) => {
            if wizard.stage != Stage::Edit {
                wizard.field.clear();
                wizard.stage = Stage::Edit;
            }
            wizard.field.push_str(text.expose());
            wizard.recheck();
            Vec::new()
        }
        (Stage::Edit, Action::Confirm) => {
            let inspection = inspect(wizard.field.expose());
            wizard.findings = inspection.findings.clone();
            if inspection.is_blocked() {
                wizard.blocked = true;
                Vec::new()
            } else {
                wizard.verify(inspection.key, now)
            }
        }
        (Stage::Edit, Action::Back) => {
            close = wizard.current.is_some();
            Vec::new()
        }
        (Stage::Verifying { .. }, Action::Back) => {
            wizard.stage = Stage::Edit;
            Vec::new()
        }
        (
            Stage::Verifying {
                fingerprint, key, ..
            },
            Action::Wizard(WizardAction::Verified { attempt, result }),
        ) if attempt == wizard.attempt => {
            let (fingerprint, key) = (fingerprint.clone(), key.clone());
            verified(wizard, fingerprint, key, result)
        }
        (
            Stage::Storing {
                identity,
                fingerprint,
                key,
                ..
            },
            Action::Wizard(WizardAction::Stored(result)),
        ) => {
            let (identity, fingerprint, key) = (identity.clone(), fingerprint.clone(), key.clone());
            stored(wizard, identity, fingerprint, key, result)
        }
        (
            Stage::Consent {
                identity,
                fingerprint,
                key,
                ..
            },
            Action::Wizard(WizardAction::Consent(yes)),
        ) => {
            let (identity, fingerprint, key) = (identity.clone(), fingerprint.clone(), key.clone());
            if yes {
                wizard.stage = Stage::Storing {
                    identity,
                    fingerprint,
                    key: key.clone(),
                    file: true,
                };
                vec![Command::Key(KeyCommand::Store {
                    key,
                    allow_file: true,
                })]
            } else {
                wizard.stage = Stage::Done {
                    identity,
                    fingerprint,
                    stored: Stored::NotStored(
                        "you chose not to store it: it is used until you quit, and the next \
                         start asks again"
                            .to_owned(),
                    ),
                };
                vec![Command::Key(KeyCommand::Connect {
                    key,
                    source: KeySource::Wizard,
                })]
            }
        }
        (Stage::Failed { key, .. }, Action::Refresh) => {
            let key = key.clone();
            wizard.verify(key, now)
        }
        (Stage::Failed { .. }, Action::Back) => {
            wizard.stage = Stage::Edit;
            Vec::new()
        }
        (Stage::Done { .. }, Action::Confirm) => {
            close = true;
            Vec::new()
        }
        (Stage::Manage, Action::Confirm) => {
            wizard.edit(true);
            Vec::new()
        }
        (Stage::Manage, Action::Back) => {
            close = true;
            Vec::new()
        }
        (Stage::Manage, Action::Wizard(WizardAction::Remove)) => {
            if wizard.demo {
                wizard.notice =
                    Some("demo: nothing is stored, so there is nothing to remove".to_owned());
                Vec::new()
            } else {
                vec![Command::Key(KeyCommand::Remove)]
            }
        }
        (_, Action::Wizard(WizardAction::Removed(result))) => match result {
            Ok(places) => {
                wizard.notice = Some(if places.is_empty() {
                    "no stored key was found; the dashboard has stopped using the key it had"
                        .to_owned()
                } else {
                    format!(
                        "removed the stored key from {}; paste a new key, or Ctrl-C to quit",
                        places.join(" and ")
                    )
                });
                wizard.current = None;
                wizard.field.clear();
                wizard.edit(false);
                vec![Command::Key(KeyCommand::Disconnect)]
            }
            Err(message) => {
                wizard.notice = Some(format!("could not remove the key: {message}"));
                Vec::new()
            }
        },
        _ => Vec::new(),
    };
    if close {
        model.wizard = None;
    }
    commands
}

fn verified(
    wizard: &mut Wizard,
    fingerprint: String,
    key: ApiKey,
    result: Result<OrgIdentity, Failure>,
) -> Vec<Command> {
    match result {
        Err(failure) => {
            wizard.stage = Stage::Failed {
                fingerprint,
                key,
                failure,
            };
            Vec::new()
        }
        Ok(identity) => {
            // Verified: from here on the key is never shown again, only its fingerprint.
            wizard.field.clear();
            wizard.reveal = false;
            wizard.findings.clear();
            wizard.notice = None;
            if wizard.demo {
                wizard.stage = Stage::Done {
                    identity,
                    fingerprint,
                    stored: Stored::Demo,
                };
                return vec![Command::Key(KeyCommand::Connect {
                    key,
                    source: KeySource::Demo,
                })];
            }
            wizard.stage = Stage::Storing {
                identity,
                fingerprint,
                key: key.clone(),
                file: false,
            };
            vec![Command::Key(KeyCommand::Store {
                key,
                allow_file: false,
            })]
        }
    }
}

fn stored(
    wizard: &mut Wizard,
    identity: OrgIdentity,
    fingerprint: String,
    key: ApiKey,
    result: Result<Stored, StoreFailure>,
) -> Vec<Command> {
    let (stored, source) = match result {
        Err(StoreFailure::NeedsConsent(reason)) => {
            wizard.stage = Stage::Consent {
                identity,
                fingerprint,
                key,
                reason,
            };
            return Vec::new();
        }
        Err(StoreFailure::Failed(message)) => (
            Stored::NotStored(format!("{message}; it is used until you quit")),
            KeySource::Wizard,
        ),
        Ok(stored) => {
            let source = match stored {
                Stored::Keychain => KeySource::Keychain,
                Stored::File(_) => KeySource::KeyFile,
                Stored::NotStored(_) => KeySource::Wizard,
                Stored::Demo => KeySource::Demo,
            };
            (stored, source)
        }
    };
    wizard.stage = Stage::Done {
        identity,
        fingerprint,
        stored,
    };
    vec![Command::Key(KeyCommand::Connect { key, source })]
}
