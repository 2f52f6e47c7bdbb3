//! Rendering: a pure function of the model. One file per tab under `ui/`.
//!
//! ```text
//! ┌ topogy ─ 1 Overview  2 Developers  3 Claude Code  4 Cost  5 Adoption  6 Status ─ 30 days ┐
//! │                                                                                           │
//! │  the current tab's pane (overlays: help, date picker, detail view)                        │
//! │                                                                                           │
//! └ connection · sync progress · messages ·································· ? help  q quit ┘
//! ```

mod adoption;
mod claude_code;
mod cost;
mod detail;
pub(crate) mod developers;
mod help;
mod messages;
mod overview;
mod picker;
mod status;
mod theme;
pub mod widgets;
mod wizard;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub use theme::Theme;

use super::action::Tab;
use super::model::{Connection, Model, Overlay};

/// The smallest terminal the dashboard draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

const TAB_BAR: Constraint = Constraint::Length(1);
const STATUS_BAR: Constraint = Constraint::Length(1);

/// Draws the whole screen.
pub fn render(model: &Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(area, theme, frame);
        return;
    }
    if let Some(open) = &model.wizard {
        wizard::render(model, open, theme, frame, area);
        return;
    }
    let [tabs, body, status] = area.layout(&Layout::vertical([
        TAB_BAR,
        Constraint::Fill(1),
        STATUS_BAR,
    ]));
    tab_bar(model, theme, frame, tabs);
    match model.tab {
        Tab::Overview => overview::render(model, theme, frame, body),
        Tab::Developers => developers::render(model, theme, frame, body),
        Tab::ClaudeCode => claude_code::render(model, theme, frame, body),
        Tab::Cost => cost::render(model, theme, frame, body),
        Tab::Adoption => adoption::render(model, theme, frame, body),
        Tab::Status => status::render(model, theme, frame, body),
    }
    status_bar(model, theme, frame, status);
    match &model.overlay {
        Some(Overlay::Help) => help::render(model, theme, frame, frame.area()),
        Some(Overlay::Messages { scroll }) => messages::render(model, theme, frame, body, *scroll),
        Some(Overlay::RangePicker { custom, error }) => {
            picker::render(
                model,
                theme,
                frame,
                body,
                custom.as_deref(),
                error.as_deref(),
            );
        }
        Some(Overlay::Detail { user_id, timeline }) => {
            detail::render(model, theme, frame, body, user_id, timeline.data());
        }
        None => {}
    }
}

fn too_small(area: Rect, theme: &Theme, frame: &mut Frame) {
    let text = vec![
        Line::styled("terminal too small", theme.bad),
        Line::styled(
            format!(
                "topogy needs {}×{}; this one is {}×{}",
                MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
            ),
            theme.text,
        ),
        Line::styled("enlarge the window, or press q to quit", theme.dim),
    ];
    let y = area.height.saturating_sub(3) / 2;
    let centre = Rect::new(area.x, area.y + y, area.width, 3.min(area.height));
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        centre,
    );
}

/// The tab bar: the tabs and the date range, shortened step by step until they fit (at 80
/// columns the title goes, the tabs lose their padding and the range its dates).
fn tab_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let spans = tab_bar_spans(model, theme, usize::from(area.width));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The tab under column `x` of the tab bar, as drawn `width` columns wide (a mouse click).
pub fn tab_at(model: &Model, width: u16, x: u16) -> Option<Tab> {
    let mut left = 0;
    for span in tab_bar_spans(model, &Theme::mono(), usize::from(width)) {
        let right = left + span.content.chars().count();
        if (left..right).contains(&usize::from(x)) {
            return Tab::ALL.iter().enumerate().find_map(|(i, tab)| {
                let name = format!("{} {}", i + 1, tab.title());
                (span.content.trim() == name).then_some(*tab)
            });
        }
        left = right;
    }
    None
}

/// The tab bar's spans for a width: the drawing and the mouse's hit test share them.
fn tab_bar_spans(model: &Model, theme: &Theme, width: usize) -> Vec<Span<'static>> {
    let r = &model.range;
    let short = |d: chrono::NaiveDate| d.format("%m-%d").to_string();
    let custom = r.label == "custom";
    let ranges = [
        format!(" {} · {} – {} ", r.label, r.from, r.to),
        if custom {
            format!(" {} – {} ", r.from, r.to)
        } else {
            format!(" {} · {} – {} ", r.label, short(r.from), short(r.to))
        },
        if custom {
            format!(" {}–{} ", short(r.from), short(r.to))
        } else {
            format!(" {} ", r.label)
        },
        String::new(),
    ];
    let tabs = |padded: bool| -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        if padded {
            spans.push(Span::styled(" topogy ", theme.title));
        }
        for (i, tab) in Tab::ALL.iter().enumerate() {
            let style = if *tab == model.tab {
                theme.tab_active
            } else {
                theme.tab_inactive
            };
            if padded {
                spans.push(Span::styled(format!(" {} {} ", i + 1, tab.title()), style));
            } else {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(format!("{} {}", i + 1, tab.title()), style));
            }
        }
        spans
    };
    let chars = |spans: &[Span<'_>]| {
        spans
            .iter()
            .map(|s| s.content.chars().count())
            .sum::<usize>()
    };
    // Padded tabs with the title only while the range keeps its dates.
    let (mut spans, range) = [(true, 0), (true, 1), (false, 0), (false, 1), (false, 2)]
        .into_iter()
        .map(|(padded, i)| (tabs(padded), &ranges[i]))
        .find(|(spans, range)| chars(spans) + range.chars().count() <= width)
        .unwrap_or_else(|| (tabs(false), &ranges[3]));
    let gap = width.saturating_sub(chars(&spans) + range.chars().count());
    spans.push(Span::raw(" ".repeat(gap)));
    spans.push(Span::styled(range.clone(), theme.accent));
    spans
}

/// The connection state in words, for the status bar and the Status tab.
pub fn connection_text(model: &Model) -> (String, bool) {
    let through = model.data().and_then(|d| d.engagement_through);
    let held = |prefix: &str| {
        through.map_or_else(
            || "no stored data yet".to_owned(),
            |d| format!("{prefix}data through {d}"),
        )
    };
    match &model.connection {
        Connection::Starting => ("connecting…".to_owned(), false),
        Connection::Online => ("online".to_owned(), false),
        Connection::Offline { .. } => (format!("offline — {}; m: why", held("")), true),
        Connection::Failed { .. } => (format!("refresh failed — {}; m: why", held("")), true),
        Connection::Rejected { .. } => {
            let stale = if through.is_some() { " (stale)" } else { "" };
            (
                format!(
                    "key refused — {}{stale}; r re-tests, K new key",
                    held("stored ")
                ),
                true,
            )
        }
    }
}

/// The status bar. When it is too long for the screen, the key hint goes first, then the
/// sync's wait explanation, and last the message loses its start (an export's file name is
/// at its end).
fn status_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    let (state, alarming) = connection_text(model);
    let state = Span::styled(
        format!(" {state} "),
        if alarming { theme.bad } else { theme.good },
    );
    let p = &model.sync.progress;
    let syncing = |explain: bool| {
        model.busy().then(|| {
            if model.sync.elsewhere {
                let text = "· another topogy is syncing: showing its results";
                return Span::styled(text, theme.warn);
            }
            let wait = model.wait_text();
            let wait = if explain && !wait.is_empty() {
                format!(" {wait}")
            } else {
                String::new()
            };
            let text = format!(
                "· syncing {}/{}{wait}",
                p.done,
                widgets::counted(p.planned.max(p.done), "request", "requests")
            );
            Span::styled(text, theme.warn)
        })
    };
    let message = if let Some((text, _)) = &model.flash {
        Some(format!(" · {text}"))
    } else if model.developers.filtering {
        Some(format!(
            " · filter: {}▏ (Enter keeps, Esc clears)",
            model.developers.filter
        ))
    } else {
        None
    };
    let hint = " ? help  q quit ";
    let chars = |s: &str| s.chars().count();
    let used = |explain: bool| {
        chars(&state.content)
            + syncing(explain).map_or(0, |s| chars(&s.content))
            + message.as_deref().map_or(0, chars)
    };
    let explain = used(true) <= width;
    let mut spans = vec![state.clone()];
    spans.extend(syncing(explain));
    if let Some(text) = &message {
        let room = width.saturating_sub(used(explain) - chars(text));
        let text = if chars(text) <= room {
            text.clone()
        } else {
            let tail: Vec<char> = text.chars().collect();
            let keep = room.saturating_sub(4).min(tail.len());
            format!(
                " · …{}",
                tail[tail.len() - keep..].iter().collect::<String>()
            )
        };
        spans.push(Span::styled(text, theme.accent));
    }
    let used: usize = spans.iter().map(|s| chars(&s.content)).sum();
    if used + chars(hint) <= width {
        spans.push(Span::raw(" ".repeat(width - used - chars(hint))));
        spans.push(Span::styled(hint, theme.dim));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar),
        area,
    );
}

/// A rectangle of at most `width`×`height` centred in `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears an overlay's area before drawing it.
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::metrics::{Dashboard, RangePreset};
    use crate::tui::model::DateRange;

    fn model() -> Model {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .unwrap_or_default();
        Model::new(
            DateRange::preset(RangePreset::Days(30), now.date_naive()),
            now,
        )
    }

    #[test]
    fn the_connection_line_names_how_fresh_the_stored_data_is() {
        let mut m = model();
        m.connection = Connection::Rejected {
            cause: "x".into(),
            fixes: vec![],
        };
        assert_eq!(
            connection_text(&m),
            (
                "key refused — no stored data yet; r re-tests, K new key".to_owned(),
                true
            )
        );
        m.connection = Connection::Offline { cause: "x".into() };
        assert_eq!(
            connection_text(&m).0,
            "offline — no stored data yet; m: why"
        );
        let data = Dashboard {
            engagement_through: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            ..Dashboard::default()
        };
        m.dashboard.loaded(Box::new(data), m.now);
        assert_eq!(
            connection_text(&m).0,
            "offline — data through 2026-11-23; m: why"
        );
        m.connection = Connection::Rejected {
            cause: "x".into(),
            fixes: vec![],
        };
        assert_eq!(
            connection_text(&m).0,
            "key refused — stored data through 2026-11-23 (stale); r re-tests, K new key"
        );
    }
}
