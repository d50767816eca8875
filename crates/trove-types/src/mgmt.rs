//! The management (admin) API, `mgmt/...`: admin instance and cluster views, instance actions,
//! root history, diagnostics, hardware info, guest upgrade, configuration parameters and
//! datastore versions.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::cluster::{Cluster, EmptyObject};
use crate::common::{opt_string_or_number, string_or_number};
use crate::instance::Instance;

/// Reads a boolean that some servers send as `0`/`1`.
fn flex_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    flex_bool_with(d, &["true", "1"])
}

/// Reads a required flag sent as a bool, an integer or a string (see [`flex_bool`]).
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(flex_bool(d)?.unwrap_or(false))
}

/// Reads a boolean sent as a bool, an integer (non-zero is true) or a string, which is true
/// when it is one of `truthy` (lowercase). The set differs by resource, as the servers do.
pub(crate) fn flex_bool_with<'de, D: Deserializer<'de>>(
    d: D,
    truthy: &[&str],
) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flex {
        Bool(bool),
        Int(i64),
        Str(String),
    }
    Ok(match Option::<Flex>::deserialize(d)? {
        None => None,
        Some(Flex::Bool(b)) => Some(b),
        Some(Flex::Int(i)) => Some(i != 0),
        Some(Flex::Str(s)) => Some(truthy.contains(&s.to_ascii_lowercase().as_str())),
    })
}

/// The Nova server behind an instance (admin view).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtServer {
    /// The server id.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub id: Option<String>,
    /// The server name.
    #[serde(default)]
    pub name: Option<String>,
    /// The compute host.
    #[serde(default)]
    pub host: Option<String>,
    /// The Nova status, such as `ACTIVE`.
    #[serde(default)]
    pub status: Option<String>,
    /// The server's addresses, as Nova reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Value>,
    /// The owning project.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Whether the server is deleted.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub deleted: Option<bool>,
    /// When it was deleted.
    #[serde(default)]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub deleted_at: Option<String>,
    /// Nova's internal (database) id of the server, when Nova reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_id: Option<i64>,
}

/// The Cinder volume behind an instance (admin view).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtVolume {
    /// The volume id.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub id: Option<String>,
    /// Size in GB.
    #[serde(default)]
    pub size: Option<u64>,
    /// Used space in GB.
    #[serde(default)]
    pub used: Option<f64>,
    /// Total space in GB as the guest sees it.
    #[serde(default)]
    pub total: Option<f64>,
    /// The Cinder status, such as `in-use`.
    #[serde(default)]
    pub status: Option<String>,
    /// The attachments, as Cinder reports them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Value>,
    /// The volume's availability zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// When Cinder created the volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// `{"state_description": ...}`, the guest agent's status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GuestStatus {
    /// The guest's status, such as `healthy`.
    #[serde(default)]
    pub state_description: Option<String>,
}

/// An instance as an admin sees it: the instance plus its server, volume and bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtInstance {
    /// The instance fields (its `volume` is in [`MgmtInstance::volume`] instead).
    #[serde(flatten)]
    pub instance: Instance,
    /// The Nova server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<MgmtServer>,
    /// The Cinder volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<MgmtVolume>,
    /// The guest agent's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_status: Option<GuestStatus>,
    /// The current task, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_description: Option<String>,
    /// Whether the instance is deleted.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub deleted: Option<bool>,
    /// When it was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub deleted_at: Option<String>,
    /// The service status, such as `HEALTHY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_status: Option<String>,
    /// When root was first enabled, once it has been (detail view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_enabled: Option<String>,
    /// The user who first enabled root (detail view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_enabled_by: Option<String>,
}

/// `{"instance": MgmtInstance}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtInstanceEnvelope {
    /// The instance.
    pub instance: MgmtInstance,
}

crate::list_envelope!(
    /// `{"instances": [...], "links": [...]}`, one page of the admin instance list.
    MgmtInstanceList,
    MgmtInstance,
    "instances"
);

/// `{"migrate": {"host": ...}}`'s argument.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct MigrateArg {
    /// The target host; the scheduler picks one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// `{"rebuild": {"image_id": ...}}`'s argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
// Trove's mgmt instance action `rebuild` forbids other keys.
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct RebuildArg {
    /// The image to rebuild the guest from.
    // Trove's mgmt instance action `rebuild` (apischema `mgmt_instance['action']`): a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub image_id: String,
}

/// The body of `POST mgmt/instances/{id}/action`: exactly one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub enum MgmtInstanceAction {
    /// `{"stop": {}}`: stops the datastore.
    #[serde(rename = "stop")]
    Stop(EmptyObject),
    /// `{"reboot": {}}`: reboots the server.
    #[serde(rename = "reboot")]
    Reboot(EmptyObject),
    /// `{"migrate": {"host"?}}`: migrates the server.
    #[serde(rename = "migrate")]
    Migrate(MigrateArg),
    /// `{"reset-task-status": {}}`: clears a stuck task.
    #[serde(rename = "reset-task-status")]
    ResetTaskStatus(EmptyObject),
    /// `{"rebuild": {"image_id": ...}}`: rebuilds the guest from an image.
    #[serde(rename = "rebuild")]
    Rebuild(RebuildArg),
}

/// Who enabled root on an instance, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RootHistory {
    /// The instance id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// When root was enabled.
    #[serde(default)]
    pub enabled: Option<String>,
    /// The user who enabled it.
    #[serde(default)]
    pub user: Option<String>,
}

/// `{"root_history": RootHistory}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RootHistoryEnvelope {
    /// The history.
    pub root_history: RootHistory,
}

/// The guest agent's process diagnostics.
///
/// Trove's `DiagnosticsView` (`trove/extensions/mgmt/instances/views.py`) sends the memory
/// and file fields in camelCase (`fdSize`, `vmSize`, `vmPeak`, `vmRss`, `vmHwm`); the
/// snake_case names the guest reports are read too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Diagnostics {
    /// The guest agent version.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub version: Option<String>,
    /// Open file descriptors.
    #[serde(rename = "fdSize", alias = "fd_size", default)]
    pub fd_size: Option<i64>,
    /// Virtual memory size (kB).
    #[serde(rename = "vmSize", alias = "vm_size", default)]
    pub vm_size: Option<i64>,
    /// Peak virtual memory size (kB).
    #[serde(rename = "vmPeak", alias = "vm_peak", default)]
    pub vm_peak: Option<i64>,
    /// Resident set size (kB).
    #[serde(rename = "vmRss", alias = "vm_rss", default)]
    pub vm_rss: Option<i64>,
    /// Peak resident set size (kB).
    #[serde(rename = "vmHwm", alias = "vm_hwm", default)]
    pub vm_hwm: Option<i64>,
    /// Thread count.
    #[serde(default)]
    pub threads: Option<i64>,
}

/// `{"diagnostics": Diagnostics}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DiagnosticsEnvelope {
    /// The diagnostics.
    pub diagnostics: Diagnostics,
}

/// The guest's hardware.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct HwInfo {
    /// Total memory (kB).
    #[serde(default)]
    pub mem_total: Option<i64>,
    /// CPU count.
    #[serde(default)]
    pub num_cpus: Option<i64>,
}

/// `{"hwinfo": HwInfo}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct HwInfoEnvelope {
    /// The hardware info.
    pub hwinfo: HwInfo,
}

/// The body of `POST mgmt/instances/{id}/upgrade`, under `{"upgrade": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct GuestUpgrade {
    /// The guest agent version to install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's guest upgrade (apischema `upgrade`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub instance_version: Option<String>,
    /// Where the package is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's guest upgrade `location`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub location: Option<String>,
    /// Extra data for the guest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// `{"upgrade": GuestUpgrade}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GuestUpgradeEnvelope<'a> {
    /// The upgrade.
    pub upgrade: &'a GuestUpgrade,
}

/// A cluster as an admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtCluster {
    /// The cluster fields.
    #[serde(flatten)]
    pub cluster: Cluster,
    /// The owning project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Whether the cluster is deleted.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub deleted: Option<bool>,
    /// When it was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub deleted_at: Option<String>,
}

/// `{"cluster": MgmtCluster}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtClusterEnvelope {
    /// The cluster.
    pub cluster: MgmtCluster,
}

crate::list_envelope!(
    /// `{"clusters": [...]}`, the admin cluster list.
    MgmtClusterList,
    MgmtCluster,
    "clusters"
);

/// `{"reset-task": {}}`, the one admin cluster action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtClusterResetTask {
    /// The (empty) argument.
    #[serde(rename = "reset-task")]
    pub reset_task: EmptyObject,
}

/// A configuration parameter of a datastore version, as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtParameter {
    /// The parameter name, such as `max_connections`.
    pub name: String,
    /// The datastore version it belongs to.
    #[serde(default)]
    pub datastore_version_id: Option<String>,
    /// Whether changing it needs a restart.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub restart_required: Option<bool>,
    /// The type: `integer`, `string`, `boolean` or `float`.
    #[serde(rename = "type", alias = "data_type", default)]
    pub kind: Option<String>,
    /// The smallest value (integers).
    #[serde(alias = "min_size", default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// The largest value (integers).
    #[serde(alias = "max_size", default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Whether it is deleted.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub deleted: Option<bool>,
    /// When it was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub deleted_at: Option<String>,
}

crate::list_envelope!(
    /// `{"configuration-parameters": [...]}` (hyphenated key).
    MgmtParameterList,
    MgmtParameter,
    "configuration-parameters"
);

/// The body of a parameter create or update, under `{"configuration-parameter": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct ParameterSpec {
    /// The parameter name.
    // Trove's configuration_parameter:create `name`: non-empty, at most 128.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 128), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The type: `integer` or `string`, the two Trove 26's `configuration_parameter` schema
    /// takes (its pattern is `integer|string`; `boolean` and `float` are refused with a 400).
    // Trove's configuration_parameter:create `data_type`.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern("integer|string"))
    )]
    pub data_type: String,
    /// The smallest value (required for integers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<i64>,
    /// The largest value (required for integers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<i64>,
    /// Whether changing it needs a restart (sent as `0` or `1`).
    #[serde(
        serialize_with = "crate::common::bool_as_int",
        deserialize_with = "flag"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::IntFlag"))]
    pub restart_required: bool,
}

impl ParameterSpec {
    /// An integer parameter `name` in `min..=max`.
    pub fn integer(name: impl Into<String>, min: i64, max: i64, restart_required: bool) -> Self {
        ParameterSpec {
            name: name.into(),
            data_type: "integer".to_owned(),
            min_size: Some(min),
            max_size: Some(max),
            restart_required,
        }
    }

    /// A parameter `name` of a type without bounds (`string`; Trove 26's schema refuses the
    /// other unbounded types).
    pub fn of_type(
        name: impl Into<String>,
        data_type: impl Into<String>,
        restart_required: bool,
    ) -> Self {
        ParameterSpec {
            name: name.into(),
            data_type: data_type.into(),
            min_size: None,
            max_size: None,
            restart_required,
        }
    }
}

/// `{"configuration-parameter": ParameterSpec}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ParameterSpecEnvelope<'a> {
    /// The parameter.
    #[serde(rename = "configuration-parameter")]
    pub parameter: &'a ParameterSpec,
}

/// A datastore version as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtDatastoreVersion {
    /// The version id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The version name.
    #[serde(default)]
    pub name: String,
    /// The datastore id.
    #[serde(default)]
    pub datastore_id: Option<String>,
    /// The datastore name.
    #[serde(default)]
    pub datastore_name: Option<String>,
    /// The guest manager, such as `mysql`.
    #[serde(default)]
    pub datastore_manager: Option<String>,
    /// The Glance image id.
    #[serde(default)]
    pub image: Option<String>,
    /// Glance image tags used to find the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_tags: Vec<String>,
    /// Packages to install (a string or a list, depending on the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Value>,
    /// Whether users can pick the version.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub active: Option<bool>,
    /// Whether it is the datastore's default version.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub default: Option<bool>,
    /// The version number.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub version: Option<String>,
    /// The guest manager class (a Python path) the version's guests run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_ext: Option<String>,
    /// The replication strategy class (a Python path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repl_strategy: Option<String>,
}

/// `{"version": MgmtDatastoreVersion}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MgmtDatastoreVersionEnvelope {
    /// The version.
    pub version: MgmtDatastoreVersion,
}

crate::list_envelope!(
    /// `{"versions": [...]}`, the admin datastore version list.
    MgmtDatastoreVersionList,
    MgmtDatastoreVersion,
    "versions"
);

/// The body of `POST mgmt/datastore-versions`, under `{"version": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
// Trove's mgmt_datastore_version:create (apischema) forbids other keys.
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct CreateDatastoreVersion {
    /// The datastore (created when missing).
    // Trove's mgmt_datastore_version:create `datastore_name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub datastore_name: String,
    /// The guest manager, such as `mysql`.
    // Trove's mgmt_datastore_version:create `datastore_manager`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub datastore_manager: String,
    /// The version name.
    // Trove's mgmt_datastore_version:create `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The Glance image id (or use `image_tags`).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:create `image`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub image: Option<String>,
    /// Glance image tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(default))]
    // Trove's mgmt_datastore_version:create `image_tags`: at most 5 distinct, each non-empty, at most 20.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(max = 5), inner(length(min = 1, max = 20), pattern(crate::schema::NON_EMPTY)), extend("uniqueItems" = true))
    )]
    pub image_tags: Vec<String>,
    /// Whether users can pick the version.
    pub active: bool,
    /// Makes it the datastore's default version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// Packages to install.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:create `packages`: distinct names, each non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Packages>")
    )]
    pub packages: Option<Value>,
    /// The version number, when it differs from the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:create `version`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub version: Option<String>,
    /// The guest manager class (a Python path); Trove's default for the manager when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:create `registry_ext`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub registry_ext: Option<String>,
    /// The replication strategy class (a Python path); Trove's default when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:create `repl_strategy`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub repl_strategy: Option<String>,
}

impl CreateDatastoreVersion {
    /// Starts an active version `name` of datastore `datastore_name` run by `manager`.
    pub fn new(
        datastore_name: impl Into<String>,
        manager: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        CreateDatastoreVersion {
            datastore_name: datastore_name.into(),
            datastore_manager: manager.into(),
            name: name.into(),
            image: None,
            image_tags: Vec::new(),
            active: true,
            default: None,
            packages: None,
            version: None,
            registry_ext: None,
            repl_strategy: None,
        }
    }
}

/// `{"version": CreateDatastoreVersion}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateDatastoreVersionEnvelope<'a> {
    /// The version.
    pub version: &'a CreateDatastoreVersion,
}

/// The body of `PATCH mgmt/datastore-versions/{id}` (not wrapped); only set fields are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
// Trove's mgmt_datastore_version:edit (apischema) forbids other keys.
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct EditDatastoreVersion {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: Option<String>,
    /// A new guest manager.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `datastore_manager`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub datastore_manager: Option<String>,
    /// A new image id.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `image`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub image: Option<String>,
    /// New image tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `image_tags`: at most 5 distinct, each non-empty, at most 20.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(max = 5), inner(length(min = 1, max = 20), pattern(crate::schema::NON_EMPTY)), extend("uniqueItems" = true))
    )]
    pub image_tags: Option<Vec<String>>,
    /// Activates or deactivates the version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Makes it the default version, or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// New packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `packages`: distinct names, each non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Packages>")
    )]
    pub packages: Option<Value>,
    /// A new guest manager class (a Python path).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `registry_ext`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub registry_ext: Option<String>,
    /// A new replication strategy class (a Python path).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's mgmt_datastore_version:edit `repl_strategy`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub repl_strategy: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn admin_instance_keeps_instance_fields_and_admin_volume() {
        let v = json!({"instance": {"id": "i", "name": "n", "status": "ACTIVE", "flavor": {"id": 2},
            "server": {"id": "s", "host": "h1", "status": "ACTIVE", "deleted": 0},
            "volume": {"id": "v", "size": 1, "used": 0.1, "status": "in-use"},
            "task_description": "No tasks for the instance.", "deleted": false}});
        let m: MgmtInstanceEnvelope = serde_json::from_value(v).unwrap();
        let m = m.instance;
        assert_eq!(m.instance.flavor_id(), Some("2"));
        assert_eq!(m.server.unwrap().deleted, Some(false));
        assert_eq!(m.volume.unwrap().status.as_deref(), Some("in-use"));
        assert_eq!(m.deleted, Some(false));
    }

    #[test]
    fn actions_and_parameters_serialize_as_the_contract_says() {
        assert_eq!(
            serde_json::to_value(MgmtInstanceAction::ResetTaskStatus(EmptyObject {})).unwrap(),
            json!({"reset-task-status": {}})
        );
        assert_eq!(
            serde_json::to_value(MgmtInstanceAction::Migrate(MigrateArg::default())).unwrap(),
            json!({"migrate": {}})
        );
        let p = ParameterSpec::integer("max_connections", 1, 100, false);
        assert_eq!(
            serde_json::to_value(ParameterSpecEnvelope { parameter: &p }).unwrap(),
            json!({"configuration-parameter": {"name": "max_connections", "data_type": "integer",
                "min_size": 1, "max_size": 100, "restart_required": 0}})
        );
        let shown: MgmtParameter = serde_json::from_value(json!({"name": "x",
            "type": "integer", "min_size": 1, "max_size": 9, "restart_required": 1}))
        .unwrap();
        assert_eq!(
            (shown.min, shown.max, shown.restart_required),
            (Some(1), Some(9), Some(true))
        );
    }
}
