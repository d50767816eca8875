//! The transport-agnostic core of the Trove SDK.
//!
//! Every call is an [`Operation`] that builds an `http::Request` without I/O; the [`Client`]
//! sends it through a tower stack assembled in [`client::stack`] (timeouts, retry, limits, user
//! layers, tracing, auth, default headers, transport) and decodes the answer into
//! `trove-types` models or a typed [`Error`].
//! Lists come as a [`Page`] with the usage guide's `next` marker, or as a stream of every item;
//! [`request::wait`] polls resources until they reach a state.
//!
//! The folders follow the parts, each using only those listed before it:
//! [`error`] (what can fail), [`request`] (operations, pages and waits, with no I/O),
//! [`transport`] (hyper and TLS), [`middleware`] (one tower layer per file), [`client`] (the
//! assembled stack, the client, paging and the polling loop), [`api`] (the handlers per area)
//! and `blocking` (feature `blocking`: the same handlers on a runtime of their own).

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
pub mod client;
pub mod error;
pub mod middleware;
pub mod request;
pub mod transport;

pub use api::instances::{InstanceExt, Instances};
pub use api::list::ListRequest;
pub use api::resource::Api;
pub use client::{Client, ClientBuilder, WithBody};
pub use error::{
    ApiError, BoxError, BuildError, DecodeError, Error, LayerError, LayerTimedOut, SendState,
};
pub use middleware::retry::{Attempt, RetryConfig};
pub use middleware::timeout::{AttemptTimedOut, IdentityTimedOut};
pub use request::operation::Operation;
pub use request::page::Page;
pub use request::wait::{WaitError, WaitOptions};
pub use transport::{BodyService, HttpService};
