//! Wire models of the OpenStack Trove v1.0 API, with no HTTP.
//!
//! Every type here mirrors a JSON document that a Trove 26.0.0 server sends or accepts. The models
//! are tolerant of what real servers send: unknown status values are kept in an `Unknown` variant,
//! ids arrive as numbers or strings and are held as `String`, and absent fields are `Option`s.
//!
//! ```
//! use trove_types::instance::{InstanceEnvelope, InstanceStatus};
//!
//! let body = br#"{"instance": {"id": "4d3f", "name": "db1", "status": "BUILD",
//!                 "flavor": {"id": 1}, "links": []}}"#;
//! let instance = serde_json::from_slice::<InstanceEnvelope>(body)?.instance;
//! assert_eq!(instance.status, InstanceStatus::Build);
//! assert_eq!(instance.flavor.unwrap().id, "1");
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod backup;
pub mod cluster;
pub mod common;
pub mod configuration;
pub mod configuration_parameter;
pub mod database;
pub mod datastore;
pub mod fault;
pub mod flavor;
pub mod instance;
pub mod instance_action;
pub mod limit;
pub mod log;
pub mod mgmt;
pub mod module;
pub mod module_ref;
pub mod page;
pub mod quota;
pub mod resource;
pub mod root;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod secret;
pub mod ssl;
pub mod user;
pub mod version;

pub use common::Link;
pub use fault::Fault;
pub use instance::{Instance, InstanceStatus};
pub use page::{next_marker, Paged};
pub use resource::{Resource, Settle};
pub use secret::Secret;
pub use version::Version;
