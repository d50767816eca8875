//! The in-memory world: instances, their databases and users, backups and Keystone tokens, plus
//! the lazy task clock that moves statuses on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};

use tokio::time::Instant;

use crate::clock::Clock;
use crate::config::{Config, Delay};

/// Everything shared by clones of one emulator.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) requests: AtomicU64,
    /// The fault injection plan (empty unless a test or `--faults` sets one).
    pub(crate) faults: crate::faults::Faults,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        let inner = Inner::new(&config);
        Self {
            config,
            requests: AtomicU64::new(0),
            faults: crate::faults::Faults::default(),
            inner: Mutex::new(inner),
        }
    }

    /// Locks the world, first moving every finished task on.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler cannot panic while holding the lock (no unwraps), but a poisoned lock would
        // still hold consistent data, so keep serving.
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = guard.clock.now();
        guard.settle(now);
        guard
    }
}

/// A long-running task on a resource: it shows a transitional status until it is due.
#[derive(Debug, Clone)]
pub(crate) struct Pending<T> {
    pub(crate) task: T,
    started: Instant,
    delay: Delay,
    shows: u32,
}

impl<T> Pending<T> {
    pub(crate) fn new(task: T, started: Instant, delay: Delay) -> Self {
        Self {
            task,
            started,
            delay,
            shows: 0,
        }
    }

    /// Returns when the task finished, if it has.
    pub(crate) fn done_at(&self, now: Instant) -> Option<Instant> {
        match self.delay {
            // An unrepresentable end (a huge delay) never comes.
            Delay::Time(d) => self.started.checked_add(d).filter(|end| now >= *end),
            Delay::Reads(n) => (self.shows >= n).then_some(now),
        }
    }

    /// Counts one GET-show of the resource, for `Delay::Reads`.
    pub(crate) fn count_show(&mut self) {
        self.shows = self.shows.saturating_add(1);
    }
}

/// What an instance is busy with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InstanceTask {
    Build,
    Restart,
    /// Fake mode's Cinder never finishes: the resize ends in a "Polling request timed out." fault.
    ResizeVolume,
    ResizeFlavor(String),
    Delete,
}

/// A database user on an instance.
#[derive(Debug, Clone)]
pub(crate) struct DbUser {
    pub(crate) password: String,
    pub(crate) databases: BTreeSet<String>,
}

/// An instance fault (`fault` key of the detail view).
#[derive(Debug, Clone)]
pub(crate) struct InstanceFault {
    pub(crate) message: String,
    pub(crate) created: Instant,
}

/// One Trove instance.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub(crate) id: String,
    pub(crate) tenant: String,
    pub(crate) seq: u64,
    pub(crate) name: String,
    pub(crate) status: &'static str,
    pub(crate) operating_status: &'static str,
    pub(crate) flavor_id: String,
    pub(crate) volume_size: u64,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    pub(crate) service_status_updated: Instant,
    pub(crate) fault: Option<InstanceFault>,
    pub(crate) access: serde_json::Value,
    pub(crate) pending: Option<Pending<InstanceTask>>,
    pub(crate) databases: BTreeSet<String>,
    /// Keyed by `(name, host)`.
    pub(crate) users: BTreeMap<(String, String), DbUser>,
    pub(crate) root_enabled: bool,
    /// The replica source, for a replica.
    pub(crate) replica_of: Option<String>,
    /// Guest logs by name.
    pub(crate) logs: BTreeMap<String, crate::trove::logs::GuestLog>,
    /// TLS state of the datastore.
    pub(crate) ssl: crate::trove::ssl::SslState,
}

impl Instance {
    /// True when the instance can take actions and guest calls.
    pub(crate) fn is_ready(&self) -> bool {
        self.pending.is_none() && self.status == "ACTIVE"
    }

    /// Applies a finished task; returns true when the instance is gone.
    fn settle(&mut self, now: Instant) -> bool {
        let Some(at) = self.pending.as_ref().and_then(|p| p.done_at(now)) else {
            return false;
        };
        let Some(pending) = self.pending.take() else {
            return false;
        };
        match pending.task {
            InstanceTask::Delete => return true,
            InstanceTask::Build => {
                self.service_status_updated = at;
            }
            InstanceTask::Restart => {}
            InstanceTask::ResizeVolume => {
                self.fault = Some(InstanceFault {
                    message: "Polling request timed out.".to_owned(),
                    created: at,
                });
            }
            InstanceTask::ResizeFlavor(flavor) => self.flavor_id = flavor,
        }
        self.status = "ACTIVE";
        self.operating_status = "HEALTHY";
        self.updated = at;
        false
    }

    /// Starts a task, showing `status` until it is due.
    pub(crate) fn start(
        &mut self,
        task: InstanceTask,
        status: &'static str,
        now: Instant,
        d: Delay,
    ) {
        self.status = status;
        self.updated = now;
        self.pending = Some(Pending::new(task, now, d));
    }
}

/// What a backup is busy with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BackupTask {
    Create,
    Delete,
}

/// One backup.
#[derive(Debug, Clone)]
pub(crate) struct Backup {
    pub(crate) id: String,
    pub(crate) tenant: String,
    pub(crate) seq: u64,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) instance_id: String,
    pub(crate) parent_id: Option<String>,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    pub(crate) status: &'static str,
    pub(crate) pending: Option<Pending<BackupTask>>,
}

impl Backup {
    /// Applies a finished task; returns true when the backup is gone.
    fn settle(&mut self, now: Instant) -> bool {
        let Some(at) = self.pending.as_ref().and_then(|p| p.done_at(now)) else {
            return false;
        };
        let Some(pending) = self.pending.take() else {
            return false;
        };
        match pending.task {
            BackupTask::Delete => true,
            BackupTask::Create => {
                self.status = "COMPLETED";
                self.updated = at;
                false
            }
        }
    }
}

/// A Keystone token the emulator issued.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) user: usize,
    pub(crate) methods: Vec<String>,
    pub(crate) audit_id: String,
    pub(crate) issued: Instant,
    pub(crate) expires: Instant,
}

/// The mutable world behind the lock.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) clock: Clock,
    seq: u64,
    pub(crate) instances: BTreeMap<String, Instance>,
    pub(crate) backups: BTreeMap<String, Backup>,
    pub(crate) tokens: HashMap<String, Token>,
    /// Backup strategies of every project.
    pub(crate) backup_strategies: Vec<crate::trove::backup_strategies::Strategy>,
    /// Ids of the clusters whose root user was enabled.
    pub(crate) cluster_root: BTreeSet<String>,
    pub(crate) clusters: BTreeMap<String, crate::trove::clusters::Cluster>,
    pub(crate) configurations: BTreeMap<String, crate::trove::configurations::Configuration>,
    pub(crate) modules: BTreeMap<String, crate::trove::modules::Module>,
    pub(crate) mgmt: crate::trove::mgmt::MgmtState,
    /// Keystone user ids, parallel to `Config::keystone_users`.
    pub(crate) user_ids: Vec<String>,
}

impl Inner {
    fn new(config: &Config) -> Self {
        let user_ids = config
            .keystone_users
            .iter()
            .map(|_| uuid::Uuid::new_v4().simple().to_string())
            .collect();
        Self {
            clock: Clock::start(),
            seq: 0,
            instances: BTreeMap::new(),
            backups: BTreeMap::new(),
            tokens: HashMap::new(),
            backup_strategies: Vec::new(),
            cluster_root: BTreeSet::new(),
            clusters: BTreeMap::new(),
            configurations: BTreeMap::new(),
            modules: BTreeMap::new(),
            mgmt: Default::default(),
            user_ids,
        }
    }

    /// Returns a fresh, increasing creation sequence number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Moves every finished task on and drops what is gone.
    fn settle(&mut self, now: Instant) {
        self.instances.retain(|_, i| !i.settle(now));
        self.backups.retain(|_, b| !b.settle(now));
        self.tokens.retain(|_, t| t.expires > now);
        self.clusters.retain(|_, c| !c.settle(now));
    }

    /// Finds a tenant's instance.
    pub(crate) fn instance(&self, tenant: &str, id: &str) -> Option<&Instance> {
        self.instances.get(id).filter(|i| i.tenant == tenant)
    }

    /// Finds a tenant's instance, mutably.
    pub(crate) fn instance_mut(&mut self, tenant: &str, id: &str) -> Option<&mut Instance> {
        self.instances.get_mut(id).filter(|i| i.tenant == tenant)
    }
}
