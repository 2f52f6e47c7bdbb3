//! The organization's counts for a day: seats, pending invitations, and the daily, weekly and
//! monthly active users (Claude and Cowork), each computed from the members' own days.

use chrono::{Datelike, Days, NaiveDate};

use super::{SALT_INVITES, SyntheticOrg};
use crate::sim::prng::Draws;

impl SyntheticOrg {
    /// Seats assigned on `date` (every member holds one).
    pub fn assigned_seats(&self, _date: NaiveDate) -> u64 {
        self.members.len() as u64
    }

    /// Invitations sent but not accepted yet, varying a little week to week.
    pub fn pending_invites(&self, date: NaiveDate) -> u64 {
        if self.members.is_empty() {
            return 0;
        }
        let base = 1 + self.members.len() as u64 / 20;
        let week =
            u64::from(date.iso_week().week()) + 100 * date.iso_week().year().unsigned_abs() as u64;
        let wobble = Draws::keyed(&[self.seed, SALT_INVITES, week]).below(1, 3);
        (base + wobble).saturating_sub(1)
    }

    /// Daily active users on `date`.
    pub fn dau(&self, date: NaiveDate) -> u64 {
        self.distinct_active(date, 1, Self::is_active)
    }

    /// Distinct users active in the 7 days ending on `date` (inclusive).
    pub fn wau(&self, date: NaiveDate) -> u64 {
        self.distinct_active(date, 7, Self::is_active)
    }

    /// Distinct users active in the 30 days ending on `date` (inclusive).
    pub fn mau(&self, date: NaiveDate) -> u64 {
        self.distinct_active(date, 30, Self::is_active)
    }

    /// Cowork daily active users on `date`.
    pub fn cowork_dau(&self, date: NaiveDate) -> u64 {
        self.distinct_active(date, 1, Self::is_cowork_active)
    }

    /// Cowork users active in the 7 days ending on `date`.
    pub fn cowork_wau(&self, date: NaiveDate) -> u64 {
        self.distinct_active(date, 7, Self::is_cowork_active)
    }

    /// Cowork users active in the 30 days ending on `date`.
    pub fn cowork_mau(&self, date: NaiveDate) -> u64 {
        self.distinct_active(date, 30, Self::is_cowork_active)
    }

    fn distinct_active(
        &self,
        date: NaiveDate,
        days: u64,
        active: fn(&Self, usize, NaiveDate) -> bool,
    ) -> u64 {
        let window: Vec<NaiveDate> = (0..days)
            .filter_map(|back| date.checked_sub_days(Days::new(back)))
            .collect();
        (0..self.members.len())
            .filter(|&u| window.iter().any(|&d| active(self, u, d)))
            .count() as u64
    }
}
