//! Stateless splitmix64 hashing: every synthetic number is a pure function of its inputs.
//!
//! There is no generator state to advance, so the value for any (seed, user, day, field) can be
//! computed directly and in any order — ground truth for tests and the served JSON agree by
//! construction.

use chrono::{Datelike, NaiveDate};

/// The splitmix64 finalizer: a cheap, well-mixed bijection on `u64`.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a sequence of words into one (order matters).
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x243F_6A88_85A3_08D3, |acc, &part| mix(acc ^ part))
}

/// A uniform draw in `[0, 1)` from a hash.
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A uniform draw in `0..n` from a hash (`0` when `n` is `0`).
pub(crate) fn below(h: u64, n: u64) -> u64 {
    ((u128::from(h) * u128::from(n)) >> 64) as u64
}

/// A day as a hashable word.
pub(crate) fn day_word(date: NaiveDate) -> u64 {
    // Days from the common era fit comfortably in u64 for any date chrono accepts after 0 CE.
    u64::from(date.num_days_from_ce().unsigned_abs())
}

/// Text identifiers made of `len` base62 characters drawn from `words`.
pub(crate) fn base62(key: &[u64], len: usize) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    let mut state = hash(key);
    for i in 0..len {
        if i % 8 == 0 {
            state = mix(state ^ i as u64);
        }
        let digit = below(mix(state ^ (i as u64).wrapping_mul(0x9E37)), 62);
        out.push(char::from(ALPHABET[digit as usize]));
    }
    out
}

/// Per-(seed, user, day) draws keyed by a small field number.
#[derive(Clone, Copy)]
pub(crate) struct Draws {
    base: u64,
}

impl Draws {
    pub(crate) fn new(seed: u64, user: u64, date: NaiveDate) -> Self {
        Self {
            base: hash(&[seed, user, day_word(date)]),
        }
    }

    pub(crate) fn keyed(words: &[u64]) -> Self {
        Self { base: hash(words) }
    }

    /// Raw hash for field `field`.
    pub(crate) fn raw(self, field: u64) -> u64 {
        mix(self.base ^ mix(field))
    }

    /// Uniform `[0, 1)` for field `field`.
    pub(crate) fn f(self, field: u64) -> f64 {
        unit(self.raw(field))
    }

    /// Uniform `0..n` for field `field`.
    pub(crate) fn below(self, field: u64, n: u64) -> u64 {
        below(self.raw(field), n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_is_stable_and_sized() {
        let a = base62(&[7, 1], 22);
        assert_eq!(a.len(), 22);
        assert_eq!(a, base62(&[7, 1], 22));
        assert_ne!(a, base62(&[7, 2], 22));
    }

    #[test]
    fn below_stays_in_range() {
        for i in 0..1000 {
            assert!(below(mix(i), 7) < 7);
        }
        assert_eq!(below(u64::MAX, 0), 0);
    }
}
