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

pub mod common;
pub mod fault;
pub mod instance;
pub mod page;
pub mod secret;
pub mod version;

pub use common::Link;
pub use fault::Fault;
pub use instance::{Instance, InstanceStatus};
pub use page::{next_marker, Paged};
pub use secret::Secret;
pub use version::Version;
