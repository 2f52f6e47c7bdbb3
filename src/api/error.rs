//! What went wrong talking to the API, classified into causes a person can act on.
//!
//! Every variant's message is advice; none can contain the key, because the key is never
//! handed to this module. Server messages are kept (trimmed, with anything that looks like a
//! key masked) because support staff need them verbatim.

use std::time::Duration;

use chrono::NaiveDate;

use crate::exit::ExitCode;

/// Why the API could not be reached at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnreachableKind {
    /// The host name did not resolve.
    Dns,
    /// The TLS handshake failed (proxy, certificate, or a plain-HTTP port).
    Tls,
    /// The TCP connection was refused or dropped.
    Connect,
    /// No answer within the timeout.
    Timeout,
}

/// A failed API call. See [`ApiError::exit_code`], [`ApiError::cause`], [`ApiError::fixes`].
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// 401/403/404: the key is wrong, revoked, lacks `read:analytics`, or is an Admin key.
    #[error("{}{}", key_rejected_text(*admin_key, *status), rid(request_id))]
    KeyRejected {
        status: u16,
        /// True when the server named the `api:admin` scope: an Admin API key was used.
        admin_key: bool,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// 403 `permission_error`: the key authenticated but lacks the `read:analytics` scope
    /// (an Enterprise Admin API key made with other scopes). `granted` lists the scopes the
    /// server said the key has, when it said so.
    #[error(
        "the key was recognised but may not read analytics: it lacks the read:analytics scope{} \
         (HTTP {status}); create a key that has it{}",
        scope_list(granted),
        rid(request_id)
    )]
    MissingScope {
        status: u16,
        granted: Vec<String>,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// A 404 from one endpoint while `/summaries` accepts the same key: the endpoint is not
    /// offered to this organization (a newer endpoint not yet enabled, or a retired one).
    #[error(
        "the API does not offer {path} to this organization (HTTP 404), although it accepts \
         the key; the figures that need it are left out{}",
        rid(request_id)
    )]
    EndpointMissing {
        path: String,
        request_id: Option<String>,
    },
    /// 401/403/404 saying Analytics API access is disabled for the organization.
    #[error(
        "the organization's Analytics API access is turned off (HTTP {status}): the Primary \
         Owner must switch Access on under Analytics → API keys at claude.ai{}",
        rid(request_id)
    )]
    AccessDisabled {
        status: u16,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// The key contains characters that cannot be sent in an HTTP header, or is far too long
    /// to be a key.
    #[error(
        "the key contains a line break or other character that cannot be sent, or is far too \
         long to be a key: copy it again from Analytics → API keys, completely and with \
         nothing around it"
    )]
    KeyNotSendable,
    /// 429 after every retry (or a `retry-after` too long to wait out).
    #[error(
        "the organization's Analytics API rate limit is used up (it is shared by every key and \
         tool of the organization){}; wait and try again{}",
        retry_after.map(|d| format!(", the server asked to wait {}s", d.as_secs())).unwrap_or_default(),
        rid(request_id)
    )]
    RateLimited {
        retry_after: Option<Duration>,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// 400: the date is today, in the future, or past the latest aggregated day.
    #[error(
        "data for that date is not available yet{}; engagement data trails by a few days{}",
        latest_available.map(|d| format!(" (the latest available day is {d})")).unwrap_or_default(),
        rid(request_id)
    )]
    DateNotYetAvailable {
        latest_available: Option<NaiveDate>,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// 400: before 2026-01-01, outside the 90/365-day history, or a span over 31 days.
    #[error(
        "the requested dates are outside what the API serves (nothing before 2026-01-01, \
         engagement about 90 days back, cost 365 days back, at most 31 days per request){}",
        rid(request_id)
    )]
    DateOutOfRange {
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// 410, or a 400 about the page cursor, that kept happening after restarting pagination.
    #[error(
        "the API kept refusing its own page cursor ({}) after restarting from page 1; try again later{}",
        if *expired { "expired" } else { "does not match the query" },
        rid(request_id)
    )]
    CursorInvalid {
        expired: bool,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// The server answered 400 to a date-range (`starting_date`/`ending_date`) `/users` query:
    /// fall back to one request per day.
    #[error(
        "the API does not accept date ranges for per-person activity; fetch day by day{}",
        rid(request_id)
    )]
    RangeModeRefused {
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// Any other 4xx.
    #[error(
        "the API refused the request (HTTP {status}{}); {}{}",
        server_message.as_deref().map(|m| format!(": {m}")).unwrap_or_default(),
        refused_text(*status),
        rid(request_id)
    )]
    InvalidRequest {
        status: u16,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// 5xx (500, 503, 504, 529, …) after every retry.
    #[error(
        "the Analytics API had a server error (HTTP {status}) and kept failing after retries; \
         try again later, and if it persists contact Anthropic support with the request id{}",
        rid(request_id)
    )]
    Server {
        status: u16,
        request_id: Option<String>,
        server_message: Option<String>,
    },
    /// No HTTP answer: DNS, TLS, connection or timeout.
    #[error("{}: {detail}", unreachable_text(*kind))]
    Unreachable {
        kind: UnreachableKind,
        detail: String,
    },
    /// A 2xx whose body is not the documented JSON.
    #[error(
        "the API answered with something that is not the expected JSON ({detail}); a proxy may \
         be in the way, or the API changed — please report it{}",
        rid(request_id)
    )]
    Malformed {
        detail: String,
        request_id: Option<String>,
    },
    /// The client could not be set up (e.g. an unusable base URL).
    #[error("cannot set up the API client: {detail}")]
    InvalidConfig { detail: String },
}

fn rid(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|r| format!(" (request id {r})"))
        .unwrap_or_default()
}

fn refused_text(status: u16) -> &'static str {
    if status == 400 {
        "the key works, but the API does not serve what was asked — usually dates it does not \
         hold (before 2026-01-01, older than its history, or more recent than its latest day)"
    } else {
        "this is likely a topogy bug — please report it"
    }
}

fn scope_list(granted: &[String]) -> String {
    if granted.is_empty() {
        String::new()
    } else {
        format!(" (it has {})", granted.join(", "))
    }
}

fn key_rejected_text(admin_key: bool, status: u16) -> String {
    if admin_key {
        format!(
            "this is an Admin API key (HTTP {status}), which cannot read Enterprise analytics: \
             the Primary Owner creates an Analytics API key at claude.ai under Analytics → API keys"
        )
    } else {
        format!(
            "the API rejected the key (HTTP {status}): check that Access is switched on under \
             Analytics → API keys, that the key was copied completely with no spaces or line \
             breaks, and that it was created by the Primary Owner of the organization you expect"
        )
    }
}

fn unreachable_text(kind: UnreachableKind) -> &'static str {
    match kind {
        UnreachableKind::Dns => "cannot resolve the API host name; check the base URL and DNS",
        UnreachableKind::Tls => {
            "the secure (TLS) connection to the API failed; check the base URL's scheme and \
             any proxy or firewall that intercepts HTTPS"
        }
        UnreachableKind::Connect => {
            "cannot connect to the API; check the network, proxy and firewall"
        }
        UnreachableKind::Timeout => {
            "the API did not answer in time; check the network or try again later"
        }
    }
}

impl ApiError {
    /// Process exit status for `verify`/`doctor`/`export` (see PRODUCT.md).
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::KeyRejected { .. }
            | Self::MissingScope { .. }
            | Self::AccessDisabled { .. }
            | Self::KeyNotSendable => ExitCode::KeyRejected,
            Self::Unreachable { .. } => ExitCode::Unreachable,
            Self::RateLimited { .. }
            | Self::Server { .. }
            | Self::Malformed { .. }
            | Self::EndpointMissing { .. } => ExitCode::ApiError,
            Self::InvalidConfig { .. } => ExitCode::Usage,
            Self::DateNotYetAvailable { .. }
            | Self::DateOutOfRange { .. }
            | Self::CursorInvalid { .. }
            | Self::RangeModeRefused { .. }
            | Self::InvalidRequest { .. } => ExitCode::Other,
        }
    }

    /// A short title for the cause, for headings and the status pane.
    pub fn cause(&self) -> &'static str {
        match self {
            Self::KeyRejected {
                admin_key: true, ..
            } => "Admin API key used",
            Self::KeyRejected { .. } => "key rejected",
            Self::MissingScope { .. } => "key lacks the read:analytics scope",
            Self::EndpointMissing { .. } => "endpoint not offered",
            Self::AccessDisabled { .. } => "Analytics API access is off",
            Self::KeyNotSendable => "key contains invalid characters",
            Self::RateLimited { .. } => "rate limited",
            Self::DateNotYetAvailable { .. } => "date not available yet",
            Self::DateOutOfRange { .. } => "date outside the available history",
            Self::CursorInvalid { .. } => "page cursor refused",
            Self::RangeModeRefused { .. } => "date ranges not supported",
            Self::InvalidRequest { .. } => "request refused",
            Self::Server { .. } => "API server error",
            Self::Unreachable { kind, .. } => match kind {
                UnreachableKind::Dns => "host name not found",
                UnreachableKind::Tls => "TLS handshake failed",
                UnreachableKind::Connect => "cannot connect",
                UnreachableKind::Timeout => "request timed out",
            },
            Self::Malformed { .. } => "unexpected response",
            Self::InvalidConfig { .. } => "invalid client settings",
        }
    }

    /// What to do about it, most likely fix first.
    pub fn fixes(&self) -> Vec<&'static str> {
        super::error_advice::fixes(self)
    }

    /// The server's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::KeyRejected { request_id, .. }
            | Self::MissingScope { request_id, .. }
            | Self::EndpointMissing { request_id, .. }
            | Self::AccessDisabled { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::DateNotYetAvailable { request_id, .. }
            | Self::DateOutOfRange { request_id, .. }
            | Self::CursorInvalid { request_id, .. }
            | Self::RangeModeRefused { request_id, .. }
            | Self::InvalidRequest { request_id, .. }
            | Self::Server { request_id, .. }
            | Self::Malformed { request_id, .. } => request_id.as_deref(),
            Self::KeyNotSendable | Self::Unreachable { .. } | Self::InvalidConfig { .. } => None,
        }
    }

    /// The server's own wording, when it sent one.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::KeyRejected { server_message, .. }
            | Self::MissingScope { server_message, .. }
            | Self::AccessDisabled { server_message, .. }
            | Self::RateLimited { server_message, .. }
            | Self::DateNotYetAvailable { server_message, .. }
            | Self::DateOutOfRange { server_message, .. }
            | Self::CursorInvalid { server_message, .. }
            | Self::RangeModeRefused { server_message, .. }
            | Self::InvalidRequest { server_message, .. }
            | Self::Server { server_message, .. } => server_message.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::KeyRejected { status, .. }
            | Self::MissingScope { status, .. }
            | Self::AccessDisabled { status, .. }
            | Self::InvalidRequest { status, .. }
            | Self::Server { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            Self::DateNotYetAvailable { .. }
            | Self::DateOutOfRange { .. }
            | Self::RangeModeRefused { .. } => Some(400),
            Self::CursorInvalid { expired, .. } => Some(if *expired { 410 } else { 400 }),
            Self::EndpointMissing { .. } => Some(404),
            _ => None,
        }
    }

    /// A 400: the server understood the key and refused the query itself (a date it does not
    /// serve, a range, a cursor, a parameter). Decided by the status alone, because the API
    /// documents no wording; the variants that wording suggested are only refinements.
    pub fn is_refused_query(&self) -> bool {
        self.status() == Some(400)
    }

    /// The latest available day, when the server's message happened to name one. A hint to
    /// save a request, never something to depend on.
    pub fn latest_day_hint(&self) -> Option<NaiveDate> {
        match self {
            Self::DateNotYetAvailable {
                latest_available, ..
            } => *latest_available,
            _ => None,
        }
    }

    /// Whether trying the same request later may succeed (the client already retried; this is
    /// for callers that schedule work, like the sync engine).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Server { .. } | Self::CursorInvalid { .. } => true,
            Self::Unreachable { kind, .. } => {
                matches!(kind, UnreachableKind::Connect | UnreachableKind::Timeout)
            }
            _ => false,
        }
    }
}
