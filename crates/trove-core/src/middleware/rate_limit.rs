//! A client-side rate limit shared by every clone of a client: at most `n` requests per
//! period, in bursts of up to `n`.
//!
//! `tower::limit::RateLimit` keeps its state per service value, and the stack's services are
//! cloned for every call, so a limit there would apply per call instead of per client. This one
//! keeps a single schedule behind a mutex (the generic cell rate algorithm) and sleeps with
//! tokio time, so paused time drives it in tests.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use crate::error::BoxError;

/// Limits the wrapped service to `num` requests per `per`; see [`SharedRateLimit`].
#[derive(Debug, Clone)]
pub struct SharedRateLimitLayer {
    schedule: Arc<Schedule>,
}

#[derive(Debug)]
struct Schedule {
    /// Time between two requests at the sustained rate.
    interval: Duration,
    /// How far ahead of the sustained rate a burst may run.
    burst: Duration,
    /// The theoretical arrival time of the next request.
    next: Mutex<Option<Instant>>,
}

impl SharedRateLimitLayer {
    /// Allows `num` requests per `per` (at least one).
    pub fn new(num: u64, per: Duration) -> Self {
        let num = num.max(1);
        let interval = per.div_f64(num as f64);
        SharedRateLimitLayer {
            schedule: Arc::new(Schedule {
                interval,
                burst: per.saturating_sub(interval),
                next: Mutex::new(None),
            }),
        }
    }
}

impl Schedule {
    /// Reserves the next slot and returns when it starts.
    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let tat = next.map_or(now, |t| t.max(now));
        let at = tat
            .checked_sub(self.burst)
            .map_or(now, |start| start.max(now));
        *next = Some(tat + self.interval);
        at
    }
}

impl<S> Layer<S> for SharedRateLimitLayer {
    type Service = SharedRateLimit<S>;

    fn layer(&self, inner: S) -> SharedRateLimit<S> {
        SharedRateLimit {
            inner,
            schedule: self.schedule.clone(),
        }
    }
}

/// Delays requests so that all clones together stay under the configured rate.
#[derive(Debug, Clone)]
pub struct SharedRateLimit<S> {
    inner: S,
    schedule: Arc<Schedule>,
}

impl<S, R> Service<R> for SharedRateLimit<S>
where
    S: Service<R, Error = BoxError> + Clone + Send + 'static,
    S::Future: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<S::Response, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Readiness is checked after the wait, in `call`.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: R) -> Self::Future {
        let at = self.schedule.reserve();
        let inner = self.inner.clone();
        Box::pin(async move {
            tokio::time::sleep_until(at).await;
            inner.oneshot(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bursts_up_to_the_limit_then_spaces_requests() {
        let layer = SharedRateLimitLayer::new(2, Duration::from_secs(1));
        let start = Instant::now();
        let offsets: Vec<_> = (0..5)
            .map(|_| (layer.schedule.reserve() - start).as_millis())
            .collect();
        assert_eq!(offsets, [0, 0, 500, 1000, 1500]);
    }
}
