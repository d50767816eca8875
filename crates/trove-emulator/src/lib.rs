//! An in-memory OpenStack Trove 26.0.0 (Database API v1.0) and minimal Keystone v3 server that
//! answers as the captured real servers do (`tests/fixtures/real-*`).
//!
//! Use it in process as a tower service ([`Emulator::service`], works with paused tokio time),
//! on a TCP port ([`Emulator::start`]), or as the `trove-emulator` binary.
//!
//! ```
//! # async fn demo() -> std::io::Result<()> {
//! let server = trove_emulator::Emulator::start(trove_emulator::Config::default()).await?;
//! println!("Trove at {}/v1.0/12345 (token 12345)", server.url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

// Handlers use `Result<T, Resp>` to return the real server's error response early; the
// response is the error by design, so boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod clock;
mod config;
mod control;
mod fault;
pub mod faults;
mod keystone;
mod legacy_auth;
mod persist;
mod request;
pub mod request_schema;
mod response;
mod router;
mod server;
mod state;
mod swift;
mod trove;

pub use config::{Config, Delay, KeystoneUser, ADMIN_PROJECT_ID, DEMO_PROJECT_ID};
pub use control::REQUEST_LOG_CAPACITY;
pub use faults::{FaultAction, FaultPlan, FaultRule, FaultSpecError};
pub use keystone::TOKEN_PREFIX;
pub use server::{Emulator, EmulatorService, RunningEmulator, MAX_BODY_BYTES};
pub use trove::mgmt::{BuiltinParameter, BUILTIN_PARAMETERS};
