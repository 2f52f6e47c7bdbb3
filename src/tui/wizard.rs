//! The key setup wizard: its state and how actions move it, without any I/O.
//!
//! ```text
//!  Manage ──Enter──► Edit ──Enter──► Verifying ──ok──► Storing ──► Done ──Enter──► dashboard
//!  (K, key in use)   ▲  │ local checks   │ Esc            │ no keychain
//!                    │  └ stop a key     ▼                ▼
//!                    └────Esc──────── Failed ◄─r re-tests  Consent ──y/n──► Storing / Done
//! ```
//!
//! The probe, the key store and the new sync session are [`KeyCommand`]s the app loop runs off
//! the UI task; their results come back as [`WizardAction`]s. After a key is verified the field
//! is emptied: from then on only its fingerprint is shown.

use chrono::{DateTime, Utc};

use super::action::Action;
use super::model::{Connection, Model};
use super::update::Command;
use crate::api::ApiError;
use crate::credentials::{ApiKey, Finding, KeySource, SecretText, inspect};
use crate::diagnose::checklist::{self, ChecklistItem};
use crate::diagnose::identity::OrgIdentity;

/// Which screen of the wizard is showing; it also picks the wizard's key bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    /// A key is in use: replace or remove it.
    Manage,
    /// Prerequisites, steps and the key field.
    Field,
    /// The live probe is running.
    Verifying,
    /// The probe failed: the cause and the checklist.
    Failed,
    /// Verified, but no keychain: may the key go to an owner-only file?
    Consent,
    /// Verified and (maybe) stored: the organization it reached.
    Done,
}

/// Why verification failed, reduced to what the screen shows (never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// A few words (`key rejected`, `Analytics API access is off`, …).
    pub cause: String,
    /// The full advice sentence.
    pub message: String,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    /// What to do, when the checklist does not apply.
    pub fixes: Vec<String>,
    /// The refused-key checklist, when the failure is about the key.
    pub checklist: Option<Vec<ChecklistItem>>,
}

impl Failure {
    /// Describes `error` for a key whose local checks found `findings`.
    pub fn from_error(error: &ApiError, findings: &[Finding]) -> Failure {
        Failure {
            cause: error.cause().to_owned(),
            message: error.to_string(),
            status: error.status(),
            request_id: error.request_id().map(str::to_owned),
            fixes: error.fixes().into_iter().map(str::to_owned).collect(),
            checklist: checklist::applies_to(error)
                .then(|| checklist::checklist(Some(error), findings)),
        }
    }
}

/// Where a verified key ended up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// The OS keychain.
    Keychain,
    /// The owner-only key file (path shown with `~`).
    File(String),
    /// Used for this session only, and why.
    NotStored(String),
    /// `--demo`: the simulator's key is never stored.
    Demo,
}

/// The result of a store request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreFailure {
    /// No keychain answered; the person must agree to a key file first.
    NeedsConsent(String),
    /// Storing failed; the key is used for this session only.
    Failed(String),
}

/// Things that happen to the wizard: its own keys, and the answers of its commands.
#[derive(Debug, Clone, PartialEq)]
pub enum WizardAction {
    /// Ctrl-R: show or hide the key while typing.
    ToggleReveal,
    /// Ctrl-U: empty the field.
    Clear,
    /// `y` / `n` on the consent screen.
    Consent(bool),
    /// `x` on the manage screen: remove the stored key.
    Remove,
    /// The probe's answer for verification `attempt`.
    Verified {
        attempt: u64,
        result: Result<OrgIdentity, Failure>,
    },
    /// The key store's answer.
    Stored(Result<Stored, StoreFailure>),
    /// The stored key was removed (where from), or could not be.
    Removed(Result<Vec<String>, String>),
    /// A session with the new key started: where the key came from, and its fingerprint.
    Connected {
        key_source: String,
        fingerprint: String,
    },
}

/// Work the wizard asks the app loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyCommand {
    /// Probe the API with `key` and learn who it belongs to; `findings` are the local checks,
    /// for the checklist if it fails.
    Verify {
        attempt: u64,
        key: ApiKey,
        findings: Vec<Finding>,
    },
    /// Store `key`: the keychain, or the key file when `allow_file`.
    Store { key: ApiKey, allow_file: bool },
    /// Delete the stored key.
    Remove,
    /// Start a sync session with `key` (replacing any running one).
    Connect { key: ApiKey, source: KeySource },
    /// Stop the running sync session (its key was removed).
    Disconnect,
}

/// What the dashboard knows about key setup (never the key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyInfo {
    /// The fingerprint of the key in use, empty when none.
    pub fingerprint: String,
    /// `--demo`: the wizard verifies against the simulator and never stores.
    pub demo: bool,
    /// Where the key file would go, shown with `~`.
    pub key_file: String,
}

/// The key in use when the wizard was opened, as it may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentKey {
    pub fingerprint: String,
    pub source: String,
}

/// The wizard's stage, with what each stage needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Manage,
    Edit,
    Verifying {
        since: DateTime<Utc>,
        fingerprint: String,
        key: ApiKey,
    },
    Failed {
        fingerprint: String,
        key: ApiKey,
        failure: Failure,
    },
    Storing {
        identity: OrgIdentity,
        fingerprint: String,
        key: ApiKey,
        file: bool,
    },
    Consent {
        identity: OrgIdentity,
        fingerprint: String,
        key: ApiKey,
        reason: String,
    },
    Done {
        identity: OrgIdentity,
        fingerprint: String,
        stored: Stored,
    },
}

/// The wizard's whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct Wizard {
    pub stage: Stage,
    /// What was typed or pasted; emptied once the key is verified.
    pub field: SecretText,
    /// Show the field's text instead of dots.
    pub reveal: bool,
    /// The local checks of the field, refreshed on every edit.
    pub findings: Vec<Finding>,
    /// Enter was pressed on a key the local checks stop.
    pub blocked: bool,
    /// The key in use (when opened from the dashboard), else `None`.
    pub current: Option<CurrentKey>,
    /// A line to show above the field (e.g. why the wizard opened).
    pub notice: Option<String>,
    /// `--demo`: verify against the simulator, never store.
    pub demo: bool,
    /// Where the key file would go (shown on the consent screen).
    pub key_file: String,
    /// Numbers verification attempts, so a cancelled probe's late answer is ignored.
    pub attempt: u64,
}

impl Wizard {
    /// The first screen when no key is known.
    pub fn first_run(demo: bool, key_file: String) -> Wizard {
        Wizard {
            stage: Stage::Edit,
            field: SecretText::default(),
            reveal: false,
            findings: Vec::new(),
            blocked: false,
            current: None,
            notice: None,
            demo,
            key_file,
            attempt: 0,
        }
    }

    /// Opened with `K` while `current` is in use.
    pub fn manage(current: CurrentKey, demo: bool, key_file: String) -> Wizard {
        Wizard {
            stage: Stage::Manage,
            current: Some(current),
            ..Wizard::first_run(demo, key_file)
        }
    }

    /// Which panel is showing.
    pub fn panel(&self) -> Panel {
        match self.stage {
            Stage::Manage => Panel::Manage,
            Stage::Edit => Panel::Field,
            Stage::Verifying { .. } | Stage::Storing { .. } => Panel::Verifying,
            Stage::Failed { .. } => Panel::Failed,
            Stage::Consent { .. } => Panel::Consent,
            Stage::Done { .. } => Panel::Done,
        }
    }

    fn recheck(&mut self) {
        self.findings = if self.field.is_empty() {
            Vec::new()
        } else {
            inspect(self.field.expose()).findings
        };
        self.blocked = false;
    }

    fn edit(&mut self, demo_key: bool) {
        self.stage = Stage::Edit;
        if demo_key && self.demo && self.field.is_empty() {
            self.field = SecretText::new(crate::sim::DEMO_KEY);
            let demo = "demo: the simulator's key is filled in; Enter verifies it against the \
                        simulator (and its --fault)";
            self.notice = Some(match self.notice.take() {
                Some(first) => format!("{first}. {demo}"),
                None => demo.to_owned(),
            });
        }
        self.recheck();
    }

    fn verify(&mut self, key: ApiKey, now: DateTime<Utc>) -> Vec<Command> {
        self.attempt += 1;
        self.notice = None;
        self.stage = Stage::Verifying {
            since: now,
            fingerprint: key.fingerprint(),
            key: key.clone(),
        };
        vec![Command::Key(KeyCommand::Verify {
            attempt: self.attempt,
            key,
            findings: self.findings.clone(),
        })]
    }
}

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
    model.syncing = false;
    if let Some(wizard) = &mut model.wizard {
        wizard.current = Some(CurrentKey {
            fingerprint,
            source: key_source,
        });
    }
    super::update::sync_commands(model)
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
