//! Emulator settings: page sizes, limits, task delays and the Keystone user table.

use std::time::Duration;

/// How long a transitional status (BUILD, SHUTDOWN, NEW, REBOOT, RESIZE) lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Measured with `tokio::time::Instant`, so paused tokio time in tests drives it.
    Time(Duration),
    /// The transitional status is shown to the first `n` GET-shows of the resource, then it moves
    /// on; `Reads(0)` completes on the first show.
    Reads(u32),
}

/// A user the emulator's Keystone v3 accepts (password method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoneUser {
    /// User name, matched together with the domain.
    pub name: String,
    /// Password in clear text (this is a test double).
    pub password: String,
    /// Domain name (`Default`); the domain id is its lower-case form.
    pub domain: String,
    /// Name of the user's one project, which is also its default project.
    pub project_name: String,
    /// Id of that project (32 hex digits, as Keystone makes them); it is the Trove tenant id.
    pub project_id: String,
}

impl KeystoneUser {
    /// Builds a user in the `Default` domain.
    pub fn new(name: &str, password: &str, project_name: &str, project_id: &str) -> Self {
        Self {
            name: name.to_owned(),
            password: password.to_owned(),
            domain: "Default".to_owned(),
            project_name: project_name.to_owned(),
            project_id: project_id.to_owned(),
        }
    }
}

/// Everything that tunes an [`Emulator`](crate::Emulator).
#[derive(Debug, Clone)]
pub struct Config {
    /// Page size and cap of `limit` for paginated lists (Trove's `*_page_size`, default 20).
    pub page_size: usize,
    /// Largest volume in GB; bigger creates answer 413 `overLimit` (default 25).
    pub max_volume_size: u64,
    /// BUILD -> ACTIVE after create.
    pub build: Delay,
    /// SHUTDOWN shown after delete, then 404.
    pub delete: Delay,
    /// Backup NEW -> COMPLETED (also how long a deleted backup stays visible).
    pub backup: Delay,
    /// REBOOT -> ACTIVE after a restart action.
    pub restart: Delay,
    /// RESIZE -> ACTIVE after a resize action.
    pub resize: Delay,
    /// Host (`name:port`) used in links instead of the request's `Host` header.
    pub advertised_host: Option<String>,
    /// Users of the built-in Keystone v3.
    pub keystone_users: Vec<KeystoneUser>,
    /// Whether the Keystone catalog names this emulator as the `object-store` (Swift) that holds
    /// published guest logs (default true; the captured cloud had no Swift).
    pub object_store: bool,
}

/// Project id of the default `demo` project (the one the captured Keystone made).
pub const DEMO_PROJECT_ID: &str = "720853f53c8640d78d83056413bf5271";
/// Project id of the default `admin` project.
pub const ADMIN_PROJECT_ID: &str = "cc3e04e205ff437fb92ab0d07db9aea1";

impl Default for Config {
    fn default() -> Self {
        Self {
            page_size: 20,
            max_volume_size: 25,
            build: Delay::Time(Duration::from_secs(2)),
            delete: Delay::Time(Duration::from_millis(500)),
            backup: Delay::Time(Duration::from_secs(2)),
            restart: Delay::Time(Duration::from_millis(500)),
            resize: Delay::Time(Duration::from_secs(1)),
            advertised_host: None,
            keystone_users: vec![
                KeystoneUser::new("jsmith", "abcdef", "demo", DEMO_PROJECT_ID),
                KeystoneUser::new("admin", "adminpw", "admin", ADMIN_PROJECT_ID),
            ],
            object_store: true,
        }
    }
}

impl Config {
    /// Returns a config whose every delay is `Delay::Reads(n)`: handy for tests without time.
    pub fn with_reads(n: u32) -> Self {
        let d = Delay::Reads(n);
        Self {
            build: d,
            delete: d,
            backup: d,
            restart: d,
            resize: d,
            ..Self::default()
        }
    }
}
