//! Database instances: the instance model, its status, and the create request.

use serde::{Deserialize, Serialize};

use crate::common::{opt_string_or_number, string_or_number, Link, ResourceRef};
use crate::secret::Secret;

crate::open_enum! {
    /// The status of an instance (`trove/instance/service_status.py` and `InstanceStatus`).
    InstanceStatus {
        /// Ready (before Ussuri).
        Active => "ACTIVE",
        /// Ready (since Ussuri).
        Healthy => "HEALTHY",
        /// Being created.
        Build => "BUILD",
        /// The guest cannot be reached.
        Blocked => "BLOCKED",
        /// The create failed.
        Failed => "FAILED",
        /// Rebooting after a restart.
        Reboot => "REBOOT",
        /// Flavor or volume being resized.
        Resize => "RESIZE",
        /// A backup is running.
        Backup => "BACKUP",
        /// Being deleted.
        Shutdown => "SHUTDOWN",
        /// Broken.
        Error => "ERROR",
        /// A configuration change awaits a restart.
        RestartRequired => "RESTART_REQUIRED",
        /// Being promoted to replica source.
        Promote => "PROMOTE",
        /// Ejecting its replica source.
        Eject => "EJECT",
        /// Datastore version being upgraded.
        Upgrade => "UPGRADE",
        /// Being detached from its replica source.
        Detach => "DETACH",
    }
}

impl InstanceStatus {
    /// Returns true for the states in which an instance is usable: `ACTIVE` and `HEALTHY`.
    pub fn is_ready(&self) -> bool {
        matches!(self, Self::Active | Self::Healthy)
    }

    /// Returns true for the states from which an instance will not recover by itself.
    pub fn is_failed(&self) -> bool {
        matches!(self, Self::Error | Self::Failed)
    }
}

/// A database instance, as shown by `GET /instances/{id}` or as an item of a list.
///
/// The list view omits timestamps, faults and `volume.used`, so those are optional.
///
/// The fields that only some instances carry (a fault, replication, cluster membership,
/// placement, a host name, a generated password) live together in [`InstanceDetails`] behind one
/// box and are read through the methods of the same name (`instance.fault()`). Most list items
/// have none of them: keeping them out of line makes an item 496 bytes instead of 816, so a
/// 1000-instance page is 320 KB smaller, and a page that size no longer pushes glibc's heap past
/// its trim threshold to be returned to the kernel and faulted back in on the next call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(from = "InstanceWire", into = "InstanceWire")]
#[non_exhaustive]
pub struct Instance {
    /// The instance id (a UUID).
    pub id: String,
    /// The instance name.
    pub name: String,
    /// The current status.
    pub status: InstanceStatus,
    /// The datastore's health as seen by the guest agent (`""` while building, then `HEALTHY`).
    pub operating_status: Option<String>,
    /// Links to the instance (`self`, `bookmark`).
    pub links: Vec<Link>,
    /// The flavor the instance runs on.
    pub flavor: Option<FlavorRef>,
    /// The datastore and version.
    pub datastore: Option<DatastoreRef>,
    /// The region.
    pub region: Option<String>,
    /// Network access settings.
    pub access: Option<Access>,
    /// The data volume.
    pub volume: Option<Volume>,
    /// The owning project (admin views).
    pub tenant_id: Option<String>,
    /// IP addresses (older servers).
    pub ip: Vec<String>,
    /// Typed addresses (newer servers).
    pub addresses: Vec<Address>,
    /// Creation time, `YYYY-MM-DDTHH:MM:SS` without a zone (UTC).
    pub created: Option<String>,
    /// Last update time.
    pub updated: Option<String>,
    /// When the guest last reported its status.
    pub service_status_updated: Option<String>,
    /// The fields only some instances carry; `None` when the server sent none of them.
    pub details: Option<Box<InstanceDetails>>,
}

/// The fields of an [`Instance`] that only some instances carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstanceDetails {
    /// The host name, when the deployment publishes one.
    pub hostname: Option<String>,
    /// The replica source, for a replica.
    pub replica_of: Option<ResourceRef>,
    /// The replicas, for a replica source.
    pub replicas: Vec<ResourceRef>,
    /// The attached configuration group.
    pub configuration: Option<ConfigurationRef>,
    /// The server group policy (`affinity` or `anti-affinity`).
    pub locality: Option<String>,
    /// The cluster the instance belongs to.
    pub cluster_id: Option<String>,
    /// The shard within its cluster.
    pub shard_id: Option<String>,
    /// The last task's failure, when there was one.
    pub fault: Option<InstanceFault>,
    /// The root password generated at create time (some datastores only).
    pub password: Option<Secret>,
    /// Disk use of an instance without a volume (ephemeral or root disk).
    pub local_storage: Option<LocalStorage>,
    /// The Nova server id (admin view only).
    pub server_id: Option<String>,
    /// The Cinder volume id (admin view only).
    pub volume_id: Option<String>,
    /// Whether the guest's RPC messages are encrypted (admin view only).
    pub encrypted_rpc_messaging: Option<bool>,
    /// The volume statistics only some guests report (sent inside `volume`).
    pub volume_stats: Option<VolumeStats>,
}

impl InstanceDetails {
    fn is_empty(&self) -> bool {
        *self == InstanceDetails::default()
    }
}

/// The wire form of [`Instance`]: every field flat, as Trove sends it.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct InstanceWire {
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    id: String,
    #[serde(default)]
    name: String,
    status: InstanceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    operating_status: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flavor: Option<FlavorRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    datastore: Option<DatastoreRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access: Option<Access>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    volume: Option<VolumeWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ip: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replica_of: Option<ResourceRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    replicas: Vec<ResourceRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    configuration: Option<ConfigurationRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cluster_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fault: Option<InstanceFault>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    local_storage: Option<LocalStorage>,
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    server_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    volume_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encrypted_rpc_messaging: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    updated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    service_status_updated: Option<String>,
}

impl From<InstanceWire> for Instance {
    fn from(w: InstanceWire) -> Self {
        let (volume, volume_stats) = match w.volume.map(VolumeWire::split) {
            Some((v, stats)) => (Some(v), (stats != VolumeStats::default()).then_some(stats)),
            None => (None, None),
        };
        let details = InstanceDetails {
            hostname: w.hostname,
            replica_of: w.replica_of,
            replicas: w.replicas,
            configuration: w.configuration,
            locality: w.locality,
            cluster_id: w.cluster_id,
            shard_id: w.shard_id,
            fault: w.fault,
            password: w.password,
            local_storage: w.local_storage,
            server_id: w.server_id,
            volume_id: w.volume_id,
            encrypted_rpc_messaging: w.encrypted_rpc_messaging,
            volume_stats,
        };
        Instance {
            id: w.id,
            name: w.name,
            status: w.status,
            operating_status: w.operating_status,
            links: w.links,
            flavor: w.flavor,
            datastore: w.datastore,
            region: w.region,
            access: w.access,
            volume,
            tenant_id: w.tenant_id,
            ip: w.ip,
            addresses: w.addresses,
            created: w.created,
            updated: w.updated,
            service_status_updated: w.service_status_updated,
            details: (!details.is_empty()).then(|| Box::new(details)),
        }
    }
}

impl From<Instance> for InstanceWire {
    fn from(i: Instance) -> Self {
        let d = i.details.map(|d| *d).unwrap_or_default();
        let volume_stats = d.volume_stats;
        InstanceWire {
            id: i.id,
            name: i.name,
            status: i.status,
            operating_status: i.operating_status,
            links: i.links,
            flavor: i.flavor,
            datastore: i.datastore,
            region: i.region,
            access: i.access,
            volume: i.volume.map(|v| VolumeWire::join(v, volume_stats)),
            tenant_id: i.tenant_id,
            hostname: d.hostname,
            ip: i.ip,
            addresses: i.addresses,
            replica_of: d.replica_of,
            replicas: d.replicas,
            configuration: d.configuration,
            locality: d.locality,
            cluster_id: d.cluster_id,
            shard_id: d.shard_id,
            fault: d.fault,
            password: d.password,
            local_storage: d.local_storage,
            server_id: d.server_id,
            volume_id: d.volume_id,
            encrypted_rpc_messaging: d.encrypted_rpc_messaging,
            created: i.created,
            updated: i.updated,
            service_status_updated: i.service_status_updated,
        }
    }
}

impl Instance {
    fn details(&self) -> Option<&InstanceDetails> {
        self.details.as_deref()
    }

    /// The host name, when the deployment publishes one.
    pub fn hostname(&self) -> Option<&str> {
        self.details()?.hostname.as_deref()
    }

    /// The replica source, for a replica.
    pub fn replica_of(&self) -> Option<&ResourceRef> {
        self.details()?.replica_of.as_ref()
    }

    /// The replicas, for a replica source (empty otherwise).
    pub fn replicas(&self) -> &[ResourceRef] {
        self.details().map_or(&[], |d| d.replicas.as_slice())
    }

    /// The attached configuration group.
    pub fn configuration(&self) -> Option<&ConfigurationRef> {
        self.details()?.configuration.as_ref()
    }

    /// The server group policy (`affinity` or `anti-affinity`).
    pub fn locality(&self) -> Option<&str> {
        self.details()?.locality.as_deref()
    }

    /// The cluster the instance belongs to.
    pub fn cluster_id(&self) -> Option<&str> {
        self.details()?.cluster_id.as_deref()
    }

    /// The shard within its cluster.
    pub fn shard_id(&self) -> Option<&str> {
        self.details()?.shard_id.as_deref()
    }

    /// The last task's failure, when there was one.
    pub fn fault(&self) -> Option<&InstanceFault> {
        self.details()?.fault.as_ref()
    }

    /// The root password generated at create time (some datastores only).
    pub fn password(&self) -> Option<&Secret> {
        self.details()?.password.as_ref()
    }

    /// Disk use of an instance without a volume (ephemeral or root disk), detail view only.
    pub fn local_storage(&self) -> Option<&LocalStorage> {
        self.details()?.local_storage.as_ref()
    }

    /// The volume statistics only some guests report: `used_percent`, a PostgreSQL guest's
    /// WAL sizes (show only).
    pub fn volume_stats(&self) -> Option<&VolumeStats> {
        self.details()?.volume_stats.as_ref()
    }

    /// The Nova server id (admin detail view only).
    pub fn server_id(&self) -> Option<&str> {
        self.details()?.server_id.as_deref()
    }

    /// The Cinder volume id (admin detail view only; `None` too when the instance has none).
    pub fn volume_id(&self) -> Option<&str> {
        self.details()?.volume_id.as_deref()
    }

    /// Whether the guest's RPC messages are encrypted (admin detail view only).
    pub fn encrypted_rpc_messaging(&self) -> Option<bool> {
        self.details()?.encrypted_rpc_messaging
    }

    /// Returns the flavor id, when the server sent the flavor.
    pub fn flavor_id(&self) -> Option<&str> {
        self.flavor.as_ref().map(|f| f.id.as_str())
    }
}

/// `{"id": ..., "links": [...]}` of the flavor inside an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FlavorRef {
    /// The flavor id; a string inside instances, an integer in `/flavors`.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// Links to the flavor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// The datastore of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DatastoreRef {
    /// The datastore type, such as `mysql`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The version name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The version number (detail view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<String>,
}

/// Network access settings of an instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Access {
    /// Whether the instance has a public address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// CIDRs allowed to reach the database port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `access` (apischema): distinct CIDRs.
    #[cfg_attr(feature = "schemars", schemars(inner(pattern(crate::schema::CIDR)), extend("uniqueItems" = true)))]
    pub allowed_cidrs: Option<Vec<String>>,
}

/// The data volume of an instance.
///
/// The statistics only some guests report (`used_percent`, a PostgreSQL guest's WAL sizes)
/// are read through [`Instance::volume_stats`]: they live with the instance's other rare fields,
/// so that an [`Instance`] of a list page stays small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Volume {
    /// Size in GB.
    pub size: u64,
    /// Used space in GB (absent while building or resizing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used: Option<f64>,
    /// Volume type, when reported.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The volume statistics that only some guests report (`trove/instance/models.py`
/// `load_guest_info`, the guest manager's `get_volume_info`), sent inside `volume`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct VolumeStats {
    /// Used space in percent of the usable space, when the guest reports block counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_percent: Option<f64>,
    /// Size of the write-ahead log directory in KB (PostgreSQL guests, from `du -s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wal_size: Option<u64>,
    /// Size of the WAL archive directory in bytes (PostgreSQL guests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wal_archive_size: Option<u64>,
}

/// The wire form of `volume`: [`Volume`] and [`VolumeStats`] side by side. Spelled out rather
/// than `#[serde(flatten)]`, which would buffer every volume of a page before decoding it.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
// The wire form of an instance's volume, stats included; `Volume` is the cluster member's.
#[cfg_attr(feature = "schemars", schemars(rename = "InstanceVolume"))]
struct VolumeWire {
    size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    used: Option<f64>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    used_percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wal_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wal_archive_size: Option<u64>,
}

impl VolumeWire {
    fn split(self) -> (Volume, VolumeStats) {
        let volume = Volume {
            size: self.size,
            used: self.used,
            kind: self.kind,
        };
        let stats = VolumeStats {
            used_percent: self.used_percent,
            wal_size: self.wal_size,
            wal_archive_size: self.wal_archive_size,
        };
        (volume, stats)
    }

    fn join(volume: Volume, stats: Option<VolumeStats>) -> Self {
        let stats = stats.unwrap_or_default();
        VolumeWire {
            size: volume.size,
            used: volume.used,
            kind: volume.kind,
            used_percent: stats.used_percent,
            wal_size: stats.wal_size,
            wal_archive_size: stats.wal_archive_size,
        }
    }
}

/// `{"used": GB}`: disk use of an instance whose data lives on the ephemeral or root disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LocalStorage {
    /// Used space in GB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used: Option<f64>,
}

/// One typed address of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Address {
    /// The IP address.
    pub address: String,
    /// `private` or `public`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The network id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
}

/// The configuration group attached to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ConfigurationRef {
    /// The configuration group id.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// Links to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// The failure of an instance's last task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct InstanceFault {
    /// What went wrong.
    #[serde(default)]
    pub message: String,
    /// When.
    #[serde(default)]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub created: Option<String>,
    /// Extra details (a traceback for admins).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub details: Option<String>,
}

/// `{"instance": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct InstanceEnvelope {
    /// The instance.
    pub instance: Instance,
}

crate::list_envelope!(
    /// `{"instances": [...], "links": [...]}`, one page of instances.
    InstanceList,
    Instance,
    "instances"
);

/// The body of `POST /instances`, the create request.
///
/// Build it with [`CreateInstance::new`] (a new instance) or [`CreateInstance::replica`] (a
/// replica, which takes its flavor, volume and datastore from its source); absent options are
/// not sent. Trove refuses a replica create that names a flavor, volume, datastore, locality,
/// databases or users (`trove/instance/service.py`, `create()`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct CreateInstance {
    /// The instance name (required).
    // Trove's instance:create (apischema `instance['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The flavor id: required for a new instance, absent for a replica.
    #[serde(rename = "flavorRef", skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `flavorRef`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub flavor_ref: Option<String>,
    /// The data volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Databases to create.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(default))]
    pub databases: Vec<DatabaseSpec>,
    /// Users to create.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(default))]
    pub users: Vec<UserSpec>,
    /// The datastore type and version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<DatastoreSpec>,
    /// The availability zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `availability_zone`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub availability_zone: Option<String>,
    /// Networks to attach (Trove accepts at most one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(default))]
    // Trove's instance:create `nics` (apischema `nics`): at most one.
    #[cfg_attr(feature = "schemars", schemars(length(max = 1)))]
    pub nics: Vec<NicSpec>,
    /// A backup to restore from.
    #[serde(rename = "restorePoint", skip_serializing_if = "Option::is_none")]
    pub restore_point: Option<RestorePoint>,
    /// The configuration group to attach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<String>,
    /// The source instance, to create a replica.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `replica_of`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub replica_of: Option<String>,
    /// How many replicas to create (1 to 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `replica_count`: 1 to 3.
    #[cfg_attr(feature = "schemars", schemars(range(min = 1, max = 3)))]
    pub replica_count: Option<u32>,
    /// `affinity` or `anti-affinity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `locality`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub locality: Option<String>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:create `region_name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub region_name: Option<String>,
    /// Modules to apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(default))]
    pub modules: Vec<ModuleRef>,
    /// Network access settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::AccessBody>")
    )]
    pub access: Option<Access>,
}

impl CreateInstance {
    /// Starts a create request for an instance named `name` on flavor `flavor_ref`.
    pub fn new(name: impl Into<String>, flavor_ref: impl Into<String>) -> Self {
        CreateInstance {
            flavor_ref: Some(flavor_ref.into()),
            ..Self::bare(name.into())
        }
    }

    /// Starts a create request for `name`, a replica of instance `source_id`: no flavor,
    /// volume or datastore, which the replica takes from its source.
    pub fn replica(name: impl Into<String>, source_id: impl Into<String>) -> Self {
        CreateInstance {
            replica_of: Some(source_id.into()),
            ..Self::bare(name.into())
        }
    }

    fn bare(name: String) -> Self {
        CreateInstance {
            name,
            flavor_ref: None,
            volume: None,
            databases: Vec::new(),
            users: Vec::new(),
            datastore: None,
            availability_zone: None,
            nics: Vec::new(),
            restore_point: None,
            configuration: None,
            replica_of: None,
            replica_count: None,
            locality: None,
            region_name: None,
            modules: Vec::new(),
            access: None,
        }
    }
}

/// `{"instance": CreateInstance}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateInstanceEnvelope<'a> {
    /// The create request.
    pub instance: &'a CreateInstance,
}

/// The volume of a new instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct VolumeSpec {
    /// Size in GB.
    // Trove's `volume_size` (apischema): at least 1.
    #[cfg_attr(feature = "schemars", schemars(range(min = 1)))]
    pub size: u64,
    /// Volume type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    // Trove's `volume` (apischema) `type`: non-empty, at most 255 (or null, never sent).
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub kind: Option<String>,
}

impl VolumeSpec {
    /// A volume of `size` GB of the default type.
    pub fn new(size: u64) -> Self {
        VolumeSpec { size, kind: None }
    }
}

/// A database to create, with optional character set and collation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct DatabaseSpec {
    /// The database name.
    // Trove's `databases` items (apischema `databases_def`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The character set, such as `utf8`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `databases` items: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub character_set: Option<String>,
    /// The collation, such as `utf8_general_ci`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `databases` items: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub collate: Option<String>,
}

impl DatabaseSpec {
    /// A database named `name` with the server's default character set and collation.
    pub fn new(name: impl Into<String>) -> Self {
        DatabaseSpec {
            name: name.into(),
            character_set: None,
            collate: None,
        }
    }

    /// Sets the character set.
    pub fn character_set(mut self, v: impl Into<String>) -> Self {
        self.character_set = Some(v.into());
        self
    }

    /// Sets the collation.
    pub fn collate(mut self, v: impl Into<String>) -> Self {
        self.collate = Some(v.into());
        self
    }
}

/// A user to create, with the databases it may use.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct UserSpec {
    /// The user name.
    // Trove's `users_list` items (apischema): non-empty.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The password; never printed by `Debug`.
    // Trove's `users_list` items: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub password: Secret,
    /// The host the user may connect from (`%` when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's `host_string` (apischema).
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern(crate::schema::HOST))
    )]
    pub host: Option<String>,
    /// Databases the user gets access to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(default))]
    // Trove's `users_list` items: each database once.
    #[cfg_attr(feature = "schemars", schemars(extend("uniqueItems" = true)))]
    // Trove's `users_list` items: each database a non-empty name, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Vec<crate::schema::DatabaseName>")
    )]
    pub databases: Vec<NameRef>,
}

impl UserSpec {
    /// A user `name` with `password`, allowed from any host.
    pub fn new(name: impl Into<String>, password: impl Into<Secret>) -> Self {
        UserSpec {
            name: name.into(),
            password: password.into(),
            host: None,
            databases: Vec::new(),
        }
    }

    /// Restricts the user to connections from `host`.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Grants the user access to database `name`.
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.databases.push(NameRef { name: name.into() });
        self
    }
}

/// `{"name": ...}`, how Trove refers to a database or module by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct NameRef {
    /// The name.
    pub name: String,
}

/// `{"id": ...}`, how Trove refers to a module by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct ModuleRef {
    /// The id.
    // Trove's `module_list` items (apischema): a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub id: String,
}

/// The datastore of a new instance, configuration group or cluster.
///
/// Trove resolves it with `trove/datastore/models.py` `get_datastore_version(type, version,
/// version_number)`: without a type the server's default datastore (`CONF.default_datastore`)
/// is used, without a version the datastore's default version. A cluster needs both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct DatastoreSpec {
    /// The datastore type, such as `mysql`; the server's default datastore when `None`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    // Trove's `datastore` (apischema `instance['create']`, `configuration['create']`, `cluster['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub kind: Option<String>,
    /// The version name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `datastore` (apischema `instance['create']`, `configuration['create']`, `cluster['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub version: Option<String>,
    /// The version number, to pick among versions of the same name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `datastore` (apischema `instance['create']`, `configuration['create']`, `cluster['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub version_number: Option<String>,
}

impl DatastoreSpec {
    /// Datastore `kind`, its version `version` (the default version when `None`).
    pub fn new(kind: impl Into<String>, version: Option<String>) -> Self {
        DatastoreSpec {
            kind: Some(kind.into()),
            version,
            version_number: None,
        }
    }

    /// Version `version` of the server's default datastore (no type is sent).
    pub fn default_datastore_version(version: impl Into<String>) -> Self {
        DatastoreSpec {
            kind: None,
            version: Some(version.into()),
            version_number: None,
        }
    }

    /// Picks, among versions of the same name, the one numbered `number`.
    pub fn version_number(mut self, number: impl Into<String>) -> Self {
        self.version_number = Some(number.into());
        self
    }
}

/// A network to attach to a new instance. Trove rejects the legacy `port-id` and `v4-fixed-ip`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
// Trove's `nics` items (apischema) forbid other keys.
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct NicSpec {
    /// The network id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `nics` items `network_id`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub network_id: Option<String>,
    /// The subnet id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `nics` items `subnet_id`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub subnet_id: Option<String>,
    /// A fixed IP address.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    // Trove's `nics` items `ip_address`: a dotted quad.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 7, max = 15), pattern(r"^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$"))
    )]
    pub ip_address: Option<String>,
}

/// A backup to restore a new instance from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct RestorePoint {
    /// The backup id.
    #[serde(rename = "backupRef")]
    // Trove's instance:create `restorePoint.backupRef`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub backup_ref: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_is_kept() {
        let s: InstanceStatus = serde_json::from_str(r#""MIGRATING""#).unwrap();
        assert_eq!(s, InstanceStatus::Unknown("MIGRATING".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""MIGRATING""#);
        assert!(InstanceStatus::Healthy.is_ready() && InstanceStatus::Active.is_ready());
        assert!(!InstanceStatus::Build.is_ready());
        assert_eq!(InstanceStatus::Build, "BUILD");
    }

    #[test]
    fn details_are_boxed_only_when_the_server_sent_one() {
        let plain = serde_json::json!({
            "id": "i1", "name": "db", "status": "ACTIVE", "region": "RegionOne", "links": [],
            "access": {}, "volume": {"size": 1}, "tenant_id": "p1",
        });
        let instance: Instance = serde_json::from_value(plain.clone()).unwrap();
        assert!(instance.details.is_none());
        assert_eq!(instance.tenant_id.as_deref(), Some("p1"));
        assert!(instance.fault().is_none() && instance.replicas().is_empty());
        assert_eq!(serde_json::to_value(&instance).unwrap(), plain);

        let rich = serde_json::json!({
            "id": "i2", "name": "db", "status": "ERROR", "hostname": "h.example", "links": [],
            "replica_of": {"id": "src"}, "replicas": [{"id": "r1"}, {"id": "r2"}],
            "configuration": {"id": "c1", "name": "g"}, "locality": "affinity",
            "cluster_id": "cl", "shard_id": "sh",
            "fault": {"message": "boom", "created": "2026-01-01T00:00:00", "details": "tb"},
            "password": "pw",
        });
        let instance: Instance = serde_json::from_value(rich.clone()).unwrap();
        assert_eq!(instance.hostname(), Some("h.example"));
        assert_eq!(instance.replica_of().map(|r| r.id.as_str()), Some("src"));
        assert_eq!(instance.replicas().len(), 2);
        assert_eq!(
            instance.configuration().and_then(|c| c.name.as_deref()),
            Some("g")
        );
        assert_eq!(instance.locality(), Some("affinity"));
        assert_eq!(
            (instance.cluster_id(), instance.shard_id()),
            (Some("cl"), Some("sh"))
        );
        assert_eq!(instance.fault().map(|f| f.message.as_str()), Some("boom"));
        assert_eq!(instance.password().map(Secret::expose), Some("pw"));
        assert_eq!(serde_json::to_value(&instance).unwrap(), rich);
    }

    /// A page of 1000 items is a `Vec` of 1000 of these; see the type's documentation.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_instance_without_details_stays_small() {
        assert!(std::mem::size_of::<Instance>() <= 496);
    }

    #[test]
    fn create_body_matches_the_usage_guide_request() {
        let mut req = CreateInstance::new("My Instance", "1");
        req.volume = Some(VolumeSpec::new(1));
        req.databases.push(
            DatabaseSpec::new("my_db")
                .character_set("latin2")
                .collate("latin2_general_ci"),
        );
        req.users
            .push(UserSpec::new("jsmith", "12345").database("my_db"));
        let body = serde_json::to_value(CreateInstanceEnvelope { instance: &req }).unwrap();
        let expected: serde_json::Value = serde_json::from_str(
            r#"{"instance": {"name": "My Instance", "flavorRef": "1", "volume": {"size": 1},
                "databases": [{"name": "my_db", "character_set": "latin2", "collate": "latin2_general_ci"}],
                "users": [{"name": "jsmith", "password": "12345", "databases": [{"name": "my_db"}]}]}}"#,
        )
        .unwrap();
        assert_eq!(body, expected);
    }

    #[test]
    fn user_password_is_not_in_debug() {
        let user = UserSpec::new("jsmith", "s3cr3t-pw");
        assert!(!format!("{user:?}").contains("s3cr3t-pw"));
    }
}
