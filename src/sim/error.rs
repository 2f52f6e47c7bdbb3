//! Error answers in the platform-wide shape `{"type":"error","error":{…},"request_id":…}`.

use serde_json::{Value, json};

/// What a 400 is about, so a [`Wording`] variant can say it in other words (or none): the
/// client must act on the status alone, as the real API documents no wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Reason {
    /// A date past the latest available day (or today, or the future).
    TooRecent,
    /// A date before 2026-01-01 or older than the history, or a span too long.
    OutOfRange,
    /// A page cursor that does not match the query.
    Cursor,
    #[default]
    Other,
}

/// How the simulator words its 400 answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Wording {
    /// Messages that name the dates involved (the latest available day among them).
    #[default]
    Dated,
    /// Other words, no keywords a client could match, no dates.
    Reworded,
    /// The barest messages: "date is too recent", "date is out of range", "invalid request".
    Bare,
    /// No message at all: only the error type.
    Silent,
}

/// An error answer before it is stamped with a request id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    /// The `error.type` value, e.g. `invalid_request_error`.
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    /// Seconds for a `retry-after` header (429 only).
    pub(crate) retry_after: Option<u64>,
    pub(crate) reason: Reason,
}

impl ApiError {
    pub(crate) fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            retry_after: None,
            reason: Reason::Other,
        }
    }

    /// 400 `invalid_request_error`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request_error", message)
    }

    /// 400 for a date the API does not have yet.
    pub(crate) fn too_recent(message: impl Into<String>) -> Self {
        Self::invalid(message).because(Reason::TooRecent)
    }

    /// 400 for a date or span outside what the API serves.
    pub(crate) fn out_of_range(message: impl Into<String>) -> Self {
        Self::invalid(message).because(Reason::OutOfRange)
    }

    /// 400 for a page cursor that does not belong to the query.
    pub(crate) fn bad_cursor(message: impl Into<String>) -> Self {
        Self::invalid(message).because(Reason::Cursor)
    }

    fn because(mut self, reason: Reason) -> Self {
        self.reason = reason;
        self
    }

    /// The message as the simulator's `wording` says it (only 400s are reworded).
    pub(crate) fn worded(&self, wording: Wording) -> Option<String> {
        if self.status != 400 {
            return Some(self.message.clone());
        }
        let reworded = match (wording, self.reason) {
            (Wording::Dated, _) => return Some(self.message.clone()),
            (Wording::Silent, _) => return None,
            (Wording::Reworded, Reason::TooRecent) => {
                "Requested period extends past processed data."
            }
            (Wording::Reworded, Reason::OutOfRange) => "Requested period is not retained.",
            (Wording::Reworded, Reason::Cursor) => "Continuation token mismatch.",
            (Wording::Reworded, Reason::Other) => "Parameter validation failed.",
            (Wording::Bare, Reason::TooRecent) => "date is too recent",
            (Wording::Bare, Reason::OutOfRange) => "date is out of range",
            (Wording::Bare, _) => "invalid request",
        };
        Some(reworded.to_owned())
    }

    /// 429 `rate_limit_error` with a `retry-after` of `seconds`.
    pub(crate) fn rate_limited(seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                429,
                "rate_limit_error",
                "Rate limit exceeded. Too many requests.",
            )
        }
    }

    /// The JSON body for this error, worded as `wording` says.
    pub(crate) fn body(&self, request_id: &str, wording: Wording) -> Value {
        let error = match self.worded(wording) {
            Some(message) => json!({ "type": self.kind, "message": message }),
            None => json!({ "type": self.kind }),
        };
        json!({ "type": "error", "error": error, "request_id": request_id })
    }
}
