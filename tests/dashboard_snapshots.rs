//! Snapshots of every dashboard screen at 80×24 and 160×48, drawn from the simulator's
//! deterministic organization (seed 7, 40 people) synced on a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod dashboard_common;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration as StdDuration;

use chrono::Duration;
use topogy::api::{ProgressSnapshot, RequestRecord, WaitReason};
use topogy::metrics::{Dashboard, RangePreset};
use topogy::store::Store;
use topogy::sync::{Coverage, JobId, Need};
use topogy::tui::action::{Action, SyncResult, Tab, Timeline};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::Theme;
use topogy::tui::update::update;

use dashboard_common::{
    TODAY, draw, load_dashboard, loaded_model, now, screen_text, simulator, sync, sync_dashboard,
    syncer,
};

/// The two sizes every screen is drawn at: the smallest supported, and a large one.
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// What the snapshots are drawn from, synced once per test run.
struct Fixture {
    dashboard: Dashboard,
    coverage: Coverage,
    requests: u64,
    /// The daily timeline of the person the Developers table lists first.
    timeline: Timeline,
}

fn range() -> DateRange {
    DateRange::preset(RangePreset::Days(30), TODAY)
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let sim = simulator(40, TODAY).await;
            let mut syncer = syncer(&sim, Store::open_in_memory().unwrap(), now());
            let range = range();
            let outcome = sync_dashboard(&mut syncer, &range, TODAY).await;
            let dashboard = load_dashboard(syncer.store(), &range, &outcome.coverage);
            // The first person of the Developers table, as Enter would open them.
            let model = loaded_model(
                range.clone(),
                now(),
                dashboard.clone(),
                outcome.coverage.clone(),
                outcome.requests,
            );
            let person = model.selected_developer().unwrap().user_id.clone();
            sync(&mut syncer, &Need::person(&person, range.from, range.to)).await;
            let timeline = Timeline::read(syncer.store(), &person, range.from, range.to).unwrap();
            sim.shutdown();
            Fixture {
                dashboard,
                coverage: outcome.coverage,
                requests: outcome.requests,
                timeline,
            }
        })
    })
}

/// The demo's model after its first sync, with a fixed request log.
fn model() -> Model {
    let f = fixture();
    let mut model = loaded_model(
        range(),
        now(),
        f.dashboard.clone(),
        f.coverage.clone(),
        f.requests,
    );
    model.requests = request_log();
    model
}

/// A request log with fixed times, latencies and ids (the live one holds wall-clock times).
fn request_log() -> Vec<RequestRecord> {
    let paths = [
        ("users?date=2026-11-23&limit=1000", Some(200), 182),
        (
            "summaries?starting_date=2026-10-27&ending_date=2026-11-26",
            Some(200),
            95,
        ),
        (
            "usage_report/cost?starting_at=2026-10-27&ending_at=2026-11-26",
            Some(429),
            12,
        ),
        (
            "usage_report/cost?starting_at=2026-10-27&ending_at=2026-11-26",
            Some(200),
            240,
        ),
        ("skills?date=2026-11-23&limit=1000", Some(200), 64),
        ("connectors?date=2026-11-23&limit=1000", Some(503), 1_503),
        ("connectors?date=2026-11-23&limit=1000", Some(200), 71),
        ("chat_projects?date=2026-11-23&limit=1000", None, 10_000),
    ];
    paths
        .iter()
        .enumerate()
        .map(|(i, (path, status, ms))| RequestRecord {
            at: now() - Duration::seconds(90) + Duration::seconds(12 * i as i64),
            method: "GET",
            path: format!("/v1/organizations/analytics/{path}"),
            status: *status,
            latency: StdDuration::from_millis(*ms),
            request_id: status.map(|_| format!("req_sim_{:016x}", 0x5eed_0000 + i)),
            attempt: u32::from(i == 3 || i == 6),
        })
        .collect()
}

/// Snapshots the screen `setup` leads to, at both sizes.
fn snapshot_both(name: &str, setup: impl Fn(&mut Model)) {
    for size in SIZES {
        let mut model = model();
        setup(&mut model);
        let terminal = draw(&mut model, size, &Theme::mono());
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), terminal.backend());
    }
}

fn go(tab: Tab) -> impl Fn(&mut Model) {
    move |model| {
        update(model, Action::GoTab(tab));
    }
}

#[test]
fn overview() {
    snapshot_both("overview", go(Tab::Overview));
}

#[test]
fn developers() {
    snapshot_both("developers", go(Tab::Developers));
}

/// Sessions summed per day (a server without range mode) are labelled under the table.
#[test]
fn developers_with_sessions_summed_per_day() {
    let mut model = model();
    update(&mut model, Action::GoTab(Tab::Developers));
    if let Some(data) = model.dashboard.data_mut() {
        data.count_basis = topogy::sync::CountBasis::SumOfDays;
    }
    let terminal = draw(&mut model, (80, 24), &Theme::mono());
    let screen: Vec<String> = terminal
        .backend()
        .buffer()
        .content
        .chunks(80)
        .map(|row| row.iter().map(|c| c.symbol()).collect())
        .collect();
    assert_eq!(
        screen[21].trim_end(),
        "│Sessions: each day's count summed (no range rollup from the API)              │"
    );
}

#[test]
fn developers_filtered_and_sorted() {
    snapshot_both("developers_filtered", |model| {
        update(model, Action::GoTab(Tab::Developers));
        update(model, Action::SortNext); // by person, A→Z
        update(model, Action::StartFilter);
        for c in "an".chars() {
            update(model, Action::Input(c));
        }
    });
}

#[test]
fn claude_code() {
    snapshot_both("claude_code", go(Tab::ClaudeCode));
}

#[test]
fn cost() {
    snapshot_both("cost", go(Tab::Cost));
}

#[test]
fn adoption() {
    snapshot_both("adoption", go(Tab::Adoption));
}

#[test]
fn adoption_where_plugins_and_artifacts_are_not_offered() {
    // What the store yields after `/plugins` and `/artifacts` answered 404 (tests/sync_adoption.rs).
    snapshot_both("adoption_not_offered", |model| {
        if let Some(data) = model.dashboard.data_mut() {
            let adoption = &mut data.adoption;
            adoption.plugins.clear();
            adoption.artifacts.clear();
            adoption.plugins_not_offered = true;
            adoption.artifacts_not_offered = true;
        }
        update(model, Action::GoTab(Tab::Adoption));
    });
}

#[test]
fn status() {
    snapshot_both("status", go(Tab::Status));
}

#[test]
fn detail_view_with_its_timeline() {
    snapshot_both("detail", |model| {
        update(model, Action::GoTab(Tab::Developers));
        update(model, Action::Confirm);
        update(model, Action::TimelineLoaded(fixture().timeline.clone()));
    });
}

#[test]
fn help_overlay() {
    snapshot_both("help", |model| {
        update(model, Action::ToggleHelp);
    });
}

#[test]
fn date_picker_presets() {
    snapshot_both("picker", |model| {
        update(model, Action::OpenRangePicker);
    });
}

#[test]
fn date_picker_custom_range_with_an_error() {
    snapshot_both("picker_custom_error", |model| {
        update(model, Action::OpenRangePicker);
        update(model, Action::CustomRange);
        for c in "2026-11-20..2026-12-05".chars() {
            update(model, Action::Input(c));
        }
        update(model, Action::Confirm);
    });
}

#[test]
fn offline() {
    let offline = |model: &mut Model| {
        update(
            model,
            Action::SyncFinished(
                JobId::default(),
                SyncResult::Offline {
                    cause: "the API at https://api.anthropic.com could not be reached \
                        (connection refused)"
                        .to_owned(),
                },
            ),
        );
    };
    snapshot_both("offline", offline);
    snapshot_both("offline_status", |model| {
        offline(model);
        update(model, Action::GoTab(Tab::Status));
    });
}

#[test]
fn terminal_too_small() {
    for size in [(79, 24), (80, 23), (40, 10)] {
        let terminal = draw(&mut model(), size, &Theme::mono());
        insta::assert_snapshot!(
            format!("too_small_{}x{}", size.0, size.1),
            terminal.backend()
        );
    }
}

#[test]
fn developers_in_the_dark_theme_with_styles() {
    let mut model = model();
    update(&mut model, Action::GoTab(Tab::Developers));
    let terminal = draw(&mut model, SIZES[0], &Theme::dark());
    insta::assert_debug_snapshot!("developers_dark_80x24", terminal.backend().buffer());
}

#[test]
fn the_tab_bar_keeps_the_range_in_view_at_80_columns() {
    let padded = " topogy  1 Overview  2 Developers  3 Claude Code  4 Cost  5 Adoption  6 Status ";
    let compact = " 1 Overview 2 Developers 3 Claude Code 4 Cost 5 Adoption 6 Status";
    let custom = DateRange {
        from: "2026-10-01".parse().unwrap(),
        to: "2026-10-31".parse().unwrap(),
        label: "custom".to_owned(),
    };
    let mtd = DateRange::preset(RangePreset::MonthToDate, TODAY);
    for (range, size, tabs, shown) in [
        (range(), (80, 24), compact, " 30 days "),
        (mtd, (80, 24), compact, " month to date "),
        (custom.clone(), (80, 24), compact, " 10-01–10-31 "),
        (
            range(),
            (120, 40),
            padded,
            " 30 days · 2026-10-27 – 2026-11-25 ",
        ),
        (
            custom,
            (120, 40),
            padded,
            " custom · 2026-10-01 – 2026-10-31 ",
        ),
    ] {
        let mut model = Model::new(range, now());
        let terminal = draw(&mut model, size, &Theme::mono());
        let buffer = terminal.backend().buffer();
        let bar: String = (0..size.0).map(|x| buffer[(x, 0)].symbol()).collect();
        let gap = usize::from(size.0) - tabs.chars().count() - shown.chars().count();
        assert_eq!(bar, format!("{tabs}{}{shown}", " ".repeat(gap)), "{size:?}");
    }
}

#[test]
fn status_bar_while_syncing_with_an_export_message() {
    snapshot_both("status_bar_busy", |model| {
        update(model, Action::GoTab(Tab::Developers));
        update(model, Action::Refresh);
        update(
            model,
            Action::SyncProgress(
                JobId::default(),
                ProgressSnapshot {
                    done: 12,
                    planned: 40,
                    waiting: Some(StdDuration::from_secs(12)),
                    waiting_reason: Some(WaitReason::Budget),
                    ..ProgressSnapshot::default()
                },
            ),
        );
        update(
            model,
            Action::Exported(Ok(PathBuf::from(
                "/home/analyst/reports/topogy-developers-2026-10-27-2026-11-25.csv",
            ))),
        );
    });
}

#[test]
fn overview_with_no_data_says_so_instead_of_zeros() {
    for size in SIZES {
        // An empty store read while the first sync is still filling the range.
        let empty = Store::open_in_memory().unwrap();
        let dashboard = Dashboard::load(&empty, range().from, range().to, now(), None).unwrap();
        let mut model = Model::new(range(), now());
        update(&mut model, Action::DataLoaded(Box::new(dashboard)));
        update(&mut model, Action::Refresh);
        let terminal = draw(&mut model, size, &Theme::mono());
        let text = screen_text(&terminal);
        assert!(!text.contains("$0.00"), "no cost is not $0.00:\n{text}");
        assert!(
            !text.contains("commits 0"),
            "no data is not 0 commits:\n{text}"
        );
        assert!(
            !text.contains("no day stands far above"),
            "nothing was compared:\n{text}"
        );
        assert!(text.contains("no data yet"), "{text}");
        insta::assert_snapshot!(
            format!("overview_no_data_{}x{}", size.0, size.1),
            terminal.backend()
        );
    }
}

#[test]
fn activity_data_past_the_documented_lag_is_called_late() {
    snapshot_both("overview_data_late", |model| {
        let mut late = fixture().dashboard.clone();
        late.engagement_through = Some(TODAY - Duration::days(6));
        update(model, Action::DataLoaded(Box::new(late)));
    });
    let mut model = model();
    let mut late = fixture().dashboard.clone();
    late.engagement_through = Some(TODAY - Duration::days(6));
    update(&mut model, Action::DataLoaded(Box::new(late)));
    let text = screen_text(&draw(&mut model, (160, 48), &Theme::mono()));
    assert!(text.contains("6 days behind"), "{text}");
    assert!(
        text.contains("contact Anthropic support or your CSM"),
        "{text}"
    );
    assert!(!text.contains("normal)"), "late is not normal:\n{text}");
}

/// Moves `by` rows down the list on screen, as `j` pressed that often.
fn down(model: &mut Model, by: usize) {
    for _ in 0..by {
        update(model, Action::Down);
    }
}

/// What leads to a screen.
type Setup = fn(&mut Model);

#[test]
fn lists_scroll_with_a_position_and_wide_screens_use_their_width() {
    let wide = (200, 60);
    let screens: [(&str, Setup); 5] = [
        ("developers", |m| {
            update(m, Action::GoTab(Tab::Developers));
            down(m, 30);
        }),
        ("cost", |m| {
            update(m, Action::GoTab(Tab::Cost));
            down(m, 30);
        }),
        ("claude_code", |m| {
            update(m, Action::GoTab(Tab::ClaudeCode));
            down(m, 20);
        }),
        ("status", |m| {
            update(m, Action::GoTab(Tab::Status));
            down(m, 3);
        }),
        ("detail", |m| {
            update(m, Action::GoTab(Tab::Developers));
            update(m, Action::Confirm);
            update(m, Action::TimelineLoaded(fixture().timeline.clone()));
            down(m, 25);
        }),
    ];
    for (name, setup) in screens {
        for size in [(80, 24), wide] {
            let mut model = model();
            update(&mut model, Action::Resize(size.0, size.1));
            setup(&mut model);
            let terminal = draw(&mut model, size, &Theme::mono());
            insta::assert_snapshot!(
                format!("scrolled_{name}_{}x{}", size.0, size.1),
                terminal.backend()
            );
        }
    }
}
