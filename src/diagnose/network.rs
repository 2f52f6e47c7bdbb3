//! The network under the API: proxy variables, DNS, TCP connect, TLS and HTTP without the key,
//! and the clock against the server's `Date` header.
//!
//! The HTTP check sends no key on purpose: it separates "the network is broken" from "the key is
//! refused", and its answer carries the server's clock.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{Check, CheckStatus};
use crate::api::ApiError;
use crate::api::classify::classify_transport;
use crate::api::sanitize;
use crate::exit::ExitCode;

/// How long each network step may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(8);
/// A clock this far off the server's is worth a warning; twice as far, an error (day
/// boundaries and "today" are computed locally).
const SKEW_WARN_SECS: i64 = 60;
const SKEW_FAIL_SECS: i64 = 300;

/// Where the base URL points.
#[derive(Debug, Clone)]
pub struct Target {
    pub https: bool,
    pub host: String,
    pub port: u16,
}

impl Target {
    /// Parses the base URL; the error is worded as advice.
    pub fn parse(base_url: &str) -> Result<Target, String> {
        let url = reqwest::Url::parse(base_url.trim())
            .map_err(|e| format!("the base URL {base_url:?} is not a URL ({e})"))?;
        let host = url
            .host_str()
            .ok_or_else(|| format!("the base URL {base_url:?} has no host"))?
            .trim_matches(['[', ']'])
            .to_owned();
        Ok(Target {
            https: url.scheme() == "https",
            port: url.port_or_known_default().unwrap_or(443),
            host,
        })
    }
}

/// The proxy variables reqwest honours, with any credentials in them masked.
pub fn proxy_settings() -> Vec<(String, String)> {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ]
    .iter()
    .filter_map(|name| {
        let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
        Some(((*name).to_owned(), mask_credentials(&value)))
    })
    .collect()
}

pub use crate::api::mask_credentials;

/// The proxy check: what is set, and whether the API's host bypasses it.
pub fn proxy_check() -> Check {
    let settings = proxy_settings();
    if settings.is_empty() {
        return Check::pass(
            "proxy",
            "Proxy",
            "no proxy variables set; direct connection",
        );
    }
    let shown: Vec<String> = settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Check::pass(
        "proxy",
        "Proxy",
        &format!(
            "{} (requests to the API go through it unless NO_PROXY names the host)",
            shown.join(" ")
        ),
    )
}

/// True when a proxy variable could apply to `target` (the direct DNS/connect checks then
/// only inform).
fn proxied(target: &Target) -> bool {
    let settings = proxy_settings();
    let names: &[&str] = if target.https {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let set = settings.iter().any(|(k, _)| names.contains(&k.as_str()));
    let bypassed = settings
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("no_proxy"))
        .flat_map(|(_, v)| {
            v.split(',')
                .map(str::trim)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .any(|entry| {
            entry == "*" || {
                let entry = entry.trim_start_matches('.');
                !entry.is_empty()
                    && (target.host == entry || target.host.ends_with(&format!(".{entry}")))
            }
        });
    set && !bypassed
}

fn unreachable(check: &mut Check, error: &ApiError) {
    check.fail(error, error.exit_code());
}

/// Resolves the host; returns the addresses for the connect check.
pub async fn dns_check(target: &Target) -> (Check, Vec<SocketAddr>) {
    if let Ok(ip) = target.host.parse::<IpAddr>() {
        return (
            Check::pass(
                "dns",
                "DNS",
                &format!("{ip} is an address; nothing to resolve"),
            ),
            vec![SocketAddr::new(ip, target.port)],
        );
    }
    let started = Instant::now();
    let lookup = tokio::time::timeout(
        STEP_TIMEOUT,
        tokio::net::lookup_host((target.host.as_str(), target.port)),
    )
    .await;
    let mut check = Check::pass("dns", "DNS", "");
    match lookup {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            let shown: Vec<String> = addrs.iter().take(3).map(|a| a.ip().to_string()).collect();
            check.summary = format!(
                "{} → {} in {} ms",
                target.host,
                shown.join(", "),
                started.elapsed().as_millis()
            );
            (check, addrs)
        }
        Ok(Err(e)) => {
            let error = ApiError::Unreachable {
                kind: crate::api::UnreachableKind::Dns,
                detail: e.to_string(),
            };
            check.summary = format!("cannot resolve {}", target.host);
            unreachable(&mut check, &error);
            soften_if_proxied(&mut check, target);
            (check, Vec::new())
        }
        Err(_) => {
            let error = ApiError::Unreachable {
                kind: crate::api::UnreachableKind::Dns,
                detail: format!("no answer within {} s", STEP_TIMEOUT.as_secs()),
            };
            check.summary = format!("resolving {} timed out", target.host);
            unreachable(&mut check, &error);
            soften_if_proxied(&mut check, target);
            (check, Vec::new())
        }
    }
}

fn soften_if_proxied(check: &mut Check, target: &Target) {
    if proxied(target) {
        check.status = CheckStatus::Warn;
        check.exit_code = ExitCode::Ok;
        check
            .summary
            .push_str(" directly (requests go through the proxy, which may resolve it)");
    }
}

/// Opens a TCP connection to the first address.
pub async fn connect_check(target: &Target, addrs: &[SocketAddr]) -> Check {
    let mut check = Check::pass("connect", "Connect", "");
    let Some(addr) = addrs.first() else {
        check.status = CheckStatus::Skip;
        check.summary = "skipped: no address to connect to".to_owned();
        return check;
    };
    let started = Instant::now();
    match tokio::time::timeout(STEP_TIMEOUT, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(_stream)) => {
            check.summary = format!("TCP {addr} open in {} ms", started.elapsed().as_millis());
        }
        Ok(Err(e)) => {
            check.summary = format!("TCP {addr}: {e}");
            let error = ApiError::Unreachable {
                kind: crate::api::UnreachableKind::Connect,
                detail: e.to_string(),
            };
            unreachable(&mut check, &error);
            soften_if_proxied(&mut check, target);
        }
        Err(_) => {
            check.summary = format!("TCP {addr}: no answer within {} s", STEP_TIMEOUT.as_secs());
            let error = ApiError::Unreachable {
                kind: crate::api::UnreachableKind::Timeout,
                detail: check.summary.clone(),
            };
            unreachable(&mut check, &error);
            soften_if_proxied(&mut check, target);
        }
    }
    check
}

/// What the keyless request saw.
pub struct HttpAnswer {
    pub check: Check,
    /// The server's `Date` and the local clock when the answer arrived.
    pub clocks: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// One GET without the key (through any proxy, with the client's TLS stack): proves TLS and
/// HTTP work and reads the server's clock. Any HTTP status counts as reached.
pub async fn http_check(target: &Target, base_url: &str) -> HttpAnswer {
    let title = if target.https {
        "TLS and HTTP"
    } else {
        "HTTP (no TLS)"
    };
    let mut check = Check::pass("http", title, "");
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(STEP_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("topogy/", env!("CARGO_PKG_VERSION"), " doctor"))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.summary = format!("cannot set up HTTP: {e}");
            return HttpAnswer {
                check,
                clocks: None,
            };
        }
    };
    let url = format!(
        "{}/v1/organizations/analytics/summaries",
        base_url.trim().trim_end_matches('/')
    );
    let started = Instant::now();
    match client.get(&url).send().await {
        Ok(response) => {
            let local = Utc::now();
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(sanitize)
            };
            let server = header("date")
                .and_then(|d| DateTime::parse_from_rfc2822(&d).ok())
                .map(|d| d.with_timezone(&Utc));
            if let Some(id) = header("request-id").or_else(|| header("x-request-id")) {
                check.request_ids.push(id);
            }
            let tls = if target.https {
                "TLS handshake ok; "
            } else {
                "plain HTTP (fine for a local simulator, never for the real API); "
            };
            check.summary = format!(
                "{tls}answered HTTP {status} to a request without a key in {} ms",
                started.elapsed().as_millis()
            );
            if (300..400).contains(&status) {
                check.status = CheckStatus::Warn;
                check.cause = Some(format!(
                    "redirected to {}",
                    header("location").unwrap_or_else(|| "another address".to_owned())
                ));
                check.fixes = vec![
                    "Check the base URL; a proxy or captive portal may be answering instead of \
                     the API."
                        .to_owned(),
                ];
            }
            HttpAnswer {
                check,
                clocks: server.map(|s| (s, local)),
            }
        }
        Err(e) => {
            let error = classify_transport(&e);
            check.summary = error.cause().to_owned();
            unreachable(&mut check, &error);
            HttpAnswer {
                check,
                clocks: None,
            }
        }
    }
}

/// Compares the local clock with the server's.
pub fn clock_check(clocks: Option<(DateTime<Utc>, DateTime<Utc>)>) -> Check {
    let Some((server, local)) = clocks else {
        return Check::skip("clock", "Clock", "skipped: the server sent no Date header");
    };
    let skew = (local - server).num_seconds();
    let summary = format!(
        "local clock {} the server's by {} s (server says {})",
        if skew >= 0 { "ahead of" } else { "behind" },
        skew.abs(),
        server.format("%Y-%m-%d %H:%M:%S UTC")
    );
    let mut check = Check::pass("clock", "Clock", &summary);
    if skew.abs() > SKEW_WARN_SECS {
        check.status = if skew.abs() > SKEW_FAIL_SECS {
            check.exit_code = ExitCode::Other;
            CheckStatus::Fail
        } else {
            CheckStatus::Warn
        };
        check.cause = Some(
            "the local clock is off: \"today\" and the latest available day are computed from it"
                .to_owned(),
        );
        check.fixes = vec![
            "Turn on time synchronisation (e.g. `timedatectl set-ntp true`, or the OS date \
             settings)."
                .to_owned(),
        ];
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_credentials_are_masked() {
        assert_eq!(
            mask_credentials("http://alice:s3cret@proxy.corp:3128"),
            "http://***@proxy.corp:3128/"
        );
        assert_eq!(mask_credentials("http://proxy:8080"), "http://proxy:8080");
        assert!(!mask_credentials("alice:s3cret@proxy").contains("s3cret"));
    }

    #[test]
    fn skew_is_measured_both_ways() {
        let t = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.with_timezone(&Utc))
                .ok()
        };
        let (Some(server), Some(ahead), Some(far)) = (
            t("2026-11-25T12:00:00Z"),
            t("2026-11-25T12:02:00Z"),
            t("2026-11-25T11:50:00Z"),
        ) else {
            return;
        };
        assert_eq!(
            clock_check(Some((server, server))).status,
            CheckStatus::Pass
        );
        let warn = clock_check(Some((server, ahead)));
        assert_eq!(warn.status, CheckStatus::Warn);
        assert!(warn.summary.contains("ahead of the server's by 120 s"));
        let fail = clock_check(Some((server, far)));
        assert_eq!(fail.status, CheckStatus::Fail);
        assert!(fail.summary.contains("behind"));
    }
}
