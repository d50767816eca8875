//! Instances: create, get, list (paged and streamed), delete, refresh, wait.

use std::future::{Future, IntoFuture};

use futures::future::BoxFuture;
use futures::Stream;
use http::Method;
use trove_types::instance::{
    CreateInstance, CreateInstanceEnvelope, DatabaseSpec, DatastoreSpec, InstanceEnvelope,
    InstanceList, NicSpec, UserSpec, VolumeSpec,
};
use trove_types::{Instance, InstanceStatus};

use crate::client::Client;
use crate::error::Error;
use crate::operation::{encode_segment, Operation};
use crate::pagination::{stream_items, Page};
use crate::wait::{poll_until, Check, WaitOptions};

/// Operations on instances.
#[derive(Debug, Clone, Copy)]
pub struct Instances<'c> {
    client: &'c Client,
}

impl<'c> Instances<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Instances { client }
    }

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

    /// Creates an instance from a complete request body.
    pub async fn create_from(&self, body: &CreateInstance) -> Result<Instance, Error> {
        Ok(self.client.execute(create_operation(body)?).await?.instance)
    }

    /// Shows an instance.
    pub async fn get(&self, id: &str) -> Result<Instance, Error> {
        Ok(self.client.execute(get_operation(id)).await?.instance)
    }

    /// Deletes an instance. Trove answers 422 while the instance is still building.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        self.client.execute(delete_operation(id)).await
    }

    /// Starts a list request: `.await` it for one page, or call
    /// [`ListInstancesRequest::into_stream`] for every instance.
    pub fn list(&self) -> ListInstancesRequest<'c> {
        ListInstancesRequest {
            client: self.client,
            query: ListQuery::default(),
        }
    }

    /// Waits until the instance is ready (`ACTIVE` or `HEALTHY`); fails on `ERROR` or `FAILED`
    /// and on timeout, with the last status seen.
    pub async fn wait_ready(&self, id: &str, options: WaitOptions) -> Result<Instance, Error> {
        self.wait_for(
            id,
            &[InstanceStatus::Active, InstanceStatus::Healthy],
            options,
        )
        .await
    }

    /// Waits until the instance's status is one of `success`; `ERROR` and `FAILED` end the wait
    /// unless they are in `success`.
    pub async fn wait_for(
        &self,
        id: &str,
        success: &[InstanceStatus],
        options: WaitOptions,
    ) -> Result<Instance, Error> {
        poll_until(
            format!("instance {id}"),
            options,
            || self.get(id),
            |i| {
                if success.contains(&i.status) {
                    Check::Done
                } else if i.status.is_failed() {
                    Check::Failed
                } else {
                    Check::Pending
                }
            },
            |i| i.status.to_string(),
        )
        .await
    }

    /// Waits until the instance is gone: a 404 ends the wait successfully.
    pub async fn wait_deleted(&self, id: &str, options: WaitOptions) -> Result<(), Error> {
        poll_until(
            format!("deletion of instance {id}"),
            options,
            || async {
                match self.get(id).await {
                    Ok(i) => Ok(Some(i)),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            },
            |i| match i {
                None => Check::Done,
                Some(i) if i.status == InstanceStatus::Error => Check::Failed,
                Some(_) => Check::Pending,
            },
            |i| {
                i.as_ref()
                    .map_or_else(|| "deleted".to_owned(), |i| i.status.to_string())
            },
        )
        .await
        .map(|_| ())
    }
}

/// The seed's methods on an instance object: `instance.get()` (here `refresh`) and
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
        self.body.datastore = Some(DatastoreSpec {
            kind: kind.into(),
            version,
            version_number: None,
        });
        self
    }

    /// Sets the availability zone.
    pub fn availability_zone(mut self, zone: impl Into<String>) -> Self {
        self.body.availability_zone = Some(zone.into());
        self
    }

    /// Attaches a network.
    pub fn nic(mut self, nic: NicSpec) -> Self {
        self.body.nics.push(nic);
        self
    }

    /// Gives access to the whole body for fields without a setter.
    pub fn with(mut self, edit: impl FnOnce(&mut CreateInstance)) -> Self {
        edit(&mut self.body);
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

impl<'c> IntoFuture for CreateInstanceRequest<'c> {
    type Output = Result<Instance, Error>;
    type IntoFuture = BoxFuture<'c, Result<Instance, Error>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[derive(Debug, Clone, Default)]
struct ListQuery {
    limit: Option<u32>,
    marker: Option<String>,
    detailed: bool,
    include_clustered: bool,
}

/// A list request being built; `.await` fetches one page.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct ListInstancesRequest<'c> {
    client: &'c Client,
    query: ListQuery,
}

impl<'c> ListInstancesRequest<'c> {
    /// Asks for at most `limit` items (Trove caps pages at 20 unless configured otherwise).
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.limit = Some(limit);
        self
    }

    /// Starts after `marker` (a page's `next`); `None` starts at the beginning.
    pub fn marker<M: AsRef<str>>(mut self, marker: Option<M>) -> Self {
        self.query.marker = marker.map(|m| m.as_ref().to_owned());
        self
    }

    /// Uses the detail view (`/instances/detail`: timestamps, faults, volume usage).
    pub fn detailed(mut self, yes: bool) -> Self {
        self.query.detailed = yes;
        self
    }

    /// Includes instances that belong to clusters.
    pub fn include_clustered(mut self, yes: bool) -> Self {
        self.query.include_clustered = yes;
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<Instance>, Error> {
        let op = list_operation(&self.query, self.query.marker.as_deref());
        Ok(Page::from_envelope(self.client.execute(op).await?))
    }

    /// Streams every instance from the marker on, one page in memory at a time.
    pub fn into_stream(self) -> impl Stream<Item = Result<Instance, Error>> + Send + 'static {
        let query = self.query;
        let first = query.marker.clone();
        stream_items(self.client.clone(), first, move |marker| {
            list_operation(&query, marker)
        })
    }
}

impl<'c> IntoFuture for ListInstancesRequest<'c> {
    type Output = Result<Page<Instance>, Error>;
    type IntoFuture = BoxFuture<'c, Result<Page<Instance>, Error>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// `POST /instances`.
pub fn create_operation(body: &CreateInstance) -> Result<Operation<InstanceEnvelope>, Error> {
    Operation::json(Method::POST, "/instances", "/instances".to_owned())
        .with_json(&CreateInstanceEnvelope { instance: body })
}

/// `GET /instances/{id}`.
pub fn get_operation(id: &str) -> Operation<InstanceEnvelope> {
    Operation::json(
        Method::GET,
        "/instances/{id}",
        format!("/instances/{}", encode_segment(id)),
    )
}

/// `DELETE /instances/{id}`.
pub fn delete_operation(id: &str) -> Operation<()> {
    Operation::empty(
        Method::DELETE,
        "/instances/{id}",
        format!("/instances/{}", encode_segment(id)),
    )
}

fn list_operation(q: &ListQuery, marker: Option<&str>) -> Operation<InstanceList> {
    let (template, path) = if q.detailed {
        ("/instances/detail", "/instances/detail")
    } else {
        ("/instances", "/instances")
    };
    Operation::json(Method::GET, template, path.to_owned())
        .query("limit", q.limit)
        .query("marker", marker)
        .query("include_clustered", q.include_clustered.then_some("true"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_requests_carry_limit_and_marker() {
        let q = ListQuery {
            limit: Some(5),
            detailed: true,
            ..Default::default()
        };
        let req = list_operation(&q, Some("abc")).to_request().unwrap();
        assert_eq!(req.uri(), "/instances/detail?limit=5&marker=abc");
        let req = list_operation(&ListQuery::default(), None)
            .to_request()
            .unwrap();
        assert_eq!(req.uri(), "/instances");
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
