//! The documented shapes of the API the simulator can take on, several at once (`--variant`).
//!
//! The public documents disagree (§11 of `analytics-api.md`) and the real API words its errors
//! its own way; each variant is one documented possibility, so the client is tested against
//! every one of them instead of against the simulator's own habits.

use std::fmt;

use super::SimConfig;
use super::error::Wording;

/// Which e-mail field the cost actor carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ActorEmail {
    /// Both `email_address` and the deprecated `email` (the transition the SDK documents).
    #[default]
    Both,
    /// Only `email` (the support article and the August 2026 reference).
    Legacy,
    /// Only `email_address` (the newest reference, once `email` is gone).
    Current,
}

/// One documented behaviour of the API (see `topogy sim --help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Variant {
    /// 400 answers in other words, with no dates and none of the documented phrases.
    #[value(name = "errors-reworded")]
    ErrorsReworded,
    /// 400 answers as bare as "date is too recent".
    #[value(name = "errors-bare")]
    ErrorsBare,
    /// 400 answers with no message at all.
    #[value(name = "errors-silent")]
    ErrorsSilent,
    /// `/summaries` answers `{"summaries": […]}` (the older shape) instead of `data`.
    #[value(name = "summaries-legacy")]
    SummariesLegacy,
    /// `/summaries` refuses an `ending_date` past the latest available day (the SDK allows
    /// up to today).
    #[value(name = "summaries-strict-end")]
    SummariesStrictEnd,
    /// The engagement endpoints refuse `starting_date`/`ending_date` (no range mode).
    #[value(name = "no-range")]
    NoRange,
    /// Every third member is on "Chat and Cowork unified": their chat and Cowork activity is
    /// under `chat_cowork_unified_metrics` instead of `chat_metrics`/`cowork_metrics`.
    #[value(name = "unified")]
    Unified,
    /// `/plugins` and `/artifacts` are not offered to this organization (404).
    #[value(name = "no-plugins-artifacts")]
    NoPluginsArtifacts,
    /// Engagement data is served 366 days back instead of 90.
    #[value(name = "history-366")]
    History366,
    /// The cost actor carries only `email`.
    #[value(name = "actor-email")]
    ActorEmail,
    /// The cost actor carries only `email_address`.
    #[value(name = "actor-email-address")]
    ActorEmailAddress,
    /// Only the four legacy cost/usage reports: `/cost` answers 404.
    #[value(name = "cost-legacy-only")]
    CostLegacyOnly,
    /// Only `/cost`: the four legacy cost/usage reports answer 404.
    #[value(name = "cost-new-only")]
    CostNewOnly,
    /// A seat-based Enterprise plan: cost and usage reflect extra usage (usage credits) only,
    /// so only the heavy members, past their seats' included usage, have any.
    #[value(name = "seat-based")]
    SeatBased,
}

impl Variant {
    /// Every variant, in documentation order.
    pub fn all() -> &'static [Variant] {
        &[
            Variant::ErrorsReworded,
            Variant::ErrorsBare,
            Variant::ErrorsSilent,
            Variant::SummariesLegacy,
            Variant::SummariesStrictEnd,
            Variant::NoRange,
            Variant::Unified,
            Variant::NoPluginsArtifacts,
            Variant::History366,
            Variant::ActorEmail,
            Variant::ActorEmailAddress,
            Variant::CostLegacyOnly,
            Variant::CostNewOnly,
            Variant::SeatBased,
        ]
    }

    /// The kebab-case name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Variant::ErrorsReworded => "errors-reworded",
            Variant::ErrorsBare => "errors-bare",
            Variant::ErrorsSilent => "errors-silent",
            Variant::SummariesLegacy => "summaries-legacy",
            Variant::SummariesStrictEnd => "summaries-strict-end",
            Variant::NoRange => "no-range",
            Variant::Unified => "unified",
            Variant::NoPluginsArtifacts => "no-plugins-artifacts",
            Variant::History366 => "history-366",
            Variant::ActorEmail => "actor-email",
            Variant::ActorEmailAddress => "actor-email-address",
            Variant::CostLegacyOnly => "cost-legacy-only",
            Variant::CostNewOnly => "cost-new-only",
            Variant::SeatBased => "seat-based",
        }
    }

    /// Makes `config` behave as this variant (variants of different aspects combine).
    pub fn apply(self, config: &mut SimConfig) {
        match self {
            Variant::ErrorsReworded => config.wording = Wording::Reworded,
            Variant::ErrorsBare => config.wording = Wording::Bare,
            Variant::ErrorsSilent => config.wording = Wording::Silent,
            Variant::SummariesLegacy => config.legacy_summaries = true,
            Variant::SummariesStrictEnd => config.summaries_strict_end = true,
            Variant::NoRange => config.range_mode = false,
            Variant::Unified => config.unified_chat = true,
            Variant::NoPluginsArtifacts => config.plugins_artifacts_not_offered = true,
            Variant::History366 => config.history_days = 366,
            Variant::ActorEmail => config.actor_email = ActorEmail::Legacy,
            Variant::ActorEmailAddress => config.actor_email = ActorEmail::Current,
            Variant::CostLegacyOnly => config.cost_endpoint = false,
            Variant::CostNewOnly => config.legacy_cost_endpoints = false,
            Variant::SeatBased => config.seat_based = true,
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
