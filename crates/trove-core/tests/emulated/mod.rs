//! Shared setup of the integration tests that run against the in-process emulator: a client
//! (fake auth, token == tenant), a ready instance, and waits on paused tokio time.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use trove_core::{Client, ClientBuilder, Error, WaitOptions};
use trove_emulator::{Config, Emulator};

/// The usage guide's tenant.
pub const TENANT: &str = "12345";

/// Returns a fresh emulator with default (time-based) delays.
pub fn emulator() -> Emulator {
    Emulator::new(Config::default())
}

/// Returns a fresh emulator whose resources change state after `reads` reads (no real time).
pub fn emulator_with_reads(reads: u32) -> Emulator {
    Emulator::new(Config::with_reads(reads))
}

/// Returns a builder of a client of `tenant` over the emulator's in-process service, for a
/// test that adds to it.
pub fn builder_for(emulator: &Emulator, tenant: &str) -> ClientBuilder {
    Client::new(tenant, "abcdef", tenant, "http://localhost:8779/v1.0/auth")
        .auth_strategy("fake")
        .transport(emulator.service())
}

/// Returns a client of `tenant` over the emulator's in-process service.
pub fn client_for(emulator: &Emulator, tenant: &str) -> Client {
    builder_for(emulator, tenant).build().unwrap()
}

/// Returns a client of the usage guide's tenant.
pub fn client(emulator: &Emulator) -> Client {
    client_for(emulator, TENANT)
}

/// Returns an admin client (fake mode: a tenant starting with `admin`).
pub fn admin(emulator: &Emulator) -> Client {
    client_for(emulator, "admin")
}

/// Polls every second for up to ten minutes of (paused) time.
pub fn wait() -> WaitOptions<'static> {
    WaitOptions::default()
        .timeout(Duration::from_secs(600))
        .fixed(Duration::from_secs(1))
}

/// Polls every 10 ms for up to a minute: short enough for a timeout test to reach its end.
pub fn fast() -> WaitOptions<'static> {
    WaitOptions::default()
        .timeout(Duration::from_secs(60))
        .fixed(Duration::from_millis(10))
}

/// Returns the HTTP status of an error, if the server answered.
pub fn status(e: &Error) -> Option<u16> {
    e.status().map(|s| s.as_u16())
}

/// Creates an instance with a 1 GB volume and waits until it is ready; returns its id.
pub async fn ready_instance(client: &Client, name: &str) -> String {
    let instance = client
        .instances()
        .create(name, "1")
        .volume(1)
        .await
        .unwrap();
    client
        .instances()
        .wait_ready(&instance.id, wait())
        .await
        .unwrap();
    instance.id
}
