//! Retries: a tower [`Policy`] that knows idempotency, honours `Retry-After`, backs off with
//! jitter and draws every retry from a budget shared by all clones of a client.
//!
//! What is retried (see [`RetryPolicy`]):
//!
//! | outcome | idempotent (GET, HEAD, PUT, DELETE) | not idempotent (POST create, action) |
//! | --- | --- | --- |
//! | transport failure, request not sent ([`SendState::NotSent`]); [`LayerError::not_sent`] | yes | yes |
//! | transport failure, maybe sent ([`SendState::MaybeSent`]); attempt timeout; a user layer's timeout ([`LayerTimedOut`]); [`LayerError::maybe_sent`] | yes | no |
//! | a [`LayerError`] marked [`no_retry`](LayerError::no_retry); any other error of a layer | no | no |
//! | 502, 503, 504 | yes (after `Retry-After` if given) | no |
//! | 429 | yes (after `Retry-After`, else backoff) | yes, same |
//! | 413 `overLimit` with `Retry-After` | yes, after it | yes, after it |
//! | 413 without `Retry-After` (a quota), any other status | no | no |
//!
//! A 413 or 429 means the server refused the request before processing it, so a replay cannot
//! duplicate it. A `Retry-After` longer than [`RetryConfig::max_retry_after`] is not waited for:
//! the error is returned at once, carrying the server's value in
//! [`ApiError::retry_after`](crate::ApiError::retry_after).
//!
//! Nor is a wait (`Retry-After` or backoff) started that would end at or past the call's
//! overall deadline ([`RetryPolicy::with_call_timeout`]): sleeping into the deadline would
//! turn an answer the server gave (a 413 that says nothing was created) into a timeout that
//! says the request may have been processed. The last answer is returned instead, at once.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Ready;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::future::Either;
use http::{Method, StatusCode};
use tower::retry::budget::{Budget, TpsBudget};
use tower::retry::Policy;

use crate::error::{BoxError, LayerError, LayerTimedOut, SendState};
use crate::middleware::replay::{copy_for_replay, KeptExtensions};
use crate::middleware::timeout::AttemptTimedOut;
pub use crate::request::operation::Attempt;
use crate::request::operation::OperationInfo;
use crate::transport::TransportError;

/// Default number of attempts per call, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default backoff before the first retry; it doubles on each retry.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(200);
/// Default cap of one backoff.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);
/// Default longest `Retry-After` the client waits for.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How calls are retried. `Default` gives the documented defaults; [`RetryConfig::disabled`]
/// sends every request once.
///
/// ```
/// use std::time::Duration;
/// use trove_core::RetryConfig;
///
/// let retry = RetryConfig::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(50))
///     .max_retry_after(Duration::from_secs(10));
/// assert_eq!(retry.get_max_attempts(), 5);
/// ```
#[derive(Clone)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
    budget: Option<Arc<dyn Budget + Send + Sync>>,
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("jitter", &self.jitter)
            .field("budget", &self.budget.is_some())
            .finish()
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            jitter: true,
            budget: Some(Arc::new(default_budget())),
        }
    }
}

/// Returns the default budget: retries may add 20% to the requests of the last 10 seconds,
/// plus 10 retries per second whatever the traffic.
pub fn default_budget() -> TpsBudget {
    TpsBudget::new(Duration::from_secs(10), 10, 0.2)
}

impl RetryConfig {
    /// Returns a configuration that never retries.
    pub fn disabled() -> Self {
        RetryConfig::default().max_attempts(1)
    }

    /// Sets the number of attempts per call, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Returns the number of attempts per call.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Sets the backoff before the first retry; each retry doubles it.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Caps one backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the longest `Retry-After` the client waits for; a longer one ends the call.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Turns jitter on (the default: each backoff is uniform between zero and its cap, so
    /// clients that failed together do not retry together) or off (exactly the cap).
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Draws retries from `budget` (share one between clients to bound their retries
    /// together); `None` lets every call retry up to its attempt limit.
    pub fn budget(mut self, budget: Option<Arc<dyn Budget + Send + Sync>>) -> Self {
        self.budget = budget;
        self
    }

    /// Returns the backoff before retry number `retry` (1 for the first), before jitter.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// The retry [`Policy`] of the stack; see the module documentation for what it retries.
///
/// The copy of a request kept for a replay carries no extension map: `clone_request` keeps the
/// extensions aside ([`KeptExtensions`], plain values for the SDK's own) in the policy, which
/// tower's `Retry` clones into each call's future right after, and `retry` puts them back
/// into the copy only when it is about to be sent.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    config: Arc<RetryConfig>,
    kept: Option<KeptExtensions>,
    call_timeout: Option<Duration>,
    /// When the current call's overall timeout ends; set as the call starts.
    deadline: Option<tokio::time::Instant>,
}

impl RetryPolicy {
    /// Retries as `config` says.
    pub fn new(config: RetryConfig) -> Self {
        RetryPolicy {
            config: Arc::new(config),
            kept: None,
            call_timeout: None,
            deadline: None,
        }
    }

    /// Starts no wait that would end at or past `timeout` after the call began: the overall
    /// timeout of the stack above, which the client sets to its own.
    pub fn with_call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    fn backoff(&self, retry: u32) -> Duration {
        let cap = self.config.backoff_cap(retry);
        if !self.config.jitter {
            return cap;
        }
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(retry);
        // 53 random bits give a uniform fraction in [0, 1).
        let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
        cap.mul_f64(fraction)
    }
}

/// Why an attempt may be retried, and how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// The connection failed before the request was sent.
    NotSent,
    /// The request may have been sent (reset, attempt timeout); only idempotent calls retry.
    MaybeSent,
    /// The server answered with a retryable status; `after` is its `Retry-After`, if any.
    Status {
        /// The HTTP status.
        status: StatusCode,
        /// Seconds the server asked to wait.
        after: Option<u64>,
    },
}

/// Decides whether an attempt's outcome may be retried, given the request that produced it.
/// Returns `None` when it must not be.
pub fn retry_reason(
    request: &http::Request<Bytes>,
    result: &Result<http::Response<Bytes>, BoxError>,
) -> Option<RetryReason> {
    reason(is_idempotent(request), result)
}

/// [`retry_reason`] for a request whose idempotency is known.
fn reason(
    idempotent: bool,
    result: &Result<http::Response<Bytes>, BoxError>,
) -> Option<RetryReason> {
    match result {
        Ok(response) => {
            let status = response.status();
            // Only a retryable status needs `Retry-After`: reading it may parse the body as a
            // fault, which on every success (a 700 KB page included) cost more than decoding it.
            if !matches!(status.as_u16(), 413 | 429 | 502..=504) {
                return None;
            }
            let after = retry_after(response);
            let retry = match status.as_u16() {
                429 => true,
                413 => after.is_some(),
                _ => idempotent,
            };
            retry.then_some(RetryReason::Status { status, after })
        }
        Err(error) => {
            if let Some(said) = error.downcast_ref::<LayerError>() {
                if !said.is_retryable() {
                    return None;
                }
            }
            match send_state_of(error.as_ref())? {
                SendState::NotSent => Some(RetryReason::NotSent),
                SendState::MaybeSent if idempotent => Some(RetryReason::MaybeSent),
                SendState::MaybeSent => None,
            }
        }
    }
}

/// Returns whether the request may be replayed: the operation's own declaration, else the
/// method's (GET, HEAD, PUT, DELETE, OPTIONS are idempotent).
pub fn is_idempotent(request: &http::Request<Bytes>) -> bool {
    match request.extensions().get::<OperationInfo>() {
        Some(info) => info.idempotent,
        None => method_is_idempotent(request.method()),
    }
}

/// Whether a method is idempotent by definition (RFC 9110 §9.2.2, `TRACE` aside).
pub(crate) fn method_is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Returns whether a failed attempt may have reached the server; `None` for failures that do
/// not say (authentication, a layer's own error that is not a [`LayerError`]), which are never
/// retried.
pub fn send_state_of(error: &(dyn std::error::Error + 'static)) -> Option<SendState> {
    if let Some(t) = error.downcast_ref::<TransportError>() {
        return Some(t.state);
    }
    if let Some(said) = error.downcast_ref::<LayerError>() {
        return Some(said.send_state());
    }
    if error.is::<AttemptTimedOut>() || error.is::<LayerTimedOut>() {
        return Some(SendState::MaybeSent);
    }
    // Anything else (an auth failure, a layer's own error that did not say) is not known to be
    // safe to send again.
    None
}

/// Reads the seconds to wait from the `Retry-After` header (delta-seconds form; the HTTP-date
/// form is ignored) or the fault body's `retryAfter`.
pub fn retry_after(response: &http::Response<Bytes>) -> Option<u64> {
    response
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or_else(|| {
            trove_types::Fault::from_body(response.status().as_u16(), response.body()).retry_after
        })
}

impl Policy<http::Request<Bytes>, http::Response<Bytes>, BoxError> for RetryPolicy {
    type Future = Either<Ready<()>, Pin<Box<tokio::time::Sleep>>>;

    fn retry(
        &mut self,
        request: &mut http::Request<Bytes>,
        result: &mut Result<http::Response<Bytes>, BoxError>,
    ) -> Option<Self::Future> {
        // The copy made by `clone_request` has no extensions of its own; its are in `kept`. A
        // request that has some was not made by it (a direct call): read those.
        let kept = self.kept.take().filter(|_| request.extensions().is_empty());
        let (attempt, idempotent) = match &kept {
            Some(kept) => (kept.attempt(), kept.is_idempotent(request.method())),
            None => (Attempt::of(request.extensions()), is_idempotent(request)),
        };
        let budget = self.config.budget.as_ref();
        if attempt == 1 {
            if let Some(budget) = budget {
                budget.deposit();
            }
        }
        let stop = |result: &mut Result<http::Response<Bytes>, BoxError>| {
            // A response without the stamp is attempt 1 (`Attempt::of`); stamping only replays
            // spares every first-try answer two allocations.
            if let (Ok(response), true) = (result, attempt > 1) {
                response.extensions_mut().insert(Attempt(attempt));
            }
            None
        };
        let Some(reason) = reason(idempotent, result) else {
            return stop(result);
        };
        if attempt >= self.config.max_attempts {
            tracing::debug!(attempt, ?reason, "not retrying: attempt limit reached");
            return stop(result);
        }
        let delay = match reason {
            RetryReason::Status {
                after: Some(secs), ..
            } => {
                let wait = Duration::from_secs(secs);
                if wait > self.config.max_retry_after {
                    tracing::debug!(
                        attempt,
                        retry_after = secs,
                        "not retrying: Retry-After over the cap"
                    );
                    return stop(result);
                }
                wait
            }
            _ => self.backoff(attempt),
        };
        if let Some(deadline) = self.deadline {
            if tokio::time::Instant::now() + delay >= deadline {
                tracing::debug!(
                    attempt,
                    ?reason,
                    delay_ms = delay.as_millis() as u64,
                    "not retrying: the wait would outlast the call's deadline"
                );
                return stop(result);
            }
        }
        if let Some(budget) = budget {
            if !budget.withdraw() {
                tracing::debug!(attempt, ?reason, "not retrying: retry budget exhausted");
                return stop(result);
            }
        }
        tracing::debug!(
            attempt,
            ?reason,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        if let Some(kept) = kept {
            *request.extensions_mut() = kept.restore();
        }
        request.extensions_mut().insert(Attempt(attempt + 1));
        if delay.is_zero() {
            // tokio's timer would round a zero sleep up to its next millisecond tick.
            return Some(Either::Left(std::future::ready(())));
        }
        Some(Either::Right(Box::pin(tokio::time::sleep(delay))))
    }

    fn clone_request(&mut self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        if self.config.max_attempts <= 1 {
            return None;
        }
        let (copy, kept) = copy_for_replay(request);
        if kept.attempt() == 1 {
            // The first attempt's copy is made as the call enters the stack, right below its
            // overall timeout: its deadline starts now.
            self.deadline = self
                .call_timeout
                .map(|timeout| tokio::time::Instant::now() + timeout);
        }
        self.kept = Some(kept);
        Some(copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_jitter_stays_below_it() {
        let config = RetryConfig::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        let caps: Vec<_> = (1..=6).map(|r| config.backoff_cap(r).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(config.backoff_cap(u32::MAX), Duration::from_secs(1));
        let policy = RetryPolicy::new(config);
        for retry in 1..=6 {
            assert!(policy.backoff(retry) <= policy.config.backoff_cap(retry));
        }
    }
}
