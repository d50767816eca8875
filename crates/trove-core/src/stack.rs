//! Assembles the tower stack in one place, in one order.
//!
//! Outermost first (a request goes down the list, its response comes back up):
//!
//! | # | layer | default | builder option |
//! | --- | --- | --- | --- |
//! | 1 | overall timeout per call ([`tower::timeout::TimeoutLayer`]); fails with [`Error::Timeout`](crate::Error::Timeout) carrying the limit | 60 s | [`timeout`](crate::ClientBuilder::timeout) |
//! | 2 | call layers, first added outermost: see each call once | none | [`call_layer`](crate::ClientBuilder::call_layer) |
//! | 3 | retry ([`crate::retry::RetryPolicy`]): idempotency-aware, `Retry-After`, jittered exponential backoff, shared [`TpsBudget`](tower::retry::budget::TpsBudget) | 3 attempts, 200 ms doubling to 20 s, `Retry-After` up to 30 s | [`retry`](crate::ClientBuilder::retry) |
//! | 4 | concurrency limit ([`tower::limit::ConcurrencyLimitLayer`]), per attempt | off | [`concurrency_limit`](crate::ClientBuilder::concurrency_limit) |
//! | 5 | rate limit ([`crate::rate_limit::SharedRateLimitLayer`]), per attempt | off | [`rate_limit`](crate::ClientBuilder::rate_limit) |
//! | 6 | user layers, first added outermost: see **every attempt** (replays included) and its outcome, attempt timeouts included | none | [`layer`](crate::ClientBuilder::layer) |
//! | 7 | tracing ([`crate::trace::TraceLayer`]): one `trove.attempt` span per attempt; no header or body is recorded | on (DEBUG) | — |
//! | 8 | per-attempt timeout ([`crate::timeout::AttemptTimeoutLayer`]) | 30 s | [`attempt_timeout`](crate::ClientBuilder::attempt_timeout) |
//! | 9 | auth ([`crate::auth_layer::AuthLayer`]): endpoint resolution, `X-Auth-Token` (marked sensitive), one re-authentication and one replay after a 401 | on | [`auth`](crate::ClientBuilder::auth) |
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
//! * strategies authenticate through layers 10 and 11 only, so user layers, retries and the
//!   timeouts of a call do not apply twice to the identity service.

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, ACCEPT, USER_AGENT};
use tower::util::BoxCloneSyncService;
use tower::{Layer, ServiceBuilder};
use tower_http::set_header::SetRequestHeaderLayer;

use crate::auth_layer::AuthLayer;
use crate::error::BoxError;
use crate::rate_limit::SharedRateLimitLayer;
use crate::retry::{RetryConfig, RetryPolicy};
use crate::timeout::AttemptTimeoutLayer;
use crate::trace::TraceLayer;
use crate::transport::HttpService;

/// The default limit on one attempt.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default limit on opening a TCP connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A user layer, stored as the function that applies it.
pub(crate) type BoxedLayer = Arc<dyn Fn(HttpService) -> HttpService + Send + Sync>;

/// The middleware settings a [`crate::ClientBuilder`] collects.
#[derive(Clone)]
pub(crate) struct Settings {
    pub attempt_timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
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
    let settings = parts.settings;
    // Built from the inside out: each step wraps the service built so far.
    // Tracing, the attempt timeout and auth are boxed once together, not once each: a boxed
    // service is cloned deeply (one allocation per box) several times per call, by the client,
    // by retry and by auth, so every box saved is a few allocations saved per request.
    let mut service = BoxCloneSyncService::new(
        ServiceBuilder::new()
            .layer(TraceLayer)
            .option_layer(settings.attempt_timeout.map(AttemptTimeoutLayer::new))
            .option_layer(parts.auth)
            .service(base),
    );
    for layer in parts.user_layers.iter().rev() {
        service = layer(service);
    }
    if let Some((num, per)) = settings.rate_limit {
        service =
            BoxCloneSyncService::new(Layer::layer(&SharedRateLimitLayer::new(num, per), service));
    }
    if let Some(max) = settings.concurrency_limit {
        service = BoxCloneSyncService::new(
            ServiceBuilder::new()
                .concurrency_limit(max)
                .service(service),
        );
    }
    if settings.retry.get_max_attempts() > 1 {
        service = BoxCloneSyncService::new(
            ServiceBuilder::new()
                .retry(RetryPolicy::new(settings.retry))
                .service(service),
        );
    }
    for layer in settings.call_layers.iter().rev() {
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
