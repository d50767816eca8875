//! A Rust client for OpenStack Trove, the Database-as-a-Service API v1.0.
//!
//! This crate is the facade: it re-exports the client of `troveclient-core`, the models of
//! `troveclient-types` and the strategies of `troveclient-auth`, so applications depend on it
//! alone. The way in, in the order a program meets it:
//!
//! * **The builder.** [`Dbaas::new`]`(user, key, project, auth_url)` (an alias of
//!   [`Client::new`]) takes python-troveclient's four values and authenticates with Keystone v3
//!   (v2.0 for a `/v2.0` URL); [`ClientBuilder::auth_strategy`] picks another scheme by
//!   [`auth::AuthType`] name (`v3token`, `v3applicationcredential`, `rax`, `fake`...).
//!   [`ClientBuilder::from_env`] and [`ClientBuilder::from_cloud`] read `OS_*` variables and
//!   `clouds.yaml`. The builder also sets region, interface, TLS, timeouts, retry and limits;
//!   [`ClientBuilder::build`] makes no request.
//! * **Handlers.** [`Client::instances`], [`Client::backups`], [`Client::clusters`],
//!   [`Client::configurations`], [`Client::datastores`], [`Client::flavors`],
//!   [`Client::modules`], [`Client::quotas`], [`Client::mgmt`], and per instance
//!   [`Client::databases`], [`Client::users`], [`Client::root`]. Their verbs return request
//!   builders that are awaited directly (`.create(..).volume(2).await`).
//! * **Pages and streams.** A `list()` awaited is one [`Page`] with its `next` marker;
//!   `.into_stream()` yields every item, page after page, stopping on a missing or repeated
//!   marker.
//! * **Waiters.** `wait_ready` and `wait_deleted` poll with backoff up to a deadline
//!   ([`WaitOptions`]); their error carries the last observation. [`wait`] holds the loop for
//!   polling anything else.
//! * **Errors.** One [`Error`] says where a call failed (construction, authentication,
//!   transport, timeout, the server's answer, decoding); ask it rather than match it:
//!   [`Error::is_not_found`], [`Error::status`], [`Error::send_state`] (whether a failed create
//!   may have reached the server). [`ApiError`] keeps Trove's fault name, message, request id and
//!   the raw body.
//! * **Middleware.** The client is a tower stack (order in [`stack`]);
//!   [`ClientBuilder::layer`] adds your layer below retry (it sees each attempt),
//!   [`ClientBuilder::call_layer`] above it (each call once), [`ClientBuilder::transport`]
//!   replaces hyper. [`deps`] re-exports the tower, http, bytes, futures and http-body crates
//!   these signatures use, so a layer builds against the same versions.
//! * **Blocking.** With feature `blocking`, `blocking::Dbaas` offers the same calls without
//!   `async`, on a runtime of its own.
//! * **The emulator, for tests.** The `troveclient-emulator` crate (library `trove_emulator`) is
//!   an in-memory Trove 26 and Keystone v3: pass `emulator.service()` to
//!   [`ClientBuilder::transport`] to test in process with no sockets, or start it on a local
//!   port. It also injects faults (503s, resets, delays) and moves statuses on per read or by
//!   time.
//!
//! Keystone v3 password auth, a create, a wait, a stream and an error, against the emulator's
//! Keystone and Trove (against a real cloud, drop the `transport` line and give its identity
//! URL):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! use futures::TryStreamExt;
//! use troveclient::{Dbaas, InstanceStatus, WaitOptions};
//! use trove_emulator::{Config, Emulator};
//!
//! // Statuses move on with each read, so the wait below needs no real time.
//! let emulator = Emulator::new(Config::with_reads(1));
//!
//! // User jsmith in project demo, both in domain Default: the emulator's Keystone knows them.
//! let client = Dbaas::new("jsmith", "abcdef", "demo", "http://localhost:8779/v3")
//!     .transport(emulator.service())
//!     .build()?;
//! let endpoint = client.authenticate().await?;
//! assert!(endpoint.starts_with("http://localhost:8779/v1.0/"), "{endpoint}");
//!
//! let instance = client.instances().create("orders", "1").volume(2).await?;
//! let options = WaitOptions::default().fixed(Duration::ZERO);
//! let ready = client.instances().wait_ready(&instance.id, options).await?;
//! assert_eq!(ready.status, InstanceStatus::Active);
//!
//! let all: Vec<_> = client.instances().list().into_stream().try_collect().await?;
//! assert_eq!(all.len(), 1);
//!
//! let missing = client.instances().get("no-such-instance").await.unwrap_err();
//! assert!(missing.is_not_found(), "{missing}");
//! # Ok(())
//! # }
//! ```
//!
//! A layer of your own, here one that tags every attempt with a header:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), troveclient::Error> {
//! # let emulator = trove_emulator::Emulator::new(Default::default());
//! use troveclient::deps::{http, tower};
//! use troveclient::Dbaas;
//!
//! let tag = tower::util::MapRequestLayer::new(|mut request: http::Request<_>| {
//!     let value = http::HeaderValue::from_static("nightly-report");
//!     request.headers_mut().insert("x-caller", value);
//!     request
//! });
//! let client = Dbaas::new("jsmith", "abcdef", "12345", "http://localhost:8779/v1.0/auth")
//!     .auth_strategy("fake")
//!     .layer(tag)
//! #   .transport(emulator.service())
//!     .build()?;
//! client.instances().list().await?;
//! # Ok(())
//! # }
//! ```
//!
//! `docs/usage.md` in the source walks through every call of python-troveclient's "Using the
//! Client Programmatically" guide in Rust; its examples run as this crate's doctests.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use trove_auth::{CloudConfig, ConfigLoader, Credentials, TlsSettings};
pub use trove_core::api::backups::{
    BackupStrategies, Backups, CreateBackupRequest, ImportBackupRequest,
};
pub use trove_core::api::clusters::{Clusters, CreateClusterRequest};
pub use trove_core::api::configuration_parameters::ConfigurationParameters;
pub use trove_core::api::configurations::{Configurations, CreateConfigurationRequest};
pub use trove_core::api::databases::Databases;
pub use trove_core::api::datastores::Datastores;
pub use trove_core::api::flavors::Flavors;
pub use trove_core::api::instances::{CreateInstanceRequest, CreateReplicaRequest};
pub use trove_core::api::limits::Limits;
pub use trove_core::api::mgmt::Mgmt;
pub use trove_core::api::modules::{CreateModuleRequest, Modules};
pub use trove_core::api::quotas::Quotas;
pub use trove_core::api::root::{ClusterRoot, Root};
pub use trove_core::api::users::{UserName, Users};
pub use trove_core::api::versions::Versions;
pub use trove_core::request::wait::{WaitFailure, WaitOptions};

/// Waiting: the named conditions of the resources' waiters, the progress a callback is shown
/// after each poll, and the polling loop behind them, for callers that poll something else.
pub mod wait {
    pub use trove_core::client::wait::{poll_until, poll_until_observed, Observation};
    pub use trove_core::request::wait::{
        conditions, Check, Condition, OnPoll, Progress, WaitError, WaitFailure, WaitOptions,
    };
}
pub use trove_core::{
    Api, ApiError, Attempt, AttemptTimedOut, BoxError, BuildError, Client, ClientBuilder,
    DecodeError, Error, HttpService, InstanceExt, Instances, LayerError, LayerTimedOut,
    ListRequest, Operation, Page, RetryConfig, SendState, WaitError, WithBody,
};
pub use trove_types::backup::{Backup, BackupStatus, BackupStrategy, CreateBackupStrategy};
pub use trove_types::cluster::{
    Cluster, ClusterAction, ClusterInstance, ClusterInstanceSpec, ClusterTask, ClusterTaskName,
    CreateCluster,
};
pub use trove_types::configuration::{
    Configuration, ConfigurationInstance, CreateConfiguration, UpdateConfiguration,
};
pub use trove_types::configuration_parameter::ConfigurationParameter;
pub use trove_types::database::Database;
pub use trove_types::datastore::{Datastore, DatastoreVersion, VolumeType};
pub use trove_types::flavor::Flavor;
pub use trove_types::instance::{
    Access, Address, DatabaseSpec, DatastoreSpec, InstanceDetails, LocalStorage, NicSpec, UserSpec,
    VolumeStats,
};
pub use trove_types::instance_action::{InstanceAction, UpdateInstance};
pub use trove_types::limit::{Limit, LimitList};
pub use trove_types::log::{GuestLog, LogAction, LogStatus, LogType};
pub use trove_types::mgmt::{
    CreateDatastoreVersion, Diagnostics, EditDatastoreVersion, GuestUpgrade, HwInfo, MgmtCluster,
    MgmtDatastoreVersion, MgmtInstance, MgmtInstanceAction, MgmtParameter, ParameterSpec,
    RootHistory,
};
pub use trove_types::module::{CreateModule, Module, ModuleInstanceCount, Reapply, UpdateModule};
pub use trove_types::module_ref::InstanceModule;
pub use trove_types::quota::{QuotaLimits, QuotaUsage, QuotaUsageList};
pub use trove_types::root::RootUser;
pub use trove_types::ssl::{Ssl, SslAction, SslMode};
pub use trove_types::user::{PasswordChange, UpdateUser, User};
pub use trove_types::{Fault, Instance, InstanceStatus, Link, Resource, Secret, Settle, Version};

/// python-troveclient's name for the client: `Dbaas::new(user, key, tenant, auth_url)`.
pub type Dbaas = Client;

/// Wire models (serde), with no HTTP.
pub mod types {
    pub use trove_types::*;
}

/// A blocking client with its own current-thread runtime, in the manner of `reqwest::blocking`
/// (feature `blocking`).
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking {
    pub use trove_core::blocking::*;
    /// python-troveclient's name for the blocking client.
    pub type Dbaas = Client;
}

/// The crates whose types appear in this crate's signatures (tower layers and services, http
/// requests, bytes bodies, futures streams), re-exported so middleware builds against the same
/// versions: tower 0.5, http 1, bytes 1, futures 0.3, http-body 1.
pub mod deps {
    pub use bytes;
    pub use futures;
    pub use http;
    pub use http_body;
    pub use tower;
}

/// Authentication strategies, the service catalog and the token cache.
pub mod auth {
    pub use trove_auth::*;
}

/// The tower stack's parts, for users who assemble or extend it.
pub mod stack {
    pub use trove_core::client::stack::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT};
    pub use trove_core::middleware::auth::{AuthLayer, AuthService};
    pub use trove_core::middleware::rate_limit::{SharedRateLimit, SharedRateLimitLayer};
    pub use trove_core::middleware::retry::{
        default_budget, is_idempotent, retry_after, retry_reason, send_state_of, RetryPolicy,
        RetryReason,
    };
    pub use trove_core::middleware::timeout::{AttemptFuture, AttemptTimeout, AttemptTimeoutLayer};
    pub use trove_core::middleware::trace::{request_id, Trace, TraceFuture, TraceLayer};
    pub use trove_core::request::operation::OperationInfo;
    pub use trove_core::request::routes::{self, Route};
    pub use trove_core::transport::https_transport;
    pub use trove_core::transport::tls::{client_config, default_client_config};
    pub use trove_core::transport::{hyper_transport, hyper_transport_with, TransportError};
}

/// The usage guide's walkthrough, `docs/usage.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/usage.md")]
pub struct UsageDoc;

/// The middleware guide `docs/middleware.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/middleware.md")]
pub struct MiddlewareDoc;

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoc;

/// This crate's README (what the package registry shows), compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoc;

/// The authentication guide `docs/auth.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/auth.md")]
pub struct AuthDoc;
