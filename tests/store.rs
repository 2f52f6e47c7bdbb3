//! The local store: atomic replacement, migrations, damaged and newer files moved aside.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use topogy::store::{
    Activity, CostLine, Dataset, FetchMeta, Integrity, MetaKey, OpenNotice, SCHEMA_VERSION, Store,
};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meta() -> FetchMeta {
    FetchMeta {
        fetched_at: Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
        data_refreshed_at: None,
    }
}

fn person(id: &str, commits: u64) -> Activity {
    Activity {
        user_id: id.into(),
        email: format!("{id}@example.com"),
        commits,
        messages: 3,
        ..Activity::default()
    }
}

#[test]
fn a_failure_in_the_middle_of_a_day_leaves_the_old_rows() {
    let mut store = Store::open_in_memory().unwrap();
    let d = day("2026-11-01");
    let old = vec![person("user_a", 1), person("user_b", 2)];
    store.replace_user_day(d, &old, meta()).unwrap();

    // The second row of the new copy collides with the first: the insert fails part-way.
    let broken = vec![
        person("user_c", 5),
        person("user_c", 6),
        person("user_d", 7),
    ];
    assert!(store.replace_user_day(d, &broken, meta()).is_err());

    let rows: Vec<Activity> = store
        .user_days(d, d)
        .unwrap()
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert_eq!(rows, old);
    let entry = store
        .fetch_entry(Dataset::UsersDay, d, day("2026-11-02"))
        .unwrap()
        .unwrap();
    assert_eq!(entry.rows, 2);
}

#[test]
fn replacing_a_day_swaps_the_whole_day_and_leaves_others() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .replace_user_day(day("2026-11-01"), &[person("user_a", 1)], meta())
        .unwrap();
    store
        .replace_user_day(day("2026-11-02"), &[person("user_a", 4)], meta())
        .unwrap();
    store
        .replace_user_day(day("2026-11-01"), &[person("user_b", 9)], meta())
        .unwrap();
    let rows = store
        .user_days(day("2026-11-01"), day("2026-11-02"))
        .unwrap();
    let got: Vec<(String, String, u64)> = rows
        .into_iter()
        .map(|(d, a)| (d.to_string(), a.user_id, a.commits))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-11-01".into(), "user_b".into(), 9),
            ("2026-11-02".into(), "user_a".into(), 4)
        ]
    );
}

#[test]
fn cost_days_keep_exact_decimal_cents_and_log_every_day() {
    let mut store = Store::open_in_memory().unwrap();
    let line = |date: &str, amount: &str| CostLine {
        date: day(date),
        product: "claude_code".into(),
        model: "claude-opus-4-6".into(),
        amount_cents: amount.parse().unwrap(),
        list_amount_cents: amount.parse::<Decimal>().unwrap() * Decimal::from(2),
    };
    let lines = vec![
        line("2026-11-01", "0.100000"),
        line("2026-11-01", "0.200000"),
        line("2026-11-03", "41280.000001"),
    ];
    store
        .replace_cost_days(day("2026-11-01"), day("2026-11-04"), &lines, meta())
        .unwrap();
    let stored = store
        .cost_days(day("2026-11-01"), day("2026-11-03"))
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(
        stored[0].amount_cents,
        "0.300000".parse::<Decimal>().unwrap()
    );
    assert_eq!(
        stored[1].amount_cents,
        "41280.000001".parse::<Decimal>().unwrap()
    );
    // The empty day in between is still known to be fetched.
    let held = store
        .fetch_entries(Dataset::CostDaily, day("2026-11-01"), day("2026-11-03"))
        .unwrap();
    assert_eq!(held.len(), 3);
    assert_eq!(held[1].rows, 0);
}

#[test]
fn a_store_survives_reopening_at_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p").join("topogy.db");
    {
        let (mut store, notice) = Store::open(&path).unwrap();
        assert_eq!(notice, None);
        store
            .replace_user_day(day("2026-11-01"), &[person("user_a", 1)], meta())
            .unwrap();
    }
    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);
    assert_eq!(
        store
            .user_days(day("2026-11-01"), day("2026-11-01"))
            .unwrap()
            .len(),
        1
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

/// The one file (not its `-wal` or `-shm`) a damaged store was moved to, which the notice
/// names.
fn moved_aside_as_damaged(dir: &Path, notice: Option<OpenNotice>) -> PathBuf {
    let notice = notice.expect("a notice about the moved file").0;
    assert!(
        notice.contains("is damaged or is not a topogy database"),
        "{notice}"
    );
    let aside: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.contains(".db.corrupt-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(notice.contains(&aside[0].display().to_string()));
    aside[0].clone()
}

#[test]
fn a_damaged_file_is_moved_aside_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    let garbage = b"this is not a database, it is a shopping list\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();

    let (store, notice) = Store::open(&path).unwrap();
    let aside = moved_aside_as_damaged(dir.path(), notice);
    assert_eq!(std::fs::read(&aside).unwrap(), garbage);
    assert_eq!(
        store
            .user_days(day("2026-11-01"), day("2026-11-01"))
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn a_file_from_a_newer_version_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); INSERT INTO future VALUES (1);")
            .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let (_store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("a notice").0;
    assert!(notice.contains("written by a newer topogy"), "{notice}");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".db.newer-"))
        .collect();
    assert_eq!(aside.len(), 1);
    let old = rusqlite::Connection::open(&aside[0]).unwrap();
    let x: i64 = old
        .query_row("SELECT x FROM future", [], |r| r.get(0))
        .unwrap();
    assert_eq!(x, 1);
}

#[test]
fn upgrading_a_v4_store_fills_the_daily_totals_from_the_stored_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    {
        let (mut store, _) = Store::open(&path).unwrap();
        store
            .replace_user_day(
                day("2026-11-01"),
                &[person("user_a", 2), person("user_b", 3)],
                meta(),
            )
            .unwrap();
        store
            .replace_user_day(day("2026-11-02"), &[person("user_a", 7)], meta())
            .unwrap();
    }
    // Turn the file back into what schema 4 left: no daily totals table.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        back_to_v5(&conn);
        conn.execute_batch("DROP TABLE day_total; PRAGMA user_version = 4;")
            .unwrap();
    }
    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);
    let totals: Vec<(String, u64, u64)> = store
        .day_totals(day("2026-11-01"), day("2026-11-02"))
        .unwrap()
        .into_iter()
        .map(|(d, a)| (d.to_string(), a.commits, a.messages))
        .collect();
    assert_eq!(
        totals,
        vec![("2026-11-01".into(), 5, 6), ("2026-11-02".into(), 7, 3)]
    );
}

/// The counters schema 6 added, per table.
const V6_COLUMNS: [&str; 5] = [
    "cowork_sessions",
    "cowork_messages",
    "office_messages",
    "design_messages",
    "web_searches",
];

/// Turns a current store file back into what schema 7 wrote.
fn back_to_v7(conn: &rusqlite::Connection) {
    conn.execute_batch("DROP TABLE user_month; DROP TABLE person_last; PRAGMA user_version = 7;")
        .unwrap();
}

/// Turns a current store file back into what schema 6 wrote.
fn back_to_v6(conn: &rusqlite::Connection) {
    back_to_v7(conn);
    conn.execute_batch("DROP TABLE unattributed_cost_day; PRAGMA user_version = 6;")
        .unwrap();
}

#[test]
fn upgrading_a_v7_store_sums_its_stored_days_per_month() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    {
        let (mut store, _) = Store::open(&path).unwrap();
        for (date, n) in [("2026-10-31", 1), ("2026-11-01", 20), ("2026-11-30", 300)] {
            store
                .replace_user_day(day(date), &[person("user_a", n)], meta())
                .unwrap();
        }
    }
    back_to_v7(&rusqlite::Connection::open(&path).unwrap());

    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);
    // November whole (read from the month rows the upgrade built) plus October's last day.
    let totals = store
        .person_totals(day("2026-10-31"), day("2026-11-30"))
        .unwrap();
    assert_eq!(totals.len(), 1);
    assert_eq!((totals[0].commits, totals[0].messages), (321, 9));
    let months: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM user_month", [], |r| r.get(0))
        .unwrap();
    assert_eq!(months, 2);
}

/// Turns a current store file back into what schema 5 wrote.
fn back_to_v5(conn: &rusqlite::Connection) {
    back_to_v6(conn);
    for table in ["user_day", "user_rollup", "day_total"] {
        for column in V6_COLUMNS {
            conn.execute_batch(&format!("ALTER TABLE {table} DROP COLUMN {column};"))
                .unwrap();
        }
    }
    conn.execute_batch("PRAGMA user_version = 5;").unwrap();
}

#[test]
fn upgrading_a_v5_store_keeps_its_rows_and_marks_engagement_for_refetching() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    let (d1, d2) = (day("2026-11-01"), day("2026-11-02"));
    {
        let (mut store, _) = Store::open(&path).unwrap();
        store
            .replace_user_day(d1, &[person("user_a", 2), person("user_b", 3)], meta())
            .unwrap();
        store
            .replace_rollup(d1, day("2026-11-03"), &[person("user_a", 9)], meta())
            .unwrap();
        store.replace_cost_days(d1, d2, &[], meta()).unwrap();
    }
    back_to_v5(&rusqlite::Connection::open(&path).unwrap());

    let (mut store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    // The old rows are all there, the new counters zero.
    let rows: Vec<Activity> = store
        .user_days(d1, d1)
        .unwrap()
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert_eq!(rows, vec![person("user_a", 2), person("user_b", 3)]);
    assert_eq!(
        store.rollup(d1, day("2026-11-03")).unwrap(),
        vec![person("user_a", 9)]
    );
    // Engagement fetched before the upgrade is dated back to its own day (so the sync sees it
    // unsettled and fetches it again while the API serves it); so is org cost by day, since
    // schema 7 (to learn which of it no person accounts for).
    let entry = store
        .fetch_entry(Dataset::UsersDay, d1, d2)
        .unwrap()
        .unwrap();
    assert_eq!(
        entry.fetched_at,
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    );
    let range = store
        .fetch_entry(Dataset::UsersRange, d1, day("2026-11-03"))
        .unwrap()
        .unwrap();
    assert_eq!(
        range.fetched_at,
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    );
    let cost = store
        .fetch_entry(Dataset::CostDaily, d1, d2)
        .unwrap()
        .unwrap();
    assert_eq!(cost.fetched_at, entry.fetched_at);

    // Rows written after the upgrade keep every counter, and the day's total sums them.
    let full = |id: &str, n: u64| Activity {
        user_id: id.into(),
        email: format!("{id}@example.com"),
        messages: n,
        conversations: n + 1,
        cowork_sessions: n + 2,
        cowork_messages: n + 3,
        office_messages: n + 4,
        design_messages: n + 5,
        web_searches: n + 6,
        ..Activity::default()
    };
    let fresh = vec![full("user_a", 10), full("user_c", 20)];
    store.replace_user_day(d2, &fresh, meta()).unwrap();
    let back: Vec<Activity> = store
        .user_days(d2, d2)
        .unwrap()
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert_eq!(back, fresh);
    let (_, total) = store.day_totals(d2, d2).unwrap().remove(0);
    assert_eq!(
        total.counts(),
        Activity::from_counts(String::new(), String::new(), {
            let mut sum = full("", 10).counts();
            for (s, x) in sum.iter_mut().zip(full("", 20).counts()) {
                *s += x;
            }
            sum
        })
        .counts()
    );
    assert_eq!(total.cowork_messages, 13 + 23);
    assert_eq!(total.web_searches, 16 + 26);
}

#[test]
fn writers_and_readers_on_one_file_at_once_never_see_it_locked_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    let first = day("2026-01-01");
    // Four writers (each its own connection, as separate processes have), all opening the new
    // file at once, each replacing 40 days of 30 people; a reader reading all the while.
    let writers: Vec<_> = (0..4i64)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let (mut store, _) = Store::open(&path).unwrap();
                for i in 0..40 {
                    let d = first + chrono::Duration::days(w * 40 + i);
                    let rows: Vec<Activity> = (0..30)
                        .map(|p| person(&format!("user_{p:02}"), u64::try_from(i).unwrap()))
                        .collect();
                    store.replace_user_day(d, &rows, meta()).unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            while reads < 200 {
                if let Ok(store) = Store::open_reader(&path)
                    && let Ok(days) = store.day_totals(first, first + chrono::Duration::days(160))
                {
                    // Every day it sees is whole: 30 people, 3 messages each.
                    assert!(days.iter().all(|(_, total)| total.messages == 90));
                    reads += 1;
                }
            }
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    reader.join().unwrap();
    let store = Store::open_reader(&path).unwrap();
    let days = store
        .fetch_entries(
            Dataset::UsersDay,
            first,
            first + chrono::Duration::days(200),
        )
        .unwrap();
    assert_eq!(days.len(), 160, "every write is there");
    assert!(days.iter().all(|e| e.rows == 30));
    assert_eq!(store.quick_check().unwrap(), Integrity::Intact);
}

#[test]
fn upgrading_a_v6_store_keeps_cost_and_asks_again_which_cost_no_person_accounts_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    let (d1, d3) = (day("2026-11-01"), day("2026-11-03"));
    let line = CostLine {
        date: d1,
        product: "chat".into(),
        model: "claude-opus-4-6".into(),
        amount_cents: "12.345678".parse().unwrap(),
        list_amount_cents: "15.000000".parse().unwrap(),
    };
    {
        let (mut store, _) = Store::open(&path).unwrap();
        store
            .replace_cost_days(d1, d3, std::slice::from_ref(&line), meta())
            .unwrap();
    }
    back_to_v6(&rusqlite::Connection::open(&path).unwrap());

    let (mut store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);
    assert_eq!(store.cost_days(d1, d3).unwrap(), vec![line.clone()]);
    // Nothing known yet about cost of no seat user; the days are due again.
    assert!(store.unattributed_cost_days(d1, d3).unwrap().is_empty());
    let entry = store
        .fetch_entry(Dataset::CostDaily, d1, day("2026-11-02"))
        .unwrap()
        .unwrap();
    assert_eq!(
        entry.fetched_at,
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    );
    // A source that tells writes every day of its range, zero where nothing was spent.
    let told = std::collections::BTreeMap::from([(
        d1,
        ("1.000001".parse().unwrap(), "2.5".parse().unwrap()),
    )]);
    store
        .replace_org_cost_days(d1, d3, &[line], Some(&told), meta())
        .unwrap();
    let days = store.unattributed_cost_days(d1, d3).unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].1.to_string(), "1.000001");
    assert_eq!(days[1].1, rust_decimal::Decimal::ZERO);
}

#[test]
fn the_whole_file_check_is_remembered_for_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    Store::open(&path).unwrap().0.wait_for_check();
    let today = Utc::now().date_naive().to_string();
    // The first open of a UTC day checks every page; later ones that day read the schema only.
    let (store, notice) = Store::open(&path).unwrap();
    assert!(notice.is_none());
    assert_eq!(store.meta(MetaKey::QuickCheckOn).unwrap(), Some(today));
    assert_eq!(store.quick_check().unwrap(), Integrity::Intact);
}

#[test]
fn a_page_the_daily_check_finds_damaged_moves_the_store_aside_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topogy.db");
    {
        let (mut store, _) = Store::open(&path).unwrap();
        store.wait_for_check();
        let people: Vec<Activity> = (0..300)
            .map(|i| person(&format!("user_{i:03}"), i))
            .collect();
        for d in 1..=30 {
            let date = day("2026-10-31") + chrono::Days::new(d);
            store.replace_user_day(date, &people, meta()).unwrap();
        }
    }
    // Everything into the main file, and the day's check forgotten, so the next open runs it.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA wal_checkpoint(TRUNCATE); DELETE FROM meta WHERE key = 'quick_check_on';
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
    }
    // One page in the middle of the rows gets garbage where its b-tree header is.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096 * (bytes.len() / 4096 / 2);
    bytes[page..page + 64].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();

    // The open itself reads the header and the schema only: it starts, and the check beside it
    // finds the page and leaves its verdict for the next open.
    let (mut store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);
    store.wait_for_check();
    drop(store);
    let marker = dir.path().join("topogy.db.damaged");
    assert!(!std::fs::read_to_string(&marker).unwrap().is_empty());

    let (store, notice) = Store::open(&path).unwrap();
    let aside = moved_aside_as_damaged(dir.path(), notice);
    assert_eq!(std::fs::read(&aside).unwrap(), bytes);
    assert!(!marker.exists());
    assert_eq!(
        store
            .user_days(day("2026-11-01"), day("2026-11-30"))
            .unwrap()
            .len(),
        0
    );
}
