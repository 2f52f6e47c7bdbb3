//! The client against every documented variant of the API (`topogy sim --variant …`): error
//! wordings (dated, other words, bare, none), `/summaries` under `data` or `summaries`, range
//! mode refused, 90 or 366 days of history, the cost actor's `email` or `email_address`.
//! Against each: `verify` (good and rejected key), `export developers` and `export daily`
//! over 40 days, the wizard's identity check and a dashboard sync, with exact numbers from the
//! simulator's ground truth.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, Utc};
use serde_json::Value;
use tokio::sync::mpsc;
use topogy::api::{Client, ClientConfig};
use topogy::credentials::ApiKey;
use topogy::diagnose::identity::identify;
use topogy::metrics;
use topogy::sim::{self, SimConfig, SimHandle, Variant, Wording};
use topogy::store::{Dataset, Store};
use topogy::sync::{API_FLOOR, Need, SyncOptions, Syncer};

use common::expected_developers;

/// A budget high enough that the day-by-day variants do not wait out minutes.
const RPM: u32 = 2000;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn simulator(config: SimConfig) -> SimHandle {
    sim::spawn(SimConfig {
        requests_per_window: RPM,
        ..config
    })
    .await
    .unwrap()
}

fn config(variants: &[Variant]) -> SimConfig {
    SimConfig {
        users: 60,
        ..SimConfig::default()
    }
    .with_variants(variants)
}

async fn run(
    data: &std::path::Path,
    sim: &SimHandle,
    key: &str,
    args: &[&str],
) -> std::process::Output {
    let rpm = RPM.to_string();
    let args = [args, &["--rpm", &rpm]].concat();
    common::run(data, sim, key, &args).await
}

/// [`common::export_rows`] with this suite's budget.
async fn export(
    data: &std::path::Path,
    sim: &SimHandle,
    view: &str,
    range: (NaiveDate, NaiveDate),
) -> (Vec<Value>, std::process::Output) {
    let rpm = RPM.to_string();
    common::export_rows(data, sim, view, range, &["--rpm", &rpm]).await
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn client(sim: &SimHandle) -> Client {
    Client::new(
        ApiKey::new(sim::DEMO_KEY),
        ClientConfig {
            base_url: sim.base_url(),
            requests_per_window: RPM,
            backoff_base: StdDuration::from_millis(20),
            ..ClientConfig::default()
        },
    )
    .unwrap()
}

/// Everything a new user does, against one variant of the API.
async fn the_whole_product_works(variants: &[Variant], lag: u32) {
    let label = variants
        .iter()
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(",");
    let sim = simulator(SimConfig {
        engagement_lag_days: lag,
        ..config(variants)
    })
    .await;
    let org = sim.org().clone();
    let latest = today() - Duration::days(lag.into());
    let dir = tempfile::tempdir().unwrap();

    // verify: a good key works (and says how fresh the data is), a wrong one is refused.
    let before = sim.request_count();
    let good = run(dir.path(), &sim, sim::DEMO_KEY, &["verify"]).await;
    let probe_cost = sim.request_count() - before;
    let text = String::from_utf8_lossy(&good.stdout);
    assert_eq!(
        good.status.code(),
        Some(0),
        "{label}: {text}{}",
        stderr(&good)
    );
    assert!(
        text.contains(&format!("engagement data through {latest}")),
        "{label}: {text}"
    );
    eprintln!("{label}: verify's probe cost {probe_cost} request(s)");
    let wrong = "sk-ant-api01-wrong-key-0000000000000000000000000000000000000000000000000000000000000000-AAAAAA";
    let bad = run(dir.path(), &sim, wrong, &["verify"]).await;
    assert_eq!(
        bad.status.code(),
        Some(3),
        "{label}: {}",
        String::from_utf8_lossy(&bad.stdout)
    );

    // export developers and daily over 40 days: exact.
    let (from, to) = (today() - Duration::days(40), today() - Duration::days(1));
    let (rows, out) = export(dir.path(), &sim, "developers", (from, to)).await;
    let ranged = !variants.contains(&Variant::NoRange);
    let mut expected = expected_developers(&org, from, latest, to);
    if !ranged {
        expected = common::summed_days(expected);
        assert!(
            stderr(&out).contains("each day's distinct count summed"),
            "{label}"
        );
    }
    common::assert_developers(&rows, &expected, &label);
    let (rows, out) = export(dir.path(), &sim, "daily", (from, to)).await;
    assert_eq!(rows.len(), 40, "{label}");
    common::assert_daily(&rows, &org, latest, &label);
    let told = rows.iter().all(|r| !r["unattributed_cost_usd"].is_null());
    if variants.contains(&Variant::CostLegacyOnly) {
        assert!(
            rows.iter().all(|r| r["unattributed_cost_usd"].is_null()),
            "{label}"
        );
        assert!(
            stderr(&out).contains("unattributed_cost_usd is empty on 40 days"),
            "{label}: {}",
            stderr(&out)
        );
    } else {
        assert!(told, "{label}: every day says what no person accounts for");
    }

    // The wizard's check of who the key belongs to.
    let identity = identify(&client(&sim), today()).await.unwrap();
    assert_eq!(identity.latest_day, Some(latest), "{label}");
    let active = org
        .members()
        .iter()
        .filter(|m| org.user_day(m.index, latest).is_some())
        .count();
    assert_eq!(identity.people, Some(active), "{label}");
    assert_eq!(
        identity.organization_id.as_deref(),
        Some(org.organization_id()),
        "{label}"
    );

    // A dashboard sync of 30 days into a fresh store: the Developers tab's figures.
    let (from, to) = (today() - Duration::days(30), today() - Duration::days(1));
    let mut syncer = Syncer::new(
        client(&sim),
        Store::open_in_memory().unwrap(),
        SyncOptions::default(),
    );
    let (tx, _rx) = mpsc::unbounded_channel();
    let outcome = syncer.sync(&Need::dashboard(from, to), &tx).await.unwrap();
    let people = metrics::developers(syncer.store(), &outcome.coverage).unwrap();
    let mut expected = expected_developers(&org, from, latest, to);
    if !ranged {
        expected = common::summed_days(expected);
    }
    assert_eq!(people.len(), expected.len(), "{label}");
    for p in &people {
        let e = &expected[&p.user_id];
        assert_eq!(
            (
                p.messages,
                p.conversations,
                p.claude_code_sessions,
                p.commits
            ),
            (e.messages, e.conversations, e.sessions, e.commits),
            "{label} {}",
            p.user_id
        );
        assert_eq!(p.email, e.email, "{label}");
    }
}

macro_rules! variant_tests {
    ($($name:ident: [$($variant:ident),*] lag $lag:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            the_whole_product_works(&[$(Variant::$variant),*], $lag).await;
        }
    )*};
}

variant_tests! {
    documented_wording: [] lag 2;
    errors_in_other_words: [ErrorsReworded] lag 2;
    bare_errors: [ErrorsBare] lag 2;
    errors_without_a_message: [ErrorsSilent] lag 2;
    summaries_under_their_old_name: [SummariesLegacy] lag 2;
    summaries_refusing_an_end_past_the_latest_day: [SummariesStrictEnd, ErrorsReworded] lag 2;
    no_range_mode: [NoRange] lag 2;
    chat_and_cowork_unified: [Unified] lag 2;
    plugins_and_artifacts_not_offered: [NoPluginsArtifacts, ErrorsSilent] lag 2;
    a_year_of_history: [History366] lag 2;
    actor_with_email_only: [ActorEmail] lag 2;
    actor_with_email_address_only: [ActorEmailAddress] lag 2;
    every_older_shape_at_once: [ErrorsSilent, SummariesLegacy, SummariesStrictEnd, NoRange, ActorEmail] lag 2;
    every_newer_shape_at_once: [ErrorsBare, Unified, History366, ActorEmailAddress] lag 2;
    legacy_cost_reports_only: [CostLegacyOnly] lag 2;
    the_new_cost_endpoint_only: [CostNewOnly] lag 2;
    the_new_cost_endpoint_only_with_silent_errors: [CostNewOnly, ErrorsSilent] lag 2;
    a_seat_based_plan: [SeatBased] lag 2;
    a_seat_based_plan_with_legacy_cost_reports_only: [SeatBased, CostLegacyOnly] lag 2;
}

/// Data later than the probe's first guess, and the only too-recent error a bare "date is
/// too recent": the probe steps back once and everything still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_too_recent_error_and_late_data() {
    the_whole_product_works(&[Variant::ErrorsBare], 9).await;
}

#[test]
fn the_bare_variant_words_a_too_recent_date_barely() {
    let config = config(&[Variant::ErrorsBare]);
    assert_eq!(config.wording, Wording::Bare);
}

/// With 366 days served, the history backfill keeps more than 90 days, and a range 150–120
/// days old is exported exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_of_history_is_backfilled_and_old_ranges_are_exact() {
    let sim = simulator(SimConfig {
        users: 20,
        ..config(&[Variant::History366])
    })
    .await;
    let org = sim.org().clone();
    let mut syncer = Syncer::new(
        client(&sim),
        Store::open_in_memory().unwrap(),
        SyncOptions::default(),
    );
    let (tx, _rx) = mpsc::unbounded_channel();
    syncer
        .sync(&Need::backfill(API_FLOOR, today()), &tx)
        .await
        .unwrap();
    let held = syncer
        .store()
        .fetch_entries(Dataset::UsersDay, API_FLOOR, today())
        .unwrap()
        .len();
    let latest = today() - Duration::days(2);
    let served = (latest - API_FLOOR.max(today() - Duration::days(366))).num_days() + 1;
    assert_eq!(held as i64, served, "every served day is held");
    assert!(held > 90);

    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(150), today() - Duration::days(120));
    let (rows, _) = export(dir.path(), &sim, "developers", (from, to)).await;
    common::assert_developers(
        &rows,
        &expected_developers(&org, from, to, to),
        "150-120 days old",
    );
}

/// With the documented 90 days served, a range older than that is not guessed: the oldest
/// served day is found with a bounded search, and the export says which days it cannot have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_older_than_the_history_says_which_days_are_missing() {
    let sim = simulator(config(&[Variant::ErrorsSilent])).await;
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (today() - Duration::days(150), today() - Duration::days(120));
    let (f, t) = (from.to_string(), to.to_string());
    let out = run(
        dir.path(),
        &sim,
        sim::DEMO_KEY,
        &["export", "developers", "--from", &f, "--to", &t],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let oldest = today() - Duration::days(90);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("31 days from {from} to {to} are older than the API still serves (it serves {oldest} onwards)")),
        "{err}"
    );
    let summaries = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/summaries"))
        .count();
    assert!(
        summaries <= 12,
        "probe and bounded search: {summaries} requests"
    );
    eprintln!("history search for a 90-day history: {summaries} /summaries requests");
}
