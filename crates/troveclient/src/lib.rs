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

pub use trove_core::api::instances::{CreateInstanceRequest, ListInstancesRequest};
pub use trove_core::api::versions::Versions;
pub use trove_core::wait::{WaitFailure, WaitOptions};
pub use trove_core::{
    ApiError, BoxError, Client, ClientBuilder, DecodeError, Error, HttpService, InstanceExt,
    Instances, Operation, Page, SendState, WaitError,
};
pub use trove_types::instance::{DatabaseSpec, NicSpec, UserSpec};
pub use trove_types::{Fault, Instance, InstanceStatus, Link, Secret, Version};

/// The seed's name for the client: `Dbaas::new(user, key, tenant, auth_url)`.
pub type Dbaas = Client;

/// Wire models (serde), with no HTTP.
pub mod types {
    pub use trove_types::*;
}

/// Authentication strategies, the service catalog and the token cache.
pub mod auth {
    pub use trove_auth::*;
}

/// The tower stack's parts, for users who assemble or extend it.
pub mod stack {
    pub use trove_core::auth_layer::{AuthLayer, AuthService};
    pub use trove_core::transport::{from_service, hyper_transport};
}

/// The seed walkthrough of `docs/usage.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/usage.md")]
pub struct UsageDoc;

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoc;
