//! Instances: create, get, list (paged and streamed), update (rename, configuration, replica
//! detach, upgrade, access), actions (restart, resize, replica promote/eject, reset status),
//! instance backups, default configuration, delete, refresh, wait. Logs, SSL and modules of an
//! instance live in `logs`, `ssl` and `instance_modules`.

use std::collections::BTreeMap;
use std::future::{Future, IntoFuture};

use futures::future::BoxFuture;
use serde_json::Value;
use trove_types::backup::BackupList;
use trove_types::instance::{
    Access, CreateInstance, CreateInstanceEnvelope, DatabaseSpec, DatastoreSpec, InstanceEnvelope,
    InstanceList, ModuleRef, NicSpec, RestorePoint, UserSpec, VolumeSpec,
};
use trove_types::instance_action::{
    EditInstanceEnvelope, InstanceAction, InstanceConfigurationEnvelope, UpdateInstance,
    UpdateInstanceEnvelope,
};
use trove_types::{Instance, InstanceStatus};

use crate::api::list::ListRequest;
use crate::api::resource::{Api, Routed};
use crate::client::Client;
use crate::error::{BuildError, Error};
use crate::request::operation::Operation;
use crate::request::routes;
use crate::request::wait::{conditions, WaitOptions};

/// Instances: `client.instances()`, the generic [`Api`] (get, list, delete, waits) with the
/// verbs below.
pub type Instances<'c> = Api<'c, Instance>;

impl Routed for Instance {
    fn get_op(id: &str) -> Operation<InstanceEnvelope> {
        get_operation(id)
    }

    fn list_op() -> Operation<InstanceList> {
        list_operation(false)
    }

    fn delete_op(id: &str) -> Operation<()> {
        delete_operation(id)
    }
}

impl<'c> Api<'c, Instance> {
    /// Starts a create request for an instance `name` on flavor `flavor_id`; add a volume,
    /// databases and users with the builder's methods, then `.await` it.
    pub fn create(
        &self,
        name: impl Into<String>,
        flavor_id: impl Into<String>,
    ) -> CreateInstanceRequest<'c> {
        CreateInstanceRequest {
            client: self.client,
            body: CreateInstance::new(name, flavor_id),
        }
    }

    /// Starts a create request for `name`, a replica of instance `source_id`. A replica takes
    /// its flavor, volume and datastore from its source, so the builder has no setter for them
    /// (Trove refuses a replica create that names one), nor for locality, databases or users.
    pub fn create_replica(
        &self,
        name: impl Into<String>,
        source_id: impl Into<String>,
    ) -> CreateReplicaRequest<'c> {
        CreateReplicaRequest {
            client: self.client,
            body: CreateInstance::replica(name, source_id),
        }
    }

    /// Creates an instance from a complete request body.
    pub async fn create_from(&self, body: &CreateInstance) -> Result<Instance, Error> {
        Ok(self.client.execute(create_operation(body)?).await?.instance)
    }

    /// Updates an instance (`PUT`): one change per call, plus an optional rename.
    pub async fn update(&self, id: &str, changes: &UpdateInstance) -> Result<(), Error> {
        self.client.execute(update_operation(id, changes)?).await
    }

    /// Updates an instance with the deprecated `PATCH` alias of [`Instances::update`]. Trove's
    /// `PATCH` takes no `access`: such an update fails unsent, with
    /// [`BuildError::Refused`].
    pub async fn edit(&self, id: &str, changes: &UpdateInstance) -> Result<(), Error> {
        self.client.execute(edit_operation(id, changes)?).await
    }

    /// Renames an instance.
    pub async fn rename(&self, id: &str, name: impl Into<String>) -> Result<(), Error> {
        self.update(id, &UpdateInstance::rename(name)).await
    }

    /// Attaches configuration group `configuration_id`.
    pub async fn attach_configuration(
        &self,
        id: &str,
        configuration_id: impl Into<String>,
    ) -> Result<(), Error> {
        self.update(id, &UpdateInstance::attach_configuration(configuration_id))
            .await
    }

    /// Detaches the configuration group.
    pub async fn detach_configuration(&self, id: &str) -> Result<(), Error> {
        self.update(id, &UpdateInstance::detach_configuration())
            .await
    }

    /// Detaches a replica from its source, making it a standalone instance.
    pub async fn detach_replica(&self, id: &str) -> Result<(), Error> {
        self.update(id, &UpdateInstance::detach_replica()).await
    }

    /// Upgrades the datastore to version `version` (name or id); the instance shows `UPGRADE`.
    pub async fn upgrade(&self, id: &str, version: impl Into<String>) -> Result<(), Error> {
        self.update(id, &UpdateInstance::upgrade(version)).await
    }

    /// Changes network access (`is_public`, `allowed_cidrs`).
    pub async fn update_access(&self, id: &str, access: Access) -> Result<(), Error> {
        self.update(id, &UpdateInstance::access(access)).await
    }

    /// Runs an action on the instance.
    pub async fn action(&self, id: &str, action: &InstanceAction) -> Result<(), Error> {
        self.client.execute(action_operation(id, action)?).await
    }

    /// Restarts the datastore (`REBOOT`, then ready again).
    pub async fn restart(&self, id: &str) -> Result<(), Error> {
        self.action(id, &InstanceAction::Restart).await
    }

    /// Moves the instance to flavor `flavor_id` (`RESIZE`, then ready again).
    pub async fn resize_flavor(&self, id: &str, flavor_id: impl Into<String>) -> Result<(), Error> {
        self.action(id, &InstanceAction::ResizeFlavor(flavor_id.into()))
            .await
    }

    /// Grows the data volume to `size_gb` GB (`RESIZE`, then ready again).
    pub async fn resize_volume(&self, id: &str, size_gb: u64) -> Result<(), Error> {
        self.action(id, &InstanceAction::ResizeVolume(size_gb))
            .await
    }

    /// Promotes a replica to be the source of its replica set.
    pub async fn promote_to_replica_source(&self, id: &str) -> Result<(), Error> {
        self.action(id, &InstanceAction::PromoteToReplicaSource)
            .await
    }

    /// Ejects the (dead) source of a replica set and elects a new one.
    pub async fn eject_replica_source(&self, id: &str) -> Result<(), Error> {
        self.action(id, &InstanceAction::EjectReplicaSource).await
    }

    /// Clears a stuck task status.
    pub async fn reset_status(&self, id: &str) -> Result<(), Error> {
        self.action(id, &InstanceAction::ResetStatus).await
    }

    /// Clears a stuck task status under Trove's `force_delete` policy (`reset_status` with
    /// `force_delete`), the step before deleting an instance stuck in a task.
    pub async fn reset_status_force_delete(&self, id: &str) -> Result<(), Error> {
        self.action(id, &InstanceAction::ResetStatusForceDelete)
            .await
    }

    /// Starts a list of the instance's backups (integer offset markers).
    pub fn backups(&self, id: &str) -> ListRequest<'c, BackupList> {
        ListRequest::new(
            self.client,
            crate::api::backups::instance_list_operation(id),
        )
    }

    /// Returns the instance's default configuration: its datastore's template, scaled to the
    /// flavor. Trove 26 leaves an attached group's values out of this view; read those with
    /// `configurations().get`.
    pub async fn configuration(&self, id: &str) -> Result<BTreeMap<String, Value>, Error> {
        let op = configuration_operation(id);
        Ok(self.client.execute(op).await?.instance.configuration)
    }

    /// Waits until the instance's status is one of `success`; `ERROR` and `FAILED` end the wait
    /// unless they are in `success`.
    pub async fn wait_for(
        &self,
        id: &str,
        success: &[InstanceStatus],
        options: WaitOptions<'_>,
    ) -> Result<Instance, Error> {
        let done = conditions::matches(|i: &Instance| success.contains(&i.status));
        self.wait_present(id, options, done).await
    }
}

/// The usage guide's methods on an instance object: `instance.get()` (here `refresh`) and
/// `instance.delete()`.
pub trait InstanceExt {
    /// Reloads the instance in place.
    fn refresh(&mut self, client: &Client) -> impl Future<Output = Result<(), Error>> + Send;
    /// Deletes the instance.
    fn delete(&self, client: &Client) -> impl Future<Output = Result<(), Error>> + Send;
}

impl InstanceExt for Instance {
    async fn refresh(&mut self, client: &Client) -> Result<(), Error> {
        *self = client.instances().get(&self.id).await?;
        Ok(())
    }

    async fn delete(&self, client: &Client) -> Result<(), Error> {
        client.instances().delete(&self.id).await
    }
}

/// The setters, accessors and sending that a create and a replica create share: both fill one
/// `CreateInstance` body and send it to the same route.
macro_rules! create_request_common {
    ($request:ident) => {
        impl<'c> $request<'c> {
            /// Sets the availability zone.
            pub fn availability_zone(mut self, zone: impl Into<String>) -> Self {
                self.body.availability_zone = Some(zone.into());
                self
            }

            /// Creates the instance in region `region`.
            pub fn region(mut self, region: impl Into<String>) -> Self {
                self.body.region_name = Some(region.into());
                self
            }

            /// Applies module `module_id` at create time.
            pub fn module(mut self, module_id: impl Into<String>) -> Self {
                self.body.modules.push(ModuleRef {
                    id: module_id.into(),
                });
                self
            }

            /// Sets network access (`is_public`, `allowed_cidrs`).
            pub fn access(mut self, access: Access) -> Self {
                self.body.access = Some(access);
                self
            }

            /// Returns the body that will be sent.
            pub fn body(&self) -> &CreateInstance {
                &self.body
            }

            /// Sends the request.
            pub async fn send(self) -> Result<Instance, Error> {
                Instances::new(self.client).create_from(&self.body).await
            }
        }

        impl<'c> IntoFuture for $request<'c> {
            type Output = Result<Instance, Error>;
            type IntoFuture = BoxFuture<'c, Result<Instance, Error>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

/// A create request being built; `.await` sends it.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateInstanceRequest<'c> {
    client: &'c Client,
    body: CreateInstance,
}

impl<'c> CreateInstanceRequest<'c> {
    /// Adds a data volume of `size_gb` GB.
    pub fn volume(mut self, size_gb: u64) -> Self {
        self.body.volume = Some(VolumeSpec::new(size_gb));
        self
    }

    /// Adds a data volume of `size_gb` GB of type `volume_type`.
    pub fn volume_typed(mut self, size_gb: u64, volume_type: impl Into<String>) -> Self {
        self.body.volume = Some(VolumeSpec {
            size: size_gb,
            kind: Some(volume_type.into()),
        });
        self
    }

    /// Adds a database to create.
    pub fn database(mut self, database: DatabaseSpec) -> Self {
        self.body.databases.push(database);
        self
    }

    /// Adds a user to create.
    pub fn user(mut self, user: UserSpec) -> Self {
        self.body.users.push(user);
        self
    }

    /// Sets the datastore type and version.
    pub fn datastore(mut self, kind: impl Into<String>, version: Option<String>) -> Self {
        self.body.datastore = Some(DatastoreSpec::new(kind, version));
        self
    }

    /// Sets the whole datastore choice, such as a version of the server's default datastore
    /// ([`DatastoreSpec::default_datastore_version`]) or a version number.
    pub fn datastore_spec(mut self, spec: DatastoreSpec) -> Self {
        self.body.datastore = Some(spec);
        self
    }

    /// Attaches a network.
    pub fn nic(mut self, nic: NicSpec) -> Self {
        self.body.nics.push(nic);
        self
    }

    /// Sets the datastore version number, to pick among versions of the same name; call it
    /// after [`CreateInstanceRequest::datastore`] (without a datastore it changes nothing).
    pub fn datastore_version_number(mut self, number: impl Into<String>) -> Self {
        if let Some(ds) = self.body.datastore.as_mut() {
            ds.version_number = Some(number.into());
        }
        self
    }

    /// Creates the instance from backup `backup_id`.
    pub fn restore_point(mut self, backup_id: impl Into<String>) -> Self {
        self.body.restore_point = Some(RestorePoint {
            backup_ref: backup_id.into(),
        });
        self
    }

    /// Attaches configuration group `configuration_id`.
    pub fn configuration(mut self, configuration_id: impl Into<String>) -> Self {
        self.body.configuration = Some(configuration_id.into());
        self
    }

    /// Sets the server-group policy: `affinity` or `anti-affinity`.
    pub fn locality(mut self, policy: impl Into<String>) -> Self {
        self.body.locality = Some(policy.into());
        self
    }

    /// Gives access to the whole body for fields without a setter.
    pub fn with(mut self, edit: impl FnOnce(&mut CreateInstance)) -> Self {
        edit(&mut self.body);
        self
    }
}

create_request_common!(CreateInstanceRequest);

/// A replica create request being built; `.await` sends it. Made by
/// [`Instances::create_replica`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateReplicaRequest<'c> {
    client: &'c Client,
    body: CreateInstance,
}

impl<'c> CreateReplicaRequest<'c> {
    /// Creates `count` replicas (1 to 3) at once; Trove names them `<name>-1`, `<name>-2`...
    /// and answers with one of them.
    pub fn replica_count(mut self, count: u32) -> Self {
        self.body.replica_count = Some(count);
        self
    }

    /// Attaches network `network_id` (optionally on subnet `subnet_id`). A replica cannot have
    /// a fixed IP address: Trove refuses one.
    pub fn network(mut self, network_id: impl Into<String>, subnet_id: Option<String>) -> Self {
        self.body.nics.push(NicSpec {
            network_id: Some(network_id.into()),
            subnet_id,
            ip_address: None,
        });
        self
    }

    /// Attaches configuration group `configuration_id`; without it the replica gets its
    /// source's group.
    pub fn configuration(mut self, configuration_id: impl Into<String>) -> Self {
        self.body.configuration = Some(configuration_id.into());
        self
    }
}

create_request_common!(CreateReplicaRequest);

/// The filters of an instance list.
impl ListRequest<'_, InstanceList> {
    /// Uses the detail view (`/instances/detail`: timestamps, faults, volume usage).
    pub fn detailed(self, yes: bool) -> Self {
        self.retarget(list_operation(yes))
    }

    /// Includes instances that belong to clusters.
    pub fn include_clustered(self, yes: bool) -> Self {
        self.query("include_clustered", yes.then_some("true"))
    }
}

/// `POST /instances`.
pub(crate) fn create_operation(
    body: &CreateInstance,
) -> Result<Operation<InstanceEnvelope>, Error> {
    Operation::json(&routes::INSTANCE_CREATE, &[])
        .with_json(&CreateInstanceEnvelope { instance: body })
}

/// `GET /instances/{id}`.
pub(crate) fn get_operation(id: &str) -> Operation<InstanceEnvelope> {
    Operation::json(&routes::INSTANCE_GET, &[id])
}

/// `DELETE /instances/{id}`.
pub(crate) fn delete_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::INSTANCE_DELETE, &[id])
}

/// `PUT /instances/{id}` with `{"instance": {...}}`.
pub(crate) fn update_operation(id: &str, changes: &UpdateInstance) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::INSTANCE_UPDATE, &[id])
        .with_json(&UpdateInstanceEnvelope { instance: changes })
}

/// `PATCH /instances/{id}`, the deprecated alias of [`update_operation`]. Marked idempotent
/// because the server runs the very same update. Trove validates `PATCH` against its `edit`
/// schema, which has no `access`: an update with `access` is refused here, before sending;
/// send it with [`update_operation`] (`PUT`).
pub(crate) fn edit_operation(id: &str, changes: &UpdateInstance) -> Result<Operation<()>, Error> {
    if changes.access.is_some() {
        return Err(Error::from(BuildError::Refused(
            "PATCH /instances/{id} takes no `access` (Trove's edit schema); use update (PUT)"
                .to_owned(),
        )));
    }
    Operation::empty(&routes::INSTANCE_EDIT, &[id])
        .idempotent(true)
        .with_json(&EditInstanceEnvelope { instance: changes })
}

/// `POST /instances/{id}/action` with a one-key body. Not idempotent: a replayed restart or
/// resize runs twice.
pub(crate) fn action_operation(id: &str, action: &InstanceAction) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::INSTANCE_ACTION, &[id]).with_json(action)
}

/// `GET /instances/{id}/configuration`.
pub(crate) fn configuration_operation(id: &str) -> Operation<InstanceConfigurationEnvelope> {
    Operation::json(&routes::INSTANCE_CONFIGURATION, &[id])
}

fn list_operation(detailed: bool) -> Operation<InstanceList> {
    let route = if detailed {
        &routes::INSTANCE_LIST_DETAIL
    } else {
        &routes::INSTANCE_LIST
    };
    Operation::json(route, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn list_requests_carry_limit_and_marker() {
        let client = Client::builder()
            .token("t", "http://trove.test/v1.0/p")
            .build()
            .unwrap();
        let list = client.instances().list().detailed(true).limit(5);
        let req = list.operation(Some("abc")).to_request().unwrap();
        assert_eq!(req.uri(), "/instances/detail?limit=5&marker=abc");
        let req = client
            .instances()
            .list()
            .operation(None)
            .to_request()
            .unwrap();
        assert_eq!(req.uri(), "/instances");
    }

    #[test]
    fn action_bodies_match_the_contract() {
        let body = |a: InstanceAction| action_operation("i1", &a).unwrap().body().cloned().unwrap();
        assert_eq!(&body(InstanceAction::Restart)[..], br#"{"restart":{}}"#);
        assert_eq!(
            &body(InstanceAction::ResizeVolume(4))[..],
            br#"{"resize":{"volume":{"size":4}}}"#
        );
        assert_eq!(
            &body(InstanceAction::ResizeFlavor("2".into()))[..],
            br#"{"resize":{"flavorRef":"2"}}"#
        );
        assert_eq!(
            &body(InstanceAction::ResetStatus)[..],
            br#"{"reset_status":{}}"#
        );
        let op = action_operation("i1", &InstanceAction::Restart).unwrap();
        assert_eq!(op.path(), "/instances/i1/action");
        assert!(!op.is_idempotent());
    }

    #[test]
    fn update_bodies_match_the_contract() {
        let op = update_operation("i1", &UpdateInstance::detach_configuration()).unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"instance":{"configuration":null}}"#
        );
        let op = edit_operation("i1", &UpdateInstance::detach_replica()).unwrap();
        assert_eq!(op.method(), Method::PATCH);
        assert!(op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"instance":{"replica_of":null}}"#
        );
        assert_eq!(
            configuration_operation("i1").path(),
            "/instances/i1/configuration"
        );
    }

    /// Trove 26 validates `PATCH` against `instance:edit` (trove/common/apischema.py), which has
    /// no `access`; `PUT` (`instance:update`) has it.
    #[test]
    fn access_goes_through_put_never_patch() {
        let access = UpdateInstance::access(Access::default());
        let err = edit_operation("i1", &access).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        let op = update_operation("i1", &access).unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert_eq!(&op.body().unwrap()[..], br#"{"instance":{"access":{}}}"#);
    }

    #[test]
    fn ids_are_encoded_into_paths() {
        assert_eq!(get_operation("a b/c").path(), "/instances/a%20b%2Fc");
        assert_eq!(delete_operation("x").method(), Method::DELETE);
        assert!(delete_operation("x").is_idempotent());
        let create = create_operation(&CreateInstance::new("n", "1")).unwrap();
        assert!(!create.is_idempotent());
    }
}
