//! A Rust client for OpenStack Trove, the Database-as-a-Service API v1.0.
//!
//! This crate is the facade: it re-exports the client of `trove-core`, the models of
//! `trove-types` and the strategies of `trove-auth`, so applications depend on it alone.
//! `docs/usage.md` in the repository walks through it, following python-troveclient's
//! "Using the Client Programmatically"; its examples run as this crate's doctests.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), troveclient::Error> {
//! # let emulator = trove_emulator::Emulator::new(Default::default());
//! use troveclient::Dbaas;
//!
//! let client = Dbaas::new("jsmith", "abcdef", "12345", "http://localhost:8779/v1.0/auth")
//!     .auth_strategy("fake")
//! #   .transport(emulator.service())
//!     .build()?;
//! let instance = client.instances().create("db1", "1").volume(1).await?;
//! assert_eq!(client.instances().get(&instance.id).await?.name, "db1");
//! # Ok(())
//! # }
//! ```

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
    DecodeError, Error, HttpService, InstanceExt, Instances, ListRequest, Operation, Page,
    RetryConfig, SendState, WaitError, WithBody,
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

/// The seed's name for the client: `Dbaas::new(user, key, tenant, auth_url)`.
pub type Dbaas = Client;

/// Wire models (serde), with no HTTP.
pub mod types {
    pub use trove_types::*;
}

/// A blocking client with its own current-thread runtime, in the manner of `reqwest::blocking`
/// (feature `blocking`).
#[cfg(feature = "blocking")]
pub mod blocking {
    pub use trove_core::blocking::*;
    /// The seed's name for the blocking client.
    pub type Dbaas = Client;
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
    pub use trove_core::transport::{
        from_service, hyper_transport, hyper_transport_with, TransportError,
    };
}

/// The seed walkthrough of `docs/usage.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/usage.md")]
pub struct UsageDoc;

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoc;

/// The authentication guide `docs/auth.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/auth.md")]
pub struct AuthDoc;
