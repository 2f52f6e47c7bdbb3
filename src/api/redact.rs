//! Masking what must never be shown: the client's key and anything key-shaped in what a
//! server sent, and passwords in URLs — one gate every server text passes before it is
//! parsed, stored, logged or shown.

use serde_json::Value;

/// Trims server text for display: one line, at most 500 characters, passwords in URLs and
/// anything shaped like an Anthropic key (`sk-ant-…`) masked, in case a server or proxy ever
/// echoes one.
pub(crate) fn sanitize(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let masked = mask_userinfo(&one_line);
    let mut out = String::from_utf8_lossy(&redact(masked.as_bytes(), b"")).into_owned();
    if out.chars().count() > 500 {
        out = out.chars().take(500).collect::<String>() + "…";
    }
    out
}

/// `http://user:secret@proxy:3128` → `http://***@proxy:3128`: a URL as it may be shown.
pub fn mask_credentials(value: &str) -> String {
    match reqwest::Url::parse(value) {
        Ok(mut url) if url.has_host() => {
            if url.username().is_empty() && url.password().is_none() {
                return value.to_owned();
            }
            let _ = url.set_password(None);
            let _ = url.set_username("***");
            url.to_string()
        }
        _ if value.contains('@') => {
            "(set; not shown: it looks like it holds a password)".to_owned()
        }
        _ => value.to_owned(),
    }
}

/// Masks the user and password of every `scheme://user:password@host` in free text (an error
/// message that quotes a URL).
fn mask_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let authority_end = tail
            .find(['/', '?', '#', ' ', ')', '"', '\'', '>'])
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// What stands in for the client's own key wherever a server echoed it.
pub(crate) const KEY_REMOVED: &str = "[key removed]";
/// Keys shorter than this are not searched for verbatim (a one-letter "key" would mangle every
/// body); anything `sk-ant-`-shaped is masked whatever its length.
const MIN_VERBATIM_KEY: usize = 8;

/// Masks `key` (verbatim) and anything shaped like an Anthropic key (`sk-ant-` and the key
/// alphabet after it) in bytes a server sent. Everything else is kept byte for byte, so a JSON
/// body stays JSON and UTF-8 stays UTF-8.
pub(crate) fn redact(bytes: &[u8], key: &[u8]) -> Vec<u8> {
    const SHAPE: &[u8] = b"sk-ant-";
    let verbatim = key.len() >= MIN_VERBATIM_KEY;
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if verbatim && rest.starts_with(key) {
            out.extend_from_slice(KEY_REMOVED.as_bytes());
            i += key.len();
        } else if rest.starts_with(SHAPE) {
            out.extend_from_slice("sk-ant-…".as_bytes());
            i += SHAPE.len();
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// [`redact`] for a body that may be JSON: a JSON string can spell the key with `\u` escapes
/// (`"\u0073k-ant-…"`), which no byte search sees, so a body holding escapes is decoded and
/// every string (and field name) in it redacted, then encoded again.
pub(crate) fn redact_body(bytes: &[u8], key: &[u8]) -> Vec<u8> {
    let out = redact(bytes, key);
    if !out.windows(2).any(|w| w == b"\\u") {
        return out;
    }
    match serde_json::from_slice::<Value>(&out) {
        Ok(mut value) => {
            redact_strings(&mut value, key);
            serde_json::to_vec(&value).unwrap_or(out)
        }
        // Not JSON: nothing decodes the escapes, so nothing can reveal what they spell.
        Err(_) => out,
    }
}

fn redact_strings(value: &mut Value, key: &[u8]) {
    let clean = |s: &str| String::from_utf8_lossy(&redact(s.as_bytes(), key)).into_owned();
    match value {
        Value::String(s) => *s = clean(s),
        Value::Array(items) => items.iter_mut().for_each(|v| redact_strings(v, key)),
        Value::Object(map) => {
            let fields = std::mem::take(map);
            for (name, mut v) in fields {
                redact_strings(&mut v, key);
                map.insert(clean(&name), v);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_spelled_with_json_escapes_is_found_after_decoding() {
        let key = b"PLAINxKEYx0123";
        let body = br#"{"request_id":"PLAINxKEYx0123","m":"sk-ant-api01-zz","n":[1,"x"]}"#;
        let redacted = redact_body(body, key);
        let value: Value = serde_json::from_slice(&redacted).unwrap_or_default();
        assert_eq!(value["request_id"], "[key removed]");
        assert_eq!(value["m"], "sk-ant-…");
        assert_eq!(value["n"][0], 1);
        assert_eq!(redact_body(b"{\"a\":1}", key), b"{\"a\":1}".to_vec());
    }

    #[test]
    fn sanitize_masks_keys_and_shortens() {
        let text = sanitize("bad key sk-ant-api01-SECRET_value-123, try again\n\nplease");
        assert_eq!(text, "bad key sk-ant-…, try again please");
        let long = sanitize(&"x".repeat(800));
        assert_eq!(long.chars().count(), 501);
    }

    #[test]
    fn redact_masks_the_key_verbatim_and_key_shapes_keeping_json_intact() {
        let key = b"my-own-plain-key-0123";
        let body = br#"{"id":"req_my-own-plain-key-0123","m":"sk-ant-api01-X_y-1 ok","n":"short"}"#;
        let redacted = String::from_utf8(redact(body, key)).unwrap_or_default();
        assert_eq!(
            redacted,
            r#"{"id":"req_[key removed]","m":"sk-ant-… ok","n":"short"}"#
        );
        assert!(serde_json::from_str::<Value>(&redacted).is_ok());
        assert_eq!(
            redact(b"abcabc", b"a"),
            b"abcabc".to_vec(),
            "too short to search"
        );
    }

    #[test]
    fn passwords_in_quoted_urls_are_masked() {
        assert_eq!(
            sanitize("error sending request for url (http://u:pw@127.0.0.1:9/v1/x?y=1)"),
            "error sending request for url (http://***@127.0.0.1:9/v1/x?y=1)"
        );
        assert_eq!(sanitize("see https://host/a@b"), "see https://host/a@b");
        assert_eq!(
            mask_credentials("https://u:p@host/prefix"),
            "https://***@host/prefix"
        );
    }
}
