//! Bad input of every kind ends with the contract's exit status and a message that says what
//! to do: usage errors (2) before any request, keys that cannot be keys refused locally, data
//! that cannot be data refused as malformed (5), and nothing secret or executable passed on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod api_support;
mod common;

use std::path::Path;
use std::process::Output;

use api_support::{Hit, Mock, Reply};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

const KEY: &str = "sk-ant-api01-INPUTxKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh";

async fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = home.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let mut env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    env.push(("TOPOGY_KEYRING".to_owned(), "off".to_owned()));
    env.push(("TOPOGY_LOG".to_owned(), "debug".to_owned()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        common::topogy(&home, &args, &env, None)
    })
    .await
    .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Serves `users` on `/users` and an empty list everywhere else.
async fn serving(users: Value) -> Mock {
    api_support::spawn(move |hit: &Hit, _| {
        if hit.path.ends_with("/users") {
            Reply::page(users.clone(), None)
        } else {
            Reply::page(json!([]), None)
        }
    })
    .await
}

fn export_args(from: &str, to: &str) -> Vec<String> {
    [
        "export",
        "developers",
        "--from",
        from,
        "--to",
        to,
        "--format",
        "csv",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn recent_range() -> (String, String) {
    let today = Utc::now().date_naive();
    (
        (today - Duration::days(8)).to_string(),
        (today - Duration::days(6)).to_string(),
    )
}

/// Arguments, extra environment, and what the message must say.
type UsageCase<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, &'a str);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let mock = serving(json!([])).await;
    let url = mock.url();
    let (from, to) = recent_range();
    let tomorrow = (Utc::now().date_naive() + Duration::days(1)).to_string();
    let later = (Utc::now().date_naive() + Duration::days(9)).to_string();
    let with_query = format!("{url}/?tenant=1");
    let with_fragment = format!("{url}#top");
    let cases: Vec<UsageCase> = vec![
        (
            vec!["--profile".into(), "../escape".into(), "verify".into()],
            vec![],
            "cannot be used",
        ),
        (
            vec!["--profile".into(), ".hidden".into(), "doctor".into()],
            vec![],
            "cannot be used",
        ),
        (
            vec!["doctor".into(), "--json".into()],
            vec![("TOPOGY_PROFILE", "a/b")],
            "cannot be used",
        ),
        (
            vec!["verify".into()],
            vec![("TOPOGY_BASE_URL", &with_query)],
            "query",
        ),
        (
            vec!["doctor".into()],
            vec![("TOPOGY_BASE_URL", &with_fragment)],
            "fragment",
        ),
        (
            [
                vec!["--base-url".into(), with_query.clone()],
                export_args(&from, &to),
            ]
            .concat(),
            vec![],
            "query",
        ),
        (
            export_args(&tomorrow, &later),
            vec![("TOPOGY_BASE_URL", &url)],
            "--from",
        ),
        (
            export_args(&from, &later),
            vec![("TOPOGY_BASE_URL", &url)],
            "--to",
        ),
        (
            vec![
                "--demo".into(),
                "--demo-users".into(),
                "100001".into(),
                "verify".into(),
            ],
            vec![],
            "1 to 100000",
        ),
        (
            vec![
                "--demo".into(),
                "--demo-users".into(),
                "0".into(),
                "verify".into(),
            ],
            vec![],
            "1 to 100000",
        ),
        (
            vec!["sim".into(), "--users".into(), "5000000".into()],
            vec![],
            "1 to 100000",
        ),
    ];
    for (args, env, says) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut env = env.clone();
        env.push(("TOPOGY_API_KEY", KEY));
        let out = run(dir.path(), &args, &env).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} {env:?}: {}",
            text(&out)
        );
        assert!(text(&out).contains(says), "{args:?}: {}", text(&out));
    }
    assert!(mock.hits().is_empty(), "{:?}", mock.hits());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_far_too_long_is_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mock = serving(json!([])).await;
    let url = mock.url();
    let huge = format!("sk-ant-api01-{}", "A".repeat(100 * 1024));
    let env = [
        ("TOPOGY_BASE_URL", url.as_str()),
        ("TOPOGY_API_KEY", huge.as_str()),
    ];
    let out = run(dir.path(), &["verify"], &env).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("far longer than any key"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("topogy bug"), "{}", text(&out));
    let (from, to) = recent_range();
    let args = export_args(&from, &to);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(dir.path(), &args, &env).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("far too long"), "{}", text(&out));
    assert!(mock.hits().is_empty());
}

#[cfg(unix)]
#[test]
fn a_key_variable_that_is_not_utf8_is_named_as_such() {
    use std::os::unix::ffi::OsStringExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_topogy"))
        .arg("verify")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TOPOGY_KEYRING", "off")
        .env(
            "TOPOGY_API_KEY",
            std::ffi::OsString::from_vec(b"sk-ant-api01-\xff\xfe".to_vec()),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not valid UTF-8"), "{}", text(&out));
    assert!(
        !text(&out).contains("no API key was found"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_in_the_base_url_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://someone:PASSxWORDxSECRET@127.0.0.1:{port}");
    let (from, to) = recent_range();
    let export = export_args(&from, &to);
    let mut outputs = Vec::new();
    for args in [
        vec!["verify"],
        vec!["verify", "--json"],
        vec!["doctor"],
        vec!["doctor", "--json"],
        export.iter().map(String::as_str).collect(),
    ] {
        let env = [("TOPOGY_BASE_URL", url.as_str()), ("TOPOGY_API_KEY", KEY)];
        outputs.push((args.clone(), run(dir.path(), &args, &env).await));
    }
    assert_eq!(
        outputs[0].1.status.code(),
        Some(4),
        "{}",
        text(&outputs[0].1)
    );
    assert!(
        text(&outputs[0].1).contains("***@127.0.0.1"),
        "{}",
        text(&outputs[0].1)
    );
    for (args, out) in &outputs {
        assert!(!text(out).contains("PASSxWORD"), "{args:?}: {}", text(out));
    }
    for (path, bytes) in common::all_file_bytes(dir.path()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("PASSxWORD"),
            "{path}"
        );
    }
}

fn person(id: &str, email: &str, messages: Value) -> Value {
    json!({
        "user": { "id": id, "email_address": email },
        "chat_metrics": { "message_count": messages },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_counter_is_refused_as_malformed_not_a_store_failure() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = recent_range();
    let args = export_args(&from, &to);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for (count, code) in [(json!(12), 0), (json!(i64::MAX), 5), (json!(u64::MAX), 5)] {
        let mock = serving(json!([
            person("u1", "a@example.com", count),
            person("u2", "b@example.com", json!(1)),
        ]))
        .await;
        let home = dir.path().join(format!("{code}-{}", mock.addr.port()));
        let env = [
            ("TOPOGY_BASE_URL", mock.url()),
            ("TOPOGY_API_KEY", KEY.to_owned()),
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(&home, &args, &env).await;
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
        if code == 5 {
            assert!(text(&out).contains("implausibly large"), "{}", text(&out));
            assert!(!text(&out).contains("local store"), "{}", text(&out));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_cells_cannot_run_formulas_or_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "\tleading@tab.example",
        "\u{1b}[31mred@example.com\u{1b}[0m",
        "line\nbreak@example.com",
    ];
    let rows: Vec<Value> = hostile
        .iter()
        .enumerate()
        .map(|(i, e)| person(&format!("u{i}"), e, json!(1)))
        .collect();
    let mock = serving(Value::Array(rows)).await;
    let (from, to) = recent_range();
    let args = export_args(&from, &to);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [
        ("TOPOGY_BASE_URL", mock.url()),
        ("TOPOGY_API_KEY", KEY.to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run(dir.path(), &args, &env).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(!csv.contains('\u{1b}'), "{csv:?}");
    let mut emails: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[1].to_owned())
        .collect();
    emails.sort();
    let mut expected = vec![
        "'=HYPERLINK(\"http://evil.example\",\"click\")",
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "'leading@tab.example",
        "[31mred@example.com[0m",
        "linebreak@example.com",
    ];
    expected.sort_unstable();
    assert_eq!(emails, expected, "{csv}");
    assert_eq!(
        topogy::export::spreadsheet_safe("-3"),
        "-3",
        "numbers stay numbers"
    );
    assert_eq!(topogy::export::spreadsheet_safe("-1.5e3"), "-1.5e3");
}
