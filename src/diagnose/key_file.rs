//! The key file as doctor sees it: missing, private, or readable by others.

use crate::credentials::display_path;

/// What doctor found at the key file's path; the check fails on the state, not on its wording.
pub(super) enum KeyFile {
    /// The path could not be worked out (the message says why).
    Unknown(String),
    Missing {
        shown: String,
    },
    Private {
        shown: String,
        mode: Option<u32>,
    },
    ReadableByOthers {
        shown: String,
        mode: u32,
    },
}

impl KeyFile {
    pub(super) fn describe(&self) -> String {
        match self {
            KeyFile::Unknown(why) => why.clone(),
            KeyFile::Missing { shown } => format!("no key file ({shown})"),
            KeyFile::Private { shown, mode: None } => format!("key file {shown}"),
            KeyFile::Private {
                shown,
                mode: Some(mode),
            } => format!("key file {shown} (mode {mode:04o})"),
            KeyFile::ReadableByOthers { shown, mode } => {
                format!("key file {shown} is mode {mode:04o}, readable by others")
            }
        }
    }
}

pub(super) fn describe_key_file(path: &std::path::Path) -> KeyFile {
    let shown = display_path(path);
    match std::fs::metadata(path) {
        Err(_) => KeyFile::Missing { shown },
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return KeyFile::ReadableByOthers { shown, mode };
                }
                KeyFile::Private {
                    shown,
                    mode: Some(mode),
                }
            }
            #[cfg(not(unix))]
            {
                let _ = meta;
                KeyFile::Private { shown, mode: None }
            }
        }
    }
}
