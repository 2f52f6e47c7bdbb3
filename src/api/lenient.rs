//! Forgiving deserializers for wire fields whose type or presence drifted between API versions.
//!
//! The API documents counts as integers, some as nullable, money as decimal strings, and adds
//! fields and whole blocks over time. Rather than fail a whole sync on one `null` where a count
//! was expected, these helpers map the harmless variants onto the typed model.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A count that may arrive as an integer, a whole float, a numeric string, or `null` (→ 0).
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(opt_count(d)?.unwrap_or(0))
}

/// The largest count believed: about 10^12 (a trillion messages or lines in one row is not
/// data). Larger ones make the page malformed instead of overflowing the store's sums.
pub(crate) const MAX_COUNT: u64 = 1 << 40;

/// A nullable count: `null` or absent stays `None` so "not measured" is not mistaken for zero.
pub(crate) fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match any_count(d)? {
        Some(n) if n > MAX_COUNT => Err(D::Error::custom(format!(
            "a count of {n} is implausibly large (more than {MAX_COUNT})"
        ))),
        n => Ok(n),
    }
}

fn any_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok(Some(u))
            } else {
                match n.as_f64() {
                    // A non-negative whole number in range, so the cast is exact.
                    Some(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => Ok(Some(f as u64)),
                    _ => Err(D::Error::custom(format!("expected a count, got {n}"))),
                }
            }
        }
        Value::String(s) => s
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a count, got {s:?}"))),
        other => Err(D::Error::custom(format!("expected a count, got {other}"))),
    }
}

/// A nullable ratio (adoption rates); a numeric string is accepted too.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, got {s:?}"))),
        other => Err(D::Error::custom(format!("expected a number, got {other}"))),
    }
}

/// Money in cents: a decimal string (`"41280.000000"`) or a JSON number; `null` → 0.
pub(crate) fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    Ok(opt_money(d)?.unwrap_or(Decimal::ZERO))
}

/// Optional money in cents, parsed as a decimal and never through binary floating point
/// when the server sends a string (as documented).
pub(crate) fn opt_money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text = match Value::deserialize(d)? {
        Value::Null => return Ok(None),
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        other => return Err(D::Error::custom(format!("expected an amount, got {other}"))),
    };
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map(Some)
        .map_err(|_| D::Error::custom(format!("expected a decimal amount, got {text:?}")))
}

/// A block that should always be present but may be `null` or absent: both become defaults.
pub(crate) fn block<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A map of named sub-blocks (tools, Office apps). Entries that are `null` or not shaped like
/// a block are skipped, so a new scalar field next to the known keys cannot break parsing.
pub(crate) fn block_map<'de, D, T>(d: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw = Option::<BTreeMap<String, Value>>::deserialize(d)?.unwrap_or_default();
    Ok(raw
        .into_iter()
        .filter(|(_, v)| v.is_object())
        .filter_map(|(k, v)| T::deserialize(v).ok().map(|t| (k, t)))
        .collect())
}

/// A UTC day given either as `YYYY-MM-DD` or as an RFC 3339 timestamp.
pub(crate) fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| parse_instant(text).map(|t| t.date_naive()))
}

/// An instant given as RFC 3339, or as a bare `YYYY-MM-DD` meaning that day's UTC midnight.
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// Optional day (`last_activity_date`): `null`/absent → `None`; unparseable text is an error.
pub(crate) fn opt_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => parse_day(&s)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a date, got {s:?}"))),
    }
}

/// Optional instant (`created_at`, `data_refreshed_at`, bucket bounds on per-user rows).
pub(crate) fn opt_instant<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => parse_instant(&s)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected an RFC 3339 time, got {s:?}"))),
    }
}

/// A required instant (bucket bounds on the org-level reports).
pub(crate) fn instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    opt_instant(d)?.ok_or_else(|| D::Error::custom("missing RFC 3339 time"))
}

/// A string that may be `null`; `null` and absent both become empty.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A boolean that may be `null` (→ false).
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}
