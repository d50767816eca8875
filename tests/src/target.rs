//! Where a suite runs: the emulator on a loopback port, or the real servers.

use std::time::Duration;

use serde_json::Value;
use trove_emulator::{Config, RunningEmulator};
use troveclient::{Client, ClientBuilder, Dbaas, WaitOptions};

use crate::recorder::Recorder;

/// A Trove (and maybe Keystone) to run against.
pub struct Target {
    /// `emulator`, `real` or `remote`.
    pub name: &'static str,
    /// The Trove root URL, such as `http://127.0.0.1:8779`.
    pub trove_url: String,
    /// The Keystone v3 URL, when there is one.
    pub keystone_url: Option<String>,
    /// The facts the real servers were started with (users, project ids).
    pub facts: Value,
    /// How waits poll on this target.
    pub wait: WaitOptions<'static>,
    _emulator: Option<RunningEmulator>,
}

impl Target {
    /// Starts an emulator on `127.0.0.1:0` whose transitions happen after two reads, so waits
    /// finish after a few polls that do not pause: no emulator test sleeps.
    pub async fn emulator() -> Target {
        let running = trove_emulator::Emulator::start(Config::with_reads(2))
            .await
            .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"));
        Target {
            name: "emulator",
            trove_url: running.url(),
            keystone_url: Some(format!("{}/v3", running.url())),
            facts: serde_json::json!({
                "demo_project_id": trove_emulator::DEMO_PROJECT_ID,
            }),
            wait: WaitOptions::default()
                .fixed(Duration::ZERO)
                .timeout(Duration::from_secs(20)),
            _emulator: Some(running),
        }
    }

    /// The real servers, from the facts file `cargo xtask real-servers up` wrote
    /// (`$TROVE_REAL_FACTS`, else `$TROVE_REAL_ROOT/facts.json`, else
    /// `/tmp/trove-real-servers/facts.json`). Panics with a hint when they are not up.
    pub fn real() -> Target {
        let path = std::env::var("TROVE_REAL_FACTS").unwrap_or_else(|_| {
            let root = std::env::var("TROVE_REAL_ROOT")
                .unwrap_or_else(|_| "/tmp/trove-real-servers".into());
            format!("{root}/facts.json")
        });
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("no facts at {path} ({e}): start the servers with `cargo xtask real-servers up`")
        });
        let facts: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let trove_url = facts["trove_url"]
            .as_str()
            .unwrap_or("http://127.0.0.1:8779")
            .trim_end_matches('/')
            .to_owned();
        let keystone_url = facts["keystone_url"].as_str().map(str::to_owned);
        Target {
            name: "real",
            trove_url,
            keystone_url,
            facts,
            wait: timed_waits(),
            _emulator: None,
        }
    }

    /// A Trove already serving at `trove_url` (the emulator's binary, say), polled like the real
    /// server: its delays are measured in time, not in reads.
    pub fn remote(trove_url: &str) -> Target {
        Target {
            name: "remote",
            trove_url: trove_url.trim_end_matches('/').to_owned(),
            keystone_url: None,
            facts: Value::Null,
            wait: timed_waits(),
            _emulator: None,
        }
    }

    /// The auth URL of the usage guide's fake strategy on this target.
    pub fn fake_auth_url(&self) -> String {
        format!("{}/v1.0/auth", self.trove_url)
    }

    /// A client builder with the fake-mode contract for `tenant`.
    pub fn fake_builder(&self, tenant: &str) -> ClientBuilder {
        Dbaas::new("jsmith", "abcdef", tenant, &self.fake_auth_url()).auth_strategy("fake")
    }

    /// A client with the fake-mode contract for `tenant`.
    pub fn fake_client(&self, tenant: &str) -> Client {
        self.fake_builder(tenant)
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"))
    }

    /// A fake-mode client whose exchanges `recorder` records.
    pub fn recorded_client(&self, tenant: &str, recorder: &Recorder) -> Client {
        self.fake_builder(tenant)
            .layer(recorder.layer())
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"))
    }
}

/// How waits poll a server whose delays are measured in time: fake mode takes about 11 s to
/// build and 10 s to back up, so poll like a person would.
fn timed_waits() -> WaitOptions<'static> {
    WaitOptions::default()
        .fixed(Duration::from_millis(500))
        .timeout(Duration::from_secs(120))
}

/// Returns a tenant id no other test uses, so tests on one server do not see each other's
/// instances (in fake mode any tenant exists).
pub fn unique_tenant(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}
