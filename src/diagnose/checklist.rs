//! The troubleshooting order for a refused key (Access switch; whole key; right owner), with
//! what this run already found or ruled out.

use std::fmt::Write as _;

use serde::Serialize;

use crate::api::ApiError;
use crate::credentials::{Finding, Severity};

/// One step of the order support staff walk through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    AccessToggle,
    CopiedWhole,
    PrimaryOwner,
}

impl Step {
    /// The order the steps are checked in.
    pub const ALL: [Step; 3] = [Step::AccessToggle, Step::CopiedWhole, Step::PrimaryOwner];

    /// What must be true, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            Step::AccessToggle => "Access is switched on for the Analytics API",
            Step::CopiedWhole => "The whole key was copied, and nothing else",
            Step::PrimaryOwner => "A Primary Owner of the right organization made the key",
        }
    }

    /// Where to look.
    pub fn how(self) -> &'static str {
        match self {
            Step::AccessToggle => {
                "claude.ai → Analytics → API keys: while the Access switch is off, every key is \
                 refused, including older ones"
            }
            Step::CopiedWhole => {
                "copy the key again from Analytics → API keys, in one piece, with no spaces, \
                 quotes or line breaks around it"
            }
            Step::PrimaryOwner => {
                "only the Primary Owner can create Analytics keys (Owners and Admins cannot), and \
                 a key reads only the organization it was made in"
            }
        }
    }
}

/// What this run knows about a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// This is what is wrong.
    Cause,
    /// Checked here; not the problem.
    RuledOut,
    /// The local checks point at it.
    Suspect,
    /// Cannot be seen from here: please look.
    Check,
}

impl Verdict {
    /// The mark shown before the step.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Cause => "✗ cause",
            Verdict::RuledOut => "✓ ruled out",
            Verdict::Suspect => "! likely",
            Verdict::Check => "? check",
        }
    }
}

/// A step with its verdict and the reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub step: Step,
    pub verdict: Verdict,
    pub note: String,
}

impl ChecklistItem {
    /// One line, `[mark] title: note`: how doctor lists a step among a check's fixes.
    pub fn line(&self) -> String {
        format!(
            "[{}] {}: {}",
            self.verdict.mark(),
            self.step.title(),
            self.note
        )
    }
}

/// The checklist as doctor's fixes, one line a step (see [`ChecklistItem::line`]).
pub fn as_fixes(error: Option<&ApiError>, findings: &[Finding]) -> Vec<String> {
    checklist(error, findings)
        .iter()
        .map(ChecklistItem::line)
        .collect()
}

/// The checklist as verify's numbered text: each step and its note, and where to look
/// unless the step was ruled out. (The wizard draws the same items with its own styles.)
pub fn write_numbered(out: &mut String, items: &[ChecklistItem]) {
    for (i, item) in items.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. [{}] {}\n       {}",
            i + 1,
            item.verdict.mark(),
            item.step.title(),
            item.note,
        );
        if item.verdict != Verdict::RuledOut {
            let _ = writeln!(out, "       {}", item.step.how());
        }
    }
}

/// True when the failure is about the key (the checklist applies).
pub fn applies_to(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::KeyRejected { .. }
            | ApiError::MissingScope { .. }
            | ApiError::AccessDisabled { .. }
            | ApiError::KeyNotSendable
    )
}

/// The checklist for a refused key: `error` is the server's answer (`None` when the local
/// checks stopped the key before any request), `findings` what the local checks saw.
pub fn checklist(error: Option<&ApiError>, findings: &[Finding]) -> Vec<ChecklistItem> {
    let admin = findings.contains(&Finding::AdminKey)
        || matches!(
            error,
            Some(ApiError::KeyRejected {
                admin_key: true,
                ..
            })
        );
    let access_off = matches!(error, Some(ApiError::AccessDisabled { .. }));
    let unscoped = match error {
        Some(ApiError::MissingScope { granted, .. }) => Some(granted.as_slice()),
        _ => None,
    };
    let item = |step, verdict, note: &str| ChecklistItem {
        step,
        verdict,
        note: note.to_owned(),
    };
    let toggle = if access_off {
        item(
            Step::AccessToggle,
            Verdict::Cause,
            "the API says Analytics access is turned off for this organization",
        )
    } else if admin || unscoped.is_some() {
        item(
            Step::AccessToggle,
            Verdict::Check,
            "not the first thing to fix: the key is the wrong kind",
        )
    } else if error.is_none() {
        item(
            Step::AccessToggle,
            Verdict::Check,
            "not asked yet: the key was not sent",
        )
    } else {
        item(
            Step::AccessToggle,
            Verdict::Check,
            "a switched-off Access can look like a bad key: please look",
        )
    };
    let suspects: Vec<String> = findings
        .iter()
        .filter(|f| f.suggests_bad_copy())
        .map(ToString::to_string)
        .collect();
    let cleaned = findings.iter().any(|f| f.severity() == Severity::Notice);
    let copy = if matches!(error, Some(ApiError::KeyNotSendable)) {
        item(
            Step::CopiedWhole,
            Verdict::Cause,
            "the key holds characters that cannot be sent",
        )
    } else if !suspects.is_empty() {
        item(Step::CopiedWhole, Verdict::Suspect, &suspects.join("; "))
    } else if admin || unscoped.is_some() {
        item(
            Step::CopiedWhole,
            Verdict::RuledOut,
            "the copy is complete — of the wrong kind of key",
        )
    } else if cleaned {
        item(
            Step::CopiedWhole,
            Verdict::RuledOut,
            "what was around the key was removed before sending; its length and characters \
             look right",
        )
    } else {
        item(
            Step::CopiedWhole,
            Verdict::RuledOut,
            "nothing around the key; its length and characters look right",
        )
    };
    let owner = if admin {
        item(
            Step::PrimaryOwner,
            Verdict::Cause,
            "this is an Admin API key (sk-ant-admin…); the Primary Owner creates an Analytics \
             key at claude.ai → Analytics → API keys",
        )
    } else if let Some(granted) = unscoped {
        let has = if granted.is_empty() {
            String::new()
        } else {
            format!(" (it has {})", granted.join(", "))
        };
        item(
            Step::PrimaryOwner,
            Verdict::Cause,
            &format!(
                "the key lacks the read:analytics scope{has}: make a key that has it (claude.ai \
                 → Organization settings → API, or Analytics → API keys)"
            ),
        )
    } else if access_off {
        item(
            Step::PrimaryOwner,
            Verdict::Check,
            "once Access is on, if the key is still refused",
        )
    } else {
        item(
            Step::PrimaryOwner,
            Verdict::Check,
            "a key from another organization is refused the same way",
        )
    };
    vec![toggle, copy, owner]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdicts(items: &[ChecklistItem]) -> Vec<Verdict> {
        items.iter().map(|i| i.verdict).collect()
    }

    fn rejected(admin_key: bool) -> ApiError {
        ApiError::KeyRejected {
            status: 404,
            admin_key,
            request_id: None,
            server_message: None,
        }
    }

    #[test]
    fn the_order_is_fixed_and_what_was_seen_is_marked() {
        use Verdict::{Cause, Check, RuledOut, Suspect};
        let plain = checklist(Some(&rejected(false)), &[]);
        assert_eq!(plain.iter().map(|i| i.step).collect::<Vec<_>>(), Step::ALL);
        assert_eq!(verdicts(&plain), [Check, RuledOut, Check]);
        let short = checklist(
            Some(&rejected(false)),
            &[
                Finding::TooShort { len: 20 },
                Finding::SurroundingWhitespace,
            ],
        );
        assert_eq!(verdicts(&short), [Check, Suspect, Check]);
        let off = ApiError::AccessDisabled {
            status: 403,
            request_id: None,
            server_message: None,
        };
        assert_eq!(
            verdicts(&checklist(Some(&off), &[])),
            [Cause, RuledOut, Check]
        );
        assert_eq!(
            verdicts(&checklist(None, &[Finding::AdminKey])),
            [Check, RuledOut, Cause]
        );
        assert_eq!(
            verdicts(&checklist(Some(&rejected(true)), &[])),
            [Check, RuledOut, Cause]
        );
    }
}
