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

mod flow;

use chrono::{DateTime, Utc};

use super::update::Command;
use crate::api::ApiError;
use crate::credentials::{ApiKey, Finding, KeySource, SecretText, inspect};
use crate::diagnose::checklist::{self, ChecklistItem};
use crate::diagnose::identity::OrgIdentity;

pub use flow::{takes, update};

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

    pub(super) fn recheck(&mut self) {
        self.findings = if self.field.is_empty() {
            Vec::new()
        } else {
            inspect(self.field.expose()).findings
        };
        self.blocked = false;
    }

    pub(super) fn edit(&mut self, demo_key: bool) {
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

    pub(super) fn verify(&mut self, key: ApiKey, now: DateTime<Utc>) -> Vec<Command> {
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
