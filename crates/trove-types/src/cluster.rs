//! Clusters: the cluster model with its task, member instances, and the create and action bodies.

use serde::{Deserialize, Serialize};

use crate::common::{opt_string_or_number, string_or_number, Link};
use crate::instance::{Address, Volume, VolumeSpec};
use crate::instance::{DatastoreRef, DatastoreSpec, FlavorRef, InstanceStatus, ModuleRef, NicSpec};

crate::open_enum! {
    /// The name of a cluster's current task (`trove/cluster/tasks.py`); `NONE` means idle.
    ClusterTaskName {
        /// No task: the cluster is idle (ready).
        None => "NONE",
        /// The first build.
        BuildingInitial => "BUILDING_INITIAL",
        /// Being deleted.
        Deleting => "DELETING",
        /// A shard is being added.
        AddingShard => "ADDING_SHARD",
        /// Members are being added.
        GrowingCluster => "GROWING_CLUSTER",
        /// Members are being removed.
        ShrinkingCluster => "SHRINKING_CLUSTER",
        /// The datastore version is being upgraded.
        UpgradingCluster => "UPGRADING_CLUSTER",
        /// Members are restarting.
        RestartingCluster => "RESTARTING_CLUSTER",
    }
}

/// `{"id": 1, "name": "NONE", "description": "No tasks for the cluster."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ClusterTask {
    /// The task's numeric code, as text.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub id: Option<String>,
    /// The task name; `NONE` when idle.
    pub name: ClusterTaskName,
    /// A human description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A cluster, as shown by `GET /clusters/{id}` or as an item of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Cluster {
    /// The cluster id (a UUID).
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The cluster name.
    #[serde(default)]
    pub name: String,
    /// The current task; its name is the cluster's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<ClusterTask>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub created: Option<String>,
    /// Last update time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub updated: Option<String>,
    /// Links to the cluster.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The datastore and version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore: Option<DatastoreRef>,
    /// The member instances.
    #[serde(default)]
    pub instances: Vec<ClusterInstance>,
    /// The addresses of the members that publish the cluster's endpoint (query routers,
    /// for instance), each `{address, type, network}` as `trove/cluster/views.py` builds them;
    /// absent (empty) when no member has one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip: Vec<Address>,
    /// Datastore-specific properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_properties: Option<serde_json::Value>,
    /// The server group policy (`affinity` or `anti-affinity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// The attached configuration group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<String>,
}

impl Cluster {
    /// Returns the task name, `NONE` when the server sent no task.
    pub fn task_name(&self) -> ClusterTaskName {
        self.task
            .as_ref()
            .map_or(ClusterTaskName::None, |t| t.name.clone())
    }

    /// Returns true when the cluster is idle and every member that reports a status is ready.
    pub fn is_ready(&self) -> bool {
        self.task_name() == ClusterTaskName::None
            && self
                .instances
                .iter()
                .all(|i| i.status.as_ref().is_none_or(InstanceStatus::is_ready))
    }

    /// Returns true when a member reached a failure state (`ERROR`, `FAILED`).
    pub fn is_failed(&self) -> bool {
        self.instances
            .iter()
            .any(|i| i.status.as_ref().is_some_and(InstanceStatus::is_failed))
    }
}

/// A member of a cluster, as listed inside the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ClusterInstance {
    /// The instance id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The instance name.
    #[serde(default)]
    pub name: String,
    /// The member's role, such as `member`, `query_router` or `config_server`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Links to the instance.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The shard, for sharded datastores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_id: Option<String>,
    /// The member's status, when the datastore's view shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<InstanceStatus>,
    /// The member's volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<Volume>,
    /// The member's flavor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flavor: Option<FlavorRef>,
    /// The member's addresses, `{address, type, network}` (Trove's visible addresses);
    /// absent (empty) before the member has any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip: Vec<Address>,
}

/// `{"cluster": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ClusterEnvelope {
    /// The cluster.
    pub cluster: Cluster,
}

crate::list_envelope!(
    /// `{"clusters": [...], "links": [...]}`, one page of clusters.
    ClusterList,
    Cluster,
    "clusters"
);

/// One instance of a new cluster, or one instance to add with `grow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct ClusterInstanceSpec {
    /// The flavor id (required).
    #[serde(rename = "flavorRef")]
    // Trove's cluster:create `flavorRef`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub flavor_ref: String,
    /// The instance name (grow only; Trove names create members itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create and grow instance `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: Option<String>,
    /// The data volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Networks to attach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    // Trove's cluster:create `nics` (apischema `nics`): at most one.
    #[cfg_attr(feature = "schemars", schemars(length(max = 1)))]
    pub nics: Vec<NicSpec>,
    /// The availability zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create and grow instance `availability_zone`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub availability_zone: Option<String>,
    /// Modules to apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<ModuleRef>,
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create and grow instance `region_name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub region_name: Option<String>,
    /// The member's role (`member`, `query_router`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create and grow instance `type`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub kind: Option<String>,
    /// The member this one is related to, such as the shard a new query router serves
    /// (`related_to` of Trove's `cluster` schema, python-troveclient's `related_to=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create and grow instance `related_to`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub related_to: Option<String>,
}

impl ClusterInstanceSpec {
    /// A member on flavor `flavor_ref` with a volume of `volume_gb` GB.
    pub fn new(flavor_ref: impl Into<String>, volume_gb: u64) -> Self {
        ClusterInstanceSpec {
            flavor_ref: flavor_ref.into(),
            name: None,
            volume: Some(VolumeSpec::new(volume_gb)),
            nics: Vec::new(),
            availability_zone: None,
            modules: Vec::new(),
            region_name: None,
            kind: None,
            related_to: None,
        }
    }

    /// Names the member (used by `grow`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the member's role.
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }
}

/// The body of `POST /clusters`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct CreateCluster {
    /// The cluster name (required).
    // Trove's cluster:create `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The datastore type and version (required by the server).
    // Trove's cluster:create `datastore` requires both `type` and `version`.
    #[cfg_attr(
        feature = "schemars",
        schemars(extend("required" = ["type", "version"]))
    )]
    pub datastore: DatastoreSpec,
    /// The members (required).
    pub instances: Vec<ClusterInstanceSpec>,
    /// `affinity` or `anti-affinity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create `locality`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub locality: Option<String>,
    /// Datastore-specific properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's cluster:create `extended_properties`: an object.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")
    )]
    pub extended_properties: Option<serde_json::Value>,
    /// The configuration group to attach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<String>,
}

impl CreateCluster {
    /// Starts a create request for a cluster `name` of datastore `kind`, `version`. Trove's
    /// cluster schema requires the version, so it is not optional here.
    pub fn new(
        name: impl Into<String>,
        kind: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        CreateCluster {
            name: name.into(),
            datastore: DatastoreSpec::new(kind, Some(version.into())),
            instances: Vec::new(),
            locality: None,
            extended_properties: None,
            configuration: None,
        }
    }
}

/// `{"cluster": CreateCluster}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateClusterEnvelope<'a> {
    /// The create request.
    pub cluster: &'a CreateCluster,
}

/// `{}`, the argument of actions that take none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EmptyObject {}

/// `{"id": ...}`, a member to remove with `shrink`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct IdRef {
    /// The id.
    // Trove's cluster action `shrink` items `id`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub id: String,
}

/// `{"datastore_version": ...}`, the argument of `upgrade`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct UpgradeArg {
    /// The datastore version name or id to upgrade to.
    // Trove's cluster action `upgrade` `datastore_version`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub datastore_version: String,
}

/// `{"configuration_id": ...}`, the argument of `configuration_attach`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ConfigurationAttachArg {
    /// The configuration group id.
    pub configuration_id: String,
}

/// The body of `POST /clusters/{id}`: exactly one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub enum ClusterAction {
    /// `{"grow": [instance, ...]}`: adds members.
    #[serde(rename = "grow")]
    Grow(Vec<ClusterInstanceSpec>),
    /// `{"shrink": [{"id": ...}, ...]}`: removes members.
    #[serde(rename = "shrink")]
    Shrink(Vec<IdRef>),
    /// `{"reset-status": {}}`: clears a stuck task.
    #[serde(rename = "reset-status")]
    ResetStatus(EmptyObject),
    /// `{"restart": {}}`: restarts every member.
    #[serde(rename = "restart")]
    Restart(EmptyObject),
    /// `{"upgrade": {"datastore_version": ...}}`: upgrades every member.
    #[serde(rename = "upgrade")]
    Upgrade(UpgradeArg),
    /// `{"configuration_attach": {"configuration_id": ...}}`.
    #[serde(rename = "configuration_attach")]
    ConfigurationAttach(ConfigurationAttachArg),
    /// `{"configuration_detach": {}}`.
    #[serde(rename = "configuration_detach")]
    ConfigurationDetach(EmptyObject),
    /// `{"add_shard": {}}`: adds a shard shaped like the existing ones (MongoDB clusters).
    #[serde(rename = "add_shard")]
    AddShard(EmptyObject),
}

impl ClusterAction {
    /// Returns the action's wire name, such as `reset-status`.
    pub fn name(&self) -> &'static str {
        match self {
            ClusterAction::Grow(_) => "grow",
            ClusterAction::Shrink(_) => "shrink",
            ClusterAction::ResetStatus(_) => "reset-status",
            ClusterAction::Restart(_) => "restart",
            ClusterAction::Upgrade(_) => "upgrade",
            ClusterAction::ConfigurationAttach(_) => "configuration_attach",
            ClusterAction::ConfigurationDetach(_) => "configuration_detach",
            ClusterAction::AddShard(_) => "add_shard",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cluster_decodes_tolerantly() {
        let body = json!({"cluster": {"id": "c1", "name": "c", "task": {"id": 2,
            "name": "BUILDING_INITIAL", "description": "Building the initial cluster."},
            "instances": [{"id": "i1", "name": "c-member-1", "type": "member",
                "status": "BUILD", "flavor": {"id": 7}, "volume": {"size": 1}}],
            "datastore": {"type": "mongodb", "version": "3.2"}, "new_field": true}});
        let c: ClusterEnvelope = serde_json::from_value(body).unwrap();
        let c = c.cluster;
        assert_eq!(c.task_name(), ClusterTaskName::BuildingInitial);
        assert_eq!(c.task.as_ref().unwrap().id.as_deref(), Some("2"));
        assert_eq!(c.instances[0].flavor.as_ref().unwrap().id, "7");
        assert!(!c.is_ready());
        let odd: ClusterTaskName = serde_json::from_str(r#""SPLITTING""#).unwrap();
        assert_eq!(odd, ClusterTaskName::Unknown("SPLITTING".into()));
    }

    #[test]
    fn readiness_needs_no_task_and_ready_members() {
        let mut c: Cluster = serde_json::from_value(json!({"id": "c", "task": {"name": "NONE"},
            "instances": [{"id": "a", "status": "HEALTHY"}, {"id": "b"}]}))
        .unwrap();
        assert!(c.is_ready());
        c.instances[1].status = Some(InstanceStatus::Error);
        assert!(!c.is_ready() && c.is_failed());
    }

    #[test]
    fn actions_serialize_as_one_key_objects() {
        let shrink = ClusterAction::Shrink(vec![IdRef { id: "i1".into() }]);
        assert_eq!(
            serde_json::to_value(&shrink).unwrap(),
            json!({"shrink": [{"id": "i1"}]})
        );
        let reset = ClusterAction::ResetStatus(EmptyObject {});
        assert_eq!(
            serde_json::to_value(&reset).unwrap(),
            json!({"reset-status": {}})
        );
        let grow = ClusterAction::Grow(vec![ClusterInstanceSpec::new("7", 2).name("n")]);
        assert_eq!(
            serde_json::to_value(&grow).unwrap(),
            json!({"grow": [{"flavorRef": "7", "name": "n", "volume": {"size": 2}}]})
        );
        assert_eq!(grow.name(), "grow");
    }
}
