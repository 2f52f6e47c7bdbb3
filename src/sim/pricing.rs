//! Token volumes and prices: turns a user-day's activity into cost lines in exact decimal cents.

use rust_decimal::Decimal;

use super::data::UserDay;
use super::prng::Draws;

/// Negotiated price as a fraction of list, in percent.
const DISCOUNT_PERCENT: i128 = 80;
/// Web search list price: one cent per search ($10 per 1,000).
const WEB_SEARCH_MICROCENTS: i128 = 1_000_000;

/// Token types as named by `token_type` on the wire.
pub const TOKEN_TYPES: [&str; 5] = [
    "uncached_input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation.ephemeral_1h_input_tokens",
];

/// One (product, model) line of a member's cost for a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostLine {
    /// `chat`, `claude_code` or `cowork`.
    pub product: &'static str,
    pub model: &'static str,
    /// Cost after the negotiated discount, in cents with 6 decimal places.
    pub amount_cents: Decimal,
    /// Cost at list price, in cents with 6 decimal places (≥ `amount_cents`).
    pub list_amount_cents: Decimal,
    pub uncached_input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_input_tokens: u64,
    pub cache_creation_5m: u64,
    pub cache_creation_1h: u64,
    pub requests: u64,
    /// Web searches made through this line (`server_tool_use.web_search_requests`).
    pub web_search_requests: u64,
}

/// A slice of a [`CostLine`] by `cost_type` and `token_type`; the parts' amounts sum exactly
/// to the line's amounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostPart {
    /// `tokens` or `web_search`.
    pub cost_type: &'static str,
    /// One of [`TOKEN_TYPES`] when `cost_type` is `tokens`.
    pub token_type: Option<&'static str>,
    pub amount_cents: Decimal,
    pub list_amount_cents: Decimal,
}

impl CostLine {
    /// Sum of all token components (`total_tokens` on the wire).
    pub fn total_tokens(&self) -> u64 {
        self.uncached_input_tokens
            + self.output_tokens
            + self.cache_read_input_tokens
            + self.cache_creation_5m
            + self.cache_creation_1h
    }

    /// The line split by cost type and token type (zero parts are left out).
    pub fn parts(&self) -> Vec<CostPart> {
        let prices = price_table(self.model);
        let tokens = [
            self.uncached_input_tokens,
            self.output_tokens,
            self.cache_read_input_tokens,
            self.cache_creation_5m,
            self.cache_creation_1h,
        ];
        let mut parts: Vec<CostPart> = TOKEN_TYPES
            .iter()
            .zip(tokens.iter().zip(prices))
            .filter(|(_, (count, _))| **count > 0)
            .map(|(token_type, (count, price))| {
                part("tokens", Some(token_type), i128::from(*count) * price)
            })
            .collect();
        if self.web_search_requests > 0 {
            let list = i128::from(self.web_search_requests) * WEB_SEARCH_MICROCENTS;
            parts.push(part("web_search", None, list));
        }
        parts
    }
}

/// Builds a part from its list price in millionths of a cent.
fn part(cost_type: &'static str, token_type: Option<&'static str>, list: i128) -> CostPart {
    let amount = (list * DISCOUNT_PERCENT + 50) / 100;
    CostPart {
        cost_type,
        token_type,
        amount_cents: Decimal::from_i128_with_scale(amount, 6),
        list_amount_cents: Decimal::from_i128_with_scale(list, 6),
    }
}

/// List prices in US cents per million tokens × 100 = millionths of a cent per token, in
/// [`TOKEN_TYPES`] order (input, output, cache read, 5-minute cache write, 1-hour cache write).
fn price_table(model: &str) -> [i128; 5] {
    match model {
        "claude-opus-4-6" => [500, 2500, 50, 625, 1000],
        "claude-haiku-4-5" => [100, 500, 10, 125, 200],
        _ => [300, 1500, 30, 375, 600],
    }
}

/// A line's token volumes before pricing.
struct Volume {
    requests: u64,
    uncached: u64,
    output: u64,
    cache_read: u64,
    cache_5m: u64,
    cache_1h: u64,
    web_searches: u64,
}

/// The cost lines for one active user-day.
pub(crate) fn lines(
    day: &UserDay,
    chat_model: &'static str,
    heavy: bool,
    r: Draws,
    partial: bool,
) -> Vec<CostLine> {
    let n = |x: f64| x.max(0.0).round() as u64;
    let mut out = Vec::new();
    if day.messages > 0 {
        let m = day.messages as f64;
        let volume = Volume {
            requests: day.messages,
            uncached: n(m * (800.0 + 1400.0 * r.f(101))),
            output: n(m * (300.0 + 700.0 * r.f(102))),
            cache_read: n(m * (2000.0 + 6000.0 * r.f(103))),
            cache_5m: n(m * 300.0 * r.f(104)),
            cache_1h: n(m * 200.0 * r.f(105) - 40.0),
            web_searches: day.web_searches,
        };
        out.push(line("chat", chat_model, volume, partial));
    }
    if day.sessions > 0 {
        let requests = day.sessions * (20 + r.below(110, 60));
        out.push(line(
            "claude_code",
            "claude-sonnet-4-6",
            code_volume(requests, r, 111),
            partial,
        ));
        if heavy || r.f(118) < 0.3 {
            let opus = (requests / 3).max(1);
            out.push(line(
                "claude_code",
                "claude-opus-4-6",
                code_volume(opus, r, 121),
                partial,
            ));
        }
    }
    if day.cowork_messages > 0 {
        let requests = day.cowork_messages * 3;
        out.push(line(
            "cowork",
            "claude-sonnet-4-6",
            code_volume(requests, r, 131),
            partial,
        ));
    }
    out
}

/// One day's line of a non-user actor (a service account or an API key).
pub(crate) fn automation_line(
    product: &'static str,
    model: &'static str,
    requests: u64,
    r: Draws,
    partial: bool,
) -> CostLine {
    line(
        product,
        model,
        code_volume(requests.max(1), r, 141),
        partial,
    )
}

fn code_volume(requests: u64, r: Draws, field: u64) -> Volume {
    let q = requests as f64;
    let n = |x: f64| x.max(0.0).round() as u64;
    Volume {
        requests,
        uncached: n(q * (1500.0 + 3000.0 * r.f(field))),
        output: n(q * (400.0 + 800.0 * r.f(field + 1))),
        cache_read: n(q * (15_000.0 + 30_000.0 * r.f(field + 2))),
        cache_5m: n(q * 1500.0 * r.f(field + 3)),
        cache_1h: n(q * 200.0 * r.f(field + 4)),
        web_searches: 0,
    }
}

/// Prices a volume; `partial` keeps only the share counted before today's refresh watermark.
fn line(product: &'static str, model: &'static str, v: Volume, partial: bool) -> CostLine {
    let cut = |x: u64| if partial { x * 3 / 8 } else { x };
    let mut line = CostLine {
        product,
        model,
        amount_cents: Decimal::ZERO,
        list_amount_cents: Decimal::ZERO,
        uncached_input_tokens: cut(v.uncached),
        output_tokens: cut(v.output),
        cache_read_input_tokens: cut(v.cache_read),
        cache_creation_5m: cut(v.cache_5m),
        cache_creation_1h: cut(v.cache_1h),
        requests: cut(v.requests).max(1),
        web_search_requests: cut(v.web_searches),
    };
    let zero = Decimal::from_i128_with_scale(0, 6);
    let (amount, list) = line.parts().iter().fold((zero, zero), |(a, l), p| {
        (a + p.amount_cents, l + p.list_amount_cents)
    });
    line.amount_cents = amount;
    line.list_amount_cents = list;
    line
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn parts_sum_to_the_line_and_print_six_decimals() {
        let volume = Volume {
            requests: 3,
            uncached: 1234,
            output: 777,
            cache_read: 5000,
            cache_5m: 11,
            cache_1h: 0,
            web_searches: 2,
        };
        let line = line("chat", "claude-opus-4-6", volume, false);
        // 1234×5 + 777×25 + 5000×0.5 + 11×6.25 dollars per MTok, in cents, + 2 searches × 1¢.
        assert_eq!(line.list_amount_cents.to_string(), "4.816375");
        assert_eq!(line.amount_cents.to_string(), "3.853100");
        assert_eq!(line.parts().len(), 5);
    }
}
