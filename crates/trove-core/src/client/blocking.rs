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
//! use trove_core::client::blocking::Client;
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

use bytes::Bytes;
use futures::{Stream, StreamExt};
use http_body_util::Full;
use tokio::runtime::Runtime;
use tower::Service;
use trove_auth::{AuthStrategy, Secret};
use trove_types::instance::{DatabaseSpec, UserSpec};
use trove_types::{Instance, Version};

use crate::error::{BoxError, Error};
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
        .map_err(|e| Error::InvalidRequest(format!("cannot start the blocking runtime: {e}")))
}

impl Client {
    /// Starts a client from the seed's four values: user, key, tenant and auth URL, as
    /// [`crate::Client::new`] does.
    #[allow(clippy::new_ret_no_self)] // Mirrors the seed's `Dbaas(...)`; options follow on the builder.
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
        Instances { client: self }
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
    /// Chooses the strategy by name (`keystone`, `fake`, ...), as the seed's `auth_strategy`.
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
    pub fn transport<S, B>(self, service: S) -> Self
    where
        S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
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
    /// Lists the API versions served at `url`, as the seed's `client.versions.index(url)`.
    pub fn index(&self, url: &str) -> Result<Vec<Version>, Error> {
        let c = self.client;
        c.block_on(c.inner.versions().index(url))
    }
}

/// Blocking operations on instances.
#[derive(Debug, Clone, Copy)]
pub struct Instances<'c> {
    client: &'c Client,
}

impl<'c> Instances<'c> {
    /// Starts a create request; add options, then [`CreateInstance::send`].
    pub fn create(
        &self,
        name: impl Into<String>,
        flavor_id: impl Into<String>,
    ) -> CreateInstance<'c> {
        CreateInstance {
            client: self.client,
            body: trove_types::instance::CreateInstance::new(name, flavor_id),
        }
    }

    /// Shows an instance.
    pub fn get(&self, id: &str) -> Result<Instance, Error> {
        let c = self.client;
        c.block_on(c.inner.instances().get(id))
    }

    /// Reloads `instance` in place (the seed's `instance.get()`).
    pub fn refresh(&self, instance: &mut Instance) -> Result<(), Error> {
        *instance = self.get(&instance.id)?;
        Ok(())
    }

    /// Deletes an instance.
    pub fn delete(&self, id: &str) -> Result<(), Error> {
        let c = self.client;
        c.block_on(c.inner.instances().delete(id))
    }

    /// Starts a list request: [`ListInstances::send`] for one page, or iterate for every
    /// instance.
    pub fn list(&self) -> ListInstances<'c> {
        ListInstances {
            client: self.client,
            limit: None,
            marker: None,
            detailed: false,
        }
    }

    /// Waits until the instance is `ACTIVE` or `HEALTHY`.
    pub fn wait_ready(&self, id: &str, options: WaitOptions) -> Result<Instance, Error> {
        let c = self.client;
        c.block_on(c.inner.instances().wait_ready(id, options))
    }

    /// Waits until the instance is gone (404).
    pub fn wait_deleted(&self, id: &str, options: WaitOptions) -> Result<(), Error> {
        let c = self.client;
        c.block_on(c.inner.instances().wait_deleted(id, options))
    }
}

/// A blocking create request being built.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct CreateInstance<'c> {
    client: &'c Client,
    body: trove_types::instance::CreateInstance,
}

impl CreateInstance<'_> {
    /// Adds a data volume of `size_gb` GB.
    pub fn volume(mut self, size_gb: u64) -> Self {
        self.body.volume = Some(trove_types::instance::VolumeSpec::new(size_gb));
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

    /// Gives access to the whole body for fields without a setter.
    pub fn with(mut self, edit: impl FnOnce(&mut trove_types::instance::CreateInstance)) -> Self {
        edit(&mut self.body);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<Instance, Error> {
        let c = self.client;
        c.block_on(c.inner.instances().create_from(&self.body))
    }
}

/// A blocking list request being built.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListInstances<'c> {
    client: &'c Client,
    limit: Option<u32>,
    marker: Option<String>,
    detailed: bool,
}

impl<'c> ListInstances<'c> {
    /// Asks for at most `limit` items per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after `marker` (a page's `next`); `None` starts at the beginning.
    pub fn marker<M: AsRef<str>>(mut self, marker: Option<M>) -> Self {
        self.marker = marker.map(|m| m.as_ref().to_owned());
        self
    }

    /// Uses the detail view.
    pub fn detailed(mut self, yes: bool) -> Self {
        self.detailed = yes;
        self
    }

    fn request(&self) -> crate::api::instances::ListInstancesRequest<'c> {
        let mut req = self
            .client
            .inner
            .instances()
            .list()
            .marker(self.marker.as_deref())
            .detailed(self.detailed);
        if let Some(l) = self.limit {
            req = req.limit(l);
        }
        req
    }

    /// Fetches one page.
    pub fn send(self) -> Result<Page<Instance>, Error> {
        let c = self.client;
        c.block_on(self.request().send())
    }

    /// Returns an iterator over every instance from the marker on, fetching pages lazily.
    pub fn iter(self) -> Iter<'c, Instance> {
        Iter {
            client: self.client,
            stream: Box::pin(self.request().into_stream()),
        }
    }
}

impl<'c> IntoIterator for ListInstances<'c> {
    type Item = Result<Instance, Error>;
    type IntoIter = Iter<'c, Instance>;
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
