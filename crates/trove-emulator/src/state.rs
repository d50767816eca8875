//! The in-memory world: instances, their databases and users, backups and Keystone tokens, plus
//! the lazy task clock that moves statuses on.
//!
//! Settling is proportional to the tasks in flight, not to the world: started tasks are indexed
//! by when they fall due (`Tasks`) and tokens by when they expire (`Tokens`), so a request on a
//! world of 100,000 idle instances touches none of them.

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
    /// The control API's request log.
    pub(crate) control: crate::control::Control,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        let inner = Inner::new(&config);
        Self {
            config,
            requests: AtomicU64::new(0),
            faults: crate::faults::Faults::default(),
            control: crate::control::Control::default(),
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

    /// Makes `task`, begun `now`, the pending task in `slot` of the resource `kind` `id`.
    pub(crate) fn start_in(
        slot: &mut Option<Self>,
        kind: Kind,
        id: &str,
        task: T,
        now: Instant,
        delay: Delay,
    ) -> Started {
        let pending = Pending::new(task, now, delay);
        let started = Started::new(kind, id, &pending);
        *slot = Some(pending);
        started
    }

    /// Takes the task out of `slot` if it finished by `now`, with when it finished.
    pub(crate) fn take_done(slot: &mut Option<Self>, now: Instant) -> Option<(T, Instant)> {
        let at = slot.as_ref()?.done_at(now)?;
        slot.take().map(|p| (p.task, at))
    }

    /// Returns when the task finished, if it has.
    pub(crate) fn done_at(&self, now: Instant) -> Option<Instant> {
        match self.delay {
            // An unrepresentable end (a huge delay) never comes.
            Delay::Time(d) => self.started.checked_add(d).filter(|end| now >= *end),
            Delay::Reads(n) => (self.shows >= n).then_some(now),
        }
    }

    /// Makes the task due now, whatever its delay (the control API's settle).
    pub(crate) fn force(&mut self) {
        self.delay = Delay::Reads(0);
    }

    /// Counts one GET-show of the resource, for `Delay::Reads`.
    pub(crate) fn count_show(&mut self) {
        self.shows = self.shows.saturating_add(1);
    }

    /// Returns when the task falls due, as far as time alone can say.
    fn due(&self) -> Due {
        match self.delay {
            Delay::Time(d) => self.started.checked_add(d).map_or(Due::Never, Due::At),
            Delay::Reads(_) => Due::OnShow,
        }
    }
}

/// When a started task can fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    At(Instant),
    /// After enough GET-shows (`Delay::Reads`): checked on every settle while it is pending.
    OnShow,
    /// An unrepresentable end: the task never finishes, so nothing needs to look at it.
    Never,
}

/// The kinds of resource that run tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Instance,
    Backup,
    Cluster,
}

/// A task that was just started. The world settles only the tasks it was told about, so this is
/// `must_use`: forgetting to hand it to [`Inner::track`] would leave the resource in its
/// transitional status for ever, and the lint turns that mistake into a build failure.
#[must_use = "hand a started task to `Inner::track`, or it never finishes"]
#[derive(Debug)]
pub(crate) struct Started {
    kind: Kind,
    id: String,
    due: Due,
}

impl Started {
    pub(crate) fn new<T>(kind: Kind, id: &str, pending: &Pending<T>) -> Self {
        Self {
            kind,
            id: id.to_owned(),
            due: pending.due(),
        }
    }
}

/// The index of tasks in flight.
///
/// Entries may be stale (the task was cancelled, replaced or its resource removed); settling
/// checks the resource itself, so a stale entry costs one lookup and is dropped, while a
/// missing entry would be a bug. That is why every start yields a [`Started`].
#[derive(Debug, Default)]
struct Tasks {
    /// Time-delayed tasks by due instant.
    timed: BTreeSet<(Instant, Kind, String)>,
    /// Read-delayed tasks, which fall due on a GET-show rather than at a time.
    on_show: BTreeSet<(Kind, String)>,
}

/// Keystone tokens, with an index by expiry so dropping expired ones does not scan them all.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    by_id: HashMap<String, Token>,
    /// May hold entries of revoked tokens; they are skipped when they come up.
    expiry: BTreeSet<(Instant, String)>,
}

impl Tokens {
    pub(crate) fn get(&self, id: &str) -> Option<&Token> {
        self.by_id.get(id)
    }

    pub(crate) fn insert(&mut self, id: String, token: Token) {
        self.expiry.insert((token.expires, id.clone()));
        self.by_id.insert(id, token);
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Token> {
        self.by_id.remove(id)
    }

    pub(crate) fn clear(&mut self) {
        self.by_id.clear();
        self.expiry.clear();
    }

    /// Drops the tokens that expired by `now`.
    fn expire(&mut self, now: Instant) {
        while let Some((at, _)) = self.expiry.first() {
            if *at > now {
                break;
            }
            let Some((_, id)) = self.expiry.pop_first() else {
                break;
            };
            // The id may since have been revoked, or (in theory) reissued with a later expiry.
            if self.by_id.get(&id).is_some_and(|t| t.expires <= now) {
                self.by_id.remove(&id);
            }
        }
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
    /// An idle `ACTIVE` instance (flavor 1, 1 GB, no databases, users, task or fault) created
    /// at `now`; the create API overrides what the request sets, seeding keeps it as it is.
    pub(crate) fn ready(id: String, tenant: String, seq: u64, name: String, now: Instant) -> Self {
        Instance {
            id,
            tenant,
            seq,
            name,
            status: "ACTIVE",
            operating_status: "HEALTHY",
            flavor_id: "1".to_owned(),
            volume_size: 1,
            created: now,
            updated: now,
            service_status_updated: now,
            fault: None,
            access: serde_json::json!({}),
            pending: None,
            databases: BTreeSet::new(),
            users: BTreeMap::new(),
            root_enabled: false,
            replica_of: None,
            logs: crate::trove::logs::initial(),
            ssl: Default::default(),
        }
    }

    /// True when the instance can take actions and guest calls.
    pub(crate) fn is_ready(&self) -> bool {
        self.pending.is_none() && self.status == "ACTIVE"
    }

    /// Applies a finished task; returns true when the instance is gone.
    fn settle(&mut self, now: Instant) -> bool {
        let Some((task, at)) = Pending::take_done(&mut self.pending, now) else {
            return false;
        };
        match task {
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
    ) -> Started {
        self.status = status;
        self.updated = now;
        Pending::start_in(&mut self.pending, Kind::Instance, &self.id, task, now, d)
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
    /// `None` for an import (`restore_from`), which backs up no instance.
    pub(crate) instance_id: Option<String>,
    pub(crate) parent_id: Option<String>,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    pub(crate) status: &'static str,
    pub(crate) pending: Option<Pending<BackupTask>>,
    /// What an import recorded: the data's location and size, shown instead of the fake
    /// Swift's.
    pub(crate) imported: Option<Imported>,
    /// The datastore version the data belongs to.
    pub(crate) version_id: String,
    /// For the snapshot a replica create takes of its source, the replicas it seeds; empty for
    /// any other backup. Trove deletes the snapshot once they are built
    /// (trove/taskmanager/manager.py `_create_replication_slave`).
    pub(crate) seeds: Vec<String>,
}

/// The `restore_from` of an imported backup.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Imported {
    pub(crate) location: String,
    pub(crate) size: f64,
}

impl Backup {
    /// Applies a finished task; returns true when the backup is gone.
    fn settle(&mut self, now: Instant) -> bool {
        let Some((task, at)) = Pending::take_done(&mut self.pending, now) else {
            return false;
        };
        match task {
            BackupTask::Delete => true,
            BackupTask::Create => {
                self.status = "COMPLETED";
                self.updated = at;
                false
            }
        }
    }

    /// Starts a task (the status shown is derived from it).
    pub(crate) fn start(&mut self, task: BackupTask, now: Instant, d: Delay) -> Started {
        Pending::start_in(&mut self.pending, Kind::Backup, &self.id, task, now, d)
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

/// How many deleted instances the admin views can still show.
const MAX_DELETED_INSTANCES: usize = 10_000;

/// The mutable world behind the lock.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) clock: Clock,
    seq: u64,
    pub(crate) instances: BTreeMap<String, Instance>,
    /// Deleted instances with their deletion time, which Trove keeps as soft-deleted rows:
    /// the admin show with `?deleted=true` and the admin list with `deleted=true` find them.
    pub(crate) deleted_instances: BTreeMap<String, (Instance, Instant)>,
    pub(crate) backups: BTreeMap<String, Backup>,
    pub(crate) tokens: Tokens,
    tasks: Tasks,
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

/// Settles the resource `id` of `map` with `settle`, which says whether the resource is gone:
/// gives the resource taken out when it is, and whether a task still runs on one that stays
/// (`pending`); a missing resource has none.
fn settle_in<T>(
    map: &mut BTreeMap<String, T>,
    id: &str,
    settle: impl FnOnce(&mut T) -> bool,
    pending: impl FnOnce(&T) -> bool,
) -> (Option<T>, bool) {
    let Some(entry) = map.get_mut(id) else {
        return (None, false);
    };
    if settle(entry) {
        return (map.remove(id), false);
    }
    (None, pending(entry))
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
            deleted_instances: BTreeMap::new(),
            backups: BTreeMap::new(),
            tokens: Tokens::default(),
            tasks: Tasks::default(),
            backup_strategies: Vec::new(),
            cluster_root: BTreeSet::new(),
            clusters: BTreeMap::new(),
            configurations: BTreeMap::new(),
            modules: BTreeMap::new(),
            mgmt: Default::default(),
            user_ids,
        }
    }

    /// Keeps a deleted instance for the admin views, dropping the oldest beyond
    /// `MAX_DELETED_INSTANCES` so a long-running emulator's memory stays bounded.
    fn keep_deleted(&mut self, instance: Instance, at: Instant) {
        if self.deleted_instances.len() >= MAX_DELETED_INSTANCES {
            let oldest = self
                .deleted_instances
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(id, _)| id.clone());
            if let Some(id) = oldest {
                self.deleted_instances.remove(&id);
            }
        }
        self.deleted_instances
            .insert(instance.id.clone(), (instance, at));
    }

    /// Empties the Trove world (instances, backups, clusters, configurations, modules, registered
    /// datastores, strategies), keeping what belongs to Keystone (issued tokens, user ids) and the
    /// clock, so a client's session outlives the reset.
    pub(crate) fn reset(&mut self, config: &Config) {
        let mut fresh = Inner::new(config);
        fresh.clock = self.clock;
        fresh.tokens = std::mem::take(&mut self.tokens);
        fresh.user_ids = std::mem::take(&mut self.user_ids);
        *self = fresh;
    }

    /// Finishes every pending task now, whatever its delay, including tasks that started
    /// another; returns how many finished.
    pub(crate) fn settle_all(&mut self) -> usize {
        let mut finished = 0;
        // A finished task never starts another today; the bound guards against one that would.
        for _ in 0..8 {
            let mut due: Vec<(Kind, String)> = Vec::new();
            for (id, i) in &mut self.instances {
                if let Some(p) = i.pending.as_mut() {
                    p.force();
                    due.push((Kind::Instance, id.clone()));
                }
            }
            for (id, b) in &mut self.backups {
                if let Some(p) = b.pending.as_mut() {
                    p.force();
                    due.push((Kind::Backup, id.clone()));
                }
            }
            for (id, c) in &mut self.clusters {
                if let Some(p) = c.pending.as_mut() {
                    p.force();
                    due.push((Kind::Cluster, id.clone()));
                }
            }
            if due.is_empty() {
                break;
            }
            let now = self.clock.now();
            for (kind, id) in &due {
                self.settle_one(*kind, id, now);
            }
            finished += due.len();
        }
        // The index still lists the settled tasks; like any stale entry, each is dropped when
        // it comes up.
        self.settle(self.clock.now());
        finished
    }

    /// Makes later sequence numbers exceed `seq` (after loading saved resources).
    pub(crate) fn bump_seq(&mut self, seq: u64) {
        self.seq = self.seq.max(seq);
    }

    /// Returns a fresh, increasing creation sequence number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Registers a started task, so it is settled when it falls due.
    pub(crate) fn track(&mut self, started: Started) {
        let Started { kind, id, due } = started;
        match due {
            Due::At(at) => {
                self.tasks.timed.insert((at, kind, id));
            }
            Due::OnShow => {
                self.tasks.on_show.insert((kind, id));
            }
            Due::Never => {}
        }
    }

    /// Moves every finished task on and drops what is gone, visiting only the tasks that are due
    /// (and the read-delayed ones, which only their resource can tell).
    fn settle(&mut self, now: Instant) {
        while let Some((at, _, _)) = self.tasks.timed.first() {
            if *at > now {
                break;
            }
            let Some((_, kind, id)) = self.tasks.timed.pop_first() else {
                break;
            };
            // If the resource now runs another task, that task has an entry of its own.
            self.settle_one(kind, &id, now);
        }
        if !self.tasks.on_show.is_empty() {
            let watched = std::mem::take(&mut self.tasks.on_show);
            self.tasks.on_show = watched
                .into_iter()
                .filter(|(kind, id)| self.settle_one(*kind, id, now))
                .collect();
        }
        self.tokens.expire(now);
    }

    /// Settles one resource's task if it is due; returns whether a task is still pending.
    fn settle_one(&mut self, kind: Kind, id: &str, now: Instant) -> bool {
        match kind {
            Kind::Instance => {
                let (gone, pending) = settle_in(
                    &mut self.instances,
                    id,
                    |i| i.settle(now),
                    |i| i.pending.is_some(),
                );
                let replica = self
                    .instances
                    .get(id)
                    .or(gone.as_ref())
                    .is_some_and(|i| i.replica_of.is_some());
                if let Some(gone) = gone {
                    self.keep_deleted(gone, now);
                }
                if replica && !pending {
                    self.drop_seeding_snapshots();
                }
                pending
            }
            Kind::Backup => {
                settle_in(
                    &mut self.backups,
                    id,
                    |b| b.settle(now),
                    |b| b.pending.is_some(),
                )
                .1
            }
            Kind::Cluster => {
                settle_in(
                    &mut self.clusters,
                    id,
                    |c| c.settle(now),
                    |c| c.pending.is_some(),
                )
                .1
            }
        }
    }

    /// Drops the replication snapshots whose replicas are all built (or gone): Trove deletes
    /// the snapshot in a `finally` once the replicas' builds end, however they end
    /// (trove/taskmanager/manager.py `_create_replication_slave`).
    fn drop_seeding_snapshots(&mut self) {
        let instances = &self.instances;
        let building = |id: &String| {
            instances.get(id).is_some_and(|i| {
                matches!(
                    i.pending.as_ref().map(|p| &p.task),
                    Some(InstanceTask::Build)
                )
            })
        };
        self.backups
            .retain(|_, b| b.seeds.is_empty() || b.seeds.iter().any(building));
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const SECOND: Delay = Delay::Time(Duration::from_secs(1));

    fn world() -> Inner {
        Inner::new(&Config::default())
    }

    /// Puts an idle ACTIVE instance into the world.
    fn add_instance(world: &mut Inner, id: &str) {
        let now = world.clock.now();
        let seq = world.next_seq();
        world.instances.insert(
            id.to_owned(),
            Instance::ready(id.to_owned(), "t".to_owned(), seq, id.to_owned(), now),
        );
    }

    /// A world with one instance, `a`, that has just started `task`.
    fn world_with_task(task: InstanceTask, status: &'static str, d: Delay) -> Inner {
        let mut w = world();
        add_instance(&mut w, "a");
        start(&mut w, "a", task, status, d);
        w
    }

    fn start(world: &mut Inner, id: &str, task: InstanceTask, status: &'static str, d: Delay) {
        let now = world.clock.now();
        let started = world
            .instances
            .get_mut(id)
            .map(|i| i.start(task, status, now, d))
            .expect("instance exists");
        world.track(started);
    }

    fn settle_now(world: &mut Inner) {
        let now = world.clock.now();
        world.settle(now);
    }

    fn status(world: &Inner, id: &str) -> Option<&'static str> {
        world.instances.get(id).map(|i| i.status)
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_settles_when_due_and_leaves_no_entry() {
        let mut w = world();
        add_instance(&mut w, "a");
        add_instance(&mut w, "idle");
        start(&mut w, "a", InstanceTask::Restart, "REBOOT", SECOND);
        assert_eq!(w.tasks.timed.len(), 1, "only the started task is indexed");

        tokio::time::advance(Duration::from_millis(999)).await;
        settle_now(&mut w);
        assert_eq!(status(&w, "a"), Some("REBOOT"));

        tokio::time::advance(Duration::from_millis(1)).await;
        settle_now(&mut w);
        assert_eq!(status(&w, "a"), Some("ACTIVE"));
        assert_eq!(status(&w, "idle"), Some("ACTIVE"));
        assert!(w.tasks.timed.is_empty() && w.tasks.on_show.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_replaced_task_is_not_settled_by_the_old_entry() {
        let mut w = world_with_task(InstanceTask::Restart, "REBOOT", SECOND);
        tokio::time::advance(Duration::from_millis(500)).await;
        // A second task replaces the first before it is due; it ends 1.5 s after the start.
        start(&mut w, "a", InstanceTask::Delete, "SHUTDOWN", SECOND);

        tokio::time::advance(Duration::from_millis(500)).await;
        settle_now(&mut w);
        assert_eq!(
            status(&w, "a"),
            Some("SHUTDOWN"),
            "the stale entry settled it"
        );
        assert_eq!(w.tasks.timed.len(), 1, "the stale entry was dropped");

        tokio::time::advance(Duration::from_millis(500)).await;
        settle_now(&mut w);
        assert_eq!(status(&w, "a"), None, "the delete finished");
        assert!(w.tasks.timed.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_task_or_removed_resource_is_skipped() {
        let mut w = world();
        add_instance(&mut w, "cancelled");
        add_instance(&mut w, "removed");
        start(&mut w, "cancelled", InstanceTask::Restart, "REBOOT", SECOND);
        start(&mut w, "removed", InstanceTask::Restart, "REBOOT", SECOND);
        if let Some(i) = w.instances.get_mut("cancelled") {
            // What reset_status does: the task is dropped and the status set by hand.
            i.pending = None;
            i.status = "SHUTDOWN";
        }
        w.instances.remove("removed");

        tokio::time::advance(Duration::from_secs(2)).await;
        settle_now(&mut w);
        assert_eq!(status(&w, "cancelled"), Some("SHUTDOWN"));
        assert_eq!(status(&w, "removed"), None);
        assert!(w.tasks.timed.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_delayed_task_settles_after_its_shows() {
        let mut w = world_with_task(InstanceTask::Restart, "REBOOT", Delay::Reads(2));
        assert_eq!(w.tasks.on_show.len(), 1);
        for _ in 0..2 {
            settle_now(&mut w);
            assert_eq!(status(&w, "a"), Some("REBOOT"));
            if let Some(p) = w.instances.get_mut("a").and_then(|i| i.pending.as_mut()) {
                p.count_show();
            }
        }
        settle_now(&mut w);
        assert_eq!(status(&w, "a"), Some("ACTIVE"));
        assert!(w.tasks.on_show.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_can_never_end_is_not_indexed() {
        let mut w = world_with_task(InstanceTask::Build, "BUILD", Delay::Time(Duration::MAX));
        assert!(w.tasks.timed.is_empty() && w.tasks.on_show.is_empty());
        tokio::time::advance(Duration::from_secs(3600)).await;
        settle_now(&mut w);
        assert_eq!(status(&w, "a"), Some("BUILD"));
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_expire_on_time_and_revoked_ones_leave_no_trace() {
        let mut w = world();
        let now = w.clock.now();
        let token = |expires| Token {
            user: 0,
            methods: vec!["password".to_owned()],
            audit_id: String::new(),
            issued: now,
            expires,
        };
        w.tokens
            .insert("short".to_owned(), token(now + Duration::from_secs(1)));
        w.tokens
            .insert("long".to_owned(), token(now + Duration::from_secs(10)));
        w.tokens
            .insert("revoked".to_owned(), token(now + Duration::from_secs(1)));
        assert!(w.tokens.remove("revoked").is_some());

        tokio::time::advance(Duration::from_secs(1)).await;
        settle_now(&mut w);
        assert!(w.tokens.get("short").is_none(), "expired at its instant");
        assert!(w.tokens.get("long").is_some());
        assert_eq!(w.tokens.expiry.len(), 1, "only the live token is indexed");
    }
}
