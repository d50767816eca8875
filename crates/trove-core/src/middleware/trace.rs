//! Tracing of attempts: one span per request that leaves the retry layer, with the method, the
//! path template, the attempt number, the status, the request id and body sizes.
//!
//! Nothing else of a request or response is recorded: no header (the token lives in
//! `X-Auth-Token`) and no body (a create carries the database users' passwords), at any level.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tower::{Layer, Service};
use tracing::field::Empty;
use tracing::Span;

use crate::error::{request_id_of, BoxError};
use crate::middleware::retry::Attempt;
use crate::request::operation::OperationInfo;

/// Records each request in a `trove.attempt` span; see [`Trace`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace { inner }
    }
}

/// Wraps each request in a DEBUG span `trove.attempt` with fields `method`, `path` (the
/// operation's template, such as `/instances/{id}`, else the URI path without its query),
/// `attempt`, `request_bytes`, and once answered `status`, `request_id` and `response_bytes`.
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

/// Returns the request id of a response (`x-openstack-request-id`, else `x-compute-request-id`).
pub fn request_id(response: &http::Response<Bytes>) -> Option<&str> {
    request_id_of(response.headers())
}

impl<S> Service<http::Request<Bytes>> for Trace<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = TraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let span = {
            let path = match request.extensions().get::<OperationInfo>() {
                Some(info) => info.template,
                None => request.uri().path(),
            };
            tracing::debug_span!(
                "trove.attempt",
                method = %request.method(),
                path,
                attempt = Attempt::of(request.extensions()),
                request_bytes = request.body().len(),
                status = Empty,
                request_id = Empty,
                response_bytes = Empty,
            )
        };
        let inner = {
            let _entered = span.enter();
            self.inner.call(request)
        };
        TraceFuture { inner, span }
    }
}

pin_project_lite::pin_project! {
    /// The future of a [`Trace`] call: polls the attempt inside its span and records the
    /// outcome on it. A named type rather than a boxed `async` block: one allocation fewer per
    /// attempt.
    pub struct TraceFuture<F> {
        #[pin]
        inner: F,
        span: Span,
    }
}

impl<F> Future for TraceFuture<F>
where
    F: Future<Output = Result<http::Response<Bytes>, BoxError>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let result = std::task::ready!(this.inner.poll(cx));
        match &result {
            Ok(response) if !this.span.is_disabled() => {
                this.span.record("status", response.status().as_u16());
                this.span.record("response_bytes", response.body().len());
                if let Some(id) = request_id(response) {
                    this.span.record("request_id", id);
                }
                tracing::debug!(status = response.status().as_u16(), "answered");
            }
            Ok(_) => {}
            Err(error) => tracing::debug!(%error, "failed"),
        }
        Poll::Ready(result)
    }
}
