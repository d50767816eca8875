//! Shared harness of the conformance and differential suites: targets (the emulator or the real
//! servers started by `cargo xtask real-servers up`), an exchange recorder, JSON shape
//! normalization, and the scenarios that run the same way against every target.

// This crate is a test suite: a failed expectation is a test failure, reported by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod differential;
pub mod openapi;
pub mod recorder;
pub mod scenarios;
pub mod shape;
pub mod target;

pub use recorder::{Exchange, Recorder};
pub use target::Target;
