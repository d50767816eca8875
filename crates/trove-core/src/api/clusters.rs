//! Clusters: create, get, list (paged and streamed), actions (grow, shrink, reset-status,
//! restart, upgrade, configuration attach/detach), member show, delete and waits.

use std::future::IntoFuture;

use futures::future::BoxFuture;
use trove_types::cluster::{
    Cluster, ClusterAction, ClusterEnvelope, ClusterInstanceSpec, ClusterList,
    ConfigurationAttachArg, CreateCluster, CreateClusterEnvelope, EmptyObject, IdRef, UpgradeArg,
};
use trove_types::instance::InstanceEnvelope;
use trove_types::Instance;

use crate::api::resource::{Api, Routed};
use crate::client::Client;
use crate::error::{BuildError, Error};
use crate::request::operation::Operation;
use crate::request::routes;
use crate::request::wait::{conditions, WaitOptions};

/// Clusters: `client.clusters()`, the generic [`Api`] (get, list, delete, waits) with the
/// verbs below.
pub type Clusters<'c> = Api<'c, Cluster>;

impl Routed for Cluster {
    fn get_op(id: &str) -> Operation<ClusterEnvelope> {
        get_operation(id)
    }

    fn list_op() -> Operation<ClusterList> {
        list_operation()
    }

    fn delete_op(id: &str) -> Operation<()> {
        delete_operation(id)
    }
}

impl<'c> Api<'c, Cluster> {
    /// Starts a create request for a cluster `name` of datastore `kind`, `version` (Trove's
    /// cluster schema requires both); add members with the builder's methods, then `.await`
    /// it.
    pub fn create(
        &self,
        name: impl Into<String>,
        kind: impl Into<String>,
        version: impl Into<String>,
    ) -> CreateClusterRequest<'c> {
        CreateClusterRequest {
            client: self.client,
            body: CreateCluster::new(name, kind, version),
        }
    }

    /// Creates a cluster from a complete request body.
    pub async fn create_from(&self, body: &CreateCluster) -> Result<Cluster, Error> {
        Ok(self.client.execute(create_operation(body)?).await?.cluster)
    }

    /// Shows one member instance of a cluster.
    pub async fn get_instance(
        &self,
        cluster_id: &str,
        instance_id: &str,
    ) -> Result<Instance, Error> {
        let op = get_instance_operation(cluster_id, instance_id);
        Ok(self.client.execute(op).await?.instance)
    }

    /// Runs an action; returns the cluster when the server shows it in its answer.
    pub async fn action(&self, id: &str, action: &ClusterAction) -> Result<Option<Cluster>, Error> {
        let answer = self.client.execute(action_operation(id, action)?).await?;
        Ok(answer.map(|e| e.cluster))
    }

    /// Adds members.
    pub async fn grow(
        &self,
        id: &str,
        instances: Vec<ClusterInstanceSpec>,
    ) -> Result<Option<Cluster>, Error> {
        self.action(id, &ClusterAction::Grow(instances)).await
    }

    /// Removes the members with these instance ids.
    pub async fn shrink(&self, id: &str, instance_ids: &[&str]) -> Result<Option<Cluster>, Error> {
        let ids = instance_ids
            .iter()
            .map(|i| IdRef {
                id: (*i).to_owned(),
            })
            .collect();
        self.action(id, &ClusterAction::Shrink(ids)).await
    }

    /// Clears a stuck task (`reset-status`).
    pub async fn reset_status(&self, id: &str) -> Result<Option<Cluster>, Error> {
        self.action(id, &ClusterAction::ResetStatus(EmptyObject {}))
            .await
    }

    /// Adds a shard shaped like the existing ones: as many members, of the same flavor and
    /// volume (`add_shard`, MongoDB clusters; `trove/cluster/service.py`
    /// `ClusterController.action`). Other datastores answer 400 "Action add_shard not
    /// supported"; a busy cluster 422.
    pub async fn add_shard(&self, id: &str) -> Result<Option<Cluster>, Error> {
        self.action(id, &ClusterAction::AddShard(EmptyObject {}))
            .await
    }

    /// Restarts every member.
    pub async fn restart(&self, id: &str) -> Result<Option<Cluster>, Error> {
        self.action(id, &ClusterAction::Restart(EmptyObject {}))
            .await
    }

    /// Upgrades every member to `datastore_version`.
    pub async fn upgrade(
        &self,
        id: &str,
        datastore_version: &str,
    ) -> Result<Option<Cluster>, Error> {
        let arg = UpgradeArg {
            datastore_version: datastore_version.to_owned(),
        };
        self.action(id, &ClusterAction::Upgrade(arg)).await
    }

    /// Attaches configuration group `configuration_id` to every member.
    pub async fn configuration_attach(
        &self,
        id: &str,
        configuration_id: &str,
    ) -> Result<Option<Cluster>, Error> {
        let arg = ConfigurationAttachArg {
            configuration_id: configuration_id.to_owned(),
        };
        self.action(id, &ClusterAction::ConfigurationAttach(arg))
            .await
    }

    /// Detaches the configuration group.
    pub async fn configuration_detach(&self, id: &str) -> Result<Option<Cluster>, Error> {
        self.action(id, &ClusterAction::ConfigurationDetach(EmptyObject {}))
            .await
    }

    /// Waits until `done` holds for the cluster; a failed member ends the wait unless `done`
    /// accepts it first. The error carries the last task name seen.
    pub async fn wait_for(
        &self,
        id: &str,
        done: impl Fn(&Cluster) -> bool,
        options: WaitOptions<'_>,
    ) -> Result<Cluster, Error> {
        self.wait_present(id, options, conditions::matches(done))
            .await
    }
}

/// A create request being built; `.await` sends it.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateClusterRequest<'c> {
    client: &'c Client,
    body: CreateCluster,
}

impl<'c> CreateClusterRequest<'c> {
    /// Adds a member.
    pub fn instance(mut self, spec: ClusterInstanceSpec) -> Self {
        self.body.instances.push(spec);
        self
    }

    /// Adds `count` members on flavor `flavor_ref` with volumes of `volume_gb` GB.
    pub fn instances(mut self, count: usize, flavor_ref: &str, volume_gb: u64) -> Self {
        for _ in 0..count {
            self.body
                .instances
                .push(ClusterInstanceSpec::new(flavor_ref, volume_gb));
        }
        self
    }

    /// Sets the server group policy (`affinity` or `anti-affinity`).
    pub fn locality(mut self, locality: impl Into<String>) -> Self {
        self.body.locality = Some(locality.into());
        self
    }

    /// Attaches configuration group `id`.
    pub fn configuration(mut self, id: impl Into<String>) -> Self {
        self.body.configuration = Some(id.into());
        self
    }

    /// Sets datastore-specific properties.
    pub fn extended_properties(mut self, properties: serde_json::Value) -> Self {
        self.body.extended_properties = Some(properties);
        self
    }

    /// Returns the body that will be sent.
    pub fn body(&self) -> &CreateCluster {
        &self.body
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Cluster, Error> {
        Clusters::new(self.client).create_from(&self.body).await
    }
}

impl<'c> IntoFuture for CreateClusterRequest<'c> {
    type Output = Result<Cluster, Error>;
    type IntoFuture = BoxFuture<'c, Result<Cluster, Error>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// `GET /clusters` (add `limit` and `marker` with [`ListRequest`]).
pub(crate) fn list_operation() -> Operation<ClusterList> {
    Operation::json(&routes::CLUSTER_LIST, &[])
}

/// `POST /clusters`. A body without `datastore.type` or `datastore.version` is refused before
/// sending: Trove's cluster create schema requires both (400 "Validation error:
/// cluster['datastore'] 'version' is a required property").
pub(crate) fn create_operation(body: &CreateCluster) -> Result<Operation<ClusterEnvelope>, Error> {
    for (field, set) in [
        ("type", body.datastore.kind.is_some()),
        ("version", body.datastore.version.is_some()),
    ] {
        if !set {
            return Err(Error::from(BuildError::Refused(format!(
                "a cluster needs datastore.{field} (Trove's cluster schema requires it)"
            ))));
        }
    }
    Operation::json(&routes::CLUSTER_CREATE, &[])
        .with_json(&CreateClusterEnvelope { cluster: body })
}

/// `GET /clusters/{id}`.
pub(crate) fn get_operation(id: &str) -> Operation<ClusterEnvelope> {
    Operation::json(&routes::CLUSTER_GET, &[id])
}

/// `POST /clusters/{id}` with one action; not idempotent.
pub(crate) fn action_operation(
    id: &str,
    action: &ClusterAction,
) -> Result<Operation<Option<ClusterEnvelope>>, Error> {
    Operation::json_or_empty(&routes::CLUSTER_ACTION, &[id]).with_json(action)
}

/// `GET /clusters/{cluster_id}/instances/{instance_id}`.
pub(crate) fn get_instance_operation(
    cluster_id: &str,
    instance_id: &str,
) -> Operation<InstanceEnvelope> {
    Operation::json(&routes::CLUSTER_GET_INSTANCE, &[cluster_id, instance_id])
}

/// `DELETE /clusters/{id}`.
pub(crate) fn delete_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::CLUSTER_DELETE, &[id])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;
    use serde_json::{json, Value};

    fn body<R>(op: &Operation<R>) -> Value {
        serde_json::from_slice(op.body().unwrap()).unwrap()
    }

    #[test]
    fn create_nests_the_cluster_and_its_members() {
        let mut req = CreateCluster::new("c1", "mongodb", "3.2");
        req.instances
            .push(ClusterInstanceSpec::new("7", 2).kind("member"));
        req.locality = Some("anti-affinity".into());
        let op = create_operation(&req).unwrap();
        assert_eq!(op.path(), "/clusters");
        assert!(!op.is_idempotent());
        assert_eq!(
            body(&op),
            json!({"cluster": {"name": "c1", "datastore": {"type": "mongodb", "version": "3.2"},
                "instances": [{"flavorRef": "7", "volume": {"size": 2}, "type": "member"}],
                "locality": "anti-affinity"}})
        );
    }

    /// Follows trove/common/apischema.py cluster create: `datastore.type` and
    /// `datastore.version` are required, so a hand-built body without one never leaves the SDK.
    #[test]
    fn create_without_a_version_is_refused_before_sending() {
        let mut req = CreateCluster::new("c1", "mongodb", "3.2");
        req.datastore.version = None;
        let err = create_operation(&req).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        assert!(err.to_string().contains("datastore.version"), "{err}");
        let mut req = CreateCluster::new("c1", "mongodb", "3.2");
        req.datastore.kind = None;
        let err = create_operation(&req).unwrap_err();
        assert!(err.to_string().contains("datastore.type"), "{err}");
        let op = action_operation("c", &ClusterAction::AddShard(EmptyObject {})).unwrap();
        assert_eq!(body(&op), json!({"add_shard": {}}));
    }

    #[test]
    fn actions_post_one_key_bodies_to_the_cluster() {
        let op = action_operation(
            "c 1",
            &ClusterAction::Shrink(vec![IdRef { id: "i1".into() }]),
        )
        .unwrap();
        assert_eq!(op.method(), Method::POST);
        assert_eq!(op.path(), "/clusters/c%201");
        assert!(!op.is_idempotent());
        assert_eq!(body(&op), json!({"shrink": [{"id": "i1"}]}));
        let op = action_operation(
            "c",
            &ClusterAction::ConfigurationAttach(ConfigurationAttachArg {
                configuration_id: "g".into(),
            }),
        )
        .unwrap();
        assert_eq!(
            body(&op),
            json!({"configuration_attach": {"configuration_id": "g"}})
        );
        let op = action_operation("c", &ClusterAction::ResetStatus(EmptyObject {})).unwrap();
        assert_eq!(body(&op), json!({"reset-status": {}}));
        let empty = op
            .decode(http::StatusCode::ACCEPTED, &bytes::Bytes::new())
            .unwrap();
        assert!(empty.is_none(), "an empty 202 is accepted");
    }

    #[test]
    fn reads_and_delete_are_idempotent() {
        assert_eq!(get_operation("c").path(), "/clusters/c");
        assert_eq!(
            get_instance_operation("c", "i").path(),
            "/clusters/c/instances/i"
        );
        assert!(delete_operation("c").is_idempotent());
        assert_eq!(delete_operation("c").method(), Method::DELETE);
        assert_eq!(list_operation().to_request().unwrap().uri(), "/clusters");
    }
}
