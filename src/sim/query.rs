//! Query strings as the API reads them: bracketed repeated lists, strict names, `limit`.

use super::error::ApiError;
use super::prng::mix;

/// Most values one list parameter (`products[]`, …) may carry.
const MAX_LIST: usize = 100;

/// A decoded query string, in the order the client sent it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes `a=1&b[]=2&b[]=3` (percent-encoding and `+` for space).
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let mut pairs = Vec::new();
        for piece in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let decoded = decode(name).zip(decode(value));
            let Some((name, value)) = decoded else {
                return Err(ApiError::invalid("Malformed query string."));
            };
            pairs.push((name, value));
        }
        Ok(Self { pairs })
    }

    /// Rejects any parameter not in `allowed` (a misspelt parameter must not pass silently).
    pub(crate) fn allow(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .find(|(n, _)| !allowed.contains(&n.as_str()))
        {
            Some((name, _)) => Err(ApiError::invalid(format!(
                "Unknown query parameter `{name}` for this endpoint."
            ))),
            None => Ok(()),
        }
    }

    /// A scalar parameter; given twice is an error.
    pub(crate) fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut found = self.pairs.iter().filter(|(n, _)| n == name);
        let first = found.next().map(|(_, v)| v.as_str());
        if found.next().is_some() {
            return Err(ApiError::invalid(format!(
                "`{name}` may be given only once."
            )));
        }
        Ok(first)
    }

    /// True when `name` is present at all.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| n == name)
    }

    /// Every value of a list parameter such as `products[]` (at most 100).
    pub(crate) fn many(&self, name: &str) -> Result<Vec<&str>, ApiError> {
        let values: Vec<&str> = self
            .pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.len() > MAX_LIST {
            return Err(ApiError::invalid(format!(
                "`{name}` accepts at most {MAX_LIST} values."
            )));
        }
        Ok(values)
    }

    /// `limit`, defaulting to `default`, within `1..=max`.
    pub(crate) fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        let Some(text) = self.one("limit")? else {
            return Ok(default);
        };
        match text.parse::<usize>() {
            Ok(limit) if (1..=max).contains(&limit) => Ok(limit),
            _ => Err(ApiError::invalid(format!(
                "`limit` must be an integer between 1 and {max}; got `{text}`."
            ))),
        }
    }

    /// A hash of every parameter except `page`, independent of their order: what a page
    /// cursor is bound to.
    pub(crate) fn binding(&self) -> u64 {
        let mut pairs: Vec<&(String, String)> =
            self.pairs.iter().filter(|(n, _)| n != "page").collect();
        pairs.sort();
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for (name, value) in pairs {
            for byte in name.bytes().chain([0]).chain(value.bytes()).chain([0xFF]) {
                h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3);
            }
        }
        mix(h)
    }
}

/// Percent-decoding with `+` as space; `None` on a broken escape or invalid UTF-8.
pub(crate) fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn decodes_brackets_and_lists() {
        let q = Query::parse(Some(
            "group_by%5B%5D=model&products[]=chat&products[]=cowork&x=a+b",
        ))
        .unwrap();
        assert_eq!(q.many("group_by[]").unwrap(), ["model"]);
        assert_eq!(q.many("products[]").unwrap(), ["chat", "cowork"]);
        assert_eq!(q.one("x").unwrap(), Some("a b"));
        assert!(Query::parse(Some("a=%zz")).is_err());
    }

    #[test]
    fn binding_ignores_page_and_order() {
        let a = Query::parse(Some("a=1&b=2&page=xyz")).unwrap();
        let b = Query::parse(Some("b=2&a=1")).unwrap();
        let c = Query::parse(Some("b=2&a=2")).unwrap();
        assert_eq!(a.binding(), b.binding());
        assert_ne!(a.binding(), c.binding());
    }
}
