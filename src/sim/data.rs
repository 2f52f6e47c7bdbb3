//! Ground truth: the deterministic synthetic organization every simulator answer is computed from.
//!
//! Tests compute expected numbers from here, independently of the client, so nothing in this
//! module knows about HTTP or JSON.

use std::ops::AddAssign;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use super::people::{self, Habits, Role};
use super::pricing;
use super::prng::{Draws, base62, hash};

pub use super::people::{MAIN_DOMAIN, Member, SECOND_DOMAIN};
pub use super::pricing::{CostLine, CostPart, TOKEN_TYPES};

mod org_counts;

/// Claude Code tools reported in `tool_actions`, in wire order.
pub const TOOLS: [&str; 4] = [
    "edit_tool",
    "multi_edit_tool",
    "write_tool",
    "notebook_edit_tool",
];

/// Hour of the simulator's "now" on `today` (UTC); cost data is watermarked three hours earlier.
pub const NOW_HOUR: u32 = 12;
/// Hour of `data_refreshed_at` on `today` (UTC).
pub const REFRESH_HOUR: u32 = 9;

const SALT_ACTIVE: u64 = 0xAC;
const SALT_COWORK: u64 = 0xC0;
const SALT_HOUR: u64 = 0x40;
const SALT_INVITES: u64 = 0x1F;
const SALT_ORG: u64 = 0x0F;

/// One person's activity on one UTC day (or summed over several days).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDay {
    pub messages: u64,
    pub conversations: u64,
    pub projects_created: u64,
    pub projects_used: u64,
    pub files_uploaded: u64,
    pub artifacts_created: u64,
    pub thinking_messages: u64,
    pub skills_used: u64,
    pub connectors_used: u64,
    pub shared_conversations_viewed: u64,
    /// Claude Code sessions.
    pub sessions: u64,
    pub commits: u64,
    pub pull_requests: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    /// `(tool, accepted, rejected)` for each of [`TOOLS`].
    pub tool_actions: [(&'static str, u64, u64); 4],
    pub web_searches: u64,
    pub cowork_sessions: u64,
    pub cowork_messages: u64,
    /// Claude in Office agent turns (reported under Excel and PowerPoint).
    pub office_messages: u64,
    /// Claude Design messages.
    pub design_messages: u64,
}

impl UserDay {
    /// All counters zero: the identity for summing days into a rollup.
    pub fn zero() -> Self {
        Self {
            messages: 0,
            conversations: 0,
            projects_created: 0,
            projects_used: 0,
            files_uploaded: 0,
            artifacts_created: 0,
            thinking_messages: 0,
            skills_used: 0,
            connectors_used: 0,
            shared_conversations_viewed: 0,
            sessions: 0,
            commits: 0,
            pull_requests: 0,
            lines_added: 0,
            lines_removed: 0,
            tool_actions: TOOLS.map(|tool| (tool, 0, 0)),
            web_searches: 0,
            cowork_sessions: 0,
            cowork_messages: 0,
            office_messages: 0,
            design_messages: 0,
        }
    }
}

impl AddAssign<&UserDay> for UserDay {
    fn add_assign(&mut self, other: &UserDay) {
        self.messages += other.messages;
        self.conversations += other.conversations;
        self.projects_created += other.projects_created;
        self.projects_used += other.projects_used;
        self.files_uploaded += other.files_uploaded;
        self.artifacts_created += other.artifacts_created;
        self.thinking_messages += other.thinking_messages;
        self.skills_used += other.skills_used;
        self.connectors_used += other.connectors_used;
        self.shared_conversations_viewed += other.shared_conversations_viewed;
        self.sessions += other.sessions;
        self.commits += other.commits;
        self.pull_requests += other.pull_requests;
        self.lines_added += other.lines_added;
        self.lines_removed += other.lines_removed;
        for (mine, theirs) in self.tool_actions.iter_mut().zip(other.tool_actions.iter()) {
            mine.1 += theirs.1;
            mine.2 += theirs.2;
        }
        self.web_searches += other.web_searches;
        self.cowork_sessions += other.cowork_sessions;
        self.cowork_messages += other.cowork_messages;
        self.office_messages += other.office_messages;
        self.design_messages += other.design_messages;
    }
}

/// The synthetic organization: members, their habits and every day's activity and cost.
#[derive(Clone, Debug)]
pub struct SyntheticOrg {
    seed: u64,
    today: NaiveDate,
    organization_id: String,
    members: Vec<Member>,
    habits: Vec<Habits>,
    by_email: Vec<usize>,
    /// See [`SyntheticOrg::seat_based`].
    seat_based: bool,
}

impl SyntheticOrg {
    /// Builds the organization for `users` people; deterministic in (`seed`, `users`, `today`).
    pub fn new(seed: u64, users: usize, today: NaiveDate) -> Self {
        let members = people::members(seed, users);
        let mut by_email: Vec<usize> = (0..users).collect();
        by_email.sort_by(|&a, &b| members[a].email.cmp(&members[b].email));
        Self {
            seed,
            today,
            organization_id: format!("org_01{}", base62(&[seed, SALT_ORG], 22)),
            habits: people::habits(seed, users),
            members,
            by_email,
            seat_based: false,
        }
    }

    /// The organization on a seat-based plan: the cost endpoints reflect extra usage only,
    /// which only the heavy members run into (past their seats' included usage); everyone
    /// else's activity has no cost there.
    pub fn seat_based(mut self, on: bool) -> Self {
        self.seat_based = on;
        self
    }

    /// True when `user` has cost on an active day: always on a usage-based plan, only past
    /// the seat's included usage on a seat-based one.
    pub fn has_cost(&self, user: usize) -> bool {
        !self.seat_based || self.habits.get(user).is_some_and(|h| h.role == Role::Heavy)
    }

    /// The seed everything is derived from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulator's current UTC date.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// Every member, in index order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Every member sorted by e-mail address (the `/users` order).
    pub fn members_by_email(&self) -> impl Iterator<Item = &Member> {
        self.by_email.iter().map(|&i| &self.members[i])
    }

    /// Tagged organization id, `org_…`.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// True for the members (every third) who report under `chat_cowork_unified_metrics`
    /// when the simulator runs with [`crate::sim::SimConfig::unified_chat`]; their figures
    /// are the same either way, only where the answer puts them differs.
    pub fn on_unified_chat(&self, user: usize) -> bool {
        user % 3 == 2
    }

    /// True when the member holds a seat but is never active.
    pub fn is_idle(&self, user: usize) -> bool {
        self.habits.get(user).is_none_or(|h| h.role == Role::Idle)
    }

    /// True when `user` was active on `date` (cheap; no counters computed).
    pub fn is_active(&self, user: usize, date: NaiveDate) -> bool {
        let Some(habits) = self.habits.get(user) else {
            return false;
        };
        if habits.role == Role::Idle || date > self.today {
            return false;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let chance = habits.weekday_activity * if weekend { 0.15 } else { 1.0 };
        Draws::new(self.seed, user as u64, date).f(SALT_ACTIVE) < chance
    }

    /// True when `user` had at least one Cowork session on `date`.
    pub fn is_cowork_active(&self, user: usize, date: NaiveDate) -> bool {
        self.is_active(user, date)
            && self.habits[user].coworks
            && Draws::new(self.seed, user as u64, date).f(SALT_COWORK) < 0.5
    }

    /// The member's activity on `date`; `None` when not active that day.
    pub fn user_day(&self, user: usize, date: NaiveDate) -> Option<UserDay> {
        if !self.is_active(user, date) {
            return None;
        }
        let habits = self.habits[user];
        let r = Draws::new(self.seed, user as u64, date);
        let k = habits.scale * (0.5 + r.f(1));
        let n = |x: f64| x.max(0.0).round() as u64;
        let messages = 1 + n(k * (4.0 + 16.0 * r.f(2)));
        let mut day = UserDay {
            messages,
            conversations: 1 + messages / (3 + r.below(3, 4)),
            projects_created: u64::from(r.f(4) < 0.06 * k.min(3.0)),
            projects_used: n(r.f(5) * 2.5 * k.min(2.0) - 0.4),
            files_uploaded: n(r.f(6) * 3.0 * k.sqrt() - 0.5),
            artifacts_created: n(r.f(7) * 2.0 * k.sqrt() - 0.3),
            thinking_messages: n(messages as f64 * 0.4 * r.f(8)),
            skills_used: n(r.f(9) * 2.2 - 0.4),
            connectors_used: n(r.f(10) * 4.0 * k.sqrt() - 1.0),
            shared_conversations_viewed: u64::from(r.f(11) < 0.15),
            web_searches: n(r.f(12) * 5.0 * k.sqrt() - 1.0),
            ..UserDay::zero()
        };
        if habits.codes && r.f(13) < 0.85 {
            let sessions = 1 + n(k * 1.5 * r.f(14));
            day.sessions = sessions;
            day.commits = n(sessions as f64 * (0.3 + 1.2 * r.f(15)));
            day.pull_requests = n(day.commits as f64 * 0.35 * r.f(16));
            day.lines_added = sessions * (40 + r.below(17, 360));
            day.lines_removed = n(day.lines_added as f64 * (0.1 + 0.4 * r.f(18)));
            let bases = [12.0, 4.0, 3.0, 0.3];
            for (i, (slot, base)) in day.tool_actions.iter_mut().zip(bases).enumerate() {
                let field = 30 + 2 * i as u64;
                let accepted = n(sessions as f64 * base * r.f(field));
                slot.1 = accepted;
                slot.2 = n(accepted as f64 * (0.05 + 0.15 * r.f(field + 1)));
            }
        }
        if self.is_cowork_active(user, date) {
            day.cowork_sessions = 1 + n(r.f(21) * 2.0 * k.sqrt());
            day.cowork_messages = day.cowork_sessions * (3 + r.below(22, 8));
        }
        if r.f(23) < 0.2 {
            day.office_messages = 1 + r.below(24, 12);
        }
        if r.f(25) < 0.1 {
            day.design_messages = 1 + r.below(26, 20);
        }
        Some(day)
    }

    /// Conversations and Claude Code sessions of `user` over `[start, end]` counted once each,
    /// as a range rollup counts them: some of a day's conversations (sessions) continue the
    /// day before's, and are the same ones. Summing days counts those once per day.
    pub fn distinct_over(&self, user: usize, start: NaiveDate, end: NaiveDate) -> (u64, u64) {
        let (mut conversations, mut sessions) = (0, 0);
        let mut before: Option<UserDay> = None;
        for date in start.iter_days().take_while(|d| *d <= end) {
            let day = self.user_day(user, date);
            if let Some(day) = &day {
                conversations += day.conversations;
                sessions += day.sessions;
                if let Some(prev) = &before {
                    conversations -= day.conversations.min(prev.conversations) / 2;
                    sessions -= day.sessions.min(prev.sessions) / 3;
                }
            }
            before = day;
        }
        (conversations, sessions)
    }

    /// When the member's usage on `date` is timestamped for the cost/usage endpoints: one
    /// hour per user-day (working hours on past days, before the refresh watermark today), so
    /// time ranges and 1h/1d buckets all partition the same totals.
    pub fn usage_at(&self, user: usize, date: NaiveDate) -> DateTime<Utc> {
        let draw = Draws::new(self.seed, user as u64, date).below(SALT_HOUR, 9) as u32;
        let hour = if date == self.today { draw } else { 9 + draw };
        date.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
    }

    /// The member's cost lines for `date` (empty when not active or in the future). Today's
    /// lines are partial: only usage before the refresh watermark has been counted.
    pub fn user_cost(&self, user: usize, date: NaiveDate) -> Vec<CostLine> {
        if date > self.today {
            return Vec::new();
        }
        let Some(day) = self.user_day(user, date).filter(|_| self.has_cost(user)) else {
            return Vec::new();
        };
        let habits = self.habits[user];
        let draws = Draws::new(self.seed, user as u64, date);
        let partial = date == self.today;
        pricing::lines(
            &day,
            habits.chat_model,
            habits.role == Role::Heavy,
            draws,
            partial,
        )
    }

    /// A per-organization flag drawn from the seed (used to vary optional response fields).
    pub(crate) fn flavor(&self, bit: u32) -> bool {
        hash(&[self.seed, 0xF1A7]) >> (bit % 64) & 1 == 1
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    fn org(users: usize) -> SyntheticOrg {
        SyntheticOrg::new(7, users, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
    }

    #[test]
    fn ids_and_emails_are_unique_and_shaped() {
        let org = org(3500);
        let mut ids: Vec<&str> = org.members().iter().map(|m| m.id.as_str()).collect();
        let mut emails: Vec<&str> = org.members().iter().map(|m| m.email.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        emails.sort_unstable();
        emails.dedup();
        assert_eq!(ids.len(), 3500);
        assert_eq!(emails.len(), 3500);
        assert!(
            org.members()
                .iter()
                .all(|m| m.id.len() == 29 && m.id.starts_with("user_01"))
        );
        assert!(org.organization_id().starts_with("org_01"));
    }

    #[test]
    fn idle_users_never_appear_and_weekends_are_quiet() {
        let org = org(400);
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let idle: Vec<usize> = (0..400).filter(|&u| org.is_idle(u)).collect();
        assert_eq!(idle.len(), 40);
        for &u in &idle {
            assert!(org.user_day(u, monday).is_none());
            assert!(org.user_cost(u, monday).is_empty());
        }
        assert!(org.dau(sunday) * 3 < org.dau(monday));
        assert!(org.wau(monday) >= org.dau(monday));
        assert!(org.mau(monday) >= org.wau(monday));
    }

    #[test]
    fn cost_exists_exactly_when_active() {
        let org = org(60);
        let day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        for u in 0..60 {
            assert_eq!(
                org.user_day(u, day).is_some(),
                !org.user_cost(u, day).is_empty()
            );
            for line in org.user_cost(u, day) {
                assert!(line.list_amount_cents >= line.amount_cents);
                assert_eq!(line.amount_cents.scale(), 6);
            }
        }
    }
}
