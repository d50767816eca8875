//! Assembles the tower stack in one place, in one order.
//!
//! Outermost first:
//!
//! 1. overall timeout per call ([`tower::timeout::TimeoutLayer`]);
//! 2. user layers, in the order they were added (the first added is the outermost); they see
//!    every request that goes to Trove, after the client built it and before auth resolves it;
//! 3. auth ([`crate::auth_layer::AuthLayer`]): endpoint resolution, `X-Auth-Token`, one
//!    re-authentication and one replay after a 401;
//! 4. default headers (`Accept`, `User-Agent`);
//! 5. the transport (hyper-util's client unless the user gave another service).
//!
//! Strategies authenticate through layers 4 and 5 only, so user layers and the timeout of a
//! call do not apply twice to the identity service.

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, ACCEPT, USER_AGENT};
use tower::util::BoxCloneSyncService;
use tower::ServiceBuilder;
use tower_http::set_header::SetRequestHeaderLayer;

use crate::auth_layer::AuthLayer;
use crate::error::BoxError;
use crate::transport::HttpService;

/// A user layer, stored as the function that applies it.
pub(crate) type BoxedLayer = Arc<dyn Fn(HttpService) -> HttpService + Send + Sync>;

/// Everything above the base service that the stack is built from.
pub(crate) struct StackParts {
    pub auth: Option<AuthLayer>,
    pub user_layers: Vec<BoxedLayer>,
    pub timeout: Option<Duration>,
}

/// Returns the service below auth (default headers + transport), which strategies use.
pub(crate) fn base(transport: HttpService, user_agent: HeaderValue) -> HttpService {
    BoxCloneSyncService::new(
        ServiceBuilder::new()
            .layer(SetRequestHeaderLayer::if_not_present(
                ACCEPT,
                HeaderValue::from_static("application/json"),
            ))
            .layer(SetRequestHeaderLayer::if_not_present(
                USER_AGENT, user_agent,
            ))
            .service(transport),
    )
}

/// Builds the full stack; see the module documentation for the order.
pub(crate) fn assemble(parts: StackParts, base: HttpService) -> HttpService {
    let mut service = match parts.auth {
        Some(auth) => BoxCloneSyncService::new(ServiceBuilder::new().layer(auth).service(base)),
        None => base,
    };
    for layer in parts.user_layers.iter().rev() {
        service = layer(service);
    }
    match parts.timeout {
        Some(limit) => BoxCloneSyncService::new(
            ServiceBuilder::new()
                .layer(tower::timeout::TimeoutLayer::new(limit))
                .map_err(|e: BoxError| e)
                .service(service),
        ),
        None => service,
    }
}

/// The `User-Agent` sent by default.
pub(crate) fn default_user_agent() -> HeaderValue {
    HeaderValue::from_static(concat!("trove-sdk-rust/", env!("CARGO_PKG_VERSION")))
}
