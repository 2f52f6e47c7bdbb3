//! Small shared pieces: number and money formatting, the freshness line, a titled block,
//! right-aligned number cells, column widths and word wrapping.

use ratatui::layout::Alignment;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell};
use rust_decimal::{Decimal, RoundingStrategy};

use super::Theme;
use crate::metrics::plural;
use crate::tui::model::Model;

/// What a figure with no stored data shows: absent is not zero.
pub const NO_FIGURE: &str = "—";
/// What a pane with no stored data says.
pub const NO_DATA: &str = "no data yet";

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 PR`, `1,234 PRs`: a count with separators and its noun in the right number.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    plural(n, one, many).replacen(&n.to_string(), &count(n), 1)
}

/// Dollars with cents and thousands separators: `$1,234.57`.
pub fn money(usd: Decimal) -> String {
    let rounded = usd.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let whole = rounded.trunc().abs();
    let cents = ((rounded.abs() - whole) * Decimal::ONE_HUNDRED).round();
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let whole = u64::try_from(whole).unwrap_or(u64::MAX);
    format!(
        "{sign}${}.{:02}",
        count(whole),
        u64::try_from(cents).unwrap_or(0)
    )
}

/// Dollars without cents for tight columns: `$1,235`.
pub fn money_short(usd: Decimal) -> String {
    let whole = usd.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    format!("${}", count(u64::try_from(whole.abs()).unwrap_or(0)))
}

/// A percentage with one decimal, or a dash.
pub fn percent(value: Option<Decimal>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}%"))
}

/// A bordered block with a title.
pub fn block<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// "data through <date>" for a pane, with the lag explained as normal.
pub fn freshness<'a>(model: &Model, theme: &Theme, cost: bool) -> Line<'a> {
    let Some(data) = model.data() else {
        return Line::styled("no data yet — fetching", theme.dim);
    };
    // A range longer than one history: which days each figure covers, never a silent mix.
    if data.spans.mixed(data.from) {
        return Line::styled(data.spans.text(), theme.warn);
    }
    let mut spans = Vec::new();
    match (data.engagement_through, late_days(model)) {
        (None, _) => spans.push(Span::styled(format!("activity: {NO_DATA}"), theme.dim)),
        (Some(through), Some(days)) => spans.push(Span::styled(
            format!(
                "activity data through {through} — {} behind today, past the documented \
                 1–{DOCUMENTED_LAG_DAYS}: the data is late; if it stays late, contact \
                 Anthropic support or your CSM",
                plural(u64::try_from(days).unwrap_or(0), "day", "days")
            ),
            theme.warn,
        )),
        (Some(through), None) => {
            spans.push(Span::styled(
                format!("activity data through {through}"),
                theme.dim,
            ));
            spans.push(Span::styled(
                " (Anthropic publishes it 1–3 days late; normal)",
                theme.dim,
            ));
        }
    }
    if cost {
        spans.push(Span::styled(
            data.cost_through.map_or_else(
                || format!(" · cost: {NO_DATA}"),
                |d| format!(" · cost through {d} (revised for up to 30 days)"),
            ),
            theme.dim,
        ));
    }
    Line::from(spans)
}

/// How many days behind today activity data may be and still be normal (Anthropic documents
/// 1–3).
pub const DOCUMENTED_LAG_DAYS: i64 = 3;

/// Days the activity data trails today, when that is past the documented lag and the range
/// asks for days the data does not reach yet; `None` when the lag is normal (or there is no
/// data to judge: "no data yet" says that).
pub fn late_days(model: &Model) -> Option<i64> {
    let through = model.data()?.engagement_through?;
    let behind = (model.now.date_naive() - through).num_days();
    (behind > DOCUMENTED_LAG_DAYS && through < model.range.to).then_some(behind)
}

/// Cuts `text` to `width` characters, marking the cut with `…`.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A table cell aligned to the right, so the digits of a column line up.
pub fn number<'a>(text: impl Into<String>) -> Cell<'a> {
    Cell::from(Line::from(text.into()).alignment(Alignment::Right))
}

/// The width a column needs for its header and the values drawn in it (at least `min`).
pub fn fit<'a>(header: &str, values: impl IntoIterator<Item = &'a str>, min: u16) -> u16 {
    let widest = values
        .into_iter()
        .map(|v| v.chars().count())
        .chain([header.chars().count()])
        .max()
        .unwrap_or(0);
    u16::try_from(widest).unwrap_or(u16::MAX).max(min)
}

/// Breaks `text` into lines of at most `width` characters at spaces; a word longer than a
/// line is cut into pieces.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + word.len() <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than a whole line.
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_counts_read_like_a_bill() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(money("1234.567".parse().unwrap_or_default()), "$1,234.57");
        assert_eq!(money("0.004".parse().unwrap_or_default()), "$0.00");
        assert_eq!(money_short("1234.5".parse().unwrap_or_default()), "$1,235");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(counted(1, "PR", "PRs"), "1 PR");
        assert_eq!(counted(1, "retry", "retries"), "1 retry");
        assert_eq!(counted(1234, "PR", "PRs"), "1,234 PRs");
        assert_eq!(counted(0, "day", "days"), "0 days");
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(
            wrap_words("refresh now (re-test a refused key)", 20),
            ["refresh now (re-test", "a refused key)"]
        );
        assert_eq!(wrap_words("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap_words("", 5), [""]);
        assert_eq!(fit("Cost", ["$1.00", "$12,345.00"], 3), 10);
        assert_eq!(fit("Cost ▼", [], 3), 6);
    }
}
