//! The request model, with no I/O: operations that build `http::Request`s, the [`Page`] of a
//! list, and what a wait is made of (options, conditions, outcome).
//!
//! [`Page`]: page::Page

pub mod operation;
pub mod page;
pub mod routes;
pub mod wait;
