//! A seat-based organization (`topogy sim --variant seat-based`: cost is extra usage only, so
//! only the heavy members have any): the Cost tab, `verify` and `doctor` say the figures are
//! extra usage (usage credits), not the bill — as a labelled guess, or as the config says.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
mod dashboard_common;

use std::path::Path;
use std::sync::OnceLock;

use chrono::{Duration, NaiveDate};
use topogy::metrics::{Dashboard, PlanSetting, RangePreset};
use topogy::sim::{self, SimHandle, SyntheticOrg, Variant};
use topogy::sync::Coverage;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::Theme;
use topogy::tui::update::update;

use dashboard_common::{
    TODAY, block_on, draw, loaded_model, now, screen_text, simulator_as, synced_dashboard,
};

fn range() -> DateRange {
    DateRange::preset(RangePreset::Days(30), TODAY)
}

fn fixture() -> &'static (Dashboard, Coverage, u64) {
    static FIXTURE: OnceLock<(Dashboard, Coverage, u64)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        block_on(async {
            let sim = simulator_as(40, TODAY, &[Variant::SeatBased]).await;
            let fixture = synced_dashboard(&sim, &range()).await;
            sim.shutdown();
            fixture
        })
    })
}

fn cost_tab(plan: PlanSetting) -> Model {
    let (dashboard, coverage, requests) = fixture().clone();
    let mut model = loaded_model(range(), now(), dashboard, coverage, requests);
    model.plan = plan;
    update(&mut model, Action::GoTab(Tab::Cost));
    model
}

#[test]
fn the_cost_tab_calls_the_figures_extra_usage_when_few_active_people_have_cost() {
    let (dashboard, _, _) = fixture();
    let evidence = dashboard.plan_evidence.unwrap();
    // Seed 7, 40 people: 36 active in the range, the 4 heavy ones past their seats' usage.
    assert_eq!((evidence.active, evidence.with_cost), (36, 4));
    assert_eq!(
        cost_tab(PlanSetting::Auto).cost_basis().short().as_deref(),
        Some(
            "seat-based plan? only 4 of 36 active people have cost (a guess; set plan in the \
             config): then this is extra usage (usage credits) only, not the bill"
        )
    );
    for size in [(80, 24), (160, 48)] {
        let mut model = cost_tab(PlanSetting::Auto);
        let terminal = draw(&mut model, size, &Theme::mono());
        let text = screen_text(&terminal);
        assert!(
            text.contains("│seat-based plan? only 4 of 36 active people have cost (a guess;"),
            "{text}"
        );
        insta::assert_snapshot!(
            format!("seat_based_cost_{}x{}", size.0, size.1),
            terminal.backend()
        );
    }
}

#[test]
fn the_config_setting_wins_over_the_guess() {
    let mut model = cost_tab(PlanSetting::SeatBased);
    let text = screen_text(&draw(&mut model, (80, 24), &Theme::mono()));
    assert!(
        text.contains("│seat-based plan: extra usage (usage credits) only, not the bill"),
        "{text}"
    );
    let mut model = cost_tab(PlanSetting::UsageBased);
    let text = screen_text(&draw(&mut model, (80, 24), &Theme::mono()));
    assert!(!text.contains("extra usage"), "{text}");
}

/// The heuristic's evidence as `verify` and `doctor` gather it: the people active in the week
/// to the latest available day (its weekly active users), and those of them with any cost.
fn week(org: &SyntheticOrg, latest: NaiveDate) -> (u64, u64) {
    let days = common::days(latest - Duration::days(6), latest);
    let with_cost = org
        .members()
        .iter()
        .filter(|m| days.iter().any(|d| !org.user_cost(m.index, *d).is_empty()))
        .count() as u64;
    (org.wau(latest), with_cost)
}

async fn seat_based_sim() -> SimHandle {
    sim::spawn(
        sim::SimConfig {
            users: 60,
            requests_per_window: 2000,
            ..sim::SimConfig::default()
        }
        .with_variants(&[Variant::SeatBased]),
    )
    .await
    .unwrap()
}

fn write_config(dir: &Path, text: &str) {
    let config = dir.join("config").join("topogy");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), text).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_and_doctor_say_the_cost_is_extra_usage_on_a_seat_based_plan() {
    let sim = seat_based_sim().await;
    let today = common::today();
    let (active, with_cost) = week(sim.org(), today - Duration::days(2));
    assert!(with_cost * 2 < active, "{with_cost} of {active}");
    let guess = format!(
        "note: the plan may be seat-based (a heuristic, not an answer from the API: only \
         {with_cost} of {active} people active have any cost); then the cost figures are \
         extra usage (usage credits) only, not the bill; set plan = \"seat-based\" or \
         \"usage-based\" in the config file to say which"
    );
    let dir = tempfile::tempdir().unwrap();

    let out = common::run(dir.path(), &sim, sim::DEMO_KEY, &["verify"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.lines().any(|l| l == format!("  {guess}")), "{text}");
    assert_eq!(sim.request_count(), 2, "the probe and one cost request");

    let out = common::run(dir.path(), &sim, sim::DEMO_KEY, &["verify", "--json"]).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan = &v["probe"]["plan"];
    assert_eq!(plan["setting"], "auto");
    assert_eq!(plan["cost_basis"], "maybe_extra_usage");
    assert_eq!(plan["evidence"]["active"], active);
    assert_eq!(plan["evidence"]["with_cost"], with_cost);

    let out = common::run(dir.path(), &sim, sim::DEMO_KEY, &["doctor"]).await;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning is not a failure: {text}"
    );
    let note = guess.trim_start_matches("note: ");
    assert!(
        text.lines()
            .any(|l| l.ends_with(&format!(" Plan            {note}"))),
        "{text}"
    );
    assert!(
        text.contains("result: 0 failed, 1 warning; exit status 0"),
        "{text}"
    );

    // The export says it too, counted over people: active in the range, and with any cost.
    let (from, latest) = (today - Duration::days(40), today - Duration::days(2));
    let org = sim.org();
    let engaged: Vec<usize> = org
        .members()
        .iter()
        .map(|m| m.index)
        .filter(|&u| {
            common::days(from, latest)
                .iter()
                .any(|d| org.user_day(u, *d).is_some())
        })
        .collect();
    let paying = engaged
        .iter()
        .filter(|&&u| {
            common::days(from, today - Duration::days(1))
                .iter()
                .any(|d| !org.user_cost(u, *d).is_empty())
        })
        .count();
    let (_, out) = common::export_rows(
        dir.path(),
        &sim,
        "developers",
        (from, today - Duration::days(1)),
        &["--rpm", "2000"],
    )
    .await;
    let expected = format!(
        "topogy: note: the plan may be seat-based (a heuristic, not an answer from the API: \
         only {paying} of {} people active have any cost);",
        engaged.len()
    );
    let err = common::stderr(&out);
    assert!(
        err.lines().any(|l| l.starts_with(&expected)),
        "{expected}\n{err}"
    );

    // Said in the config: no guess, the plan by name.
    write_config(dir.path(), "plan = \"seat-based\"\n");
    let out = common::run(dir.path(), &sim, sim::DEMO_KEY, &["verify"]).await;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.lines().any(|l| l
            == "  note: seat-based plan (plan = \"seat-based\" in the config file): the cost \
                figures are extra usage (usage credits) past the seats' included usage, not \
                the bill"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_usage_based_plan_reads_as_the_bill() {
    let sim = sim::spawn(sim::SimConfig {
        users: 60,
        requests_per_window: 2000,
        ..sim::SimConfig::default()
    })
    .await
    .unwrap();
    let today = common::today();
    let (active, with_cost) = week(sim.org(), today - Duration::days(2));
    assert_eq!(
        active, with_cost,
        "everyone active spends on a usage-based plan"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(dir.path(), &sim, sim::DEMO_KEY, &["verify", "--json"]).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["probe"]["plan"]["cost_basis"], "bill");
    assert_eq!(v["probe"]["plan"]["note"], serde_json::Value::Null);
    let out = common::run(dir.path(), &sim, sim::DEMO_KEY, &["doctor"]).await;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains(&format!(
            " Plan            no sign of a seat-based plan ({active} of {active} people active \
             have cost): cost reads as the bill"
        )),
        "{text}"
    );
}
