//! One store per organization, several topogy processes on one store, and a sync killed
//! part-way: the real binary against in-test simulators, every number checked against the
//! simulator's ground truth.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate, Utc};
use serde_json::Value;
use topogy::sim::{self, Fault, SimConfig, SimHandle};

use common::{assert_daily, assert_developers, expected_developers, topogy, topogy_command};

async fn simulator(seed: u64, fault: Option<Fault>) -> SimHandle {
    sim::spawn(SimConfig {
        users: 30,
        seed,
        fault,
        requests_per_window: 100_000,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn env(sim: &SimHandle) -> Vec<(String, String)> {
    vec![
        ("TOPOGY_BASE_URL".to_owned(), sim.base_url()),
        ("TOPOGY_API_KEY".to_owned(), sim::DEMO_KEY.to_owned()),
        ("TOPOGY_RPM".to_owned(), "10000".to_owned()),
    ]
}

/// Runs the binary off the async runtime (the simulators keep serving meanwhile).
async fn run(data: &Path, sim: &SimHandle, args: &[&str]) -> Output {
    let (data, env) = (data.to_path_buf(), env(sim));
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        topogy(&data, &args, &env, None)
    })
    .await
    .unwrap()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn rows(o: &Output) -> Vec<Value> {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Where the default profile keeps the store of `org`.
fn store_of(data: &Path, org: &str) -> PathBuf {
    data.join("data/topogy/default/orgs")
        .join(org)
        .join("topogy.db")
}

/// A 20-day developers export range whose engagement ends at the simulator's latest day.
fn range() -> (NaiveDate, NaiveDate) {
    (today() - Duration::days(21), today() - Duration::days(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_used_with_two_organizations_keeps_them_apart_and_switching_back_refetches_nothing()
 {
    let (a, b) = (simulator(7, None).await, simulator(8, None).await);
    let (org_a, org_b) = (a.org().organization_id(), b.org().organization_id());
    assert_ne!(org_a, org_b);
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = range();
    let (f, t) = (from.to_string(), to.to_string());
    let args = ["export", "developers", "--from", &f, "--to", &t];
    let truth_a = expected_developers(a.org(), from, to, to);
    let truth_b = expected_developers(b.org(), from, to, to);

    let first = run(dir.path(), &a, &args).await;
    assert_developers(&rows(&first), &truth_a, "A");

    let second = run(dir.path(), &b, &args).await;
    let under_b = rows(&second);
    assert_developers(&under_b, &truth_b, "B after A");
    let switch = format!("this key reaches {org_b}; this profile last showed {org_a}");
    assert!(stderr(&second).contains(&switch), "{}", stderr(&second));
    // Nothing of A's: no user id, no e-mail only A has, no row equal to one of A's.
    let emails_b: BTreeSet<&str> = truth_b.values().map(|e| e.email.as_str()).collect();
    for row in &under_b {
        let id = row["user_id"].as_str().unwrap();
        assert!(!truth_a.contains_key(id), "A's {id} under B");
        let email = row["email"].as_str().unwrap();
        assert!(emails_b.contains(email), "{email} is not B's");
    }
    let rows_a: BTreeSet<String> = rows(&first).iter().map(figures).collect();
    assert!(under_b.iter().all(|r| !rows_a.contains(&figures(r))));

    // Back to A: A's own store, already final, so not one request.
    let before = a.request_count();
    let third = run(dir.path(), &a, &args).await;
    assert_eq!(third.stdout, first.stdout, "A shows again as it was");
    assert_eq!(
        a.request_count(),
        before,
        "switching back to A fetches nothing"
    );
    assert!(
        stderr(&third).contains("0 requests made"),
        "{}",
        stderr(&third)
    );
    assert!(
        stderr(&third).contains(&format!(
            "this key reaches {org_a}; this profile last showed {org_b}"
        )),
        "{}",
        stderr(&third)
    );
    assert!(store_of(dir.path(), org_a).is_file());
    assert!(store_of(dir.path(), org_b).is_file());
}

/// A row's figures without who it is, to prove none of A's rows reappears under B.
fn figures(row: &Value) -> String {
    let mut row = row.clone();
    if let Some(o) = row.as_object_mut() {
        o.remove("user_id");
        o.remove("email");
    }
    row.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_store_of_an_older_version_moves_to_its_organization() {
    let a = simulator(7, None).await;
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = range();
    let (f, t) = (from.to_string(), to.to_string());
    let args = ["export", "developers", "--from", &f, "--to", &t];
    let first = run(dir.path(), &a, &args).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // Put the store where an older topogy kept it, without its key record.
    let org = a.org().organization_id();
    let single = dir.path().join("data/topogy/default/topogy.db");
    std::fs::rename(store_of(dir.path(), org), &single).unwrap();
    let conn = rusqlite::Connection::open(&single).unwrap();
    conn.execute("DELETE FROM meta WHERE key LIKE 'reached_by:%'", [])
        .unwrap();
    drop(conn);

    let again = run(dir.path(), &a, &args).await;
    assert_eq!(again.stdout, first.stdout);
    assert!(stderr(&again).contains("moved to"), "{}", stderr(&again));
    assert!(!single.exists());
    assert!(store_of(dir.path(), org).is_file());
    // One request to learn which organization the key reaches; every day was already held.
    assert!(
        stderr(&again).contains("1 request made"),
        "{}",
        stderr(&again)
    );
}

/// Waits until the store at `path` holds at least `n` fetched units whose dataset is like
/// `dataset` (a sync is under way).
async fn wait_for_units(path: &Path, dataset: &str, n: i64, within: StdDuration) {
    let started = Instant::now();
    loop {
        let held =
            rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .and_then(|c| {
                    c.query_row(
                        "SELECT COUNT(*) FROM fetch_log WHERE dataset LIKE ?1",
                        [dataset],
                        |r| r.get::<_, i64>(0),
                    )
                })
                .unwrap_or(0);
        if held >= n {
            return;
        }
        assert!(
            started.elapsed() < within,
            "no sync started within {within:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_exports_and_a_sync_at_once_on_one_store_are_all_exact() {
    // Slow answers (1.5 s each) keep the first sync running while the others start.
    let sim = simulator(7, Some(Fault::Slow)).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(8), today() - Duration::days(2));
    let (f, t) = (from.to_string(), to.to_string());
    let env = env(&sim);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let spawn = |args: &[&str]| topogy_command(dir.path(), args, &env).spawn().unwrap();

    let syncing = spawn(&["export", "daily", "--from", &f, "--to", &t]);
    wait_for_units(
        &store_of(dir.path(), org.organization_id()),
        "%",
        1,
        StdDuration::from_secs(60),
    )
    .await;
    let started = Instant::now();
    let developers = ["export", "developers", "--from", &f, "--to", &t];
    let (one, two) = (spawn(&developers), spawn(&developers));
    let outputs = tokio::task::spawn_blocking(move || {
        [syncing, one, two].map(|c| c.wait_with_output().unwrap())
    })
    .await
    .unwrap();
    eprintln!("two exports beside a running sync: {:?}", started.elapsed());
    let [daily, one, two] = outputs;
    let latest = today() - Duration::days(2);
    assert_daily(&rows(&daily), &org, latest, "daily beside two exports");
    let truth = expected_developers(&org, from, latest, to);
    assert_developers(&rows(&one), &truth, "first developers export");
    assert_developers(&rows(&two), &truth, "second developers export");
    for out in [&one, &two] {
        let text = stderr(out);
        assert!(!text.contains("locked"), "{text}");
        assert!(text.contains("another topogy is syncing"), "{text}");
        let waited = text.lines().find(|l| l.contains("finished syncing after"));
        assert!(waited.is_some(), "{text}");
        eprintln!("{}", waited.unwrap_or_default());
    }
    assert_eq!(sim.count_status(429), 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_part_way_leaves_a_whole_store_and_the_rerun_is_exact() {
    let sim = simulator(7, Some(Fault::Slow)).await;
    let org = sim.org().clone();
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(12), today() - Duration::days(2));
    let (f, t) = (from.to_string(), to.to_string());
    let args = ["export", "daily", "--from", &f, "--to", &t];
    let env = env(&sim);
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut child = topogy_command(dir.path(), &args, &env_ref).spawn().unwrap();
    let store = store_of(dir.path(), org.organization_id());
    wait_for_units(&store, "users_day", 2, StdDuration::from_secs(90)).await;
    // SIGKILL: no destructor, no handler, mid-request or mid-write.
    child.kill().unwrap();
    let _ = child.wait().unwrap();

    let conn = rusqlite::Connection::open(&store).unwrap();
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
    // Every day the log calls fetched is whole: exactly the people active that day.
    let mut stmt = conn
        .prepare("SELECT start, rows FROM fetch_log WHERE dataset = 'users_day'")
        .unwrap();
    let days: Vec<(NaiveDate, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (day, logged) in &days {
        let held: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM user_day WHERE date = ?1",
                [day],
                |r| r.get(0),
            )
            .unwrap();
        let active = org
            .members()
            .iter()
            .filter(|m| org.user_day(m.index, *day).is_some())
            .count();
        assert_eq!((held, *logged), (active as i64, active as i64), "{day}");
    }
    drop(stmt);
    drop(conn);

    // The rerun (the simulator answers promptly now) finishes the job, exactly.
    sim.set_fault(None);
    let rerun = run(dir.path(), &sim, &args).await;
    assert_daily(&rows(&rerun), &org, to, "after a kill");
    eprintln!(
        "killed after {} whole day(s); rerun: {}",
        days.len(),
        stderr(&rerun).lines().last().unwrap_or_default()
    );
}
