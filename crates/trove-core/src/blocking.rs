//! A blocking client, in the manner of `reqwest::blocking`: the async [`crate::Client`] driven by
//! a current-thread tokio runtime of its own, so programs without async can call Trove.
//!
//! Every method blocks the calling thread until the call finishes. Do not call it from inside
//! an async runtime (tokio panics when a runtime is started from within another); use the
//! async client there. Calls this module has no wrapper for go through [`Client::block_on`]
//! or [`Client::call`].
//!
//! ```
//! # fn main() -> Result<(), trove_core::Error> {
//! # let emulator = trove_emulator::Emulator::new(trove_emulator::Config::with_reads(1));
//! use trove_core::blocking::Client;
//!
//! let client = Client::new("jsmith", "abcdef", "12345", "http://localhost:8779/v1.0/auth")
//!     .auth_strategy("fake")
//! #   .transport(emulator.service())
//!     .build()?;
//! let instance = client.instances().create("db1", "1").volume(1).send()?;
//! assert_eq!(client.instances().get(&instance.id)?.name, "db1");
//! // Anything else: run the async call on the client's runtime.
//! let page = client.call(|c| async move { c.instances().list().limit(1).await })?;
//! assert_eq!(page.len(), 1);
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::runtime::Runtime;
use trove_auth::{AuthStrategy, Secret};
use trove_types::backup::Backup;
use trove_types::cluster::Cluster;
use trove_types::instance::{DatabaseSpec, InstanceList, UserSpec};
use trove_types::{Instance, Paged, Resource, Settle, Version};

use crate::api::resource::Routed;
use crate::error::{BuildError, Error};
use crate::request::page::Page;
use crate::request::wait::WaitOptions;

/// A blocking Trove client. Cheap to clone; clones share the runtime, the connections and
/// the token.
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Client")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

fn runtime() -> Result<Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::from(BuildError::Runtime(e)))
}

impl Client {
    /// Starts a client from the usage guide's four values: user, key, tenant and auth URL, as
    /// [`crate::Client::new`] does.
    #[allow(clippy::new_ret_no_self)] // Mirrors the usage guide's `Dbaas(...)`; options follow on the builder.
    pub fn new(user: &str, key: impl Into<Secret>, tenant: &str, auth_url: &str) -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::new(user, key, tenant, auth_url),
        }
    }

    /// Starts a client with nothing configured.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::builder(),
        }
    }

    /// Wraps an async client built elsewhere in a runtime of its own.
    pub fn from_async(inner: crate::Client) -> Result<Client, Error> {
        Ok(Client {
            inner,
            runtime: Arc::new(runtime()?),
        })
    }

    /// Returns the async client inside, to hand to async code.
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// Runs any future to completion on the client's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Runs an async call of the async client, for the calls this module has no wrapper for:
    /// `client.call(|c| async move { c.clusters().get(&id).await })`.
    pub fn call<'a, F, Fut>(&'a self, f: F) -> Fut::Output
    where
        F: FnOnce(&'a crate::Client) -> Fut,
        Fut: Future + 'a,
    {
        self.runtime.block_on(f(&self.inner))
    }

    /// Authenticates now and returns the session's endpoint.
    pub fn authenticate(&self) -> Result<String, Error> {
        self.block_on(self.inner.authenticate())
    }

    /// API version discovery.
    pub fn versions(&self) -> Versions<'_> {
        Versions { client: self }
    }

    /// Instances: create, get, list, delete, refresh, waits.
    pub fn instances(&self) -> Instances<'_> {
        self.api()
    }

    /// Backups: get, list, delete, waits.
    pub fn backups(&self) -> Api<'_, Backup> {
        self.api()
    }

    /// Clusters: get, list, delete, waits.
    pub fn clusters(&self) -> Api<'_, Cluster> {
        self.api()
    }

    /// Returns the handler of kind `K`.
    pub fn api<K>(&self) -> Api<'_, K> {
        Api {
            client: self,
            inner: crate::Api::new(&self.inner),
        }
    }
}

/// Configures a blocking [`Client`]; the options are those of [`crate::ClientBuilder`].
#[must_use = "a builder does nothing until it is built"]
pub struct ClientBuilder {
    inner: crate::ClientBuilder,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::ClientBuilder")
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Chooses the strategy by name (`keystone`, `fake`, ...), as the usage guide's `auth_strategy`.
    pub fn auth_strategy(self, name: &str) -> Self {
        self.with(|b| b.auth_strategy(name))
    }

    /// Uses a strategy object.
    pub fn auth(self, strategy: impl AuthStrategy) -> Self {
        self.with(|b| b.auth(strategy))
    }

    /// Uses a static token against a fixed endpoint.
    pub fn token(self, token: impl Into<Secret>, endpoint: &str) -> Self {
        self.with(|b| b.token(token, endpoint))
    }

    /// Picks the catalog endpoint of `region`.
    pub fn region(self, region: &str) -> Self {
        self.with(|b| b.region(region))
    }

    /// Sends calls to `endpoint` instead of the catalog's.
    pub fn endpoint_override(self, endpoint: &str) -> Self {
        self.with(|b| b.endpoint_override(endpoint))
    }

    /// Limits each call; `None` removes the limit.
    pub fn timeout(self, limit: Option<Duration>) -> Self {
        self.with(|b| b.timeout(limit))
    }

    /// Uses `service` as the transport (an in-process emulator, a mock).
    pub fn transport<S: crate::transport::BodyService>(self, service: S) -> Self {
        self.with(|b| b.transport(service))
    }

    /// Applies any option of the async builder: `.with(|b| b.service_type("rax:database"))`.
    pub fn with(mut self, edit: impl FnOnce(crate::ClientBuilder) -> crate::ClientBuilder) -> Self {
        self.inner = edit(self.inner);
        self
    }

    /// Builds the client and its runtime; makes no request.
    pub fn build(self) -> Result<Client, Error> {
        let runtime = runtime()?;
        // The transport may look for a runtime while it is built.
        let inner = {
            let _entered = runtime.enter();
            self.inner.build()?
        };
        Ok(Client {
            inner,
            runtime: Arc::new(runtime),
        })
    }
}

/// Blocking version discovery.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'c> {
    client: &'c Client,
}

impl Versions<'_> {
    /// Lists the API versions served at `url`, as the usage guide's `client.versions.index(url)`.
    pub fn index(&self, url: &str) -> Result<Vec<Version>, Error> {
        let c = self.client;
        c.block_on(c.inner.versions().index(url))
    }
}

/// A blocking handler of kind `K`: the async [`crate::Api`] driven by the client's runtime.
pub struct Api<'c, K> {
    client: &'c Client,
    inner: crate::Api<'c, K>,
}

impl<K> Clone for Api<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Api<'_, K> {}

impl<K: Resource> std::fmt::Debug for Api<'_, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Api")
            .field("kind", &K::KIND)
            .finish()
    }
}

impl<'c, K: Routed> Api<'c, K> {
    /// Shows one item.
    pub fn get(&self, id: &str) -> Result<K, Error> {
        self.client.block_on(self.inner.get(id))
    }

    /// Shows one item, or `None` when the server answers 404.
    pub fn get_opt(&self, id: &str) -> Result<Option<K>, Error> {
        self.client.block_on(self.inner.get_opt(id))
    }

    /// Deletes one item.
    pub fn delete(&self, id: &str) -> Result<(), Error> {
        self.client.block_on(self.inner.delete(id))
    }

    /// Starts a list request: [`ListRequest::send`] for one page, or iterate for every item.
    pub fn list(&self) -> ListRequest<'c, K::List> {
        ListRequest {
            client: self.client,
            inner: self.inner.list(),
        }
    }
}

impl<K: Routed + Settle> Api<'_, K> {
    /// Waits until the item is ready; see [`crate::Api::wait_ready`].
    pub fn wait_ready(&self, id: &str, options: WaitOptions<'_>) -> Result<K, Error> {
        self.client.block_on(self.inner.wait_ready(id, options))
    }

    /// Waits until the item is gone (404); see [`crate::Api::wait_deleted`].
    pub fn wait_deleted(&self, id: &str, options: WaitOptions<'_>) -> Result<(), Error> {
        self.client.block_on(self.inner.wait_deleted(id, options))
    }
}

/// Blocking instances: the generic handler plus create.
pub type Instances<'c> = Api<'c, Instance>;

impl<'c> Api<'c, Instance> {
    /// Starts a create request; add options, then [`CreateInstance::send`].
    pub fn create(
        &self,
        name: impl Into<String>,
        flavor_id: impl Into<String>,
    ) -> CreateInstance<'c> {
        CreateInstance {
            client: self.client,
            inner: self.inner.create(name, flavor_id),
        }
    }

    /// Reloads `instance` in place (the usage guide's `instance.get()`).
    pub fn refresh(&self, instance: &mut Instance) -> Result<(), Error> {
        *instance = self.get(&instance.id)?;
        Ok(())
    }
}

/// A blocking create request being built: the async
/// [`CreateInstanceRequest`](crate::api::instances::CreateInstanceRequest), sent on the client's
/// runtime.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct CreateInstance<'c> {
    client: &'c Client,
    inner: crate::api::instances::CreateInstanceRequest<'c>,
}

impl<'c> CreateInstance<'c> {
    /// Adds a data volume of `size_gb` GB.
    pub fn volume(self, size_gb: u64) -> Self {
        self.options(|r| r.volume(size_gb))
    }

    /// Adds a database to create.
    pub fn database(self, database: DatabaseSpec) -> Self {
        self.options(|r| r.database(database))
    }

    /// Adds a user to create.
    pub fn user(self, user: UserSpec) -> Self {
        self.options(|r| r.user(user))
    }

    /// Gives access to the whole body for fields without a setter.
    pub fn with(self, edit: impl FnOnce(&mut trove_types::instance::CreateInstance)) -> Self {
        self.options(|r| r.with(edit))
    }

    /// Applies any option of the async request: `.options(|r| r.availability_zone("nova"))`.
    pub fn options(
        mut self,
        edit: impl FnOnce(
            crate::api::instances::CreateInstanceRequest<'c>,
        ) -> crate::api::instances::CreateInstanceRequest<'c>,
    ) -> Self {
        self.inner = edit(self.inner);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<Instance, Error> {
        self.client.block_on(self.inner.send())
    }
}

/// A blocking list request being built: the async [`crate::ListRequest`], sent on the
/// client's runtime.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListRequest<'c, E> {
    client: &'c Client,
    inner: crate::ListRequest<'c, E>,
}

impl<'c, E> ListRequest<'c, E>
where
    E: Paged + Clone + Send + 'static,
    E::Item: Send + 'static,
{
    /// Asks for at most `limit` items per page.
    pub fn limit(self, limit: u32) -> Self {
        self.filter(|r| r.limit(limit))
    }

    /// Starts after `marker` (a page's `next`); `None` starts at the beginning.
    pub fn marker<M: AsRef<str>>(self, marker: Option<M>) -> Self {
        self.filter(|r| r.marker(marker))
    }

    /// Applies any filter of the async request: `.filter(|r| r.include_clustered(true))`.
    pub fn filter(
        mut self,
        edit: impl FnOnce(crate::ListRequest<'c, E>) -> crate::ListRequest<'c, E>,
    ) -> Self {
        self.inner = edit(self.inner);
        self
    }

    /// Fetches one page.
    pub fn send(self) -> Result<Page<E::Item>, Error> {
        self.client.block_on(self.inner.send())
    }

    /// Returns an iterator over every item from the marker on, fetching pages lazily.
    pub fn iter(self) -> Iter<'c, E::Item> {
        Iter {
            client: self.client,
            stream: Box::pin(self.inner.into_stream()),
        }
    }
}

impl ListRequest<'_, InstanceList> {
    /// Uses the detail view.
    pub fn detailed(self, yes: bool) -> Self {
        self.filter(|r| r.detailed(yes))
    }
}

impl<'c, E> IntoIterator for ListRequest<'c, E>
where
    E: Paged + Clone + Send + 'static,
    E::Item: Send + 'static,
{
    type Item = Result<E::Item, Error>;
    type IntoIter = Iter<'c, E::Item>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A blocking iterator over a paged list; each page is fetched when the previous one is used.
pub struct Iter<'c, T> {
    client: &'c Client,
    stream: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>,
}

impl<T> std::fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Iter").finish_non_exhaustive()
    }
}

impl<T> Iterator for Iter<'_, T> {
    type Item = Result<T, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        self.client.block_on(self.stream.next())
    }
}
