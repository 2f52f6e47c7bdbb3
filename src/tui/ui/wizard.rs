//! The key setup wizard's frame, drawn over the whole screen: title bar, the panel of the
//! current stage (its body drawn by `stages`), and the keys of that panel.
//!
//! ```text
//!  topogy · key setup                                         → https://api.anthropic.com
//! ╭ Connect your Claude Enterprise organization ───────────────────────────────────────╮
//! │ Before you start: prerequisites       (field, verifying)                           │
//! │ Create the key: the three steps                                                     │
//! │ API key  ••••••••••••••••••••▏ 100 characters                                      │
//! │ local checks · status or spinner                                                    │
//! │   — or the failure and its checklist, the consent question, the organization reached │
//! ╰─────────────────────────────────────────────────────────────────────────────────────╯
//!  keys of this panel, from the key table
//! ```

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

mod stages;

use super::Theme;
use super::widgets::{block, wrap_words};
use crate::tui::keymap::{Scope, bindings};
use crate::tui::model::Model;
use crate::tui::wizard::{Panel, Stage, Wizard};

const TITLE_BAR: Constraint = Constraint::Length(1);
const FOOTER: Constraint = Constraint::Length(1);
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const LABEL: &str = "API key  ";

/// Lines built for a known width, wrapped by hand so continuation lines keep their indent.
struct Text<'t> {
    lines: Vec<Line<'static>>,
    width: usize,
    theme: &'t Theme,
}

impl Text<'_> {
    fn blank(&mut self) {
        self.lines.push(Line::raw(""));
    }

    fn heading(&mut self, text: &str) {
        self.lines
            .push(Line::styled(text.to_owned(), self.theme.header));
    }

    /// `text` wrapped, its first line after `lead` and the rest indented to match.
    fn para(&mut self, lead: &str, lead_style: Style, text: &str, style: Style) {
        let indent = lead.chars().count();
        let wrapped = wrap_words(text, self.width.saturating_sub(indent).max(10));
        for (i, line) in wrapped.into_iter().enumerate() {
            let first = if i == 0 {
                Span::styled(lead.to_owned(), lead_style)
            } else {
                Span::raw(" ".repeat(indent))
            };
            self.lines
                .push(Line::from(vec![first, Span::styled(line, style)]));
        }
    }

    fn plain(&mut self, lead: &str, text: &str) {
        let (dim, body) = (self.theme.dim, self.theme.text);
        self.para(lead, dim, text, body);
    }
}

/// Draws the wizard over the whole frame.
pub fn render(model: &Model, wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [top, body, footer] =
        area.layout(&Layout::vertical([TITLE_BAR, Constraint::Fill(1), FOOTER]));
    title_bar(model, wizard, theme, frame, top);
    let title = match wizard.panel() {
        Panel::Manage => "Key setup — the key in use",
        Panel::Field | Panel::Verifying => "Connect your Claude Enterprise organization",
        Panel::Failed => "Key setup — the key was not accepted",
        Panel::Consent => "Key setup — where to keep the key",
        Panel::Done => "Key setup — connected",
    };
    let outer = block(title, theme);
    let inner = outer.inner(body);
    frame.render_widget(outer, body);
    let mut text = Text {
        lines: Vec::new(),
        width: usize::from(inner.width.saturating_sub(2)),
        theme,
    };
    if let Some(notice) = &wizard.notice {
        let warn = theme.warn;
        text.para("» ", warn, notice, warn);
    }
    match &wizard.stage {
        Stage::Manage => stages::manage(wizard, &mut text),
        Stage::Edit => stages::field(wizard, &mut text, None, model.now),
        Stage::Verifying { since, .. } => stages::field(wizard, &mut text, Some(*since), model.now),
        Stage::Storing {
            fingerprint, file, ..
        } => stages::storing(&mut text, fingerprint, *file, model.now),
        Stage::Failed {
            fingerprint,
            failure,
            ..
        } => stages::failed(&mut text, fingerprint, failure),
        Stage::Consent {
            identity,
            fingerprint,
            reason,
            ..
        } => stages::consent(wizard, &mut text, identity, fingerprint, reason),
        Stage::Done {
            identity,
            fingerprint,
            stored,
        } => stages::done(&mut text, identity, fingerprint, stored),
    }
    let padded = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(text.lines), padded);
    footer_bar(wizard, theme, frame, footer);
}

fn title_bar(model: &Model, wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let left = vec![
        Span::styled(" topogy ", theme.title),
        Span::styled(" key setup ", theme.tab_active),
    ];
    let right = if wizard.demo {
        " demo: built-in simulator ".to_owned()
    } else {
        format!(" → {} ", model.source)
    };
    let used: usize = left.iter().map(|s| s.content.chars().count()).sum();
    let gap = usize::from(area.width).saturating_sub(used + right.chars().count());
    let mut spans = left;
    spans.push(Span::raw(" ".repeat(gap)));
    spans.push(Span::styled(right, theme.accent));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn footer_bar(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let panel = wizard.panel();
    let mut spans = Vec::new();
    for b in bindings()
        .iter()
        .filter(|b| b.scope == Scope::Wizard(panel))
        // With no key in use there is no dashboard to go back to.
        .filter(|b| !(panel == Panel::Field && b.label == "Esc" && wizard.current.is_none()))
    {
        spans.push(Span::styled(format!(" {} ", b.label), theme.accent));
        spans.push(Span::styled(format!("{} ", b.help), theme.text));
    }
    let quit = if panel == Panel::Field {
        " Ctrl-C quit "
    } else {
        " q quit "
    };
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let gap = usize::from(area.width).saturating_sub(used + quit.chars().count());
    spans.push(Span::raw(" ".repeat(gap)));
    spans.push(Span::styled(quit, theme.dim));
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar),
        area,
    );
}

fn spinner(since: DateTime<Utc>, now: DateTime<Utc>) -> &'static str {
    let frame = (now - since).num_milliseconds().max(0) / 250;
    SPINNER[usize::try_from(frame).unwrap_or(0) % SPINNER.len()]
}
