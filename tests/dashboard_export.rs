//! The Developers tab and `topogy export developers` show the same numbers for the same range:
//! the real binary's export against a simulator, and the dashboard synced from the same one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
mod dashboard_common;

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{Duration, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use topogy::metrics::{Dashboard, Developer};
use topogy::sim;
use topogy::store::Store;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::update;

use dashboard_common::{loaded_model, simulator, sync_dashboard, syncer};

/// `1234567` → `1,234,567`, written here independently of the UI's formatter.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Dollars as a bill shows them: cents rounded half away from zero, thousands grouped.
fn dollars(usd: Decimal) -> String {
    let cents = (usd * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_string()
        .parse::<u64>()
        .unwrap();
    format!("${}.{:02}", grouped(cents / 100), cents % 100)
}

/// Accepted over decided tool actions, one decimal, half away from zero; a dash when none.
fn acceptance(accepted: u64, rejected: u64) -> String {
    if accepted + rejected == 0 {
        return "–".to_owned();
    }
    let rate = Decimal::from(accepted * 100) / Decimal::from(accepted + rejected);
    format!(
        "{:.1}%",
        rate.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    )
}

fn number(row: &Value, field: &str) -> u64 {
    row[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} in {row}"))
}

fn usd(row: &Value, field: &str) -> Decimal {
    Decimal::from_str(&row[field].to_string()).unwrap()
}

/// The Developers table's rows as drawn: e-mail → the cells after it.
fn drawn_rows(model: &mut Model) -> BTreeMap<String, Vec<String>> {
    let people = model.visible_developers().count();
    let size = (220, u16::try_from(people).unwrap() + 12);
    update(model, Action::Resize(size.0, size.1));
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal
        .draw(|frame| ui::render(model, &Theme::mono(), frame))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let lines: Vec<String> = (0..size.1)
        .map(|y| {
            (0..size.0)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect::<String>()
        })
        .collect();
    let header = lines
        .iter()
        .position(|l| l.contains("Person") && l.contains("Cost"))
        .expect("the table header is drawn");
    let mut rows = BTreeMap::new();
    for line in &lines[header + 1..] {
        let cells: Vec<String> = line
            .trim_matches(|c: char| c == '│' || c.is_whitespace())
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if cells.len() != 9 {
            break;
        }
        rows.insert(cells[0].clone(), cells[1..].to_vec());
    }
    rows
}

/// Every figure of one person, held and drawn, against the export's row.
fn check_person(held: &Developer, drawn: &[String], row: &Value) {
    let who = &held.email;
    assert_eq!(row["email"].as_str(), Some(held.email.as_str()));
    for (field, value) in [
        ("messages", held.messages),
        ("conversations", held.conversations),
        ("claude_code_sessions", held.claude_code_sessions),
        ("commits", held.commits),
        ("pull_requests", held.pull_requests),
        ("lines_added", held.lines_added),
        ("lines_removed", held.lines_removed),
        ("tool_accepted", held.tool_accepted),
        ("tool_rejected", held.tool_rejected),
    ] {
        assert_eq!(number(row, field), value, "{who} {field}");
    }
    assert_eq!(
        usd(row, "cost_usd"),
        held.cost_usd.normalize(),
        "{who} cost"
    );
    assert_eq!(
        usd(row, "list_cost_usd"),
        held.list_cost_usd.normalize(),
        "{who} list cost"
    );
    let expected = [
        grouped(number(row, "messages")),
        grouped(number(row, "claude_code_sessions")),
        grouped(number(row, "commits")),
        grouped(number(row, "pull_requests")),
        grouped(number(row, "lines_added")),
        grouped(number(row, "lines_removed")),
        acceptance(number(row, "tool_accepted"), number(row, "tool_rejected")),
        dollars(usd(row, "cost_usd")),
    ];
    assert_eq!(drawn, expected, "{who} as drawn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn developers_tab_and_export_show_the_same_numbers_for_the_same_range() {
    // The binary runs on the system clock, so the simulator does too.
    let now = Utc::now();
    let today = now.date_naive();
    let sim = simulator(80, today).await;
    // 40 days: two cost windows, and the newest day still inside the engagement lag.
    let (from, to) = (today - Duration::days(40), today - Duration::days(1));

    let dir = tempfile::tempdir().unwrap();
    let (data, url) = (dir.path().to_path_buf(), sim.base_url());
    let (f, t) = (from.to_string(), to.to_string());
    let out = tokio::task::spawn_blocking(move || {
        common::topogy(
            &data,
            &[
                "export",
                "developers",
                "--from",
                &f,
                "--to",
                &t,
                "--format",
                "json",
            ],
            &[
                ("TOPOGY_BASE_URL", url.as_str()),
                ("TOPOGY_API_KEY", sim::DEMO_KEY),
            ],
            None,
        )
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let exported: BTreeMap<String, Value> = exported
        .into_iter()
        .map(|row| (row["user_id"].as_str().unwrap().to_owned(), row))
        .collect();
    assert!(exported.len() > 40, "{} people exported", exported.len());

    // The dashboard, synced as the app loop syncs it, into its own store.
    let range = DateRange {
        from,
        to,
        label: "custom".to_owned(),
    };
    let mut syncer = syncer(&sim, Store::open_in_memory().unwrap(), now);
    let outcome = sync_dashboard(&mut syncer, &range, today).await;
    // Both the first frame (from the store alone) and the frame after the sync.
    for coverage in [None, Some(&outcome.coverage)] {
        let dashboard = Dashboard::load(syncer.store(), from, to, now, coverage).unwrap();
        let mut model = loaded_model(
            range.clone(),
            now,
            dashboard,
            outcome.coverage.clone(),
            outcome.requests,
        );
        update(&mut model, Action::GoTab(Tab::Developers));
        let drawn = drawn_rows(&mut model);
        let held: Vec<Developer> = model.visible_developers().cloned().collect();
        let label = if coverage.is_some() {
            "after the sync"
        } else {
            "first frame"
        };
        assert_eq!(held.len(), exported.len(), "{label}: people listed");
        assert_eq!(drawn.len(), held.len(), "{label}: rows drawn");
        for person in &held {
            let row = exported
                .get(&person.user_id)
                .unwrap_or_else(|| panic!("{label}: {} is not in the export", person.email));
            let cells = drawn
                .get(&person.email)
                .unwrap_or_else(|| panic!("{label}: {} is not drawn", person.email));
            check_person(person, cells, row);
        }
    }
}
