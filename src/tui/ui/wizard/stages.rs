//! The wizard's panel bodies, one function per stage: the key field, storing, a failure and
//! its checklist, the consent question, the organization reached, the key in use.

use chrono::{DateTime, Utc};
use ratatui::text::{Line, Span};

use super::{LABEL, Text, spinner};
use crate::credentials::{Finding, Severity};
use crate::diagnose::checklist::Verdict;
use crate::diagnose::identity::OrgIdentity;
use crate::tui::wizard::{Failure, Stored, Wizard};

fn prerequisites(text: &mut Text<'_>) {
    text.heading("Before you start");
    text.plain(
        " • ",
        "the organization is on the claude.ai Enterprise plan (Teams plans have no Analytics API)",
    );
    text.plain(
        " • ",
        "only its Primary Owner can create the key — an Owner or an Admin cannot",
    );
    text.heading("Create the key");
    text.plain(
        " 1. ",
        "at claude.ai open Analytics → API keys (claude.ai/analytics/api-keys)",
    );
    text.plain(" 2. ", "under Analytics API, switch Access on");
    text.plain(
        " 3. ",
        "click + Create key and copy it (it carries read:analytics; nothing else to set)",
    );
}

fn finding_line(text: &mut Text<'_>, finding: &Finding) {
    let theme = text.theme;
    let (mark, style) = match finding.severity() {
        Severity::Notice => (" ✓ ", theme.good),
        Severity::Warning => (" ! ", theme.warn),
        Severity::Blocking => (" ✗ ", theme.bad),
    };
    text.para(mark, style, &finding.to_string(), style);
}

pub(super) fn field(
    wizard: &Wizard,
    text: &mut Text<'_>,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) {
    prerequisites(text);
    text.blank();
    let theme = text.theme;
    let count = wizard.field.chars();
    let cleaned = crate::credentials::inspect(wizard.field.expose()).len();
    let mut suffix = format!(" {count} characters");
    if cleaned != count {
        suffix = format!(" {cleaned} after clean-up");
    }
    if wizard.reveal {
        suffix.push_str(" (shown)");
    }
    let room = text
        .width
        .saturating_sub(LABEL.chars().count() + suffix.chars().count() + 1)
        .max(4);
    let shown = if wizard.reveal {
        let all: Vec<char> = wizard.field.expose().chars().collect();
        if all.len() > room {
            let tail: String = all[all.len() - (room - 1)..].iter().collect();
            format!("…{tail}")
        } else {
            all.into_iter().collect()
        }
    } else if count > room {
        format!("{}…", "•".repeat(room - 1))
    } else {
        "•".repeat(count)
    };
    let mut spans = vec![
        Span::styled(LABEL, theme.header),
        Span::styled(shown, theme.accent),
    ];
    if since.is_none() {
        spans.push(Span::styled("▏", theme.accent));
    }
    if count > 0 || wizard.reveal {
        let style = if wizard.reveal { theme.warn } else { theme.dim };
        spans.push(Span::styled(suffix, style));
    }
    text.lines.push(Line::from(spans));
    for finding in &wizard.findings {
        finding_line(text, finding);
    }
    if let Some(since) = since {
        let (good, accent) = (theme.good, theme.accent);
        text.para(
            &format!(" {} ", spinner(since, now)),
            accent,
            "verifying: one request to the Analytics API, then who the key belongs to…",
            good,
        );
    } else if wizard.blocked {
        let bad = theme.bad;
        text.para(
            " ✗ ",
            bad,
            "not sent: fix the problem above, or paste the right key",
            bad,
        );
    } else if wizard.field.is_empty() {
        text.plain(
            " ",
            "Paste the key here: it stays masked and is checked on this machine first; \
             nothing is sent until you press Enter.",
        );
    } else {
        text.plain(
            " ",
            "Enter checks it with one live request; after that only its fingerprint is shown.",
        );
    }
}

pub(super) fn storing(text: &mut Text<'_>, fingerprint: &str, file: bool, now: DateTime<Utc>) {
    let theme = text.theme;
    let (good, accent) = (theme.good, theme.accent);
    let place = if file {
        "in the owner-only key file"
    } else {
        "in the OS keychain"
    };
    text.para(
        &format!(" {} ", spinner(now, now)),
        accent,
        &format!("verified; storing {fingerprint} {place}…"),
        good,
    );
}

fn failure_head(text: &mut Text<'_>, fingerprint: &str, failure: &Failure) {
    let theme = text.theme;
    let mut head = failure.cause.clone();
    if let Some(status) = failure.status {
        head.push_str(&format!(" (HTTP {status})"));
    }
    if let Some(id) = &failure.request_id {
        head.push_str(&format!(" · request id {id}"));
    }
    let bad = theme.bad;
    text.para(" ✗ ", bad, &head, bad);
    // A refused key's checklist says it all; other failures need their sentence.
    if failure.checklist.is_none() {
        text.plain("   ", &failure.message);
    }
    text.plain("   ", &format!("key {fingerprint} · nothing was stored"));
}

pub(super) fn failed(text: &mut Text<'_>, fingerprint: &str, failure: &Failure) {
    failure_head(text, fingerprint, failure);
    text.blank();
    let theme = text.theme;
    match &failure.checklist {
        Some(items) => {
            text.heading("Check, in this order:");
            for (i, item) in items.iter().enumerate() {
                let style = match item.verdict {
                    Verdict::Cause => theme.bad,
                    Verdict::RuledOut => theme.good,
                    Verdict::Suspect => theme.warn,
                    Verdict::Check => theme.text,
                };
                let lead = format!(" {}. [{}] ", i + 1, item.verdict.mark());
                text.para(&lead, style, item.step.title(), style);
                text.plain("      ", &item.note);
                if item.verdict != Verdict::RuledOut {
                    let dim = theme.dim;
                    text.para("      ", dim, item.step.how(), dim);
                }
            }
        }
        None => {
            text.heading("What to do:");
            for fix in &failure.fixes {
                text.plain(" • ", fix);
            }
        }
    }
}

fn identity_lines(text: &mut Text<'_>, identity: &OrgIdentity) {
    let unknown = || "—".to_owned();
    let org = identity
        .organization_id
        .clone()
        .unwrap_or_else(|| "— (only the cost endpoints report it)".to_owned());
    text.plain(" Organization   ", &org);
    text.plain(
        " Seats          ",
        &identity.seats.map_or_else(unknown, |s| s.to_string()),
    );
    let people = match (identity.people, identity.latest_day) {
        (Some(n), Some(day)) => format!("{n} active on {day} (the latest day with data)"),
        _ => unknown(),
    };
    text.plain(" People         ", &people);
    let domain = match (&identity.top_domain, identity.people) {
        (Some((d, n)), Some(all)) => format!("{d} ({n} of {all})"),
        (Some((d, n)), None) => format!("{d} ({n})"),
        _ => unknown(),
    };
    text.plain(" E-mail domain  ", &domain);
    if let Some(switched) = &identity.switched {
        let warn = text.theme.warn;
        text.para(" Note           ", warn, switched, warn);
    }
}

/// The key worked: `headline`, then the organization it reaches.
fn reaches(text: &mut Text<'_>, headline: &str, identity: &OrgIdentity) {
    let good = text.theme.good;
    text.para(" ✓ ", good, headline, good);
    identity_lines(text, identity);
    text.blank();
}

pub(super) fn consent(
    wizard: &Wizard,
    text: &mut Text<'_>,
    identity: &OrgIdentity,
    fingerprint: &str,
    reason: &str,
) {
    let theme = text.theme;
    reaches(
        text,
        &format!("the key {fingerprint} works; it reaches:"),
        identity,
    );
    text.heading("No OS keychain here");
    text.plain(" ", &format!("No keychain answered ({reason})."));
    text.plain(
        " ",
        &format!(
            "topogy can keep the key in {}, a file only your user can read (mode 0600, in a \
             directory only you can open). Root and anything running as you can still read it. \
             Without it, you paste the key at every start.",
            wizard.key_file
        ),
    );
    text.blank();
    let accent = theme.accent;
    text.para(
        " ",
        accent,
        "Store the key in that file?  y yes · n no",
        accent,
    );
}

pub(super) fn done(
    text: &mut Text<'_>,
    identity: &OrgIdentity,
    fingerprint: &str,
    stored: &Stored,
) {
    reaches(
        text,
        "the key works; it reaches this organization:",
        identity,
    );
    let place = match stored {
        Stored::Keychain => "stored in the OS keychain (service \"topogy\")".to_owned(),
        Stored::File(path) => format!("stored in {path} (readable only by you)"),
        Stored::NotStored(why) => format!("not stored: {why}"),
        Stored::Demo => "the simulator's key (--demo): never stored".to_owned(),
    };
    text.plain(" Key            ", &format!("{fingerprint}, {place}"));
    text.plain(
        "                ",
        "It is never shown again; the fingerprint is how you recognise it.",
    );
    text.blank();
    text.plain(
        " ",
        "Not the organization you expected? Open the dashboard, press K and paste another \
         organization's key.",
    );
}

pub(super) fn manage(wizard: &Wizard, text: &mut Text<'_>) {
    match &wizard.current {
        Some(current) if current.source.contains(&current.fingerprint) => {
            text.plain(" Key in use   ", &current.source);
        }
        Some(current) => {
            text.plain(
                " Key in use   ",
                &format!("{} from {}", current.fingerprint, current.source),
            );
        }
        None => text.plain(" ", "No key is in use."),
    }
    text.blank();
    text.plain(
        " ",
        "Enter to paste a replacement (it is verified before it replaces this one), or x to \
         remove the stored key from this machine.",
    );
}
