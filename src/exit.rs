//! The exit statuses of the command-line contract (PRODUCT.md, README): one enum, the numbers
//! fixed.

use serde::{Serialize, Serializer};

/// How a `topogy` command ends. Scripts and service managers read these numbers: never
/// renumber one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// 0: it worked (also a store served offline, and a collector stopped by a signal).
    Ok,
    /// 1: anything else (a damaged store, no key, a bad config file …).
    Other,
    /// 2: a usage error, found before any request.
    Usage,
    /// 3: the key was rejected (401/403/404, a missing scope, Access turned off).
    KeyRejected,
    /// 4: the API could not be reached (DNS, TLS, connect, timeout).
    Unreachable,
    /// 5: the API answered with an error (rate limit after retries, 5xx, malformed).
    ApiError,
    /// Ended by a signal: 128 + its number, as a shell reports a process a signal ended.
    Signal(i32),
}

impl ExitCode {
    /// The number the process exits with.
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Ok => 0,
            ExitCode::Other => 1,
            ExitCode::Usage => 2,
            ExitCode::KeyRejected => 3,
            ExitCode::Unreachable => 4,
            ExitCode::ApiError => 5,
            ExitCode::Signal(number) => 128 + number,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(u8::try_from(code.code()).unwrap_or(1))
    }
}

/// Tests and scripts compare with the documented numbers.
impl PartialEq<i32> for ExitCode {
    fn eq(&self, other: &i32) -> bool {
        self.code() == *other
    }
}

impl std::fmt::Display for ExitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// In `--json` reports the status is the number.
impl Serialize for ExitCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_numbers_are_the_documented_ones() {
        let codes = [
            ExitCode::Ok,
            ExitCode::Other,
            ExitCode::Usage,
            ExitCode::KeyRejected,
            ExitCode::Unreachable,
            ExitCode::ApiError,
            ExitCode::Signal(15),
        ]
        .map(ExitCode::code);
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 143]);
    }
}
