//! The API key: where it comes from and the secret type that keeps it out of every output.

use std::fmt;
use std::io::Read;

use secrecy::{ExposeSecret, SecretString};

/// Environment variable that may carry the key (second in line after `--key-stdin`).
pub const KEY_ENV: &str = "TOPOGY_API_KEY";

/// An Analytics API key. It has no `Debug`/`Display` that reveals it: the only way to read
/// the text is [`ApiKey::expose`], which the HTTP client calls when it sets `x-api-key`.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps key text, trimming surrounding whitespace and line breaks (a pasted key often
    /// carries them; the API would reject them).
    pub fn new(text: &str) -> Self {
        Self(SecretString::from(text.trim().to_owned()))
    }

    /// The key text, for the one place that must send it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when no key text is present.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
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
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stdin => "standard input (--key-stdin)",
            Self::Env => "the TOPOGY_API_KEY environment variable",
            Self::Demo => "the built-in simulator (--demo)",
        })
    }
}

/// Why no key could be found, worded as advice.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no API key was given: pipe it in with --key-stdin or set TOPOGY_API_KEY \
         (never pass a key as a command-line argument), or use --demo to try the simulator"
    )]
    Missing,
    #[error("--key-stdin was given but standard input held no key")]
    EmptyStdin,
    #[error("could not read the key from standard input: {0}")]
    Stdin(std::io::Error),
}

/// Finds the key: `--key-stdin` first, then `TOPOGY_API_KEY`.
pub fn resolve(key_stdin: bool) -> Result<(ApiKey, KeySource), KeyError> {
    if key_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(KeyError::Stdin)?;
        let key = ApiKey::new(&text);
        return if key.is_empty() {
            Err(KeyError::EmptyStdin)
        } else {
            Ok((key, KeySource::Stdin))
        };
    }
    match std::env::var(KEY_ENV) {
        Ok(text) if !text.trim().is_empty() => Ok((ApiKey::new(&text), KeySource::Env)),
        _ => Err(KeyError::Missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("  sk-ant-api01-CANARY-should-not-leak\n");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "sk-ant-api01-CANARY-should-not-leak");
    }
}
