//! The management (admin) API, `mgmt/...`: instances, clusters, configuration parameters and
//! datastore versions. Every call needs an admin token; others get 403.

use trove_types::cluster::EmptyObject;
use trove_types::mgmt::{
    CreateDatastoreVersion, CreateDatastoreVersionEnvelope, Diagnostics, DiagnosticsEnvelope,
    EditDatastoreVersion, GuestUpgrade, GuestUpgradeEnvelope, HwInfo, HwInfoEnvelope, MgmtCluster,
    MgmtClusterEnvelope, MgmtClusterList, MgmtClusterResetTask, MgmtDatastoreVersion,
    MgmtDatastoreVersionEnvelope, MgmtDatastoreVersionList, MgmtInstance, MgmtInstanceAction,
    MgmtInstanceEnvelope, MgmtInstanceList, MgmtParameter, MgmtParameterList, MigrateArg,
    ParameterSpec, ParameterSpecEnvelope, RebuildArg, RootHistory, RootHistoryEnvelope,
};

use crate::api::list::ListRequest;
use crate::client::Client;
use crate::error::{BuildError, Error};
use crate::request::operation::Operation;
use crate::request::routes;

/// Admin operations.
#[derive(Debug, Clone, Copy)]
pub struct Mgmt<'c> {
    client: &'c Client,
}

impl<'c> Mgmt<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Mgmt { client }
    }

    /// Starts a list of every project's instances (filters: `deleted`, `include_clustered`,
    /// `project_id`).
    pub fn instances(&self) -> ListRequest<'c, MgmtInstanceList> {
        ListRequest::new(self.client, list_instances_operation())
    }

    /// Shows an instance with its server, volume and bookkeeping.
    pub async fn instance(&self, id: &str) -> Result<MgmtInstance, Error> {
        Ok(self
            .client
            .execute(get_instance_operation(id))
            .await?
            .instance)
    }

    /// Shows an instance even after it was deleted (`?deleted=true`, as
    /// `trove/extensions/mgmt/instances/service.py` `MgmtInstanceController.show` reads it);
    /// a deleted one has `deleted: true` and its `deleted_at`.
    pub async fn instance_including_deleted(&self, id: &str) -> Result<MgmtInstance, Error> {
        let op = get_instance_operation(id).query("deleted", Some("true"));
        Ok(self.client.execute(op).await?.instance)
    }

    /// Runs an admin action on an instance.
    pub async fn instance_action(
        &self,
        id: &str,
        action: &MgmtInstanceAction,
    ) -> Result<(), Error> {
        self.client
            .execute(instance_action_operation(id, action)?)
            .await
    }

    /// Stops the datastore of an instance.
    pub async fn stop(&self, id: &str) -> Result<(), Error> {
        self.instance_action(id, &MgmtInstanceAction::Stop(EmptyObject {}))
            .await
    }

    /// Reboots the server of an instance.
    pub async fn reboot(&self, id: &str) -> Result<(), Error> {
        self.instance_action(id, &MgmtInstanceAction::Reboot(EmptyObject {}))
            .await
    }

    /// Migrates an instance, to `host` or where the scheduler decides.
    pub async fn migrate(&self, id: &str, host: Option<&str>) -> Result<(), Error> {
        let arg = MigrateArg {
            host: host.map(str::to_owned),
        };
        self.instance_action(id, &MgmtInstanceAction::Migrate(arg))
            .await
    }

    /// Clears an instance's stuck task.
    pub async fn reset_task_status(&self, id: &str) -> Result<(), Error> {
        self.instance_action(id, &MgmtInstanceAction::ResetTaskStatus(EmptyObject {}))
            .await
    }

    /// Rebuilds an instance's guest from Glance image `image_id`, which must be a UUID
    /// (Trove's `rebuild` schema; anything else is refused before sending).
    pub async fn rebuild(&self, id: &str, image_id: &str) -> Result<(), Error> {
        let arg = RebuildArg {
            image_id: image_id.to_owned(),
        };
        self.instance_action(id, &MgmtInstanceAction::Rebuild(arg))
            .await
    }

    /// Shows when root was enabled on an instance, and by whom (404 if never).
    pub async fn root_history(&self, id: &str) -> Result<RootHistory, Error> {
        Ok(self
            .client
            .execute(root_history_operation(id))
            .await?
            .root_history)
    }

    /// Shows the guest agent's diagnostics.
    pub async fn diagnostics(&self, id: &str) -> Result<Diagnostics, Error> {
        Ok(self
            .client
            .execute(diagnostics_operation(id))
            .await?
            .diagnostics)
    }

    /// Shows the guest's hardware.
    pub async fn hwinfo(&self, id: &str) -> Result<HwInfo, Error> {
        Ok(self.client.execute(hwinfo_operation(id)).await?.hwinfo)
    }

    /// Pings the guest agent (204 when it answers).
    pub async fn rpc_ping(&self, id: &str) -> Result<(), Error> {
        self.client.execute(rpc_ping_operation(id)).await
    }

    /// Upgrades the guest agent of an instance.
    pub async fn guest_upgrade(&self, id: &str, upgrade: &GuestUpgrade) -> Result<(), Error> {
        self.client
            .execute(guest_upgrade_operation(id, upgrade)?)
            .await
    }

    /// Starts a list of every project's clusters.
    pub fn clusters(&self) -> ListRequest<'c, MgmtClusterList> {
        ListRequest::new(self.client, list_clusters_operation())
    }

    /// Shows a cluster as an admin sees it.
    pub async fn cluster(&self, id: &str) -> Result<MgmtCluster, Error> {
        Ok(self
            .client
            .execute(get_cluster_operation(id))
            .await?
            .cluster)
    }

    /// Clears a cluster's stuck task (`reset-task`).
    pub async fn cluster_reset_task(&self, id: &str) -> Result<(), Error> {
        self.client.execute(cluster_reset_task_operation(id)?).await
    }

    /// Lists the configuration parameters of datastore version `version_id`.
    pub async fn parameters(&self, version_id: &str) -> Result<Vec<MgmtParameter>, Error> {
        Ok(self
            .client
            .execute(list_parameters_operation(version_id))
            .await?
            .items)
    }

    /// Shows one configuration parameter.
    pub async fn parameter(&self, version_id: &str, name: &str) -> Result<MgmtParameter, Error> {
        self.client
            .execute(get_parameter_operation(version_id, name))
            .await
    }

    /// Registers a configuration parameter.
    pub async fn create_parameter(
        &self,
        version_id: &str,
        spec: &ParameterSpec,
    ) -> Result<MgmtParameter, Error> {
        self.client
            .execute(create_parameter_operation(version_id, spec)?)
            .await
    }

    /// Changes a configuration parameter.
    pub async fn update_parameter(
        &self,
        version_id: &str,
        name: &str,
        spec: &ParameterSpec,
    ) -> Result<MgmtParameter, Error> {
        self.client
            .execute(update_parameter_operation(version_id, name, spec)?)
            .await
    }

    /// Deletes a configuration parameter.
    pub async fn delete_parameter(&self, version_id: &str, name: &str) -> Result<(), Error> {
        self.client
            .execute(delete_parameter_operation(version_id, name))
            .await
    }

    /// Lists every datastore version, active or not.
    pub async fn datastore_versions(&self) -> Result<Vec<MgmtDatastoreVersion>, Error> {
        Ok(self
            .client
            .execute(list_datastore_versions_operation())
            .await?
            .items)
    }

    /// Shows a datastore version.
    pub async fn datastore_version(&self, id: &str) -> Result<MgmtDatastoreVersion, Error> {
        Ok(self
            .client
            .execute(get_datastore_version_operation(id))
            .await?
            .version)
    }

    /// Registers a datastore version (202, no body: list to find its id).
    pub async fn create_datastore_version(
        &self,
        version: &CreateDatastoreVersion,
    ) -> Result<(), Error> {
        self.client
            .execute(create_datastore_version_operation(version)?)
            .await
    }

    /// Changes the fields set in `edit`.
    pub async fn edit_datastore_version(
        &self,
        id: &str,
        edit: &EditDatastoreVersion,
    ) -> Result<(), Error> {
        self.client
            .execute(edit_datastore_version_operation(id, edit)?)
            .await
    }

    /// Deletes a datastore version.
    pub async fn delete_datastore_version(&self, id: &str) -> Result<(), Error> {
        self.client
            .execute(delete_datastore_version_operation(id))
            .await
    }
}

impl ListRequest<'_, MgmtInstanceList> {
    /// Lists deleted instances (`true`) or live ones (`false`); both when not called.
    pub fn deleted(self, yes: bool) -> Self {
        self.query("deleted", Some(yes))
    }

    /// Includes instances that belong to clusters.
    pub fn include_clustered(self, yes: bool) -> Self {
        self.query("include_clustered", yes.then_some("true"))
    }

    /// Lists only the instances of project `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.query("project_id", Some(project_id))
    }
}

/// `GET /mgmt/instances`.
pub(crate) fn list_instances_operation() -> Operation<MgmtInstanceList> {
    Operation::json(&routes::MGMT_LIST_INSTANCES, &[])
}

/// `GET /mgmt/instances/{id}`.
pub(crate) fn get_instance_operation(id: &str) -> Operation<MgmtInstanceEnvelope> {
    Operation::json(&routes::MGMT_GET_INSTANCE, &[id])
}

/// `POST /mgmt/instances/{id}/action`; not idempotent. A rebuild whose image id is not a UUID
/// is refused before sending: Trove's `rebuild` schema takes only UUIDs.
pub(crate) fn instance_action_operation(
    id: &str,
    action: &MgmtInstanceAction,
) -> Result<Operation<()>, Error> {
    if let MgmtInstanceAction::Rebuild(arg) = action {
        if !super::is_uuid(&arg.image_id) {
            return Err(Error::from(BuildError::Refused(format!(
                "rebuild image_id {:?} is not a UUID (Trove's rebuild schema)",
                arg.image_id
            ))));
        }
    }
    Operation::empty(&routes::MGMT_INSTANCE_ACTION, &[id]).with_json(action)
}

/// `GET /mgmt/instances/{id}/root`.
pub(crate) fn root_history_operation(id: &str) -> Operation<RootHistoryEnvelope> {
    Operation::json(&routes::MGMT_ROOT_HISTORY, &[id])
}

/// `GET /mgmt/instances/{id}/diagnostics`.
pub(crate) fn diagnostics_operation(id: &str) -> Operation<DiagnosticsEnvelope> {
    Operation::json(&routes::MGMT_DIAGNOSTICS, &[id])
}

/// `GET /mgmt/instances/{id}/hwinfo`.
pub(crate) fn hwinfo_operation(id: &str) -> Operation<HwInfoEnvelope> {
    Operation::json(&routes::MGMT_HWINFO, &[id])
}

/// `GET /mgmt/instances/{id}/rpc_ping` (204).
pub(crate) fn rpc_ping_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::MGMT_RPC_PING, &[id])
}

/// `POST /mgmt/instances/{id}/upgrade` with `{"upgrade": ...}`; not idempotent.
pub(crate) fn guest_upgrade_operation(
    id: &str,
    upgrade: &GuestUpgrade,
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::MGMT_GUEST_UPGRADE, &[id])
        .with_json(&GuestUpgradeEnvelope { upgrade })
}

/// `GET /mgmt/clusters`.
pub(crate) fn list_clusters_operation() -> Operation<MgmtClusterList> {
    Operation::json(&routes::MGMT_LIST_CLUSTERS, &[])
}

/// `GET /mgmt/clusters/{id}`.
pub(crate) fn get_cluster_operation(id: &str) -> Operation<MgmtClusterEnvelope> {
    Operation::json(&routes::MGMT_GET_CLUSTER, &[id])
}

/// `POST /mgmt/clusters/{id}/action` with `{"reset-task": {}}`. Resetting twice is harmless,
/// so it is declared idempotent.
pub(crate) fn cluster_reset_task_operation(id: &str) -> Result<Operation<()>, Error> {
    Ok(Operation::empty(&routes::MGMT_CLUSTER_RESET_TASK, &[id])
        .with_json(&MgmtClusterResetTask::default())?
        .idempotent(true))
}

/// `GET /mgmt/datastores/versions/{version_id}/parameters`.
pub(crate) fn list_parameters_operation(version_id: &str) -> Operation<MgmtParameterList> {
    Operation::json(&routes::MGMT_LIST_PARAMETERS, &[version_id])
}

/// `GET /mgmt/datastores/versions/{version_id}/parameters/{name}` (a bare object).
pub(crate) fn get_parameter_operation(version_id: &str, name: &str) -> Operation<MgmtParameter> {
    Operation::json(&routes::MGMT_GET_PARAMETER, &[version_id, name])
}

/// `POST /mgmt/datastores/versions/{version_id}/parameters` with `{"configuration-parameter"}`.
pub(crate) fn create_parameter_operation(
    version_id: &str,
    spec: &ParameterSpec,
) -> Result<Operation<MgmtParameter>, Error> {
    Operation::json(&routes::MGMT_CREATE_PARAMETER, &[version_id])
        .with_json(&ParameterSpecEnvelope { parameter: spec })
}

/// `PUT /mgmt/datastores/versions/{version_id}/parameters/{name}`.
pub(crate) fn update_parameter_operation(
    version_id: &str,
    name: &str,
    spec: &ParameterSpec,
) -> Result<Operation<MgmtParameter>, Error> {
    Operation::json(&routes::MGMT_UPDATE_PARAMETER, &[version_id, name])
        .with_json(&ParameterSpecEnvelope { parameter: spec })
}

/// `DELETE /mgmt/datastores/versions/{version_id}/parameters/{name}` (204).
pub(crate) fn delete_parameter_operation(version_id: &str, name: &str) -> Operation<()> {
    Operation::empty(&routes::MGMT_DELETE_PARAMETER, &[version_id, name])
}

/// `GET /mgmt/datastore-versions`.
pub(crate) fn list_datastore_versions_operation() -> Operation<MgmtDatastoreVersionList> {
    Operation::json(&routes::MGMT_LIST_DATASTORE_VERSIONS, &[])
}

/// `GET /mgmt/datastore-versions/{id}`.
pub(crate) fn get_datastore_version_operation(id: &str) -> Operation<MgmtDatastoreVersionEnvelope> {
    Operation::json(&routes::MGMT_GET_DATASTORE_VERSION, &[id])
}

/// `POST /mgmt/datastore-versions` with `{"version": ...}` (202).
pub(crate) fn create_datastore_version_operation(
    version: &CreateDatastoreVersion,
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::MGMT_CREATE_DATASTORE_VERSION, &[])
        .with_json(&CreateDatastoreVersionEnvelope { version })
}

/// `PATCH /mgmt/datastore-versions/{id}` with the unwrapped fields (202); not idempotent.
pub(crate) fn edit_datastore_version_operation(
    id: &str,
    edit: &EditDatastoreVersion,
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::MGMT_EDIT_DATASTORE_VERSION, &[id]).with_json(edit)
}

/// `DELETE /mgmt/datastore-versions/{id}` (202).
pub(crate) fn delete_datastore_version_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::MGMT_DELETE_DATASTORE_VERSION, &[id])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;
    use serde_json::{json, Value};

    fn body<R>(op: &Operation<R>) -> Value {
        serde_json::from_slice(op.body().unwrap()).unwrap()
    }

    const IMAGE: &str = "00000000-0000-0000-0000-000000000001";

    /// Follows trove/common/apischema.py mgmt_instance rebuild (read by
    /// trove/extensions/mgmt/instances/service.py MgmtInstanceController._action_rebuild):
    /// the image id is a UUID, so anything else never leaves the SDK.
    #[test]
    fn rebuild_takes_only_a_uuid_image() {
        for bad in [
            "img",
            "",
            "00000000-0000-0000-0000-00000000000g",
            "0000-0000",
        ] {
            let action = MgmtInstanceAction::Rebuild(RebuildArg {
                image_id: bad.into(),
            });
            let err = instance_action_operation("i", &action).unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err}");
        }
        let op = get_instance_operation("i").query("deleted", Some("true"));
        assert_eq!(
            op.to_request().unwrap().uri(),
            "/mgmt/instances/i?deleted=true"
        );
    }

    #[test]
    fn instance_actions_post_one_key_bodies() {
        let op = instance_action_operation("i", &MgmtInstanceAction::Stop(EmptyObject {})).unwrap();
        assert_eq!(op.path(), "/mgmt/instances/i/action");
        assert!(!op.is_idempotent());
        assert_eq!(body(&op), json!({"stop": {}}));
        let op = instance_action_operation(
            "i",
            &MgmtInstanceAction::Rebuild(RebuildArg {
                image_id: IMAGE.into(),
            }),
        )
        .unwrap();
        assert_eq!(body(&op), json!({"rebuild": {"image_id": IMAGE}}));
        let op = guest_upgrade_operation(
            "i",
            &GuestUpgrade {
                location: Some("http://pkg".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(body(&op), json!({"upgrade": {"location": "http://pkg"}}));
        assert_eq!(rpc_ping_operation("i").path(), "/mgmt/instances/i/rpc_ping");
    }

    #[test]
    fn parameters_use_the_hyphenated_key() {
        let spec = ParameterSpec::integer("max_connections", 1, 10, true);
        let op = create_parameter_operation("v1", &spec).unwrap();
        assert_eq!(op.path(), "/mgmt/datastores/versions/v1/parameters");
        assert_eq!(
            body(&op),
            json!({"configuration-parameter": {"name": "max_connections",
                "data_type": "integer", "min_size": 1, "max_size": 10, "restart_required": 1}})
        );
        let op = update_parameter_operation("v1", "max_connections", &spec).unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert_eq!(
            op.path(),
            "/mgmt/datastores/versions/v1/parameters/max_connections"
        );
        assert!(delete_parameter_operation("v1", "x").is_idempotent());
    }

    #[test]
    fn datastore_versions_and_clusters() {
        let op = create_datastore_version_operation(&CreateDatastoreVersion::new(
            "mysql", "mysql", "8.0",
        ))
        .unwrap();
        assert_eq!(
            body(&op),
            json!({"version": {"datastore_name": "mysql", "datastore_manager": "mysql",
                "name": "8.0", "active": true}})
        );
        let edit = EditDatastoreVersion {
            active: Some(false),
            ..Default::default()
        };
        let op = edit_datastore_version_operation("v", &edit).unwrap();
        assert_eq!(op.method(), Method::PATCH);
        assert!(!op.is_idempotent());
        assert_eq!(body(&op), json!({"active": false}));
        let op = cluster_reset_task_operation("c").unwrap();
        assert_eq!(op.path(), "/mgmt/clusters/c/action");
        assert!(op.is_idempotent());
        assert_eq!(body(&op), json!({"reset-task": {}}));
    }
}
