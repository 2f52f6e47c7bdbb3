//! `topogy verify` and `topogy doctor` end to end: the real binary against in-test simulators,
//! one per failure the seed's troubleshooting covers, plus key custody (key files, profiles)
//! and a canary key hunted through everything the program writes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;
use topogy::sim::{self, Fault, SimConfig, SimHandle};

use common::topogy;

/// Shaped like an Analytics key, 100 characters, unmistakable in any output.
const CANARY: &str = "sk-ant-api01-CANARYxKEYxNEVERxPRINTxME0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ADMIN_CANARY: &str = "sk-ant-admin01-CANARYxADMINxKEYxNEVERxPRINTxME0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR";

async fn simulator(valid_key: &str, fault: Option<Fault>) -> SimHandle {
    sim::spawn(SimConfig {
        users: 12,
        fault,
        valid_key: valid_key.to_owned(),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// A loopback URL nobody listens on.
fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// Runs the binary off the async runtime (the simulator keeps serving meanwhile). The
/// keychain is switched off so no test touches a real one.
async fn run(home: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let home = home.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let mut env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    env.push(("TOPOGY_KEYRING".to_owned(), "off".to_owned()));
    env.push(("TOPOGY_LOG".to_owned(), "trace".to_owned()));
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        topogy(&home, &args, &env, stdin.as_deref())
    })
    .await
    .unwrap()
}

async fn verify(home: &Path, url: &str, key: &str, json: bool) -> Output {
    let args: &[&str] = if json {
        &["verify", "--json"]
    } else {
        &["verify"]
    };
    run(
        home,
        args,
        &[("TOPOGY_BASE_URL", url), ("TOPOGY_API_KEY", key)],
        None,
    )
    .await
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// The checklist verdicts in order, from `--json`.
fn verdicts(v: &Value) -> Vec<String> {
    v["checklist"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["verdict"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_key_works_and_whitespace_around_it_is_removed_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(CANARY, None).await;
    let url = sim.base_url();

    let out = verify(dir.path(), &url, CANARY, false).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("✓ the key works"), "{text}");
    assert!(text.contains("engagement data through"), "{text}");
    assert!(!text.contains("notice"), "{text}");
    assert!(
        text.contains(&format!("organization {}", sim.org().organization_id())),
        "{text}"
    );
    assert_eq!(
        sim.request_count(),
        2,
        "verify makes one request, and one cost request to name the organization"
    );

    let wrapped = format!("  \"{CANARY}\"\r\n");
    let out = verify(dir.path(), &url, &wrapped, false).await;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("removed spaces or line breaks around the key"),
        "{text}"
    );
    assert!(text.contains("removed the quotes"), "{text}");
    assert!(text.contains("✓ the key works"), "{text}");

    // The same key from standard input, and the JSON form.
    let out = run(
        dir.path(),
        &["--key-stdin", "verify", "--json"],
        &[("TOPOGY_BASE_URL", url.as_str())],
        Some(&format!("\n{CANARY}  \n")),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["ok"], true);
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["key"]["source"], "stdin");
    assert_eq!(v["key"]["characters"], 100);
    assert!(v["key"]["fingerprint"].as_str().unwrap().starts_with("fp:"));
    assert_eq!(v["findings"][0]["code"], "surrounding_whitespace");
    assert_eq!(v["findings"][0]["severity"], "notice");
    assert!(v["request_id"].as_str().unwrap().starts_with("req_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_key_gets_the_checklist_in_order_with_the_copy_ruled_out() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(sim::DEMO_KEY, None).await; // does not know the canary
    let out = verify(dir.path(), &sim.base_url(), CANARY, false).await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("✗ key rejected"), "{text}");
    assert!(text.contains("HTTP 404"), "{text}");
    let access = text.find("1. [? check] Access is switched on").unwrap();
    let copy = text
        .find("2. [✓ ruled out] The whole key was copied")
        .unwrap();
    let owner = text.find("3. [? check] A Primary Owner").unwrap();
    assert!(access < copy && copy < owner, "{text}");
    assert!(text.contains("request id req_"), "{text}");

    let v = json(&verify(dir.path(), &sim.base_url(), CANARY, true).await);
    assert_eq!(v["exit_code"], 3);
    assert_eq!(v["cause"], "key rejected");
    assert_eq!(v["http_status"], 404);
    assert_eq!(verdicts(&v), ["check", "ruled_out", "check"]);

    // A key cut short while copying: the same refusal, but step 2 is now the suspect.
    let v = json(&verify(dir.path(), &sim.base_url(), &CANARY[..40], true).await);
    assert_eq!(v["exit_code"], 3);
    assert_eq!(verdicts(&v), ["check", "suspect", "check"]);
    assert_eq!(v["findings"][0]["code"], "too_short");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_key_is_named_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(CANARY, None).await;
    let out = verify(dir.path(), &sim.base_url(), ADMIN_CANARY, false).await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("Admin API key"), "{text}");
    assert!(text.contains("Analytics → API keys"), "{text}");
    assert!(text.contains("Primary Owner"), "{text}");
    assert!(text.contains("[✗ cause] A Primary Owner"), "{text}");
    assert_eq!(
        sim.request_count(),
        0,
        "the wrong kind of key is never sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_toggle_off_is_named_as_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(CANARY, Some(Fault::ToggleOff)).await;
    let out = verify(dir.path(), &sim.base_url(), CANARY, false).await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("Analytics API access is off"), "{text}");
    assert!(
        text.contains("1. [✗ cause] Access is switched on"),
        "{text}"
    );
    let v = json(&verify(dir.path(), &sim.base_url(), CANARY, true).await);
    assert_eq!(verdicts(&v), ["cause", "ruled_out", "check"]);
    assert_eq!(v["http_status"], 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_api_exits_4_and_a_5xx_storm_exits_5_after_quick_retries() {
    let dir = tempfile::tempdir().unwrap();
    let out = verify(dir.path(), &dead_url(), CANARY, false).await;
    assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("cannot connect"), "{text}");
    assert!(text.contains("What to do:"), "{text}");
    assert!(
        !text.contains("Check, in this order"),
        "not a key problem: {text}"
    );

    let storm = simulator(CANARY, Some(Fault::ServerErrors)).await;
    let started = Instant::now();
    let out = verify(dir.path(), &storm.base_url(), CANARY, false).await;
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("API server error"),
        "{}",
        stdout(&out)
    );
    assert_eq!(storm.count_status(503), 3, "one try and two retries");
    assert!(started.elapsed() < Duration::from_secs(15));

    // Rate limited with retry-after 30: reported at once, not waited out.
    let limited = simulator(CANARY, Some(Fault::RateLimited)).await;
    let started = Instant::now();
    let out = verify(dir.path(), &limited.base_url(), CANARY, false).await;
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    assert!(stdout(&out).contains("rate limit"), "{}", stdout(&out));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(limited.request_count(), 1);
}

#[cfg(unix)]
fn write_key_file(home: &Path, profile: &str, text: &str, mode: u32) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = home.join("config").join("topogy").join(profile);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = dir.join("key");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_key_files_must_be_owner_only_and_profiles_stay_apart() {
    const OTHER: &str = "sk-ant-api01-OTHERxORGxKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab";
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let acme = simulator(CANARY, None).await;
    let url = acme.base_url();
    let env = [("TOPOGY_BASE_URL", url.as_str())];

    // An owner-only key file is used, and named as the source.
    write_key_file(home, "acme", &format!("{CANARY}\n"), 0o600);
    let out = run(home, &["--profile", "acme", "verify", "--json"], &env, None).await;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["key"]["source"], "key_file");
    assert_eq!(v["profile"], "acme");
    let acme_fp = v["key"]["fingerprint"].as_str().unwrap().to_owned();

    // Another profile has its own key: refused by acme's API, with its own fingerprint.
    write_key_file(home, "beta", OTHER, 0o600);
    let out = run(home, &["--profile", "beta", "verify", "--json"], &env, None).await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let v = json(&out);
    assert_ne!(v["key"]["fingerprint"].as_str().unwrap(), acme_fp);

    // The default profile has none; the environment variable still comes before any file.
    let out = run(home, &["verify"], &env, None).await;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("--key-stdin"), "{}", stdout(&out));
    let out = run(
        home,
        &["--profile", "beta", "verify", "--json"],
        &[
            ("TOPOGY_BASE_URL", url.as_str()),
            ("TOPOGY_API_KEY", CANARY),
        ],
        None,
    )
    .await;
    assert_eq!(json(&out)["key"]["source"], "env");

    // Each profile keeps its own store.
    let day = (chrono::Utc::now().date_naive() - chrono::Duration::days(3)).to_string();
    let out = run(
        home,
        &[
            "--profile",
            "acme",
            "export",
            "daily",
            "--from",
            &day,
            "--to",
            &day,
        ],
        &env,
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The profile's store is the one of the organization its key reaches.
    let org = acme.org().organization_id();
    assert!(
        home.join(format!("data/topogy/acme/orgs/{org}/topogy.db"))
            .exists()
    );
    assert!(!home.join("data/topogy/beta/orgs").exists());
    assert!(!home.join("data/topogy/default/orgs").exists());

    // A key file others can read is refused, with the fix.
    let path = write_key_file(home, "acme", CANARY, 0o644);
    let out = run(home, &["--profile", "acme", "verify"], &env, None).await;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("chmod 600 {}", path.display())) || text.contains("chmod 600 ~/"),
        "{text}"
    );
    assert!(text.contains("0644"), "{text}");
    let out = run(home, &["--profile", "acme", "doctor"], &env, None).await;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("chmod 600"), "{}", stdout(&out));

    // A profile name that is not a plain directory name is refused.
    let out = run(home, &["--profile", "../escape", "verify"], &env, None).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot be used"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_every_check_and_tells_the_endpoint_families_apart() {
    let dir = tempfile::tempdir().unwrap();
    let good = simulator(CANARY, None).await;
    let out = run(
        dir.path(),
        &["doctor", "--json"],
        &[
            ("TOPOGY_BASE_URL", good.base_url().as_str()),
            ("TOPOGY_API_KEY", CANARY),
            ("HTTPS_PROXY", "http://alice:s3cret@proxy.invalid:3128"),
            ("NO_PROXY", "127.0.0.1"),
        ],
        None,
    )
    .await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "key_source",
            "key_storage",
            "key_shape",
            "proxy",
            "dns",
            "connect",
            "http",
            "clock",
            "engagement_api",
            "cost_api",
            "plan",
            "rate_limit",
            "freshness",
            "store"
        ]
    );
    let check = |id: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert!(
        check("key_storage")["summary"]
            .as_str()
            .unwrap()
            .contains("TOPOGY_KEYRING=off")
    );
    let proxy = check("proxy")["summary"].as_str().unwrap().to_owned();
    assert!(
        proxy.contains("***@proxy.invalid") && !proxy.contains("s3cret"),
        "{proxy}"
    );
    assert!(
        check("clock")["summary"]
            .as_str()
            .unwrap()
            .contains("by 0 s")
            || check("clock")["summary"]
                .as_str()
                .unwrap()
                .contains("by 1 s")
    );
    assert!(
        check("cost_api")["summary"]
            .as_str()
            .unwrap()
            .contains("organization org_")
    );
    // A usage-based organization: everyone active in the latest week has cost.
    let latest = chrono::Utc::now().date_naive() - chrono::Duration::days(2);
    let active = good.org().wau(latest);
    assert_eq!(check("plan")["status"], "pass");
    assert_eq!(
        check("plan")["summary"],
        format!(
            "no sign of a seat-based plan ({active} of {active} people active have cost): cost \
             reads as the bill"
        )
    );
    assert!(
        check("engagement_api")["request_ids"][0]
            .as_str()
            .unwrap()
            .starts_with("req_")
    );
    for fact in ["version", "os", "terminal", "base_URL", "profile", "time"] {
        assert!(v["facts"][fact].is_string(), "{fact}");
    }

    // A bad key: engagement answers 404, cost 401, each with its cause and the checklist.
    let other = simulator(sim::DEMO_KEY, None).await;
    let out = run(
        dir.path(),
        &["doctor"],
        &[
            ("TOPOGY_BASE_URL", other.base_url().as_str()),
            ("TOPOGY_API_KEY", CANARY),
        ],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("✗ Engagement API  HTTP 404: key rejected"),
        "{text}"
    );
    assert!(
        text.contains("✗ Cost API        HTTP 401: key rejected"),
        "{text}"
    );
    assert!(
        text.contains("[✓ ruled out] The whole key was copied"),
        "{text}"
    );
    assert!(text.contains("request ids: req_"), "{text}");
    assert!(text.contains("result: 2 failed"), "{text}");
}

/// The canary goes through every verify/doctor path above; nothing the program writes may
/// hold it: standard output and error, the log, the store, the config directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_reaches_any_output_or_file_on_any_path() {
    let dir = tempfile::tempdir().unwrap();
    let good = simulator(CANARY, None).await;
    let stranger = simulator(sim::DEMO_KEY, None).await;
    let off = simulator(CANARY, Some(Fault::ToggleOff)).await;
    let storm = simulator(CANARY, Some(Fault::ServerErrors)).await;
    let malformed = simulator(CANARY, Some(Fault::Malformed)).await;
    let dead = dead_url();
    let paths: Vec<(&str, String, String)> = vec![
        ("good", good.base_url(), CANARY.to_owned()),
        ("whitespace", good.base_url(), format!(" '{CANARY}'\n")),
        ("rejected", stranger.base_url(), CANARY.to_owned()),
        ("truncated", stranger.base_url(), CANARY[..50].to_owned()),
        ("admin", good.base_url(), ADMIN_CANARY.to_owned()),
        ("toggle-off", off.base_url(), CANARY.to_owned()),
        ("unreachable", dead.clone(), CANARY.to_owned()),
        ("5xx-storm", storm.base_url(), CANARY.to_owned()),
        ("malformed", malformed.base_url(), CANARY.to_owned()),
    ];
    let mut outputs = Vec::new();
    for (name, url, key) in &paths {
        let home = dir.path().join(name);
        std::fs::create_dir_all(&home).unwrap();
        for args in [
            &["verify"][..],
            &["verify", "--json"][..],
            &["doctor"][..],
            &["doctor", "--json"][..],
        ] {
            let env = [
                ("TOPOGY_BASE_URL", url.as_str()),
                ("TOPOGY_API_KEY", key.as_str()),
            ];
            outputs.push((
                format!("{name} {args:?}"),
                run(&home, args, &env, None).await,
            ));
        }
        // From standard input, and from a stored key file.
        let env = [("TOPOGY_BASE_URL", url.as_str())];
        outputs.push((
            format!("{name} stdin"),
            run(&home, &["--key-stdin", "doctor"], &env, Some(key)).await,
        ));
        #[cfg(unix)]
        {
            write_key_file(&home, "default", key, 0o600);
            outputs.push((
                format!("{name} file"),
                run(&home, &["verify"], &env, None).await,
            ));
            write_key_file(&home, "default", key, 0o640);
            outputs.push((
                format!("{name} file 0640"),
                run(&home, &["doctor"], &env, None).await,
            ));
            std::fs::remove_file(home.join("config/topogy/default/key")).unwrap();
        }
    }
    let codes: Vec<Option<i32>> = outputs.iter().map(|(_, o)| o.status.code()).collect();
    assert!(codes.contains(&Some(0)) && codes.contains(&Some(3)));
    assert!(codes.contains(&Some(4)) && codes.contains(&Some(5)));
    for (what, out) in &outputs {
        for stream in [stdout(out), stderr(out)] {
            assert!(
                !stream.contains("CANARY"),
                "{what} printed the key: {stream}"
            );
        }
    }
    // The key files this test wrote itself hold the key by design; they were removed.
    common::assert_no_file_holds(dir.path(), "CANARY");
    for sim in [&good, &stranger, &off, &storm, &malformed] {
        assert!(sim.requests().iter().all(|r| !r.query.contains("CANARY")));
    }
}

/// With a shared store, doctor says where the data is instead of reporting the unused local
/// files as "none yet", and the database's password stays hidden.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_a_shared_store_says_where_the_data_is() {
    let dir = tempfile::tempdir().unwrap();
    let good = simulator(CANARY, None).await;
    let store = "postgres://topogy:s3cret-pg-password@127.0.0.1:1/analytics";
    let out = run(
        dir.path(),
        &["doctor"],
        &[
            ("TOPOGY_BASE_URL", good.base_url().as_str()),
            ("TOPOGY_API_KEY", CANARY),
            ("TOPOGY_STORE", store),
        ],
        None,
    )
    .await;
    let text = stdout(&out);
    assert!(
        text.contains("stored: in the shared store (not examined here)"),
        "{text}"
    );
    assert!(
        text.contains("result: 0 failed, 0 warnings; exit status 0"),
        "{text}"
    );
    assert!(
        text.contains(
            "not used: the stores are in the shared PostgreSQL database \
             postgres://topogy:***@127.0.0.1:1/analytics; doctor examines local stores only"
        ),
        "{text}"
    );
    assert!(!text.contains("none yet"), "{text}");
    assert!(!text.contains("s3cret-pg-password"), "{text}");
    assert!(
        !stderr(&out).contains("s3cret-pg-password"),
        "{}",
        stderr(&out)
    );
}
