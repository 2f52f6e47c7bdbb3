//! Local checks of pasted key text, made before any request: what was cleaned up, what looks wrong.
//!
//! A pasted key often carries spaces, line breaks or quotes from wherever it was copied; those
//! are removed with a notice. A key that is clearly the wrong kind (an Admin API key) or cannot
//! be sent at all is stopped here; an odd length or alphabet is only warned about, because the
//! Analytics key format is not documented.

use std::fmt;

use super::ApiKey;

/// The prefix of an Admin API key (Claude Console), which the Analytics API refuses.
pub const ADMIN_PREFIX: &str = "sk-ant-admin";
/// Every Anthropic key seen so far starts with this.
const ANTHROPIC_PREFIX: &str = "sk-ant-";
/// Keys reported for the Analytics API are about 100–110 characters long; far shorter usually
/// means a truncated copy.
const MIN_PLAUSIBLE_LEN: usize = 60;
const MAX_PLAUSIBLE_LEN: usize = 250;
/// Longer than this is not a key at all (a whole file or page was pasted): never sent.
pub const MAX_KEY_LEN: usize = 512;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fixed automatically; said so the person knows what was sent.
    Notice,
    /// Suspicious, but the key is still tried.
    Warning,
    /// The key is not sent: it cannot work.
    Blocking,
}

/// One thing the local checks noticed. Never holds any of the key's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Spaces, tabs or line breaks around the key were removed.
    SurroundingWhitespace,
    /// Line breaks or spaces inside the key (a wrapped copy) were removed.
    InnerWhitespace,
    /// Quotes around the key were removed.
    Quotes,
    /// Invisible characters (zero-width spaces, byte-order marks) were removed.
    Invisible,
    /// Nothing is left.
    Empty,
    /// An Admin API key (`sk-ant-admin…`): the wrong kind of key.
    AdminKey,
    /// Does not start with `sk-ant-`.
    UnknownPrefix,
    /// Shorter than any Analytics key seen: probably cut off while copying.
    TooShort { len: usize },
    /// Much longer than an Analytics key: probably more than the key was copied.
    TooLong { len: usize },
    /// Printable characters a key never contains (e.g. `.` or `/`).
    OddCharacters,
    /// Characters that cannot travel in an HTTP header (typographic quotes, accented letters).
    Unsendable,
}

impl Finding {
    /// How much this finding matters.
    pub fn severity(&self) -> Severity {
        match self {
            Finding::SurroundingWhitespace
            | Finding::InnerWhitespace
            | Finding::Quotes
            | Finding::Invisible => Severity::Notice,
            Finding::TooLong { len } if *len > MAX_KEY_LEN => Severity::Blocking,
            Finding::UnknownPrefix
            | Finding::TooShort { .. }
            | Finding::TooLong { .. }
            | Finding::OddCharacters => Severity::Warning,
            Finding::Empty | Finding::AdminKey | Finding::Unsendable => Severity::Blocking,
        }
    }

    /// A stable name for JSON output and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Finding::SurroundingWhitespace => "surrounding_whitespace",
            Finding::InnerWhitespace => "inner_whitespace",
            Finding::Quotes => "quotes",
            Finding::Invisible => "invisible_characters",
            Finding::Empty => "empty",
            Finding::AdminKey => "admin_key",
            Finding::UnknownPrefix => "unknown_prefix",
            Finding::TooShort { .. } => "too_short",
            Finding::TooLong { .. } => "too_long",
            Finding::OddCharacters => "odd_characters",
            Finding::Unsendable => "unsendable_characters",
        }
    }

    /// True when the finding says the copy itself may be damaged (checklist step 2).
    pub fn suggests_bad_copy(&self) -> bool {
        matches!(
            self,
            Finding::TooShort { .. }
                | Finding::TooLong { .. }
                | Finding::OddCharacters
                | Finding::Unsendable
                | Finding::Empty
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::SurroundingWhitespace => f.write_str(
                "removed spaces or line breaks around the key (they come with the copy, \
                 not with the key)",
            ),
            Finding::InnerWhitespace => f.write_str(
                "removed line breaks or spaces inside the key (a wrapped copy); if the key \
                 is still refused, copy it again in one piece",
            ),
            Finding::Quotes => f.write_str("removed the quotes around the key"),
            Finding::Invisible => {
                f.write_str("removed invisible characters (zero-width spaces) from the copy")
            }
            Finding::Empty => f.write_str("no key: paste the key from Analytics → API keys"),
            Finding::AdminKey => f.write_str(
                "this is an Admin API key (sk-ant-admin…) from the Claude Console; the \
                 Analytics API refuses it. The Primary Owner creates the right key at claude.ai \
                 → Analytics → API keys",
            ),
            Finding::UnknownPrefix => f.write_str(
                "this does not look like an Anthropic key (those start with sk-ant-); check \
                 that the whole key was copied from Analytics → API keys",
            ),
            Finding::TooShort { len } => write!(
                f,
                "only {len} characters: Analytics keys are about 100; it may have been cut \
                 off while copying"
            ),
            Finding::TooLong { len } if *len > MAX_KEY_LEN => write!(
                f,
                "{len} characters: far longer than any key (at most {MAX_KEY_LEN}), so it is not \
                 sent; copy only the key from Analytics → API keys"
            ),
            Finding::TooLong { len } => write!(
                f,
                "{len} characters: much longer than an Analytics key; something else may have \
                 been copied with it"
            ),
            Finding::OddCharacters => f.write_str(
                "contains characters a key never has (keys are letters, digits, - and _)",
            ),
            Finding::Unsendable => f.write_str(
                "contains characters that cannot be sent (typographic quotes, accented or other \
                 non-ASCII letters): copy the key again from Analytics → API keys",
            ),
        }
    }
}

/// The key as it will be sent, and what the local checks found.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub key: ApiKey,
    pub findings: Vec<Finding>,
}

impl Inspection {
    /// True when something stops the key from being sent.
    pub fn is_blocked(&self) -> bool {
        self.worst() == Some(Severity::Blocking)
    }

    /// The most serious finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(Finding::severity).max()
    }

    /// Findings of one severity.
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.severity() == severity)
    }

    /// Number of characters that will be sent.
    pub fn len(&self) -> usize {
        self.key.expose().chars().count()
    }

    /// True when nothing will be sent.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{00AB}'
            | '\u{00BB}'
    )
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Cleans pasted or typed key text and checks its shape. Never fails: every problem becomes a
/// [`Finding`].
pub fn inspect(raw: &str) -> Inspection {
    let mut findings = Vec::new();
    let mut text: String = raw.chars().filter(|c| !is_invisible(*c)).collect();
    if text.len() != raw.len() {
        findings.push(Finding::Invisible);
    }
    // Peel whitespace and quotes from both ends, in whatever order they were wrapped.
    let (mut trimmed_space, mut trimmed_quotes) = (false, false);
    loop {
        let before = text.len();
        let stripped = text.trim();
        if stripped.len() != text.len() {
            trimmed_space = true;
            text = stripped.to_owned();
        }
        let first_last = (text.chars().next(), text.chars().last());
        if let (Some(a), Some(b)) = first_last
            && is_quote(a)
            && is_quote(b)
            && text.chars().count() >= 2
        {
            let inner: String = {
                let mut chars = text.chars();
                chars.next();
                chars.next_back();
                chars.collect()
            };
            text = inner;
            trimmed_quotes = true;
        }
        if text.len() == before {
            break;
        }
    }
    if trimmed_space {
        findings.push(Finding::SurroundingWhitespace);
    }
    if trimmed_quotes {
        findings.push(Finding::Quotes);
    }
    if text.chars().any(char::is_whitespace) {
        text.retain(|c| !c.is_whitespace());
        findings.push(Finding::InnerWhitespace);
    }
    let len = text.chars().count();
    if len == 0 {
        findings.push(Finding::Empty);
    } else if text.starts_with(ADMIN_PREFIX) {
        findings.push(Finding::AdminKey);
    } else {
        if !text.starts_with(ANTHROPIC_PREFIX) {
            findings.push(Finding::UnknownPrefix);
        }
        if len < MIN_PLAUSIBLE_LEN {
            findings.push(Finding::TooShort { len });
        } else if len > MAX_PLAUSIBLE_LEN {
            findings.push(Finding::TooLong { len });
        }
    }
    if text.chars().any(|c| !c.is_ascii_graphic()) {
        findings.push(Finding::Unsendable);
    } else if text
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        findings.push(Finding::OddCharacters);
    }
    Inspection {
        key: ApiKey::exact(text),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "sk-ant-api01-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijklmnopqrstu";

    fn codes(raw: &str) -> Vec<&'static str> {
        inspect(raw).findings.iter().map(Finding::code).collect()
    }

    #[test]
    fn a_clean_key_has_no_findings() {
        let found = inspect(GOOD);
        assert!(found.findings.is_empty(), "{:?}", found.findings);
        assert_eq!(found.key.expose(), GOOD);
    }

    #[test]
    fn whitespace_quotes_and_wrapping_are_removed_with_notices() {
        let found = inspect(&format!("  \"{GOOD}\"\r\n"));
        assert_eq!(found.key.expose(), GOOD);
        assert_eq!(
            codes(&format!("  \"{GOOD}\"\r\n")),
            ["surrounding_whitespace", "quotes"]
        );
        assert_eq!(found.worst(), Some(Severity::Notice));
        let wrapped = format!("{}\n{}", &GOOD[..40], &GOOD[40..]);
        assert_eq!(inspect(&wrapped).key.expose(), GOOD);
        assert_eq!(codes(&wrapped), ["inner_whitespace"]);
        let smart = format!("\u{201C}{GOOD}\u{201D}\u{200B}");
        assert_eq!(inspect(&smart).key.expose(), GOOD);
        assert_eq!(codes(&smart), ["invisible_characters", "quotes"]);
    }

    #[test]
    fn wrong_keys_are_named() {
        assert_eq!(codes("sk-ant-admin01-xyz"), ["admin_key"]);
        assert!(inspect("sk-ant-admin01-xyz").is_blocked());
        assert_eq!(codes("   "), ["surrounding_whitespace", "empty"]);
        assert_eq!(codes(&GOOD[..30]), ["too_short"]);
        assert_eq!(codes(&GOOD.repeat(3)), ["too_long"]);
        assert_eq!(codes(&format!("ghp_{}", &GOOD[7..])), ["unknown_prefix"]);
        assert_eq!(codes(&format!("{GOOD}/x")), ["odd_characters"]);
        let accented = format!("{GOOD}é");
        assert_eq!(codes(&accented), ["unsendable_characters"]);
        assert!(inspect(&accented).is_blocked());
    }

    #[test]
    fn findings_never_quote_the_key() {
        let secret = "sk-ant-api01-CANARY";
        for finding in inspect(&format!(" '{secret}/é' ")).findings {
            assert!(!finding.to_string().contains("CANARY"));
            assert!(!format!("{finding:?}").contains("CANARY"));
        }
    }
}
