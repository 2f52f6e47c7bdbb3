//! The OS keychain path of key custody, against a real Secret Service.
//!
//! Needs a session bus with an unlocked keyring, so it is ignored in a plain `cargo test`;
//! `.ci/run` runs it inside `dbus-run-session` with an unlocked gnome-keyring.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use topogy::credentials::storage::{self, Backend};
use topogy::credentials::{ApiKey, KeySource, resolve};

#[test]
#[ignore = "needs a Secret Service: .ci/run runs it under dbus-run-session with gnome-keyring"]
fn a_key_stored_in_the_keychain_is_found_again_and_never_written_to_a_file() {
    // The config directory and the bus come from the environment .ci/run sets up.
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "needs a session bus (see .ci/run)"
    );
    assert!(std::env::var_os("TOPOGY_API_KEY").is_none());
    assert!(
        storage::keychain_enabled(),
        "TOPOGY_KEYRING must not be off here"
    );
    storage::keychain_status().expect("the Secret Service answers");

    let profile = format!("keychain-test-{}", std::process::id());
    let key = ApiKey::new("sk-ant-api01-KEYCHAIN-ROUNDTRIP-0123456789");
    let backend = storage::save(&profile, &key, false).expect("stored in the keychain");
    assert_eq!(backend, Backend::Keychain);
    let path = storage::key_file_path(&profile).unwrap();
    assert!(
        !path.exists(),
        "no key file when the keychain works: {}",
        path.display()
    );

    let (found, from) = storage::load(&profile).unwrap().expect("the stored key");
    assert_eq!(from, Backend::Keychain);
    assert_eq!(found.expose(), key.expose());
    let resolved = resolve(false, &profile).unwrap();
    assert_eq!(resolved.source, KeySource::Keychain);
    assert_eq!(resolved.key.expose(), key.expose());

    let removed = storage::remove(&profile).unwrap();
    assert!(removed.contains(&Backend::Keychain), "{removed:?}");
    assert!(storage::load(&profile).unwrap().is_none());
}
