//! Error answers in the platform-wide shape `{"type":"error","error":{…},"request_id":…}`.

use serde_json::{Value, json};

/// An error answer before it is stamped with a request id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    /// The `error.type` value, e.g. `invalid_request_error`.
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    /// Seconds for a `retry-after` header (429 only).
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `invalid_request_error`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request_error", message)
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

    /// The JSON body for this error.
    pub(crate) fn body(&self, request_id: &str) -> Value {
        json!({
            "type": "error",
            "error": { "type": self.kind, "message": self.message },
            "request_id": request_id,
        })
    }
}
