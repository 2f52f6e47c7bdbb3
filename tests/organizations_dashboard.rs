//! The dashboard of one profile used with organization A, then B, then A again: B's screens
//! hold nothing of A's, say that the profile last showed A, and A comes back from its own
//! store without a request.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod dashboard_common;

use std::collections::BTreeSet;
use std::time::Duration as StdDuration;

use tokio::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use topogy::credentials::ApiKey;
use topogy::metrics::{Dashboard, RangePreset};
use topogy::sim::{self, SimConfig, SimHandle};
use topogy::store::lock::lock_path;
use topogy::store::orgs::key_tag;
use topogy::store::{OrgStores, Store, SyncLock};
use topogy::sync::{Home, JobId, Need, Reached, SyncError, SyncEvent, SyncOutcome, SyncTask};
use topogy::tui::action::{Action, Tab};
use topogy::tui::model::{DateRange, Model, Work};
use topogy::tui::ui::{self, Theme};
use topogy::tui::update::{needs, update};

use dashboard_common::{TODAY, load_dashboard, loaded_model, now, syncer};

async fn simulator(seed: u64) -> SimHandle {
    sim::spawn(SimConfig {
        users: 40,
        seed,
        today: TODAY,
        requests_per_window: 100_000,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn range() -> DateRange {
    DateRange::preset(RangePreset::Days(30), TODAY)
}

/// What one dashboard start showed: the model after its sync, the requests it made, and the
/// organization it reached.
struct Shown {
    model: Model,
    requests: usize,
    reached: Option<Reached>,
}

/// Starts the dashboard's engine on the profile's stores as `topogy` does: the store of the
/// organization the key is known to reach, else none until the first sync learns it.
async fn show(sim: &SimHandle, stores: &OrgStores) -> Shown {
    let tag = key_tag(&ApiKey::new(sim::DEMO_KEY).fingerprint(), &sim.base_url());
    let known = stores.reached_by(&tag);
    let mut notices = Vec::new();
    let store = match &known {
        Some(org) => {
            let (store, notice) = stores.open(org, &tag, now()).unwrap();
            notices.extend(notice.map(|n| n.0));
            store
        }
        None => Store::open_in_memory().unwrap(),
    };
    let mut syncer =
        syncer(sim, store, now()).at_home(Home::new(stores.clone(), tag, known.clone()));
    let before = sim.request_count();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut first: Option<SyncOutcome> = None;
    for need in needs(&range(), TODAY) {
        let outcome = syncer.sync(&need, &tx).await.unwrap();
        first.get_or_insert(outcome);
    }
    let mut reached = None;
    while let Ok(event) = rx.try_recv() {
        match event {
            SyncEvent::Notice(text) => notices.push(text),
            SyncEvent::Organization(r) => reached = Some(r),
            _ => {}
        }
    }
    let org = known.or_else(|| reached.as_ref().map(|r| r.organization.clone()));
    let reader = Store::open_reader(&stores.path(&org.unwrap())).unwrap();
    let outcome = first.unwrap();
    let range = range();
    let dashboard = Dashboard::load(
        &reader,
        range.from,
        range.to,
        now(),
        Some(&outcome.coverage),
    )
    .unwrap();
    let mut model = loaded_model(range, now(), dashboard, outcome.coverage, outcome.requests);
    for notice in notices {
        update(&mut model, Action::SyncNotice(notice));
    }
    Shown {
        model,
        requests: sim.request_count() - before,
        reached,
    }
}

fn draw(model: &mut Model, tab: Tab, (width, height): (u16, u16)) -> Terminal<TestBackend> {
    update(model, Action::GoTab(tab));
    update(model, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(model, &Theme::mono(), frame))
        .unwrap();
    terminal
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    buffer
        .content
        .chunks(usize::from(buffer.area.width))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_switching_organizations_the_dashboard_shows_only_the_new_ones_data() {
    let (a, b) = (simulator(7).await, simulator(8).await);
    let (org_a, org_b) = (a.org().organization_id(), b.org().organization_id());
    let dir = tempfile::tempdir().unwrap();
    let stores = OrgStores::new(dir.path().join("default"));

    let shown_a = show(&a, &stores).await;
    assert_eq!(
        shown_a.reached.map(|r| r.organization).as_deref(),
        Some(org_a)
    );

    let mut shown_b = show(&b, &stores).await;
    assert_eq!(
        shown_b.reached.map(|r| r.organization).as_deref(),
        Some(org_b)
    );
    let emails_b: BTreeSet<&str> = b.org().members().iter().map(|m| m.email.as_str()).collect();
    let only_a: Vec<&str> = a
        .org()
        .members()
        .iter()
        .map(|m| m.email.as_str())
        .filter(|e| !emails_b.contains(e))
        .collect();
    assert!(!only_a.is_empty());
    // The whole table at a size that lists every person.
    let all = screen(&draw(&mut shown_b.model, Tab::Developers, (160, 60)));
    for email in &only_a {
        assert!(!all.contains(email), "A's {email} shows under B");
    }
    for member in a.org().members() {
        assert!(!all.contains(&member.id), "A's user id shows under B");
    }
    let developers = draw(&mut shown_b.model, Tab::Developers, (80, 24));
    insta::assert_snapshot!("org_b_after_org_a_developers_80x24", developers.backend());
    let status = draw(&mut shown_b.model, Tab::Status, (80, 24));
    let text = screen(&draw(&mut shown_b.model, Tab::Status, (160, 48)));
    assert!(text.contains(org_b), "{text}");
    assert!(text.contains("this key reaches"), "{text}");
    let switch = format!("this key reaches {org_b}; this profile last showed {org_a}");
    assert!(shown_b.model.notices.iter().any(|n| n.starts_with(&switch)));
    insta::assert_snapshot!("org_b_after_org_a_status_80x24", status.backend());

    // Back to A: its own store, every day it holds is final, so no request at all.
    let mut back = show(&a, &stores).await;
    assert_eq!(back.requests, 0, "switching back to A makes no request");
    assert!(back.reached.is_none(), "A's store was known without asking");
    let again = screen(&draw(&mut back.model, Tab::Developers, (160, 60)));
    let emails_a: BTreeSet<&str> = a.org().members().iter().map(|m| m.email.as_str()).collect();
    for email in emails_b.iter().filter(|e| !emails_a.contains(*e)) {
        assert!(!again.contains(email), "B's {email} shows under A");
    }
    let first_a = shown_a.model.selected_developer().unwrap().email.clone();
    assert!(again.contains(&first_a), "A's people are back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_dashboard_waits_for_the_syncing_one_reloading_meanwhile_then_shows_the_same() {
    let sim = simulator(7).await;
    let dir = tempfile::tempdir().unwrap();
    let stores = OrgStores::new(dir.path().join("default"));
    let first = show(&sim, &stores).await;
    let org = sim.org().organization_id();

    // Another process syncs this organization: it holds the lock.
    let held = SyncLock::try_acquire(&lock_path(&stores.path(org)))
        .unwrap()
        .unwrap();
    let tag = key_tag(&ApiKey::new(sim::DEMO_KEY).fingerprint(), &sim.base_url());
    let (store, _) = stores.open(org, &tag, now()).unwrap();
    let second =
        syncer(&sim, store, now()).at_home(Home::new(stores.clone(), tag, Some(org.to_owned())));
    let mut task = SyncTask::spawn(second);
    let range = range();
    task.request(JobId::default(), Need::dashboard(range.from, range.to))
        .unwrap();
    let mut waiting = false;
    let mut elsewhere = None;
    let mut reloads = 0;
    let deadline = Instant::now() + StdDuration::from_millis(4500);
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, task.events.recv()).await {
        match event {
            SyncEvent::Notice(text) => waiting |= text.starts_with("another topogy is syncing"),
            SyncEvent::Stored(_) => reloads += 1,
            SyncEvent::OtherSyncing(other) => elsewhere = Some(other),
            SyncEvent::Finished(..) => panic!("finished while another process held the lock"),
            _ => {}
        }
    }
    assert!(
        waiting,
        "the second dashboard says another topogy is syncing"
    );
    assert!(reloads >= 2, "it reloads while waiting ({reloads})");
    // What the waiting dashboard's status bar says meanwhile.
    let mut model = first.model;
    model.sync.refresh = Work::Running {
        job: JobId(1),
        needs: 1,
    };
    update(&mut model, Action::OtherSyncing(elsewhere.unwrap()));
    let terminal = draw(&mut model, Tab::Overview, (80, 24));
    let bottom = screen(&terminal)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(
        bottom.contains("another topogy is syncing: showing its results"),
        "{bottom}"
    );
    insta::assert_snapshot!("second_dashboard_waiting_80x24", terminal.backend());

    let released = Instant::now();
    drop(held);
    let before = sim.request_count();
    let outcome = loop {
        match task.events.recv().await.unwrap() {
            SyncEvent::Finished(_, result) => break result.unwrap(),
            _ => continue,
        }
    };
    eprintln!(
        "the second dashboard went on {:?} after the lock was released",
        released.elapsed()
    );
    assert_eq!(sim.request_count(), before, "everything was already held");
    assert_eq!(outcome.requests, 0);
    let syncer = task.finish().await.unwrap();
    let dashboard = load_dashboard(syncer.store(), &range, &outcome.coverage);
    assert_eq!(
        Some(&dashboard.developers),
        model.data().map(|d| &d.developers),
        "both dashboards show the same people and numbers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_from_another_organization_is_never_written_to_the_store_a_key_was_known_for() {
    let sim = simulator(8).await;
    let dir = tempfile::tempdir().unwrap();
    let stores = OrgStores::new(dir.path().join("default"));
    let tag = key_tag(&ApiKey::new(sim::DEMO_KEY).fingerprint(), &sim.base_url());
    // A record that this key reaches another organization (it never can; a guard all the same).
    let (store, _) = stores
        .open("org_01SomeOtherOrganization", &tag, now())
        .unwrap();
    let mut syncer = syncer(&sim, store, now()).at_home(Home::new(
        stores.clone(),
        tag.clone(),
        Some("org_01SomeOtherOrganization".to_owned()),
    ));
    let range = range();
    let cost_only = Need {
        people_totals: false,
        ..Need::developers(range.from, range.to)
    };
    let (tx, _rx) = mpsc::unbounded_channel();
    let refused = syncer.sync(&cost_only, &tx).await;
    assert!(
        matches!(refused, Err(SyncError::OtherOrganization { .. })),
        "{refused:?}"
    );
    let other = Store::open_reader(&stores.path("org_01SomeOtherOrganization")).unwrap();
    assert_eq!(
        other.last_fetches().unwrap(),
        Vec::new(),
        "nothing was written there"
    );
    assert_eq!(
        stores.reached_by(&tag),
        None,
        "the wrong record is forgotten"
    );

    // The next sync learns where the key belongs and fills that store.
    syncer.sync(&cost_only, &tx).await.unwrap();
    let own = sim.org().organization_id();
    assert_eq!(stores.reached_by(&tag).as_deref(), Some(own));
    let store = Store::open_reader(&stores.path(own)).unwrap();
    let fetched = store.last_fetches().unwrap();
    assert_eq!(fetched.len(), 1, "{fetched:?}");
    let window = (fetched[0].start, fetched[0].end);
    assert!(!store.user_cost(window.0, window.1).unwrap().is_empty());
}
