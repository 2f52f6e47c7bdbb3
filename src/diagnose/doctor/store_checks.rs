//! doctor's checks of the local store: whether it is intact, and how fresh the data is.

use chrono::{DateTime, NaiveDate, Utc};

use crate::context::profile_dir;
use crate::credentials::display_path;
use crate::diagnose::{Check, CheckStatus};
use crate::exit::ExitCode;
use crate::settings::Settings;
use crate::store::{Integrity, OrgStores, Store};

/// What the local store holds, per dataset: (label, last day held).
pub(super) type Held = Vec<(&'static str, NaiveDate)>;

pub(super) fn store_check(settings: &Settings) -> (Check, Held) {
    // A shared store is not examined from here: say where the data is instead of reporting
    // the (unused) local files.
    if let Some(url) = &settings.store {
        return (
            Check::skip(
                "store",
                "Local store",
                &format!(
                    "not used: the stores are in the shared PostgreSQL database {}; doctor \
                     examines local stores only (the dashboard's Status tab shows how fresh \
                     the shared one is)",
                    url.redacted()
                ),
            ),
            Vec::new(),
        );
    }
    let Ok(dir) = profile_dir(settings) else {
        let mut check = Check::skip("store", "Local store", "no data directory");
        check.status = CheckStatus::Warn;
        return (check, Vec::new());
    };
    // The store of the organization this profile showed last (each has its own).
    let stores = OrgStores::new(dir);
    let path = stores
        .last_shown()
        .map_or_else(|| stores.dir().join("orgs"), |org| stores.path(&org));
    let shown = display_path(&path);
    if !path.is_file() {
        return (
            Check::pass(
                "store",
                "Local store",
                &format!("none yet at {shown}; the first sync creates it"),
            ),
            Vec::new(),
        );
    }
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let opened = Store::open_reader(&path).and_then(|s| Ok((s.quick_check()?, s.last_fetches()?)));
    match opened {
        Ok((Integrity::Intact, fetches)) => {
            let held = fetches
                .iter()
                .map(|f| (f.dataset.label(), f.end.pred_opt().unwrap_or(f.end)))
                .collect();
            let last = fetches.iter().map(|f| f.fetched_at).max();
            let summary = format!(
                "{shown}: intact, {} KiB, {}{}",
                size / 1024,
                crate::metrics::plural(
                    u64::try_from(fetches.len()).unwrap_or(u64::MAX),
                    "dataset",
                    "datasets"
                ),
                last.map(|t| format!(", last fetch {}", t.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default()
            );
            (Check::pass("store", "Local store", &summary), held)
        }
        Ok((Integrity::Damaged(verdict), _)) => {
            let mut check = Check::pass("store", "Local store", &format!("{shown}: damaged"));
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.cause = Some(format!("SQLite quick_check: {verdict}"));
            check.fixes = vec![format!(
                "Move {shown} aside; topogy rebuilds it from the API (engagement history older \
                 than ~90 days cannot be fetched again)."
            )];
            (check, Vec::new())
        }
        Err(e) => {
            let mut check = Check::pass("store", "Local store", &format!("{shown}: unreadable"));
            check.status = CheckStatus::Fail;
            check.exit_code = ExitCode::Other;
            check.cause = Some(e.to_string());
            check.fixes = vec!["Check the file's permissions and free disk space.".to_owned()];
            (check, Vec::new())
        }
    }
}

pub(super) fn freshness_check(
    latest: Option<(Option<NaiveDate>, Option<DateTime<Utc>>)>,
    held: &Held,
    shared: bool,
) -> Check {
    let mut parts = Vec::new();
    match latest {
        Some((engagement, cost)) => {
            parts.push(format!(
                "API: engagement and adoption through {}",
                engagement.map_or_else(|| "unknown".to_owned(), |d| d.to_string())
            ));
            parts.push(format!(
                "cost refreshed {}",
                cost.map_or_else(
                    || "unknown".to_owned(),
                    |t| t.format("%Y-%m-%d %H:%M UTC").to_string()
                )
            ));
        }
        None => parts.push("API: not asked (no usable key)".to_owned()),
    }
    if shared {
        parts.push("stored: in the shared store (not examined here)".to_owned());
    } else if held.is_empty() {
        parts.push("stored: nothing yet".to_owned());
    } else {
        let stored: Vec<String> = held.iter().map(|(l, d)| format!("{l} {d}")).collect();
        parts.push(format!("stored through: {}", stored.join(", ")));
    }
    Check::pass("freshness", "Latest data", &parts.join(" · "))
}
