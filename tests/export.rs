//! `topogy export` end to end: the real binary against an in-test simulator.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use chrono::Duration;
use serde_json::Value;
use topogy::sim::{self, Fault, SimConfig, SimHandle};

use common::{all_file_bytes, expected_developers, run, stderr, today, topogy};

async fn simulator(users: usize, fault: Option<Fault>) -> SimHandle {
    sim::spawn(SimConfig {
        users,
        fault,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// The fewest requests the API allows for per-person totals and cost over a range:
/// one range-mode pagination for engagement, and one pagination per 31-day cost window.
fn fewest_requests(active: usize, cost_windows: &[usize]) -> usize {
    active.div_ceil(1000) + cost_windows.iter().map(|n| n.div_ceil(1000)).sum::<usize>()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_90_day_export_of_2500_people_is_paced_minimal_and_repeatable() {
    let sim = simulator(2500, None).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(90), today() - Duration::days(1));
    let (f, t) = (from.to_string(), to.to_string());
    let args = ["export", "developers", "--from", &f, "--to", &t];

    let first = run(dir.path(), &sim, sim::DEMO_KEY, &args).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let cold = sim.request_count();
    assert_eq!(
        sim.count_status(429),
        0,
        "the budget must keep the simulator from answering 429"
    );

    // Independent count of the fewest requests: people active in the engagement range, and
    // people with cost in each 31-day window.
    let latest = today() - Duration::days(2);
    let expected = expected_developers(&org, from, latest, to);
    let active_engagement = org
        .members()
        .iter()
        .filter(|m| {
            common::days(from, latest)
                .iter()
                .any(|d| org.user_day(m.index, *d).is_some())
        })
        .count();
    let mut windows = Vec::new();
    let mut ws = from;
    while ws <= to {
        let we = (ws + Duration::days(30)).min(to);
        let n = org
            .members()
            .iter()
            .filter(|m| {
                common::days(ws, we)
                    .iter()
                    .any(|d| !org.user_cost(m.index, *d).is_empty())
            })
            .count();
        windows.push(n);
        ws = we + Duration::days(1);
    }
    let fewest = fewest_requests(active_engagement, &windows);
    assert_eq!(windows.len(), 3);
    assert!(
        cold as f64 <= fewest as f64 * 1.25,
        "cold export made {cold} requests; the fewest possible is {fewest}"
    );
    eprintln!("cold 90-day export, 2,500 people: {cold} requests (fewest possible {fewest})");

    let rows: Vec<Value> = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(rows.len(), expected.len());

    // The same export again is served from the store.
    let second = run(dir.path(), &sim, sim::DEMO_KEY, &args).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(
        sim.request_count(),
        cold,
        "a repeated export must make no request"
    );
    assert_eq!(second.stdout, first.stdout);
    assert!(
        stderr(&second).contains("0 requests made"),
        "{}",
        stderr(&second)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn developer_numbers_equal_independent_sums_over_more_than_31_days() {
    let sim = simulator(120, None).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(60), today() - Duration::days(2));
    let (f, t) = (from.to_string(), to.to_string());

    for format in ["json", "csv"] {
        let out = run(
            dir.path(),
            &sim,
            sim::DEMO_KEY,
            &[
                "export",
                "developers",
                "--from",
                &f,
                "--to",
                &t,
                "--format",
                format,
            ],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let expected = expected_developers(&org, from, to, to);
        let rows: Vec<Value> = if format == "json" {
            serde_json::from_slice(&out.stdout).unwrap()
        } else {
            let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
            let headers = reader.headers().unwrap().clone();
            reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    let mut obj = serde_json::Map::new();
                    for (h, v) in headers.iter().zip(r.iter()) {
                        let value = match v.parse::<u64>() {
                            Ok(n) if h != "email" && h != "user_id" => Value::from(n),
                            _ if h.ends_with("_usd") => serde_json::from_str(v).unwrap(),
                            _ => Value::from(v),
                        };
                        obj.insert(h.to_owned(), value);
                    }
                    Value::Object(obj)
                })
                .collect()
        };
        common::assert_developers(&rows, &expected, format);
        let emails: Vec<&str> = rows.iter().map(|r| r["email"].as_str().unwrap()).collect();
        let mut sorted = emails.clone();
        sorted.sort_unstable();
        assert_eq!(emails, sorted, "rows are ordered by e-mail");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_numbers_equal_independent_sums() {
    let sim = simulator(60, None).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(40), today() - Duration::days(1));
    let out = run(
        dir.path(),
        &sim,
        sim::DEMO_KEY,
        &[
            "export",
            "daily",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 40);
    common::assert_daily(&rows, &org, today() - Duration::days(2), "daily");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(10), today() - Duration::days(3));
    let (f, t) = (from.to_string(), to.to_string());
    let args = ["export", "developers", "--from", &f, "--to", &t];

    let rejected = simulator(10, Some(Fault::KeyRejected)).await;
    let out = run(dir.path(), &rejected, sim::DEMO_KEY, &args).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let advice = stderr(&out);
    assert!(
        advice.contains("Access") && advice.contains("Primary Owner"),
        "{advice}"
    );

    let off = simulator(10, Some(Fault::ToggleOff)).await;
    let out = run(dir.path(), &off, sim::DEMO_KEY, &args).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    let malformed = simulator(10, Some(Fault::Malformed)).await;
    let out = run(dir.path(), &malformed, sim::DEMO_KEY, &args).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));

    // Unreachable: a loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        topogy(
            &d,
            &[
                "export",
                "developers",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-02",
            ],
            &[
                ("TOPOGY_BASE_URL", url.as_str()),
                ("TOPOGY_API_KEY", "sk-ant-api01-x"),
            ],
            None,
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    // Usage errors: reversed dates, a malformed date, no key at all.
    let d = dir.path();
    let out = topogy(
        d,
        &["export", "developers", "--from", &t, "--to", &f],
        &[("TOPOGY_API_KEY", "k")],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = topogy(
        d,
        &["export", "developers", "--from", "2026-13-01", "--to", &t],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = topogy(
        d,
        &["export", "developers", "--from", &f, "--to", &t],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--key-stdin"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_reaches_any_output_or_file() {
    const CANARY: &str = "sk-ant-api01-CANARY-7f3a9c-never-print-me-0123456789abcdef";
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(35), today() - Duration::days(2));
    let (f, t) = (from.to_string(), to.to_string());
    let good = sim::spawn(SimConfig {
        users: 30,
        valid_key: CANARY.to_owned(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let bad = simulator(10, None).await; // rejects the canary
    let flaky = sim::spawn(SimConfig {
        users: 30,
        valid_key: CANARY.to_owned(),
        fault: Some(Fault::Malformed),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut outputs = Vec::new();
    for (i, sim) in [&good, &bad, &flaky].into_iter().enumerate() {
        // A data directory per simulator, so each run really talks to its server.
        let data = dir.path().join(format!("run{i}"));
        std::fs::create_dir_all(&data).unwrap();
        for view in ["developers", "daily"] {
            let out = run(
                &data,
                sim,
                CANARY,
                &["export", view, "--from", &f, "--to", &t],
            )
            .await;
            outputs.push(out);
        }
    }
    // The key from standard input too.
    let d = dir.path().join("stdin");
    std::fs::create_dir_all(&d).unwrap();
    let url = good.base_url();
    let (f2, t2) = (f.clone(), t.clone());
    let piped = tokio::task::spawn_blocking(move || {
        topogy(
            &d,
            &[
                "--key-stdin",
                "export",
                "developers",
                "--from",
                &f2,
                "--to",
                &t2,
                "--format",
                "csv",
            ],
            &[("TOPOGY_BASE_URL", url.as_str()), ("TOPOGY_LOG", "trace")],
            Some(&format!("  {CANARY}\n")),
        )
    })
    .await
    .unwrap();
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    outputs.push(piped);
    assert_eq!(outputs[0].status.code(), Some(0));
    assert_eq!(outputs[2].status.code(), Some(3));
    assert_eq!(outputs[4].status.code(), Some(5));
    for out in &outputs {
        assert!(!String::from_utf8_lossy(&out.stdout).contains("CANARY"));
        assert!(!stderr(out).contains("CANARY"), "{}", stderr(out));
    }
    let files = all_file_bytes(dir.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("topogy.db")),
        "the store was written"
    );
    common::assert_no_file_holds(dir.path(), "CANARY");
    for s in [&good, &bad, &flaky] {
        assert!(s.requests().iter().all(|r| !r.query.contains("CANARY")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_file_is_written_whole() {
    let sim = simulator(20, None).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    let (from, to) = (today() - Duration::days(9), today() - Duration::days(3));
    let out = run(
        dir.path(),
        &sim,
        sim::DEMO_KEY,
        &[
            "export",
            "daily",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
            // No --format: the .csv name asks for CSV.
            "--output",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "date,dau,wau,mau,commits,pull_requests,lines_added,lines_removed,cost_usd,list_cost_usd,\
             messages,conversations,cowork_sessions,cowork_messages,office_messages,design_messages,\
             web_searches,unattributed_cost_usd"
        )
    );
    assert_eq!(lines.count(), 7);
    assert!(
        stderr(&out).contains(&format!("7 rows to {}", file.display())),
        "{}",
        stderr(&out)
    );
}

/// A range before 2026 (older than the API serves, and not stored) is no error: no rows, and
/// the summary says there is no activity in it instead of naming a day "through" it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_before_2026_says_it_holds_no_activity() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(10, None).await;
    let args = [
        "export",
        "developers",
        "--from",
        "2025-12-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
    ];
    let out = run(dir.path(), &sim, sim::DEMO_KEY, &args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "the header alone"
    );
    assert!(
        err.contains("31 days from 2025-12-01 to 2025-12-31 are older than the API still serves"),
        "{err}"
    );
    assert!(
        err.contains("0 rows to standard output; no engagement data in this range"),
        "{err}"
    );
    assert!(!err.contains("through 2025-12-31"), "{err}");
}
