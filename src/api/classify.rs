//! Turning an HTTP status + error body, or a transport failure, into an [`ApiError`].
//!
//! The analytics error wording is undocumented, so the status and the error `type` decide what
//! a failure means; keywords in a message (cursor, too-recent date, out-of-range date, access
//! switched off, the scopes a key has) only refine the advice. Every caller treats any 400 as
//! a refused query ([`ApiError::is_refused_query`]), whatever variant its wording suggested.

use std::error::Error as StdError;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::error::{ApiError, UnreachableKind};
use super::redact::sanitize;

mod wording;

use wording::{
    any, is_dateish, latest_date_in, mentions_access_disabled, mentions_cursor, mentions_not_yet,
    mentions_out_of_range, scopes_in,
};

/// The parts of an error body worth keeping (platform shape
/// `{"type":"error","error":{"type","message"},"request_id"}`, or looser variants).
#[derive(Debug, Default, Clone)]
pub(crate) struct ErrorBody {
    pub kind: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

impl ErrorBody {
    pub(crate) fn parse(body: &[u8]) -> Self {
        let Ok(json) = serde_json::from_slice::<Value>(body) else {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            // An HTML error page from a proxy says nothing useful and is long.
            let message = (!text.is_empty() && !text.starts_with('<')).then(|| sanitize(text));
            return Self {
                message,
                ..Self::default()
            };
        };
        let str_at = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(sanitize);
        let (kind, message) = match json.get("error") {
            Some(Value::String(s)) => (None, Some(sanitize(s))),
            Some(inner @ Value::Object(_)) => (str_at(inner, "type"), str_at(inner, "message")),
            _ => (None, None),
        };
        Self {
            kind,
            message: message
                .or_else(|| str_at(&json, "message"))
                .or_else(|| str_at(&json, "detail")),
            request_id: str_at(&json, "request_id"),
        }
    }
}

/// Classifies a non-success HTTP answer. `retry_after` comes from the response header.
pub(crate) fn classify_status(
    status: u16,
    body: ErrorBody,
    request_id: Option<String>,
    retry_after: Option<Duration>,
) -> ApiError {
    let request_id = request_id.or(body.request_id);
    let server_message = body.message;
    let text = format!(
        "{} {}",
        server_message.as_deref().unwrap_or_default(),
        body.kind.as_deref().unwrap_or_default()
    )
    .to_lowercase();
    match status {
        401 | 403 | 404 if mentions_access_disabled(&text) => ApiError::AccessDisabled {
            status,
            request_id,
            server_message,
        },
        403 if body.kind.as_deref() == Some("permission_error") && !text.contains("api:admin") => {
            ApiError::MissingScope {
                status,
                granted: server_message.as_deref().map(scopes_in).unwrap_or_default(),
                request_id,
                server_message,
            }
        }
        401 | 403 | 404 => ApiError::KeyRejected {
            status,
            admin_key: text.contains("api:admin") || text.contains("admin api key"),
            request_id,
            server_message,
        },
        400 if mentions_cursor(&text) => ApiError::CursorInvalid {
            expired: false,
            request_id,
            server_message,
        },
        400 if is_dateish(&text) && mentions_not_yet(&text) => ApiError::DateNotYetAvailable {
            latest_available: server_message.as_deref().and_then(latest_date_in),
            request_id,
            server_message,
        },
        400 if is_dateish(&text) && mentions_out_of_range(&text) => ApiError::DateOutOfRange {
            request_id,
            server_message,
        },
        410 => ApiError::CursorInvalid {
            expired: true,
            request_id,
            server_message,
        },
        429 => ApiError::RateLimited {
            retry_after,
            request_id,
            server_message,
        },
        408 | 500..=599 => ApiError::Server {
            status,
            request_id,
            server_message,
        },
        _ => ApiError::InvalidRequest {
            status,
            request_id,
            server_message,
        },
    }
}

/// Reads `retry-after`: delay seconds (possibly fractional) or an HTTP-date.
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e7)));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// Classifies a failure with no HTTP answer by walking the error's source chain.
pub(crate) fn classify_transport(err: &reqwest::Error) -> ApiError {
    let mut parts: Vec<String> = Vec::new();
    let mut io_kinds = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        let text = e.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kinds.push(io.kind());
        }
        source = e.source();
    }
    let detail = sanitize(&parts.join(": "));
    // Classify on the causes only: the top message carries the URL, whose host name could
    // contain any of the keywords below.
    let text = parts
        .get(1..)
        .filter(|causes| !causes.is_empty())
        .map_or_else(|| detail.clone(), |causes| causes.join(": "))
        .to_lowercase();
    let kind = if err.is_timeout() || io_kinds.contains(&std::io::ErrorKind::TimedOut) {
        UnreachableKind::Timeout
    } else if any(
        &text,
        &[
            "dns error",
            "failed to lookup address",
            "name or service not known",
            "no such host",
            "nodename nor servname",
            "name resolution",
        ],
    ) {
        UnreachableKind::Dns
    } else if any(
        &text,
        &[
            "certificate",
            "tls",
            "ssl",
            "handshake",
            "corrupt message",
            "invalidcontenttype",
            "alert",
        ],
    ) || (err.is_connect() && io_kinds.contains(&std::io::ErrorKind::InvalidData))
    {
        UnreachableKind::Tls
    } else {
        UnreachableKind::Connect
    };
    ApiError::Unreachable { kind, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_400(message: &str) -> ApiError {
        let body = ErrorBody {
            kind: Some("invalid_request_error".to_owned()),
            message: Some(message.to_owned()),
            request_id: None,
        };
        classify_status(400, body, None, None)
    }

    #[test]
    fn four_hundreds_are_told_apart_by_their_wording() {
        let not_yet = [
            "Data for 2026-03-20 is not yet available. The most recent available date is 2026-03-17.",
            "`date` 2026-03-20 is today or in the future (today is 2026-03-20 UTC).",
            "`starting_at` must be in the past.",
            "ending_date 2026-06-21 is after today (2026-06-20 UTC).",
        ];
        for m in not_yet {
            assert!(
                matches!(classify_400(m), ApiError::DateNotYetAvailable { .. }),
                "{m}"
            );
        }
        let out_of_range = [
            "`date` 2025-12-31 is before 2026-01-01; analytics data starts on 2026-01-01.",
            "Data for 2026-01-02 is outside the 90-day history window.",
            "`starting_at` must be within the last 365 days.",
            "date must be within the past 90 days",
            "The date range may span at most 31 days (`ending_date` - `starting_date`).",
        ];
        for m in out_of_range {
            assert!(
                matches!(classify_400(m), ApiError::DateOutOfRange { .. }),
                "{m}"
            );
        }
        let cursor = [
            "Invalid page cursor; pass `next_page` from the previous response unchanged.",
            "The page token does not match the query parameters.",
        ];
        for m in cursor {
            assert!(
                matches!(
                    classify_400(m),
                    ApiError::CursorInvalid { expired: false, .. }
                ),
                "{m}"
            );
        }
        let other = [
            "Unknown query parameter `starting_date` for this endpoint.",
            "Use either `date` or `starting_date`, not both.",
            "limit must be at most 1000",
            "group_by[] value `token_type` is not supported on usage_report",
        ];
        for m in other {
            assert!(
                matches!(
                    classify_400(m),
                    ApiError::InvalidRequest { status: 400, .. }
                ),
                "{m}"
            );
        }
    }

    #[test]
    fn retry_after_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let Some(now) = now else { return };
        assert_eq!(parse_retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(
            parse_retry_after(" 1.5 ", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Sun, 01 Mar 2026 12:00:20 GMT", now),
            Some(Duration::from_secs(20))
        );
        assert_eq!(
            parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn error_bodies_in_several_shapes() {
        let platform = ErrorBody::parse(
            br#"{"type":"error","error":{"type":"not_found_error","message":"nope"},"request_id":"req_1"}"#,
        );
        assert_eq!(platform.kind.as_deref(), Some("not_found_error"));
        assert_eq!(platform.message.as_deref(), Some("nope"));
        assert_eq!(platform.request_id.as_deref(), Some("req_1"));
        assert_eq!(
            ErrorBody::parse(br#"{"error":"flat"}"#).message.as_deref(),
            Some("flat")
        );
        assert_eq!(
            ErrorBody::parse(br#"{"message":"top"}"#).message.as_deref(),
            Some("top")
        );
        assert_eq!(ErrorBody::parse(b"<html>proxy</html>").message, None);
        assert_eq!(ErrorBody::parse(b"").message, None);
    }
}
