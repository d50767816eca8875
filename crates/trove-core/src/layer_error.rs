//! The errors a user layer or transport returns to tell the client what became of a failed
//! attempt: whether the request left the process, and whether the retry layer may send it again.
//!
//! Any other error a layer returns is reported as [`Error::Layer`](crate::Error::Layer) with
//! that error as its source, and is never retried: the client cannot know whether the request
//! was sent, so it does not guess.

use std::time::Duration;

use crate::error::{BoxError, SendState};

/// An attempt's failure, as a layer or transport reports it to the client.
///
/// ```
/// use trove_core::{LayerError, SendState};
///
/// // A circuit breaker that refuses a request before calling the service below it:
/// let refused = LayerError::not_sent("circuit open").no_retry();
/// assert_eq!(refused.send_state(), SendState::NotSent);
/// assert!(!refused.is_retryable());
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(self.state))]
pub struct LayerError {
    state: SendState,
    retryable: bool,
    #[source]
    source: BoxError,
}

fn describe(state: SendState) -> &'static str {
    match state {
        SendState::NotSent => "a layer failed the attempt before it was sent",
        SendState::MaybeSent => "a layer failed the attempt after it may have been sent",
    }
}

impl LayerError {
    /// The request never left this layer (a refused circuit, a local quota, a request the layer
    /// would not send). Retried like a refused connection, whatever the method, unless
    /// [`no_retry`](Self::no_retry) says otherwise.
    pub fn not_sent(source: impl Into<BoxError>) -> Self {
        LayerError {
            state: SendState::NotSent,
            retryable: true,
            source: source.into(),
        }
    }

    /// The request may have reached the server (it was handed to the service below, which then
    /// failed). Retried only when the call is idempotent, unless [`no_retry`](Self::no_retry).
    pub fn maybe_sent(source: impl Into<BoxError>) -> Self {
        LayerError {
            state: SendState::MaybeSent,
            retryable: true,
            source: source.into(),
        }
    }

    /// Asks the retry layer never to send this call again.
    pub fn no_retry(mut self) -> Self {
        self.retryable = false;
        self
    }

    /// Whether the request may have reached the server.
    pub fn send_state(&self) -> SendState {
        self.state
    }

    /// Whether the retry layer may send the call again (idempotent calls only, when it may
    /// have been sent).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The layer's own error.
    pub fn into_source(self) -> BoxError {
        self.source
    }
}

/// A user layer's timeout fired (`tower::timeout::Elapsed` came out of it), after `after`.
///
/// The client measures the time from handing the request to the layer to the error, so the
/// duration is the layer's own, not the client's overall limit. It counts as
/// [`SendState::MaybeSent`]: an idempotent call is retried, a create is not.
#[derive(Debug, thiserror::Error)]
#[error("a layer's timeout fired after {} ms", after.as_millis())]
pub struct LayerTimedOut {
    /// How long the attempt had run in that layer when its timeout fired.
    pub after: Duration,
    /// The layer's error.
    #[source]
    pub source: BoxError,
}
