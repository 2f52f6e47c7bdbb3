//! `update` over action sequences, without a terminal: tabs, sort, filter, the date picker,
//! refresh failures, a refused key, the detail view, export and debounced reloads.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use rust_decimal::Decimal;
use topogy::metrics::{Dashboard, Developer, PersonDay, RangePreset};
use topogy::store::Activity;
use topogy::sync::{Coverage, JobId, Need, Segment};
use topogy::tui::action::{Action, SyncResult, Tab, Timeline};
use topogy::tui::keymap::action_for;
use topogy::tui::model::{Connection, DateRange, Model, Overlay, PaneState, SortColumn, Work};
use topogy::tui::ui::connection_text;
use topogy::tui::update::{Command, update};

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

/// The default range on the fixed clock: 2026-10-27 – 2026-11-25.
fn range() -> DateRange {
    DateRange::preset(RangePreset::Days(30), now().date_naive())
}

#[allow(clippy::too_many_arguments)] // one argument per column of the table
fn person(
    id: &str,
    email: &str,
    messages: u64,
    sessions: u64,
    commits: u64,
    pull_requests: u64,
    lines: (u64, u64),
    tools: (u64, u64),
    cost: &str,
) -> Developer {
    let cost: Decimal = cost.parse().unwrap();
    Developer {
        user_id: id.to_owned(),
        email: email.to_owned(),
        messages,
        conversations: messages / 4,
        claude_code_sessions: sessions,
        commits,
        pull_requests,
        lines_added: lines.0,
        lines_removed: lines.1,
        tool_accepted: tools.0,
        tool_rejected: tools.1,
        cost_usd: cost,
        list_cost_usd: cost * Decimal::new(125, 2),
        ..Developer::default()
    }
}

/// Five people with ties on several columns (ben, cleo and eve all cost $30). The domain
/// holds no `e`, `n` or `v`, so filters on those letters pick people by name.
fn people() -> Vec<Developer> {
    vec![
        person("u1", "ada@x.io", 50, 5, 3, 1, (300, 30), (9, 1), "10.00"),
        person("u2", "ben@x.io", 20, 9, 7, 2, (700, 70), (8, 2), "30.00"),
        person("u3", "cleo@x.io", 20, 9, 7, 0, (500, 90), (0, 0), "30.00"),
        person("u4", "dan@x.io", 90, 0, 0, 0, (0, 0), (0, 0), "5.00"),
        person("u5", "eve@x.io", 20, 1, 1, 1, (100, 10), (3, 1), "30.00"),
    ]
}

fn dashboard(range: &DateRange) -> Dashboard {
    Dashboard {
        from: range.from,
        to: range.to,
        now: now(),
        developers: people(),
        engagement_through: Some(day("2026-11-23")),
        cost_through: Some(day("2026-11-25")),
        ..Dashboard::default()
    }
}

fn coverage() -> Coverage {
    Coverage {
        engagement: vec![Segment::Rollup {
            start: day("2026-10-27"),
            end: day("2026-11-24"),
        }],
        engagement_through: Some(day("2026-11-23")),
        ..Coverage::default()
    }
}

/// A dashboard showing `people()` over the default range, after a sync that worked.
fn loaded() -> Model {
    let mut model = Model::new(range(), now());
    model.export_dir = PathBuf::from("/exports");
    assert_eq!(
        update(
            &mut model,
            Action::DataLoaded(Box::new(dashboard(&range())))
        ),
        vec![]
    );
    update(
        &mut model,
        Action::SyncFinished(
            JobId::default(),
            SyncResult::Done {
                requests: 12,
                coverage: coverage(),
            },
        ),
    );
    assert_eq!(model.connection, Connection::Online);
    model
}

/// The e-mails of the Developers table, top to bottom.
fn order(model: &Model) -> Vec<&str> {
    model
        .visible_developers()
        .map(|d| d.email.split('@').next().unwrap())
        .collect()
}

fn selected(model: &Model) -> &str {
    model
        .selected_developer()
        .map(|d| d.email.split('@').next().unwrap())
        .unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(model: &mut Model, event: KeyEvent) -> Vec<Command> {
    let action = action_for(model, event).expect("the key is bound here");
    update(model, action)
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        press(model, key(KeyCode::Char(c)));
    }
}

/// The month-to-date cost need the dashboard adds when the range starts after the 1st.
fn month_to_date_need() -> Need {
    Need {
        from: day("2026-11-01"),
        to: day("2026-11-25"),
        people_totals: false,
        people_daily: false,
        summaries: false,
        cost_daily: true,
        people_cost: false,
        adoption: false,
        person_cost: None,
        check_key: false,
    }
}

/// What the refresh interval asks for the default range: its sync, then the history backfill.
fn auto_refresh(sync: JobId, backfill: JobId) -> Vec<Command> {
    vec![
        Command::Sync(sync, Need::dashboard(day("2026-10-27"), day("2026-11-25"))),
        Command::Backfill(
            backfill,
            Need::backfill(day("2026-01-01"), day("2026-11-25")),
        ),
    ]
}

fn load(from: &str, to: &str, coverage: Option<Coverage>) -> Command {
    Command::Load {
        from: day(from),
        to: day(to),
        coverage,
    }
}

#[test]
fn tabs_switch_with_numbers_tab_and_shift_tab() {
    let mut model = loaded();
    assert_eq!(model.tab, Tab::Overview);
    for (c, tab) in [
        ('2', Tab::Developers),
        ('6', Tab::Status),
        ('3', Tab::ClaudeCode),
        ('5', Tab::Adoption),
        ('4', Tab::Cost),
        ('1', Tab::Overview),
    ] {
        assert_eq!(
            action_for(&model, key(KeyCode::Char(c))),
            Some(Action::GoTab(tab))
        );
        assert_eq!(press(&mut model, key(KeyCode::Char(c))), vec![]);
        assert_eq!(model.tab, tab);
    }
    // Tab walks forward and wraps; Shift-Tab (BackTab, with or without SHIFT) walks back.
    let mut seen = Vec::new();
    for _ in 0..6 {
        press(&mut model, key(KeyCode::Tab));
        seen.push(model.tab);
    }
    assert_eq!(
        seen,
        [
            Tab::Developers,
            Tab::ClaudeCode,
            Tab::Cost,
            Tab::Adoption,
            Tab::Status,
            Tab::Overview
        ]
    );
    press(
        &mut model,
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
    );
    assert_eq!(model.tab, Tab::Status);
    press(&mut model, key(KeyCode::BackTab));
    assert_eq!(model.tab, Tab::Adoption);
    // Actions directly, and a key release does nothing.
    update(&mut model, Action::GoTab(Tab::Cost));
    assert_eq!(model.tab, Tab::Cost);
    update(&mut model, Action::PrevTab);
    update(&mut model, Action::PrevTab);
    update(&mut model, Action::PrevTab);
    assert_eq!(model.tab, Tab::Overview);
    update(&mut model, Action::PrevTab);
    assert_eq!(model.tab, Tab::Status);
    update(&mut model, Action::NextTab);
    assert_eq!(model.tab, Tab::Overview);
    let mut release = key(KeyCode::Char('2'));
    release.kind = KeyEventKind::Release;
    assert_eq!(action_for(&model, release), None);
    // A number key opens its tab and closes an overlay.
    update(&mut model, Action::ToggleHelp);
    assert_eq!(model.overlay, Some(Overlay::Help));
    press(&mut model, key(KeyCode::Char('4')));
    assert_eq!((model.tab, model.overlay.clone()), (Tab::Cost, None));
}

#[test]
fn sort_cycles_columns_reverses_and_breaks_ties_by_email() {
    let mut model = loaded();
    // Sorting is a Developers key: elsewhere `s` means nothing.
    assert_eq!(action_for(&model, key(KeyCode::Char('s'))), None);
    update(&mut model, Action::SortNext);
    assert_eq!(model.developers.sort, SortColumn::Cost);

    press(&mut model, key(KeyCode::Char('2')));
    // Default: cost, highest first; the three $30 people tie and are ordered by e-mail,
    // and the descending order is the exact reverse of the ascending one.
    assert_eq!(
        (model.developers.sort, model.developers.descending),
        (SortColumn::Cost, true)
    );
    assert_eq!(order(&model), ["eve", "cleo", "ben", "ada", "dan"]);
    let expected: [(SortColumn, [&str; 5]); 10] = [
        (SortColumn::Email, ["ada", "ben", "cleo", "dan", "eve"]),
        (SortColumn::Messages, ["dan", "ada", "eve", "cleo", "ben"]),
        (SortColumn::Sessions, ["cleo", "ben", "ada", "eve", "dan"]),
        (SortColumn::Commits, ["cleo", "ben", "ada", "eve", "dan"]),
        (
            SortColumn::PullRequests,
            ["ben", "eve", "ada", "dan", "cleo"],
        ),
        (SortColumn::LinesAdded, ["ben", "cleo", "ada", "eve", "dan"]),
        (
            SortColumn::LinesRemoved,
            ["cleo", "ben", "ada", "eve", "dan"],
        ),
        // No decided tool actions sorts below any rate.
        (SortColumn::Acceptance, ["ada", "ben", "eve", "dan", "cleo"]),
        (SortColumn::Cost, ["eve", "cleo", "ben", "ada", "dan"]),
        (SortColumn::Email, ["ada", "ben", "cleo", "dan", "eve"]),
    ];
    for (column, rows) in expected {
        assert_eq!(press(&mut model, key(KeyCode::Char('s'))), vec![]);
        assert_eq!(model.developers.sort, column);
        // E-mail sorts A→Z first; every number column sorts highest first.
        assert_eq!(model.developers.descending, column != SortColumn::Email);
        assert_eq!(order(&model), rows, "{column:?}");
        // `S` reverses exactly, and again restores.
        press(
            &mut model,
            KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT),
        );
        let mut reversed = rows;
        reversed.reverse();
        assert_eq!(order(&model), reversed, "{column:?} reversed");
        update(&mut model, Action::SortReverse);
        assert_eq!(order(&model), rows, "{column:?} restored");
    }
}

#[test]
fn sorting_keeps_the_highlighted_person() {
    let mut model = loaded();
    update(&mut model, Action::GoTab(Tab::Developers));
    assert_eq!(selected(&model), "eve");
    update(&mut model, Action::Down);
    update(&mut model, Action::Down);
    update(&mut model, Action::Down);
    assert_eq!((model.developers.selected(), selected(&model)), (3, "ada"));
    update(&mut model, Action::SortNext); // by e-mail: ada is first
    assert_eq!((model.developers.selected(), selected(&model)), (0, "ada"));
    update(&mut model, Action::SortReverse);
    assert_eq!((model.developers.selected(), selected(&model)), (4, "ada"));
    // Moving stops at both ends.
    update(&mut model, Action::Down);
    assert_eq!(model.developers.selected(), 4);
    update(&mut model, Action::Top);
    assert_eq!(selected(&model), "eve");
    update(&mut model, Action::Up);
    assert_eq!(selected(&model), "eve");
    update(&mut model, Action::Bottom);
    assert_eq!(selected(&model), "ada");
}

#[test]
fn filter_narrows_rows_enter_keeps_esc_clears_and_the_person_stays_highlighted() {
    let mut model = loaded();
    // `/` is a Developers key.
    assert_eq!(action_for(&model, key(KeyCode::Char('/'))), None);
    update(&mut model, Action::StartFilter);
    assert!(!model.developers.filtering);

    update(&mut model, Action::GoTab(Tab::Developers));
    update(&mut model, Action::Down);
    update(&mut model, Action::Down);
    assert_eq!(selected(&model), "ben");
    press(&mut model, key(KeyCode::Char('/')));
    assert!(model.developers.filtering);
    // While typing, letters are text, not commands (`e` would export, `2` switch tabs).
    assert_eq!(
        action_for(&model, key(KeyCode::Char('e'))),
        Some(Action::Input('e'))
    );
    type_text(&mut model, "e");
    assert_eq!(order(&model), ["eve", "cleo", "ben"]);
    assert_eq!(
        selected(&model),
        "ben",
        "ben still matches and stays highlighted"
    );
    type_text(&mut model, "n");
    assert_eq!(order(&model), ["ben"]);
    assert_eq!(selected(&model), "ben");
    press(&mut model, key(KeyCode::Backspace));
    assert_eq!(model.developers.filter, "e");
    assert_eq!(order(&model), ["eve", "cleo", "ben"]);
    type_text(&mut model, "v");
    assert_eq!(order(&model), ["eve"]);
    assert_eq!(
        selected(&model),
        "eve",
        "ben no longer matches: the first match"
    );
    press(&mut model, key(KeyCode::Backspace));
    assert_eq!(selected(&model), "eve");

    // Enter keeps the filter and leaves typing mode; keys are commands again.
    assert_eq!(press(&mut model, key(KeyCode::Enter)), vec![]);
    assert!(!model.developers.filtering);
    assert_eq!(model.developers.filter, "e");
    assert_eq!(
        model.overlay, None,
        "Enter ended the filter, it opened nothing"
    );
    assert_eq!(order(&model), ["eve", "cleo", "ben"]);
    update(&mut model, Action::Down);
    assert_eq!(selected(&model), "cleo");
    // Sorting keeps the filter.
    update(&mut model, Action::SortNext);
    assert_eq!(order(&model), ["ben", "cleo", "eve"]);
    assert_eq!(selected(&model), "cleo");

    // `/` again shows the kept text; Esc clears it and every row returns, cleo still
    // highlighted.
    press(&mut model, key(KeyCode::Char('/')));
    assert_eq!(model.developers.filter, "e");
    type_text(&mut model, "xyz");
    assert_eq!(order(&model), Vec::<&str>::new());
    assert_eq!(model.selected_developer(), None);
    press(&mut model, key(KeyCode::Esc));
    assert!(!model.developers.filtering);
    assert_eq!(model.developers.filter, "");
    assert_eq!(order(&model), ["ada", "ben", "cleo", "dan", "eve"]);

    update(&mut model, Action::StartFilter);
    type_text(&mut model, "CLEO");
    assert_eq!(order(&model), ["cleo"], "the filter ignores case");
    press(&mut model, key(KeyCode::Esc));
    assert_eq!(selected(&model), "cleo");
    assert_eq!(order(&model), ["ada", "ben", "cleo", "dan", "eve"]);
}

#[test]
fn esc_clears_a_kept_filter_once_nothing_is_open_over_the_table() {
    let mut model = loaded();
    update(&mut model, Action::GoTab(Tab::Developers));
    press(&mut model, key(KeyCode::Char('/')));
    type_text(&mut model, "e");
    press(&mut model, key(KeyCode::Enter));
    assert_eq!(order(&model), ["eve", "cleo", "ben"], "the filter is kept");
    // Enter opens the highlighted person; the first Esc closes the timeline only.
    press(&mut model, key(KeyCode::Enter));
    assert!(matches!(model.overlay, Some(Overlay::Detail { .. })));
    press(&mut model, key(KeyCode::Esc));
    assert_eq!(model.overlay, None);
    assert_eq!(model.developers.filter, "e");
    // The next Esc does what the table's hint says: it clears the kept filter.
    press(&mut model, key(KeyCode::Esc));
    assert_eq!(model.developers.filter, "");
    assert_eq!(order(&model), ["eve", "cleo", "ben", "ada", "dan"]);
    assert_eq!(selected(&model), "eve", "the highlighted person stays");
}

#[test]
fn the_picker_changes_the_range_with_presets() {
    let mut model = loaded();
    assert_eq!(
        action_for(&model, key(KeyCode::Char('d'))),
        Some(Action::OpenRangePicker)
    );
    press(&mut model, key(KeyCode::Char('d')));
    assert_eq!(
        model.overlay,
        Some(Overlay::RangePicker {
            custom: None,
            error: None
        })
    );
    // In the picker `3` means 30 days, not the Claude Code tab; `7` means 7 days.
    assert_eq!(
        action_for(&model, key(KeyCode::Char('3'))),
        Some(Action::PickRange(RangePreset::Days(30)))
    );
    // 7 days starts after the 1st, so this month's cost is asked for too.
    let commands = press(&mut model, key(KeyCode::Char('7')));
    assert_eq!(
        commands,
        vec![
            load("2026-11-19", "2026-11-25", None),
            Command::Sync(
                JobId(1),
                Need::dashboard(day("2026-11-19"), day("2026-11-25"))
            ),
            Command::Sync(JobId(1), month_to_date_need()),
        ]
    );
    assert_eq!(model.overlay, None);
    assert_eq!(model.tab, Tab::Overview);
    assert_eq!(
        model.range,
        DateRange {
            from: day("2026-11-19"),
            to: day("2026-11-25"),
            label: "7 days".to_owned()
        }
    );
    assert!(model.dashboard.is_loading());
    assert_eq!(
        model.sync.refresh,
        Work::Running {
            job: JobId(1),
            needs: 2
        }
    );
    // The figures of the old range stay until the new ones arrive; a late answer for the
    // old range is ignored.
    let old = model.data().unwrap().clone();
    assert_eq!(old.from, day("2026-10-27"));
    update(
        &mut model,
        Action::DataLoaded(Box::new(dashboard(&range()))),
    );
    assert!(model.dashboard.is_loading());
    let seven = model.range.clone();
    update(&mut model, Action::DataLoaded(Box::new(dashboard(&seven))));
    assert!(model.dashboard.is_loaded());
    assert_eq!(model.data().unwrap().from, day("2026-11-19"));

    for (job, (c, from, label, month_need)) in (2..).map(JobId).zip([
        ('m', "2026-11-01", "month to date", false),
        ('9', "2026-08-28", "90 days", false),
        ('y', "2025-11-26", "365 days", false),
        ('3', "2026-10-27", "30 days", false),
    ]) {
        press(&mut model, key(KeyCode::Char('d')));
        let mut expected = vec![
            load(from, "2026-11-25", None),
            Command::Sync(job, Need::dashboard(day(from), day("2026-11-25"))),
        ];
        if month_need {
            expected.push(Command::Sync(job, month_to_date_need()));
        }
        assert_eq!(
            press(&mut model, key(KeyCode::Char(c))),
            expected,
            "{label}"
        );
        assert_eq!(model.range.label, label);
        assert_eq!(model.range.from, day(from));
    }
    // Picking the range already shown does nothing; Esc closes the picker.
    update(&mut model, Action::OpenRangePicker);
    assert_eq!(press(&mut model, key(KeyCode::Char('3'))), vec![]);
    update(&mut model, Action::OpenRangePicker);
    assert_eq!(press(&mut model, key(KeyCode::Esc)), vec![]);
    assert_eq!(model.overlay, None);
}

#[test]
fn the_picker_takes_a_typed_custom_range_and_explains_a_bad_one() {
    let mut model = loaded();
    press(&mut model, key(KeyCode::Char('d')));
    press(&mut model, key(KeyCode::Char('c')));
    assert_eq!(
        model.overlay,
        Some(Overlay::RangePicker {
            custom: Some(String::new()),
            error: None
        })
    );
    // While typing, `7` and `q` are text.
    assert_eq!(
        action_for(&model, key(KeyCode::Char('q'))),
        Some(Action::Input('q'))
    );
    let before = model.range.clone();
    for (text, error) in [
        ("yesterday", "type two dates: YYYY-MM-DD..YYYY-MM-DD"),
        (
            "2026-10-31..2026-10-01",
            "the first date must not be after the second",
        ),
        (
            "2026-13-01..2026-10-01",
            "\"2026-13-01\" is not a date (YYYY-MM-DD)",
        ),
        (
            "2026-11-20..2026-12-05",
            "2026-12-05 is in the future (today is 2026-11-25 UTC)",
        ),
    ] {
        type_text(&mut model, text);
        assert_eq!(press(&mut model, key(KeyCode::Enter)), vec![], "{text}");
        assert_eq!(
            model.overlay,
            Some(Overlay::RangePicker {
                custom: Some(text.to_owned()),
                error: Some(error.to_owned())
            }),
            "{text}"
        );
        assert_eq!(model.range, before);
        for _ in text.chars() {
            press(&mut model, key(KeyCode::Backspace));
        }
    }
    // A good range: the whole of October, which starts before this month.
    type_text(&mut model, "2026-10-01..2026-10-31");
    assert_eq!(
        press(&mut model, key(KeyCode::Enter)),
        vec![
            load("2026-10-01", "2026-10-31", None),
            Command::Sync(
                JobId(1),
                Need::dashboard(day("2026-10-01"), day("2026-10-31"))
            ),
        ]
    );
    assert_eq!(model.overlay, None);
    assert_eq!(
        model.range,
        DateRange {
            from: day("2026-10-01"),
            to: day("2026-10-31"),
            label: "custom".to_owned()
        }
    );
    // Two dates separated by a space work too; a range inside this month also asks for
    // the month to date.
    press(&mut model, key(KeyCode::Char('d')));
    press(&mut model, key(KeyCode::Char('c')));
    type_text(&mut model, "2026-11-10 2026-11-20");
    assert_eq!(
        press(&mut model, key(KeyCode::Enter)),
        vec![
            load("2026-11-10", "2026-11-20", None),
            Command::Sync(
                JobId(2),
                Need::dashboard(day("2026-11-10"), day("2026-11-20"))
            ),
            Command::Sync(JobId(2), month_to_date_need()),
        ]
    );
    // Esc from the text field goes back to the presets, a second Esc closes.
    press(&mut model, key(KeyCode::Char('d')));
    press(&mut model, key(KeyCode::Char('c')));
    type_text(&mut model, "2026");
    press(&mut model, key(KeyCode::Esc));
    assert_eq!(
        model.overlay,
        Some(Overlay::RangePicker {
            custom: None,
            error: None
        })
    );
    press(&mut model, key(KeyCode::Esc));
    assert_eq!(model.overlay, None);
    assert_eq!(model.range.from, day("2026-11-10"));
}

#[test]
fn a_failed_refresh_keeps_the_last_good_data() {
    let mut model = loaded();
    update(&mut model, Action::GoTab(Tab::Developers));
    update(&mut model, Action::Down);
    let data = model.data().cloned();
    let rows = order(&model).join(",");
    assert!(model.refresh_every > Duration::zero());

    // `r` starts a sync of the range's needs, proving the key with a request first.
    assert_eq!(
        press(&mut model, key(KeyCode::Char('r'))),
        vec![Command::Sync(
            JobId(1),
            Need {
                check_key: true,
                ..Need::dashboard(day("2026-10-27"), day("2026-11-25"))
            }
        )]
    );
    assert!(model.sync.refresh.is_running());
    // A second `r` while it runs says so and starts nothing.
    assert_eq!(update(&mut model, Action::Refresh), vec![]);
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("a refresh is already running")
    );

    // Any other failure: a definite answer that stays on the status bar until a sync works,
    // the whole cause in the message log, data untouched, the store re-read.
    let commands = update(
        &mut model,
        Action::SyncFinished(
            JobId(1),
            SyncResult::Failed {
                cause: "the API answered 500 (request req_01)".to_owned(),
            },
        ),
    );
    assert_eq!(
        commands,
        vec![load("2026-10-27", "2026-11-25", Some(coverage()))]
    );
    assert!(!model.sync.refresh.is_running());
    assert_eq!(
        model.connection,
        Connection::Failed {
            cause: "the API answered 500 (request req_01)".to_owned()
        }
    );
    assert_eq!(
        connection_text(&model),
        (
            "refresh failed — data through 2026-11-23; m: why".to_owned(),
            true
        )
    );
    let last = model.messages.last().unwrap();
    assert_eq!(
        (last.text.as_str(), last.problem),
        (
            "refresh failed: the API answered 500 (request req_01)",
            true
        )
    );
    assert_eq!(model.data().cloned(), data);
    // The re-read fails too: the figures stay.
    update(
        &mut model,
        Action::LoadFailed("database is locked".to_owned()),
    );
    assert_eq!(model.dashboard.error(), Some("database is locked"));
    assert_eq!(model.data().cloned(), data);
    assert_eq!(order(&model).join(","), rows);
    assert_eq!(selected(&model), "cleo");

    // Unreachable: offline, with the date the data runs to.
    update(&mut model, Action::Refresh);
    update(
        &mut model,
        Action::SyncFinished(
            JobId(2),
            SyncResult::Offline {
                cause: "could not connect to api.anthropic.com".to_owned(),
            },
        ),
    );
    assert_eq!(
        model.connection,
        Connection::Offline {
            cause: "could not connect to api.anthropic.com".to_owned()
        }
    );
    assert_eq!(
        connection_text(&model),
        ("offline — data through 2026-11-23; m: why".to_owned(), true)
    );
    assert_eq!(model.data().cloned(), data);
    assert_eq!(order(&model).join(","), rows);
    // Offline still refreshes on schedule (the network may come back), with the history
    // backfill of every day the API serves.
    let later = now() + model.refresh_every + Duration::seconds(1);
    assert_eq!(
        update(&mut model, Action::Tick(later)),
        auto_refresh(JobId(3), JobId(4))
    );
    // And a good sync brings it back online.
    update(
        &mut model,
        Action::SyncFinished(
            JobId(3),
            SyncResult::Done {
                requests: 3,
                coverage: coverage(),
            },
        ),
    );
    assert_eq!(connection_text(&model), ("online".to_owned(), false));
}

/// The range changes while a refresh runs: the old refresh's late answer is recognized by its
/// job id and ignored — it neither ends the new refresh nor brings back the old range's
/// coverage — and the new refresh ends with the last of its two needs.
#[test]
fn a_late_answer_of_a_superseded_refresh_is_ignored() {
    let mut model = loaded();
    press(&mut model, key(KeyCode::Char('r')));
    assert_eq!(model.sync.refresh.job(), Some(JobId(1)));
    update(&mut model, Action::OpenRangePicker);
    update(&mut model, Action::PickRange(RangePreset::Days(7)));
    let running = Work::Running {
        job: JobId(2),
        needs: 2,
    };
    assert_eq!(model.sync.refresh, running);
    assert_eq!(model.coverage, None);
    let progress = topogy::api::ProgressSnapshot {
        done: 3,
        planned: 9,
        ..topogy::api::ProgressSnapshot::default()
    };
    update(&mut model, Action::SyncProgress(JobId(1), progress));
    let late = update(
        &mut model,
        Action::SyncFinished(
            JobId(1),
            SyncResult::Done {
                requests: 7,
                coverage: coverage(),
            },
        ),
    );
    assert_eq!(late, vec![]);
    assert_eq!(model.sync.refresh, running);
    assert_eq!(model.coverage, None, "the old range's coverage stays out");
    assert_eq!(
        model.last_sync.as_ref().map(|(_, r)| r.clone()),
        Some(SyncResult::Done {
            requests: 12,
            coverage: coverage(),
        })
    );
    assert_eq!(update(&mut model, Action::Refresh), vec![]);
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("a refresh is already running")
    );
    // The new refresh: its first need ends, then its second.
    let week = Coverage {
        engagement: vec![Segment::Rollup {
            start: day("2026-11-19"),
            end: day("2026-11-24"),
        }],
        ..coverage()
    };
    let done = |coverage: Coverage| SyncResult::Done {
        requests: 2,
        coverage,
    };
    assert_eq!(
        update(
            &mut model,
            Action::SyncFinished(JobId(2), done(week.clone()))
        ),
        vec![load("2026-11-19", "2026-11-25", Some(week.clone()))]
    );
    assert_eq!(
        model.sync.refresh,
        Work::Running {
            job: JobId(2),
            needs: 1
        }
    );
    update(
        &mut model,
        Action::SyncFinished(JobId(2), done(Coverage::default())),
    );
    assert_eq!(model.sync.refresh, Work::Idle);
    assert_eq!(model.coverage, Some(week));
}

/// The detail view's sync of one person's cost is its own job: `r` beside it starts a
/// refresh, and the person's answer ends only its own job.
#[test]
fn a_persons_cost_and_a_refresh_are_separate_jobs() {
    let mut model = loaded();
    press(&mut model, key(KeyCode::Char('2')));
    let opened = press(&mut model, key(KeyCode::Enter));
    assert!(
        matches!(opened.last(), Some(Command::Sync(JobId(1), _))),
        "{opened:?}"
    );
    // Asked, not running until it makes a request.
    assert!(!model.busy());
    update(
        &mut model,
        Action::SyncProgress(JobId(1), topogy::api::ProgressSnapshot::default()),
    );
    assert!(model.busy() && model.sync.person.is_running());
    assert_eq!(
        update(&mut model, Action::Refresh),
        vec![Command::Sync(
            JobId(2),
            Need {
                check_key: true,
                ..Need::dashboard(day("2026-10-27"), day("2026-11-25"))
            }
        )]
    );
    update(
        &mut model,
        Action::SyncFinished(
            JobId(1),
            SyncResult::Done {
                requests: 1,
                coverage: Coverage::default(),
            },
        ),
    );
    assert_eq!(model.sync.person, Work::Idle);
    assert!(model.sync.refresh.is_running());
}

/// A chunk of history backfill is running: 4 of 12 requests done.
fn backfilling(model: &mut Model) {
    update(
        model,
        Action::BackfillProgress(
            JobId(9),
            topogy::api::ProgressSnapshot {
                done: 4,
                planned: 12,
                ..topogy::api::ProgressSnapshot::default()
            },
        ),
    );
    assert!(model.sync.backfill.is_running() && !model.sync.refresh.is_running() && model.busy());
}

#[test]
fn r_during_backfill_starts_a_refresh_instead_of_saying_one_runs() {
    let mut model = loaded();
    backfilling(&mut model);
    assert_eq!(
        press(&mut model, key(KeyCode::Char('r'))),
        vec![Command::Sync(
            JobId(1),
            Need {
                check_key: true,
                ..Need::dashboard(day("2026-10-27"), day("2026-11-25"))
            }
        )]
    );
    assert_ne!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("a refresh is already running")
    );
    // That refresh is what `r` now waits for; the backfill's chunk ending changes nothing.
    assert!(model.sync.refresh.is_running());
    update(&mut model, Action::BackfillDone(JobId(9)));
    assert!(model.sync.refresh.is_running() && !model.sync.backfill.is_running());
    assert_eq!(update(&mut model, Action::Refresh), vec![]);
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("a refresh is already running")
    );
}

#[test]
fn a_failed_backfill_chunk_ends_the_backfill_not_the_refresh_beside_it() {
    let mut model = loaded();
    backfilling(&mut model);
    press(&mut model, key(KeyCode::Char('r')));
    update(
        &mut model,
        Action::BackfillFailed(
            JobId(9),
            SyncResult::Offline {
                cause: "could not connect to api.anthropic.com".to_owned(),
            },
        ),
    );
    assert!(model.sync.refresh.is_running() && !model.sync.backfill.is_running());
    assert!(matches!(model.connection, Connection::Offline { .. }));
    // The refresh is still the one `r` waits for.
    assert_eq!(update(&mut model, Action::Refresh), vec![]);
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("a refresh is already running")
    );
}

#[test]
fn the_auto_refresh_is_not_starved_by_a_running_backfill() {
    let mut model = loaded();
    let due = now() + model.refresh_every;
    backfilling(&mut model);
    // The range's refresh, and no second backfill while the first runs.
    assert_eq!(
        update(&mut model, Action::Tick(due)),
        vec![Command::Sync(
            JobId(1),
            Need::dashboard(day("2026-10-27"), day("2026-11-25"))
        )]
    );
    // The status bar still says work is running while only the backfill does.
    update(
        &mut model,
        Action::SyncFinished(
            JobId(1),
            SyncResult::Done {
                requests: 3,
                coverage: coverage(),
            },
        ),
    );
    assert!(!model.sync.refresh.is_running() && model.sync.backfill.is_running() && model.busy());
}

#[test]
fn a_refused_key_stops_background_requests_until_r() {
    // Control: while online, the refresh interval starts a sync.
    let mut online = loaded();
    let due = now() + online.refresh_every;
    assert_eq!(
        update(&mut online, Action::Tick(due - Duration::seconds(1))),
        vec![]
    );
    assert_eq!(
        update(&mut online, Action::Tick(due)),
        auto_refresh(JobId(1), JobId(2))
    );

    let mut model = loaded();
    let data = model.data().cloned();
    update(
        &mut model,
        Action::SyncFinished(
            JobId::default(),
            SyncResult::Rejected {
                cause: "the key was refused".to_owned(),
                fixes: vec!["Create a new key".to_owned()],
            },
        ),
    );
    assert!(matches!(model.connection, Connection::Rejected { .. }));
    assert_eq!(
        connection_text(&model).0,
        "key refused — stored data through 2026-11-23 (stale); r re-tests, K new key"
    );
    assert_eq!(model.data().cloned(), data);
    let is_sync = |c: &Command| matches!(c, Command::Sync(..));
    // Hours of ticks: never a request.
    for minutes in [1, 15, 16, 60, 600] {
        let commands = update(&mut model, Action::Tick(now() + Duration::minutes(minutes)));
        assert!(!commands.iter().any(is_sync), "{minutes} min: {commands:?}");
    }
    // A new range reads the store but asks nothing of the API.
    update(&mut model, Action::OpenRangePicker);
    let commands = update(&mut model, Action::PickRange(RangePreset::Days(7)));
    assert_eq!(commands, vec![load("2026-11-19", "2026-11-25", None)]);
    assert!(!model.busy());
    // The detail view reads stored days only.
    let seven = model.range.clone();
    update(&mut model, Action::DataLoaded(Box::new(dashboard(&seven))));
    update(&mut model, Action::GoTab(Tab::Developers));
    let commands = update(&mut model, Action::Confirm);
    assert_eq!(
        commands,
        vec![Command::LoadTimeline {
            user_id: "u5".to_owned(),
            from: day("2026-11-19"),
            to: day("2026-11-25"),
        }]
    );
    update(&mut model, Action::Back);
    // `r` re-tests the key.
    let commands = press(&mut model, key(KeyCode::Char('r')));
    assert_eq!(
        commands,
        vec![
            Command::Sync(
                JobId(1),
                Need {
                    check_key: true,
                    ..Need::dashboard(day("2026-11-19"), day("2026-11-25"))
                }
            ),
            Command::Sync(JobId(1), month_to_date_need()),
        ]
    );
    assert_eq!(model.connection, Connection::Starting);
    assert!(model.sync.refresh.is_running());
}

#[test]
fn the_detail_view_opens_on_the_highlighted_person_and_closes() {
    let mut model = loaded();
    // Enter means nothing outside the Developers tab.
    assert_eq!(action_for(&model, key(KeyCode::Enter)), None);
    assert_eq!(update(&mut model, Action::Confirm), vec![]);
    assert_eq!(model.overlay, None);

    press(&mut model, key(KeyCode::Char('2')));
    press(&mut model, key(KeyCode::Char('j')));
    assert_eq!(selected(&model), "cleo");
    let commands = press(&mut model, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![
            Command::LoadTimeline {
                user_id: "u3".to_owned(),
                from: day("2026-10-27"),
                to: day("2026-11-25"),
            },
            Command::Sync(
                JobId(1),
                Need::person("u3", day("2026-10-27"), day("2026-11-25"))
            ),
        ]
    );
    let reading = Some(Overlay::Detail {
        user_id: "u3".to_owned(),
        timeline: PaneState::Loading { last_good: None },
    });
    assert_eq!(model.overlay, reading);
    // Another person's days are not this view's.
    let days = |id: &str| Timeline {
        user_id: id.to_owned(),
        days: vec![(
            day("2026-11-20"),
            Activity {
                user_id: id.to_owned(),
                messages: 4,
                ..Activity::default()
            },
        )],
        cost: vec![(
            day("2026-11-20"),
            Decimal::new(150, 2),
            Decimal::new(190, 2),
        )],
    };
    update(&mut model, Action::TimelineLoaded(days("u2")));
    assert_eq!(model.overlay, reading);
    update(&mut model, Action::TimelineLoaded(days("u3")));
    // Assembled when it arrives: one row for the day with activity and cost, and a series
    // point for every day of the range (the 20th is the 25th of 30).
    let Some(Overlay::Detail { timeline, .. }) = &model.overlay else {
        panic!("the detail view is open");
    };
    assert!(timeline.is_loaded());
    let shown = timeline.data().unwrap();
    assert_eq!(
        shown.rows,
        vec![PersonDay {
            date: day("2026-11-20"),
            activity: Some(days("u3").days[0].1.clone()),
            paid: Some(Decimal::new(150, 2)),
        }]
    );
    let mut activity = vec![0; 30];
    activity[24] = 4;
    let mut cents = vec![0; 30];
    cents[24] = 150;
    assert_eq!((&shown.activity, &shown.cents), (&activity, &cents));
    // Newly stored data re-reads the open person's days.
    assert_eq!(
        update(&mut model, Action::Stored),
        vec![Command::LoadTimeline {
            user_id: "u3".to_owned(),
            from: day("2026-10-27"),
            to: day("2026-11-25"),
        }]
    );
    // Moving keys do not move the table under the view.
    update(&mut model, Action::Down);
    assert_eq!(selected(&model), "cleo");
    // Esc closes it, back on the same row.
    press(&mut model, key(KeyCode::Esc));
    assert_eq!(model.overlay, None);
    assert_eq!((model.tab, selected(&model)), (Tab::Developers, "cleo"));
    // With nobody listed, Enter opens nothing.
    update(&mut model, Action::StartFilter);
    type_text(&mut model, "nobody");
    update(&mut model, Action::Confirm);
    assert_eq!(update(&mut model, Action::Confirm), vec![]);
    assert_eq!(model.overlay, None);
}

#[test]
fn export_writes_exactly_the_filtered_and_sorted_rows() {
    let mut empty = Model::new(range(), now());
    assert_eq!(update(&mut empty, Action::Export), vec![]);
    assert_eq!(
        empty.flash.as_ref().map(|f| f.0.as_str()),
        Some("nothing to export yet")
    );

    let mut model = loaded();
    update(&mut model, Action::GoTab(Tab::Developers));
    for _ in 0..4 {
        update(&mut model, Action::SortNext); // e-mail, messages, sessions, commits
    }
    update(&mut model, Action::SortReverse); // fewest commits first
    update(&mut model, Action::StartFilter);
    type_text(&mut model, "e"); // eve, cleo, ben
    update(&mut model, Action::Confirm);
    assert_eq!(order(&model), ["eve", "ben", "cleo"]);

    let commands = press(&mut model, key(KeyCode::Char('e')));
    let [Command::Write { path, bytes }] = commands.as_slice() else {
        panic!("one file write expected, got {commands:?}");
    };
    assert_eq!(
        path,
        &PathBuf::from("/exports/topogy-developers-2026-10-27-2026-11-25.csv")
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "user_id",
            "email",
            "messages",
            "conversations",
            "claude_code_sessions",
            "commits",
            "pull_requests",
            "lines_added",
            "lines_removed",
            "tool_accepted",
            "tool_rejected",
            "cost_usd",
            "list_cost_usd",
            "cowork_sessions",
            "cowork_messages",
            "office_messages",
            "design_messages",
            "web_searches"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    // The five newer counters (Cowork, Office, Design, web searches) are zero here.
    let expected = [
        "u5,eve@x.io,20,5,1,1,1,100,10,3,1,30.0,37.5,0,0,0,0,0",
        "u2,ben@x.io,20,5,9,7,2,700,70,8,2,30.0,37.5,0,0,0,0,0",
        "u3,cleo@x.io,20,5,9,7,0,500,90,0,0,30.0,37.5,0,0,0,0,0",
    ];
    let expected: Vec<Vec<String>> = expected
        .iter()
        .map(|r| r.split(',').map(str::to_owned).collect())
        .collect();
    assert_eq!(rows, expected);
    // Export does not disturb the view.
    assert_eq!(model.developers.filter, "e");
    assert_eq!(order(&model), ["eve", "ben", "cleo"]);

    // Where it went is said in the status bar.
    update(&mut model, Action::Exported(Ok(path.clone())));
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.clone()),
        Some("exported to /exports/topogy-developers-2026-10-27-2026-11-25.csv".to_owned())
    );
    update(
        &mut model,
        Action::Exported(Err("permission denied".to_owned())),
    );
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("export failed: permission denied")
    );
    // The message goes away after a few seconds.
    update(&mut model, Action::Tick(now() + Duration::seconds(5)));
    assert!(model.flash.is_some());
    update(&mut model, Action::Tick(now() + Duration::seconds(7)));
    assert_eq!(model.flash, None);
}

/// The CSV `e` writes on `tab`, with the file name it asks for.
fn exported(model: &mut Model, tab: Tab) -> (PathBuf, Vec<Vec<String>>) {
    update(model, Action::GoTab(tab));
    let commands = update(model, Action::Export);
    let [Command::Write { path, bytes }] = commands.as_slice() else {
        panic!("one file write expected, got {commands:?}");
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (path.clone(), rows)
}

/// Cost and Claude Code write what their panes show: cost by person under the cost no person
/// accounts for (exact decimals, adding up to the range's total), and by product and model;
/// Claude Code's people by commits.
#[test]
fn cost_and_claude_code_export_what_their_panes_show() {
    let mut model = loaded();
    if let Some(data) = model.dashboard.data_mut() {
        data.days = vec![topogy::metrics::Day {
            date: day("2026-11-20"),
            cost_usd: Some(dec("112.35")),
            unattributed_cost_usd: Some(dec("7.35")),
            unattributed_list_cost_usd: Some(dec("9.1875")),
            ..topogy::metrics::Day::default()
        }];
        data.cost_by_model = vec![topogy::metrics::ModelCost {
            product: "claude_code".to_owned(),
            model: "claude-sonnet-4-6".to_owned(),
            cost_usd: dec("112.35"),
            list_cost_usd: dec("140.4375"),
        }];
    }
    let (path, rows) = exported(&mut model, Tab::Cost);
    assert_eq!(
        path,
        PathBuf::from("/exports/topogy-cost-2026-10-27-2026-11-25.csv")
    );
    let expected = [
        "section,name,product,model,cost_usd,list_cost_usd",
        "not tied to a person,\"service accounts, API keys, Slack\",,,7.35,9.1875",
        "person,ben@x.io,,,30.00,37.5000",
        "person,cleo@x.io,,,30.00,37.5000",
        "person,eve@x.io,,,30.00,37.5000",
        "person,ada@x.io,,,10.00,12.5000",
        "person,dan@x.io,,,5.00,6.2500",
        "product and model,,claude_code,claude-sonnet-4-6,112.35,140.4375",
    ];
    let lines: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(r).unwrap();
            String::from_utf8(w.into_inner().unwrap())
                .unwrap()
                .trim_end()
                .to_owned()
        })
        .collect();
    assert_eq!(lines, expected);
    // People plus what no person accounts for = the range's total, to the cent.
    let sum: Decimal = rows[1..7].iter().map(|r| dec(&r[4])).sum();
    assert_eq!(sum, model.data().unwrap().total_cost_usd());

    let (path, rows) = exported(&mut model, Tab::ClaudeCode);
    assert_eq!(
        path,
        PathBuf::from("/exports/topogy-claude-code-2026-10-27-2026-11-25.csv")
    );
    let expected = [
        "email,commits,pull_requests,lines_added,lines_removed,sessions,tool_accepted,tool_rejected",
        "ben@x.io,7,2,700,70,9,8,2",
        "cleo@x.io,7,0,500,90,9,0,0",
        "ada@x.io,3,1,300,30,5,9,1",
        "eve@x.io,1,1,100,10,1,3,1",
    ];
    assert_eq!(
        rows.iter().map(|r| r.join(",")).collect::<Vec<_>>(),
        expected
    );
}

/// A second export of the same view never replaces the first: it goes beside it, numbered.
#[test]
fn each_export_is_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy-cost-2026-10-27-2026-11-25.csv");
    let first = topogy::export::write_new_file(&path, b"first").unwrap();
    let second = topogy::export::write_new_file(&path, b"second").unwrap();
    let third = topogy::export::write_new_file(&path, b"third").unwrap();
    assert_eq!(first, path);
    assert_eq!(
        second,
        dir.path().join("topogy-cost-2026-10-27-2026-11-25-2.csv")
    );
    assert_eq!(
        third,
        dir.path().join("topogy-cost-2026-10-27-2026-11-25-3.csv")
    );
    let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap();
    assert_eq!(
        (read(&first), read(&second), read(&third)),
        ("first".into(), "second".into(), "third".into())
    );
    // Nothing else is left in the directory (no temporary file).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn stored_units_reload_the_view_at_most_once_a_second() {
    let mut model = loaded();
    let t = |ms: i64| now() + Duration::milliseconds(ms);
    let reload = || vec![load("2026-10-27", "2026-11-25", Some(coverage()))];
    // Nothing stored: ticks do nothing.
    assert_eq!(update(&mut model, Action::Tick(t(2_000))), vec![]);
    assert_eq!(update(&mut model, Action::Stored), vec![]);
    assert!(model.reload.pending);
    assert_eq!(update(&mut model, Action::Tick(t(2_250))), reload());
    assert!(!model.reload.pending);
    // A burst of stored units within the second: one reload, when the second is up.
    for _ in 0..5 {
        assert_eq!(update(&mut model, Action::Stored), vec![]);
    }
    assert_eq!(update(&mut model, Action::Tick(t(2_500))), vec![]);
    assert_eq!(update(&mut model, Action::Tick(t(3_000))), vec![]);
    assert_eq!(update(&mut model, Action::Tick(t(3_250))), reload());
    assert_eq!(update(&mut model, Action::Tick(t(3_500))), vec![]);
    assert_eq!(update(&mut model, Action::Tick(t(9_000))), vec![]);
    // The end of a sync reloads at once, and clears what was pending.
    update(&mut model, Action::Stored);
    assert_eq!(
        update(
            &mut model,
            Action::SyncFinished(
                JobId::default(),
                SyncResult::Done {
                    requests: 1,
                    coverage: coverage()
                }
            )
        ),
        reload()
    );
    assert_eq!(update(&mut model, Action::Tick(t(12_000))), vec![]);
}

#[test]
fn every_list_scrolls_and_enter_opens_a_person_from_cost_by_person() {
    let mut model = loaded();
    model.size = (80, 24);
    // Cost's "By person": most expensive first (ties by e-mail); j/G move, Enter opens.
    press(&mut model, key(KeyCode::Char('4')));
    let ranked: Vec<&str> = model
        .cost_ranking()
        .iter()
        .map(|d| d.email.as_str())
        .collect();
    assert_eq!(
        ranked,
        ["ben@x.io", "cleo@x.io", "eve@x.io", "ada@x.io", "dan@x.io"]
    );
    press(&mut model, key(KeyCode::Char('j')));
    assert_eq!(model.lists.cost_people, 1);
    press(&mut model, key(KeyCode::Char('G')));
    assert_eq!(model.lists.cost_people, 4, "the last row, not past it");
    press(&mut model, key(KeyCode::Char('k')));
    let commands = press(&mut model, key(KeyCode::Enter));
    assert!(
        matches!(&model.overlay, Some(Overlay::Detail { user_id, .. }) if user_id == "u1"),
        "ada, the fourth: {:?}",
        model.overlay
    );
    assert!(commands.contains(&Command::LoadTimeline {
        user_id: "u1".to_owned(),
        from: range().from,
        to: range().to,
    }));
    // The timeline scrolls while it is open, and starts at its top for the next person.
    update(
        &mut model,
        Action::TimelineLoaded(Timeline {
            user_id: "u1".to_owned(),
            days: (0..10)
                .map(|i| (day("2026-11-01") + Duration::days(i), Activity::default()))
                .collect(),
            cost: Vec::new(),
        }),
    );
    press(&mut model, key(KeyCode::PageDown));
    assert_eq!(model.lists.timeline, 9);
    assert_eq!(model.lists.cost_people, 3, "the list under it stays put");
    press(&mut model, key(KeyCode::Esc));
    press(&mut model, key(KeyCode::Char('g')));
    assert_eq!(model.lists.cost_people, 0);

    // The Status tab's requests scroll too; the help names these keys once, for every list.
    press(&mut model, key(KeyCode::Char('6')));
    assert_eq!(
        action_for(&model, key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
}

#[test]
fn the_mouse_clicks_tabs_and_rows_and_its_wheel_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    use topogy::tui::mouse;
    let mut model = loaded();
    model.size = (80, 24);
    let at = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let click = |column, row| at(MouseEventKind::Down(MouseButton::Left), column, row);
    let act = |model: &mut Model, event| match mouse::action_for(model, event) {
        Some(action) => update(model, action),
        None => vec![],
    };
    // At 80 columns the tab bar reads " 1 Overview 2 Developers 3 Claude Code 4 Cost …".
    act(&mut model, click(14, 0));
    assert_eq!(model.tab, Tab::Developers);
    act(&mut model, click(40, 0));
    assert_eq!(model.tab, Tab::Cost);
    act(&mut model, click(14, 0));
    // Rows start under the tab bar, the border and the header: row 3 is the first person.
    assert_eq!(order(&model), ["eve", "cleo", "ben", "ada", "dan"]);
    act(&mut model, click(5, 5));
    assert_eq!(selected(&model), "ben");
    act(&mut model, click(5, 23));
    assert_eq!(selected(&model), "ben", "below the last row: nothing");
    // The wheel moves through the list; a click on the highlighted row opens it.
    act(&mut model, at(MouseEventKind::ScrollDown, 5, 5));
    assert_eq!(selected(&model), "ada");
    act(&mut model, at(MouseEventKind::ScrollUp, 5, 5));
    act(&mut model, click(5, 5));
    assert!(matches!(&model.overlay, Some(Overlay::Detail { user_id, .. }) if user_id == "u2"));
}

#[test]
fn shift_y_runs_doctor_and_copies_its_report() {
    let mut model = loaded();
    let commands = press(&mut model, key(KeyCode::Char('Y')));
    assert_eq!(commands, vec![Command::DoctorReport]);
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("running topogy doctor for the clipboard…")
    );
    let report = "topogy doctor report\n\n✓ Key\n".to_owned();
    let commands = update(&mut model, Action::ReportReady(report.clone()));
    assert_eq!(commands, vec![Command::Copy(report)]);
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("copied the doctor report (3 lines, redacted: no key) to the clipboard")
    );
}

#[test]
fn y_copies_the_highlighted_email_as_osc_52_bytes() {
    let mut model = loaded();
    update(&mut model, Action::GoTab(Tab::Developers));
    update(&mut model, Action::Down);
    let commands = press(&mut model, key(KeyCode::Char('y')));
    assert_eq!(commands, vec![Command::Copy("cleo@x.io".to_owned())]);
    let Command::Copy(text) = &commands[0] else {
        unreachable!()
    };
    // ESC ] 52 ; c ; base64("cleo@x.io") BEL: what the app loop writes to the terminal.
    assert_eq!(
        topogy::tui::clipboard::osc52(text),
        b"\x1b]52;c;Y2xlb0B4Lmlv\x07".to_vec()
    );
    assert_eq!(
        model.flash.as_ref().map(|f| f.0.as_str()),
        Some("copied cleo@x.io to the clipboard")
    );
}

#[test]
fn the_clock_ticks_finely_only_while_something_on_screen_moves_or_is_due() {
    // Loaded and idle: nothing finer than the minute shows; the slow tick will do.
    let mut model = loaded();
    assert!(!model.wants_fine_ticks());
    // A backfill's progress shows in the status bar.
    backfilling(&mut model);
    assert!(model.wants_fine_ticks());
    let mut model = loaded();
    // A unit stored by the sync: the debounced re-read is due soon.
    update(&mut model, Action::Stored);
    assert!(model.wants_fine_ticks());
    let mut model = loaded();
    // A flash message expires after a few seconds.
    model.flash = Some(("copied".to_owned(), now()));
    assert!(model.wants_fine_ticks());
    update(&mut model, Action::Tick(now() + Duration::seconds(60)));
    assert!(model.flash.is_none() && !model.wants_fine_ticks());
}
