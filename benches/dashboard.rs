//! The Developers tab with 100 and with 10,000 people: frame time, time to the first frame from
//! a warm store, key handling, and peak memory. `cargo bench --bench dashboard`.
//!
//! The store is filled directly through `Store`'s writers (30 days of per-person rows, range
//! totals, per-person cost, summaries, cost by day), so the run is fast and offline. Each size
//! is measured in a child process of its own, so its peak memory (`VmHWM`) is its own.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot set up should stop

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;
use topogy::metrics::{self, Dashboard, RangePreset, coverage_from_store};
use topogy::store::{
    Activity, AdoptionItem, CostLine, Dataset, FetchMeta, PersonCost, Store, SummaryDay, next_day,
};
use topogy::sync::Segment;
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model};
use topogy::tui::ui::widgets::count;
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::{Command, update};

const SIZES: [usize; 2] = [100, 10_000];
const SCREEN: (u16, u16) = (160, 48);
const DAYS: i64 = 30;
/// Engagement trails the calendar by this many days, as the API's does.
const LAG: i64 = 2;
const FRAMES: usize = 1_000;
const FIRST_FRAMES: usize = 15;
const KEYS: usize = 200;
const CHILD_FLAG: &str = "--measure-one-size";
/// Tells the child to measure range switches over [`LONGEST`] instead.
const HISTORY_FLAG: &str = "--history";
/// People in the organization whose longest history is measured.
const HISTORY_PEOPLE: usize = 10_000;
/// Rounds of 30 → 90 → 365 → 30 days.
const SWITCH_ROUNDS: usize = 7;

/// A fixed clock, so every run draws the same range.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 30, 12, 0, 0).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == CHILD_FLAG) {
        let people: usize = args[i + 1].parse().unwrap();
        let rows: usize = args[i + 2].parse().unwrap();
        let path = Path::new(&args[i + 3]);
        match args.get(i + 4).map(String::as_str) {
            Some(HISTORY_FLAG) => measure_history(people, rows, path),
            _ => measure(people, rows, path),
        }
        return;
    }
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "topogy dashboard benchmark — Developers tab at {}×{}, {DAYS} days of data, {cores} core(s), {} build",
        SCREEN.0,
        SCREEN.1,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "optimized"
        }
    );
    let only_history = args.iter().any(|a| a == "history");
    let mut lines = Vec::new();
    for people in SIZES.into_iter().filter(|_| !only_history) {
        lines.push(run_child(people, &MONTH, None));
    }
    if !lines.is_empty() {
        println!();
        println!(
            "| people | store rows | first frame median | first frame p95 | frame median | frame p95 | frame, last page median | filter key median | sort key median | peak RSS |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for line in lines {
            print!("{line}");
        }
    }
    let history = run_child(HISTORY_PEOPLE, &LONGEST, Some(HISTORY_FLAG));
    println!();
    println!(
        "{} people, {} days of activity and {} of cost: a range switch is the key, \
         `Dashboard::load` of the new range from the store, `update(DataLoaded)` and a draw \
         ({SWITCH_ROUNDS} rounds of 30 → 90 → 365 → 30 days); peak RSS is the process's after \
         its first switch to the range.",
        thousands(HISTORY_PEOPLE),
        LONGEST.activity_days,
        LONGEST.cost_days
    );
    println!();
    println!("| range | switch median | switch p95 | switch CPU median | peak RSS |");
    println!("|---|---:|---:|---:|---:|");
    print!("{history}");
}

/// Fills a store of `people` with `history` and measures it in a child process of its own (so
/// the peak memory is that child's); returns the child's table rows.
fn run_child(people: usize, history: &History, mode: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    // TOPOGY_BENCH_STORE=dir keeps the longest history's store in dir and reuses it on later
    // runs (the same store before and after a change, or for a profiler).
    let kept = std::env::var_os("TOPOGY_BENCH_STORE").filter(|_| mode.is_some());
    let path = kept
        .map_or_else(|| dir.path().to_path_buf(), PathBuf::from)
        .join("topogy.db");
    let rows = if path.exists() {
        0
    } else {
        let started = Instant::now();
        let rows = populate(&path, people, history);
        eprintln!(
            "filled a store for {people} people ({rows} rows, {} days of activity, {} of cost) in {:.1?}",
            history.activity_days,
            history.cost_days,
            started.elapsed()
        );
        rows
    };
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg(CHILD_FLAG)
        .arg(people.to_string())
        .arg(rows.to_string())
        .arg(&path)
        .args(mode)
        .output()
        .unwrap();
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "measuring {people} people failed");
    String::from_utf8(out.stdout).unwrap()
}

/// How much a store holds, back from today, and which ranges its syncs covered (each leaves
/// its range totals and per-person cost windows behind).
struct History {
    /// Days of per-person activity, ending `LAG` days before today.
    activity_days: i64,
    /// Days of organization cost, ending today.
    cost_days: i64,
    /// The ranges (in days, ending today) a sync has covered.
    ranges: &'static [i64],
}

/// The store a finished sync of the last 30 days leaves.
const MONTH: History = History {
    activity_days: DAYS - LAG,
    cost_days: DAYS,
    ranges: &[DAYS],
};

/// The longest history the API serves, kept by a dashboard that has shown 30, 90 and 365 days:
/// 88 days of activity, 335 days of cost.
const LONGEST: History = History {
    activity_days: 88,
    cost_days: 335,
    ranges: &[30, 90, 365],
};

/// Longest window the cost endpoints accept in one request (the sync's windows).
const COST_WINDOW: i64 = 31;

/// The windows `[start, end)` a sync tiles `[from, today]` with: 31 days each, counted back
/// from the range's end.
fn cost_windows(from: NaiveDate, today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut windows = Vec::new();
    let mut end = next_day(today);
    while end > from {
        let start = (end - chrono::Duration::days(COST_WINDOW)).max(from);
        windows.push((start, end));
        end = start;
    }
    windows
}

/// Fills a store at `path` as finished syncs of `history` would leave it: one transaction a day
/// of per-person activity, range totals and per-person cost windows for each range, summaries,
/// organization cost by day in 31-day windows, adoption.
fn populate(path: &Path, people: usize, history: &History) -> usize {
    let (mut store, _) = Store::open(path).unwrap();
    let meta = FetchMeta {
        fetched_at: now(),
        data_refreshed_at: Some(now()),
    };
    let today = now().date_naive();
    let engagement_to = today - chrono::Duration::days(LAG);
    let activity_from = engagement_to - chrono::Duration::days(history.activity_days - 1);
    let cost_from = today - chrono::Duration::days(history.cost_days - 1);
    let range_start = |days: i64| today - chrono::Duration::days(days - 1);
    let mut random = Lcg(people as u64);
    let person = |i: usize| {
        (
            format!("user_{i:06}"),
            format!("{}.{i}@acme-robotics.example", NAMES[i % NAMES.len()]),
        )
    };
    let blank: Vec<Activity> = (0..people)
        .map(|i| {
            let (user_id, email) = person(i);
            Activity {
                user_id,
                email,
                ..Activity::default()
            }
        })
        .collect();
    // Each range's per-person totals over the days of it the store holds.
    let mut totals: Vec<Vec<Activity>> = history.ranges.iter().map(|_| blank.clone()).collect();
    let mut rows = 0;
    let mut day = activity_from;
    while day <= engagement_to {
        let activity: Vec<Activity> = (0..people)
            .map(|i| {
                let commits = random.below(12);
                let a = Activity {
                    user_id: blank[i].user_id.clone(),
                    email: blank[i].email.clone(),
                    messages: random.below(200),
                    conversations: random.below(40),
                    sessions: random.below(15),
                    commits,
                    pull_requests: commits / 4,
                    lines_added: commits * random.below(400),
                    lines_removed: commits * random.below(120),
                    tool_accepted: random.below(150),
                    tool_rejected: random.below(15),
                    cowork_messages: random.below(30),
                    web_searches: random.below(10),
                    ..Activity::default()
                };
                for (r, &days) in history.ranges.iter().enumerate() {
                    if day >= range_start(days) {
                        totals[r][i].add(&a);
                    }
                }
                a
            })
            .collect();
        rows += activity.len();
        store.replace_user_day(day, &activity, meta).unwrap();
        day = next_day(day);
    }
    let mut windows: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (r, &days) in history.ranges.iter().enumerate() {
        // The sync's range totals cover the days of the range the API serves.
        let start = range_start(days).max(activity_from);
        store
            .replace_rollup(start, next_day(engagement_to), &totals[r], meta)
            .unwrap();
        rows += totals[r].len();
        for window in cost_windows(range_start(days).max(cost_from), today) {
            if !windows.contains(&window) {
                windows.push(window);
            }
        }
    }
    for (start, end) in windows {
        let cost: Vec<PersonCost> = blank
            .iter()
            .map(|a| {
                let cents = Decimal::from(random.below(3_000_000)) / Decimal::from(100);
                PersonCost {
                    user_id: a.user_id.clone(),
                    email: a.email.clone(),
                    name: String::new(),
                    amount_cents: cents,
                    list_amount_cents: cents * Decimal::from(5) / Decimal::from(4),
                }
            })
            .collect();
        store.replace_user_cost(start, end, &cost, meta).unwrap();
        rows += cost.len();
    }
    let scale = people as u64;
    let mut summaries = Vec::new();
    let mut lines = Vec::new();
    let mut day = activity_from.min(cost_from);
    while day <= today {
        if day >= activity_from && day <= engagement_to {
            summaries.push(SummaryDay {
                date: day,
                dau: scale * 6 / 10 + random.below(scale / 10 + 1),
                wau: scale * 8 / 10,
                mau: scale * 9 / 10,
                assigned_seats: Some(scale),
                pending_invites: Some(scale / 20),
            });
        }
        if day >= cost_from {
            for (product, model) in [
                ("chat", "claude-sonnet-4-6"),
                ("chat", "claude-opus-4-6"),
                ("claude_code", "claude-sonnet-4-6"),
                ("claude_code", "claude-opus-4-6"),
            ] {
                let cents = Decimal::from(random.below(scale * 2_000 + 1));
                lines.push(CostLine {
                    date: day,
                    product: product.to_owned(),
                    model: model.to_owned(),
                    amount_cents: cents,
                    list_amount_cents: cents * Decimal::from(5) / Decimal::from(4),
                });
            }
        }
        day = next_day(day);
    }
    rows += summaries.len() + lines.len();
    store
        .replace_summaries(activity_from, next_day(engagement_to), &summaries, meta)
        .unwrap();
    for (start, end) in cost_windows(cost_from, today) {
        let window: Vec<CostLine> = lines
            .iter()
            .filter(|l| l.date >= start && l.date < end)
            .cloned()
            .collect();
        store.replace_cost_days(start, end, &window, meta).unwrap();
    }
    for dataset in [Dataset::Skills, Dataset::Connectors, Dataset::Projects] {
        let items: Vec<AdoptionItem> = NAMES
            .iter()
            .map(|name| AdoptionItem {
                name: (*name).to_owned(),
                users: random.below(scale),
                uses: random.below(scale * 3),
            })
            .collect();
        rows += items.len();
        store
            .replace_adoption(dataset, engagement_to, &items, meta)
            .unwrap();
    }
    rows
}

/// Runs in the child: every measurement for one size, printed as one table row.
fn measure(people: usize, rows: usize, path: &Path) {
    let theme = Theme::dark();
    let range = DateRange::preset(RangePreset::Days(DAYS as u16), now().date_naive());

    // Time to the first frame: open the store file, load, build the model, draw once.
    let mut first = Vec::new();
    let mut terminal = Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1)).unwrap();
    for _ in 0..FIRST_FRAMES {
        let started = Instant::now();
        let model = first_frame(path, &range, &theme, &mut terminal);
        first.push(started.elapsed());
        assert_eq!(model.developers.rows.len(), people);
    }
    breakdown(path, &range);

    // Frame time: draw the Developers tab again and again (top of the table, then last page).
    let mut model = first_frame(path, &range, &theme, &mut terminal);
    let frames = time_each(FRAMES, || draw(&model, &theme, &mut terminal));
    update(&mut model, Action::Bottom);
    let last_page = time_each(FRAMES, || draw(&model, &theme, &mut terminal));

    // Keys that reorder the table: typing into the filter, and sorting.
    update(&mut model, Action::Top);
    update(&mut model, Action::StartFilter);
    let mut typed = 0;
    let filter_keys = time_each(KEYS, || {
        // Alternate one character in and out, so the filter keeps matching many people.
        if typed % 2 == 0 {
            update(&mut model, Action::Input('a'));
        } else {
            update(&mut model, Action::Backspace);
        }
        typed += 1;
    });
    update(&mut model, Action::Back);
    let sort_keys = time_each(KEYS, || {
        update(&mut model, Action::SortNext);
    });

    println!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} MiB |",
        thousands(people),
        thousands(rows),
        ms(median(&first)),
        ms(p95(&first)),
        ms(median(&frames)),
        ms(p95(&frames)),
        ms(median(&last_page)),
        ms(median(&filter_keys)),
        ms(median(&sort_keys)),
        peak_rss_kib() as f64 / 1024.0
    );
}

/// Runs in the child: range switches over the longest history, and the peak memory of each
/// range, printed as table rows.
fn measure_history(people: usize, _rows: usize, path: &Path) {
    let theme = Theme::dark();
    let today = now().date_naive();
    let range = DateRange::preset(RangePreset::Days(30), today);
    let mut terminal = Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1)).unwrap();
    let started = Instant::now();
    let mut model = first_frame(path, &range, &theme, &mut terminal);
    let first = started.elapsed();
    assert_eq!(model.developers.rows.len(), people);
    let mut peaks: Vec<(u16, u64)> = vec![(30, peak_rss_kib())];
    eprintln!("  first frame at 30 days: {}", ms(first));
    let mut switches: BTreeMap<u16, Vec<Duration>> = BTreeMap::new();
    let mut cpu: BTreeMap<u16, Vec<Duration>> = BTreeMap::new();
    for round in 0..SWITCH_ROUNDS {
        for days in [90u16, 365, 30] {
            let (started, cpu_started) = (Instant::now(), thread_cpu());
            switch_range(&mut model, path, days, &theme, &mut terminal);
            switches.entry(days).or_default().push(started.elapsed());
            cpu.entry(days)
                .or_default()
                .push(thread_cpu().saturating_sub(cpu_started));
            if round == 0 && days != 30 {
                peaks.push((days, peak_rss_kib()));
                breakdown(path, &model.range);
            }
        }
    }
    for (days, peak) in peaks {
        let times = &switches[&days];
        println!(
            "| {days} days | {} | {} | {} | {:.0} MiB |",
            ms(median(times)),
            ms(p95(times)),
            ms(median(&cpu[&days])),
            peak as f64 / 1024.0
        );
    }
}

/// The key that picks a `days` range, the load it asks for (from the store, as the app does
/// before its sync answers), the model's update and the redrawn frame.
fn switch_range(
    model: &mut Model,
    path: &Path,
    days: u16,
    theme: &Theme,
    terminal: &mut Terminal<TestBackend>,
) {
    let commands = update(model, Action::PickRange(RangePreset::Days(days)));
    for command in commands {
        if let Command::Load { from, to, coverage } = command {
            let store = Store::open_reader(path).unwrap();
            let data = Dashboard::load(&store, from, to, now(), coverage.as_ref()).unwrap();
            update(model, Action::DataLoaded(Box::new(data)));
        }
    }
    draw(model, theme, terminal);
}

fn first_frame(
    path: &Path,
    range: &DateRange,
    theme: &Theme,
    terminal: &mut Terminal<TestBackend>,
) -> Model {
    let store = Store::open_reader(path).unwrap();
    let data = Dashboard::load(&store, range.from, range.to, now(), None).unwrap();
    let mut model = Model::new(range.clone(), now());
    model.size = SCREEN;
    model.tab = Tab::Developers;
    update(&mut model, Action::DataLoaded(Box::new(data)));
    draw(&model, theme, terminal);
    model
}

fn draw(model: &Model, theme: &Theme, terminal: &mut Terminal<TestBackend>) {
    terminal
        .draw(|frame| ui::render(model, theme, frame))
        .unwrap();
}

/// Where the first frame's time goes (printed to stderr, for finding what is slow).
fn breakdown(path: &Path, range: &DateRange) {
    let store = Store::open_reader(path).unwrap();
    let coverage = coverage_from_store(&store, range.from, range.to).unwrap();
    // Each part's thread CPU time, median of 5 (a busy machine inflates wall times).
    let cpu = |f: &mut dyn FnMut()| {
        let times: Vec<Duration> = (0..5)
            .map(|_| {
                let started = thread_cpu();
                f();
                thread_cpu().saturating_sub(started)
            })
            .collect();
        ms(median(&times))
    };
    let t_coverage = cpu(&mut || drop(coverage_from_store(&store, range.from, range.to)));
    let t_people = cpu(&mut || drop(metrics::developers(&store, &coverage).unwrap()));
    // Of the per-person totals: engagement (range totals or stored days) and cost.
    let t_activity = cpu(&mut || {
        for segment in &coverage.engagement {
            match *segment {
                Segment::Days { start, end } => {
                    drop(store.person_totals(start, end.pred_opt().unwrap()).unwrap());
                }
                Segment::Rollup { start, end } => {
                    drop(store.rollup(start, end).unwrap());
                }
            }
        }
    });
    let t_cost = cpu(&mut || drop(store.person_cost_totals(&coverage.cost_windows).unwrap()));
    let t_daily = cpu(&mut || drop(metrics::daily(&store, range.from, range.to).unwrap()));
    let t_known = cpu(&mut || drop(store.known_people().unwrap()));
    let t_load =
        cpu(&mut || drop(Dashboard::load(&store, range.from, range.to, now(), None).unwrap()));
    let data = Dashboard::load(&store, range.from, range.to, now(), None).unwrap();
    let mut model = Model::new(range.clone(), now());
    model.size = SCREEN;
    let started = thread_cpu();
    update(&mut model, Action::DataLoaded(Box::new(data)));
    let t_update = ms(thread_cpu().saturating_sub(started));
    eprintln!(
        "  {} days, CPU: Dashboard::load {t_load} (coverage {t_coverage}, per-person totals \
         {t_people}: engagement {t_activity}, cost of {} windows {t_cost}; daily series \
         {t_daily}, known people {t_known}); DataLoaded {t_update}",
        (range.to - range.from).num_days() + 1,
        coverage.cost_windows.len(),
    );
}

/// The CPU time this thread has used: a switch's own work, which other processes on a busy
/// machine do not add to (its wall time they do).
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

fn time_each(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect()
}

fn median(times: &[Duration]) -> Duration {
    let mut v = times.to_vec();
    v.sort_unstable();
    v[v.len() / 2]
}

/// Nearest-rank 95th percentile.
fn p95(times: &[Duration]) -> Duration {
    let mut v = times.to_vec();
    v.sort_unstable();
    v[(v.len() * 95).div_ceil(100).saturating_sub(1)]
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn thousands(n: usize) -> String {
    count(n as u64)
}

/// The process's peak resident set size, in KiB (`VmHWM` in /proc/self/status).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// A small deterministic generator, so every run fills the same store.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if n == 0 { 0 } else { (self.0 >> 33) % n }
    }
}

const NAMES: [&str; 12] = [
    "ada", "ben", "chloe", "dev", "emeka", "fatima", "hana", "ivan", "jade", "kofi", "lena", "noor",
];
