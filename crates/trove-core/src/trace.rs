//! Tracing of attempts: one span per request that leaves the retry layer, with the method, the
//! path template, the attempt number, the status, the request id and body sizes.
//!
//! Nothing else of a request or response is recorded: no header (the token lives in
//! `X-Auth-Token`) and no body (a create carries the database users' passwords), at any level.

use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use tower::{Layer, Service};
use tracing::field::Empty;
use tracing::Instrument;

use crate::error::BoxError;
use crate::operation::OperationInfo;
use crate::retry::Attempt;

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
    ["x-openstack-request-id", "x-compute-request-id"]
        .iter()
        .find_map(|h| response.headers().get(*h))
        .and_then(|v| v.to_str().ok())
}

impl<S> Service<http::Request<Bytes>> for Trace<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

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
        let future = self.inner.call(request);
        let recorder = span.clone();
        Box::pin(
            async move {
                let result = future.await;
                match &result {
                    Ok(response) => {
                        recorder.record("status", response.status().as_u16());
                        recorder.record("response_bytes", response.body().len());
                        if let Some(id) = request_id(response) {
                            recorder.record("request_id", id);
                        }
                        tracing::debug!(status = response.status().as_u16(), "answered");
                    }
                    Err(error) => tracing::debug!(%error, "failed"),
                }
                result
            }
            .instrument(span),
        )
    }
}
