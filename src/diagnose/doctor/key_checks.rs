//! doctor's local checks: where the key comes from, how it is kept, and its shape.

use crate::credentials::{KeyError, Resolved, Severity, storage};
use crate::diagnose::checklist;
use crate::diagnose::key_file::{KeyFile, describe_key_file};
use crate::diagnose::{Check, CheckStatus};
use crate::exit::ExitCode;
use crate::settings::Settings;

pub(super) fn key_check(resolved: &Result<Resolved, KeyError>) -> Check {
    match resolved {
        Ok(r) => Check::pass(
            "key_source",
            "Key",
            &format!("{} from {}", r.key.fingerprint(), r.source),
        ),
        Err(e) => {
            let mut check = Check::skip("key_source", "Key", "no usable key");
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.cause = Some(e.to_string());
            check.fixes = match e {
                KeyError::InsecureKeyFile { path, .. } => {
                    vec![format!("chmod 600 {path}")]
                }
                KeyError::ForeignKeyFile { path, .. } => vec![format!(
                    "Delete {path} (another user owns it) and set the key up again with `topogy`."
                )],
                KeyError::InsecureKeyDir { path, .. } => vec![format!("chmod 700 {path}")],
                KeyError::NotAKeyFile { path, .. } => vec![format!(
                    "Remove {path} (it is not a plain file) and set the key up again with `topogy`."
                )],
                _ => vec![
                    "Run `topogy` and paste the key into the setup wizard (it is kept in the OS \
                     keychain, or in an owner-only file if you agree)."
                        .to_owned(),
                    "Or pipe it in with --key-stdin, or set TOPOGY_API_KEY.".to_owned(),
                ],
            };
            check
        }
    }
}

pub(super) fn storage_check(settings: &Settings) -> Check {
    if settings.demo {
        return Check::pass(
            "key_storage",
            "Key storage",
            "--demo: the simulator's key is built in; nothing is stored",
        );
    }
    let keychain = match storage::keychain_status() {
        Ok(()) => "OS keychain available".to_owned(),
        Err(reason) => format!("no OS keychain ({reason})"),
    };
    let file = match storage::key_file_path(&settings.key_profile) {
        Ok(path) => describe_key_file(&path),
        Err(e) => KeyFile::Unknown(e.to_string()),
    };
    let mut check = Check::pass(
        "key_storage",
        "Key storage",
        &format!("{keychain} · {}", file.describe()),
    );
    if matches!(file, KeyFile::ReadableByOthers { .. }) {
        check.status = CheckStatus::Fail;
        check.exit_code = ExitCode::Other;
    }
    check
}

pub(super) fn shape_check(key: Option<&Resolved>) -> Check {
    let Some(resolved) = key else {
        return Check::skip("key_shape", "Key shape", "skipped: no key");
    };
    let mut check = Check::pass(
        "key_shape",
        "Key shape",
        &format!(
            "{} characters, looks like an Analytics API key",
            resolved.key.expose().chars().count()
        ),
    );
    let worst = resolved.findings.iter().map(|f| f.severity()).max();
    if let Some(worst) = worst {
        let said: Vec<String> = resolved.findings.iter().map(ToString::to_string).collect();
        check.summary = format!(
            "{} characters; {}",
            resolved.key.expose().chars().count(),
            said.join("; ")
        );
        match worst {
            Severity::Notice => {}
            Severity::Warning => check.status = CheckStatus::Warn,
            Severity::Blocking => {
                check.status = CheckStatus::Fail;
                check.exit_code = ExitCode::KeyRejected;
                check.fixes = checklist::as_fixes(None, &resolved.findings);
            }
        }
    }
    check
}
