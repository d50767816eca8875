//! Waiting for a resource to reach a state: polls with backoff, a deadline, and the last
//! observation in the error.

use std::future::Future;
use std::time::Duration;

use crate::error::Error;

/// How long and how often to poll.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitOptions {
    /// Give up after this long.
    pub timeout: Duration,
    /// The first pause between polls.
    pub interval: Duration,
    /// The longest pause between polls; pauses grow by `backoff` up to it.
    pub max_interval: Duration,
    /// The factor pauses grow by after each poll.
    pub backoff: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            backoff: 1.5,
        }
    }
}

impl WaitOptions {
    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the first pause between polls (and raises the longest pause to it if needed).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self.max_interval = self.max_interval.max(interval);
        self
    }

    /// Polls at a fixed `interval`, without backoff.
    pub fn fixed(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self.max_interval = interval;
        self.backoff = 1.0;
        self
    }
}

/// Why a wait ended without success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitFailure {
    /// The deadline passed.
    TimedOut,
    /// The resource reached a failure state.
    FailedState,
}

/// A wait that ended without success, with the last status seen.
#[derive(Debug, Clone, thiserror::Error)]
#[error("waiting for {resource}: {} after {elapsed:?} (last status: {})",
    match failure { WaitFailure::TimedOut => "timed out", WaitFailure::FailedState => "reached a failure state" },
    last_status.as_deref().unwrap_or("none seen"))]
pub struct WaitError {
    /// What was waited for, such as `instance 4d3f…`.
    pub resource: String,
    /// How it ended.
    pub failure: WaitFailure,
    /// The last status observed.
    pub last_status: Option<String>,
    /// How long the wait lasted.
    pub elapsed: Duration,
}

/// What a poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The wait succeeded.
    Done,
    /// Keep polling.
    Pending,
    /// The resource will not get there.
    Failed,
}

/// Polls `fetch` until `check` says done or failed, or `options.timeout` passes. The time is
/// tokio's, so tests drive it with paused time.
pub async fn poll_until<T, Fut, F, C, S>(
    resource: String,
    options: WaitOptions,
    mut fetch: F,
    check: C,
    status_of: S,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    C: Fn(&T) -> Check,
    S: Fn(&T) -> String,
{
    let start = tokio::time::Instant::now();
    let deadline = start + options.timeout;
    let mut pause = options.interval;
    loop {
        let value = fetch().await?;
        let status = status_of(&value);
        match check(&value) {
            Check::Done => return Ok(value),
            Check::Failed => {
                return Err(Error::Wait(Box::new(WaitError {
                    resource,
                    failure: WaitFailure::FailedState,
                    last_status: Some(status),
                    elapsed: start.elapsed(),
                })))
            }
            Check::Pending => {}
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(Error::Wait(Box::new(WaitError {
                resource,
                failure: WaitFailure::TimedOut,
                last_status: Some(status),
                elapsed: start.elapsed(),
            })));
        }
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = options
            .max_interval
            .min(pause.mul_f64(options.backoff.max(1.0)));
    }
}
