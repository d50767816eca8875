//! The `--state FILE` form of the world: instances (with their databases, users and root flag)
//! and backups, saved as JSON at shutdown and loaded at start, so a test environment survives a
//! restart of the emulator.
//!
//! Tasks still running when the state is saved are finished first (as `POST /_emulator/settle`
//! does), so a saved world holds no half-done work. Clusters, configurations, modules, backup
//! strategies, guest-log and TLS state and Keystone tokens are not saved: after a load a client
//! authenticates again, and every loaded instance has fresh guest logs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::state::{Backup, DbUser, Imported, Inner, Instance, InstanceFault};

/// The version of the file's layout; a file of another version is refused.
const FORMAT_VERSION: u32 = 1;

/// Every status the emulator shows; a loaded status must be one of them.
const STATUSES: [&str; 18] = [
    "",
    "ACTIVE",
    "BACKUP",
    "BUILD",
    "COMPLETED",
    "DELETE_FAILED",
    "ERROR",
    "FAILED",
    "HEALTHY",
    "NEW",
    "REBOOT",
    "RESIZE",
    "RESTART_REQUIRED",
    "SHUTDOWN",
    "UPGRADE",
    "PROMOTE",
    "EJECT",
    "RESTORED",
];

fn intern(status: &str) -> Result<&'static str, String> {
    STATUSES
        .iter()
        .find(|s| **s == status)
        .copied()
        .ok_or_else(|| format!("unknown status {status:?}"))
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    instances: Vec<SavedInstance>,
    backups: Vec<SavedBackup>,
}

#[derive(Serialize, Deserialize)]
struct SavedUser {
    name: String,
    host: String,
    password: String,
    databases: BTreeSet<String>,
}

#[derive(Serialize, Deserialize)]
struct SavedFault {
    message: String,
    /// Unix seconds, as every time below.
    created: u64,
}

#[derive(Serialize, Deserialize)]
struct SavedInstance {
    id: String,
    tenant: String,
    seq: u64,
    name: String,
    status: String,
    operating_status: String,
    flavor_id: String,
    volume_size: u64,
    created: u64,
    updated: u64,
    service_status_updated: u64,
    fault: Option<SavedFault>,
    access: serde_json::Value,
    databases: BTreeSet<String>,
    users: Vec<SavedUser>,
    root_enabled: bool,
    replica_of: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SavedBackup {
    id: String,
    tenant: String,
    seq: u64,
    name: String,
    description: Option<String>,
    /// Absent for an import.
    #[serde(default)]
    instance_id: Option<String>,
    parent_id: Option<String>,
    created: u64,
    updated: u64,
    status: String,
    /// An import's data location and size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imported: Option<SavedImport>,
    /// Absent in files written before imports: the built-in version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SavedImport {
    location: String,
    size: f64,
}

/// Serializes the world, finishing its pending tasks first.
pub(crate) fn snapshot(world: &mut Inner) -> Result<Vec<u8>, serde_json::Error> {
    world.settle_all();
    let clock = world.clock;
    let instances = world
        .instances
        .values()
        .map(|i| SavedInstance {
            id: i.id.clone(),
            tenant: i.tenant.clone(),
            seq: i.seq,
            name: i.name.clone(),
            status: i.status.to_owned(),
            operating_status: i.operating_status.to_owned(),
            flavor_id: i.flavor_id.clone(),
            volume_size: i.volume_size,
            created: clock.unix(i.created),
            updated: clock.unix(i.updated),
            service_status_updated: clock.unix(i.service_status_updated),
            fault: i.fault.as_ref().map(|f| SavedFault {
                message: f.message.clone(),
                created: clock.unix(f.created),
            }),
            access: i.access.clone(),
            databases: i.databases.clone(),
            users: i
                .users
                .iter()
                .map(|((name, host), u)| SavedUser {
                    name: name.clone(),
                    host: host.clone(),
                    password: u.password.clone(),
                    databases: u.databases.clone(),
                })
                .collect(),
            root_enabled: i.root_enabled,
            replica_of: i.replica_of.clone(),
        })
        .collect();
    let backups = world
        .backups
        .values()
        .map(|b| SavedBackup {
            id: b.id.clone(),
            tenant: b.tenant.clone(),
            seq: b.seq,
            name: b.name.clone(),
            description: b.description.clone(),
            instance_id: b.instance_id.clone(),
            parent_id: b.parent_id.clone(),
            created: clock.unix(b.created),
            updated: clock.unix(b.updated),
            status: b.status.to_owned(),
            imported: b.imported.as_ref().map(|i| SavedImport {
                location: i.location.clone(),
                size: i.size,
            }),
            version_id: Some(b.version_id.clone()),
        })
        .collect();
    serde_json::to_vec_pretty(&StateFile {
        version: FORMAT_VERSION,
        instances,
        backups,
    })
}

/// Replaces the world's instances and backups with those of a saved file; on an error the
/// world is unchanged.
pub(crate) fn restore(world: &mut Inner, bytes: &[u8]) -> Result<(), String> {
    let file: StateFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if file.version != FORMAT_VERSION {
        return Err(format!(
            "format version {} is not {FORMAT_VERSION}",
            file.version
        ));
    }
    let clock = world.clock;
    let mut instances = BTreeMap::new();
    let mut max_seq = 0;
    for s in file.instances {
        let mut users = BTreeMap::new();
        for u in s.users {
            users.insert(
                (u.name, u.host),
                DbUser {
                    password: u.password,
                    databases: u.databases,
                },
            );
        }
        max_seq = max_seq.max(s.seq);
        let mut instance = Instance::ready(
            s.id.clone(),
            s.tenant,
            s.seq,
            s.name,
            clock.instant_of(s.created),
        );
        instance.status = intern(&s.status)?;
        instance.operating_status = intern(&s.operating_status)?;
        instance.flavor_id = s.flavor_id;
        instance.volume_size = s.volume_size;
        instance.updated = clock.instant_of(s.updated);
        instance.service_status_updated = clock.instant_of(s.service_status_updated);
        instance.fault = s.fault.map(|f| InstanceFault {
            message: f.message,
            created: clock.instant_of(f.created),
        });
        instance.access = s.access;
        instance.databases = s.databases;
        instance.users = users;
        instance.root_enabled = s.root_enabled;
        instance.replica_of = s.replica_of;
        if instances.insert(s.id.clone(), instance).is_some() {
            return Err(format!("instance {} appears twice", s.id));
        }
    }
    let mut backups = BTreeMap::new();
    for s in file.backups {
        max_seq = max_seq.max(s.seq);
        let backup = Backup {
            id: s.id.clone(),
            tenant: s.tenant,
            seq: s.seq,
            name: s.name,
            description: s.description,
            instance_id: s.instance_id,
            parent_id: s.parent_id,
            created: clock.instant_of(s.created),
            updated: clock.instant_of(s.updated),
            status: intern(&s.status)?,
            pending: None,
            imported: s.imported.map(|i| Imported {
                location: i.location,
                size: i.size,
            }),
            version_id: s
                .version_id
                .unwrap_or_else(|| crate::trove::datastores::VERSION_ID.to_owned()),
            // A saved world holds no running work, so no snapshot still seeding a replica.
            seeds: Vec::new(),
        };
        if backups.insert(s.id.clone(), backup).is_some() {
            return Err(format!("backup {} appears twice", s.id));
        }
    }
    world.instances = instances;
    world.backups = backups;
    world.bump_seq(max_seq);
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file and a rename, owner-only (`0600`: the
/// file holds database user passwords), so a crash mid-write leaves the old file whole.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp_name);
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
