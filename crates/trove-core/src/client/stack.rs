//! Assembles the tower stack in one place, in one order: `assemble` is that order in code.
//!
//! The order, each layer's default and the reasons for the order are written down once, in
//! `docs/middleware.md` ("Order and defaults"); the builder options that set each layer are
//! on [`ClientBuilder`](crate::ClientBuilder).

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, USER_AGENT};
use tower::limit::ConcurrencyLimitLayer;
use tower::{Service, ServiceBuilder};
use tower_http::set_header::{SetRequestHeader, SetRequestHeaderLayer};

use super::user_layer::BoxedLayer;
use crate::error::BoxError;
use crate::middleware::auth::AuthLayer;
use crate::middleware::rate_limit::SharedRateLimitLayer;
use crate::middleware::retry::{RetryConfig, RetryPolicy};
use crate::middleware::timeout::AttemptTimeoutLayer;
use crate::middleware::trace::TraceLayer;
use crate::transport::{BytesService, Transport};

/// The default limit on one attempt.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default limit on one request to the identity service.
pub const DEFAULT_IDENTITY_TIMEOUT: Duration = Duration::from_secs(30);
pub use crate::transport::DEFAULT_CONNECT_TIMEOUT;

/// The middleware settings a [`crate::ClientBuilder`] collects.
#[derive(Clone)]
pub(crate) struct Settings {
    pub attempt_timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub identity_timeout: Option<Duration>,
    pub retry: RetryConfig,
    pub concurrency_limit: Option<usize>,
    pub rate_limit: Option<(u64, Duration)>,
    pub call_layers: Vec<BoxedLayer>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            identity_timeout: Some(DEFAULT_IDENTITY_TIMEOUT),
            retry: RetryConfig::default(),
            concurrency_limit: None,
            rate_limit: None,
            call_layers: Vec::new(),
        }
    }
}

/// Everything above the base service that the stack is built from.
pub(crate) struct StackParts {
    pub auth: Option<AuthLayer>,
    pub user_layers: Vec<BoxedLayer>,
    pub timeout: Option<Duration>,
    pub settings: Settings,
}

/// The service below auth: default headers over the transport.
pub(crate) type Base = SetRequestHeader<SetRequestHeader<Transport, HeaderValue>, HeaderValue>;

/// Returns the service below auth (default headers + transport), which strategies use.
pub(crate) fn base(transport: Transport, user_agent: HeaderValue) -> Base {
    ServiceBuilder::new()
        .layer(SetRequestHeaderLayer::if_not_present(
            ACCEPT,
            HeaderValue::from_static("application/json"),
        ))
        .layer(SetRequestHeaderLayer::if_not_present(
            USER_AGENT, user_agent,
        ))
        .service(transport)
}

/// Builds the full stack, outermost layer first, in the order docs/middleware.md gives.
///
/// The layers are composed as one concrete type and boxed once, at the top. A boxed service is
/// cloned deeply (one allocation per box) by the client, by retry and by auth on every call, so
/// boxes appear only where a user layer needs a service to wrap.
pub(crate) fn assemble(parts: StackParts, base: Base) -> BytesService {
    let settings = parts.settings;
    let attempt = ServiceBuilder::new()
        .layer(TraceLayer)
        .option_layer(parts.auth)
        .option_layer(settings.attempt_timeout.map(AttemptTimeoutLayer::new))
        .service(base);
    if parts.user_layers.is_empty() {
        return above_attempt(attempt, settings, parts.timeout);
    }
    let mut service = BytesService::new(attempt);
    for layer in parts.user_layers.iter().rev() {
        service = layer(service);
    }
    above_attempt(service, settings, parts.timeout)
}

/// A whole-body service that can be boxed as a [`BytesService`]: every part of the stack.
trait Boxable:
    Service<
        http::Request<Bytes>,
        Response = http::Response<Bytes>,
        Error = BoxError,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> Boxable for S
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
}

/// Adds the layers above the user layers: limits, retry, call layers and the overall timeout.
fn above_attempt<S: Boxable>(
    service: S,
    settings: Settings,
    timeout: Option<Duration>,
) -> BytesService {
    let retry = (settings.retry.get_max_attempts() > 1).then(|| {
        tower::retry::RetryLayer::new(RetryPolicy::new(settings.retry).with_call_timeout(timeout))
    });
    let calls = ServiceBuilder::new()
        .option_layer(retry)
        .option_layer(settings.concurrency_limit.map(ConcurrencyLimitLayer::new))
        .option_layer(
            settings
                .rate_limit
                .map(|(num, per)| SharedRateLimitLayer::new(num, per)),
        )
        .service(service);
    if settings.call_layers.is_empty() {
        return with_timeout(calls, timeout);
    }
    let mut service = BytesService::new(calls);
    for layer in settings.call_layers.iter().rev() {
        service = layer(service);
    }
    with_timeout(service, timeout)
}

/// Adds the overall timeout and boxes the stack.
fn with_timeout<S: Boxable>(service: S, timeout: Option<Duration>) -> BytesService {
    BytesService::new(
        ServiceBuilder::new()
            .option_layer(timeout.map(tower::timeout::TimeoutLayer::new))
            .service(service),
    )
}

/// The `User-Agent` sent by default.
pub(crate) fn default_user_agent() -> HeaderValue {
    HeaderValue::from_static(concat!("trove-sdk-rust/", env!("CARGO_PKG_VERSION")))
}
