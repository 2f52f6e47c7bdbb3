//! The Developers table's columns stay put whichever column carries the sort mark.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;
use topogy::metrics::{Dashboard, Developer};
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::update;

#[test]
fn no_column_moves_when_the_sort_mark_does() {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let range = DateRange::from_config("30d", now.date_naive());
    let data = Dashboard {
        from: range.from,
        to: range.to,
        now,
        developers: vec![Developer {
            user_id: "u1".into(),
            email: "ada@x.io".into(),
            messages: 1_234,
            claude_code_sessions: 56,
            commits: 78,
            pull_requests: 9,
            lines_added: 12_345,
            lines_removed: 678,
            tool_accepted: 9,
            tool_rejected: 1,
            cost_usd: Decimal::new(12_345, 2),
            ..Developer::default()
        }],
        engagement_through: Some(range.to),
        cost_through: Some(range.to),
        ..Dashboard::default()
    };
    for (width, height) in [(80, 24), (160, 48)] {
        let mut model = Model::new(range.clone(), now);
        update(&mut model, Action::DataLoaded(Box::new(data.clone())));
        update(&mut model, Action::GoTab(Tab::Developers));
        update(&mut model, Action::Resize(width, height));
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut rows = Vec::new();
        // Every column in both directions: 9 columns × 2.
        for _ in 0..18 {
            terminal
                .draw(|frame| ui::render(&model, &Theme::mono(), frame))
                .unwrap();
            let screen = format!("{}", terminal.backend());
            let row = screen.lines().find(|l| l.contains("ada@x.io")).unwrap();
            rows.push(row.to_owned());
            update(&mut model, Action::SortNext);
            if rows.len() % 9 == 0 {
                update(&mut model, Action::SortReverse);
            }
        }
        assert!(
            rows.iter().all(|r| r == &rows[0]),
            "{width}x{height}: {rows:#?}"
        );
        assert!(rows[0].contains("$123.45"), "{}", rows[0]);
    }
}
