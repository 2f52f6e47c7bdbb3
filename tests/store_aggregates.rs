//! The store's aggregate readers that the dashboard's first frame leans on: the organization's
//! day totals and each person's totals over a range (summed in SQLite), everyone's last active day
//! (an index seek per person), and the range totals found however far into a range they start.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use topogy::store::{Activity, FetchMeta, PersonCost, Store};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meta() -> FetchMeta {
    FetchMeta {
        fetched_at: Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
        data_refreshed_at: None,
    }
}

fn person(id: &str, email: &str, n: u64) -> Activity {
    Activity {
        user_id: id.into(),
        email: email.into(),
        messages: n,
        conversations: n + 1,
        sessions: n + 2,
        commits: n + 3,
        pull_requests: n + 4,
        lines_added: n * 100,
        lines_removed: n * 10,
        tool_accepted: n + 5,
        tool_rejected: n + 6,
        cowork_sessions: n + 7,
        cowork_messages: n + 8,
        office_messages: n + 9,
        design_messages: n + 10,
        web_searches: n + 11,
    }
}

#[test]
fn day_totals_are_the_sum_of_everyones_rows_of_each_stored_day() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .replace_user_day(
            day("2026-11-01"),
            &[
                person("user_a", "a@example.com", 1),
                person("user_b", "b@example.com", 20),
            ],
            meta(),
        )
        .unwrap();
    // A day fetched with nobody active has no rows, so no total.
    store
        .replace_user_day(day("2026-11-02"), &[], meta())
        .unwrap();
    store
        .replace_user_day(
            day("2026-11-03"),
            &[person("user_b", "b@example.com", 300)],
            meta(),
        )
        .unwrap();
    // Outside the asked range.
    store
        .replace_user_day(
            day("2026-11-04"),
            &[person("user_a", "a@example.com", 4000)],
            meta(),
        )
        .unwrap();

    let totals = store
        .day_totals(day("2026-11-01"), day("2026-11-03"))
        .unwrap();
    let total = |n: u64, people: u64| Activity {
        user_id: String::new(),
        email: String::new(),
        messages: n,
        conversations: n + people,
        sessions: n + 2 * people,
        commits: n + 3 * people,
        pull_requests: n + 4 * people,
        lines_added: n * 100,
        lines_removed: n * 10,
        tool_accepted: n + 5 * people,
        tool_rejected: n + 6 * people,
        cowork_sessions: n + 7 * people,
        cowork_messages: n + 8 * people,
        office_messages: n + 9 * people,
        design_messages: n + 10 * people,
        web_searches: n + 11 * people,
    };
    assert_eq!(
        totals,
        vec![
            (day("2026-11-01"), total(21, 2)),
            (day("2026-11-03"), total(300, 1)),
        ]
    );
}

#[test]
fn known_people_have_their_last_active_day_and_that_days_email_once_each() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(store.known_people().unwrap(), vec![]);
    store
        .replace_user_day(
            day("2026-10-01"),
            &[
                person("user_c", "carol@old.example", 1),
                person("user_a", "zed@example.com", 1),
            ],
            meta(),
        )
        .unwrap();
    store
        .replace_user_day(
            day("2026-11-05"),
            &[
                person("user_c", "carol@new.example", 1),
                person("user_b", "bo@example.com", 1),
            ],
            meta(),
        )
        .unwrap();
    store
        .replace_user_day(
            day("2026-10-20"),
            &[person("user_b", "bo@example.com", 1)],
            meta(),
        )
        .unwrap();

    let known = store.known_people().unwrap();
    let expected = [
        ("user_b", "bo@example.com", "2026-11-05"),
        ("user_c", "carol@new.example", "2026-11-05"),
        ("user_a", "zed@example.com", "2026-10-01"),
    ]
    .map(|(id, email, last)| (id.to_owned(), email.to_owned(), day(last)));
    assert_eq!(known, expected);
}

#[test]
fn person_totals_are_each_persons_days_summed_with_their_earliest_email() {
    let mut store = Store::open_in_memory().unwrap();
    let mut renamed = person("user_a", "old@example.com", 2);
    renamed.email = String::new();
    store
        .replace_user_day(
            day("2026-11-01"),
            &[renamed, person("user_b", "b@example.com", 5)],
            meta(),
        )
        .unwrap();
    store
        .replace_user_day(
            day("2026-11-02"),
            &[person("user_a", "a@example.com", 30)],
            meta(),
        )
        .unwrap();
    store
        .replace_user_day(
            day("2026-11-03"),
            &[person("user_a", "a.new@example.com", 400)],
            meta(),
        )
        .unwrap();
    // Outside the range: left out.
    store
        .replace_user_day(
            day("2026-11-04"),
            &[person("user_b", "b@example.com", 7_000)],
            meta(),
        )
        .unwrap();

    let totals = store
        .person_totals(day("2026-11-01"), day("2026-11-03"))
        .unwrap();

    // The sums of every stored row, one row per person in user-id order; the e-mail is that
    // of the earliest day that names one (the first day's is blank).
    let mut expected_a = Activity {
        user_id: "user_a".into(),
        email: "a@example.com".into(),
        ..Activity::default()
    };
    for n in [2, 30, 400] {
        expected_a.add(&person("user_a", "", n));
    }
    assert_eq!(
        totals,
        vec![expected_a, person("user_b", "b@example.com", 5)]
    );
    assert_eq!(totals[0].messages, 2 + 30 + 400);
}

#[test]
fn range_totals_are_found_however_far_into_a_long_range_they_start() {
    use topogy::metrics::coverage_from_store;
    use topogy::sync::Segment;
    let mut store = Store::open_in_memory().unwrap();
    // A year's range whose stored totals cover only the API's last 88 days.
    let (from, to) = (day("2025-12-04"), day("2026-12-03"));
    let (start, end) = (day("2026-09-05"), day("2026-12-02"));
    store
        .replace_rollup(start, end, &[person("user_a", "a@example.com", 3)], meta())
        .unwrap();

    let coverage = coverage_from_store(&store, from, to).unwrap();

    assert_eq!(coverage.engagement, vec![Segment::Rollup { start, end }]);
}

/// A small deterministic generator, so the stores below are the same on every run.
fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

#[test]
fn person_totals_over_whole_and_partial_months_equal_the_days_summed() {
    // Five people over four months and a year's turn, some days stored twice (the second write
    // replaces the first, drops people and changes e-mails), some days not at all.
    let mut store = Store::open_in_memory().unwrap();
    let mut seed = 7;
    let first = day("2025-11-20");
    for offset in 0..110 {
        let date = first + chrono::Days::new(offset);
        for _write in 0..=(next(&mut seed) % 2) {
            if next(&mut seed).is_multiple_of(9) {
                continue;
            }
            let mut rows = Vec::new();
            for p in 0..5 {
                if next(&mut seed).is_multiple_of(4) {
                    continue;
                }
                let email = match next(&mut seed) % 3 {
                    0 => String::new(),
                    n => format!("p{p}.{n}.{offset}@example.com"),
                };
                rows.push(person(&format!("user_{p}"), &email, next(&mut seed) % 50));
            }
            store.replace_user_day(date, &rows, meta()).unwrap();
        }
    }

    // The same totals summed here from the stored days, with the earliest e-mail.
    let expected = |from: NaiveDate, to: NaiveDate| {
        let mut people: std::collections::BTreeMap<String, Activity> = Default::default();
        for (_, a) in store.user_days(from, to).unwrap() {
            let total = people.entry(a.user_id.clone()).or_insert_with(|| Activity {
                user_id: a.user_id.clone(),
                ..Activity::default()
            });
            if total.email.is_empty() {
                total.email.clone_from(&a.email);
            }
            total.add(&Activity {
                email: String::new(),
                ..a
            });
        }
        people.into_values().collect::<Vec<_>>()
    };
    let ranges = [
        ("2025-11-20", "2026-03-09"), // the whole store: partial, three whole months, partial
        ("2025-12-01", "2026-02-28"), // exactly three whole months
        ("2025-12-01", "2025-12-31"), // exactly one
        ("2025-12-02", "2026-01-30"), // two partial months, no whole one
        ("2026-01-15", "2026-01-15"), // one day
        ("2025-11-30", "2026-01-01"), // a day either side of a whole month
        ("2025-01-01", "2027-12-31"), // far beyond what is stored
        ("2026-02-01", "2026-03-31"), // a whole month, then one only partly stored
    ];
    for (from, to) in ranges {
        let (from, to) = (day(from), day(to));
        let totals = store.person_totals(from, to).unwrap();
        assert_eq!(totals, expected(from, to), "{from} to {to}");
        assert!(!totals.is_empty(), "{from} to {to}");
    }
}

#[test]
fn the_last_active_day_follows_a_day_rewritten_without_someone() {
    let mut store = Store::open_in_memory().unwrap();
    let write = |store: &mut Store, date: &str, rows: &[(&str, &str)]| {
        let rows: Vec<Activity> = rows.iter().map(|&(id, e)| person(id, e, 1)).collect();
        store.replace_user_day(day(date), &rows, meta()).unwrap();
    };
    write(&mut store, "2026-11-01", &[("user_a", "a1@example.com")]);
    write(&mut store, "2026-11-02", &[("user_c", "c2@example.com")]);
    write(
        &mut store,
        "2026-11-03",
        &[("user_a", "a3@example.com"), ("user_b", "b3@example.com")],
    );
    // The 3rd again, without user_a (back to their 1st) and user_b (no day left), with user_c.
    write(&mut store, "2026-11-03", &[("user_c", "c3@example.com")]);
    // An older day rewritten leaves a later last day alone.
    write(&mut store, "2026-11-02", &[("user_c", "c-old@example.com")]);

    let known = store.known_people().unwrap();
    let expected = [
        ("user_a", "a1@example.com", "2026-11-01"),
        ("user_c", "c3@example.com", "2026-11-03"),
    ]
    .map(|(id, email, last)| (id.to_owned(), email.to_owned(), day(last)));
    assert_eq!(known, expected);
    // November whole (read from the month sums): user_b, with no day left, is not a row; user_a
    // has the 1st's e-mail, user_c the 2nd's.
    let totals: Vec<(String, String, u64)> = store
        .person_totals(day("2026-11-01"), day("2026-11-30"))
        .unwrap()
        .into_iter()
        .map(|a| (a.user_id, a.email, a.messages))
        .collect();
    let expected = [
        ("user_a", "a1@example.com", 1),
        ("user_c", "c-old@example.com", 2),
    ]
    .map(|(id, email, n)| (id.to_owned(), email.to_owned(), n));
    assert_eq!(totals, expected);
}

#[test]
fn person_cost_totals_add_each_window_exactly_with_the_first_windows_email() {
    let mut store = Store::open_in_memory().unwrap();
    let cost = |id: &str, email: &str, cents: &str| PersonCost {
        user_id: id.into(),
        email: email.into(),
        name: String::new(),
        amount_cents: cents.parse().unwrap(),
        list_amount_cents: cents.parse::<Decimal>().unwrap() * Decimal::TWO,
    };
    let windows = [
        (day("2026-09-01"), day("2026-10-01")),
        (day("2026-10-01"), day("2026-11-01")),
        // Stored, but not asked for.
        (day("2026-11-01"), day("2026-12-01")),
    ];
    let rows = [
        vec![
            cost("user_b", "", "0.10000001"),
            cost("user_a", "a@x.example", "1.5"),
        ],
        vec![
            cost("user_b", "b@x.example", "0.2"),
            cost("user_c", "c@x.example", "7"),
        ],
        vec![cost("user_a", "a@x.example", "1000")],
    ];
    for (&(start, end), rows) in windows.iter().zip(&rows) {
        store.replace_user_cost(start, end, rows, meta()).unwrap();
    }

    let totals = store.person_cost_totals(&windows[..2]).unwrap();

    let got: Vec<(String, String, String, String)> = totals
        .into_iter()
        .map(|c| {
            let (a, l) = (c.amount_cents.to_string(), c.list_amount_cents.to_string());
            (c.user_id, c.email, a, l)
        })
        .collect();
    let expected = [
        ("user_a", "a@x.example", "1.5", "3.0"),
        ("user_b", "b@x.example", "0.30000001", "0.60000002"),
        ("user_c", "c@x.example", "7", "14"),
    ]
    .map(|(id, e, a, l)| (id.to_owned(), e.to_owned(), a.to_owned(), l.to_owned()));
    assert_eq!(got, expected);
}
