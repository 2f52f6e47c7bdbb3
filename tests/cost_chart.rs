//! The Cost tab's Paid chart shows every day of a long range: by week when the days do not fit,
//! with a scale from $0 to the tallest bar.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;
use topogy::metrics::{Dashboard, RangePreset};
use topogy::store::Store;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::update;

/// The Cost tab over `days` days ending today (2026-11-26), each day's cost $10 + $1 × (day of month),
/// drawn at `size`.
fn cost_tab(days: u16, (width, height): (u16, u16)) -> String {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let range = DateRange::preset(RangePreset::Days(days), now.date_naive());
    let store = Store::open_in_memory().unwrap();
    let mut data = Dashboard::load(&store, range.from, range.to, now, None).unwrap();
    for day in &mut data.days {
        let dom = chrono::Datelike::day(&day.date);
        day.cost_usd = Some(Decimal::from(10 + dom));
    }
    let mut model = Model::new(range, now);
    update(&mut model, Action::DataLoaded(Box::new(data)));
    update(&mut model, Action::GoTab(Tab::Cost));
    update(&mut model, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(&model, &Theme::mono(), frame))
        .unwrap();
    let text = format!("{}", terminal.backend());
    // The chart's rows: from its title to its bottom border.
    let rows: Vec<&str> = text.lines().collect();
    let top = rows.iter().position(|r| r.contains("Paid per")).unwrap();
    rows[top..top + 9].join("\n")
}

#[test]
fn ninety_days_by_week_when_the_days_do_not_fit_with_a_scale() {
    // 2026-08-29 (a Saturday) to 11-26. At 80 columns, 14 weekly bars; the tallest is Mon 10-26
    // to Sun 11-01: 7 × $10 + (26 + 27 + 28 + 29 + 30 + 31 + 1) = $242. At 160, the 90 days fit
    // as thin daily bars; the tallest is a 31st: $41.
    for (size, title, peak) in [
        (
            (80, 24),
            "Paid per week (US$, weeks from day of month)",
            "│$242 ",
        ),
        ((160, 48), "Paid per day (US$, 08-29 → 11-26)", "│$41 "),
    ] {
        let chart = cost_tab(90, size);
        assert!(chart.contains(title), "{chart}");
        assert!(chart.contains(peak), "{chart}");
        insta::assert_snapshot!(format!("cost_chart_90d_{}x{}", size.0, size.1), chart);
    }
}

#[test]
fn a_year_by_week_in_thin_bars() {
    for size in [(80, 24), (160, 48)] {
        let chart = cost_tab(365, size);
        // 2025-11-27 to 2026-11-26: 53 weeks (a part-week at each end), every day in one;
        // the tallest is Mon 05-25 to Sun 05-31: 7 × $10 + (25 + … + 31) = $266.
        assert!(
            chart.contains("Paid per week (US$, 11-27 → 11-26)"),
            "{chart}"
        );
        assert!(chart.contains("│$266 "), "{chart}");
        insta::assert_snapshot!(format!("cost_chart_365d_{}x{}", size.0, size.1), chart);
    }
}
