//! Assembles the tower stack in one place, in one order.
//!
//! Outermost first (a request goes down the list, its response comes back up):
//!
//! | # | layer | default | builder option |
//! | --- | --- | --- | --- |
//! | 1 | overall timeout per call ([`tower::timeout::TimeoutLayer`]); fails with [`Error::Timeout`](crate::Error::Timeout) carrying the limit | 60 s | [`timeout`](crate::ClientBuilder::timeout) |
//! | 2 | call layers, first added outermost: see each call once | none | [`call_layer`](crate::ClientBuilder::call_layer) |
//! | 3 | retry ([`crate::middleware::retry::RetryPolicy`]): idempotency-aware, `Retry-After`, jittered exponential backoff, shared [`TpsBudget`](tower::retry::budget::TpsBudget); starts no wait that would outlast the overall timeout | 3 attempts, 200 ms doubling to 20 s, `Retry-After` up to 30 s | [`retry`](crate::ClientBuilder::retry) |
//! | 4 | concurrency limit ([`tower::limit::ConcurrencyLimitLayer`]), per attempt | off | [`concurrency_limit`](crate::ClientBuilder::concurrency_limit) |
//! | 5 | rate limit ([`crate::middleware::rate_limit::SharedRateLimitLayer`]), per attempt | off | [`rate_limit`](crate::ClientBuilder::rate_limit) |
//! | 6 | user layers, first added outermost: see **every attempt** (replays included) and its outcome, attempt timeouts included | none | [`layer`](crate::ClientBuilder::layer) |
//! | 7 | tracing ([`crate::middleware::trace::TraceLayer`]): one `trove.attempt` span per attempt; no header or body is recorded | on (DEBUG) | — |
//! | 8 | auth ([`crate::middleware::auth::AuthLayer`]): endpoint resolution, `X-Auth-Token` (marked sensitive), one re-authentication and one replay after a 401; authentication runs on its own task, each identity request bounded by the identity timeout | on, identity timeout 30 s | [`auth`](crate::ClientBuilder::auth), [`identity_timeout`](crate::ClientBuilder::identity_timeout) |
//! | 9 | per-attempt timeout ([`crate::middleware::timeout::AttemptTimeoutLayer`]): times each request sent to Trove, not the wait for a token | 30 s | [`attempt_timeout`](crate::ClientBuilder::attempt_timeout) |
//! | 10 | default headers (`Accept`, `User-Agent`) | on | [`user_agent`](crate::ClientBuilder::user_agent) |
//! | 11 | the transport: hyper-util's client (connect timeout 10 s) unless the user gave another service | hyper | [`transport`](crate::ClientBuilder::transport), [`connect_timeout`](crate::ClientBuilder::connect_timeout) |
//!
//! Why this order:
//!
//! * the overall timeout is outermost, so retries, backoff sleeps, limits and re-authentication
//!   all count against the one deadline a caller sets;
//! * limits sit below retry, so each attempt takes its own permit and a backoff sleep holds none;
//! * user layers sit below retry, so a metrics layer counts what the server saw, attempt by
//!   attempt; a layer that should see each call once goes in with `call_layer`;
//! * tracing sits above the attempt timeout, so a timed-out attempt still closes its span with
//!   the error;
//! * auth sits above the attempt timeout, so waiting for a token (a slow identity service, or
//!   another call's authentication) is bounded by the call's deadline, not cut short by the
//!   attempt timer and retried as if Trove had hung; the request to Trove, and its replay
//!   after a 401, are each timed as an attempt;
//! * strategies authenticate through layers 10 and 11 only, so user layers, retries and the
//!   timeouts of a call do not apply twice to the identity service.

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

/// Builds the full stack; see the module documentation for the order.
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

/// Adds the layers above the user layers: limits, retry, call layers and the overall timeout.
fn above_attempt<S>(service: S, settings: Settings, timeout: Option<Duration>) -> BytesService
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
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
fn with_timeout<S>(service: S, timeout: Option<Duration>) -> BytesService
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
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
