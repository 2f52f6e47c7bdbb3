//! The rates and totals the panes draw, asserted exactly from fixed inputs: one definition of
//! a percentage, of tool acceptance (per person and for the organization) and of adoption
//! (MAU over seats), computed when the data arrives and drawn as computed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;
use topogy::metrics::{
    CodeTotals, Dashboard, Day, Developer, Figures, RangePreset, acceptance_rate, adoption_rate,
    percent_of,
};
use topogy::store::SummaryDay;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::update;

fn pct(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn a_percentage_has_one_decimal_and_halves_round_away_from_zero() {
    assert_eq!(percent_of(2, 3), pct("66.7"));
    assert_eq!(percent_of(1, 3), pct("33.3"));
    assert_eq!(percent_of(1, 16), pct("6.3"), "6.25 rounds up");
    assert_eq!(percent_of(3, 16), pct("18.8"), "18.75 rounds up");
    assert_eq!(percent_of(5, 5), pct("100.0"));
    assert_eq!(percent_of(0, 7), pct("0.0"));
    assert_eq!(percent_of(0, 0), None, "nothing of nothing is no figure");
}

#[test]
fn acceptance_is_accepted_over_accepted_and_rejected() {
    assert_eq!(acceptance_rate(9, 1), pct("90.0"));
    assert_eq!(acceptance_rate(8, 2), pct("80.0"));
    assert_eq!(acceptance_rate(2, 1), pct("66.7"));
    assert_eq!(acceptance_rate(0, 4), pct("0.0"));
    assert_eq!(acceptance_rate(0, 0), None);
    let person = Developer {
        tool_accepted: 3,
        tool_rejected: 1,
        ..Developer::default()
    };
    assert_eq!(person.acceptance_rate(), pct("75.0"));
}

#[test]
fn adoption_is_mau_over_seats() {
    assert_eq!(adoption_rate(37, 50), pct("74.0"));
    assert_eq!(adoption_rate(1, 8), pct("12.5"));
    assert_eq!(adoption_rate(2, 3), pct("66.7"));
    assert_eq!(adoption_rate(5, 0), None, "no seats, no adoption");
}

fn person(
    id: &str,
    commits: u64,
    lines: u64,
    sessions: u64,
    tools: (u64, u64),
    cost: &str,
) -> Developer {
    Developer {
        user_id: id.to_owned(),
        email: format!("{id}@x.io"),
        messages: 1,
        commits,
        pull_requests: commits / 2,
        lines_added: lines,
        lines_removed: lines / 10,
        claude_code_sessions: sessions,
        tool_accepted: tools.0,
        tool_rejected: tools.1,
        cost_usd: cost.parse().unwrap(),
        ..Developer::default()
    }
}

fn dashboard() -> Dashboard {
    Dashboard {
        from: day("2026-10-27"),
        to: day("2026-11-25"),
        now: Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
        developers: vec![
            person("ada", 3, 300, 5, (9, 1), "10.00"),
            person("ben", 7, 700, 9, (8, 2), "30.00"),
            person("cleo", 7, 500, 9, (0, 0), "30.00"),
            person("dan", 0, 0, 0, (0, 0), "0"),
            person("eve", 1, 100, 1, (3, 1), "5.50"),
        ],
        latest_summary: Some(SummaryDay {
            date: day("2026-11-24"),
            dau: 20,
            wau: 30,
            mau: 37,
            assigned_seats: Some(50),
            pending_invites: Some(2),
        }),
        engagement_through: Some(day("2026-11-24")),
        cost_through: Some(day("2026-11-25")),
        ..Dashboard::default()
    }
}

#[test]
fn the_figures_of_a_range_are_its_peoples_sums_and_orders() {
    let figures = Figures::of(&dashboard());
    assert_eq!(
        figures.code,
        CodeTotals {
            commits: 18,
            pull_requests: 1 + 3 + 3,
            lines_added: 1600,
            lines_removed: 30 + 70 + 50 + 10,
            sessions: 24,
            tool_accepted: 20,
            tool_rejected: 4,
        }
    );
    // 20 accepted of 24 decided: the organization's rate is not the mean of the people's.
    assert_eq!(figures.code.acceptance_rate(), pct("83.3"));
    assert_eq!(figures.adoption, pct("74.0"));
    assert_eq!(figures.active_people, 5, "dan sent a message");
    let names = |ranking: &[usize]| -> Vec<String> {
        let people = dashboard().developers;
        ranking.iter().map(|&i| people[i].user_id.clone()).collect()
    };
    // Most expensive first, ties by e-mail; no cost, no row.
    assert_eq!(names(&figures.cost_ranking), ["ben", "cleo", "ada", "eve"]);
    assert_eq!(names(&figures.by_commits), ["ben", "cleo", "ada", "eve"]);
    assert_eq!(
        names(&figures.by_lines_added),
        ["ben", "cleo", "ada", "eve"]
    );
    assert_eq!(names(&figures.by_sessions), ["ben", "cleo", "ada", "eve"]);
}

/// The Claude Code charts get a point for each day with a figure, at the day's place in the
/// range; a day without one is a gap, not a zero.
#[test]
fn the_charts_series_skip_days_without_figures() {
    let days = vec![
        Day {
            date: day("2026-11-23"),
            commits: Some(4),
            pull_requests: Some(1),
            ..Day::default()
        },
        Day {
            date: day("2026-11-24"),
            ..Day::default()
        },
        Day {
            date: day("2026-11-25"),
            commits: Some(0),
            lines_added: Some(120),
            ..Day::default()
        },
    ];
    let figures = Figures::of(&Dashboard {
        days,
        ..dashboard()
    });
    let per_day = &figures.code_per_day;
    assert_eq!(per_day.commits, [(0.0, 4.0), (2.0, 0.0)]);
    assert_eq!(per_day.pull_requests, [(0.0, 1.0)]);
    assert_eq!(per_day.lines_added, [(2.0, 120.0)]);
    assert!(per_day.lines_removed.is_empty());
}

/// The Overview draws the figures computed when the data arrived.
#[test]
fn the_overview_shows_the_rates_as_computed() {
    let data = dashboard();
    let range = DateRange::preset(RangePreset::Days(30), data.to);
    let mut model = Model::new(range, data.now);
    update(&mut model, Action::DataLoaded(Box::new(data)));
    update(&mut model, Action::GoTab(Tab::Overview));
    update(&mut model, Action::Resize(120, 30));
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    terminal
        .draw(|frame| ui::render(&model, &Theme::mono(), frame))
        .unwrap();
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("adoption (MAU ÷ seats) 74.0%"), "{screen}");
    assert!(screen.contains("tool acceptance 83.3%"), "{screen}");
    assert!(screen.contains("commits 18"), "{screen}");
}
