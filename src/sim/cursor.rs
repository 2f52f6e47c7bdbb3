//! Opaque page cursors: bound to the query that produced them, and they expire.

use std::collections::HashSet;

use super::Fault;
use super::error::ApiError;
use super::query::Query;
use super::server::Ctx;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// What the `expired-cursor` fault remembers: queries that have had their one 410, and the
/// cursors that received it (those stay dead).
#[derive(Debug, Default)]
pub(crate) struct ExpiredCursors {
    queries: HashSet<u64>,
    dead: HashSet<String>,
}

/// One page of a result: where it starts and the cursor for the next one.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) offset: usize,
    pub(crate) next: Option<String>,
}

/// Resolves `page` against the query and issues `next_page` for `total` items, `limit` a page.
pub(crate) fn page(ctx: &Ctx<'_>, q: &Query, total: usize, limit: usize) -> Result<Page, ApiError> {
    let binding = q.binding();
    let offset = match q.one("page")? {
        None => 0,
        Some(text) => redeem(ctx, text, binding)?,
    };
    let end = offset.saturating_add(limit);
    let next = (end < total).then(|| {
        // Named by the request that issued it (deterministic bodies); the issue time stays here.
        let serial = ctx.issue_cursor();
        encode(format!("c1.{end}.{binding:016x}.{serial}").as_bytes())
    });
    Ok(Page { offset, next })
}

fn redeem(ctx: &Ctx<'_>, text: &str, binding: u64) -> Result<usize, ApiError> {
    let invalid = || {
        ApiError::bad_cursor(
            "Invalid page cursor; pass `next_page` from the previous response unchanged.",
        )
    };
    let decoded = decode(text)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid)?;
    let fields: Vec<&str> = decoded.split('.').collect();
    let [version, offset, bound, serial] = fields.as_slice() else {
        return Err(invalid());
    };
    let offset: usize = offset.parse().map_err(|_| invalid())?;
    let bound = u64::from_str_radix(bound, 16).map_err(|_| invalid())?;
    let serial: u64 = serial.parse().map_err(|_| invalid())?;
    if *version != "c1" {
        return Err(invalid());
    }
    if bound != binding {
        return Err(ApiError::bad_cursor(
            "The page cursor does not match the query parameters; send the same parameters on \
             every page or restart pagination from page 1.",
        ));
    }
    let expired = || {
        ApiError::new(
            410,
            "invalid_request_error",
            "Page cursor has expired; restart pagination from page 1.",
        )
    };
    // Unknown serials were issued by an earlier simulator run, or pruned after expiring.
    if ctx
        .cursor_age(serial)
        .is_none_or(|age| age > ctx.config().cursor_ttl)
    {
        return Err(expired());
    }
    if ctx.fault == Some(Fault::ExpiredCursor) {
        let mut state = ctx.expired_cursors();
        if state.dead.contains(text) {
            return Err(expired());
        }
        if state.queries.insert(binding) {
            state.dead.insert(text.to_owned());
            return Err(expired());
        }
    }
    Ok(offset)
}

/// URL-safe base64 without padding.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count & 0xFF) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for text in ["", "a", "ab", "abc", "c1.1000.00ff00ff00ff00ff.123456"] {
            assert_eq!(decode(&encode(text.as_bytes())).unwrap(), text.as_bytes());
        }
        assert!(decode("not base64!").is_none());
    }
}
