//! The Developers table's columns stay put whichever column carries the sort mark, and the
//! hidden ones (conversations, rejected, list price) are shown on request.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;
use topogy::metrics::{Dashboard, Developer, RangePreset};
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model, SortColumn};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::update;

#[test]
fn no_column_moves_when_the_sort_mark_does() {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let range = DateRange::preset(RangePreset::Days(30), now.date_naive());
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
            conversations: 321,
            tool_accepted: 9,
            tool_rejected: 1,
            cost_usd: Decimal::new(12_345, 2),
            list_cost_usd: Decimal::new(15_431, 2),
            ..Developer::default()
        }],
        engagement_through: Some(range.to),
        cost_through: Some(range.to),
        ..Dashboard::default()
    };
    // Size, extra columns, the columns shown (Person too), the figures in their order, and what
    // the title says gave way for room.
    let all = "1,234 321 56 78 9 12,345 678 90.0% 1 $123.45 $154.31";
    let default = "1,234 56 78 9 12,345 678 90.0% $123.45";
    let cases = [
        ((80, 24), false, 9, default, None),
        (
            (80, 24),
            true,
            9,
            "1,234 321 78 12,345 90.0% 1 $123.45 $154.31",
            Some("no room for -Lines, PRs, Sessions"),
        ),
        ((160, 48), false, 9, default, None),
        ((160, 48), true, 12, all, None),
    ];
    for ((width, height), more, columns, expected, left_out) in cases {
        let mut model = Model::new(range.clone(), now);
        update(&mut model, Action::DataLoaded(Box::new(data.clone())));
        update(&mut model, Action::GoTab(Tab::Developers));
        update(&mut model, Action::Resize(width, height));
        if more {
            update(&mut model, Action::ToggleColumns);
        }
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut screens = Vec::new();
        // Every shown column in both directions.
        for _ in 0..2 * columns {
            terminal
                .draw(|frame| ui::render(&model, &Theme::mono(), frame))
                .unwrap();
            screens.push(format!("{}", terminal.backend()));
            update(&mut model, Action::SortNext);
            if screens.len() % columns == 0 {
                update(&mut model, Action::SortReverse);
            }
        }
        let row = |screen: &String| {
            let line = screen.lines().find(|l| l.contains("│ada@")).unwrap();
            line.replace(['│', '"'], " ")
                .split_whitespace()
                .skip(1)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let rows: Vec<String> = screens.iter().map(row).collect();
        assert!(
            screens
                .iter()
                .all(|s| s.lines().find(|l| l.contains("│ada@"))
                    == screens[0].lines().find(|l| l.contains("│ada@"))),
            "{width}x{height}: {rows:#?}"
        );
        assert_eq!(rows[0], expected, "{width}x{height}");
        let title = screens[0]
            .lines()
            .find(|l| l.contains("Developers (1)"))
            .unwrap();
        assert_eq!(
            left_out.is_some_and(|text| title.contains(text)),
            left_out.is_some(),
            "{title}"
        );
        assert_eq!(title.contains("no room"), left_out.is_some(), "{title}");
        // The sort went round every shown column: the header after a full turn has its mark
        // back on Cost, reversed.
        let header = screens[columns]
            .lines()
            .find(|l| l.contains("Person"))
            .unwrap()
            .to_owned();
        assert!(header.contains("Cost▲"), "{header}");
    }
}

/// Hiding the extra columns while one of them sorts the table puts the default order back.
#[test]
fn hiding_the_sorting_column_restores_the_default_sort() {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let range = DateRange::preset(RangePreset::Days(30), now.date_naive());
    let mut model = Model::new(range, now);
    update(&mut model, Action::DataLoaded(Box::default()));
    update(&mut model, Action::GoTab(Tab::Developers));
    update(&mut model, Action::ToggleColumns);
    update(&mut model, Action::SortNext); // Cost → List price
    assert_eq!(model.developers.sort, SortColumn::ListCost);
    update(&mut model, Action::ToggleColumns);
    assert_eq!(
        (model.developers.sort, model.developers.descending),
        (SortColumn::Cost, true)
    );
    // Elsewhere c does nothing.
    update(&mut model, Action::GoTab(Tab::Cost));
    update(&mut model, Action::ToggleColumns);
    assert!(!model.developers.more_columns);
}
