//! The API key: where it comes from, where it is kept, its fingerprint and shape checks — and
//! the secret types that keep it out of every output.
//!
//! Sources, first hit wins: `--key-stdin`, `TOPOGY_API_KEY`, then the profile's stored key
//! ([`storage`]: the OS keychain, or an owner-only file). Only [`ApiKey::fingerprint`] is
//! ever shown.

pub mod shape;
pub mod storage;

use std::fmt;
use std::io::Read;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

pub use shape::{Finding, Inspection, Severity, inspect};
pub use storage::Backend;

/// Environment variable that may carry the key (second in line after `--key-stdin`).
pub const KEY_ENV: &str = "TOPOGY_API_KEY";

/// An Analytics API key. It has no `Debug`/`Display` that reveals it: the only way to read
/// the text is [`ApiKey::expose`], which the HTTP client calls when it sets `x-api-key` and
/// the key store calls when it saves it.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps key text, trimming surrounding whitespace and line breaks (a pasted key often
    /// carries them; the API would reject them). [`inspect`] does the full clean-up and says
    /// what it changed.
    pub fn new(text: &str) -> Self {
        Self(SecretString::from(text.trim().to_owned()))
    }

    /// Wraps text that was already cleaned.
    pub(crate) fn exact(text: String) -> Self {
        Self(SecretString::from(text))
    }

    /// The key text, for the places that must send or store it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when no key text is present.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }

    /// `fp:` and the first 8 hex digits of the key's SHA-256: enough to tell keys apart in a
    /// ticket or on screen, useless for recovering the key.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.expose().as_bytes());
        let mut out = String::from("fp:");
        for byte in digest.iter().take(4) {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Compares key text (so commands and models holding keys can be compared in tests).
impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

/// Text being typed or pasted into the key field: secret from the first keystroke, so a
/// debug print of the screen's state never shows it.
#[derive(Clone, Default)]
pub struct SecretText(SecretString);

impl SecretText {
    /// Wraps pasted text.
    pub fn new(text: &str) -> Self {
        Self(SecretString::from(text.to_owned()))
    }

    /// The text, for inspecting it or (when the person asked to reveal it) drawing it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Adds typed or pasted text at the end.
    pub fn push_str(&mut self, text: &str) {
        let mut next = String::with_capacity(self.expose().len() + text.len());
        next.push_str(self.expose());
        next.push_str(text);
        self.0 = SecretString::from(next);
    }

    /// Removes the last character (Backspace).
    pub fn pop(&mut self) {
        let mut next = self.expose().to_owned();
        next.pop();
        self.0 = SecretString::from(next);
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.0 = SecretString::default();
    }

    /// Characters in the field (what the mask shows).
    pub fn chars(&self) -> usize {
        self.expose().chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretText(<{} characters>)", self.chars())
    }
}

impl PartialEq for SecretText {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

/// Where the key in use came from, for messages that must not show the key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// Read from standard input (`--key-stdin`).
    Stdin,
    /// Read from the `TOPOGY_API_KEY` environment variable.
    Env,
    /// The built-in simulator's own key (`--demo`).
    Demo,
    /// The profile's key in the OS keychain.
    Keychain,
    /// The profile's owner-only key file.
    KeyFile,
    /// Pasted into the setup wizard in this session.
    Wizard,
}

impl KeySource {
    /// A stable name for JSON output.
    pub fn code(self) -> &'static str {
        match self {
            Self::Stdin => "stdin",
            Self::Env => "env",
            Self::Demo => "demo",
            Self::Keychain => "keychain",
            Self::KeyFile => "key_file",
            Self::Wizard => "wizard",
        }
    }
}

impl From<&Backend> for KeySource {
    fn from(backend: &Backend) -> Self {
        match backend {
            Backend::Keychain => KeySource::Keychain,
            Backend::File(_) => KeySource::KeyFile,
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stdin => "standard input (--key-stdin)",
            Self::Env => "the TOPOGY_API_KEY environment variable",
            Self::Demo => "the built-in simulator (--demo)",
            Self::Keychain => "the OS keychain",
            Self::KeyFile => "the owner-only key file",
            Self::Wizard => "the setup wizard (this session)",
        })
    }
}

/// Why no usable key could be found, worded as advice.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no API key was found: run `topogy` to set one up (it is kept in the OS keychain), or \
         pipe it in with --key-stdin or set TOPOGY_API_KEY (never pass a key as a \
         command-line argument); --demo tries the simulator"
    )]
    Missing,
    #[error(
        "{KEY_ENV} is set but is not valid UTF-8 text, so it cannot be a key: copy the key \
         again from Analytics → API keys (or pipe it in with --key-stdin)"
    )]
    EnvNotText,
    #[error("--key-stdin was given but standard input held no key")]
    EmptyStdin,
    #[error("could not read the key from standard input: {0}")]
    Stdin(std::io::Error),
    #[error(
        "the key file {path} can be read by other users ({mode:04o}), so topogy will not use \
         it: run `chmod 600 {path}`, or delete it and set the key up again with `topogy`"
    )]
    InsecureKeyFile { path: String, mode: u32 },
    #[error(
        "the key file {path} belongs to another user (user id {owner}), so topogy will not use \
         it: delete it and set the key up again with `topogy`"
    )]
    ForeignKeyFile { path: String, owner: u32 },
    #[error(
        "the key directory {path} can be entered by other users ({mode:04o}), so topogy will \
         not use the key in it: run `chmod 700 {path}`"
    )]
    InsecureKeyDir { path: String, mode: u32 },
    #[error(
        "the key file {path} is {what}, not a plain file, so topogy will not read it: remove it \
         (`rm {path}`) and set the key up again with `topogy`, or pipe the key in with \
         --key-stdin"
    )]
    NotAKeyFile { path: String, what: &'static str },
    #[error("{0}")]
    Storage(String),
}

/// A key found by [`resolve`], cleaned, with what the clean-up and shape checks found.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub key: ApiKey,
    pub source: KeySource,
    pub findings: Vec<Finding>,
    /// Where a stored key came from.
    pub backend: Option<Backend>,
}

/// Finds the key: `--key-stdin` first, then `TOPOGY_API_KEY`, then the stored key of
/// `profile`.
pub fn resolve(key_stdin: bool, profile: &str) -> Result<Resolved, KeyError> {
    let found = |text: &str, source| {
        let Inspection { key, findings } = inspect(text);
        Resolved {
            key,
            source,
            findings,
            backend: None,
        }
    };
    if key_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(KeyError::Stdin)?;
        if text.trim().is_empty() {
            return Err(KeyError::EmptyStdin);
        }
        // Every pipe (`echo`, `pass show`, a file) ends with one line break: that is how the
        // key arrives, not something wrong with it, so it goes without a notice.
        let line = text
            .strip_suffix('\n')
            .map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
        return Ok(found(line, KeySource::Stdin));
    }
    match std::env::var(KEY_ENV) {
        Ok(text) if !text.trim().is_empty() => return Ok(found(&text, KeySource::Env)),
        Err(std::env::VarError::NotUnicode(_)) => return Err(KeyError::EnvNotText),
        _ => {}
    }
    match storage::load(profile)? {
        Some((key, backend)) => Ok(Resolved {
            findings: inspect(key.expose()).findings,
            key,
            source: KeySource::from(&backend),
            backend: Some(backend),
        }),
        None => Err(KeyError::Missing),
    }
}

/// A path for messages and reports, with the home directory shown as `~` (reports get pasted
/// into tickets).
pub fn display_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    if let Some(home) = home
        && let Ok(rest) = path.strip_prefix(Path::new(&home))
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("  sk-ant-api01-CANARY-should-not-leak\n");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "sk-ant-api01-CANARY-should-not-leak");
        let mut text = SecretText::new("sk-ant-api01-CANARY");
        text.push_str("x");
        text.pop();
        assert_eq!(format!("{text:?}"), "SecretText(<19 characters>)");
    }

    #[test]
    fn the_fingerprint_is_short_stable_and_keyless() {
        let key = ApiKey::new("sk-ant-api01-CANARY-should-not-leak");
        let fp = key.fingerprint();
        assert_eq!(fp.len(), 11);
        assert!(fp.starts_with("fp:"));
        assert!(fp[3..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            fp,
            ApiKey::new(" sk-ant-api01-CANARY-should-not-leak ").fingerprint()
        );
        assert_ne!(fp, ApiKey::new("sk-ant-api01-other").fingerprint());
        // SHA-256("abc") starts ba7816bf.
        assert_eq!(ApiKey::new("abc").fingerprint(), "fp:ba7816bf");
    }
}
