//! The app loop's side of key setup: the running sync session (replaced when the wizard
//! connects a new key) and the wizard's background work — probe, store, remove — whose answers
//! come back as actions.

use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;
use super::wizard::{Failure, KeyCommand, StoreFailure, Stored, WizardAction};
use crate::api::{Client, RequestRecord};
use crate::context::{Context, ContextError, Endpoint, profile_dir, resolve_key};
use crate::credentials::{self, ApiKey, KeySource, Resolved, display_path, storage};
use crate::diagnose;
use crate::settings::Settings;
use crate::sim::SimHandle;
use crate::store::{Location, OpenNotice, OrgStores};
use crate::sync::{JobId, Need, SyncEvent, SyncOptions, SyncTask};

/// One sync task with its client, for one key.
struct Session {
    task: SyncTask,
    client: Client,
    /// The key it runs with, for the doctor report (`--key-stdin` cannot be read twice).
    key: Resolved,
}

/// The sync session (if a key is known) and what is needed to start another.
pub struct Sessions {
    settings: Settings,
    base_url: String,
    /// Kept alive for the whole run under `--demo`.
    simulator: Option<SimHandle>,
    current: Option<Session>,
    /// The store of the organization the running key reaches; `None` until it is known.
    store: Option<Location>,
}

impl Sessions {
    /// No session yet; `endpoint` is where every session (and every probe) goes.
    pub fn new(settings: &Settings, endpoint: Endpoint) -> Sessions {
        Sessions {
            settings: settings.clone(),
            base_url: endpoint.base_url,
            simulator: endpoint.simulator,
            current: None,
            store: None,
        }
    }

    /// True when a simulator stands in for the API (`--demo`).
    pub fn is_demo(&self) -> bool {
        self.simulator.is_some()
    }

    /// Where requests go, for the Status tab.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Starts a session with `key`, replacing (and so stopping) any running one. Returns the
    /// action that tells the model, and any notice about the store.
    pub fn start(
        &mut self,
        key: ApiKey,
        source: KeySource,
    ) -> Result<(Action, Option<OpenNotice>), ContextError> {
        self.current = None;
        let fingerprint = key.fingerprint();
        let key_copy = key.clone();
        let endpoint = Endpoint {
            base_url: self.base_url.clone(),
            simulator: None,
        };
        let context = Context::with_key(
            &self.settings,
            SyncOptions::default(),
            endpoint,
            key,
            source,
        )?;
        let client = context.syncer.client().clone();
        self.store = context.syncer.store().location().cloned();
        self.current = Some(Session {
            task: SyncTask::spawn(context.syncer),
            client,
            key: Resolved {
                findings: credentials::inspect(key_copy.expose()).findings,
                key: key_copy,
                source,
                backend: None,
            },
        });
        let key_source = self.describe(source, &fingerprint);
        Ok((
            Action::Wizard(WizardAction::Connected {
                key_source,
                fingerprint,
            }),
            context.store_notice,
        ))
    }

    /// How the Status tab names the key: where it came from and its fingerprint.
    fn describe(&self, source: KeySource, fingerprint: &str) -> String {
        match source {
            KeySource::Demo => source.to_string(),
            KeySource::KeyFile => storage::key_file_path(&self.settings.key_profile).map_or_else(
                |_| format!("{source} · {fingerprint}"),
                |p| format!("{source} {} · {fingerprint}", display_path(&p)),
            ),
            _ => format!("{source} · {fingerprint}"),
        }
    }

    /// The store the views read: the one of the organization the running key reaches, `None`
    /// while that is not known (the views then show nothing, never another organization's).
    pub fn store(&self) -> Option<&Location> {
        self.store.as_ref()
    }

    /// The running key's organization is known now: read its store from here on.
    pub fn reached(&mut self, store: Location) {
        self.store = Some(store);
    }

    /// Asks the running session for `need` (nothing happens without a key).
    pub fn request(&self, job: JobId, need: Need) {
        if let Some(session) = &self.current {
            let _ = session.task.request(job, need);
        }
    }

    /// Asks the running session to backfill `need` while nothing else waits.
    pub fn backfill(&self, job: JobId, need: Need) {
        if let Some(session) = &self.current {
            let _ = session.task.backfill(job, need);
        }
    }

    /// The next event of the running session; never resolves while there is none.
    pub async fn next_event(&mut self) -> Option<SyncEvent> {
        match &mut self.current {
            Some(session) => session.task.events.recv().await,
            None => std::future::pending().await,
        }
    }

    /// The running client's recent requests, for the Status tab.
    pub fn recent_requests(&self) -> Vec<RequestRecord> {
        self.current
            .as_ref()
            .map(|s| s.client.recent_requests())
            .unwrap_or_default()
    }

    /// Runs one of the wizard's commands; answers arrive on `done`.
    /// Runs `topogy doctor`'s checks for this profile off the UI task and sends back its
    /// report (redacted, as for a support ticket) to copy.
    pub fn doctor_report(&self, done: &UnboundedSender<Action>) {
        let (done, mut settings) = (done.clone(), self.settings.clone());
        let base_url = self.base_url.clone();
        // The key the dashboard runs with; standard input was read once, at the start.
        let key = match &self.current {
            Some(session) => Ok(session.key.clone()),
            None => {
                settings.key_stdin = false;
                resolve_key(&settings)
            }
        };
        tokio::spawn(async move {
            let report = diagnose::examine_with(&settings, &base_url, key).await;
            let _ = done.send(Action::ReportReady(report.to_text()));
        });
    }

    pub fn run(&mut self, command: KeyCommand, done: &UnboundedSender<Action>) {
        let done = done.clone();
        let profile = self.settings.key_profile.clone();
        match command {
            KeyCommand::Verify {
                attempt,
                key,
                findings,
            } => {
                let client = diagnose::client(&self.settings, &self.base_url, key);
                let stores = profile_dir(&self.settings)
                    .ok()
                    .map(|dir| OrgStores::new(dir).shared(self.settings.store.clone()));
                tokio::spawn(async move {
                    let mut result = match client {
                        Ok(client) => diagnose::identify(&client, Utc::now().date_naive()).await,
                        Err(e) => Err(e),
                    };
                    if let (Ok(identity), Some(stores)) = (&mut result, &stores) {
                        identity.switched = identity
                            .organization_id
                            .as_deref()
                            .and_then(|org| stores.switch_notice(org));
                    }
                    let result = result.map_err(|e| Failure::from_error(&e, &findings));
                    let _ = done.send(Action::Wizard(WizardAction::Verified { attempt, result }));
                });
            }
            KeyCommand::Store { key, allow_file } => {
                tokio::task::spawn_blocking(move || {
                    let result = match storage::save(&profile, &key, allow_file) {
                        Ok(storage::Backend::Keychain) => Ok(Stored::Keychain),
                        Ok(storage::Backend::File(path)) => Ok(Stored::File(display_path(&path))),
                        Err(storage::SaveError::NoKeychain(reason)) if !allow_file => {
                            Err(StoreFailure::NeedsConsent(reason))
                        }
                        Err(e) => Err(StoreFailure::Failed(e.to_string())),
                    };
                    let _ = done.send(Action::Wizard(WizardAction::Stored(result)));
                });
            }
            KeyCommand::Remove => {
                tokio::task::spawn_blocking(move || {
                    let result = storage::remove(&profile)
                        .map(|places| places.iter().map(ToString::to_string).collect())
                        .map_err(|e| e.to_string());
                    let _ = done.send(Action::Wizard(WizardAction::Removed(result)));
                });
            }
            KeyCommand::Connect { key, source } => match self.start(key, source) {
                Ok((connected, notice)) => {
                    if let Some(notice) = notice {
                        let _ = done.send(Action::SyncNotice(notice.0));
                    }
                    let _ = done.send(connected);
                }
                Err(e) => {
                    let _ = done.send(Action::SyncNotice(format!(
                        "could not start with the new key: {e}"
                    )));
                }
            },
            KeyCommand::Disconnect => {
                self.current = None;
                self.store = None;
            }
        }
    }
}
