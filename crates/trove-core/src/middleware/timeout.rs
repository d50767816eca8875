//! The per-attempt timeout: bounds one attempt, so a hung connection is abandoned and (for an
//! idempotent call) retried while the call's overall deadline still has time left.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tower::{Layer, Service};

use crate::error::BoxError;

/// The error of an attempt that did not finish in time. The request may have been processed.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the attempt did not finish within {0:?}")]
pub struct AttemptTimedOut(pub Duration);

/// The error of a request to the identity service that did not finish within the identity
/// timeout ([`ClientBuilder::identity_timeout`](crate::ClientBuilder::identity_timeout)).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the identity service did not answer within {0:?}")]
pub struct IdentityTimedOut(pub Duration);

/// Bounds each request through the wrapped service to a duration; see [`AttemptTimeout`].
#[derive(Debug, Clone, Copy)]
pub struct AttemptTimeoutLayer {
    limit: Duration,
}

impl AttemptTimeoutLayer {
    /// Bounds each attempt to `limit`.
    pub fn new(limit: Duration) -> Self {
        AttemptTimeoutLayer { limit }
    }
}

impl<S> Layer<S> for AttemptTimeoutLayer {
    type Service = AttemptTimeout<S>;

    fn layer(&self, inner: S) -> AttemptTimeout<S> {
        AttemptTimeout {
            inner,
            limit: self.limit,
        }
    }
}

/// Fails a request with [`AttemptTimedOut`] when the wrapped service takes longer than the
/// limit. Unlike `tower::timeout::Timeout`, the error names the limit and is told apart from
/// the call's overall deadline.
#[derive(Debug, Clone)]
pub struct AttemptTimeout<S> {
    inner: S,
    limit: Duration,
}

impl<S, R> Service<R> for AttemptTimeout<S>
where
    S: Service<R, Error = BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = AttemptFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        AttemptFuture {
            inner: tokio::time::timeout(self.limit, self.inner.call(request)),
            limit: self.limit,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of an [`AttemptTimeout`] call. A named type rather than a boxed `async`
    /// block: one allocation fewer per attempt.
    pub struct AttemptFuture<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
        limit: Duration,
    }
}

impl<F, T> Future for AttemptFuture<F>
where
    F: Future<Output = Result<T, BoxError>>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match std::task::ready!(this.inner.poll(cx)) {
            Ok(result) => Poll::Ready(result),
            Err(_) => Poll::Ready(Err(Box::new(AttemptTimedOut(*this.limit)))),
        }
    }
}
