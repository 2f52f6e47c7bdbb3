//! `topogy export`: the same aggregates the dashboard shows, written as JSON or CSV.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::api::ProgressSnapshot;
use crate::context::Context;
use crate::exit::ExitCode;
use crate::metrics;
use crate::settings::Settings;
use crate::sync::{CountBasis, Need, SyncEvent, SyncOptions, SyncTask};

mod files;
mod request;

pub use files::{check_output, write_file, write_new_file};
pub use request::{ExportRequest, Format, View};

/// Runs `topogy export` and returns the process exit status.
pub async fn run(settings: &Settings, args: &ExportRequest) -> ExitCode {
    if args.from > args.to {
        eprintln!(
            "topogy: --from {} is after --to {}; both dates are inclusive, give the earlier one first",
            args.from, args.to
        );
        return ExitCode::Usage;
    }
    let today = chrono::Utc::now().date_naive();
    if let Some((flag, day)) = [("--from", args.from), ("--to", args.to)]
        .into_iter()
        .find(|&(_, day)| day > today)
    {
        eprintln!(
            "topogy: {flag} {day} is in the future (today is {today} UTC); analytics data exists \
             only for past days: end the range at --to {today} or earlier"
        );
        return ExitCode::Usage;
    }
    if let Some(Err(advice)) = args.output.as_deref().map(check_output) {
        eprintln!("topogy: {advice}");
        return ExitCode::Usage;
    }
    let context = match Context::open(settings, SyncOptions::default()).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("topogy: {e}");
            return e.exit_code();
        }
    };
    if let Some(notice) = &context.store_notice {
        eprintln!("topogy: {}", notice.0);
    }
    let need = match args.view {
        View::Developers => Need::developers(args.from, args.to),
        View::Daily => Need::daily(args.from, args.to),
    };
    let mut task = SyncTask::spawn(context.syncer);
    let mut reporter = Reporter::new();
    let outcome = task.run(need, |event| reporter.event(event)).await;
    reporter.finish();
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            eprintln!("topogy: {e}");
            return e.exit_code();
        }
    };
    let syncer = match task.finish().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("topogy: {e}");
            return e.exit_code();
        }
    };
    let days = metrics::daily(syncer.store(), args.from, args.to).map_err(|e| e.to_string());
    // Per-person totals cover what their sync assembled; the daily rows, what the store holds.
    let spans = match args.view {
        View::Developers => Some(metrics::DataSpans::of_coverage(&outcome.coverage)),
        View::Daily => days.as_ref().ok().map(|d| metrics::DataSpans::of(d)),
    };
    let written = match args.view {
        View::Developers => metrics::developers(syncer.store(), &outcome.coverage)
            .map_err(|e| e.to_string())
            .and_then(|rows| write_rows(&rows, args.format, args.output.as_deref())),
        View::Daily => days.and_then(|rows| {
            let untold = rows
                .iter()
                .filter(|d| d.cost_usd.is_some() && d.unattributed_cost_usd.is_none())
                .count();
            if untold > 0 {
                eprintln!("topogy: note: {}", untold_note(untold));
            }
            write_rows(&rows, args.format, args.output.as_deref())
        }),
    };
    if let (View::Developers, Some(note)) = (args.view, basis_note(outcome.coverage.count_basis()))
    {
        eprintln!("topogy: note: {note}");
    }
    // What the rows' activity covers: the days held in the range, not the range's end.
    let engagement = match spans.map(|s| s.activity) {
        Some(Some((_, last))) => format!("engagement data through {last}"),
        Some(None) => "no engagement data in this range".to_owned(),
        None => outcome.coverage.engagement_through.map_or_else(
            || "no engagement data yet".to_owned(),
            |d| format!("engagement data through {d}"),
        ),
    };
    if let Some(note) = spans.and_then(|s| spans_note(&s, args.from, args.to)) {
        eprintln!("topogy: note: {note}");
    }
    // On a seat-based plan (or one that may be) the cost columns are extra usage only.
    let evidence = spans.and_then(|s| {
        let people = metrics::developers(syncer.store(), &outcome.coverage).ok()?;
        metrics::PlanEvidence::of(&people, &s)
    });
    if let Some(note) = metrics::CostBasis::decide(
        crate::config::plan_setting(settings.paths.config_file.as_deref()),
        evidence,
    )
    .note()
    {
        eprintln!("topogy: note: {note}");
    }
    // Offline-first: the store's copy was served; say how old it is and why.
    if let Some(stale) = &outcome.coverage.stale {
        eprintln!("topogy: note: {}", stale.note(chrono::Utc::now()));
    }
    match written {
        Ok(count) => {
            let target = args
                .output
                .as_ref()
                .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
            eprintln!(
                "topogy: {} to {target}; {engagement} (it trails by 1–3 days; cost may be \
                 revised for 30 days); {} made",
                metrics::plural(count as u64, "row", "rows"),
                metrics::plural(outcome.requests, "request", "requests")
            );
            ExitCode::Ok
        }
        Err(message) => {
            eprintln!("topogy: {message}");
            ExitCode::Other
        }
    }
}

/// Why `unattributed_cost_usd` is empty on days whose cost is known.
pub fn untold_note(days: usize) -> String {
    let plural = if days == 1 { "day" } else { "days" };
    format!(
        "unattributed_cost_usd is empty on {days} {plural}: their cost came from the legacy \
         cost reports, which do not say how much of it no person accounts for (service \
         accounts, API keys, Slack); cost_usd is still the organization's whole cost"
    )
}

/// Which days each figure covers, when the range is longer than one history (a year of cost
/// beside three months of activity): totals over the range leave the other days out.
pub fn spans_note(
    spans: &metrics::DataSpans,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Option<String> {
    spans.mixed(from).then(|| {
        format!(
            "the figures cover different days of {from} → {to}: {}; each total covers only \
             its own days",
            spans.text()
        )
    })
}

/// What a reader of `conversations` and `claude_code_sessions` must know when they were not
/// counted by the documented rule (each once over the range, as the API's rollup counts).
pub fn basis_note(basis: CountBasis) -> Option<&'static str> {
    match basis {
        CountBasis::Rollup | CountBasis::None => None,
        CountBasis::SumOfDays => Some(
            "conversations and claude_code_sessions are each day's distinct count summed over \
             the range (the API did not give a range rollup): one active on two days counts \
             twice",
        ),
        CountBasis::Mixed => Some(
            "conversations and claude_code_sessions count each once over the days the API \
             still serves, and per day summed over the older days the store holds: an upper \
             bound",
        ),
    }
}

/// Serializes rows as a JSON array (one object per line) or CSV with a header, to a file
/// (written beside it first, then moved into place, so a failure never leaves half a file)
/// or to standard output. Returns the number of rows.
pub fn write_rows<T: Serialize + Default>(
    rows: &[T],
    format: Format,
    output: Option<&Path>,
) -> Result<usize, String> {
    let mut buffer = Vec::new();
    render(rows, format, &mut buffer).map_err(|e| format!("could not format the export: {e}"))?;
    match output {
        Some(path) => write_file(path, &buffer),
        None => crate::stdout::write(&buffer)
            .map_err(|e| format!("could not write to standard output: {e}")),
    }?;
    Ok(rows.len())
}

/// Formats rows into `out`.
pub fn render<T: Serialize + Default>(
    rows: &[T],
    format: Format,
    out: &mut impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    match format {
        Format::Json => {
            out.write_all(b"[")?;
            for (i, row) in rows.iter().enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, row)?;
            }
            out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })?;
        }
        Format::Csv => {
            // Serialized once as plain CSV, then every cell made safe to open in a spreadsheet.
            let mut plain = csv::Writer::from_writer(Vec::new());
            for row in rows {
                plain.serialize(row)?;
            }
            // No rows still has its header, so a script reading the file finds its columns.
            if rows.is_empty() {
                plain.serialize(T::default())?;
            }
            let mut plain = plain.into_inner().map_err(|e| e.into_error())?;
            if rows.is_empty() {
                let header_end = plain.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
                plain.truncate(header_end);
            }
            let mut cells = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(plain.as_slice());
            let mut writer = csv::Writer::from_writer(&mut *out);
            for record in cells.records() {
                writer.write_record(record?.iter().map(spreadsheet_safe))?;
            }
            writer.flush()?;
        }
    }
    Ok(())
}

/// A CSV cell as a spreadsheet may safely show it: control characters (terminal escape
/// sequences, line breaks) removed, and a cell a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return, e.g. `=HYPERLINK(…)`) prefixed with `'` —
/// unless it is a plain number such as `-3`. Values come from the API, so from anyone who can
/// name a project or a skill.
pub fn spreadsheet_safe(cell: &str) -> String {
    let clean: String = cell.chars().filter(|c| !c.is_control()).collect();
    let leading_formula = cell.starts_with(['\t', '\r']) || clean.starts_with(['=', '+', '-', '@']);
    let number = clean.parse::<f64>().is_ok_and(f64::is_finite);
    if leading_formula && !number {
        format!("'{clean}")
    } else {
        clean
    }
}

/// Shows sync progress on stderr once the work takes more than a moment: a bar on a terminal,
/// a line every few seconds otherwise.
struct Reporter {
    started: Instant,
    last_line: Option<Instant>,
    bar: Option<indicatif::ProgressBar>,
    terminal: bool,
}

/// How long the work may take before progress is shown.
const QUIET_FOR: Duration = Duration::from_millis(800);
/// How often a plain progress line is written when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

impl Reporter {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            last_line: None,
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn event(&mut self, event: &SyncEvent) {
        match event {
            SyncEvent::Notice(text) => self.say(&format!("topogy: note: {text}")),
            SyncEvent::Progress(_, p) | SyncEvent::BackfillProgress(_, p) => self.progress(p),
            SyncEvent::Finished(..)
            | SyncEvent::BackfillFinished(..)
            | SyncEvent::Stored(_)
            | SyncEvent::Organization(_)
            | SyncEvent::OtherSyncing(_)
            | SyncEvent::Idle => {}
        }
    }

    fn say(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn progress(&mut self, p: &ProgressSnapshot) {
        if self.started.elapsed() < QUIET_FOR {
            return;
        }
        let status = p.wait_text();
        if self.terminal {
            let bar = self.bar.get_or_insert_with(|| {
                let bar = indicatif::ProgressBar::new(p.planned);
                let style = indicatif::ProgressStyle::with_template(
                    "{spinner} fetching [{bar:30}] {pos}/{len} requests {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                bar.set_style(style.progress_chars("=> "));
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            });
            bar.set_length(p.planned.max(p.done));
            bar.set_position(p.done);
            bar.set_message(status);
        } else if self.last_line.is_none_or(|t| t.elapsed() >= LINE_EVERY) {
            self.last_line = Some(Instant::now());
            eprintln!(
                "topogy: fetching: {}/{} requests {status}",
                p.done,
                p.planned.max(p.done)
            );
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
