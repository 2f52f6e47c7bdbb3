//! `topogy collect`, the real binary against the simulator: one round fills the store so that an
//! export with the simulator stopped is exact; SIGTERM ends it with 0 and a sound store; the
//! `/metrics` scrape parses as OpenMetrics and equals the ground truth; e-mail addresses appear
//! only with `--metrics-per-person`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::day_commits;

use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use topogy::sim::{self, Fault, SyntheticOrg};

use common::collector::{Collector, collect_once, simulator, store_path};
use common::{assert_daily, assert_developers, expected_developers, stderr, today};

/// The organization's whole cost of `day` (its members' and its automations'), in dollars.
fn org_cost_usd(org: &SyntheticOrg, day: NaiveDate) -> Decimal {
    let cents: Decimal = org
        .members()
        .iter()
        .flat_map(|m| org.user_cost(m.index, day))
        .map(|l| l.amount_cents)
        .sum::<Decimal>()
        + org.unattributed_cost(day);
    (cents / Decimal::ONE_HUNDRED).normalize()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_round_fills_the_store_and_an_export_without_the_api_is_exact() {
    let sim = simulator(None).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();

    let first = collect_once(dir.path(), &sim, &[]).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let cold = sim.request_count();
    assert_eq!(sim.count_status(429), 0);
    assert!(
        stderr(&first).contains(&format!("round ended requests={cold} exit_code=0")),
        "{}",
        stderr(&first)
    );
    // A second round within the hour finds everything current: not one request. Its log
    // goes to the file asked for, not to standard error.
    let log = dir.path().join("logs/topogy.log");
    let log_arg = log.display().to_string();
    let second = collect_once(dir.path(), &sim, &["--log-file", &log_arg]).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(sim.request_count(), cold, "{}", stderr(&second));
    assert_eq!(stderr(&second), "");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("round ended requests=0 exit_code=0"),
        "{logged}"
    );
    // The key is in no file and no output.
    common::assert_no_file_holds(dir.path(), sim::DEMO_KEY);
    assert!(!stderr(&first).contains(sim::DEMO_KEY));
    eprintln!("a cold round made {cold} requests; a warm one 0");

    // The history the API serves (90 days), filled by the backfill, day by day.
    let store = topogy::store::Store::open_reader(&store_path(dir.path(), &org)).unwrap();
    let latest = today() - Duration::days(2);
    let oldest = today() - Duration::days(90);
    let days = topogy::metrics::daily(&store, oldest, latest).unwrap();
    assert_eq!(days.len(), 89);
    common::assert_dau_and_commits(&days, &org);
    drop(store);

    // The simulator gone: the dashboard's range is served from the store, to the cent.
    sim.shutdown();
    let (from, to) = (today() - Duration::days(29), today());
    let (rows, out) = common::export_rows(dir.path(), &sim, "developers", (from, to), &[]).await;
    assert!(stderr(&out).contains("0 requests made"), "{}", stderr(&out));
    assert_developers(
        &rows,
        &expected_developers(&org, from, latest, to),
        "developers",
    );
    let (rows, _) = common::export_rows(dir.path(), &sim, "daily", (from, to), &[]).await;
    assert_eq!(rows.len(), 30);
    assert_daily(&rows, &org, latest, "daily");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_round_exits_0_with_a_sound_store() {
    // Every answer takes 1.5 s: the signal arrives while a request is on its way.
    let sim = simulator(Some(Fault::Slow)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut collector = Collector::start(dir.path(), &sim, &[]);
    collector.wait_for("the key reaches this organization");
    assert_eq!(collector.terminate(), Some(0));
    let path = store_path(dir.path(), sim.org());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// One parsed scrape: samples by metric name and labels.
struct Metrics {
    text: String,
    scrape: prometheus_parse::Scrape,
}

impl Metrics {
    async fn fetch(url: &str) -> Metrics {
        let response = reqwest::get(url).await.unwrap();
        assert_eq!(response.status(), 200);
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
        let text = response.text().await.unwrap();
        // OpenMetrics ends with `# EOF`.
        assert_eq!(text.lines().last(), Some("# EOF"));
        let lines = text.lines().map(|l| Ok(l.to_owned()));
        let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
        Metrics { text, scrape }
    }

    /// The one sample of `name` whose labels include `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let found: Vec<f64> = self
            .scrape
            .samples
            .iter()
            .filter(|s| s.metric == name)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => panic!("{name} is neither gauge nor counter"),
            })
            .collect();
        assert_eq!(found.len(), 1, "{name} {labels:?} in:\n{}", self.text);
        found[0]
    }

    /// A dollar figure as the exposition wrote it, exactly.
    fn usd(&self, name: &str, labels: &[(&str, &str)]) -> Decimal {
        Decimal::from_str(&self.value(name, labels).to_string()).unwrap()
    }
}

fn midnight(day: NaiveDate) -> f64 {
    day.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scrape_is_openmetrics_and_equals_the_ground_truth_without_e_mails() {
    let sim = simulator(None).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let mut collector = Collector::start(dir.path(), &sim, &["--metrics", "127.0.0.1:0"]);
    let url = collector.metrics_url();
    collector.wait_for("round ended");
    let m = Metrics::fetch(&url).await;
    let id = org.organization_id().to_owned();
    let at = [("organization_id", id.as_str())];
    let (today, latest) = (today(), today() - Duration::days(2));

    assert_eq!(
        m.value("topogy_daily_active_users", &at),
        org.dau(latest) as f64
    );
    assert_eq!(
        m.value("topogy_weekly_active_users", &at),
        org.wau(latest) as f64
    );
    assert_eq!(
        m.value("topogy_monthly_active_users", &at),
        org.mau(latest) as f64
    );
    assert_eq!(m.value("topogy_assigned_seats", &at), 40.0);
    assert_eq!(
        m.value("topogy_pending_invites", &at),
        org.pending_invites(latest) as f64
    );
    assert_eq!(
        m.value("topogy_claude_code_commits", &at),
        day_commits(&org, latest) as f64
    );
    assert_eq!(
        m.value("topogy_engagement_data_through_timestamp_seconds", &at),
        midnight(latest)
    );
    let yesterday = today - Duration::days(1);
    assert_eq!(
        m.value("topogy_cost_data_through_timestamp_seconds", &at),
        midnight(yesterday)
    );
    assert_eq!(
        m.usd("topogy_cost_day_usd", &at),
        org_cost_usd(&org, yesterday)
    );
    let month_start = today.with_day(1).unwrap();
    let month: Decimal = common::days(month_start, today)
        .into_iter()
        .map(|d| org_cost_usd(&org, d))
        .sum();
    assert_eq!(m.usd("topogy_cost_month_to_date_usd", &at), month);
    // Per product and model, the parts add up to the whole, to the cent and beyond.
    let parts: Decimal = m
        .scrape
        .samples
        .iter()
        .filter(|s| s.metric == "topogy_cost_month_to_date_by_model_usd")
        .map(|s| {
            m.usd(
                &s.metric,
                &[
                    ("product", &s.labels["product"]),
                    ("model", &s.labels["model"]),
                ],
            )
        })
        .sum();
    assert_eq!(parts, month);
    // The client's own counters: every request the simulator saw, none of them a 429.
    assert_eq!(
        m.value("topogy_api_requests_total", &[]),
        sim.request_count() as f64
    );
    assert_eq!(m.value("topogy_api_rate_limited_total", &[]), 0.0);

    // The sample Grafana dashboard asks only for names the scrape has.
    let grafana = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/grafana-topogy.json"),
    )
    .unwrap();
    let names: std::collections::BTreeSet<&str> = grafana
        .split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
        .filter(|w| w.starts_with("topogy_"))
        .collect();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        assert!(
            m.scrape.samples.iter().any(|s| s.metric == name),
            "{name} is in the Grafana dashboard but not in the scrape"
        );
    }

    // No person is named without --metrics-per-person.
    assert!(!m.text.contains('@'), "{}", m.text);
    assert!(!m.text.contains("email"), "{}", m.text);
    assert_eq!(collector.terminate(), Some(0));

    // With it, every person active in the range is, with their exact figures.
    let mut collector = Collector::start(
        dir.path(),
        &sim,
        &["--metrics", "127.0.0.1:0", "--metrics-per-person"],
    );
    let url = collector.metrics_url();
    collector.wait_for("round ended");
    let m = Metrics::fetch(&url).await;
    let expected = expected_developers(&org, today - Duration::days(29), latest, today);
    assert!(!expected.is_empty());
    for e in expected.values() {
        let who = [
            ("organization_id", id.as_str()),
            ("email", e.email.as_str()),
        ];
        assert_eq!(
            m.value("topogy_person_claude_code_commits", &who),
            e.commits as f64,
            "{}",
            e.email
        );
        assert_eq!(
            m.usd("topogy_person_cost_usd", &who),
            (e.cost_cents / Decimal::ONE_HUNDRED).normalize(),
            "{}",
            e.email
        );
    }
    assert_eq!(collector.terminate(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_collector_waits_for_the_first_and_makes_no_request_twice() {
    // The same round, alone, on a simulator of its own: how many requests one collector makes.
    // The dashboard's range is 7 days here, to keep the slow rounds short.
    let alone = simulator(None).await;
    let dir = tempfile::tempdir().unwrap();
    seven_days(dir.path());
    let since = (today() - Duration::days(10)).to_string();
    let out = collect_once(dir.path(), &alone, &["--since", &since]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let one = alone.request_count();

    // Two at once on one profile: the second waits for the first's lock and finds its data.
    let sim = simulator(Some(Fault::Slow)).await;
    let dir = tempfile::tempdir().unwrap();
    seven_days(dir.path());
    let mut first = Collector::start(dir.path(), &sim, &["--once", "--since", &since]);
    first.wait_for("the key reaches this organization");
    let second = collect_once(dir.path(), &sim, &["--since", &since]).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("another topogy is syncing this organization"),
        "{}",
        stderr(&second)
    );
    first.wait_for("round ended");
    assert_eq!(first.wait(), Some(0));
    assert_eq!(sim.request_count(), one, "{}", stderr(&second));
    eprintln!(
        "one collector: {one} requests; two at once: {}",
        sim.request_count()
    );
}

/// A config file under the private home whose dashboard opens on the last 7 days.
fn seven_days(home: &std::path::Path) {
    let dir = home.join("config/topogy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "default_range = \"7d\"\n").unwrap();
}
