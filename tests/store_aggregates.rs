//! The store's aggregate readers that the dashboard's first frame leans on: the organization's
//! day totals and each person's totals over a range (summed in SQLite), everyone's last active day
//! (an index seek per person), and the range totals found however far into a range they start.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{NaiveDate, TimeZone, Utc};
use topogy::store::{Activity, FetchMeta, Store};

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
