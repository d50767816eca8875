//! Authentication for the Trove SDK: strategies, the service catalog, and the token cache.
//!
//! An [`AuthStrategy`] turns credentials into a [`Session`]: a token, the Trove endpoint, and,
//! when the identity service sent one, the service catalog and the token's expiry. Strategies do
//! no I/O of their own; they receive an [`AuthHttp`] from the caller, so they can be driven by any
//! transport and tested with canned responses. [`TokenCache`] keeps the session, refreshes it
//! before it expires and lets exactly one task re-authenticate when many need a new token.
//!
//! ```
//! use trove_auth::{strategy::FakeAuth, AuthStrategy, EndpointFilter, NoHttp};
//!
//! # tokio_test_block_on(async {
//! let auth = FakeAuth::new("12345", "http://localhost:8779/v1.0/auth")?;
//! let session = auth.authenticate(&NoHttp, &EndpointFilter::default()).await?;
//! assert_eq!(session.endpoint, "http://localhost:8779/v1.0/12345");
//! assert_eq!(session.token.expose(), "12345");
//! # Ok::<(), trove_auth::AuthError>(())
//! # }).unwrap();
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

pub mod cache;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod error;
pub mod session;
pub mod store;
pub mod strategy;

pub use cache::{TokenCache, DEFAULT_REFRESH_MARGIN};
pub use catalog::{Catalog, EndpointFilter, Interface};
pub use clock::{Clock, SystemClock};
pub use config::{CloudConfig, ConfigLoader, EnvSource, MapEnv, ProcessEnv, TlsSettings};
pub use error::AuthError;
pub use session::Session;
pub use store::{FileTokenStore, TokenKey, TokenStore, STORE_MIN_VALIDITY};
pub use strategy::{by_name, AuthHttp, AuthStrategy, AuthType, BoxError, Credentials, NoHttp};
pub use trove_types::Secret;
