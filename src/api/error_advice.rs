//! The ordered fixes for each [`ApiError`], worded for the person at the keyboard.

use super::error::{ApiError, UnreachableKind};

const ACCESS_TOGGLE: &str = "At claude.ai, open Analytics → API keys and make sure the Access \
     switch for the Analytics API is on (when it is off, every key is refused).";
const COPIED_COMPLETELY: &str = "Copy the key again, completely, with no spaces, quotes or \
     line breaks around it.";
const PRIMARY_OWNER: &str = "Make sure the key was created by the Primary Owner of the \
     organization you expect (Owners and Admins cannot create Analytics keys).";
const ADMIN_KEY: &str = "This is an Admin API key (from the Claude Console); the Enterprise \
     Analytics API does not accept it.";
const MAKE_ANALYTICS_KEY: &str = "Ask the Primary Owner to create an Analytics API key at \
     claude.ai under Analytics → API keys (it carries the read:analytics scope).";

const MAKE_SCOPED_KEY: &str = "Create a key that carries the read:analytics scope: an \
     Enterprise Admin API key under claude.ai → Organization settings → API with read:analytics \
     ticked (keys look like sk-ant-api01-…).";

/// The fixes for `error`, most likely first.
pub(crate) fn fixes(error: &ApiError) -> Vec<&'static str> {
    match error {
        ApiError::KeyRejected {
            admin_key: true, ..
        } => vec![ADMIN_KEY, MAKE_ANALYTICS_KEY, ACCESS_TOGGLE],
        ApiError::KeyRejected { .. } => vec![ACCESS_TOGGLE, COPIED_COMPLETELY, PRIMARY_OWNER],
        ApiError::MissingScope { .. } => vec![MAKE_SCOPED_KEY, MAKE_ANALYTICS_KEY, ACCESS_TOGGLE],
        ApiError::EndpointMissing { .. } => vec![
            "Nothing to fix on your side: the key works, and the rest of the figures are shown.",
            "If you expected this data, ask your Anthropic account team whether the endpoint is \
             enabled for your organization.",
        ],
        ApiError::AccessDisabled { .. } => vec![
            ACCESS_TOGGLE,
            "Only the Primary Owner can change it; ask them if you cannot see the switch.",
        ],
        ApiError::KeyNotSendable => vec![COPIED_COMPLETELY],
        ApiError::RateLimited { .. } => vec![
            "Wait a minute and try again: the limit (60 requests a minute by default) is shared \
             by every key and every tool of the organization.",
            "If other tools poll the Analytics API, space them out, or ask your Anthropic \
             account team to raise the limit.",
        ],
        ApiError::DateNotYetAvailable { .. } => vec![
            "Pick an earlier date: engagement data appears one to three days after the day ends \
             (UTC).",
        ],
        ApiError::DateOutOfRange { .. } => vec![
            "Pick dates on or after 2026-01-01 and within the last 90 days for engagement data \
             (365 days for cost).",
            "Keep each request to 31 days or fewer.",
        ],
        ApiError::CursorInvalid { .. } => {
            vec!["Try again in a few minutes; pagination restarts from the first page."]
        }
        ApiError::RangeModeRefused { .. } => {
            vec!["Nothing to fix: topogy falls back to fetching one day at a time."]
        }
        ApiError::InvalidRequest { status: 400, .. } => vec![
            "Check the dates: engagement data exists from 2026-01-01 until one to three days \
             ago, and only as far back as the API still serves it.",
            "If the dates are right, update topogy; if it persists, report it with the request \
             id.",
        ],
        ApiError::InvalidRequest { .. } => {
            vec!["Update topogy; if it persists, report it with the request id."]
        }
        ApiError::Server { .. } => vec![
            "Try again in a few minutes.",
            "If it persists, contact Anthropic support and quote the request id.",
        ],
        ApiError::Unreachable { kind, .. } => match kind {
            UnreachableKind::Dns => vec![
                "Check the base URL (the default is https://api.anthropic.com).",
                "Check that this machine can resolve host names (DNS, VPN).",
            ],
            UnreachableKind::Tls => vec![
                "Check that the base URL uses https:// only for servers that speak TLS.",
                "If a corporate proxy inspects HTTPS, make its certificate trusted or bypass it \
                 for api.anthropic.com.",
            ],
            UnreachableKind::Connect => vec![
                "Check the network connection, proxy settings and firewall rules for \
                 api.anthropic.com on port 443.",
                "Check the base URL and port.",
            ],
            UnreachableKind::Timeout => vec![
                "Try again; the network or the API may be slow right now.",
                "Check proxy and firewall settings if it keeps happening.",
            ],
        },
        ApiError::Malformed { .. } => vec![
            "Check that the base URL points at the Analytics API and not at a proxy's login \
             page.",
            "Update topogy; if it persists, report it with the request id.",
        ],
        ApiError::InvalidConfig { .. } => vec![
            "Check --base-url / TOPOGY_BASE_URL: it must be an http(s) URL such as \
             https://api.anthropic.com.",
        ],
    }
}
