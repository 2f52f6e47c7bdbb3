//! A 365-day range over a store whose activity history is shorter than its cost history (the
//! simulator serves 90 days of engagement, cost back to 2026-01-01): every pane says which
//! days each figure covers, and so does the export's standard error.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
mod dashboard_common;

use std::sync::OnceLock;

use topogy::metrics::{Dashboard, DataSpans, RangePreset};
use topogy::sync::Coverage;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::Theme;
use topogy::tui::update::update;

use dashboard_common::{
    TODAY, block_on, draw, loaded_model, now, screen_text, simulator, synced_dashboard,
};

/// What the simulator's 90 days of activity and eleven months of cost come to.
const SPANS: &str = "activity 2026-08-27 → 2026-11-23 · cost 2026-01-01 → 2026-11-25";

fn range() -> DateRange {
    DateRange::preset(RangePreset::Days(365), TODAY)
}

fn fixture() -> &'static (Dashboard, Coverage, u64) {
    static FIXTURE: OnceLock<(Dashboard, Coverage, u64)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        block_on(async {
            let sim = simulator(40, TODAY).await;
            let fixture = synced_dashboard(&sim, &range()).await;
            sim.shutdown();
            fixture
        })
    })
}

fn model(tab: Tab) -> Model {
    let (dashboard, coverage, requests) = fixture().clone();
    let mut model = loaded_model(range(), now(), dashboard, coverage, requests);
    update(&mut model, Action::GoTab(tab));
    model
}

#[test]
fn the_spans_are_the_days_each_history_holds() {
    let (dashboard, _, _) = fixture();
    assert_eq!(dashboard.from.to_string(), "2025-11-26");
    assert!(dashboard.spans.mixed(dashboard.from));
    assert_eq!(dashboard.spans.text(), SPANS);
    assert_eq!(DataSpans::of(&dashboard.days), dashboard.spans);
}

#[test]
fn every_pane_says_which_days_each_figure_covers() {
    let panes = [
        (Tab::Overview, "overview"),
        (Tab::Developers, "developers"),
        (Tab::ClaudeCode, "claude_code"),
        (Tab::Cost, "cost"),
        (Tab::Adoption, "adoption"),
    ];
    for (tab, name) in panes {
        for size in [(80, 24), (160, 48)] {
            let mut model = model(tab);
            let terminal = draw(&mut model, size, &Theme::mono());
            let text = screen_text(&terminal);
            assert!(
                text.contains(SPANS),
                "{name} at {}x{} does not name the spans:\n{text}",
                size.0,
                size.1
            );
            insta::assert_snapshot!(
                format!("spans_{name}_{}x{}", size.0, size.1),
                terminal.backend()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_names_the_spans_on_standard_error() {
    let sim = simulator(40, common::today()).await;
    let to = common::today();
    let from = to - chrono::Duration::days(364);
    // Each view into a fresh store: neither leans on what the other stored.
    for view in ["developers", "daily"] {
        let dir = tempfile::tempdir().unwrap();
        let (rows, out) =
            common::export_rows(dir.path(), &sim, view, (from, to), &["--rpm", "2000"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        assert!(!rows.is_empty());
        let stderr = common::stderr(&out);
        let activity_from = (to - chrono::Duration::days(90)).max(topogy::sync::API_FLOOR);
        let cost_from = from.max(topogy::sync::API_FLOOR);
        let expected = format!(
            "topogy: note: the figures cover different days of {from} → {to}: activity \
             {activity_from} → {} · cost {cost_from} → {to}; each total covers only its own days",
            to - chrono::Duration::days(2)
        );
        assert!(
            stderr.lines().any(|l| l == expected),
            "{view}: expected\n{expected}\nin\n{stderr}"
        );
    }
}
