//! The transport-agnostic core of the Trove SDK.
//!
//! Every call is an [`Operation`] that builds an `http::Request` without I/O; the [`Client`]
//! sends it through a tower stack assembled in [`stack`] (timeouts, retry, limits, user
//! layers, tracing, auth, default headers, transport) and decodes the answer into
//! `trove-types` models or a typed [`Error`].
//! Lists come as a [`Page`] with python-troveclient's `next` marker, or as a stream of every
//! item; [`wait`] polls resources until they reach a state.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod auth_layer;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
pub mod client;
pub mod error;
pub mod operation;
pub mod pagination;
pub mod rate_limit;
pub mod replay;
pub mod retry;
pub mod stack;
pub mod timeout;
pub mod tls;
pub mod trace;
pub mod transport;
pub mod wait;

pub use api::instances::{InstanceExt, Instances};
pub use client::{Client, ClientBuilder, WithBody};
pub use error::{ApiError, BoxError, DecodeError, Error, SendState};
pub use operation::Operation;
pub use pagination::Page;
pub use retry::{Attempt, RetryConfig};
pub use timeout::{AttemptTimedOut, IdentityTimedOut};
pub use transport::HttpService;
pub use wait::{WaitError, WaitOptions};
