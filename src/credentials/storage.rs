//! Where a profile's key is kept between runs: the OS keychain, or an owner-only file.
//!
//! The keychain (service `topogy`, account = profile) comes first. A headless Linux server
//! has no Secret Service; there, and only after the person agreed, the key goes to
//! `<config dir>/<profile>/key` with mode 0600 in a 0700 directory. A key file that group or
//! others can read, in a directory they can enter, that is a link or not a plain file, is
//! refused. `TOPOGY_KEYRING=off` skips the keychain entirely (tests, and machines whose
//! keychain prompts or hangs).

use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use super::{ApiKey, KeyError, inspect};

mod key_file;

use key_file::{Insecure, read_key_file, write_key_file};

/// The keychain service name every entry is filed under.
pub const SERVICE: &str = "topogy";
/// Environment variable that switches the keychain off (`off`), leaving only the key file.
pub const KEYRING_ENV: &str = "TOPOGY_KEYRING";
/// The key file's name inside the profile's config directory.
const KEY_FILE: &str = "key";
/// A keychain that has not answered by then is treated as absent (a D-Bus activation that
/// never completes, a prompt nobody can see).
const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a stored key lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// The OS keychain (Keychain, Credential Manager, Secret Service).
    Keychain,
    /// An owner-only file.
    File(PathBuf),
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Keychain => write!(f, "the OS keychain (service \"{SERVICE}\")"),
            Backend::File(path) => write!(
                f,
                "the file {} (readable only by you)",
                super::display_path(path)
            ),
        }
    }
}

/// Why a key could not be stored, worded as advice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// No keychain answered, and the person has not agreed to a key file.
    #[error("no OS keychain is available here ({0})")]
    NoKeychain(String),
    #[error("could not write the key file {path}: {detail}")]
    File { path: String, detail: String },
    #[error("no configuration directory could be found; set XDG_CONFIG_HOME or HOME")]
    NoConfigDir,
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// A profile name that cannot be used as a directory name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the profile name {0:?} cannot be used: use 1–64 letters, digits, '.', '-' or '_', not \
     starting with '.'"
)]
pub struct ProfileError(pub String);

/// Checks that a profile name is safe as a single path component.
pub fn check_profile(profile: &str) -> Result<(), ProfileError> {
    let ok = (1..=64).contains(&profile.len())
        && !profile.starts_with('.')
        && profile
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(ProfileError(profile.to_owned()))
    }
}

/// True unless `TOPOGY_KEYRING=off`.
pub fn keychain_enabled() -> bool {
    !std::env::var(KEYRING_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("off"))
}

/// `<config dir>/<profile>/key`.
pub fn key_file_path(profile: &str) -> Result<PathBuf, SaveError> {
    check_profile(profile)?;
    let dirs = crate::settings::project_dirs().ok_or(SaveError::NoConfigDir)?;
    Ok(dirs.config_dir().join(profile).join(KEY_FILE))
}

/// Runs a keychain call on its own thread with a deadline, so a hung keychain cannot freeze
/// the caller. Errors are described without the secret (a keyring error can carry its bytes).
fn keychain<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, keyring::Error> + Send + 'static,
) -> Result<T, KeychainFailure> {
    on_keychain_thread(move || {
        call().map_err(|error| match error {
            keyring::Error::NoEntry => KeychainFailure::NoEntry,
            other => KeychainFailure::Unavailable(describe(&other)),
        })
    })
}

fn on_keychain_thread<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, KeychainFailure> + Send + 'static,
) -> Result<T, KeychainFailure> {
    if !keychain_enabled() {
        return Err(KeychainFailure::Unavailable(format!(
            "switched off by {KEYRING_ENV}=off"
        )));
    }
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("keychain".to_owned())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| KeychainFailure::Unavailable(format!("cannot start a thread: {e}")))?;
    rx.recv_timeout(KEYCHAIN_TIMEOUT).unwrap_or_else(|_| {
        Err(KeychainFailure::Unavailable(format!(
            "the keychain did not answer within {} s",
            KEYCHAIN_TIMEOUT.as_secs()
        )))
    })
}

enum KeychainFailure {
    NoEntry,
    Unavailable(String),
}

/// A keyring error in words, never including stored bytes.
fn describe(error: &keyring::Error) -> String {
    match error {
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => {
            "the keychain entry is not readable text".to_owned()
        }
        keyring::Error::NoDefaultStore => match keyring::Entry::store_status() {
            Err(cause) if !matches!(cause, keyring::Error::NoDefaultStore) => describe(cause),
            _ => "no Secret Service / keychain is running".to_owned(),
        },
        keyring::Error::NoStorageAccess(e) => format!("the keychain is locked or denied ({e})"),
        keyring::Error::PlatformFailure(e) => format!("the keychain failed ({e})"),
        keyring::Error::Ambiguous(_) => "the keychain holds several matching entries".to_owned(),
        other => format!("the keychain refused ({other})"),
    }
}

fn entry(profile: &str) -> Result<keyring::Entry, keyring::Error> {
    keyring::Entry::new(SERVICE, profile)
}

/// Whether a keychain answers here: `Ok` or the reason it does not (for `doctor` and the
/// wizard's storage choice).
pub fn keychain_status() -> Result<(), String> {
    let status = on_keychain_thread(|| {
        keyring::Entry::store_status()
            .as_ref()
            .map(|_| ())
            .map_err(|e| KeychainFailure::Unavailable(describe(e)))
    });
    match status {
        Ok(()) => Ok(()),
        Err(KeychainFailure::NoEntry) => Ok(()),
        Err(KeychainFailure::Unavailable(reason)) => Err(reason),
    }
}

/// The stored key of `profile`, if any: the keychain first, then the key file. A key file
/// that others can read is an error, with the fix.
pub fn load(profile: &str) -> Result<Option<(ApiKey, Backend)>, KeyError> {
    check_profile(profile).map_err(|e| KeyError::Storage(e.to_string()))?;
    let name = profile.to_owned();
    match keychain(move || entry(&name)?.get_password()) {
        Ok(text) => return Ok(Some((inspect(&text).key, Backend::Keychain))),
        Err(KeychainFailure::NoEntry) => {}
        Err(KeychainFailure::Unavailable(reason)) => {
            tracing::debug!(%reason, "keychain not used");
        }
    }
    let path = key_file_path(profile).map_err(|e| KeyError::Storage(e.to_string()))?;
    let text = match read_key_file(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(
                match e.get_ref().and_then(|i| i.downcast_ref::<Insecure>()) {
                    Some(Insecure::Mode(mode)) => KeyError::InsecureKeyFile {
                        path: super::display_path(&path),
                        mode: *mode,
                    },
                    Some(Insecure::Owner(owner)) => KeyError::ForeignKeyFile {
                        path: super::display_path(&path),
                        owner: *owner,
                    },
                    Some(Insecure::DirMode(mode)) => KeyError::InsecureKeyDir {
                        path: super::display_path(path.parent().unwrap_or(&path)),
                        mode: *mode,
                    },
                    Some(Insecure::NotAFile(what)) => KeyError::NotAKeyFile {
                        path: super::display_path(&path),
                        what,
                    },
                    None => KeyError::Storage(format!(
                        "could not read the key file {}: {e}",
                        super::display_path(&path)
                    )),
                },
            );
        }
    };
    let key = inspect(&text).key;
    if key.is_empty() {
        return Ok(None);
    }
    Ok(Some((key, Backend::File(path))))
}

/// Stores `key` for `profile`: in the keychain, or — only when `allow_file` — in the owner-only
/// key file when no keychain answers. Storing in the keychain removes an old key file.
pub fn save(profile: &str, key: &ApiKey, allow_file: bool) -> Result<Backend, SaveError> {
    check_profile(profile)?;
    let (name, secret) = (profile.to_owned(), key.clone());
    let reason = match keychain(move || entry(&name)?.set_password(secret.expose())) {
        Ok(()) => {
            if let Ok(path) = key_file_path(profile) {
                let _ = std::fs::remove_file(path);
            }
            return Ok(Backend::Keychain);
        }
        Err(KeychainFailure::NoEntry) => "the keychain has no place for it".to_owned(),
        Err(KeychainFailure::Unavailable(reason)) => reason,
    };
    if !allow_file {
        return Err(SaveError::NoKeychain(reason));
    }
    let path = key_file_path(profile)?;
    write_key_file(&path, key).map_err(|e| SaveError::File {
        path: super::display_path(&path),
        detail: e.to_string(),
    })?;
    Ok(Backend::File(path))
}

/// Removes the stored key of `profile` from the keychain and the key file; returns where one
/// was found.
pub fn remove(profile: &str) -> Result<Vec<Backend>, SaveError> {
    check_profile(profile)?;
    let mut removed = Vec::new();
    let name = profile.to_owned();
    if keychain(move || entry(&name)?.delete_credential()).is_ok() {
        removed.push(Backend::Keychain);
    }
    let path = key_file_path(profile)?;
    match std::fs::remove_file(&path) {
        Ok(()) => removed.push(Backend::File(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(SaveError::File {
                path: super::display_path(&path),
                detail: e.to_string(),
            });
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_single_safe_path_components() {
        for good in ["default", "acme-prod", "org_2", "a.b"] {
            assert!(check_profile(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "..",
            ".hidden",
            "a/b",
            "a\\b",
            "with space",
            &"x".repeat(65),
        ] {
            assert!(check_profile(bad).is_err(), "{bad:?}");
        }
    }
}
