//! What an error message's wording says: keywords (cursor, too-recent or out-of-range date,
//! access switched off) and the values it names (scopes, dates), read leniently.

use chrono::NaiveDate;

pub(super) fn any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| text.contains(n))
}

pub(super) fn mentions_access_disabled(text: &str) -> bool {
    any(
        text,
        &[
            "disabled",
            "not enabled",
            "turned off",
            "toggle",
            "access is off",
        ],
    )
}

pub(super) fn mentions_cursor(text: &str) -> bool {
    any(
        text,
        &[
            "cursor",
            "page token",
            "pagination",
            "next_page",
            "`page`",
            "'page'",
            "\"page\"",
            "page parameter",
            "invalid page",
        ],
    )
}

pub(super) fn is_dateish(text: &str) -> bool {
    any(
        text,
        &["date", "day", "starting_at", "ending_at", "range", "span"],
    ) || !dates_in(text).is_empty()
}

pub(super) fn mentions_not_yet(text: &str) -> bool {
    any(
        text,
        &[
            "not yet",
            "not available yet",
            "too recent",
            "today",
            "future",
            "most recent",
            "latest available",
            "delayed",
            "available through",
            "available up to",
            "not ready",
            "be in the past",
        ],
    )
}

pub(super) fn mentions_out_of_range(text: &str) -> bool {
    any(
        text,
        &[
            "2026-01-01",
            "january 1",
            "before",
            "earlier than",
            "older than",
            "too old",
            "90 days",
            "365 days",
            "366 days",
            "31 days",
            "exceed",
            "at most",
            "maximum",
            "outside",
            "too long",
            "too large",
            "retention",
            "within the last",
            "within the past",
        ],
    )
}

/// Scope-shaped words (`read:analytics`, `api:admin`, `org:read_usage`…) in a permission
/// error's message, other than the one topogy needs: the scopes the key has, as a hint.
pub(super) fn scopes_in(message: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in message.split(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '_')) {
        let Some((a, b)) = word.split_once(':') else {
            continue;
        };
        let part = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        };
        if part(a) && part(b) && word != "read:analytics" && !found.iter().any(|f| f == word) {
            found.push(word.to_owned());
        }
    }
    found
}

/// Every `YYYY-MM-DD` in `text`, with its byte position.
fn dates_in(text: &str) -> Vec<(usize, NaiveDate)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 10 <= bytes.len() {
        let window = &bytes[i..i + 10];
        let shaped = window.iter().enumerate().all(|(j, b)| match j {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        let fresh = i == 0 || !bytes[i - 1].is_ascii_digit();
        if shaped
            && fresh
            && let Some(date) = text
                .get(i..i + 10)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        {
            found.push((i, date));
            i += 10;
            continue;
        }
        i += 1;
    }
    found
}

/// The latest available day named in a "too recent" message: the first date after "most
/// recent"/"latest"/"available", else the last date in the message — unless the message is
/// about today or the future, whose dates are then the request's own or today's.
pub(super) fn latest_date_in(message: &str) -> Option<NaiveDate> {
    let dates = dates_in(message);
    let lower = message.to_lowercase();
    let anchored = ["most recent", "latest", "available"]
        .iter()
        .filter_map(|k| lower.find(k))
        .min()
        .and_then(|a| dates.iter().find(|(pos, _)| *pos >= a).map(|(_, d)| *d));
    let about_today = any(&lower, &["today", "future", "be in the past"]);
    anchored.or_else(|| {
        if about_today {
            None
        } else {
            dates.last().map(|(_, d)| *d)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn latest_available_day_is_read_from_the_message() {
        let cases = [
            (
                "Data for 2026-03-20 is not yet available. The most recent available date is 2026-03-17.",
                day(2026, 3, 17),
            ),
            (
                "Latest available: 2026-03-15 (requested 2026-03-19)",
                day(2026, 3, 15),
            ),
            ("2026-04-02 is too recent; try 2026-03-30", day(2026, 3, 30)),
            (
                "`ending_date` 2026-06-21 is after today (2026-06-20 UTC).",
                None,
            ),
            ("date cannot be today or in the future", None),
            ("data through 2026-02-30 only", None),
        ];
        for (message, expected) in cases {
            assert_eq!(latest_date_in(message), expected, "{message}");
        }
    }
}
