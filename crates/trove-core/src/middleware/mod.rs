//! The tower layers between the client and the transport, one file per layer; the order they
//! run in is written down once, in `docs/middleware.md`, and built in [`crate::client::stack`].

pub mod auth;
pub mod rate_limit;
pub mod replay;
pub mod retry;
pub mod timeout;
pub mod trace;
