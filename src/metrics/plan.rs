//! What the cost figures are on this organization's plan: the bill (usage-based) or only the
//! extra usage past the seats' included usage (seat-based), by the config or a labelled guess.
//!
//! Nothing in the API's answers names the plan: no envelope field, and `cost_type` only splits
//! tokens, web search and code execution. So the config says it (`plan = "seat-based"`), and
//! without it a heuristic looks at structure, never wording: on a usage-based plan everyone
//! active spends, on a seat-based one only those past their seat's included usage do.

use serde::Deserialize;

use super::{DataSpans, Developer};

/// The `plan` setting of the config file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanSetting {
    /// Not said: the heuristic decides whether to warn.
    #[default]
    Auto,
    SeatBased,
    UsageBased,
}

impl PlanSetting {
    /// The spelling in the config file.
    pub fn name(self) -> &'static str {
        match self {
            PlanSetting::Auto => "auto",
            PlanSetting::SeatBased => "seat-based",
            PlanSetting::UsageBased => "usage-based",
        }
    }
}

/// People active in the engagement data, and how many of them have any cost over the same days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanEvidence {
    pub active: u64,
    pub with_cost: u64,
}

/// Fewer active people than this say nothing either way.
const MIN_ACTIVE: u64 = 5;

/// What the cost figures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostBasis {
    /// The bill: a usage-based plan, or nothing suggests otherwise.
    Bill,
    /// Extra usage (usage credits) only: the config says the plan is seat-based.
    ExtraUsage,
    /// Perhaps extra usage only: most people active have no cost at all (a heuristic).
    MaybeExtraUsage(PlanEvidence),
}

impl CostBasis {
    /// The setting wins; `auto` warns when fewer than half the active people have any cost.
    pub fn decide(setting: PlanSetting, evidence: Option<PlanEvidence>) -> CostBasis {
        match setting {
            PlanSetting::SeatBased => CostBasis::ExtraUsage,
            PlanSetting::UsageBased => CostBasis::Bill,
            PlanSetting::Auto => match evidence {
                Some(e) if e.active >= MIN_ACTIVE && e.with_cost * 2 < e.active => {
                    CostBasis::MaybeExtraUsage(e)
                }
                _ => CostBasis::Bill,
            },
        }
    }

    /// A sentence for `verify`, `doctor` and exports; `None` when cost is the bill.
    pub fn note(&self) -> Option<String> {
        match self {
            CostBasis::Bill => None,
            CostBasis::ExtraUsage => Some(
                "seat-based plan (plan = \"seat-based\" in the config file): the cost figures \
                 are extra usage (usage credits) past the seats' included usage, not the bill"
                    .to_owned(),
            ),
            CostBasis::MaybeExtraUsage(e) => Some(format!(
                "the plan may be seat-based (a heuristic, not an answer from the API: only {} \
                 of {} people active have any cost); then the cost figures are extra usage \
                 (usage credits) only, not the bill; set plan = \"seat-based\" or \
                 \"usage-based\" in the config file to say which",
                e.with_cost, e.active
            )),
        }
    }

    /// The Cost tab's line; `None` when cost is the bill.
    pub fn short(&self) -> Option<String> {
        match self {
            CostBasis::Bill => None,
            CostBasis::ExtraUsage => {
                Some("seat-based plan: extra usage (usage credits) only, not the bill".to_owned())
            }
            CostBasis::MaybeExtraUsage(e) => Some(format!(
                "seat-based plan? only {} of {} active people have cost (a guess; set plan in \
                 the config): then this is extra usage (usage credits) only, not the bill",
                e.with_cost, e.active
            )),
        }
    }
}

impl PlanEvidence {
    /// The people of a range with activity, and those of them with any cost; `None` unless
    /// the cost data covers every day of the activity data (else "no cost" may mean "no data").
    pub fn of(developers: &[Developer], spans: &DataSpans) -> Option<PlanEvidence> {
        let (Some(activity), Some(cost)) = (spans.activity, spans.cost) else {
            return None;
        };
        if cost.0 > activity.0 || cost.1 < activity.1 {
            return None;
        }
        let engaged = developers.iter().filter(|d| {
            d.messages + d.claude_code_sessions + d.commits + d.lines_added > 0
                || d.cowork_messages + d.office_messages + d.design_messages > 0
        });
        let (active, with_cost) = engaged.fold((0, 0), |(n, paid), d| {
            (n + 1, paid + u64::from(!d.cost_usd.is_zero()))
        });
        Some(PlanEvidence { active, with_cost })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEW_PAY: PlanEvidence = PlanEvidence {
        active: 36,
        with_cost: 4,
    };

    #[test]
    fn the_setting_wins_and_auto_guesses_only_on_enough_evidence() {
        assert_eq!(
            CostBasis::decide(PlanSetting::Auto, Some(FEW_PAY)),
            CostBasis::MaybeExtraUsage(FEW_PAY)
        );
        assert_eq!(
            CostBasis::decide(PlanSetting::UsageBased, Some(FEW_PAY)),
            CostBasis::Bill
        );
        assert_eq!(
            CostBasis::decide(PlanSetting::SeatBased, None),
            CostBasis::ExtraUsage
        );
        let everyone = PlanEvidence {
            with_cost: 36,
            ..FEW_PAY
        };
        assert_eq!(
            CostBasis::decide(PlanSetting::Auto, Some(everyone)),
            CostBasis::Bill
        );
        let too_few = PlanEvidence {
            active: 4,
            with_cost: 0,
        };
        assert_eq!(
            CostBasis::decide(PlanSetting::Auto, Some(too_few)),
            CostBasis::Bill
        );
        assert_eq!(CostBasis::Bill.note(), None);
    }

    #[test]
    fn the_guess_is_labelled_as_one() {
        let note = CostBasis::MaybeExtraUsage(FEW_PAY)
            .note()
            .unwrap_or_default();
        assert!(
            note.starts_with("the plan may be seat-based (a heuristic, not an answer from the API: only 4 of 36 people active have any cost)"),
            "{note}"
        );
    }
}
