//! The Overview before cost has arrived: "loading…" while a sync runs, "no data yet" once none
//! runs, never a made-up $0.00.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use topogy::metrics::{Dashboard, RangePreset};
use topogy::store::Store;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, JobId, Model, Work};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::update;

#[test]
fn cost_not_stored_yet_shows_loading_not_zero() {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    let range = DateRange::preset(RangePreset::Days(30), now.date_naive());
    let mut model = Model::new(range.clone(), now);
    let store = Store::open_in_memory().unwrap();
    let empty = Dashboard::load(&store, range.from, range.to, now, None).unwrap();
    update(&mut model, Action::DataLoaded(Box::new(empty)));
    update(&mut model, Action::GoTab(Tab::Overview));
    update(&mut model, Action::Resize(120, 24));
    let mut terminal = Terminal::new(TestBackend::new(120, 24)).unwrap();
    let mut screen = |model: &Model| {
        terminal
            .draw(|frame| ui::render(model, &Theme::mono(), frame))
            .unwrap();
        format!("{}", terminal.backend())
    };
    model.sync.refresh = Work::Running {
        job: JobId(1),
        needs: 1,
    };
    let filling = screen(&model);
    assert!(filling.contains("loading…"), "{filling}");
    assert!(filling.contains("range cost loading…"), "{filling}");
    assert!(!filling.contains("$0.00"), "{filling}");
    // Once no sync runs, nothing is loading: the store simply holds no cost.
    model.sync.refresh = Work::Idle;
    let idle = screen(&model);
    assert!(idle.contains("no data yet for this month"), "{idle}");
    assert!(idle.contains("range cost —"), "{idle}");
    assert!(
        !idle.contains("loading…") && !idle.contains("$0.00"),
        "{idle}"
    );
}
