//! The shared store on a real PostgreSQL: every reader answers as on SQLite; the real sync task
//! fills it inside a tokio runtime; a dashboard reads it exactly with the simulator stopped and,
//! while another process holds the advisory lock, says who syncs and spends nothing; the real
//! `collect` fills it so that another machine's export is exact with the API gone; two
//! collectors make the requests of one; a SIGKILLed collector's lock goes to the other; the
//! collector's OpenMetrics scrape reads the shared store.
//!
//! The server is named by `TOPOGY_TEST_POSTGRES` (`scripts/test-postgres` and `.ci/run` start
//! one); each test makes a database of its own. Ignored by a plain `cargo test` (no PostgreSQL
//! needed); run with `--ignored` and no server, they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::day_commits;
mod dashboard_common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use tokio::time::Instant;
use topogy::metrics::RangePreset;
use topogy::sim::Fault;
use topogy::store::postgres::{PG_SCHEMA_VERSION, PgUrl, Session, schema_for};
use topogy::store::{
    Activity, AdoptionItem, CostLine, Dataset, FetchMeta, Location, MetaKey, PersonCost, Store,
    SummaryDay, SyncLock,
};
use topogy::sync::{JobId, Need, SyncEvent, SyncTask};
use topogy::tui::model::DateRange;
use topogy::tui::ui::Theme;
use topogy::tui::update::needs;

use common::collector::{Collector, collect_once_with, env, simulator, store_path};
use common::{assert_daily, assert_developers, expected_developers, stderr, today};
use dashboard_common::{
    TODAY, draw, load_dashboard, loaded_model, now, screen_text, synced_dashboard, syncer,
};

/// The server the tests run against. Run with `--ignored` and no server, a test fails here.
fn server() -> String {
    std::env::var("TOPOGY_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "TOPOGY_TEST_POSTGRES is not set: these tests need a PostgreSQL server \
             (postgres://user@host:port/db); scripts/test-postgres starts one and runs them"
        )
    })
}

/// A new, empty database on the server for one test: its URL.
fn fresh_database(label: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let admin = server();
    let session = Session::connect(&PgUrl::parse(&admin).unwrap(), "topogy tests").unwrap();
    let name = format!(
        "topogy_{label}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    session.batch(&format!("CREATE DATABASE {name}")).unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

fn shared(url: &str, organization: &str) -> Location {
    Location::Postgres {
        url: PgUrl::parse(url).unwrap(),
        schema: schema_for(organization),
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn person(id: &str, email: &str, n: u64) -> Activity {
    Activity::from_counts(
        id.to_owned(),
        email.to_owned(),
        std::array::from_fn(|i| n * 10 + i as u64),
    )
}

/// The same units written to both stores: days over two months (e-mails that appear late and
/// change, a day rewritten without someone), range totals, summaries, cost with exact cents,
/// adoption with a name twice, a dataset not offered, one person's daily cost, meta values.
fn fill(store: &mut Store) {
    let meta = FetchMeta {
        fetched_at: at("2026-11-20T08:09:10.123456Z"),
        data_refreshed_at: Some(at("2026-11-20T06:00:00Z")),
    };
    let mut day = d("2026-09-28");
    let mut n = 0;
    while day <= d("2026-11-03") {
        n += 1;
        let mut rows = vec![
            person("u1", if n < 5 { "" } else { "one@example.com" }, n),
            person(
                "u2",
                if n < 20 {
                    "two@example.com"
                } else {
                    "deux@example.com"
                },
                n + 1,
            ),
        ];
        if n % 3 == 0 {
            rows.push(person("u3", "three@example.com", n + 2));
        }
        store.replace_user_day(day, &rows, meta).unwrap();
        day = day.succ_opt().unwrap();
    }
    // Rewritten without u2 and u3: their last day moves back.
    store
        .replace_user_day(
            d("2026-11-03"),
            &[person("u1", "one@example.com", 99)],
            meta,
        )
        .unwrap();
    store
        .replace_rollup(
            d("2026-10-01"),
            d("2026-11-01"),
            &[person("u1", "one@example.com", 7), person("u2", "", 8)],
            meta,
        )
        .unwrap();
    let summaries: Vec<SummaryDay> = (1..=5)
        .map(|i| SummaryDay {
            date: d(&format!("2026-10-0{i}")),
            dau: i,
            wau: i * 2,
            mau: i * 3,
            assigned_seats: (i % 2 == 0).then_some(40),
            pending_invites: None,
        })
        .collect();
    store
        .replace_summaries(d("2026-10-01"), d("2026-10-06"), &summaries, meta)
        .unwrap();
    let cents = |s: &str| s.parse::<Decimal>().unwrap();
    let lines = vec![
        CostLine {
            date: d("2026-10-02"),
            product: "claude_code".into(),
            model: "opus".into(),
            amount_cents: cents("1234.5678"),
            list_amount_cents: cents("2000.0001"),
        },
        CostLine {
            date: d("2026-10-02"),
            product: "claude_code".into(),
            model: "opus".into(),
            amount_cents: cents("0.0002"),
            list_amount_cents: cents("0.1"),
        },
        CostLine {
            date: d("2026-10-03"),
            product: "chat".into(),
            model: "sonnet".into(),
            amount_cents: cents("99999999999.99"),
            list_amount_cents: cents("0"),
        },
    ];
    let unattributed = [(d("2026-10-02"), (cents("12.34"), cents("56.78")))]
        .into_iter()
        .collect();
    store
        .replace_org_cost_days(
            d("2026-10-01"),
            d("2026-10-04"),
            &lines,
            Some(&unattributed),
            meta,
        )
        .unwrap();
    let cost = |id: &str, email: &str, amount: &str| PersonCost {
        user_id: id.into(),
        email: email.into(),
        name: format!("{id} name"),
        amount_cents: cents(amount),
        list_amount_cents: cents(amount) * Decimal::TWO,
    };
    store
        .replace_user_cost(
            d("2026-10-01"),
            d("2026-10-16"),
            &[cost("u1", "", "10.5"), cost("u2", "two@example.com", "3")],
            meta,
        )
        .unwrap();
    store
        .replace_user_cost(
            d("2026-10-16"),
            d("2026-11-01"),
            &[cost("u1", "one@example.com", "0.25")],
            meta,
        )
        .unwrap();
    let item = |name: &str, users, uses| AdoptionItem {
        name: name.into(),
        users,
        uses,
    };
    store
        .replace_adoption(
            Dataset::Skills,
            d("2026-10-05"),
            &[item("pdf", 3, 9), item("pdf", 1, 1), item("xlsx", 2, 2)],
            meta,
        )
        .unwrap();
    store
        .mark_not_offered(Dataset::Plugins, d("2026-10-05"), meta)
        .unwrap();
    store
        .replace_person_cost_days(
            "u1",
            d("2026-10-01"),
            d("2026-10-08"),
            &[
                (d("2026-10-02"), cents("1.01"), cents("2.02")),
                (d("2026-10-09"), cents("5"), cents("5")),
            ],
            meta,
        )
        .unwrap();
    store
        .set_meta(MetaKey::EngagementLatest, "2026-11-03@2026-11-05")
        .unwrap();
}

/// Everything the readers answer, as text to compare.
fn read_all(store: &Store) -> Vec<String> {
    let (from, to) = (d("2026-09-01"), d("2026-11-30"));
    let mut out = vec![
        format!("{:?}", store.user_days(from, to).unwrap()),
        format!("{:?}", store.day_totals(from, to).unwrap()),
        format!("{:?}", store.known_people().unwrap()),
        format!("{:?}", store.person_days("u2", from, to).unwrap()),
        format!(
            "{:?}",
            store.rollup(d("2026-10-01"), d("2026-11-01")).unwrap()
        ),
        format!("{:?}", store.best_rollup(from, to).unwrap()),
        format!("{:?}", store.summaries(from, to).unwrap()),
        format!("{:?}", store.cost_days(from, to).unwrap()),
        format!("{:?}", store.unattributed_cost_days(from, to).unwrap()),
        format!(
            "{:?}",
            store.user_cost(d("2026-10-01"), d("2026-10-16")).unwrap()
        ),
        format!(
            "{:?}",
            store
                .person_cost_totals(&[
                    (d("2026-10-01"), d("2026-10-16")),
                    (d("2026-10-16"), d("2026-11-01"))
                ])
                .unwrap()
        ),
        format!("{:?}", store.latest_adoption(Dataset::Skills).unwrap()),
        format!("{:?}", store.not_offered(Dataset::Plugins).unwrap()),
        format!("{:?}", store.not_offered(Dataset::Artifacts).unwrap()),
        format!(
            "{:?}",
            store.fetch_entries(Dataset::UsersDay, from, to).unwrap()
        ),
        format!("{:?}", store.last_fetches().unwrap()),
        format!(
            "{:?}",
            store
                .person_cost_fetched("u1", d("2026-10-01"), d("2026-10-08"))
                .unwrap()
        ),
        format!("{:?}", store.person_cost_days("u1", from, to).unwrap()),
        format!("{:?}", store.meta(MetaKey::EngagementLatest).unwrap()),
    ];
    // Per-person totals over whole months, partial months and no whole month.
    for (a, b) in [
        ("2026-09-01", "2026-11-30"),
        ("2026-09-29", "2026-11-02"),
        ("2026-10-01", "2026-10-31"),
        ("2026-10-03", "2026-10-20"),
        ("2026-09-28", "2026-09-28"),
    ] {
        out.push(format!("{:?}", store.person_totals(d(a), d(b)).unwrap()));
    }
    out
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
fn every_reader_answers_on_postgres_exactly_as_on_sqlite() {
    let url = PgUrl::parse(&fresh_database("parity")).unwrap();
    let mut sqlite = Store::open_in_memory().unwrap();
    let mut shared = Store::open_postgres(&url, "topogy_parity", "topogy tests").unwrap();
    fill(&mut sqlite);
    fill(&mut shared);
    let (expected, got) = (read_all(&sqlite), read_all(&shared));
    // Not trivially equal: three people, two e-mails changed over time, every kind of row.
    let people = shared
        .person_totals(d("2026-09-01"), d("2026-11-30"))
        .unwrap();
    assert_eq!(people.len(), 3);
    assert_eq!(people[0].email, "one@example.com");
    assert_eq!(people[1].email, "two@example.com");
    assert!(
        expected.iter().all(|e| e != "[]" && e != "None"),
        "{expected:#?}"
    );
    for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
        assert_eq!(e, g, "reader {i}");
    }
    // Written again, the same units replace themselves: nothing doubles.
    fill(&mut shared);
    assert_eq!(read_all(&shared), expected);
    // Amounts stay exact decimal text, never a float's.
    let cost = shared.cost_days(d("2026-10-03"), d("2026-10-03")).unwrap();
    assert_eq!(cost[0].amount_cents.to_string(), "99999999999.99");
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
fn a_new_schema_opened_by_many_at_once_is_migrated_once_and_a_newer_one_is_refused() {
    let url = PgUrl::parse(&fresh_database("migrate")).unwrap();
    let opened: Vec<_> = (0..6)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || Store::open_postgres(&url, "topogy_org-1", "topogy tests"))
        })
        .collect();
    for handle in opened {
        handle.join().unwrap().unwrap();
    }
    let session = Session::connect(&url, "topogy tests").unwrap();
    let versions = session
        .call(|c| {
            c.query("SELECT version FROM \"topogy_org-1\".topogy_schema", &[])
                .unwrap()
                .iter()
                .map(|r| r.get::<_, i64>(0))
                .collect::<Vec<_>>()
        })
        .unwrap();
    assert_eq!(versions, vec![PG_SCHEMA_VERSION]);
    session
        .batch("UPDATE \"topogy_org-1\".topogy_schema SET version = version + 1")
        .unwrap();
    let refused = Store::open_postgres(&url, "topogy_org-1", "topogy tests")
        .err()
        .expect("a schema of a newer topogy is refused");
    assert!(refused.to_string().contains("newer topogy"), "{refused}");
}

/// The real sync task (inside a current-thread tokio runtime, where the blocking PostgreSQL
/// client would panic if it ran on the runtime's thread) fills the shared store; with the
/// simulator stopped, the dashboard reads the same figures and draws the same screen as from
/// SQLite. A second dashboard, while another process holds the advisory lock, says who syncs,
/// waits, and then makes no request.
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
async fn the_sync_task_fills_the_shared_store_and_a_dashboard_reads_it_exactly() {
    let url = fresh_database("task");
    let sim = dashboard_common::simulator(40, TODAY).await;
    let range = DateRange::preset(RangePreset::Days(30), TODAY);
    let (expected, _, _) = synced_dashboard(&sim, &range).await;
    let one = sim.request_count();

    let location = shared(&url, sim.org().organization_id());
    let Location::Postgres { url: pg, schema } = &location else {
        unreachable!()
    };
    let store = Store::open_postgres(pg, schema, "topogy tests").unwrap();
    let mut task = SyncTask::spawn(syncer(&sim, store, now()));
    let mut first = None;
    for need in needs(&range, TODAY) {
        let outcome = task.run(need, |_| {}).await.unwrap();
        first.get_or_insert(outcome);
    }
    let outcome = first.unwrap();
    task.finish().await.unwrap();
    assert_eq!(
        sim.request_count() - one,
        one,
        "the same requests as into SQLite"
    );
    sim.shutdown();

    let started = std::time::Instant::now();
    let reader = location.open_reader().unwrap();
    let dashboard = load_dashboard(&reader, &range, &outcome.coverage);
    eprintln!(
        "opening the shared store and loading the dashboard: {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(dashboard, expected);
    let screen = |dashboard| {
        let mut model = loaded_model(range.clone(), now(), dashboard, outcome.coverage.clone(), 0);
        screen_text(&draw(&mut model, (120, 40), &Theme::mono()))
    };
    let (from_postgres, from_sqlite) = (screen(dashboard), screen(expected));
    assert_eq!(from_postgres, from_sqlite);
    insta::assert_snapshot!("overview_from_postgres_120x40", from_postgres);

    // Another process syncs: this dashboard says who, waits, and spends nothing after.
    let held = SyncLock::try_acquire_at(&location).unwrap().unwrap();
    assert!(SyncLock::try_acquire_at(&location).unwrap().is_none());
    let store = location.open_reader().unwrap();
    let mut viewer = SyncTask::spawn(syncer(&sim, store, now()));
    viewer
        .request(JobId::default(), Need::dashboard(range.from, range.to))
        .unwrap();
    let mut said = None;
    let deadline = Instant::now() + StdDuration::from_secs(3);
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, viewer.events.recv()).await {
        match event {
            SyncEvent::Notice(text) if text.starts_with("another topogy is syncing") => {
                said = Some(text);
            }
            SyncEvent::Finished(_, _) => panic!("finished while another process held the lock"),
            _ => {}
        }
    }
    let said = said.expect("the viewer says another topogy is syncing");
    assert!(
        said.contains("(topogy sync ")
            && said.contains(&format!("pid {}, connected since", std::process::id())),
        "{said}"
    );
    drop(held);
    let outcome = loop {
        if let SyncEvent::Finished(_, result) = viewer.events.recv().await.unwrap() {
            break result.unwrap();
        }
    };
    assert_eq!(outcome.requests, 0, "the viewer asked the API for nothing");
    assert!(outcome.coverage.stale.is_none(), "not served offline");
}

/// `topogy <args>` with the collector's environment plus `TOPOGY_STORE`, on a blocking thread.
async fn topogy_shared(
    home: &std::path::Path,
    sim: &topogy::sim::SimHandle,
    url: &str,
    args: &[&str],
) -> std::process::Output {
    let (home, url) = (home.to_path_buf(), url.to_owned());
    let mut env = env(sim);
    env.push(("TOPOGY_STORE", url));
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::topogy(&home, &args, &env, None)
    })
    .await
    .unwrap()
}

/// An export of `view` over `[from, to]` from the shared store; asserts exit 0.
async fn export_shared(
    home: &std::path::Path,
    sim: &topogy::sim::SimHandle,
    url: &str,
    view: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> (Vec<serde_json::Value>, std::process::Output) {
    let (f, t) = (from.to_string(), to.to_string());
    let out = topogy_shared(home, sim, url, &["export", view, "--from", &f, "--to", &t]).await;
    assert_eq!(out.status.code(), Some(0), "{view}: {}", stderr(&out));
    (serde_json::from_slice(&out.stdout).unwrap(), out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
async fn a_collector_fills_the_shared_store_and_another_machine_exports_it_exactly_without_the_api()
{
    let url = fresh_database("collect");
    let sim = simulator(None).await;
    let org = sim.org().clone();
    let collector_home = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = collect_once_with(collector_home.path(), &sim, &[], &[("TOPOGY_STORE", &url)]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cold = sim.request_count();
    assert!(
        stderr(&out).contains(&format!("round ended requests={cold} exit_code=0")),
        "{}",
        stderr(&out)
    );
    eprintln!(
        "a cold round into PostgreSQL: {cold} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        !store_path(collector_home.path(), &org).exists(),
        "no SQLite store was written"
    );
    // The URL names the store in the log, never with a password (it has none here; see
    // `a_password_in_the_url_is_never_shown`).
    assert!(stderr(&out).contains("schema topogy_"), "{}", stderr(&out));

    // The history the API serves (90 days), day by day.
    let reader = shared(&url, org.organization_id()).open_reader().unwrap();
    let latest = today() - Duration::days(2);
    let days = topogy::metrics::daily(&reader, today() - Duration::days(90), latest).unwrap();
    assert_eq!(days.len(), 89);
    common::assert_dau_and_commits(&days, &org);

    // The simulator gone; another machine (no local state) exports the dashboard's range from
    // the shared store, to the cent, without a request.
    sim.shutdown();
    let viewer_home = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(29), today());
    let started = std::time::Instant::now();
    let (rows, out) = export_shared(viewer_home.path(), &sim, &url, "developers", (from, to)).await;
    eprintln!(
        "an export of 30 days from PostgreSQL took {:.2} s",
        started.elapsed().as_secs_f64()
    );
    assert!(stderr(&out).contains("0 requests made"), "{}", stderr(&out));
    assert_developers(
        &rows,
        &expected_developers(&org, from, latest, to),
        "developers",
    );
    let (rows, _) = export_shared(viewer_home.path(), &sim, &url, "daily", (from, to)).await;
    assert_eq!(rows.len(), 30);
    assert_daily(&rows, &org, latest, "daily");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
async fn a_password_in_the_url_is_never_shown() {
    let sim = simulator(None).await;
    let home = tempfile::tempdir().unwrap();
    // Nothing listens on port 1: the store cannot be opened, and the error says where.
    let url = "postgres://topogy:hunter2-secret@127.0.0.1:1/topogy";
    let (from, to) = (today() - Duration::days(6), today());
    let (f, t) = (from.to_string(), to.to_string());
    let out = topogy_shared(
        home.path(),
        &sim,
        url,
        &["export", "daily", "--from", &f, "--to", &t],
    )
    .await;
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("postgres://topogy:***@127.0.0.1:1/topogy"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let out = topogy_shared(
        home.path(),
        &sim,
        "mysql://u:hunter2@h/d",
        &["export", "daily"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
}

/// A config under `home` whose dashboard opens on the last 7 days (short rounds).
fn seven_days(home: &std::path::Path) {
    let dir = home.join("config/topogy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "default_range = \"7d\"\n").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
async fn two_collectors_on_two_machines_make_the_requests_of_one() {
    let since = (today() - Duration::days(10)).to_string();
    let args = ["--since", since.as_str()];
    let one = one_collectors_requests(&since).await;

    // Two at once, each with its own home, on one database: the second waits for the first's
    // advisory lock, says who holds it, and finds its data.
    let sim = simulator(Some(Fault::Slow)).await;
    let url = fresh_database("two");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    seven_days(a.path());
    seven_days(b.path());
    let store = [("TOPOGY_STORE", url.as_str())];
    let mut first = Collector::start_with(
        a.path(),
        &sim,
        &["--once", "--since", since.as_str()],
        &store,
    );
    first.wait_for("the key reaches this organization");
    let second = collect_once_with(b.path(), &sim, &args, &store).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let waited = stderr(&second);
    assert!(
        waited.contains("another topogy is syncing this organization (topogy sync ")
            && waited.contains(&format!("pid {}, connected since", first.id())),
        "{waited}"
    );
    first.wait_for("round ended");
    assert_eq!(first.wait(), Some(0));
    assert_eq!(sim.request_count(), one, "{waited}");
    eprintln!(
        "one collector: {one} requests; two at once on one database: {}",
        sim.request_count()
    );
}

/// How many requests one collector's round makes alone (on a simulator and a database of its
/// own), with `seven_days` and `--since` ten days back.
async fn one_collectors_requests(since: &str) -> usize {
    let alone = simulator(None).await;
    let url = fresh_database("alone");
    let home = tempfile::tempdir().unwrap();
    seven_days(home.path());
    let out = collect_once_with(
        home.path(),
        &alone,
        &["--since", since],
        &[("TOPOGY_STORE", &url)],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    alone.request_count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
async fn the_second_collector_takes_over_when_the_first_is_killed() {
    let since = (today() - Duration::days(10)).to_string();
    let one = one_collectors_requests(&since).await;
    // Every answer takes 1.5 s: the first is killed in the middle of its work, lock held.
    let sim = simulator(Some(Fault::Slow)).await;
    let org = sim.org().clone();
    let url = fresh_database("takeover");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    seven_days(a.path());
    seven_days(b.path());
    let store = [("TOPOGY_STORE", url.as_str())];
    let args = ["--once", "--since", since.as_str()];
    let mut first = Collector::start_with(a.path(), &sim, &args, &store);
    first.wait_for("the key reaches this organization");
    let deadline = std::time::Instant::now() + StdDuration::from_secs(120);
    while sim.request_count() < 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "the first collector made no requests"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    let mut second = Collector::start_with(b.path(), &sim, &args, &store);
    let waiting = second.wait_for("another topogy is syncing this organization");
    assert!(
        waiting.contains(&format!("pid {}", first.id())),
        "{waiting}"
    );
    // SIGKILL: no chance to let go; the server ends its session and with it the lock.
    let before_kill = sim.request_count();
    let killed = std::time::Instant::now();
    first.kill();
    let took_over = second.wait_for("the other topogy finished syncing after");
    eprintln!(
        "the second collector took the lock {:.2} s after the first was killed ({took_over})",
        killed.elapsed().as_secs_f64()
    );
    second.wait_for("round ended");
    assert_eq!(second.wait(), Some(0));
    let all = sim.request_count();
    eprintln!(
        "requests: one collector alone {one}; the first made {before_kill} before it was \
         killed; both {all}"
    );
    // At most the answer in flight when the first was killed is asked again.
    assert!(all <= one + 1, "{all} requests, one collector makes {one}");

    // What the two stored is whole: the 7-day range exports exactly, without the API.
    sim.shutdown();
    let viewer = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(6), today());
    let (rows, out) = export_shared(viewer.path(), &sim, &url, "developers", (from, to)).await;
    assert!(stderr(&out).contains("0 requests made"), "{}", stderr(&out));
    assert_developers(
        &rows,
        &expected_developers(&org, from, today() - Duration::days(2), to),
        "developers",
    );
}

/// The one sample of `name` in an OpenMetrics scrape.
fn sample(scrape: &prometheus_parse::Scrape, name: &str) -> f64 {
    let found: Vec<f64> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .map(|s| match s.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            _ => panic!("{name} is not a gauge"),
        })
        .collect();
    assert_eq!(found.len(), 1, "{name}");
    found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres"]
async fn the_collectors_metrics_read_the_shared_store() {
    let url = fresh_database("metrics");
    let sim = simulator(None).await;
    let org = sim.org().clone();
    let home = tempfile::tempdir().unwrap();
    seven_days(home.path());
    let mut collector = Collector::start_with(
        home.path(),
        &sim,
        &["--metrics", "127.0.0.1:0", "--since", &today().to_string()],
        &[("TOPOGY_STORE", url.as_str())],
    );
    let metrics = collector.metrics_url();
    collector.wait_for("round ended");
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap();
    let latest = today() - Duration::days(2);
    assert_eq!(
        sample(&scrape, "topogy_daily_active_users"),
        org.dau(latest) as f64
    );
    assert_eq!(
        sample(&scrape, "topogy_claude_code_commits"),
        day_commits(&org, latest) as f64
    );
    assert_eq!(collector.terminate(), Some(0));
}
